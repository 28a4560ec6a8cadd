/**
 * Reads and checks a node description (JSON): first against its JSON Schema
 * (schema/node.schema.json), then against the board (pins, buses, TLS), with
 * the passwords kept out of it (secrets.ts). Every problem is reported at
 * once, each naming the field, the value and what is allowed, so a bad
 * description fails the build instead of the device.
 * The format is in README "Node description".
 */
import { readFileSync } from "node:fs";
import type { Board } from "../../boards/board.ts";
import { BOARD_IDS, BOARDS } from "../../boards/index.ts";
import type { ActuatorConfig, NodeConfig, PartConfig, SensorConfig } from "../../firmware/config.ts";
import { DRIVER_NAMES, DRIVER_TYPES, pinProblem } from "./part-types.ts";
import { compileSchema, readNodeSchema, schemaProblems, showValue, type SchemaProblem } from "./schema-problems.ts";
import { passwordsInDescription, readSecrets, type Secrets } from "./secrets.ts";

/** Thrown for a description the build cannot use; `problems` lists each fault. */
export class DescriptionError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid node description:\n  - ${problems.join("\n  - ")}`);
    this.name = "DescriptionError";
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return showValue("", value);
}

/** Loads a description file and parses it; malformed JSON is a DescriptionError. */
export function readDescription(file: string): unknown {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DescriptionError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
}

/** The board id the description names, if any. */
export function describedBoard(description: unknown): string | undefined {
  return isObject(description) && typeof description["board"] === "string" ? description["board"] : undefined;
}

/** Who holds a pin: a part, and the bus it shares the pin on (null: nobody may share it). */
interface PinOwner {
  owner: string;
  shared: "onewire" | "i2c" | null;
}

type PinRegistry = Map<string, PinOwner>;

function claimPin(label: string, where: string, owner: string, shared: PinOwner["shared"], board: Board, used: PinRegistry, problems: string[]): void {
  const holder = used.get(label);
  if (holder !== undefined && (shared === null || holder.shared !== shared)) {
    problems.push(`${where}: ${label} is already used by ${holder.owner} on board ${board.id}`);
    return;
  }
  if (holder === undefined) used.set(label, { owner, shared });
}

function checkPin(where: string, type: string, label: unknown, board: Board, problems: string[]): label is string {
  if (typeof label !== "string" || !(label in board.pins)) {
    problems.push(`${where}: ${show(label)} is not a pin of board ${board.id}; allowed: ${Object.keys(board.pins).join(", ")}`);
    return false;
  }
  const problem = pinProblem(type, label, board);
  if (problem !== null) problems.push(`${where}: ${problem}`);
  return true;
}

/** I2C part: SDA and SCL from options or the board's defaults, and an address the chip answers at. */
function checkI2cPart(where: string, type: string, owner: string, options: Json, board: Board, used: PinRegistry, addresses: Map<string, string>, problems: string[]): Json {
  const driver = DRIVER_TYPES[type]!;
  const sda = options["sda"] ?? board.i2c?.sda;
  const scl = options["scl"] ?? board.i2c?.scl;
  if (sda === undefined || scl === undefined) {
    problems.push(`${where}.options: board ${board.id} has no default I2C pins; give "sda" and "scl"`);
    return options;
  }
  const pinsOk = checkPin(`${where}.options.sda`, type, sda, board, problems) && checkPin(`${where}.options.scl`, type, scl, board, problems);
  const allowed = driver.addresses ?? [];
  const address = options["address"] ?? allowed[0];
  if (typeof address !== "number" || !allowed.includes(address)) {
    problems.push(`${where}.options.address: ${show(address)} is not allowed; a ${type} answers at ${allowed.map((each) => "0x" + each.toString(16)).join(" or ")}`);
  } else if (pinsOk) {
    const key = `${String(sda)}/${String(scl)}@${address}`;
    const holder = addresses.get(key);
    if (holder !== undefined) problems.push(`${where}.options.address: 0x${address.toString(16)} on the I2C bus ${String(sda)}/${String(scl)} is already used by ${holder}`);
    addresses.set(key, owner);
  }
  if (pinsOk) {
    claimPin(sda as string, `${where}.options.sda`, owner, "i2c", board, used, problems);
    claimPin(scl as string, `${where}.options.scl`, owner, "i2c", board, used, problems);
  }
  return { ...options, sda: sda as string, scl: scl as string, address: address as number };
}

/** Records a board-check problem at a field path. */
type Report = (path: string, message: string) => void;

/** A Report that drops a problem when the schema already reported its field or a field that holds it, so each fault is told once. */
function reporter(schemaFound: readonly SchemaProblem[], problems: string[]): Report {
  return (path, message) => {
    const covered = schemaFound.some((found) => path === found.path || path.startsWith(`${found.path}.`) || path.startsWith(`${found.path}[`));
    if (!covered) problems.push(message);
  };
}

/** The message for a part's `type` the schema rejected, as before the schema: unknown driver, or one of the other list. */
function partTypeProblem(kind: string, type: unknown): string {
  if (typeof type !== "string" || type === "") return `${show(type)} is not allowed; expected a driver name`;
  const driver = DRIVER_TYPES[type];
  if (driver === undefined) return `${show(type)} is not a driver; known: ${DRIVER_NAMES.join(", ")}`;
  return driver.role === kind ? `${show(type)} is not allowed here` : `${show(type)} is one of the ${driver.role}; move it there`;
}

/** Espruino's name for a board pin label (the label itself when it is no pin: the build reports that and stops). */
function espruinoName(label: unknown, board: Board): string {
  return typeof label === "string" && label in board.pins ? board.pins[label]!.espruino : String(label);
}

/** The telemetry report's own fields (firmware/node/app.ts): a sensor's readings go in the report under its name, so no sensor may take one of these. */
const REPORT_FIELDS = ["boot", "seq", "uptime", "rssi", "heap", "mqtt"];

function checkParts(kind: "sensors" | "actuators", value: unknown, board: Board, used: PinRegistry, addresses: Map<string, string>, names: Map<string, string>, report: Report): PartConfig[] {
  if (!Array.isArray(value)) return [];
  const parts: PartConfig[] = [];
  value.forEach((part: unknown, index: number) => {
    const where = `${kind}[${index}]`;
    if (!isObject(part)) return;
    const name = part["name"];
    if (typeof name === "string") {
      if (kind === "sensors" && REPORT_FIELDS.includes(name)) {
        report(`${where}.name`, `${where}.name: ${show(name)} is not allowed; the telemetry report has its own ${REPORT_FIELDS.join(", ")}, so a sensor's readings cannot go under those names`);
      }
      const other = names.get(name);
      if (other !== undefined) report(`${where}.name`, `${where}.name: ${show(name)} is already the name of ${other}; every sensor and actuator needs its own (it is their topic level and report key)`);
      else names.set(name, where);
    }
    const type = typeof part["type"] === "string" ? part["type"] : "";
    let pin = part["pin"];
    const owner = `${where} (${String(part["name"])})`;
    const driver = DRIVER_TYPES[type];
    const problems: string[] = [];
    let options = isObject(part["options"]) ? part["options"] : undefined;
    if (driver !== undefined && driver.bus === "i2c") {
      options = checkI2cPart(where, type, owner, options ?? {}, board, used, addresses, problems);
      pin = options["sda"];
    } else if (pin === undefined) {
      problems.push(`${where}.pin: missing; a ${type || "part"} needs a pin of board ${board.id}: ${Object.keys(board.pins).join(", ")}`);
    } else if (checkPin(`${where}.pin`, type, pin, board, problems)) {
      claimPin(pin, `${where}.pin`, owner, driver?.bus === "onewire" ? "onewire" : null, board, used, problems);
    }
    for (const problem of problems) report(problem.slice(0, problem.indexOf(":")), problem);
    const entry: PartConfig & { period?: number; threshold?: number; qos?: number } = { name: String(part["name"]), type, pin: String(pin), espruino: espruinoName(pin, board) };
    if (driver !== undefined && driver.bus === "i2c" && options !== undefined) entry.espruinoScl = espruinoName(options["scl"], board);
    if (options !== undefined) entry.options = options as Record<string, string | number | boolean>;
    for (const key of ["period", "threshold", "qos"] as const) {
      const setting = part[key];
      if (typeof setting === "number") entry[key] = setting;
    }
    parts.push(entry);
  });
  return parts;
}

