/**
 * The whole node, end to end: the bundle the build makes from
 * firmware/node-main.ts for node-e2e.json (a DHT22, a DS18B20, a BME280, a
 * button, a relay and an LED on ESP32 pins; node-e2e-esp8266.json the same on
 * ESP8266 labels), booted in the emulated
 * interpreter with device models on its pins, its broker address routed to a
 * real broker on loopback, watched by an MQTT.js subscriber: status, telemetry
 * with the models' values, commands, errors, the last will.
 */
import assert from "node:assert/strict";
import type { MqttClient as PeerClient } from "mqtt";
import { ROOT, type BuildResult } from "../../../scripts/build/build.ts";
import { widestReport } from "../../../scripts/build/message-fit.ts";
import { preferredBroker } from "../../../sim/brokers.ts";
import type { ButtonModel } from "../../../sim/devices/button.ts";
import type { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";
import type { Hardware } from "../../../sim/hardware/index.ts";
import { brokerTitle } from "../../support/broker-report.ts";
import { brokerSuite } from "../../support/broker-suite.ts";
import { runUntilHeld } from "../../sim/espruino/helpers.ts";
import { waitFor } from "../mqtt/integration-kit.ts";
import { attachExampleModels, boardHardware, bootNode, buildNode, ESP32_WIRING, ESP8266_SENSOR_NODE_CEILING, ESP8266_WIRING, watch, type Received, type Wiring } from "./e2e-kit.ts";

const NODE_FILE = ROOT + "test/firmware/node/node-e2e.json";
const NODE_FILE_ESP8266 = ROOT + "test/firmware/node/node-e2e-esp8266.json";

const BASE = "mote/bench";

interface Bench {
  env: EspruinoEnvironment;
  hardware: Hardware;
  button: ButtonModel;
  peer: PeerClient;
  received: Received[];
}

function payloads(received: readonly Received[], topic: string): string[] {
  return received.filter((each) => each.topic == topic).map((each) => each.payload);
}

function near(actual: unknown, expected: number, tolerance: number, what: string): void {
  assert.ok(typeof actual == "number" && Math.abs(actual - expected) <= tolerance, `${what}: ${String(actual)}, expected ${expected} ± ${tolerance}`);
}

const kind = preferredBroker();

describe(brokerTitle("node application end to end in the emulated ESP32 and ESP8266", kind), function () {
  this.timeout(60000);
  let bundle: BuildResult;
  const suite = brokerSuite(kind, async () => {
    bundle = await buildNode("esp32", NODE_FILE);
    return `node e2e; bundle ${bundle.total} B`;
  });

  /** Subscribes a peer to everything of the node, then boots the node with its models attached (`keepScopes` where a test reads the heap estimate). */
  async function start(build: BuildResult = bundle, wiring: Wiring = ESP32_WIRING, keepScopes = false): Promise<Bench> {
    const { peer, received } = await watch(suite, "e2e-peer", BASE + "/#");
    const hardware = boardHardware(build);
    const button = attachExampleModels(hardware, wiring);
    const { env } = bootNode(suite, build, hardware, { keepScopes });
    return { env, hardware, button, peer, received };
  }

  /** Runs the node until `condition` holds, for at most `within` virtual ms, letting real time pass too (the broker and the peer run in it). */
  async function until(bench: Bench, condition: () => boolean, within: number, what: string): Promise<void> {
    await runUntilHeld(bench.env, condition, within, () => `${what}; received: ${JSON.stringify(bench.received.map((each) => each.topic + " " + each.payload))}`);
  }

  it("announces itself, publishes telemetry with the models' values, obeys commands and leaves a will", async () => {
    const bench = await start();
    const { env, hardware, received } = bench;
    await until(bench, () => payloads(received, BASE + "/status").includes("online"), 10000, "status online");
    await until(bench, () => payloads(received, BASE + "/relay/state").length > 0 && payloads(received, BASE + "/telemetry").length > 0, 15000, "state and telemetry");
    assert.deepEqual(payloads(received, BASE + "/relay/state"), ["OFF"]);
    assert.deepEqual(payloads(received, BASE + "/lamp/state"), ["OFF"]);
    assert.equal(hardware.pin("D26").level, true, "relay off = pin high (active low)");

    const report = JSON.parse(payloads(received, BASE + "/telemetry")[0]!) as Record<string, Record<string, number> | number>;
    const room = report["room"] as Record<string, number>;
    const water = report["water"] as Record<string, number>;
    const air = report["air"] as Record<string, number>;
    near(room["temperature"], 23.4, 0.05, "DHT22 °C");
    near(room["humidity"], 56.7, 0.05, "DHT22 %RH");
    near(water["temperature"], 18.25, 0.0625, "DS18B20 °C");
    near(air["temperature"], 21.5, 0.05, "BME280 °C");
    near(air["pressure"], 1001.3, 0.1, "BME280 hPa");
    near(air["humidity"], 40, 0.5, "BME280 %RH");
    assert.deepEqual(report["bell"], { active: false });
    assert.equal(report["rssi"], -60);
    assert.ok(typeof report["uptime"] == "number" && typeof report["heap"] == "number" && (report["heap"] as number) > 0, JSON.stringify(report));
    assert.equal((report["mqtt"] as unknown as Record<string, number>)["malformed"], 0);

    await bench.peer.publishAsync(BASE + "/relay/set", "ON", { qos: 1 });
    await until(bench, () => payloads(received, BASE + "/relay/state").length >= 2, 5000, "relay state ON");
    assert.deepEqual(payloads(received, BASE + "/relay/state"), ["OFF", "ON"]);
    assert.equal(hardware.pin("D26").level, false, "relay on = pin low (active low)");
    const { received: fresh } = await watch(suite, "e2e-late", BASE + "/+/state");
    await waitFor(() => fresh.some((each) => each.topic == BASE + "/relay/state"), 5000, () => "retained state for a late subscriber");
    assert.deepEqual(fresh.find((each) => each.topic == BASE + "/relay/state"), { topic: BASE + "/relay/state", payload: "ON", retain: true });

    await bench.peer.publishAsync(BASE + "/relay/set", "BANANA", { qos: 1 });
    await until(bench, () => payloads(received, BASE + "/error").length > 0, 5000, "error for a bad payload");
    assert.deepEqual(JSON.parse(payloads(received, BASE + "/error")[0]!), { error: "relay: expected ON, OFF or TOGGLE", input: "BANANA" });
    // UTF-8 echoed as it came; bytes that are not UTF-8 named as such, and echoed each as \u00XX
    await bench.peer.publishAsync(BASE + "/relay/set", "\u00d6N \ud83d\ude00", { qos: 1 });
    await bench.peer.publishAsync(BASE + "/relay/set", Buffer.from([0x4f, 0xc3, 0x28]), { qos: 1 });
    await until(bench, () => payloads(received, BASE + "/error").length >= 3, 5000, "errors for two more bad payloads");
    assert.deepEqual(payloads(received, BASE + "/error").slice(1).map((each) => JSON.parse(each)), [
      { error: "relay: expected ON, OFF or TOGGLE", input: "\u00d6N \ud83d\ude00" },
      { error: "relay: not UTF-8", input: "O\u00c3(" },
    ]);
    assert.equal(hardware.pin("D26").level, false, "a bad command leaves the relay on");
    assert.deepEqual(payloads(received, BASE + "/relay/state"), ["OFF", "ON"]);

    const reports = payloads(received, BASE + "/telemetry").length;
    bench.button.press();
    await until(bench, () => payloads(received, BASE + "/telemetry").length > reports, 3000, "telemetry right after a button press");
    const pressed = JSON.parse(payloads(received, BASE + "/telemetry")[reports]!) as Record<string, unknown>;
    assert.deepEqual(pressed["bell"], { active: true });

    env.network.drop();
    await until(bench, () => payloads(received, BASE + "/status").includes("offline"), 100000, "the will after the network dropped");
    assert.equal(payloads(received, BASE + "/status").at(-1), "offline");
  });

  it("publishes Home Assistant discovery, one retained config per entity", async () => {
    const bench = await start();
    // Counted by topic: configs retained by the previous test's node are replayed on subscribing.
    const discovered = new Set<string>();
    bench.peer.on("message", (topic) => {
      if (topic.startsWith("homeassistant/")) discovered.add(topic);
    });
    await bench.peer.subscribeAsync("homeassistant/+/bench/+/config", { qos: 1 });
    await until(bench, () => discovered.size >= 9, 20000, "9 discovery messages (6 readings, 1 button, 2 actuators)");
    assert.ok(discovered.has("homeassistant/switch/bench/relay/config"), [...discovered].join(", "));
  });

  it("runs the ESP8266 bundle: board labels resolve to Espruino pins, telemetry and commands work", async () => {
    const esp8266 = await buildNode("esp8266", NODE_FILE_ESP8266);
    const bench = await start(esp8266, ESP8266_WIRING, true);
    const { hardware, received } = bench;
    await until(bench, () => payloads(received, BASE + "/telemetry").length > 0, 15000, "telemetry");
    assert.equal(payloads(received, BASE + "/status").at(-1), "online", "after the previous test's retained offline");
    const report = JSON.parse(payloads(received, BASE + "/telemetry")[0]!) as Record<string, Record<string, number>>;
    near(report["room"]!["temperature"], 23.4, 0.05, "DHT22 °C");
    near(report["water"]!["temperature"], 18.25, 0.0625, "DS18B20 °C");
    near(report["air"]!["pressure"], 1001.3, 0.1, "BME280 hPa");
    // the build's estimate of the widest report (scripts/build/message-fit.ts) holds what the node sends, every reading present
    const widest = widestReport(esp8266.node, esp8266.board);
    assert.deepEqual(Object.keys(report).sort(), Object.keys(JSON.parse(widest) as object).sort());
    for (const text of payloads(received, BASE + "/telemetry")) assert.ok(text.length <= widest.length, `${text.length} > ${widest.length}: ${text}`);
    assert.equal(hardware.pin(ESP8266_WIRING.relay).level, true, "relay off");
    // The emulator does not enforce the heap bound. The node online, with every driver sampled once,
    // by the emulator's estimate (sim/espruino/memory.ts, with closure scopes kept whole as Espruino
    // keeps them): this keeps it from growing (ESP8266_SENSOR_NODE_CEILING).
    const used = bench.env.variablesUsed;
    // A lower bound on the estimate, not on the node: an estimator that stopped counting closures, code or
    // strings would fall far below. The real interpreter ran this node at about 1,410 variables of its own
    // when the estimate was 1,345 (session 9); the bound is fixed rather than moved with each saving.
    assert.ok(used > 1100, `${used}: the estimate is not to be trusted this far below the real figure`);
    assert.ok(used <= ESP8266_SENSOR_NODE_CEILING, `the ESP8266 sensor node holds ${used} heap variables online, over its ceiling of ${ESP8266_SENSOR_NODE_CEILING}`);
    // The previous test left a retained ON on this topic, replayed when the peer subscribed:
    // only a state published after the command counts.
    const statesBefore = payloads(received, BASE + "/relay/state").length;
    await bench.peer.publishAsync(BASE + "/relay/set", "ON", { qos: 1 });
    await until(bench, () => payloads(received, BASE + "/relay/state").slice(statesBefore).includes("ON"), 5000, "relay state ON");
    assert.equal(hardware.pin(ESP8266_WIRING.relay).level, false, "relay on = GPIO16 low");
  });
});
