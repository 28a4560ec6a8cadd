/**
 * The node application's WiFi join and watchdog (firmware/node/app.ts) in
 * Node, over a fake Platform on a VirtualClock: a fake `Wifi` behaving as
 * the ESP32's or the ESP8266's (fake-wifi.ts) with an access point that can
 * go away, a FakeTransport playing a broker that can be made unreachable
 * (connections refused, the open one reset; unreachable too while WiFi is
 * not joined), an in-memory Storage, and a `reboot` that records when it
 * was called and what flash held then. No sensors: a report then holds
 * boot, seq, uptime, rssi, heap and the client counters.
 */
import assert from "node:assert/strict";
import type { NodeConfig } from "../../../firmware/config.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { QUEUE_BATCH_WAIT, QUEUE_SEGMENT, QUEUE_SEGMENTS, startNode, WIFI_JOIN_TIMEOUT, WIFI_RETRY_MAX, WIFI_RETRY_MIN, type RunningNode } from "../../../firmware/node/app.ts";
import type { NodeStorage } from "../../../firmware/node/platform.ts";
import { ack, connack, empty, FakeTransport } from "../mqtt/fake-transport.ts";
import { rig } from "../../hal/rig.ts";
import { FakeWifi, type WifiPort } from "./fake-wifi.ts";
import { rigPlatform } from "./rig-platform.ts";
import { memoryStorage, queuedInFlash } from "./memory-storage.ts";

const TELEMETRY = "mote/n1/telemetry";
const MINUTE = 60000;
/** How often the watchdog looks at most (app.ts WATCHDOG_CHECK). */
const CHECK = 10000;
interface Bench {
  node: RunningNode;
  transport: FakeTransport;
  storage: NodeStorage;
  wifi: FakeWifi | null;
  /** Each reboot() call: when, and the flash queue's messages at that moment. */
  reboots: { at: number; flash: string[] }[];
  /** Telemetry reports the broker received: [boot, seq]. */
  reports: [number, number][];
  /** Virtual times of each CONNACK the broker sent and of each connection it dropped. */
  connects: number[];
  drops: number[];
  /** Payloads the broker received on the status topic, in order (each resend too). */
  statuses: string[];
  /** Makes the broker reachable (the next connection is accepted) or not (the open one is reset, new ones refused). */
  setReachable(reachable: boolean): void;
  /** Freezes the broker (the connection stays open, nothing is read or answered) or lets it go on. */
  setFrozen(frozen: boolean): void;
  /** Runs virtual time to `target` ms, playing the broker. */
  runTo(target: number): void;
  now(): number;
}

function nodeConfig(offlineMinutes: number, wifi: NodeConfig["wifi"] = null): NodeConfig {
  return {
    id: "n1", board: "esp32", wifi,
    broker: { host: "broker.test", port: 1883, tls: false, username: null, password: null, clientId: "n1" },
    topicPrefix: "mote", telemetry: { period: 60, qos: 1 }, sensors: [], actuators: [], discovery: false,
    deepSleep: { enabled: false, awakeLimit: 30 }, watchdog: { offlineMinutes },
    buffers: { receive: 1024, send: 1024, socketQueue: 4096 },
  };
}

