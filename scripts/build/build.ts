/**
 * Builds one device bundle: checks the node description (and its secrets) against the board,
 * bundles the full node (firmware/node-main.ts) with esbuild for Espruino,
 * runs the compatibility gate on the result, and measures it against the
 * board's budget. Nothing is written here; the CLIs (scripts/build.ts,
 * scripts/flash.ts) write what passes.
 *
 * Besides the node (`MOTE_NODE`), every bundle gets its MQTT client's
 * settings (`MOTE_CLIENT`, {@link deviceClientOptions}) with its CONNECT
 * packet (encoded here by firmware/node/connect.ts, which checks every
 * field, so the device carries no CONNECT encoder) and `broker.tls`
 * (`MOTE_TLS`), its base topic `<prefix>/<node>`
 * (`MOTE_TOPIC`), the description's other fields that the device reads as
 * constants ({@link descriptionDefines}; all read in firmware/node/app.ts)
 * and the firmware's build switches from {@link featureDefines}, so that the
 * code for a driver type, discovery or QoS 2 that the node does not use is
 * left out.
 */
import { fileURLToPath } from "node:url";
import { BOARDS, BOARD_IDS } from "../../boards/index.ts";
import type { Board } from "../../boards/board.ts";
import type { NodeConfig } from "../../firmware/config.ts";
import type { Clock, Transport } from "../../firmware/mqtt/transport.ts";
import { createClient, type ClientOptions } from "../../firmware/mqtt/client.ts";
import { clientOptions } from "../../firmware/node/app.ts";
import { nodeConnectPacket } from "../../firmware/node/connect.ts";
import { nodeTopic, statusTopic } from "../../firmware/node/topics.ts";
import { bundleForEspruino, NODE_PRIVATE_PROPERTIES } from "../espruino-esbuild.ts";
import { checkBundle, type GateViolation } from "../gate/index.ts";
import { checkMessagesFit } from "./message-fit.ts";
import { DRIVER_TYPES } from "./part-types.ts";
import { describedBoard, loadNode, readDescription } from "./node-description.ts";
import { moduleSizes, type ModuleSize } from "./size-table.ts";

/** The repository root (this file is scripts/build/build.ts). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The device entry: the full node. */
export const DEFAULT_ENTRY = ROOT + "firmware/node-main.ts";
export const EXAMPLE_NODE = ROOT + "nodes/example.json";
/** The board built when neither --board nor the description's `board` names one. */
export const DEFAULT_BOARD = "esp32";

/**
 * Boards whose budget the full node does not meet yet, with what to say when
 * a build for one is over budget. Remove the entry once it is met: none now
 * (issue #6's goal, the example node within 12,000 bytes on the ESP8266, is
 * met).
 */
const BUDGET_GOALS_NOT_MET: Readonly<Record<string, string>> = {};

/**
 * The build switch behind each driver type of scripts/build/part-types.ts
 * (read in firmware/node/parts.ts and app.ts).
 */
export const DRIVER_SWITCHES: Readonly<Record<string, string>> = {
  analog: "MOTE_DRIVER_ANALOG",
  bme280: "MOTE_DRIVER_BME280",
  button: "MOTE_DRIVER_INPUT",
  dht22: "MOTE_DRIVER_DHT22",
  ds18b20: "MOTE_DRIVER_DS18B20",
  led: "MOTE_DRIVER_OUTPUT",
  pwm: "MOTE_DRIVER_PWM",
  reed: "MOTE_DRIVER_INPUT",
  relay: "MOTE_DRIVER_OUTPUT",
};

/**
 * The firmware's build switches for `node`, as esbuild `define` text: each
 * `MOTE_DRIVER_*` true when some part uses that driver, `MOTE_DISCOVERY` as
 * `node.discovery`, `MOTE_DEEP_SLEEP` as `node.deepSleep.enabled`, `MOTE_SENSORS` false for a node without
 * sensors (no sampling code), `MOTE_QOS2` (firmware/mqtt/client.ts) true when some
 * actuator subscribes at QoS 2, the only place a node uses it (telemetry and
 * sensors publish at QoS 0 or 1). Throws on a part type with no switch.
 */