/** The default the schema gives at a property path, `[]` stepping into an array's items: `defaultOf(schema, "broker", "port")` is 1883. */
function defaultOf(schema: Json, ...keys: string[]): unknown {
  let node: unknown = schema;
  for (const key of keys) {
    node = key === "[]" ? (node as Json)["items"] : ((node as Json)["properties"] as Json | undefined)?.[key];
    const ref = (node as Json | undefined)?.["$ref"];
    if (typeof ref === "string") node = ref.slice(2).split("/").reduce<unknown>((at, step) => (at as Json)[step], schema);
  }
  return (node as Json | undefined)?.["default"];
}

/** What a section of the description says, or {} when absent. */
function section(description: Json, key: string): Json {
  const value = description[key];
  return isObject(value) ? value : {};
}

/** Longest deep sleep in seconds: ESP32.deepSleep and ESP8266.deepSleep take a C int of microseconds (at most 2^31 - 1). */
export const DEEP_SLEEP_MAX_SECONDS = 2147;

/** What a node with `deepSleep.enabled: true` cannot have: a board without deep sleep, actuators, a longer period, per-sensor schedules. */
function checkDeepSleep(description: Json, board: Board, report: Report): void {
  const why = "with deepSleep.enabled: true";
  if (board.deepSleep === null) {
    const able = BOARD_IDS.filter((id) => BOARDS[id]!.deepSleep !== null);
    report("deepSleep.enabled", `deepSleep.enabled: true is not allowed on board ${board.id}, whose Espruino build has no deep sleep; allowed on: ${able.join(", ")}`);
  }
  const actuators = description["actuators"];
  if (Array.isArray(actuators) && actuators.length > 0) {
    report("actuators", `actuators: ${actuators.length} given; none allowed ${why} (outputs lose their level while the chip sleeps and commands sent meanwhile are never seen); remove them or set deepSleep.enabled to false`);
  }
  const period = section(description, "telemetry")["period"];
  if (typeof period === "number" && period > DEEP_SLEEP_MAX_SECONDS) {
    report("telemetry.period", `telemetry.period: ${period} is not allowed ${why}; expected 1-${DEEP_SLEEP_MAX_SECONDS} seconds (ESP32.deepSleep and ESP8266.deepSleep take a 32-bit count of microseconds)`);
  }
  const sensors = description["sensors"];
  if (!Array.isArray(sensors)) return;
  sensors.forEach((sensor: unknown, index: number) => {
    if (!isObject(sensor)) return;
    for (const key of ["period", "threshold"]) {
      if (sensor[key] !== undefined) report(`sensors[${index}].${key}`, `sensors[${index}].${key}: not allowed ${why} (each wake samples every sensor once and publishes one report); remove it`);
    }
  });
}