/** Boots the node at virtual time 0 with the broker reachable or not, and with a station of `wifi.port` whose access point is up or not. */
function boot(config: NodeConfig, options: { wifi?: { port: WifiPort; up: boolean; joinDelay?: number; lateError?: number }; storage?: NodeStorage; reachable?: boolean; memoryFailed?: () => boolean } = {}): Bench {
  const bench = rig("esp32");
  const clock = bench.clock;
  const transport = new FakeTransport(clock);
  const storage = options.storage ?? memoryStorage();
  const wifi = options.wifi ? new FakeWifi(clock, options.wifi.port, options.wifi.up, options.wifi.joinDelay) : null;
  if (wifi && options.wifi?.lateError !== undefined) wifi.lateError = options.wifi.lateError;
  const reboots: Bench["reboots"] = [];
  const reports: Bench["reports"] = [];
  const connects: number[] = [];
  const drops: number[] = [];
  const statuses: string[] = [];
  let brokerUp = options.reachable ?? true;
  /** A frozen broker (as under SIGSTOP) keeps the connection open and reads nothing. */
  let frozen = false;
  const platform = rigPlatform(bench, {
    storage,
    wifi,
    transport: () => transport,
    reboot: () => reboots.push({ at: clock.now(), flash: queuedInFlash(storage) }),
    ...(options.memoryFailed ? { memoryFailed: options.memoryFailed } : {}),
  });
  function broker(): void {
    const reachable = brokerUp && (!wifi || wifi.joined);
    if (transport.link == "opening") {
      if (reachable) {
        transport.accept();
        transport.deliver(connack());
        connects.push(clock.now());
      } else transport.drop();
    } else if (transport.link == "open" && !reachable) {
      transport.drop();
      drops.push(clock.now());
    }
    for (let packets = frozen ? [] : transport.take(); packets.length > 0 && transport.link == "open"; packets = transport.take()) {
      for (const packet of packets) {
        if (packet.type == "PUBLISH" && packet.qos == 1) transport.deliver(ack(C.PUBACK, packet.packetId!));
        if (packet.type == "PINGREQ") transport.deliver(empty(C.PINGRESP));
        if (packet.type == "PUBLISH" && packet.topic == "mote/n1/status") statuses.push(packet.payload!);
        if (packet.type == "PUBLISH" && packet.topic == TELEMETRY) {
          const body = JSON.parse(packet.payload!) as { boot: number; seq: number };
          reports.push([body.boot, body.seq]);
        }
      }
    }
  }
  const node = startNode(config, platform);
  broker();
  return {
    node, transport, storage, wifi, reboots, reports, connects, drops, statuses,
    setReachable(value: boolean) {
      brokerUp = value;
      broker();
    },
    setFrozen(value: boolean) {
      frozen = value;
      broker();
    },
    runTo(target: number) {
      for (;;) {
        broker();
        const due = clock.nextDue();
        if (due === undefined || due > target) break;
        clock.advanceTo(due);
      }
      clock.advanceTo(target);
      broker();
    },
    now: () => clock.now(),
  };
}

/** Reports in flash, as [boot, seq]. */
function flashReports(flash: string[]): [number, number][] {
  return flash.map((payload) => {
    const body = JSON.parse(payload) as { boot: number; seq: number };
    return [body.boot, body.seq];
  });
}

/** [[1, 1], [1, 2], … [1, last]]: every report of boot 1. */
function bootOne(last: number): [number, number][] {
  return Array.from({ length: last }, (_, index): [number, number] => [1, index + 1]);
}

/** Reports in the order they first arrived (a resent one counted once). */
function firstArrivals(reports: [number, number][]): [number, number][] {
  const seen: [number, number][] = [];
  for (const report of reports) if (!seen.some((each) => each[0] == report[0] && each[1] == report[1])) seen.push(report);
  return seen;
}

/** Reports produced by `at` ms: at 1 s, then every telemetry period (60 s). */
function producedBy(at: number): number {
  return Math.floor((at - 1000) / 60000) + 1;
}

/** From each disconnect() to the connect() that follows it (when one did), ms. */
function retryDelays(wifi: FakeWifi): number[] {
  const delays: number[] = [];
  for (const at of wifi.disconnects) {
    const next = wifi.calls.find((call) => call.at >= at);
    if (next) delays.push(next.at - at);
  }
  return delays;
}