export function featureDefines(node: NodeConfig): Record<string, string> {
  const defines: Record<string, string> = {};
  for (const name of Object.values(DRIVER_SWITCHES)) defines[name] = "false";
  for (const part of [...node.sensors, ...node.actuators]) {
    const name = DRIVER_SWITCHES[part.type];
    if (name === undefined) throw new Error(`part "${part.name}": driver type "${part.type}" has no build switch; known: ${Object.keys(DRIVER_SWITCHES).join(", ")}`);
    defines[name] = "true";
  }
  defines["MOTE_DISCOVERY"] = String(node.discovery);
  defines["MOTE_QOS2"] = String(node.actuators.some((part) => part.qos === 2));
  defines["MOTE_DEEP_SLEEP"] = String(node.deepSleep.enabled);
  defines["MOTE_SENSORS"] = String(node.sensors.length > 0);
  return defines;
}

/**
 * The fields of `node` that firmware/node/app.ts reads as constants on a
 * device, as esbuild `define` text: `MOTE_PERIOD` (`telemetry.period` in ms),
 * `MOTE_QOS` (`telemetry.qos`), `MOTE_OFFLINE` (`watchdog.offlineMinutes` in
 * ms), `MOTE_ACTUATORS` (how many there are), `MOTE_COMMAND_QOS` (the
 * highest `qos` of the actuators, 0 without any), `MOTE_STATION` and `MOTE_STATION_PASSWORD` (`wifi.ssid` and
 * `wifi.password`, null without `wifi`) and `MOTE_AWAKE`
 * (`deepSleep.awakeLimit` in ms). A number in the code takes no heap, and a
 * string only while it is used, where the embedded description
 * ({@link deviceNode}, which leaves them out) holds each for the node's life.
 */
export function descriptionDefines(node: NodeConfig): Record<string, string> {
  return {
    MOTE_PERIOD: String(node.telemetry.period * 1000),
    MOTE_QOS: String(node.telemetry.qos),
    MOTE_OFFLINE: String(node.watchdog.offlineMinutes * 60000),
    MOTE_ACTUATORS: String(node.actuators.length),
    MOTE_COMMAND_QOS: String(node.actuators.reduce((most, part) => Math.max(most, part.qos), 0)),
    MOTE_STATION: node.wifi === null ? "null" : asciiJson(node.wifi.ssid),
    MOTE_STATION_PASSWORD: node.wifi === null || node.wifi.password === null ? "null" : asciiJson(node.wifi.password),
    MOTE_AWAKE: String(node.deepSleep.awakeLimit * 1000),
  };
}

/**
 * The node as the bundle embeds it (`MOTE_NODE`, as JavaScript through
 * bundleForEspruino's `values`, so that the node-private property names of
 * scripts/espruino-esbuild.ts shorten its keys too): `node` without what the
 * device never reads under the switches of {@link featureDefines}, since on
 * the device the whole object stays on the heap for as long as the node runs
 * (every member a variable or more; the ESP8266 has 1,600). Left out: each
 * part's `pin` (the device resolves `espruino`), `board` (the entry gets it
 * as `MOTE_BOARD`) unless discovery or deep sleep reads it, `id` and
 * `topicPrefix` unless discovery reads them (the node's base topic is
 * `MOTE_TOPIC`, see {@link buildBundle}), `discovery` unless true,
 * `sensors` when there are none and no discovery, `broker` and `buffers`,
 * which only the client's settings and CONNECT packet hold (`MOTE_CLIENT`,
 * `MOTE_TLS`, see {@link buildBundle}), an I2C part's `sda`, `scl` and
 * default `address` ({@link deviceI2cOptions}), and what the device
 * gets as constants ({@link descriptionDefines}, {@link featureDefines}):
 * `telemetry`, `watchdog`, `wifi`, `deepSleep` and each actuator's `qos`.
 */
