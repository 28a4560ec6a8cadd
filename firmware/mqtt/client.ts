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
  CONNACK, DISCONNECT, ERR_BUFFER_TOO_SMALL, ERR_QOS, PINGREQ, PINGRESP, PUBACK, PUBCOMP, PUBLISH, PUBREC, PUBREL,
  ERR_UNEXPECTED_TYPE, SUBACK, SUBACK_FAILURE, UNSUBACK,
} from "./constants.ts";
import {
  ERR_QUEUE_FULL, REASON_CLOSED, REASON_CONNECT_TIMEOUT, REASON_ENDED, REASON_KEEPALIVE_TIMEOUT, REASON_MALFORMED,
  REASON_PROTOCOL, STATE_CONNECTED, STATE_CONNECTING, STATE_IDLE, STATE_READY,
} from "./client-constants.ts";
import type { ConnectOptions, PublishOptions } from "./packets.ts";
import { createReceiver, type Incoming } from "./receive.ts";
import { ackString, connectString, emptyString, publishString, subscribeString, unsubscribeString } from "./send-string.ts";
import { matchTopic } from "./topic-match.ts";
import type { Clock, Transport } from "./transport.ts";

/** Build-time switch for QoS 2 (see `createClient`). */
declare const MOTE_QOS2: boolean | undefined;

/** What the client needs besides the transport and the clock. Times in milliseconds. */
export interface ClientOptions {
  host: string;
  port: number;
  /** CONNECT fields: client id, clean session, keepalive (s), credentials, last will. */
  connect: ConnectOptions;
  /** Bytes of the receive and send buffers (board file): the largest packet in and out. */
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
  /** Reconnect delay: doubles from `reconnectMin` up to `reconnectMax`, minus up to `jitter` (0..1) of it at random. */
  reconnectMin: number;
  reconnectMax: number;
  jitter: number;
  /** Source of randomness for the jitter (Math.random when absent). */
  random?: () => number;
}

