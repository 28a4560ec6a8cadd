/**
 * The MQTT 3.1.1 client: one session state machine over a Transport and a
 * Clock (firmware/mqtt/transport.ts). It publishes at QoS 0, 1 and 2 from a
 * bounded queue that survives disconnections, pipelines its queue behind
 * CONNECT (spec 3.1.4 lets a client send before CONNACK), resends what was
 * not acknowledged, in order, with DUP set [MQTT-4.4.0-1], keeps the link
 * alive and declares it dead after 1.5 keepalive intervals of silence,
 * reconnects with exponential backoff and jitter, and bounds what it hands
 * the socket. Every runtime fault goes through `fail(reason)`; nothing throws
 * out of a transport or timer callback. Exceptions only for configuration
 * mistakes, in `createClient`.
 *
 * Written as one closure rather than a class: the minifier shortens local
 * names but never property names, and this is the largest piece of a bundle.
 */
import {
  CONNACK, ERR_BUFFER_TOO_SMALL, ERR_QOS, PUBACK, PUBCOMP, PUBLISH, PUBREC, PUBREL,
  ERR_UNEXPECTED_TYPE, SUBACK, SUBACK_FAILURE, UNSUBACK,
} from "./constants.ts";
import {
  ERR_QUEUE_FULL, REASON_CLOSED, REASON_CONNECT_TIMEOUT, REASON_ENDED, REASON_KEEPALIVE_TIMEOUT, REASON_MALFORMED,
  REASON_PROTOCOL, STATE_CONNECTED, STATE_CONNECTING, STATE_IDLE, STATE_READY,
} from "./client-constants.ts";
import type { PublishOptions } from "./packets.ts";
import { createReceiver, type Receiver } from "./receive.ts";
import { DISCONNECT_STRING, PINGREQ_STRING } from "./empty-packets.ts";
import { ackString, publishString, subscribeString, unsubscribeString } from "./send-string.ts";
import { matchTopic } from "./topic-match.ts";
import type { Clock, Transport } from "./transport.ts";

/** Build-time switch for QoS 2 (see `createClient`). */
declare const MOTE_QOS2: boolean | undefined;
/** True in a build that has created this client with the same options on the host, so its checks passed there (see `createClient`). */
declare const MOTE_CLIENT_CHECKED: boolean | undefined;
/** False in a build whose application never unsubscribes (a node's), which then has no `unsubscribe` (see `createClient`). */
declare const MOTE_UNSUBSCRIBE: boolean | undefined;

/** What the client needs besides the transport and the clock. Times in milliseconds. */
export interface ClientOptions {
  host: string;
  port: number;
  /**
   * The CONNECT packet (client id, clean session, keepalive, credentials,
   * last will) as a binary string, built on the host by connectSettings
   * (connect.ts), which checks every field and gives the two settings below
   * with it. A device bundle thus carries no CONNECT encoder, nor code to
   * read the packet back.
   */
  connect: string;
  /** The CONNECT's keepalive in milliseconds (0 turns it off), and its clean session flag, as connectSettings gives them. */
  keepalive: number;
  cleanSession: boolean;
  /** The largest packet in and out, bytes (board file): a larger one from the broker ends the connection; one larger to send is refused. */
  receiveBuffer: number;
  sendBuffer: number;
  /** Most bytes handed to the transport and not yet sent before the client waits for drain. */
  socketQueue: number;
  /** Most QoS 1/2 messages sent and not yet acknowledged. */
  inflightWindow: number;
  /** Bounds of the queue (waiting and in-flight messages), by count and by topic+payload characters. */
  queueMessages: number;
  queueBytes: number;
  /** From opening the transport to CONNACK. */
  connectTimeout: number;
  /** Reconnect delay: doubles from `reconnectMin` up to `reconnectMax`, minus up to `jitter` (0..1) of it at random (Math.random). */
  reconnectMin: number;
  reconnectMax: number;
  jitter: number;
}

