/**
 * The node application's schedule (firmware/node/app.ts) in Node, over a
 * fake Platform: the driver bench of test/hal/rig.ts (emulated ESP32 pins,
 * a VirtualClock), a FakeTransport playing the broker (acknowledging every
 * QoS 1 PUBLISH) and an in-memory Storage. Per-sensor periods, the
 * deadband (threshold) and the QoS of early and periodic reports.
 */
import assert from "node:assert/strict";
import type { NodeConfig, SensorConfig } from "../../../firmware/config.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { BOOT_FILE, startNode, type RunningNode } from "../../../firmware/node/app.ts";
import type { NodeStorage } from "../../../firmware/node/platform.ts";
import { AnalogSource } from "../../../sim/devices/analog-source.ts";
import { ButtonModel } from "../../../sim/devices/button.ts";
import { ack, connack, empty, FakeTransport } from "../mqtt/fake-transport.ts";
import { rig, type Rig } from "../../hal/rig.ts";
import { rigPlatform } from "./rig-platform.ts";
import { memoryStorage } from "./memory-storage.ts";

const TELEMETRY = "mote/n1/telemetry";

interface Report {
  at: number;
  qos: number;
  body: Record<string, unknown>;
}

interface Bench {
  rig: Rig;
  transport: FakeTransport;
  node: RunningNode;
  /** analogRead calls per Espruino pin name. */
  reads: Record<string, number>;
  /** Telemetry PUBLISHes so far. */
  reports: Report[];
  /** Runs virtual time to `target` ms, playing the broker. */
  runTo(target: number): void;
}

function nodeConfig(sensors: SensorConfig[], telemetry: { period: number; qos: 0 | 1 }): NodeConfig {
  return {
    id: "n1", board: "esp32", wifi: null,
    broker: { host: "broker.test", port: 1883, tls: false, username: null, password: null, clientId: "n1" },
    topicPrefix: "mote", telemetry, sensors, actuators: [], discovery: false,
    deepSleep: { enabled: false, awakeLimit: 30 }, watchdog: { offlineMinutes: 15 },
    buffers: { receive: 1024, send: 1024, socketQueue: 4096 },
  };
}

function analog(name: string, pin: string, extra: Partial<SensorConfig> = {}): SensorConfig {
  return { name, type: "analog", pin, espruino: pin, ...extra };
}

/** Boots the node at virtual time 0 and connects it. */
function boot(config: NodeConfig, options: { storage?: NodeStorage; online?: boolean } = {}): Bench {
  const bench = rig("esp32");
  const transport = new FakeTransport(bench.clock);
  const reads: Record<string, number> = {};
  const io = { ...bench.io };
  io.analogRead = (pin) => {
    const name = String((pin as unknown as { name?: string }).name ?? pin);
    reads[name] = (reads[name] ?? 0) + 1;
    return bench.io.analogRead(pin);
  };
  const platform = rigPlatform(bench, {
    io,
    storage: options.storage ?? memoryStorage(),
    wifi: null,
    transport: () => transport,
    reboot: () => assert.fail("no reboot expected"),
  });
  const reports: Report[] = [];
  function broker(): void {
    for (const packet of transport.take()) {
      if (packet.type == "PUBLISH" && packet.qos == 1) transport.deliver(ack(C.PUBACK, packet.packetId!));
      if (packet.type == "PINGREQ") transport.deliver(empty(C.PINGRESP));
      if (packet.type == "PUBLISH" && packet.topic == TELEMETRY) reports.push({ at: packet.at, qos: packet.qos!, body: JSON.parse(packet.payload!) });
    }
  }
  const node = startNode(config, platform);
  if (options.online !== false) {
    transport.accept();
    transport.deliver(connack());
  }
  broker();
  return {
    rig: bench, transport, node, reads, reports,
    runTo(target: number) {
      for (;;) {
        broker();
        const due = bench.clock.nextDue();
        if (due === undefined || due > target) break;
        bench.clock.advanceTo(due);
      }
      bench.clock.advanceTo(target);
      broker();
    },
  };
}