/** A message the client holds until it is sent (QoS 0) or acknowledged (QoS 1/2). */
export interface OutgoingMessage extends PublishOptions {
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

/** Receives messages on a subscription; `payload` is a view valid only during the call. */
export type MessageHandler = (topic: string, payload: Uint8Array, retain: boolean, qos: number) => void;

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
  /** Connections that ended, for any reason. */
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
export interface MqttClient {
  /** Called after each accepted CONNACK. */
  onConnect: (sessionPresent: boolean) => void;
  /** Called once per connection that ends, with a REASON_* code (client-constants.ts). */
  onDisconnect: (reason: number) => void;
  /** Called when the broker refuses a subscription (SUBACK 0x80). */
  onSubscribeFailed: (filter: string) => void;
  /** Where QoS 1/2 messages are kept across reboots; null keeps them in memory only. */
  store: MessageStore | null;
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
   * Publishes, or queues while offline. Returns 0 when sent or queued, or a
   * negative code: ERR_QUEUE_FULL, ERR_BUFFER_TOO_SMALL (larger than the send
   * buffer), or a codec ERR_* for a bad topic or QoS. Refusals count as dropped.
   */
  publish(topic: string, payload: string | Uint8Array, qos: number, retain: boolean): number;
  /**
   * Puts messages kept by a MessageStore back in the queue, oldest first, and
   * sends what it can. Stops at the first one the queue has no room for
   * (QoS 0 messages are dropped first, as for `publish`) and returns how many
   * it went through: a message larger than the send buffer or otherwise
   * unsendable is counted as dropped and gone through. The store keeps the
   * rest and offers them again once acknowledgements make room.
   */
  restore(messages: OutgoingMessage[]): number;
  /** Subscribes `handler` to `filter` now and after every reconnection that needs it. Returns 0 or a codec ERR_*. */
  subscribe(filter: string, qos: number, handler: MessageHandler): number;
  /** Stops delivering `filter` and tells the broker. */
  unsubscribe(filter: string): void;
}

/** Checks the options (throws naming the bad one), allocates the buffers and returns an idle client. */
export function createClient(options: ClientOptions, transport: Transport, clock: Clock): MqttClient {
  /*
   * QoS 2 support (PUBREC/PUBREL/PUBCOMP in both roles). A build for a node
   * that uses no QoS 2 defines MOTE_QOS2 = false and esbuild drops that code;
   * Node and the tests, with no define, get it. It must be the first statement
   * of a function: esbuild folds such a constant into its uses before removing
   * dead code, but not a module-level one nor one after other statements.
   */
  const QOS2 = typeof MOTE_QOS2 == "undefined" || MOTE_QOS2;
  const connectOptions = options.connect;
  const connectPacket = connectString(connectOptions);
  const sendBuffer = options.sendBuffer;
  const socketQueue = options.socketQueue;
  const inflightWindow = options.inflightWindow;
  const queueMessages = options.queueMessages;
  const queueBytes = options.queueBytes;
  const reconnectMin = options.reconnectMin;
  const reconnectMax = options.reconnectMax;
  const jitter = options.jitter;
  if (typeof connectPacket != "string") throw new Error("mqtt: invalid connect options for client id " + JSON.stringify(connectOptions.clientId));
  if (connectPacket.length > sendBuffer) throw new Error("mqtt: CONNECT needs " + connectPacket.length + " bytes, sendBuffer is " + sendBuffer);
  if (!(jitter >= 0 && jitter <= 1)) throw new Error("mqtt: need 0 <= jitter <= 1, got " + jitter);
  if (!(inflightWindow >= 1 && queueMessages >= 1 && reconnectMin > 0 && reconnectMax >= reconnectMin)) {
    throw new Error("mqtt: need inflightWindow >= 1, queueMessages >= 1, 0 < reconnectMin <= reconnectMax");
  }
  const keepaliveInterval = connectOptions.keepalive * 1000;
  const queue: OutgoingMessage[] = [];
  const subscriptions: Subscription[] = [];
  const incomingQos2: number[] = [];
  const unsubscribes: string[] = [];
  const scratch: PublishOptions = { topic: "", payload: "", qos: 0, retain: false, dup: false, packetId: 1 };
  const counters: ClientCounters = {
    sent: 0, received: 0, acknowledged: 0, resent: 0, dropped: 0, disconnects: 0, reconnects: 0, malformed: 0, unknownAcks: 0, duplicates: 0, handlerErrors: 0,
  };
  let state = STATE_IDLE;
  let timer: unknown = null;
  let attempts = 0;
  let started = false;
  let ended = false;
  let nextPacketId = 0;
  let inflight = 0;
  let queuedBytes = 0;
  let lastSent = 0;
  let lastReceived = 0;
  let pingSent = false;

  /** Runs an application callback; what it throws is counted, never passed on (a handler cannot break the session). */
  function callSafely(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      counters.handlerErrors++;
    }
  }