describe("node application: WiFi join with backoff", () => {
  it("ESP32 (2v29): a join that never answers ends after WIFI_JOIN_TIMEOUT with disconnect(), is retried after 2, 4, 8 … 60 s, and the client starts only once joined", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: "secret" }), { wifi: { port: "esp32", up: false } });
    const wifi = bench.wifi!;
    bench.runTo(8 * MINUTE);
    assert.equal(WIFI_JOIN_TIMEOUT, 30000);
    assert.equal(WIFI_RETRY_MIN, 2000);
    assert.equal(WIFI_RETRY_MAX, 60000);
    assert.deepEqual(wifi.calls.map((call) => call.at), [0, 32000, 66000, 104000, 150000, 212000, 302000, 392000]);
    assert.deepEqual(wifi.calls.map((call) => [call.ssid, call.options]), Array(8).fill(["mote-net", { password: "secret" }]));
    assert.deepEqual(wifi.disconnects, wifi.calls.map((call) => call.at + WIFI_JOIN_TIMEOUT), "each attempt ends at its timeout");
    assert.deepEqual(retryDelays(wifi), [2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    assert.deepEqual(wifi.overlaps, [], "never a connect while one is pending");
    assert.equal(bench.transport.opens.length, 0, "no connection before the join");

    wifi.setUp(true);
    bench.runTo(8 * MINUTE + 10000);
    const joined = 422000 + 60000 + wifi.joinDelay;
    assert.deepEqual(bench.transport.opens.map((open) => [open.host, open.at]), [["broker.test", joined]], "the client starts at the join");
    assert.deepEqual(bench.connects, [joined]);
    assert.deepEqual(firstArrivals(bench.reports), bootOne(producedBy(joined)), "the reports queued before the join arrive, in order");
    assert.equal(bench.reboots.length, 0);

    wifi.setUp(false);
    bench.runTo(8 * MINUTE + 15000);
    assert.deepEqual(wifi.calls.map((call) => call.at).slice(9), [8 * MINUTE + 12000], "the join reset the backoff: 2 s after a drop");
  });

  it("ESP8266: a failed join's callback ends the attempt at once (disconnect() stops the SDK's retries), retried after 2, 4, 8 … 60 s", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: "secret" }), { wifi: { port: "esp8266", up: false } });
    const wifi = bench.wifi!;
    bench.runTo(200000);
    assert.deepEqual(wifi.calls.map((call) => call.at), [0, 3500, 9000, 18500, 36000, 69500, 131000, 192500]);
    assert.deepEqual(wifi.disconnects, wifi.calls.map((call) => call.at + wifi.joinDelay), "at the callback's error");
    assert.deepEqual(retryDelays(wifi), [2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    assert.equal(wifi.disconnectedEvents, 8, "one failed SDK attempt per connect");
    assert.deepEqual(wifi.overlaps, []);
    wifi.setUp(true);
    bench.runTo(270000);
    assert.deepEqual(bench.connects, [254000 + wifi.joinDelay]);
    assert.deepEqual(firstArrivals(bench.reports), bootOne(5));
  });

  it("ignores an answer that comes after its join was given up (the timeout), even once joined by the next", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: null }), { wifi: { port: "esp32", up: false, lateError: 40000 } });
    const wifi = bench.wifi!;
    bench.runTo(31000);
    wifi.setUp(true);
    bench.runTo(120000);
    assert.deepEqual(wifi.calls.map((call) => call.at), [0, 32000], "joined at 33.5 s; the first join's error at 40 s changes nothing");
    assert.deepEqual(wifi.disconnects, [30000]);
    assert.ok(wifi.log.includes("40000 callback connect_failed"), JSON.stringify(wifi.log));
    assert.deepEqual(bench.connects, [32000 + wifi.joinDelay]);
  });

  it("joins an open network without a password option, and a broker outage after the join does not touch WiFi", () => {
    const bench = boot(nodeConfig(15, { ssid: "open-net", password: null }), { wifi: { port: "esp32", up: true } });
    const wifi = bench.wifi!;
    bench.runTo(10000);
    assert.deepEqual(wifi.calls, [{ at: 0, ssid: "open-net", options: {} }]);
    assert.deepEqual(bench.connects, [wifi.joinDelay]);
    bench.setReachable(false);
    bench.runTo(70000);
    bench.setReachable(true);
    bench.runTo(200000);
    assert.equal(bench.connects.length, 2, "the client reconnected by itself");
    assert.equal(wifi.calls.length, 1, "no second Wifi.connect: the station keeps its association");
    assert.deepEqual(wifi.disconnects, []);
    assert.equal(bench.reboots.length, 0);
  });

  it("ESP32 (2v29): after a drop the node rejoins by itself (2 s later, then the timeout and backoff), and the client resumes at once with every queued report", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: null }), { wifi: { port: "esp32", up: true } });
    const wifi = bench.wifi!;
    bench.runTo(90000);
    assert.deepEqual(bench.reports, bootOne(2));
    wifi.setUp(false);
    bench.runTo(200000);
    assert.deepEqual(wifi.calls.map((call) => call.at), [0, 92000, 126000, 164000], "2 s after the drop, then each 30 s timeout and 4, 8 s");
    assert.deepEqual(retryDelays(wifi), [4000, 8000]);
    wifi.setUp(true);
    bench.runTo(300000);
    assert.deepEqual(wifi.calls.map((call) => call.at).slice(4), [210000]);
    assert.deepEqual(retryDelays(wifi), [4000, 8000, 16000]);
    assert.ok(wifi.joined);
    assert.deepEqual(wifi.overlaps, []);
    assert.deepEqual(bench.connects.slice(1), [210000 + wifi.joinDelay], "the client connects as WiFi joins, not at the end of its own backoff");
    assert.deepEqual(firstArrivals(bench.reports), bootOne(producedBy(300000)), "the reports of the outage arrived, in order");
    assert.equal(bench.reboots.length, 0);
  });

  it("ESP8266: a short drop is rejoined by the SDK and the node calls connect() no more", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: null }), { wifi: { port: "esp8266", up: true } });
    const wifi = bench.wifi!;
    bench.runTo(90000);
    wifi.setUp(false);
    bench.runTo(91000);
    wifi.setUp(true);
    bench.runTo(200000);
    assert.equal(wifi.calls.length, 1, "the SDK rejoined before the node's 2 s wait ended");
    assert.deepEqual(wifi.disconnects, []);
    assert.equal(bench.connects.length, 2);
    assert.deepEqual(firstArrivals(bench.reports), bootOne(producedBy(200000)));
  });

  it("ESP8266: through a long drop the node connects once per backoff, not on each of the SDK's disconnected events, and resumes", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: null }), { wifi: { port: "esp8266", up: true, joinDelay: 500 } });
    const wifi = bench.wifi!;
    bench.runTo(90000);
    wifi.setUp(false);
    bench.runTo(91900);
    assert.equal(wifi.disconnectedEvents, 4, "the drop, then an SDK retry every 500 ms");
    assert.equal(wifi.calls.length, 1);
    bench.runTo(390000);
    assert.deepEqual(wifi.calls.map((call) => call.at).slice(1, 2), [92000]);
    assert.deepEqual(retryDelays(wifi), [4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    assert.ok(wifi.disconnectedEvents < 20, `${wifi.disconnectedEvents} disconnected events in 5 min`);
    wifi.setUp(true);
    bench.runTo(480000);
    assert.ok(wifi.joined);
    assert.deepEqual(wifi.overlaps, []);
    assert.deepEqual(bench.connects.slice(1), [wifi.calls.at(-1)!.at + wifi.joinDelay], "the client connects as WiFi joins");
    assert.deepEqual(firstArrivals(bench.reports), bootOne(producedBy(480000)));
  });

  it("a node that ran out of memory is rebooted at the watchdog's next look, its unacknowledged reports in flash", () => {
    // Espruino's E.getErrorFlags() reports an out-of-memory once, then clears it
    let failedAt = -1;
    let looks = 0;
    const bench = boot(nodeConfig(15), {
      memoryFailed: () => {
        looks++;
        const failed = failedAt >= 0 && bench.now() >= failedAt;
        if (failed) failedAt = -1;
        return failed;
      },
    });
    bench.runTo(10 * MINUTE);
    assert.equal(bench.reboots.length, 0, "online, nothing failed: no reboot");
    assert.ok(looks >= 9, `the watchdog looked ${looks} times in 10 minutes`);
    bench.setFrozen(true);
    const outOfMemory = 10 * MINUTE + 30000;
    failedAt = outOfMemory;
    bench.runTo(12 * MINUTE);
    assert.equal(bench.reboots.length, 1, "rebooted once");
    const reboot = bench.reboots[0]!;
    assert.ok(reboot.at >= outOfMemory && reboot.at <= outOfMemory + CHECK, `rebooted at ${reboot.at} ms, out of memory at ${outOfMemory}`);
    assert.deepEqual(flashReports(reboot.flash), bootOne(producedBy(reboot.at)).slice(10), "the reports the frozen broker never acknowledged, in flash");
  });

  it("a node that never joins is rebooted by the watchdog after offlineMinutes, and keeps retrying until then", () => {
    const bench = boot(nodeConfig(5, { ssid: "mote-net", password: null }), { wifi: { port: "esp32", up: false } });
    bench.runTo(10 * MINUTE);
    assert.equal(bench.transport.opens.length, 0);
    assert.deepEqual(bench.reboots.map((reboot) => reboot.at), [5 * MINUTE], "counted from boot");
    assert.ok(bench.wifi!.calls.length >= 6, `attempts until the reboot: ${bench.wifi!.calls.length}`);
  });

  for (const port of ["esp32", "esp8266"] as const) {
    it(`${port}: a WiFi drop that outlasts offlineMinutes reboots once, with the reports of the outage in flash`, () => {
      const bench = boot(nodeConfig(5, { ssid: "mote-net", password: null }), { wifi: { port, up: true } });
      bench.runTo(90000);
      bench.wifi!.setUp(false);
      bench.runTo(12 * MINUTE);
      assert.equal(bench.reboots.length, 1);
      const reboot = bench.reboots[0]!;
      assert.ok(reboot.at >= 90000 + 5 * MINUTE && reboot.at < 90000 + 6 * MINUTE, `rebooted at ${reboot.at} ms`);
      assert.deepEqual(flashReports(reboot.flash), bootOne(producedBy(reboot.at)).slice(2));
    });
  }
});

