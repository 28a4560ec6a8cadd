/**
 * The deep-sleep cycle of the node application (firmware/node/app.ts) in
 * Node, over a fake Platform: emulated ESP32 pins and a VirtualClock (the
 * driver bench of test/hal/rig.ts), a WiFi station (the ESP32's,
 * fake-wifi.ts) that joins after a delay or never, a FakeTransport played
 * by a broker that is up, unreachable, or holds its PUBACKs, an in-memory Storage, and a `deepSleep` that records.
 * One bench is one wake; a second bench on the same Storage is the next.
 */
import assert from "node:assert/strict";
import type { NodeConfig } from "../../../firmware/config.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { SLEEP_CHECK, SLEEP_DELAY, SLEEP_MIN, startNode } from "../../../firmware/node/app.ts";
import type { NodeStorage, Platform } from "../../../firmware/node/platform.ts";
import { AnalogSource } from "../../../sim/devices/analog-source.ts";
import { ack, connack, FakeTransport, type SentPacket } from "../mqtt/fake-transport.ts";
import { rig } from "../../hal/rig.ts";
import { FakeWifi } from "./fake-wifi.ts";
import { rigPlatform } from "./rig-platform.ts";
import { memoryStorage, queuedInFlash } from "./memory-storage.ts";

const TELEMETRY = "mote/n1/telemetry";

/** The broker: answers everything, cannot be reached, or answers CONNECT but keeps its PUBACKs until `release`. */
type BrokerMode = "up" | "down" | "holding";

interface WakeOptions {
  storage: NodeStorage;
  /** When WiFi has joined, ms after the start; null: never (NO_AP_FOUND on every try). */
  wifiAt?: number | null;
  broker?: BrokerMode;
  woke?: boolean;
}

interface Wake {
  transport: FakeTransport;
  /** Every packet the node sent, with its time. */
  sent: SentPacket[];
  sleeps: { at: number; milliseconds: number }[];
  /** Analog reads of the sensor. */
  reads(): number;
  /** Telemetry PUBLISHes, as their parsed bodies. */
  reports(): Record<string, unknown>[];
  /** Runs virtual time to `target` ms, playing WiFi and the broker; stops at a deep sleep (the power goes: no timer runs after it). */
  runTo(target: number): void;
  /** Lets a holding broker send its PUBACKs from now on. */
  release(): void;
}

function sleepyConfig(overrides: Partial<NodeConfig> = {}): NodeConfig {
  return {
    id: "n1", board: "esp32", wifi: { ssid: "home", password: null },
    broker: { host: "broker.test", port: 1883, tls: false, username: null, password: null, clientId: "n1" },
    topicPrefix: "mote", telemetry: { period: 60, qos: 1 },
    sensors: [{ name: "soil", type: "analog", pin: "D32", espruino: "D32" }], actuators: [], discovery: false,
    deepSleep: { enabled: true, awakeLimit: 20 }, watchdog: { offlineMinutes: 1 },
    buffers: { receive: 1024, send: 1024, socketQueue: 4096 },
    ...overrides,
  };
}

/** Starts the node at virtual time 0, as a wake from deep sleep (or a power-on) does. */
function wake(config: NodeConfig, options: WakeOptions): Wake {
  const bench = rig("esp32");
  bench.hardware.attachLine("D32", new AnalogSource({ kind: "constant", volts: 1 }));
  const clock = bench.clock;
  const transport = new FakeTransport(clock);
  const mode = options.broker ?? "up";
  const wifiAt = options.wifiAt === undefined ? 2500 : options.wifiAt;
  const sent: SentPacket[] = [];
  const sleeps: { at: number; milliseconds: number }[] = [];
  const held: number[] = [];
  let releasing = mode != "holding";
  let reads = 0;
  const io = { ...bench.io };
  io.analogRead = (pin) => {
    reads++;
    return bench.io.analogRead(pin);
  };
  const platform = rigPlatform(bench, {
    io,
    storage: options.storage,
    wifi: new FakeWifi(clock, "esp32", wifiAt !== null, wifiAt === null ? 2000 : wifiAt),
    transport: () => transport,
    reboot: () => assert.fail("no reboot with deep sleep"),
    deepSleep: (milliseconds) => sleeps.push({ at: clock.now(), milliseconds }),
    woke: options.woke ?? false,
  });
  function broker(): void {
    if (transport.link == "opening") {
      if (mode == "down") transport.drop();
      else transport.accept();
    }
    for (;;) {
      const packets = transport.take();
      for (const packet of packets) {
        sent.push(packet);
        if (packet.type == "CONNECT") transport.deliver(connack());
        if (packet.type == "PUBLISH" && packet.qos == 1) held.push(packet.packetId!);
      }
      while (releasing && held.length && transport.link == "open") transport.deliver(ack(C.PUBACK, held.shift()!));
      if (!packets.length) return;
    }
  }
  startNode(config, platform);
  return {
    transport, sent, sleeps,
    reads: () => reads,
    reports: () => sent.filter((packet) => packet.type == "PUBLISH" && packet.topic == TELEMETRY).map((packet) => JSON.parse(packet.payload!) as Record<string, unknown>),
    runTo(target: number) {
      for (;;) {
        broker();
        if (sleeps.length) return;
        const due = clock.nextDue();
        if (due === undefined || due > target) break;
        clock.advanceTo(due);
      }
      clock.advanceTo(target);
      broker();
    },
    release() {
      releasing = true;
    },
  };
}