  function clearTimer(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function schedule(milliseconds: number, callback: () => void): void {
    clearTimer();
    timer = clock.setTimeout(callback, milliseconds);
  }

  /** Hands a packet (a binary string) to the transport; an error code or a packet larger than the send buffer is not sent. */
  function sendPacket(packet: string | number): void {
    if (typeof packet == "string" && packet.length <= sendBuffer) {
      lastSent = clock.now();
      transport.sendString(packet);
    }
  }

  /** Whether `length` more bytes may go to the transport now (one packet always may when nothing is pending). */
  function room(length: number): boolean {
    const pending = transport.pending();
    return pending == 0 || pending + length <= socketQueue;
  }

  function size(message: OutgoingMessage): number {
    return message.topic.length + message.payload.length;
  }

  function remove(index: number): void {
    queuedBytes -= size(queue[index]!);
    queue.splice(index, 1);
  }

  /** The next packet id in 1..65535 that no queued message or pending SUBSCRIBE uses [MQTT-2.3.1-2]. */
  function allocatePacketId(): number {
    for (;;) {
      nextPacketId = nextPacketId % 65535 + 1;
      const candidate = nextPacketId;
      if (!queue.some((message) => message.packetId == candidate) && !subscriptions.some((subscription) => subscription.packetId == candidate)) {
        return candidate;
      }
    }
  }

  function sendSubscribe(subscription: Subscription): void {
    subscription.packetId = allocatePacketId();
    sendPacket(subscribeString(subscription.packetId, subscription.filter, subscription.qos));
  }

  /** Sends what the queue holds, in order, while the in-flight window and the socket have room. */
  function flush(): void {
    if (state < STATE_CONNECTED) return;
    for (let index = 0; index < queue.length; index++) {
      const message = queue[index]!;
      if (!message.unsent) continue;
      if (message.state == 0 && message.qos > 0 && inflight >= inflightWindow) return;
      const resend = message.state > 0;
      message.dup = resend;
      if (message.qos > 0 && !message.packetId) message.packetId = allocatePacketId();
      const packet = QOS2 && message.state == 2 ? ackString(PUBREL, message.packetId) : publishString(message);
      if (!room(typeof packet == "string" ? packet.length : packet)) return;
      if (message.state == 0 && message.qos > 0) {
        message.state = 1;
        inflight++;
      }
      if (message.state == 1 || message.qos == 0) counters.sent++;
      if (resend) counters.resent++;
      sendPacket(packet);
      message.unsent = false;
      if (message.qos == 0) remove(index--);
    }
  }

  /** The one path for a connection that ends: close, count, tell, and reconnect after a backoff. */
  function fail(reason: number): void {
    if (state == STATE_IDLE) return;
    state = STATE_IDLE;
    clearTimer();
    counters.disconnects++;
    transport.close();
    callSafely(() => client.onDisconnect(reason));
    if (ended) return;
    const base = Math.min(reconnectMax, reconnectMin * Math.pow(2, attempts++));
    schedule(base * (1 - jitter * (options.random ? options.random() : Math.random())), () => {
      counters.reconnects++;
      connect();
    });
  }

  function malformed(): void {
    counters.malformed++;
    fail(REASON_MALFORMED);
  }

  /** PINGREQ after a keepalive interval without sending or without hearing back; dead after 1.5 intervals of silence. */
  function keepalive(): void {
    if (!keepaliveInterval || state != STATE_READY) return clearTimer();
    const now = clock.now();
    if (now - lastReceived >= keepaliveInterval * 1.5) return fail(REASON_KEEPALIVE_TIMEOUT);
    if (now - lastSent >= keepaliveInterval || (!pingSent && now - lastReceived >= keepaliveInterval)) {
      pingSent = true;
      sendPacket(emptyString(PINGREQ));
    }
    let next = Math.min(lastSent + keepaliveInterval, lastReceived + keepaliveInterval * 1.5);
    if (!pingSent) next = Math.min(next, lastReceived + keepaliveInterval);
    schedule(next - now, keepalive);
  }

  function connect(): void {
    state = STATE_CONNECTING;
    receiver.reset();
    schedule(options.connectTimeout, () => fail(REASON_CONNECT_TIMEOUT));
    transport.open(options.host, options.port);
  }

  function opened(): void {
    if (state != STATE_CONNECTING) return;
    state = STATE_CONNECTED;
    lastReceived = clock.now();
    pingSent = false;
    for (const message of queue) message.unsent = true;
    sendPacket(connectString(connectOptions));
    flush();
  }

  function connacked(sessionPresent: boolean, returnCode: number): void {
    if (state != STATE_CONNECTED) return fail(REASON_PROTOCOL);
    if (returnCode) return fail(returnCode);
    state = STATE_READY;
    attempts = 0;
    const fresh = connectOptions.cleanSession || !sessionPresent;
    if (fresh) incomingQos2.splice(0, incomingQos2.length);
    for (const filter of unsubscribes) {
      if (!fresh) sendPacket(unsubscribeString(allocatePacketId(), filter));
    }
    unsubscribes.splice(0, unsubscribes.length);
    for (const subscription of subscriptions) {
      if (fresh || subscription.packetId) sendSubscribe(subscription);
    }
    keepalive();
    callSafely(() => client.onConnect(sessionPresent));
    flush();
  }

  /** Completes (or, for PUBREC, advances) the queued message that `packetId` acknowledges. */
  function acknowledge(packetId: number, qos: number, stage: number): void {
    let index = 0;
    while (index < queue.length && !(queue[index]!.packetId == packetId && queue[index]!.qos == qos && queue[index]!.state >= stage)) index++;
    const message = queue[index];
    if (!message) {
      counters.unknownAcks++;
      return;
    }
    if (QOS2 && qos == 2 && stage == 1) {
      message.state = 2;
      sendPacket(ackString(PUBREL, packetId));
      return;
    }
    remove(index);
    inflight--;
    counters.acknowledged++;
    if (client.store) client.store.remove(message);
    flush();
  }

  function deliver(packet: Incoming, bytes: Uint8Array): void {
    const qos = packet.incomingQos;
    const packetId = packet.incomingId;
    const topic = packet.incomingTopic;
    counters.received++;
    if (qos == 1) sendPacket(ackString(PUBACK, packetId));
    if (qos == 2) {
      if (!QOS2) return fail(REASON_PROTOCOL);
      sendPacket(ackString(PUBREC, packetId));
      if (incomingQos2.indexOf(packetId) >= 0) {
        counters.duplicates++;
        return;
      }
      incomingQos2.push(packetId);
    }
    const payload = bytes.subarray(packet.incomingStart, packet.incomingEnd);
    for (let index = 0; index < subscriptions.length; index++) {
      const subscription = subscriptions[index]!;
      if (matchTopic(subscription.filter, topic)) {
        callSafely(() => subscription.handler(topic, payload, packet.incomingRetain, qos));
      }
      if (subscriptions[index] !== subscription) index--;
    }
  }

  function subacked(packet: Incoming): void {
    const subscription = subscriptions.find((candidate) => candidate.packetId == packet.incomingId);
    if (!subscription) {
      counters.unknownAcks++;
      return;
    }
    subscription.packetId = 0;
    if (packet.incomingCode != SUBACK_FAILURE) return;
    callSafely(() => client.onSubscribeFailed(subscription.filter));
  }

  function receive(decoded: number, packet: Incoming, bytes: Uint8Array): void {
    if (state < STATE_CONNECTED) return;
    if (decoded == ERR_UNEXPECTED_TYPE) return fail(REASON_PROTOCOL);
    if (decoded < 0) return malformed();
    const type = packet.incomingType;
    const packetId = packet.incomingId;
    if (type == CONNACK) return connacked(packet.incomingSession, packet.incomingCode);
    if (state != STATE_READY) return fail(REASON_PROTOCOL);
    if (type == PUBLISH) deliver(packet, bytes);
    else if (type == PUBACK) acknowledge(packetId, 1, 1);
    else if (QOS2 && type == PUBREC) acknowledge(packetId, 2, 1);
    else if (QOS2 && type == PUBCOMP) acknowledge(packetId, 2, 2);
    else if (QOS2 && type == PUBREL) {
      const index = incomingQos2.indexOf(packetId);
      if (index >= 0) incomingQos2.splice(index, 1);
      sendPacket(ackString(PUBCOMP, packetId));
    } else if (type == SUBACK) subacked(packet);
    else if (type != UNSUBACK && type != PINGRESP) fail(REASON_PROTOCOL);
  }

  /** Makes room for `message` by dropping the oldest unsent QoS 0 messages; false when that is not enough. */
  function makeRoom(message: OutgoingMessage): boolean {
    let count = queue.length;
    let bytes = queuedBytes;
    for (let scan = 0; scan < queue.length && (count >= queueMessages || bytes + size(message) > queueBytes); scan++) {
      if (queue[scan]!.qos == 0 && queue[scan]!.unsent) {
        count--;
        bytes -= size(queue[scan]!);
      }
    }
    if (count >= queueMessages || bytes + size(message) > queueBytes) return false;
    let index = 0;
    while (queue.length >= queueMessages || queuedBytes + size(message) > queueBytes) {
      while (index < queue.length && !(queue[index]!.qos == 0 && queue[index]!.unsent)) index++;
      if (index == queue.length) return false;
      remove(index);
      counters.dropped++;
    }
    return true;
  }

  function enqueue(message: OutgoingMessage): void {
    queue.push(message);
    queuedBytes += size(message);
  }

  function publish(topic: string, payload: string | Uint8Array, qos: number, retain: boolean): number {
    scratch.topic = topic;
    scratch.payload = payload;
    scratch.qos = qos;
    scratch.retain = retain;
    const packet = !QOS2 && qos == 2 ? ERR_QOS : publishString(scratch);
    let length = typeof packet == "string" ? packet.length : packet;
    if (length > sendBuffer) length = ERR_BUFFER_TOO_SMALL;
    if (length < 0) {
      counters.dropped++;
      return length;
    }
    if (qos == 0 && state == STATE_READY && !queue.some((message) => message.unsent) && room(length)) {
      counters.sent++;
      sendPacket(packet);
      return 0;
    }
    const message: OutgoingMessage = { topic, payload, qos, retain, dup: false, packetId: 0, state: 0, unsent: true };
    if (!makeRoom(message)) {
      counters.dropped++;
      return ERR_QUEUE_FULL;
    }
    enqueue(message);
    if (qos > 0 && client.store) client.store.add(message);
    flush();
    return 0;
  }

  function restore(messages: OutgoingMessage[]): number {
    let index = 0;
    for (; index < messages.length; index++) {
      const message = messages[index]!;
      scratch.topic = message.topic;
      scratch.payload = message.payload;
      scratch.qos = message.qos;
      scratch.retain = message.retain;
      const packet = publishString(scratch);
      if (typeof packet != "string" || packet.length > sendBuffer) {
        counters.dropped++;
        continue;
      }
      message.state = 0;
      message.unsent = true;
      message.packetId = 0;
      if (!makeRoom(message)) break;
      enqueue(message);
    }
    flush();
    return index;
  }

  function subscribe(filter: string, qos: number, handler: MessageHandler): number {
    const check = subscribeString(1, filter, qos);
    if (typeof check != "string") return check;
    if (check.length > sendBuffer) return ERR_BUFFER_TOO_SMALL;
    const subscription: Subscription = { filter, qos, handler, packetId: -1 };
    subscriptions.push(subscription);
    if (state == STATE_READY) sendSubscribe(subscription);
    return 0;
  }

  function unsubscribe(filter: string): void {
    for (let index = subscriptions.length - 1; index >= 0; index--) {
      if (subscriptions[index]!.filter == filter) subscriptions.splice(index, 1);
    }
    if (state == STATE_READY) sendPacket(unsubscribeString(allocatePacketId(), filter));
    else if (!connectOptions.cleanSession) unsubscribes.push(filter);
  }

  function start(): void {
    if (ended || state != STATE_IDLE) return;
    if (started) counters.reconnects++;
    started = true;
    connect();
  }

  function end(): void {
    ended = true;
    clearTimer();
    if (state >= STATE_CONNECTED) sendPacket(emptyString(DISCONNECT));
    fail(REASON_ENDED);
  }

  const receiver = createReceiver(options.receiveBuffer, receive);
  const client: MqttClient = {
    onConnect: () => {},
    onDisconnect: () => {},
    onSubscribeFailed: () => {},
    store: null,
    counters,
    queue,
    subscriptions,
    get state() {
      return state;
    },
    start,
    end,
    publish,
    restore,
    subscribe,
    unsubscribe,
  };
  transport.events = {
    onOpen: opened,
    onData: (chunk) => {
      if (state < STATE_CONNECTED) return;
      lastReceived = clock.now();
      pingSent = false;
      if (receiver.push(chunk) < 0 && state != STATE_IDLE) malformed();
    },
    onDrain: flush,
    onClose: () => fail(REASON_CLOSED),
  };
  return client;
}