/** A message the client holds until it is sent (QoS 0) or acknowledged (QoS 1/2). */
export interface OutgoingMessage extends PublishOptions {
  /** The bytes, as a binary string (publishString refuses anything else). */
  payload: string;
  /** 0 not sent yet, 1 sent and awaiting PUBACK/PUBREC, 2 PUBREL sent and awaiting PUBCOMP. */
  state: number;
  /** Still to be (re)transmitted on the current connection. */
  unsent: boolean;
}

/** Where the application keeps QoS 1/2 messages across reboots (the node stores them in flash). */
export interface MessageStore {
  add(message: OutgoingMessage): void;
  remove(message: OutgoingMessage): void;
}

/** Receives messages on a subscription; `topic` and `payload` are their bytes as binary strings, one char per byte (0..255), as Espruino's sockets give them (the topic is UTF-8: topicError, text.ts, checked it). */
export type MessageHandler = (topic: string, payload: string, retain: boolean, qos: number) => void;

/** One subscription the client keeps across reconnections. */
export interface Subscription {
  filter: string;
  qos: number;
  handler: MessageHandler;
  /** Packet id of the SUBSCRIBE awaiting its SUBACK; 0 once acknowledged; -1 not sent yet (made while offline). */
  packetId: number;
}

/** Counters for the node's status report. */
export interface ClientCounters {
  /** PUBLISH packets sent (resends included). */
  sent: number;
  /** PUBLISH packets received (duplicates included). */
  received: number;
  /** QoS 1/2 messages completed (PUBACK / PUBCOMP). */
  acknowledged: number;
  /** PUBLISH or PUBREL packets sent again on a new connection. */
  resent: number;
  /** Messages dropped (queue full) or refused by `publish`. */
  dropped: number;
  /** Connections that ended and connection attempts that failed, for any reason (while connected it equals `reconnects`). */
  disconnects: number;
  /** Connection attempts after the first. */
  reconnects: number;
  /** Malformed or oversized packets from the broker. */
  malformed: number;
  /** Acknowledgements for packet ids the client was not waiting for. */
  unknownAcks: number;
  /** Incoming QoS 2 duplicates not delivered again. */
  duplicates: number;
  /** Exceptions thrown by message handlers (caught: a handler cannot break the session). */
  handlerErrors: number;
}

/** An MQTT 3.1.1 client session; see the file comment. */
export interface MqttClient extends ClientCore {
  /** Stops delivering `filter` and tells the broker. Absent in a build with `MOTE_UNSUBSCRIBE` false (a node's, which never unsubscribes). */
  unsubscribe(filter: string): void;
}

/**
 * The client's members that every build has: all but `unsubscribe`. Its
 * callbacks, and the subscriptions' handlers, are called as plain functions
 * (no `this`), with the arguments their types give.
 */
interface ClientCore {
  /** Called after each accepted CONNACK. None until the application sets one, as for the two below. */
  onConnect?: (sessionPresent: boolean) => void;
  /** Called once per connection that ends, with a REASON_* code (client-constants.ts). */
  onDisconnect?: (reason: number) => void;
  /** Called when the broker refuses a subscription (SUBACK 0x80). */
  onSubscribeFailed?: (filter: string) => void;
  /** Where QoS 1/2 messages are kept across reboots; none (the default) keeps them in memory only. */
  store?: MessageStore;
  readonly counters: ClientCounters;
  /** Messages waiting or in flight, oldest first. */
  readonly queue: OutgoingMessage[];
  readonly subscriptions: Subscription[];
  /** STATE_IDLE, STATE_CONNECTING (transport opening), STATE_CONNECTED (CONNECT sent), STATE_READY (CONNACK accepted). */
  readonly state: number;
  /** Starts connecting, and reconnecting after any failure until `end()`; called again while waiting to reconnect (the network is back), connects now. */
  start(): void;
  /** Sends DISCONNECT (so the broker discards the will) and closes; no reconnect. */
  end(): void;
  /**
   * Publishes, or queues while offline. `topic` and `payload` are bytes, as
   * binary strings (send-string.ts): the topic must be UTF-8; a typed array
   * goes as `E.toString(array)`. Returns 0 when sent or queued, or a
   * negative code: ERR_QUEUE_FULL, ERR_BUFFER_TOO_SMALL (larger than the
   * send buffer), or a codec ERR_* for a bad topic, payload or QoS.
   * Refusals count as dropped.
   */
  publish(topic: string, payload: string, qos: number, retain: boolean): number;
  /**
   * Puts a message kept by a MessageStore back in the queue (a store offers
   * them oldest first) and sends what it can. False when the queue has no
   * room for it (QoS 0 messages are dropped first, as for `publish`): the
   * store keeps it and offers it again once acknowledgements make room.
   * True when it went through: queued, or, larger than the send buffer or
   * otherwise unsendable, counted as dropped and gone.
   */
  restore(message: OutgoingMessage): boolean;
  /** Subscribes `handler` to `filter` (UTF-8 bytes) now and after every reconnection that needs it. Returns 0 or a codec ERR_*. */
  subscribe(filter: string, qos: number, handler: MessageHandler): number;
}