/**
 * Checks a parsed description against its schema and a board, adds the
 * secrets, and returns what the firmware gets, every default filled in;
 * throws a DescriptionError listing every problem (secrets shown as <hidden>).
 * `secrets` and `secretProblems` come from readSecrets.
 */
export function checkDescription(file: string, description: unknown, board: Board, secrets: Secrets = {}, secretProblems: readonly string[] = []): NodeConfig {
  if (!isObject(description)) throw new DescriptionError(file, [`the file holds ${show(description)}; expected a JSON object`]);
  const schema = readNodeSchema();
  const misplaced = passwordsInDescription(file, description);
  const schemaFound = [
    ...misplaced,
    ...schemaProblems(compileSchema(schema), schema, description, (path, value) => {
      const part = /^(sensors|actuators)\[\d+\]\.type$/.exec(path);
      return part === null ? null : partTypeProblem(part[1]!, value);
    }).filter((found) => !misplaced.some((password) => password.path === found.path)),
  ];
  const problems = [...schemaFound.map((found) => found.message), ...secretProblems];
  const report = reporter(schemaFound, problems);
  if (description["board"] !== undefined && describedBoard(description) !== board.id) {
    report("board", `board: ${show(description["board"])} does not match the board being built (${board.id})`);
  }
  const broker = section(description, "broker");
  if (broker["tls"] === true && !board.tls) {
    const able = BOARD_IDS.filter((id) => BOARDS[id]!.tls);
    report("broker.tls", `broker.tls: true is not allowed on board ${board.id}, whose Espruino build has no tls module; allowed on: ${able.join(", ")}`);
  }
  if (section(description, "deepSleep")["enabled"] === true) checkDeepSleep(description, board, report);
  const brokerPassword = secrets.brokerPassword;
  if (brokerPassword !== undefined && typeof broker["username"] !== "string") {
    report("broker.password", "broker.password: <hidden> is set without broker.username; MQTT 3.1.1 sends a password only with a user name [MQTT-3.1.2-22]");
  }
  const usedPins: PinRegistry = new Map();
  const addresses = new Map<string, string>();
  const names = new Map<string, string>();
  const sensors = checkParts("sensors", description["sensors"], board, usedPins, addresses, names, report) as SensorConfig[];
  const commandQos = defaultOf(schema, "actuators", "[]", "qos") as ActuatorConfig["qos"];
  const actuators = checkParts("actuators", description["actuators"], board, usedPins, addresses, names, report)
    .map((part): ActuatorConfig => ({ ...part, qos: (part as Partial<ActuatorConfig>).qos ?? commandQos }));
  if (problems.length > 0) throw new DescriptionError(file, problems);
  const wifi = section(description, "wifi");
  const telemetry = section(description, "telemetry");
  const deepSleep = section(description, "deepSleep");
  const watchdog = section(description, "watchdog");
  const pick = <T>(given: unknown, ...path: string[]): T => (given ?? defaultOf(schema, ...path)) as T;
  return {
    id: description["id"] as string,
    board: board.id,
    wifi: board.network === "wifi" && typeof wifi["ssid"] === "string" ? { ssid: wifi["ssid"], password: secrets.wifiPassword ?? null } : null,
    broker: {
      host: broker["host"] as string,
      port: pick(broker["port"], "broker", "port"),
      tls: pick(broker["tls"], "broker", "tls"),
      username: (broker["username"] as string | undefined) ?? null,
      password: brokerPassword ?? null,
      clientId: (broker["clientId"] as string | undefined) ?? (description["id"] as string),
    },
    topicPrefix: pick(description["topicPrefix"], "topicPrefix"),
    telemetry: { period: pick(telemetry["period"], "telemetry", "period"), qos: pick(telemetry["qos"], "telemetry", "qos") },
    sensors,
    actuators,
    discovery: pick(description["discovery"], "discovery"),
    deepSleep: { enabled: deepSleep["enabled"] === true, awakeLimit: pick(deepSleep["awakeLimit"], "deepSleep", "awakeLimit") },
    watchdog: { offlineMinutes: pick(watchdog["offlineMinutes"], "watchdog", "offlineMinutes") },
    buffers: board.buffers,
  };
}

/** Reads a description and its secrets (`environment`, then the secrets file) and checks them against a board. */
export function loadNode(file: string, board: Board, environment: Readonly<Record<string, string | undefined>> = process.env): NodeConfig {
  const { secrets, problems } = readSecrets(file, environment);
  return checkDescription(file, readDescription(file), board, secrets, problems);
}
