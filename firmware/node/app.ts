/**
 * The node application: ties the drivers (parts.ts), the MQTT client, the
 * flash queue, the topic layout, commands and discovery into one running
 * node, over a {@link Platform}.
 *
 * - Boot: drivers created (actuators off), the flash queue loaded (the
 *   oldest reports it holds handed to the client, the rest as room comes), WiFi joined (boards with a station), then the client started;
 *   it reconnects on its own from then on.
 * - WiFi: Espruino's ports differ (sim/espruino/modules/wifi.ts): the ESP32
 *   (2v29) never calls the connect callback on a failure, never retries and
 *   never rejoins after a drop; the ESP8266's SDK calls it once, retries
 *   and rejoins by itself. So the `connected` and `disconnected` events
 *   drive the state and the callback is a hint: each `connect` gets
 *   WIFI_JOIN_TIMEOUT ms; an error or the timeout ends it with
 *   `disconnect()` (which stops the SDK's retries) and the next one
 *   follows after the backoff (WIFI_RETRY_MIN doubling to WIFI_RETRY_MAX,
 *   reset by `connected`). A `disconnected` once joined waits the backoff,
 *   then connects unless `connected` came meanwhile (the ESP8266 rejoined);
 *   the repeated `disconnected` of the SDK's retries change nothing. There
 *   is never a second `connect` while one is pending. The client keeps its
 *   own reconnect backoff meanwhile; on `connected` it connects at once.
 * - Each connect: `online` retained on the status topic (the last will is
 *   `offline`, retained, QoS 1), every actuator's state retained, and Home
 *   Assistant discovery messages one at a time while the queue is short.
 *   The command subscription `<prefix>/<node>/+/set` is made once; the
 *   client renews it after each reconnection.
 * - Sampling: each sensor on its own `period` (else `telemetry.period`),
 *   one sensor at a time: a round samples every sensor that is due. Every
 *   `telemetry.period` seconds one JSON object with every sensor's latest
 *   readings is published on the telemetry topic at `telemetry.qos`; QoS 1
 *   goes through the flash queue, written to flash at once while the client
 *   is not connected and when the connection drops (a power loss then loses
 *   nothing that was produced; online, the queue batches for
 *   QUEUE_BATCH_WAIT ms and an acknowledgement usually comes first).
 *   The flash queue hands reports to the client as its RAM queue has room,
 *   so however long an outage, no report is refused: flash keeps the last
 *   QUEUE_SEGMENT x QUEUE_SEGMENTS, older ones go first, counted. It hands
 *   one only while the client holds fewer than QUEUE_FEED messages, so a
 *   backlog never takes the room `online` and the states need at a connection.
 *   Each report carries `boot` (a count kept in Storage, one write per
 *   start) and `seq` (1, 2, … per boot), so a receiver can tell every report
 *   apart, find gaps and put them in order. A failed sample goes to the
 *   error topic and its sensor is left out of the reports until it answers.
 * - Early reports: a sensor with a `threshold` whose numeric reading moved by
 *   more than it (a boolean: changed at all) since the last published report,
 *   and a button or reed contact that changes, publish the same whole report
 *   at the end of that round, at the highest QoS among the sensors that
 *   triggered it (a sensor's `qos`, else `telemetry.qos`; with the periodic
 *   report in the same round, at least `telemetry.qos`). The periodic report
 *   keeps its own schedule. Drivers hand over a new readings object per
 *   sample, so the last published ones are kept by reference, not copied.
 * - A command changes an actuator and publishes its new state retained, or
 *   changes nothing and publishes why on the error topic (commands.ts). A
 *   broker that refuses the command subscription is reported there too.
 * - Watchdog: no broker connection for `watchdog.offlineMinutes` flushes the
 *   queue and reboots (not with deep sleep: the awake limit bounds each wake);
 *   so does running out of memory, seen at the next look (at most
 *   WATCHDOG_CHECK ms later): on Espruino 2v29 with the ESP8266's heap a node
 *   that ran out while handling a burst of commands never answered again.
 * - Deep sleep (`deepSleep.enabled`): each wake is a start (the boot count
 *   goes up). WiFi is joined while the first round samples every sensor
 *   (1 s after the start, as always); the client starts only once that
 *   report is queued, so it follows CONNECT without waiting for CONNACK,
 *   behind whatever the flash queue restored. No other round is scheduled.
 *   Every SLEEP_CHECK ms the node looks whether the report went out, the
 *   client's queue is empty (every QoS 1 PUBACK came, `online` included)
 *   and discovery is done; then, or at `deepSleep.awakeLimit` whatever
 *   happened, it flushes the flash queue (what is unacknowledged stays there
 *   for a later wake), sends DISCONNECT (so the broker drops the will and
 *   `online` stays), waits SLEEP_DELAY ms for it to leave, and sleeps for
 *   `telemetry.period` minus the time awake, at least SLEEP_MIN. Discovery
 *   goes out only on a start that is not a wake-up (`platform.woke`): the
 *   configs are retained.
 *
 * Everything lives in the closure of one {@link startNode} call. Functions
 * are declared before the statements that call them (Espruino does not hoist).
 *
 * Build switches (esbuild `define`, set by scripts/build/build.ts from the
 * NodeConfig; absent in Node and the tests, which then get everything):
 * `MOTE_DISCOVERY` false drops discovery.ts, `MOTE_DRIVER_INPUT` false drops
 * the button/reed listeners, `MOTE_DEEP_SLEEP` false drops the deep-sleep
 * cycle, `MOTE_SENSORS` false (a node without sensors) drops sampling (the
 * drivers' own switches are in parts.ts).
 * They are read in {@link startNode} before anything that may have an
 * effect, nor a function that reads them, as esbuild folds a constant into
 * its uses only then; code behind one is kept out of nested function
 * declarations, which esbuild keeps even when nothing calls them.
 */
