/**
 * Budgets suite (issue #6): what the full node costs on each board, against
 * what the board allows.
 *
 * - Bundle bytes of the full node (firmware/node-main.ts, minified, as
 *   `npm run build` makes it) per board against the board's bundle budget,
 *   for two nodes: the relay-only example (nodes/example.json) and a sensor
 *   node (a DHT22, a DS18B20, a BME280, a button, a relay and an LED, the
 *   node of issue #6), plus that sensor node with Home Assistant discovery.
 *   A bundle over budget is measured all the same (the build's `budget`
 *   override), so the ESP8266 rows show how far the goal is.
 * - Heap variables in use once the node is online, as the emulator estimates
 *   them (sim/espruino/memory.ts), against the board's heap: each bundle
 *   boots in an emulated board with device models on its pins and its broker
 *   address routed to an embedded aedes broker; the figure is read when an
 *   MQTT.js subscriber has seen `online` and the first telemetry report, one
 *   virtual second later.
 *
 * Both kinds of row are lower-is-better with the board's limit as the peer,
 * so `ratio` = limit / ours: above 1 the node fits, below 1 it does not.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type MqttClient as PeerClient } from "mqtt";
import { BOARDS, BOARD_IDS } from "../../boards/index.ts";
import { startAedes, type Broker } from "../../sim/brokers.ts";
import { VirtualClock } from "../../sim/clock.ts";
import { EspruinoEnvironment } from "../../sim/espruino/environment.ts";
import { NetworkModel } from "../../sim/espruino/network.ts";
import { Hardware } from "../../sim/hardware/index.ts";
import { attachModels } from "../../sim/live/models.ts";
import { DISCOVERY_PREFIX, discoveryMessage, type DiscoveryMessage } from "../../firmware/node/discovery.ts";
import { buildBundle, EXAMPLE_NODE, type BuildResult } from "../build/build.ts";
import { formatViolations } from "../gate/index.ts";
import { lowerIsBetterResult } from "./measure.ts";
import type { BenchResult, BenchSuite } from "./measure.ts";

/** Large enough for any node: the bench measures bundles over the board's budget too. */
const NO_BUDGET = 1_000_000;
/** Real milliseconds the emulated node may take to come online and report. */
const ONLINE_TIMEOUT = 30_000;

/** Where the sensor node's parts go on each board (the pins of test/firmware/node/node-e2e*.json; linux has no default I2C pins). */
const SENSOR_PINS: Readonly<Record<string, { dht22: string; ds18b20: string; button: string; relay: string; led: string; i2c?: { sda: string; scl: string } }>> = {
  esp32: { dht22: "D4", ds18b20: "D5", button: "D27", relay: "D26", led: "D2" },
  esp8266: { dht22: "D5", ds18b20: "D6", button: "D7", relay: "D0", led: "D4" },
  linux: { dht22: "D4", ds18b20: "D5", button: "D27", relay: "D26", led: "D17", i2c: { sda: "D2", scl: "D3" } },
};