describe("node application: watchdog", () => {
  for (const offlineMinutes of [1, 15]) {
    it(`reboots once, ${offlineMinutes} min after the broker went away (within one check), with the offline reports in flash`, () => {
      const limit = offlineMinutes * MINUTE;
      const bench = boot(nodeConfig(offlineMinutes));
      bench.runTo(90000);
      assert.deepEqual(bench.connects, [0]);
      assert.deepEqual(bench.reports, [[1, 1], [1, 2]], "reports at 1 s and 61 s, acknowledged");
      bench.setReachable(false);
      const lost = bench.now();
      bench.runTo(lost + limit - 1);
      assert.equal(bench.reboots.length, 0, "not before offlineMinutes");
      assert.ok(bench.transport.opens.length > 3, "the client kept trying meanwhile");
      bench.runTo(lost + limit + 3 * CHECK);
      assert.equal(bench.reboots.length, 1, "exactly once");
      const reboot = bench.reboots[0]!;
      assert.ok(reboot.at >= lost + limit && reboot.at < lost + limit + Math.min(CHECK, limit), `rebooted at ${reboot.at} ms, lost at ${lost} ms`);
      const produced = Math.floor((reboot.at - 1000) / 60000) + 1;
      const offline: [number, number][] = [];
      for (let seq = 3; seq <= produced; seq++) offline.push([1, seq]);
      assert.deepEqual(flashReports(reboot.flash), offline, "every report produced while offline is in flash when reboot() is called");
    });
  }

  it("flushes what the flash queue still buffers before it reboots", () => {
    const storage = memoryStorage();
    const bench = boot(nodeConfig(1), { storage });
    bench.runTo(90000);
    bench.setReachable(false);
    // The broker went away at 90 s: the check at 150 s (one every CHECK ms) is the first a minute later.
    // A QoS 1 report added half a second before it is still in the queue's batch window (QUEUE_BATCH_WAIT).
    bench.runTo(149500);
    const late = JSON.stringify({ boot: 1, seq: 1000 });
    bench.node.queue.add(late, 1);
    bench.runTo(151000);
    assert.deepEqual(bench.reboots.map((reboot) => reboot.at), [150000]);
    assert.ok(bench.reboots[0]!.flash.includes(late), JSON.stringify(bench.reboots[0]!.flash));

    const next = boot(nodeConfig(1), { storage });
    next.runTo(500);
    assert.deepEqual(next.reports.slice(0, 1), [[1, 3]], "after the reboot the offline report goes first");
  });

  it("a connection that comes back before the limit restarts the countdown from the next loss", () => {
    const bench = boot(nodeConfig(15));
    bench.runTo(90000);
    bench.setReachable(false);
    bench.runTo(14 * MINUTE);
    bench.setReachable(true);
    bench.runTo(16 * MINUTE);
    assert.equal(bench.connects.length, 2, "reconnected");
    assert.ok(bench.connects[1]! < 15 * MINUTE + 90000, `back at ${bench.connects[1]} ms, before the limit`);
    bench.runTo(20 * MINUTE);
    bench.setReachable(false);
    bench.runTo(35 * MINUTE - 1);
    assert.equal(bench.reboots.length, 0, "15 min from the second loss, not from the first");
    bench.runTo(40 * MINUTE);
    assert.equal(bench.reboots.length, 1);
    assert.ok(bench.reboots[0]!.at >= 35 * MINUTE && bench.reboots[0]!.at < 36 * MINUTE, `rebooted at ${bench.reboots[0]!.at} ms`);
  });

  it("never reboots while connected, however long", () => {
    const bench = boot(nodeConfig(1));
    bench.runTo(3 * 60 * MINUTE);
    assert.deepEqual(bench.connects, [0]);
    assert.equal(bench.reports.length, 180);
    assert.equal(bench.reboots.length, 0);
  });
});