export function deviceNode(node: NodeConfig): object {
  const device: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "board" && !node.discovery && !node.deepSleep.enabled) continue;
    if ((key === "id" || key === "topicPrefix" || key === "discovery") && !node.discovery) continue;
    if (["broker", "buffers", "telemetry", "watchdog", "wifi", "deepSleep", "sensors", "actuators"].includes(key)) continue;
    device[key] = value;
  }
  const without = (...keys: string[]) => (part: object) => Object.fromEntries(Object.entries(part).filter(([key]) => !keys.includes(key)));
  if (node.sensors.length || node.discovery) device["sensors"] = node.sensors.map(without("pin")).map(deviceI2cOptions);
  device["actuators"] = node.actuators.map(without("pin", "qos"));
  return device;
}

/**
 * An I2C part as the device needs it: its options without `sda` and `scl`
 * (firmware/node/parts.ts makes the bus from the part's `espruino` and
 * `espruinoScl`) and without an `address` that is the default (the first of
 * part-types.ts: BME280_ADDRESS, which hal/bme280.ts takes when none is given), and without
 * `options` when nothing is left (the driver takes none as `{}`). Any other
 * part as it is.
 */
function deviceI2cOptions(part: Record<string, unknown>): Record<string, unknown> {
  const driver = DRIVER_TYPES[String(part["type"])];
  const options = part["options"] as Record<string, unknown> | undefined;
  if (driver === undefined || driver.bus !== "i2c" || options === undefined) return part;
  const kept = Object.fromEntries(Object.entries(options).filter(([key, value]) => key !== "sda" && key !== "scl" && !(key === "address" && value === driver.addresses![0])));
  const device: Record<string, unknown> = { ...part, options: kept };
  if (!Object.keys(kept).length) delete device["options"];
  return device;
}

/**
 * The MQTT client's settings as the bundle embeds them (`MOTE_CLIENT`,
 * through `values` like {@link deviceNode}, so that their names shorten):
 * firmware/node/app.ts clientOptions for `node`, with `connect` the CONNECT
 * packet (a binary string, which the bundle's ASCII charset writes with
 * escapes); {@link checkClientOptions} checks the same settings. The client
 * keeps them for as long as it runs.
 */
export function deviceClientOptions(node: NodeConfig, connect: string): ClientOptions {
  return { ...clientOptions(node), connect };
}

/**
 * `text` as JSON with every character outside ASCII escaped (\u00XX): both a
 * `define` value (JSON) and a JavaScript string literal that keeps a bundle
 * ASCII: the base topic, the WiFi name and password (the fleet simulator
 * prints its CONNECT packets, binary strings, with it).
 */
export function asciiJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (char) => "\\u" + (char.charCodeAt(0) + 0x10000).toString(16).slice(1));
}

/** What to build. */
export interface BuildRequest {
  board: string;
  /** Node description file; the example node when absent. */
  nodeFile?: string;
  /** A node already checked (by loadNode) and adjusted, used instead of reading `nodeFile` (the fleet simulator's template). */
  node?: NodeConfig;
  /** Entry file; firmware/node-main.ts when absent (tests point it elsewhere). */
  entry?: string;
  /** Overrides the board's bundle budget, in bytes. */
  budget?: number;
  /** The CONNECT packet embedded in `MOTE_CLIENT`; nodeConnectPacket(node) when absent (the fleet simulator puts a placeholder there). */
  connect?: string;
  /** The caller has checked that what the node publishes fits (checkMessagesFit): the fleet simulator, whose template's id is a placeholder. */
  messagesChecked?: boolean;
}

/** What a build produced and found. `ok` is false on a gate violation or an exceeded budget. */
export interface BuildResult {
  board: Board;
  node: NodeConfig;
  code: string;
  map: string;
  violations: GateViolation[];
  sizes: ModuleSize[];
  total: number;
  budget: number;
  ok: boolean;
}

/** Looks a board up by id; throws naming the allowed ids. */
export function boardById(id: string): Board {
  const board = BOARDS[id];
  if (board === undefined) throw new Error(`--board: "${id}" is not a board; allowed: ${BOARD_IDS.join(", ")}`);
  return board;
}

/**
 * The board to build: `board` when given (--board), else the description's
 * `board`, else {@link DEFAULT_BOARD}. Reads the description (the example
 * node when `nodeFile` is absent); throws on a file that is not JSON.
 */