function segments(storage: NodeStorage): string[] {
  return storage.list(undefined, { sf: true }).filter((name) => name.startsWith("mq."));
}

/** The `seq` of the reports in flash, oldest first. */
function flashSeqs(storage: NodeStorage): number[] {
  return queuedInFlash(storage).map((payload) => (JSON.parse(payload) as { seq: number }).seq);
}

/** Packet summaries with their times, e.g. `2500 CONNECT n1`. */
function timeline(sent: readonly SentPacket[]): string[] {
  return sent.map((packet) => `${packet.at} ${packet.type}${packet.topic ? " " + packet.topic : ""}`);
}

describe("node application: the deep-sleep cycle", () => {
  it("samples once, sends the report right behind CONNECT, waits for the PUBACKs, disconnects and sleeps for the period minus the time awake", () => {
    const storage = memoryStorage();
    const node = wake(sleepyConfig(), { storage });
    node.runTo(200000);
    // WiFi joins at 2.5 s, after that instant's check: the next check (2.55 s) finds everything acknowledged.
    assert.deepEqual(timeline(node.sent), [
      "2500 CONNECT", `2500 PUBLISH ${TELEMETRY}`, "2500 PUBLISH mote/n1/status", `${2500 + SLEEP_CHECK} DISCONNECT`,
    ]);
    // The report left before CONNACK (the broker answers CONNECT only after taking what was sent with it).
    assert.equal(node.sent[1]!.qos, 1, "telemetry.qos");
    assert.deepEqual(node.reports().map((report) => [report["boot"], report["seq"]]), [[1, 1]]);
    assert.equal(node.reads(), 1, "every sensor once per wake, no further rounds");
    const at = 2500 + SLEEP_CHECK + SLEEP_DELAY;
    assert.deepEqual(node.sleeps, [{ at, milliseconds: 60000 - at }]);
    assert.deepEqual(segments(storage), [], "acknowledged: nothing left in flash");
    assert.deepEqual(node.transport.violations, []);
  });

  it("stays awake until the last PUBACK, then sleeps within one check", () => {
    const node = wake(sleepyConfig(), { storage: memoryStorage(), broker: "holding" });
    node.runTo(9000);
    assert.equal(node.sleeps.length, 0);
    assert.ok(!node.sent.some((packet) => packet.type == "DISCONNECT"));
    node.release();
    node.runTo(200000);
    assert.equal(node.sleeps.length, 1);
    const slept = node.sleeps[0]!;
    assert.ok(slept.at > 9000 && slept.at <= 9000 + SLEEP_CHECK + SLEEP_DELAY, `slept at ${slept.at}`);
    assert.equal(slept.milliseconds, 60000 - slept.at);
  });

  it("with the broker unreachable sleeps at the awake limit, keeping the report in flash; the next wake sends it first", () => {
    const storage = memoryStorage();
    const config = sleepyConfig({ deepSleep: { enabled: true, awakeLimit: 20 } });
    const first = wake(config, { storage, broker: "down" });
    first.runTo(200000);
    assert.deepEqual(first.sleeps, [{ at: 20000, milliseconds: 40000 }], "awake exactly awakeLimit, then the rest of the period");
    assert.deepEqual(first.sent, [], "no connection: no DISCONNECT either");
    assert.equal(segments(storage).length, 1, "the report is in flash");

    const second = wake(config, { storage, woke: true });
    second.runTo(200000);
    assert.deepEqual(second.reports().map((report) => [report["boot"], report["seq"]]), [[1, 1], [2, 1]], "the stored report first, then the new one");
    // the stored report rides the pipelined connect; the new one waits for a free client (QUEUE_FEED: one report in RAM at a time)
    const sent = timeline(second.sent);
    assert.deepEqual(sent.slice(0, 3), ["2500 CONNECT", `2500 PUBLISH ${TELEMETRY}`, "2500 PUBLISH mote/n1/status"]);
    assert.equal(sent.filter((entry) => entry.endsWith(`PUBLISH ${TELEMETRY}`)).length, 2, `both reports sent: ${sent.join(", ")}`);
    assert.equal(second.sleeps.length, 1);
    assert.deepEqual(segments(storage), [], "both acknowledged: flash emptied");
  });

  it("connected but without a PUBACK by the awake limit: flushes the flash queue, DISCONNECT, sleep", () => {
    const storage = memoryStorage();
    const node = wake(sleepyConfig({ deepSleep: { enabled: true, awakeLimit: 4 } }), { storage, broker: "holding" });
    node.runTo(200000);
    assert.deepEqual(node.sleeps, [{ at: 4000, milliseconds: 56000 }]);
    assert.equal(node.sent.at(-1)!.type, "DISCONNECT", "a clean end: the broker drops the will, the status stays online");
    assert.equal(node.sent.at(-1)!.at, 4000 - SLEEP_DELAY);
    // The report was written when produced (offline). `online` (2.5 s), unacknowledged too, is the client's own,
    // made again at every connection: not kept (the flash queue holds reports only).
    assert.deepEqual(flashSeqs(storage), [1]);
  });

  it("WiFi up before the report: the client waits for it, so it still follows CONNECT before CONNACK", () => {
    const node = wake(sleepyConfig(), { storage: memoryStorage(), wifiAt: 300 });
    node.runTo(200000);
    assert.deepEqual(timeline(node.sent).slice(0, 3), ["1000 CONNECT", `1000 PUBLISH ${TELEMETRY}`, "1000 PUBLISH mote/n1/status"]);
  });

  it("without WiFi sleeps at the awake limit, and at least SLEEP_MIN when that is past the period", () => {
    const node = wake(sleepyConfig({ telemetry: { period: 15, qos: 1 }, deepSleep: { enabled: true, awakeLimit: 30 } }), { storage: memoryStorage(), wifiAt: null });
    node.runTo(200000);
    assert.deepEqual(node.sleeps, [{ at: 30000, milliseconds: SLEEP_MIN }]);
    assert.equal(node.reads(), 1, "no second round although the period passed");
    assert.equal(node.transport.opens.length, 0);
  });

  it("QoS 0 telemetry: sleeps once the report is sent (nothing to acknowledge)", () => {
    const node = wake(sleepyConfig({ telemetry: { period: 60, qos: 0 } }), { storage: memoryStorage(), wifiAt: 1200 });
    node.runTo(200000);
    assert.equal(node.sent[1]!.qos, 0);
    const at = 1200 + SLEEP_CHECK + SLEEP_DELAY;
    assert.deepEqual(node.sleeps, [{ at, milliseconds: 60000 - at }]);
  });

  it("publishes discovery on a power-on start and waits for it, but not on a wake-up", () => {
    const config = sleepyConfig({ discovery: true });
    const powerOn = wake(config, { storage: memoryStorage() });
    powerOn.runTo(200000);
    const configs = powerOn.sent.filter((packet) => packet.topic?.startsWith("homeassistant/"));
    assert.equal(configs.length, 2, "voltage and value of the analog sensor");
    assert.ok(powerOn.sleeps[0]!.at > configs.at(-1)!.at);
    const woke = wake(config, { storage: memoryStorage(), woke: true });
    woke.runTo(200000);
    assert.equal(woke.sent.filter((packet) => packet.topic?.startsWith("homeassistant/")).length, 0);
    assert.equal(woke.sleeps.length, 1);
  });

  it("refuses to start with deep sleep on a platform that has none", () => {
    const bench = rig("esp32");
    const platform = {
      io: bench.io, pin: (name: string) => bench.pin(name), oneWire: () => assert.fail(), i2c: () => assert.fail(),
      storage: memoryStorage(), wifi: null, transport: () => new FakeTransport(bench.clock), clock: bench.clock,
      memory: () => 1000, rssi: () => null, reboot: () => {},
    } satisfies Platform;
    assert.throws(() => startNode(sleepyConfig({ board: "linux", wifi: null }), platform), /^Error: node: deepSleep\.enabled, but board linux has no deep sleep$/);
  });
});