/** Checks the options (throws saying what is allowed), allocates the buffers and returns an idle client. */
export function createClient(options: ClientOptions, transport: Transport, clock: Clock): MqttClient {
  /*
   * QoS 2 support (PUBREC/PUBREL/PUBCOMP in both roles). A build for a node
   * that uses no QoS 2 defines MOTE_QOS2 = false and esbuild drops that code;
   * Node and the tests, with no define, get it. Such a switch must be declared in a function
   * before any statement that may have an effect: esbuild folds such a constant into its uses
   * before removing dead code, but not a module-level one nor one declared after such a statement.
   * CHECKED: the build has created the node's client on the host with the
   * same options, so the checks that throw here passed; its bundle leaves
   * them out. UNSUBSCRIBE false: the application never unsubscribes (a
   * node: its one subscription lasts), so the client has no `unsubscribe`.
   */
  const QOS2 = typeof MOTE_QOS2 == "undefined" || MOTE_QOS2, CHECKED = typeof MOTE_CLIENT_CHECKED != "undefined" && MOTE_CLIENT_CHECKED;
  const UNSUBSCRIBE = typeof MOTE_UNSUBSCRIBE == "undefined" || MOTE_UNSUBSCRIBE;
  /*
   * The options are read where they are used, but for the keepalive, which
   * the timer reads often: a local for each would cost a node's bundle its
   * declaration and an ESP8266 a heap variable for the client's life.
   */
  /** Keepalive in milliseconds; 0 turns it off. */
  const keepaliveInterval = options.keepalive;
  if (!CHECKED && !(options.jitter >= 0 && options.jitter <= 1 && options.inflightWindow >= 1 && options.queueMessages >= 1 && options.reconnectMin > 0 && options.reconnectMax >= options.reconnectMin && keepaliveInterval >= 0)) {
    throw new Error("mqtt: need 0 <= jitter <= 1, inflightWindow >= 1, queueMessages >= 1, 0 < reconnectMin <= reconnectMax, keepalive >= 0");
  }
  const queue: OutgoingMessage[] = [];
  const subscriptions: Subscription[] = [];
  /** Packet ids (as keys) of incoming QoS 2 messages delivered and not yet released (PUBREL); none without QoS 2. */
  let incomingQos2 = (QOS2 ? {} : 0) as Record<number, boolean>;
  /** Filters unsubscribed while offline, to tell a persistent session's broker after the reconnect; none without `unsubscribe`. */
  let unsubscribes = (UNSUBSCRIBE ? [] : 0) as string[];
  const counters: ClientCounters = {
    sent: 0, received: 0, acknowledged: 0, resent: 0, dropped: 0, disconnects: 0, reconnects: 0, malformed: 0, unknownAcks: 0, duplicates: 0, handlerErrors: 0,
  };
  let state = STATE_IDLE;
  /** The one timer, 0 for none (a number costs no heap variable, unlike null); what it is for follows from `state` (see `tick`). */
  let timer: unknown = 0;
  /** The next reconnect delay before jitter: `reconnectMin`, doubled after each failure up to `reconnectMax`. */
  let backoff = options.reconnectMin;
  let ended = false;
  let nextPacketId = 0;
  let inflight = 0;
  /* When the last packet went out and the last bytes came in; both set on every connection before the keepalive reads them (CONNECT goes out, CONNACK comes in). */
  let lastSent: number;
  let lastReceived: number;
  /** The silence after which a PINGREQ goes out: a keepalive interval, then 1.5 (never reached: the link is dead then) once one has gone unanswered; set with `lastReceived`. Whole milliseconds (`* 3 >> 1`, not `* 1.5`): an integer costs the interpreter no variable of its own, a float one more. */
  let silenceLimit: number;

  /**
   * Calls an application callback, if it has set one, with the arguments
   * given; what it throws is counted, never passed on (a handler cannot
   * break the session). The arguments rather than a closure: no function is
   * made per call.
   */
  function callSafely(callback: Function | undefined, a?: unknown, b?: unknown, c?: unknown, d?: unknown): void {
    try {
      if (callback) callback(a, b, c, d);
    } catch (error) {
      counters.handlerErrors++;
    }
  }

  /**
   * Clears the timer and, given `milliseconds`, sets it to call `tick` then.
   * One function for both: each costs an ESP8266 heap variables for as long
   * as the client lives. Timer handles are truthy (Espruino's and the
   * virtual clock's ids start at 1; Node's are objects).
   */
  function schedule(milliseconds?: number): void {
    if (timer) clock.clearTimeout(timer);
    timer = milliseconds == null ? 0 : clock.setTimeout(tick, milliseconds);
  }

  /**
   * Hands a packet (a binary string) to the transport. An error code is not
   * sent (a number has no length), nor a packet larger than the send buffer:
   * only UNSUBSCRIBE can be either (its filter is not checked first), so a
   * build without `unsubscribe` has no test. Every other packet passed a
   * check of its length (the CONNECT, a subscription's SUBSCRIBE in
   * `subscribe`, a PUBLISH in `add`: the id and DUP never change it) or
   * is shorter than the CONNECT (acks, PINGREQ, DISCONNECT). One exception:
   * the node rewrites the payload of an actuator state it queued and has
   * not sent yet (firmware/node/app.ts), up to 2 bytes longer ("ON" to
   * "OFF", a level "5" to "100"); such a message is far shorter than the
   * send buffer, which the build checks against the node's widest message,
   * its report.
   */
  function sendPacket(packet: string | number): void {
    if (!UNSUBSCRIBE || (packet as string).length <= options.sendBuffer) {
      lastSent = clock.now();
      transport.sendString(packet as string);
    }
  }

  /**
   * The length of a packet that fits the send buffer, else its codec ERR_*
   * or ERR_BUFFER_TOO_SMALL. A length rather than the packet, so that a
   * caller keeps no copy of it alive (about 25 heap variables for a
   * telemetry report on the ESP8266) while it goes on to send.
   */
  function check(packet: string | number): number {
    return typeof packet != "string" ? packet : packet.length > options.sendBuffer ? ERR_BUFFER_TOO_SMALL : packet.length;
  }

  /** Whether `length` more bytes may go to the transport now (one packet always may when nothing is pending). */
  function room(length: number): boolean {
    return !transport.pending() || transport.pending() + length <= options.socketQueue;
  }

  function size(message: OutgoingMessage): number {
    return message.topic.length + message.payload.length;
  }

  /** The next packet id in 1..65535 that no queued message or pending SUBSCRIBE uses [MQTT-2.3.1-2]. */
  function allocatePacketId(): number {
    for (;;) {
      nextPacketId = nextPacketId % 65535 + 1;
      if (!(queue as { packetId: number }[]).concat(subscriptions).some((user) => user.packetId == nextPacketId)) return nextPacketId;
    }
  }

  function sendSubscribe(subscription: Subscription): void {
    subscription.packetId = allocatePacketId();
    sendPacket(subscribeString(subscription.packetId, subscription.filter, subscription.qos));
  }

  /** Sends what the queue holds, in order, while the in-flight window and the socket have room. */
  function flush(): void {
    if (state > STATE_CONNECTING) for (let index = 0; index < queue.length; index++) {
      const message = queue[index]!;
      /** A QoS 1/2 message going out for the first time: it takes a window slot and a packet id. */
      const opening = !message.state && message.qos;
      if (message.unsent) {
        if (opening) {
          if (inflight >= options.inflightWindow) return;
          if (!message.packetId) message.packetId = allocatePacketId();
        }
        message.dup = message.state > 0;
        /* Queued messages passed publishString in `add`, so this is a string. */
        const packet = (QOS2 && message.state == 2 ? ackString(PUBREL, message.packetId) : publishString(message)) as string;
        if (!room(packet.length)) return;
        if (opening) {
          message.state = 1;
          inflight++;
        }
        /* A message at state 2 goes out as PUBREL, not counted; only QoS 2 gets there. */
        if (!QOS2 || message.state < 2) counters.sent++;
        if (message.dup) counters.resent++;
        sendPacket(packet);
        message.unsent = false;
        if (!message.qos) queue.splice(index--, 1);
      }
    }
  }

  /** The one path for a connection that ends: close, count, tell, and reconnect after a backoff. */
  function fail(reason: number): void {
    if (!state) return;
    if (reason == REASON_MALFORMED) counters.malformed++;
    state = STATE_IDLE;
    counters.disconnects++;
    transport.close();
    callSafely(client.onDisconnect, reason);
    if (ended) return;
    schedule(backoff * (1 - options.jitter * Math.random()));
    backoff = Math.min(options.reconnectMax, backoff * 2);
  }

  /**
   * The timer, by state: idle, the reconnect delay is over (the same as
   * `start` then, as `end` stops the timer); connecting, no
   * CONNACK in time; ready, keepalive: PINGREQ after a keepalive interval
   * without sending or without hearing back, dead after 1.5 intervals of
   * silence. Also called at CONNACK, to start the keepalive.
   */
  function tick(): void {
    const now = clock.now();
    if (!state) start();
    else if (state < STATE_READY) fail(REASON_CONNECT_TIMEOUT);
    else if (!keepaliveInterval) schedule();
    else if (now - lastReceived >= keepaliveInterval * 1.5) fail(REASON_KEEPALIVE_TIMEOUT);
    else {
      if (now - lastSent >= keepaliveInterval || now - lastReceived >= silenceLimit) {
        silenceLimit = keepaliveInterval * 3 >> 1;
        sendPacket(PINGREQ_STRING);
      }
      schedule(Math.min(lastSent + keepaliveInterval, lastReceived + silenceLimit) - now);
    }
  }

  /**
   * Takes each packet from the receiver: what is malformed or not allowed
   * now (anything before CONNACK, a second CONNACK) ends the connection.
   * Only from this connection's receiver (`packet` is the receiver that
   * delivers it): one still reading an old chunk when this one opens (a
   * transport may open at once, inside the old connection's callback)
   * reaches nothing.
   */
  function receive(decoded: number, packet: Receiver, bytes: string): void {
    if (state < STATE_CONNECTED || packet != receiver) return;
    if (decoded < 0) return fail(decoded == ERR_UNEXPECTED_TYPE ? REASON_PROTOCOL : REASON_MALFORMED);
    const type = packet.incomingType;
    const packetId = packet.incomingId;
    const qos = packet.incomingQos;
    const returnCode = packet.incomingCode;
    let index = 0;
    /* CONNACK comes once, first [MQTT-3.2.0-1]; everything else after it. */
    if (state != (type == CONNACK ? STATE_CONNECTED : STATE_READY)) return fail(REASON_PROTOCOL);
    if (type == CONNACK) {
      if (returnCode) return fail(returnCode);
      state = STATE_READY;
      backoff = options.reconnectMin;
      /* A new session: no QoS 2 message half received; the broker has no subscriptions to keep or drop. */
      const fresh = options.cleanSession || !packet.incomingSession;
      if (QOS2 && fresh) incomingQos2 = {};
      if (UNSUBSCRIBE) {
        if (!fresh) for (const filter of unsubscribes) sendPacket(unsubscribeString(allocatePacketId(), filter));
        unsubscribes = [];
      }
      for (const subscription of subscriptions) {
        if (fresh || subscription.packetId) sendSubscribe(subscription);
      }
      tick();
      /* The record is still this CONNACK's: the callback runs now. */
      callSafely(client.onConnect, packet.incomingSession);
      flush();
    } else if (type == PUBLISH) {
      counters.received++;
      if (!QOS2 && qos == 2) return fail(REASON_PROTOCOL);
      /* PUBACK for QoS 1, PUBREC for QoS 2: consecutive packet types. */
      if (qos) sendPacket(ackString(PUBACK - 1 + qos, packetId));
      if (QOS2 && qos == 2) {
        /* Exactly once: a copy of one not yet released is acknowledged again, not delivered. */
        if (incomingQos2[packetId]) {
          counters.duplicates++;
          return;
        }
        incomingQos2[packetId] = true;
      }
      const payload = bytes.substring(packet.incomingStart, decoded);
      for (; index < subscriptions.length; index++) {
        const subscription = subscriptions[index]!;
        /* The record's topic and retain flag, read where used: the receiver decodes nothing else until the loop ends. */
        if (matchTopic(subscription.filter, packet.incomingTopic)) {
          callSafely(subscription.handler, packet.incomingTopic, payload, packet.incomingRetain, qos);
        }
        /* The handler unsubscribed itself: the next one is at this index now. Only `unsubscribe` removes a subscription. */
        if (UNSUBSCRIBE && subscriptions[index] !== subscription) index--;
      }
    } else if ((QOS2 ? 1 << PUBACK | 1 << SUBACK | 1 << PUBREC | 1 << PUBCOMP : 1 << PUBACK | 1 << SUBACK) >> type & 1) {
      /* (The condition: the types as bits of one constant, which esbuild folds; one test instead of four comparisons.) */
      /*
       * Acknowledges the subscription waiting for this SUBACK, or completes
       * (PUBACK, PUBCOMP) or advances (PUBREC) the queued message it
       * acknowledges: a QoS 1 one sent, a QoS 2 one sent (PUBREC, again
       * when the PUBREL went astray) or released (PUBCOMP). The first of
       * either list with the id: one loop for both.
       */
      const waiting = (type == SUBACK ? subscriptions : queue) as (OutgoingMessage & Subscription)[];
      let found;
      /* Without QoS 2 every sent message with an id is a QoS 1 one (`add` refuses QoS 2). */
      while ((found = waiting[index]) && !(found.packetId == packetId && (type == SUBACK || (QOS2 ? found.qos == (type == PUBACK ? 1 : 2) && found.state >= (type == PUBCOMP ? 2 : 1) : found.state)))) index++;
      if (!found) counters.unknownAcks++;
      else if (type == SUBACK) {
        found.packetId = 0;
        if (returnCode == SUBACK_FAILURE) callSafely(client.onSubscribeFailed, found.filter);
      } else if (QOS2 && type == PUBREC) {
        found.state = 2;
        sendPacket(ackString(PUBREL, packetId));
      } else {
        queue.splice(index, 1);
        inflight--;
        counters.acknowledged++;
        if (client.store) client.store.remove(found);
        flush();
      }
    } else if (QOS2 && type == PUBREL) {
      delete incomingQos2[packetId];
      sendPacket(ackString(PUBCOMP, packetId));
    } else if (type < UNSUBACK) {
      /* Of the broker's types (the receiver delivers no other) what is left is UNSUBACK and PINGRESP, nothing to do, and without QoS 2 PUBREC, PUBREL and PUBCOMP (5 to 7), not allowed. */
      fail(REASON_PROTOCOL);
    }
  }

  /**
   * Takes a message from `publish`, or from a store (`restored`, not added
   * to the store again): queues it and sends what it can. Returns 0, or a
   * negative code, counted as dropped unless it is a restored message's
   * ERR_QUEUE_FULL (that one stays in its store).
   */
  function add(message: OutgoingMessage, restored?: boolean): number {
    message.state = 0;
    message.unsent = true;
    /* DUP is set as it goes out (flush); publishString checks neither DUP nor the id, which flush allocates: the check is about the fields and the size. */
    message.packetId = 0;
    const length = check(!QOS2 && message.qos == 2 ? ERR_QOS : publishString(message));
    if (length < 0) {
      counters.dropped++;
      return length;
    }
    /*
     * A QoS 0 message that can go out now (nothing waits before it, the
     * socket has room) passes through even a full queue: flush sends and
     * removes it at once. Any other makes room by dropping the oldest QoS 0
     * messages (every queued one is unsent: flush removes it once sent), or,
     * when dropping all of them would not be enough, none.
     */
    if (message.qos || state != STATE_READY || queue.some((queued) => queued.unsent) || !room(length)) {
      /* With `message`: the bytes of all, and the count and bytes of what must stay. */
      let total = size(message);
      let count = 1;
      let bytes = total;
      for (const queued of queue) {
        total += size(queued);
        if (queued.qos) {
          count++;
          bytes += size(queued);
        }
      }
      if (count > options.queueMessages || bytes > options.queueBytes) {
        /* A restored message stays in its store, to be offered again: not dropped. */
        if (!restored) counters.dropped++;
        return ERR_QUEUE_FULL;
      }
      for (let index = 0; queue.length >= options.queueMessages || total > options.queueBytes; ) {
        if (queue[index]!.qos) index++;
        else {
          total -= size(queue.splice(index, 1)[0]!);
          counters.dropped++;
        }
      }
    }
    queue.push(message);
    if (!restored && message.qos && client.store) client.store.add(message);
    flush();
    return 0;
  }

  function subscribe(filter: string, qos: number, handler: MessageHandler): number {
    const code = check(subscribeString(1, filter, qos));
    if (code < 0) return code;
    const subscription: Subscription = { filter, qos, handler, packetId: -1 };
    subscriptions.push(subscription);
    if (state == STATE_READY) sendSubscribe(subscription);
    return 0;
  }

  function start(): void {
    if (ended || state) return;
    /* Every start but the first follows a disconnect: the state is idle only before the first and after `fail`. */
    if (counters.disconnects) counters.reconnects++;
    state = STATE_CONNECTING;
    receiver = createReceiver(options.receiveBuffer, receive);
    schedule(options.connectTimeout);
    transport.open(options.host, options.port);
  }

  function end(): void {
    ended = true;
    schedule();
    if (state > STATE_CONNECTING) sendPacket(DISCONNECT_STRING);
    fail(REASON_ENDED);
  }

  /* Here, not at the top: `check` exists only once its declaration has run (Espruino does not hoist). */
  if (!CHECKED && !(check(options.connect) > 0)) {
    throw new Error("mqtt: connect is not a CONNECT packet (connectSettings) within sendBuffer " + options.sendBuffer);
  }
  /** The receiving end of the connection; each connection gets its own (start). */
  let receiver: Receiver;
  /* Without `unsubscribe` until the switch below adds it. */
  const client: ClientCore & Partial<MqttClient> = {
    counters,
    queue,
    subscriptions,
    get state() {
      return state;
    },
    start,
    end,
    /* These two in place: nothing inside calls them, and a declaration costs a bundle its name twice. */
    publish: (topic: string, payload: string, qos: number, retain: boolean): number => add({ topic, payload, qos, retain } as OutgoingMessage),
    restore: (message: OutgoingMessage): boolean => add(message, true) != ERR_QUEUE_FULL,
    subscribe,
  };
  /* Added behind the switch, so that a build without it has no trace of it: esbuild keeps a nested function declaration even when nothing calls it. */
  if (UNSUBSCRIBE) {
    client.unsubscribe = function (filter: string): void {
      for (let index = subscriptions.length; index--; ) {
        if (subscriptions[index]!.filter == filter) subscriptions.splice(index, 1);
      }
      if (state == STATE_READY) sendPacket(unsubscribeString(allocatePacketId(), filter));
      else if (!options.cleanSession) unsubscribes.push(filter);
    };
  }
  transport.events = {
    onOpen: () => {
      if (state != STATE_CONNECTING) return;
      state = STATE_CONNECTED;
      for (const message of queue) message.unsent = true;
      sendPacket(options.connect);
      flush();
    },
    onData: (chunk) => {
      if (state < STATE_CONNECTED) return;
      lastReceived = clock.now();
      silenceLimit = keepaliveInterval;
      if (receiver(chunk) < 0) fail(REASON_MALFORMED);
    },
    onDrain: flush,
    onClose: () => fail(REASON_CLOSED),
  };
  return client as MqttClient;
}