import type { NodeConfig } from "../config.ts";
import type { Readings, Sample } from "../../hal/sensor.ts";
import { STATE_READY } from "../mqtt/client-constants.ts";
import { createClient, type ClientOptions, type MqttClient, type OutgoingMessage } from "../mqtt/client.ts";
import { nodeConnectSettings } from "./connect.ts";
import { handleCommand, type CommandActuator, type CommandOutcome } from "./commands.ts";
import { DISCOVERY_PREFIX, discoveryMessage, type DiscoveryMessage } from "./discovery.ts";
import { createFlashQueue, type FlashQueue } from "./flash-queue.ts";
import { createActuator, createBuses, createSensor, statePayload, type PartSensor } from "./parts.ts";
import type { Platform } from "./platform.ts";
import { nodeTopic } from "./topics.ts";
import {
  DISCOVERY_QUEUE, ERROR_BACKLOG, DISCOVERY_WAIT, QUEUE_BATCH_WAIT, QUEUE_FEED, QUEUE_SEGMENT, QUEUE_SEGMENTS, SLEEP_CHECK, SLEEP_DELAY, SLEEP_MIN, WATCHDOG_CHECK,
  WIFI_JOIN_TIMEOUT, WIFI_JOINED, WIFI_JOINING, WIFI_RETRY_MAX, WIFI_RETRY_MIN, WIFI_WAITING,
} from "./constants.ts";

export { BOOT_FILE, KEEPALIVE, QUEUE_BATCH_WAIT, QUEUE_FEED, QUEUE_SEGMENT, QUEUE_SEGMENTS, SLEEP_CHECK, SLEEP_DELAY, SLEEP_MIN, WIFI_JOIN_TIMEOUT, WIFI_RETRY_MAX, WIFI_RETRY_MIN } from "./constants.ts";

declare const MOTE_DISCOVERY: boolean | undefined;
declare const MOTE_DRIVER_INPUT: boolean | undefined;
declare const MOTE_SENSORS: boolean | undefined;
declare const MOTE_DEEP_SLEEP: boolean | undefined;
/** The client's settings as clientOptions makes them, the CONNECT packet included: made and checked by the build (scripts/build/build.ts); absent in Node and the tests. */
declare const MOTE_CLIENT: ClientOptions;
/** `broker.tls`, from the build; absent in Node and the tests. */
declare const MOTE_TLS: boolean | undefined;
/** The node's base topic `<prefix>/<node>`, from the build; absent in Node and the tests. */
declare const MOTE_TOPIC: string | undefined;
/**
 * What else the device reads of the description, as the build gives it
 * (scripts/build/build.ts `descriptionDefines`), so that the embedded
 * description leaves those fields out (build.ts `deviceNode`) and a number
 * read costs no variable; absent in Node and the tests, which read `config`:
 * `telemetry.period` in ms, `telemetry.qos`, `watchdog.offlineMinutes` in
 * ms, the number of actuators and their highest `qos` (0 without any),
 * `wifi.ssid` and `wifi.password` (null without `wifi`), `deepSleep.enabled`
 * (as `MOTE_DEEP_SLEEP`) and `deepSleep.awakeLimit` in ms.
 */