/** The pin name analogRead is given (the emulated pin object's name). */
function readsOf(bench: Bench, pin: string): number {
  const key = Object.keys(bench.reads).find((name) => name.includes(pin));
  return key === undefined ? 0 : bench.reads[key]!;
}

function value(report: Report, sensor: string): number {
  return (report.body[sensor] as { voltage: number }).voltage;
}

const ADC_STEP = 3.3 / 4096;

describe("node application: per-sensor periods, deadband and QoS", () => {
  it("samples a sensor with its own period every 5 s and reports every 60 s at telemetry.qos while nothing moves", () => {
    const bench = boot(nodeConfig([analog("soil", "D32", { period: 5, threshold: 0.1, qos: 1 }), analog("tank", "D33")], { period: 60, qos: 0 }));
    const soil = new AnalogSource({ kind: "constant", volts: 1 });
    bench.rig.hardware.attachLine("D32", soil);
    bench.rig.hardware.attachLine("D33", new AnalogSource({ kind: "constant", volts: 2 }));
    bench.runTo(1000);
    assert.equal(readsOf(bench, "D32"), 1, "sampled at boot + 1 s");
    assert.equal(readsOf(bench, "D33"), 1);
    bench.runTo(121000);
    // soil: 1, 6, 11, …, 121 s; tank (telemetry.period): 1, 61, 121 s.
    assert.equal(readsOf(bench, "D32"), 25);
    assert.equal(readsOf(bench, "D33"), 3);
    // The first report counts as early too for soil (nothing published before it): its qos.
    assert.deepEqual(bench.reports.map((report) => [report.at, report.qos]), [[1000, 1], [61000, 0], [121000, 0]]);
    const last = bench.reports[2]!;
    assert.ok(Math.abs(value(last, "soil") - 1) < ADC_STEP && Math.abs(value(last, "tank") - 2) < ADC_STEP, JSON.stringify(last.body));
    assert.equal(last.body["uptime"], 121);
  });

  it("reports early, within the sensor's period and at its QoS, only when a reading moved by more than the threshold since the last published report", () => {
    const bench = boot(nodeConfig([analog("soil", "D32", { period: 5, threshold: 0.1, qos: 1 }), analog("tank", "D33", { period: 5 })], { period: 60, qos: 0 }));
    const soil = new AnalogSource({ kind: "constant", volts: 1 });
    const tank = new AnalogSource({ kind: "constant", volts: 2 });
    bench.rig.hardware.attachLine("D32", soil);
    bench.rig.hardware.attachLine("D33", tank);
    bench.runTo(2000);
    assert.equal(bench.reports.length, 1, "the first periodic report");

    soil.set({ kind: "constant", volts: 1.06 });
    tank.set({ kind: "constant", volts: 3 });
    bench.runTo(20000);
    assert.equal(bench.reports.length, 1, "0.06 V is within the deadband; tank has no threshold");

    soil.set({ kind: "constant", volts: 1.12 });
    bench.runTo(21000);
    assert.equal(bench.reports.length, 2, "0.12 V from the published 1 V: an early report at the next sample (21 s)");
    const early = bench.reports[1]!;
    assert.equal(early.at, 21000);
    assert.equal(early.qos, 1, "the triggering sensor's qos, not telemetry.qos");
    assert.ok(Math.abs(value(early, "soil") - 1.12) < ADC_STEP, JSON.stringify(early.body));
    assert.ok(Math.abs(value(early, "tank") - 3) < ADC_STEP, "the early report holds every sensor's latest readings");

    soil.set({ kind: "constant", volts: 1.2 });
    bench.runTo(60000);
    assert.equal(bench.reports.length, 2, "0.08 V from the last published 1.12 V");
    bench.runTo(61000);
    assert.deepEqual(bench.reports.slice(2).map((report) => [report.at, report.qos]), [[61000, 0]], "the periodic report keeps its schedule");

    soil.set({ kind: "constant", volts: 0.5 });
    bench.runTo(66000);
    assert.deepEqual(bench.reports.slice(3).map((report) => [report.at, report.qos]), [[66000, 1]], "a fall counts too");
    bench.runTo(121000);
    assert.deepEqual(bench.reports.slice(4).map((report) => [report.at, report.qos]), [[121000, 0]]);
  });

  it("a report due in the same round as an early one goes out once, at the higher QoS", () => {
    const bench = boot(nodeConfig([analog("soil", "D32", { threshold: 0.1, qos: 1 })], { period: 60, qos: 0 }));
    const soil = new AnalogSource({ kind: "constant", volts: 1 });
    bench.rig.hardware.attachLine("D32", soil);
    bench.runTo(2000);
    soil.set({ kind: "constant", volts: 2 });
    bench.runTo(61000);
    assert.deepEqual(bench.reports.map((report) => [report.at, report.qos]), [[1000, 1], [61000, 1]], "unchanged it goes at 0 (first test)");
    assert.equal(readsOf(bench, "D32"), 2, "no period of its own: telemetry.period");
  });

  it("a button change reports at once at the button's QoS; report() samples everything at telemetry.qos without moving the schedule", () => {
    const config = nodeConfig([analog("soil", "D32", { period: 30 }), { name: "bell", type: "button", pin: "D27", espruino: "D27", qos: 1 }], { period: 60, qos: 0 });
    const bench = boot(config);
    bench.rig.hardware.attachLine("D32", new AnalogSource({ kind: "constant", volts: 1 }));
    const button = new ButtonModel();
    bench.rig.hardware.attachLine("D27", button);
    bench.runTo(10000);
    button.press();
    bench.runTo(11000);
    assert.deepEqual(bench.reports.map((report) => [report.at, report.qos]), [[1000, 0], [bench.reports[1]?.at ?? -1, 1]]);
    assert.deepEqual(bench.reports[1]!.body["bell"], { active: true });
    assert.equal(readsOf(bench, "D32"), 1, "the button alone was sampled");

    bench.node.report();
    bench.runTo(12000);
    assert.equal(bench.reports.length, 3);
    assert.equal(bench.reports[2]!.qos, 0);
    assert.equal(readsOf(bench, "D32"), 2, "report() samples every sensor");
    bench.runTo(31000);
    assert.equal(readsOf(bench, "D32"), 3, "still due at 31 s");
    assert.equal(bench.reports.length, 3, "no threshold: no early report");
  });

  it("numbers every report: boot counts starts in Storage, seq counts reports of this boot from 1", () => {
    const storage = memoryStorage();
    const config = nodeConfig([analog("soil", "D32")], { period: 60, qos: 1 });
    const first = boot(config, { storage });
    first.runTo(121000);
    assert.deepEqual(first.reports.map((report) => [report.body["boot"], report.body["seq"]]), [[1, 1], [1, 2], [1, 3]]);
    assert.deepEqual(Object.keys(first.reports[0]!.body).slice(0, 2), ["boot", "seq"], "boot and seq lead the report");
    const second = boot(config, { storage });
    second.runTo(61000);
    assert.deepEqual(second.reports.map((report) => [report.body["boot"], report.body["seq"]]), [[2, 1], [2, 2]]);
    assert.equal(storage.read(BOOT_FILE), "2");
  });

  it("writes a QoS 1 report to flash at once while the client is not connected, and batches while it is", () => {
    const config = nodeConfig([analog("soil", "D32")], { period: 60, qos: 1 });
    const offline = memoryStorage();
    const down = boot(config, { storage: offline, online: false });
    down.runTo(1000);
    assert.equal(down.node.queue.counters.written, 1, "written when produced, not after the 5 s batch window");
    assert.deepEqual(offline.list(undefined, { sf: true }).filter((name) => name.startsWith("mq.")).length, 1, "one segment file");
    const online = memoryStorage();
    const up = boot(config, { storage: online });
    up.runTo(61000);
    assert.equal(up.reports.length, 2);
    assert.equal(up.node.queue.counters.written, 0, "acknowledged before the batch window ended: never written");
  });
});