describe("node application: reports in flash while the broker does not answer", () => {
  it("a report still unacknowledged QUEUE_BATCH_WAIT after it was made is in flash, and all unwritten ones at once when the connection drops", () => {
    const bench = boot(nodeConfig(240));
    bench.runTo(100000);
    assert.deepEqual(queuedInFlash(bench.storage), [], "online with a broker that acknowledges: nothing written");
    bench.setFrozen(true);
    // the third report, made at 121 s, goes to the frozen broker and waits for its PUBACK
    bench.runTo(121000 + QUEUE_BATCH_WAIT - 1);
    assert.deepEqual(flashReports(queuedInFlash(bench.storage)), [], "not yet");
    bench.runTo(121000 + QUEUE_BATCH_WAIT);
    assert.deepEqual(flashReports(queuedInFlash(bench.storage)), [[1, 3]], "written QUEUE_BATCH_WAIT after it was made");
    // the fourth, made at 181 s, is unwritten when the link drops 100 ms later
    bench.runTo(181100);
    assert.deepEqual(flashReports(queuedInFlash(bench.storage)), [[1, 3]]);
    bench.setReachable(false);
    assert.deepEqual(flashReports(queuedInFlash(bench.storage)), [[1, 3], [1, 4]], "written when the connection dropped");
    bench.setFrozen(false);
    bench.setReachable(true);
    bench.runTo(250000);
    assert.deepEqual(firstArrivals(bench.reports), bootOne(5), "all delivered, in order, once the broker answers");
    assert.deepEqual(queuedInFlash(bench.storage), [], "and flash emptied");
  });
});

