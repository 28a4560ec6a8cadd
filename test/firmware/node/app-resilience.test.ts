/**
 * The node application's WiFi join and watchdog (firmware/node/app.ts) in
 * Node, over a fake Platform on a VirtualClock: a fake `Wifi` whose
 * `connect` fails a given number of times, a FakeTransport playing a broker
 * that can be made unreachable (connections refused, the open one reset),
 * an in-memory Storage, and a `reboot` that records when it was called and
 * what flash held then. No sensors: a report then holds boot, seq, uptime,
 * rssi, heap and the client counters.
 */
import assert from "node:assert/strict";
import type { NodeConfig } from "../../../firmware/config.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { startNode, WIFI_RETRY_MAX, WIFI_RETRY_MIN, type RunningNode } from "../../../firmware/node/app.ts";
import type { NodeStorage, NodeWifi, Platform } from "../../../firmware/node/platform.ts";
import { ack, connack, empty, FakeTransport } from "../mqtt/fake-transport.ts";
import { rig } from "../../hal/rig.ts";
import { memoryStorage, queuedInFlash } from "./memory-storage.ts";

const TELEMETRY = "mote/n1/telemetry";
const MINUTE = 60000;
/** How often the watchdog looks at most (app.ts WATCHDOG_CHECK). */
const CHECK = 60000;
/** What the fake access point takes to answer a join, ms. */
const JOIN_DELAY = 1500;

/** A fake `require("Wifi")`: `connect` answers after JOIN_DELAY, "NO_AP_FOUND" for the first `failures` calls, then null. */
class FakeWifi implements NodeWifi {
  /** Every connect call. */
  readonly calls: { at: number; ssid: string; options: { password?: string } }[] = [];
  /** Every answer given, in order. */
  readonly answers: { at: number; error: string | null }[] = [];

  constructor(private readonly clock: { now(): number; setTimeout(callback: () => void, milliseconds: number): number }, private readonly failures: number) {}

  connect(ssid: string, options: { password?: string }, callback: (error: string | null) => void): void {
    this.calls.push({ at: this.clock.now(), ssid, options });
    const error = this.calls.length <= this.failures ? "NO_AP_FOUND" : null;
    this.clock.setTimeout(() => {
      this.answers.push({ at: this.clock.now(), error });
      callback(error);
    }, JOIN_DELAY);
  }
}

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
  /** Makes the broker reachable (the next connection is accepted) or not (the open one is reset, new ones refused). */
  setReachable(reachable: boolean): void;
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

/** Boots the node at virtual time 0 with the broker reachable or not. */
function boot(config: NodeConfig, options: { wifiFailures?: number; storage?: NodeStorage; reachable?: boolean } = {}): Bench {
  const bench = rig("esp32");
  const clock = bench.clock;
  const transport = new FakeTransport(clock);
  const storage = options.storage ?? memoryStorage();
  const wifi = options.wifiFailures === undefined ? null : new FakeWifi(clock, options.wifiFailures);
  const reboots: Bench["reboots"] = [];
  const reports: Bench["reports"] = [];
  const connects: number[] = [];
  const drops: number[] = [];
  let reachable = options.reachable ?? true;
  const platform: Platform = {
    io: bench.io,
    pin: (name) => bench.pin(name),
    oneWire: () => assert.fail("no 1-Wire here"),
    i2c: () => assert.fail("no I2C here"),
    storage,
    wifi,
    transport: () => transport,
    clock,
    memory: () => 1000,
    rssi: () => -50,
    reboot: () => reboots.push({ at: clock.now(), flash: queuedInFlash(storage) }),
  };
  function broker(): void {
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
    for (let packets = transport.take(); packets.length > 0 && transport.link == "open"; packets = transport.take()) {
      for (const packet of packets) {
        if (packet.type == "PUBLISH" && packet.qos == 1) transport.deliver(ack(C.PUBACK, packet.packetId!));
        if (packet.type == "PINGREQ") transport.deliver(empty(C.PINGRESP));
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
    node, transport, storage, wifi, reboots, reports, connects, drops,
    setReachable(value: boolean) {
      reachable = value;
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
  return flash.filter((line) => line.startsWith(TELEMETRY + " ")).map((line) => {
    const body = JSON.parse(line.slice(TELEMETRY.length + 1)) as { boot: number; seq: number };
    return [body.boot, body.seq];
  });
}

describe("node application: WiFi join with backoff", () => {
  it("retries a failed join after 2, 4, 8, 16, 32, 60, 60, 60 s and starts the MQTT client only once joined", () => {
    const bench = boot(nodeConfig(15, { ssid: "mote-net", password: "secret" }), { wifiFailures: 8 });
    const wifi = bench.wifi!;
    assert.equal(bench.transport.opens.length, 0, "no connection before the join");
    bench.runTo(300000);
    assert.equal(wifi.calls.length, 9, "8 failures, then the join");
    assert.deepEqual(wifi.calls.map((call) => [call.ssid, call.options]), Array(9).fill(["mote-net", { password: "secret" }]));
    // From each failure's answer to the next attempt:
    const delays = wifi.answers.slice(0, 8).map((answer, index) => wifi.calls[index + 1]!.at - answer.at);
    assert.deepEqual(delays, [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    assert.equal(WIFI_RETRY_MIN, 2000);
    assert.equal(WIFI_RETRY_MAX, 60000);
    const joined = wifi.answers[8]!;
    assert.equal(joined.error, null);
    assert.deepEqual(bench.transport.opens.map((open) => [open.host, open.at]), [["broker.test", joined.at]], "the client starts at the join, not before");
    assert.deepEqual(bench.connects, [joined.at]);
    assert.equal(bench.reboots.length, 0, "joined well within offlineMinutes");
  });

  it("joins an open network without a password option, and a broker outage after the join does not touch WiFi", () => {
    const bench = boot(nodeConfig(15, { ssid: "open-net", password: null }), { wifiFailures: 0 });
    const wifi = bench.wifi!;
    bench.runTo(10000);
    assert.deepEqual(wifi.calls, [{ at: 0, ssid: "open-net", options: {} }]);
    assert.deepEqual(bench.connects, [JOIN_DELAY]);
    bench.setReachable(false);
    bench.runTo(70000);
    bench.setReachable(true);
    bench.runTo(200000);
    assert.equal(bench.connects.length, 2, "the client reconnected by itself");
    assert.equal(wifi.calls.length, 1, "no second Wifi.connect: the station keeps its association");
    assert.equal(bench.reboots.length, 0);
  });

  it("a node that never joins is rebooted by the watchdog after offlineMinutes, and keeps retrying until then", () => {
    const bench = boot(nodeConfig(5, { ssid: "mote-net", password: null }), { wifiFailures: Infinity });
    bench.runTo(10 * MINUTE);
    assert.equal(bench.transport.opens.length, 0);
    assert.deepEqual(bench.reboots.map((reboot) => reboot.at), [5 * MINUTE], "counted from boot");
    assert.ok(bench.wifi!.calls.length >= 8, `attempts until the reboot: ${bench.wifi!.calls.length}`);
  });
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
    // The broker went away at 90 s: the check at 180 s is the first at least a minute later.
    // A QoS 1 message from the console 1 s before it is still in the queue's 5 s batch window.
    bench.runTo(179000);
    bench.node.client.publish("mote/n1/console", "before the reboot", 1, false);
    bench.runTo(181000);
    assert.deepEqual(bench.reboots.map((reboot) => reboot.at), [180000]);
    assert.ok(bench.reboots[0]!.flash.includes("mote/n1/console before the reboot"), JSON.stringify(bench.reboots[0]!.flash));

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