/** The sensor node of issue #6 for `board`, as a description. */
function sensorNode(board: string, discovery: boolean): object {
  const pins = SENSOR_PINS[board];
  if (pins === undefined) throw new Error(`bench: no sensor-node pins for board ${board}`);
  return {
    id: "sensors",
    board,
    wifi: { ssid: "mote-net" },
    broker: { host: "192.168.1.10", port: 1883 },
    telemetry: { period: 60, qos: 1 },
    sensors: [
      { name: "room", type: "dht22", pin: pins.dht22 },
      { name: "water", type: "ds18b20", pin: pins.ds18b20 },
      pins.i2c ? { name: "air", type: "bme280", options: pins.i2c } : { name: "air", type: "bme280" },
      { name: "bell", type: "button", pin: pins.button },
    ],
    actuators: [
      { name: "relay", type: "relay", pin: pins.relay },
      { name: "lamp", type: "led", pin: pins.led },
    ],
    discovery,
  };
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Builds the full node for `board` whatever its size; throws on a gate finding, which would make the figures meaningless. */
async function build(board: string, nodeFile: string): Promise<BuildResult> {
  const result = await buildBundle({ board, nodeFile, budget: NO_BUDGET });
  if (result.violations.length > 0) throw new Error(`bench: the ${board} bundle of ${nodeFile} fails the gate:\n${formatViolations(result.violations)}`);
  return result;
}

/**
 * Boots `bundle` in an emulated board wired to `broker` and returns the heap
 * variables in use one virtual second after a subscriber saw `online` and
 * the first telemetry report and the node's client holds no message (each
 * awaiting its acknowledgement is a few dozen variables: measured without,
 * the figure varied by up to 65 between runs), nor any discovery message
 * still to come (without that wait the discovery node's figure varied from
 * 1,560 to 1,660: it was read between two of them).
 */
async function variablesAfterConnect(bundle: BuildResult, broker: Broker): Promise<number> {
  const node = bundle.node;
  const base = `${node.topicPrefix}/${node.id}`;
  const seen = new Set<string>();
  const peer: PeerClient = connect({ host: broker.host, port: broker.port, protocolVersion: 4, clientId: `budget-peer-${node.board}`, clean: true, reconnectPeriod: 0 });
  const clock = new VirtualClock();
  const hardware = new Hardware(clock, bundle.board);
  attachModels(hardware, node);
  const network = new NetworkModel(node.wifi ? { ssid: node.wifi.ssid, password: node.wifi.password } : {});
  network.route(node.broker.host, node.broker.port, { host: broker.host, port: broker.port });
  const env = new EspruinoEnvironment({ board: bundle.board, clock, hardware, network, print: () => {}, keepScopes: true });
  try {
    await new Promise<void>((resolve, reject) => {
      peer.once("connect", () => resolve());
      peer.once("error", reject);
    });
    peer.on("message", (topic, payload) => seen.add(topic == `${base}/status` ? `status ${payload.toString()}` : topic));
    await peer.subscribeAsync(`${base}/#`, { qos: 1 });
    // a node with discovery publishes its config messages one by one after it comes online: the figure waits for all of them
    const discoveryTopics = new Set<string>();
    const message: DiscoveryMessage = { topic: "", payload: "" };
    for (let index = 0; node.discovery && discoveryMessage(node, index, { discoveryPrefix: DISCOVERY_PREFIX, model: node.board }, message); index++) discoveryTopics.add(message.topic);
    if (discoveryTopics.size > 0) await peer.subscribeAsync(`${DISCOVERY_PREFIX}/#`, { qos: 1 });
    env.boot(bundle.code);
    const online = () => seen.has("status online") && seen.has(`${base}/telemetry`);
    const deadline = performance.now() + ONLINE_TIMEOUT;
    while (!(await env.runUntil(online, { within: 100, step: 50 }))) {
      if (env.errors.length > 0) throw new Error(`bench: the ${node.board} node failed: ${String(env.errors[0])}`);
      if (performance.now() > deadline) throw new Error(`bench: the ${node.board} node "${node.id}" did not come online and report within ${ONLINE_TIMEOUT} ms`);
      await delay(1);
    }
    const idle = () => (env.global["mote"] as { client: { queue: unknown[] } }).client.queue.length == 0 && [...discoveryTopics].every((topic) => seen.has(topic));
    while (!(await env.runUntil(idle, { within: 100, step: 50 }))) {
      if (performance.now() > deadline) throw new Error(`bench: the ${node.board} node "${node.id}" still holds messages ${ONLINE_TIMEOUT} ms after it came online`);
      await delay(1);
    }
    await env.runFor(1000);
    return env.variablesUsed;
  } finally {
    env.dispose();
    await peer.endAsync(true);
  }
}

/** The two rows of one node on one board: bundle bytes and heap variables online. */
async function nodeRows(label: string, board: string, nodeFile: string, broker: Broker): Promise<BenchResult[]> {
  const bundle = await build(board, nodeFile);
  const limits = BOARDS[board]!;
  const used = await variablesAfterConnect(bundle, broker);
  return [
    lowerIsBetterResult(`bundle bytes, ${label}, ${board}`, "bytes", bundle.total, `${board} bundle budget`, limits.bundleBudget),
    lowerIsBetterResult(`heap variables online (emulator estimate), ${label}, ${board}`, "variables", used, `${board} heap`, limits.heap.variables),
  ];
}

export const budgetsSuite: BenchSuite = {
  name: "budgets",
  async run() {
    const scratch = mkdtempSync(join(tmpdir(), "mote-bench-budgets-"));
    const broker = await startAedes({ persistence: false });
    try {
      const rows: BenchResult[] = [];
      for (const board of BOARD_IDS) rows.push(...(await nodeRows("relay-only example node", board, EXAMPLE_NODE, broker)));
      for (const board of BOARD_IDS) {
        const file = join(scratch, `sensors-${board}.json`);
        writeFileSync(file, JSON.stringify(sensorNode(board, false)));
        rows.push(...(await nodeRows("sensor node (DHT22, DS18B20, BME280, button, relay, LED)", board, file, broker)));
      }
      const discovery = join(scratch, "sensors-discovery.json");
      writeFileSync(discovery, JSON.stringify(sensorNode("esp32", true)));
      rows.push(...(await nodeRows("sensor node with discovery", "esp32", discovery, broker)));
      return rows;
    } finally {
      await broker.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};