declare const MOTE_PERIOD: number | undefined;
declare const MOTE_QOS: 0 | 1 | undefined;
declare const MOTE_OFFLINE: number | undefined;
declare const MOTE_ACTUATORS: number | undefined;
declare const MOTE_COMMAND_QOS: number | undefined;
declare const MOTE_STATION: string | null | undefined;
declare const MOTE_STATION_PASSWORD: string | null;
declare const MOTE_AWAKE: number | undefined;

/** A running node, for the device's console and for tests. */
export interface RunningNode {
  client: MqttClient;
  queue: FlashQueue;
  /** Samples every sensor now and publishes the telemetry report at `telemetry.qos` (after the current round, if one is running). */
  report(): void;
}

/**
 * The client's settings for `config`: its CONNECT, keepalive and clean
 * session as nodeConnectSettings (connect.ts) gives them (keepalive 60 s,
 * last will `offline` retained QoS 1, credentials when given). Host only: a device build embeds the same
 * settings ready-made (`MOTE_CLIENT`, see startNode), so
 * that neither this nor a CONNECT encoder goes into a device bundle.
 */
export function clientOptions(config: NodeConfig): ClientOptions {
  const broker = config.broker;
  return {
    host: broker.host,
    port: broker.port,
    ...nodeConnectSettings(config),
    receiveBuffer: config.buffers.receive,
    sendBuffer: config.buffers.send,
    socketQueue: config.buffers.socketQueue,
    inflightWindow: 4,
    queueMessages: 32,
    queueBytes: config.buffers.send * 4,
    connectTimeout: 15000,
    reconnectMin: 1000,
    reconnectMax: 60000,
    jitter: 0.25,
  };
}