export function chooseBoard(board: string | undefined, nodeFile: string | undefined): string {
  if (board !== undefined) return board;
  return describedBoard(readDescription(nodeFile ?? EXAMPLE_NODE)) ?? DEFAULT_BOARD;
}

/** The value of a --budget option, in bytes; throws naming the value unless it is a whole number above 0. */
export function parseBudget(text: string): number {
  const budget = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(budget) || budget <= 0) throw new Error(`--budget: "${text}" is not allowed; expected a whole number of bytes`);
  return budget;
}

/**
 * Why a build over budget failed, naming the board, the size and the budget
 * (and, for a board whose goal is not met yet, what to do), or null when the
 * bundle fits.
 */
export function overBudgetMessage(result: BuildResult): string | null {
  if (result.total <= result.budget) return null;
  const id = result.board.id;
  const board = result.budget === result.board.bundleBudget ? "the board's budget" : "the budget given with --budget";
  const over = `${id}: the bundle of node "${result.node.id}" is ${result.total} bytes, over ${board} of ${result.budget} bytes by ${result.total - result.budget}`;
  const goal = result.budget === result.board.bundleBudget ? BUDGET_GOALS_NOT_MET[id] : undefined;
  return goal === undefined ? over : `${over}: ${goal}`;
}

/**
 * Creates the node's MQTT client on the host, with the options its device
 * will give it (firmware/node/app.ts clientOptions, the CONNECT `connect`),
 * over a transport and clock that do nothing: createClient's checks of its
 * options run here, once, and the bundle is built without them
 * (MOTE_CLIENT_CHECKED). Throws naming the node and the board.
 */
export function checkClientOptions(node: NodeConfig, board: Board, connect: string): void {
  const idle = () => 0;
  const options = clientOptions(node);
  if (connect.length > options.sendBuffer) {
    throw new Error(`node "${node.id}" on board ${board.id}: its CONNECT packet is ${connect.length} bytes, over the board's send buffer of ${options.sendBuffer}: `
      + `shorten topicPrefix (the will topic <topicPrefix>/<id>/status is ${statusTopic(node.topicPrefix, node.id).length} characters), broker.clientId, broker.username or the password`);
  }
  try {
    createClient({ ...options, connect }, { open: idle, sendString: idle, pending: idle, close: idle } as unknown as Transport, { now: idle, setTimeout: idle, clearTimeout: idle } as unknown as Clock);
  } catch (error) {
    throw new Error(`node "${node.id}" on board ${board.id}: ${(error as Error).message}`);
  }
}

/** Runs the whole build for one board, in memory. */
export async function buildBundle(request: BuildRequest): Promise<BuildResult> {
  const board = boardById(request.board);
  const nodeFile = request.nodeFile ?? EXAMPLE_NODE;
  const node = request.node ?? loadNode(nodeFile, board);
  const connect = request.connect ?? nodeConnectPacket(node);
  checkClientOptions(node, board, connect);
  if (!request.messagesChecked) checkMessagesFit(node, board);
  const bundle = await bundleForEspruino({
    entry: request.entry ?? DEFAULT_ENTRY,
    define: { ...featureDefines(node), ...descriptionDefines(node), MOTE_BOARD: JSON.stringify(board.id), MOTE_TOPIC: asciiJson(nodeTopic(node.topicPrefix, node.id)), MOTE_TLS: String(node.broker.tls), MOTE_CLIENT_CHECKED: "true", MOTE_UNSUBSCRIBE: "false" },
    values: { MOTE_NODE: deviceNode(node), MOTE_CLIENT: deviceClientOptions(node, connect) },
    privateProperties: NODE_PRIVATE_PROPERTIES,
  });
  const violations = checkBundle(bundle.code, bundle.map);
  const total = Buffer.byteLength(bundle.code);
  const budget = request.budget ?? board.bundleBudget;
  return {
    board,
    node,
    code: bundle.code,
    map: bundle.map,
    violations,
    sizes: moduleSizes(bundle.metafile),
    total,
    budget,
    ok: violations.length === 0 && total <= budget,
  };
}