describe("node application: an outage longer than the client's RAM queue", () => {
  it("refuses no report: what the client has no room for waits in flash and arrives in order once the broker is back", () => {
    // a send buffer large enough that the client's bound is its 32 messages, not its 4 x 8 KB of bytes
    const bench = boot({ ...nodeConfig(240), buffers: { receive: 1024, send: 8192, socketQueue: 4096 } });
    bench.runTo(90000);
    bench.setReachable(false);
    bench.runTo(100 * MINUTE);
    const node = bench.node;
    assert.equal(node.client.counters.dropped, 0, "nothing refused");
    // one report in RAM at a time: each costs the ESP8266 some 45 heap variables, and three ran it out of memory at a reconnection
    assert.equal(node.client.queue.length, 1, `the client holds ${node.client.queue.length} of the backlog (QUEUE_FEED: one)`);
    assert.ok(node.queue.waiting() > 60, `${node.queue.waiting()} reports wait in flash`);
    bench.setReachable(true);
    bench.runTo(110 * MINUTE);
    assert.deepEqual(firstArrivals(bench.reports), bootOne(producedBy(110 * MINUTE)), "every report, in production order");
    assert.equal(node.queue.waiting(), 0);
    assert.deepEqual(queuedInFlash(bench.storage), [], "all acknowledged: flash emptied");
    assert.equal(node.queue.counters.dropped, 0);
    assert.equal(node.client.counters.dropped, 0, "the backlog leaves the client room for `online` after the reconnect");
    assert.deepEqual(bench.statuses, ["online", "online"], "announced online at each connection");
  });

  it("beyond the flash queue's bound the oldest go first, counted; the newest all arrive, in order", () => {
    const bench = boot(nodeConfig(240));
    bench.runTo(90000);
    bench.setReachable(false);
    bench.runTo(200 * MINUTE);
    bench.setReachable(true);
    bench.runTo(210 * MINUTE);
    const produced = producedBy(210 * MINUTE);
    const arrived = firstArrivals(bench.reports).map((report) => report[1]);
    assert.deepEqual(arrived, [...arrived].sort((a, b) => a - b), "in production order");
    // segments go whole: flash keeps at least the newest (QUEUE_SEGMENTS - 1) x QUEUE_SEGMENT + 1 of them
    const kept = (QUEUE_SEGMENTS - 1) * QUEUE_SEGMENT + 1;
    const newest = bootOne(produced).map((report) => report[1]).slice(producedBy(200 * MINUTE) - kept);
    assert.deepEqual(arrived.slice(-newest.length), newest, "the newest reports all arrive");
    const missing = bootOne(produced).map((report) => report[1]).filter((seq) => !arrived.includes(seq));
    assert.ok(missing.length > 0 && missing.length <= producedBy(200 * MINUTE) - 2 - kept, `${missing.length} missing`);
    assert.equal(missing.at(-1)! - missing[0]! + 1, missing.length, "one run of the oldest offline reports, not scattered ones");
    assert.equal(bench.node.queue.counters.dropped, missing.length, "every missing report counted as dropped, and nothing else");
  });
});