/** Starts the node described by `config` on `platform` (see the file comment); throws on a configuration the firmware cannot run. */
export function startNode(config: NodeConfig, platform: Platform): RunningNode {
  const DISCOVERY = typeof MOTE_DISCOVERY == "undefined" || MOTE_DISCOVERY;
  const INPUT = typeof MOTE_DRIVER_INPUT == "undefined" || MOTE_DRIVER_INPUT;
  const SENSORS = typeof MOTE_SENSORS == "undefined" || MOTE_SENSORS;
  /*
   * `telemetry.qos`, `telemetry.period` in ms and the number of actuators: on
   * a device numbers in the code, no variables, as esbuild puts a constant
   * where it is read only when nothing that may have an effect, nor a
   * function that reads it, comes before its declaration.
   */
  const qos = typeof MOTE_QOS == "undefined" ? config.telemetry.qos : MOTE_QOS;
  const PERIOD = typeof MOTE_PERIOD == "undefined" ? config.telemetry.period * 1000 : MOTE_PERIOD;
  const ACTUATORS = typeof MOTE_ACTUATORS == "undefined" ? config.actuators.length : MOTE_ACTUATORS;
  /**
   * Per sensor: its driver; when it is next due (clock ms, always > 0),
   * negated while it is to be sampled in the next round whatever is due;
   * and the readings of the last published report. Its period and report
   * QoS are read from the config when needed: an array costs heap for as
   * long as the node runs (so without sensors there are none: esbuild drops
   * a const that is undefined, not one that is null, and only up here, before
   * anything that reads the description).
   */
  const sensors = (SENSORS ? [] : undefined) as PartSensor[];
  const due = (SENSORS ? [] : undefined) as number[];
  const sent = (SENSORS ? [] : undefined) as Readings[];
  /**
   * A sensor's answer; then the next sensor. A function expression behind
   * the switch, up here for the same reason: a node without sensors carries
   * none of it (esbuild keeps nested function declarations even when
   * nothing calls them). What it uses is declared below, before any sensor
   * answers.
   */
  const sampled = SENSORS ? function (result: Sample<Readings>): void {
    const part = config.sensors[sampling]!;
    if (result.ok) {
      const readings = result.readings;
      const partQos = part.qos !== undefined ? part.qos : qos;
      if (part.threshold !== undefined && partQos > roundQos) {
        // a reading moved by more than the threshold since the last report (a boolean: changed; not in that report: moved)
        const last = sent[sampling];
        let moved = !last;
        if (last) {
          for (const key in readings) {
            const value = readings[key]!;
            if (typeof value == "number" ? !(Math.abs(value - (last[key] as number)) <= part.threshold) : value !== last[key]) moved = true;
          }
        }
        if (moved) roundQos = partQos;
      }
      report[part.name] = readings;
    } else {
      delete report[part.name];
      post(-1, JSON.stringify({ error: part.name + ": " + result.error }));
    }
    sampling++;
    sampleNext();
  } : undefined;
  const SLEEP = typeof MOTE_DEEP_SLEEP == "undefined" ? config.deepSleep.enabled : MOTE_DEEP_SLEEP;
  if (SLEEP && !platform.deepSleep) throw new Error("node: deepSleep.enabled, but board " + config.board + " has no deep sleep");
  const clock = platform.clock;
  /*
   * Topics (topics.ts has the layout): the base, then the suffix as a
   * literal here, which stays in flash on the boards (topics.ts says why its
   * constants are not used). The base is made once: on a device the build's
   * `MOTE_TOPIC`, so that the embedded description needs neither
   * `topicPrefix` nor `id` for it and the bundle no builder.
   */
  const base = typeof MOTE_TOPIC == "undefined" ? nodeTopic(config.topicPrefix, config.id) : MOTE_TOPIC;
  const telemetry = base + "/telemetry";
  const bootTime = clock.now();

  if (SENSORS) {
    const buses = createBuses();
    for (let index = 0; index < config.sensors.length; index++) {
      sensors.push(createSensor(config.sensors[index]!, platform, buses));
      due.push(bootTime + 1000);
    }
  }
  const actuators: CommandActuator[] = config.actuators.map((part) => createActuator(part, platform));

  /*
   * On a device the client's settings are the build's (`MOTE_CLIENT` with
   * its CONNECT packet, which the build checks by making a client with them,
   * and `MOTE_TLS`), so that the embedded description carries no broker and
   * no buffers, and the bundle no clientOptions.
   */
  const client = createClient(
    typeof MOTE_TLS == "undefined" ? clientOptions(config) : MOTE_CLIENT,
    platform.transport(typeof MOTE_TLS == "undefined" ? config.broker.tls : MOTE_TLS),
    clock,
  );
  const queue = createFlashQueue(platform.storage, clock, {
    prefix: "mq", topic: telemetry, segmentMessages: QUEUE_SEGMENT, maxSegments: QUEUE_SEGMENTS, batchMessages: 4, batchMilliseconds: QUEUE_BATCH_WAIT,
  }, function (message: OutgoingMessage): boolean {
    return client.queue.length < QUEUE_FEED && client.restore(message);
  });
  client.store = queue.store;
  queue.load();

  /** The telemetry report: `boot` and `seq` first, so that (boot, seq) names each report of a node; `seq` is also the count of reports made. `boot` is the count in Storage plus one, written back at once. */
  const report: { [key: string]: unknown; boot: number; seq: number } = { boot: (parseInt(platform.storage.read("mote.boot")!, 10) || 0) + 1, seq: 0 };
  // BOOT_FILE, spelled out: a string constant used twice would be a global for good (topics.ts says why)
  platform.storage.write("mote.boot", "" + report.boot);
  /** The discovery pump's timer and the round timer: 0 for none (Espruino numbers timers from 1), which costs no heap variable, unlike null. */
  let discoveryTimer: unknown = 0;
  let sampling = -1;
  let again = false;
  /** The round's start time; the QoS of the report it ends with (-1: none), and of one asked for before the next round. */
  let roundTime = 0;
  let roundQos = -1;
  let requested = -1;
  let nextReport = bootTime + 1000;
  let timer: unknown = 0;
  /** When the client was last connected (clock ms), -1 while it is. */
  let lastOnline = bootTime;
  /**
   * WiFi in two variables, as each costs heap and the ESP8266's is nearly
   * full: `wifi` is 0 when joined (or without a station), else the next
   * backoff in ms, negative while a `connect` is pending; `wifiTimer` is that
   * join's timeout or the next join's timer, 0 for none (Espruino numbers
   * timers from 1).
   */
  let wifi = platform.wifi && (typeof MOTE_STATION == "undefined" ? config.wifi : MOTE_STATION) ? WIFI_RETRY_MIN : 0;
  let wifiTimer: unknown = 0;

  /**
   * The outbox: the actuators whose state is to be published, and error
   * reports, both published by a timer once the packet that carried the
   * commands is handled. A burst of commands then costs one retained state
   * per actuator (its last: the topic is retained, the latest is what
   * counts), not one queued message each, and each message is encoded from
   * the timer's shallow stack rather than at the bottom of the receive path.
   * On Espruino 2v29 with the ESP8266's heap each queued state cost about 22
   * variables and that path about 110 more than the timer's: a burst of 10
   * commands ran the node out of memory, now 16 do not (README "Measured
   * figures").
   * A state still waiting in the client, never sent, is brought up to date
   * instead, so that however slow the broker's acknowledgements one waits
   * per actuator (and up to the in-flight window are sent). At most
   * ERROR_BACKLOG errors wait in the outbox; more are dropped and counted
   * with the client's (`dropped`), as a full queue drops QoS 0 messages.
   */
  const stale: number[] = [];
  const errors: string[] = [];
  let outboxTimer: unknown = 0;

  function publishOutbox(): void {
    outboxTimer = 0;
    while (stale.length) {
      const index = stale.shift()!;
      const part = config.actuators[index]!;
      const topic = base + "/" + part.name + "/state";
      const payload = statePayload(part.type, actuators[index]!);
      // a state of this actuator still waiting in the client, never sent, is brought up to date rather than followed by another: however slow the acknowledgements, one waits per actuator
      let waiting = false;
      for (const message of client.queue) {
        if (!message.state && message.topic == topic) {
          message.payload = payload;
          waiting = true;
        }
      }
      if (!waiting) client.publish(topic, payload, qos, true);
    }
    while (errors.length) client.publish(base + "/error", errors.shift()!, 0, false);
  }

  /**
   * Puts actuator `index`'s state in the outbox, or with `error` (a JSON
   * text for the error topic, QoS 0) that error. One function for both:
   * each costs heap variables.
   */
  function post(index: number, error?: string): void {
    if (error === undefined) {
      if (stale.indexOf(index) < 0) stale.push(index);
    } else if (errors.length < ERROR_BACKLOG) errors.push(error);
    else client.counters.dropped++;
    if (!outboxTimer) outboxTimer = clock.setTimeout(publishOutbox, 0);
  }

  /** Wakes for the next sensor or report due, whichever comes first (none is forced here: trigger's round, or the one after it, sampled it). */
  function schedule(): void {
    if (SLEEP && report.seq) return;
    // no timer is pending: startRound, which ends with this, cleared it
    timer = clock.setTimeout(startRound, Math.max(0, (SENSORS ? due.reduce((wake, time) => (time < wake ? time : wake), nextReport) : nextReport) - clock.now()));
  }

  /** Samples the next sensor due, or publishes (when the round calls for a report) once every due sensor answered. */
  function sampleNext(): void {
    if (SENSORS) {
      while (sampling < sensors.length && due[sampling]! > roundTime) sampling++;
      if (sampling < sensors.length) {
        const time = Math.abs(due[sampling]!);
        const period = config.sensors[sampling]!.period! * 1000 || PERIOD;
        // one period after it was due, or after this round when that is past already (a late round does not catch up)
        due[sampling] = time > roundTime ? time : (time + period > roundTime ? time : roundTime) + period;
        sensors[sampling]!.sample(sampled!);
        return;
      }
    }
    sampling = -1;
    if (roundQos >= 0) {
      report.seq++;
      report["uptime"] = Math.round((clock.now() - bootTime) / 1000);
      const rssi = platform.rssi();
      if (rssi !== null) report["rssi"] = rssi;
      report["heap"] = platform.memory();
      report["mqtt"] = client.counters;
      const payload = JSON.stringify(report);
      // without sensors a round that reports does so at telemetry.qos (trigger and startRound ask for no other): on a device a number
      if ((SENSORS ? roundQos : qos) > 0) {
        queue.add(payload, SENSORS ? roundQos : qos);
        if (client.state != STATE_READY) queue.flush();
      } else client.publish(telemetry, payload, 0, false);
      if (SENSORS) for (let index = 0; index < sensors.length; index++) sent[index] = report[config.sensors[index]!.name] as Readings;
      // with deep sleep the client starts once WiFi is up and this report queued (the pipelined connect)
      if (SLEEP && !wifi) client.start();
    }
    if (again) {
      again = false;
      startRound();
    } else schedule();
  }

  /**
   * Starts a round: samples the sensors due, with the periodic report when
   * it is due (after the current round, if one is running). Also the
   * schedule's timer callback; whoever calls it, the schedule is made again
   * when the round ends, so its timer is cleared here.
   */
  function startRound(): void {
    if (timer) clock.clearTimeout(timer);
    timer = 0;
    if (sampling >= 0) {
      again = true;
      return;
    }
    roundTime = clock.now();
    roundQos = requested;
    requested = -1;
    if (roundTime >= nextReport) {
      // as for a sensor (sampleNext)
      nextReport = (nextReport + PERIOD > roundTime ? nextReport : roundTime) + PERIOD;
      if (qos > roundQos) roundQos = qos;
    }
    sampling = 0;
    sampleNext();
  }

  /**
   * Samples sensor `index` now (without one: every sensor), keeping its
   * schedule, and reports at `reportQos` (without one: `telemetry.qos`) at
   * least, at the end of that round. Without arguments it is RunningNode's
   * `report`, the only caller in a node without sensors (no listeners).
   */
  function trigger(index?: number, reportQos?: number): void {
    if (SENSORS) {
      for (let each = 0; each < due.length; each++) if (index === undefined || each == index) due[each] = -Math.abs(due[each]!);
      if (reportQos === undefined) reportQos = qos;
      if (reportQos > requested) requested = reportQos;
    } else requested = qos;
    startRound();
  }

  function onCommand(topic: string, payload: string): void {
    // handleCommand sets every field
    const outcome = {} as CommandOutcome;
    if (handleCommand(base, topic, payload, config.actuators, actuators, outcome)) post(outcome.index);
    else post(-1, outcome.error);
  }

  function watchdog(): void {
    // out of memory, the interpreter abandons whatever callback was running (a command half handled, a packet half read) and the node may never answer again: start afresh
    if ((platform.memoryFailed && platform.memoryFailed()) || (client.state != STATE_READY && clock.now() - lastOnline >= (typeof MOTE_OFFLINE == "undefined" ? config.watchdog.offlineMinutes * 60000 : MOTE_OFFLINE))) {
      queue.flush();
      platform.reboot();
      return;
    }
    // offlineMinutes is a whole number from 1 (the build checks it): WATCHDOG_CHECK is always the shorter
    clock.setTimeout(watchdog, WATCHDOG_CHECK);
  }

  /**
   * Moves WiFi to `state`. WIFI_JOINED: reset the backoff, start the client
   * (or have it connect now; with deep sleep, once the report is queued).
   * WIFI_JOINING: `connect`, with its timeout; an answer or the timeout
   * counts only while that join is pending.
   * WIFI_WAITING: leave first if a join was pending (this also stops the
   * ESP8266's SDK retrying on its own), then join after the backoff, which
   * doubles. Also the station's listener: `connected` (its details carry
   * `ip`) is WIFI_JOINED, `disconnected` once joined WIFI_WAITING, else
   * nothing (one function for all: each closure costs heap variables).
   */
  function setWifi(state: number | { ip?: string }): void {
    if (typeof state == "object") {
      if (!state.ip && wifi) return;
      state = state.ip ? WIFI_JOINED : WIFI_WAITING;
    }
    const delay = Math.abs(wifi) || WIFI_RETRY_MIN;
    if (wifiTimer) clock.clearTimeout(wifiTimer);
    wifiTimer = 0;
    if (state == WIFI_JOINED) {
      wifi = 0;
      // start the client, or have it connect now if it waits to reconnect; with deep sleep only once the first report is queued (sampleNext starts it then)
      if (!SLEEP || report.seq) client.start();
    } else {
      if (state != WIFI_JOINING && wifi < 0) platform.wifi!.disconnect();
      wifi = state == WIFI_JOINING ? -delay : Math.min(delay * 2, WIFI_RETRY_MAX);
      // the join's timeout (wifi < 0 until it ends) or the next join's timer; set before `connect`, whose callback may come at once
      wifiTimer = clock.setTimeout(function () {
        setWifi(wifi < 0 ? WIFI_WAITING : WIFI_JOINING);
      }, wifi < 0 ? WIFI_JOIN_TIMEOUT : delay);
      if (wifi < 0) {
        const ssid = typeof MOTE_STATION == "undefined" ? config.wifi!.ssid : MOTE_STATION!;
        const password = typeof MOTE_STATION == "undefined" ? config.wifi!.password : MOTE_STATION_PASSWORD;
        platform.wifi!.connect(ssid, password !== null ? { password: password } : {}, function (error: string | null) {
          if (wifi < 0) setWifi(error ? WIFI_WAITING : WIFI_JOINED);
        });
      }
    }
  }

  client.onConnect = function () {
    lastOnline = -1;
    // topics.ts ONLINE, spelled out as the suffixes are
    client.publish(base + "/status", "online", 1, true);
    for (let index = 0; index < ACTUATORS; index++) post(index);
    if (DISCOVERY && config.discovery && !(SLEEP && platform.woke)) {
      if (discoveryTimer) clock.clearTimeout(discoveryTimer);
      /*
       * Publishes the next discovery messages while the client's queue is
       * short. Made at each connect, so that it and its state are garbage
       * once discovery is done instead of heap for as long as the node runs.
       */
      const discovery: DiscoveryMessage = { topic: "", payload: "" };
      const discoveryOptions = { discoveryPrefix: DISCOVERY_PREFIX, model: config.board };
      let discoveryIndex = 0;
      const pumpDiscovery = function (): void {
        discoveryTimer = 0;
        while (client.state == STATE_READY && client.queue.length < DISCOVERY_QUEUE) {
          if (!discoveryMessage(config, discoveryIndex, discoveryOptions, discovery)) return;
          discoveryIndex++;
          client.publish(discovery.topic, discovery.payload, 1, true);
        }
        if (client.state == STATE_READY) discoveryTimer = clock.setTimeout(pumpDiscovery, DISCOVERY_WAIT);
      };
      pumpDiscovery();
    }
  };
  client.onDisconnect = function () {
    if (lastOnline < 0) lastOnline = clock.now();
    queue.flush();
  };
  if (ACTUATORS) {
    client.subscribe(base + "/+/set", typeof MOTE_COMMAND_QOS == "undefined" ? config.actuators.reduce((most, part) => (part.qos > most ? part.qos : most), 0) : MOTE_COMMAND_QOS, onCommand);
    // a broker that refuses it (SUBACK 0x80: an ACL, a QoS it does not grant) would leave every command unanswered; the client asks again at each connection
    client.onSubscribeFailed = function (filter: string): void {
      post(-1, JSON.stringify({ error: "subscription refused", input: filter }));
    };
  }
  if (INPUT) {
    for (let index = 0; index < sensors.length; index++) {
      const part = config.sensors[index]!;
      if (part.type == "button" || part.type == "reed") {
        // a button's or reed contact's listener: a change reports at once, at its QoS. trigger bound to the index (closures in a loop see its last value): on Espruino 2v29 with the ESP8266's heap, 9 variables fewer than a closure made by a function called with the index
        (sensors[index] as unknown as { listen(listener: () => void): void }).listen(trigger.bind(null, index, part.qos !== undefined ? part.qos : qos));
      }
    }
  }
  if (wifi) {
    platform.wifi!.on("connected", setWifi);
    platform.wifi!.on("disconnected", setWifi);
    setWifi(WIFI_JOINING);
  } else if (!SLEEP) client.start();
  schedule();
  if (SLEEP) {
    const awakeUntil = bootTime + (typeof MOTE_AWAKE == "undefined" ? config.deepSleep.awakeLimit * 1000 : MOTE_AWAKE) - SLEEP_DELAY;
    /** Looks every SLEEP_CHECK ms whether this wake's work is done or its time is up; then ends the session and sleeps. */
    const sleepCheck = function (): void {
      if (clock.now() < awakeUntil && !(report.seq && sampling < 0 && client.state == STATE_READY && !client.queue.length && !queue.waiting() && !discoveryTimer && !outboxTimer)) {
        clock.setTimeout(sleepCheck, SLEEP_CHECK);
        return;
      }
      queue.flush();
      client.end();
      clock.setTimeout(function () {
        platform.deepSleep!(Math.max(SLEEP_MIN, PERIOD - (clock.now() - bootTime)));
      }, SLEEP_DELAY);
    };
    sleepCheck();
  } else watchdog();
  return { client, queue, report: trigger };
}
