/**
 * Reads and checks a node description (JSON) against a board. Every problem
 * is reported at once, each naming the field, the value and what is allowed,
 * so a bad description fails the build instead of the device.
 * The format grows with the node application; see README "Node description".
 */
import { readFileSync } from "node:fs";
import type { Board } from "../../boards/board.ts";
import type { NodeConfig, PartConfig } from "../../firmware/config.ts";
import { DRIVER_NAMES, DRIVER_TYPES, pinProblem } from "./part-types.ts";

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

const NAME_PATTERN = /^[a-z0-9_-]{1,32}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
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

function checkParts(kind: "sensors" | "actuators", value: unknown, board: Board, used: PinRegistry, addresses: Map<string, string>, problems: string[]): PartConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${kind}: ${show(value)} is not allowed; expected an array of parts`);
    return [];
  }
  const parts: PartConfig[] = [];
  value.forEach((part: unknown, index: number) => {
    const where = `${kind}[${index}]`;
    if (!isObject(part)) {
      problems.push(`${where}: ${show(part)} is not allowed; expected an object with name, type and pin`);
      return;
    }
    const name = part["name"];
    const type = part["type"];
    let pin = part["pin"];
    const owner = `${where} (${String(name)})`;
    if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
      problems.push(`${where}.name: ${show(name)} is not allowed; expected 1-32 characters of a-z, 0-9, _ or -`);
    }
    const driver = typeof type === "string" ? DRIVER_TYPES[type] : undefined;
    if (typeof type !== "string" || type === "") {
      problems.push(`${where}.type: ${show(type)} is not allowed; expected a driver name`);
    } else if (driver === undefined) {
      problems.push(`${where}.type: ${show(type)} is not a driver; known: ${DRIVER_NAMES.join(", ")}`);
    } else if (driver.role !== kind) {
      problems.push(`${where}.type: ${show(type)} is one of the ${driver.role}; move it there`);
    }
    let options = isObject(part["options"]) ? (part["options"] as Json) : undefined;
    if (driver !== undefined && driver.bus === "i2c") {
      options = checkI2cPart(where, type as string, owner, options ?? {}, board, used, addresses, problems);
      pin = options["sda"];
    } else if (checkPin(`${where}.pin`, typeof type === "string" ? type : "", pin, board, problems)) {
      claimPin(pin, `${where}.pin`, owner, driver?.bus === "onewire" ? "onewire" : null, board, used, problems);
    }
    const entry: PartConfig = { name: String(name), type: String(type), pin: String(pin) };
    if (options !== undefined) entry.options = options as Record<string, string | number | boolean>;
    parts.push(entry);
  });
  return parts;
}

/**
 * Checks a parsed description against a board and returns what the firmware
 * gets; throws a DescriptionError listing every problem.
 */
export function checkDescription(file: string, description: unknown, board: Board): NodeConfig {
  const problems: string[] = [];
  if (!isObject(description)) throw new DescriptionError(file, [`the file holds ${show(description)}; expected a JSON object`]);
  const id = description["id"];
  if (typeof id !== "string" || !NAME_PATTERN.test(id)) {
    problems.push(`id: ${show(id)} is not allowed; expected 1-32 characters of a-z, 0-9, _ or -`);
  }
  const named = describedBoard(description);
  if (description["board"] !== undefined && named !== board.id) {
    problems.push(`board: ${show(description["board"])} does not match the board being built (${board.id})`);
  }
  const broker = description["broker"];
  let host = "";
  let port = 1883;
  if (!isObject(broker)) {
    problems.push(`broker: ${show(broker)} is not allowed; expected { "host": "…", "port": 1883 }`);
  } else {
    if (typeof broker["host"] !== "string" || broker["host"] === "") {
      problems.push(`broker.host: ${show(broker["host"])} is not allowed; expected a host name or IP address`);
    } else host = broker["host"];
    if (broker["port"] !== undefined) {
      const value = broker["port"];
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
        problems.push(`broker.port: ${show(value)} is not allowed; expected an integer from 1 to 65535`);
      } else port = value;
    }
  }
  const prefix = description["topicPrefix"] ?? "mote";
  if (typeof prefix !== "string" || prefix === "" || /[+#\u0000]/.test(prefix) || prefix.startsWith("/") || prefix.endsWith("/")) {
    problems.push(`topicPrefix: ${show(prefix)} is not allowed; expected topic levels without +, #, NUL or a leading/trailing /`);
  }
  const usedPins: PinRegistry = new Map();
  const addresses = new Map<string, string>();
  const sensors = checkParts("sensors", description["sensors"], board, usedPins, addresses, problems);
  const actuators = checkParts("actuators", description["actuators"], board, usedPins, addresses, problems);
  if (problems.length > 0) throw new DescriptionError(file, problems);
  return {
    id: id as string,
    board: board.id,
    broker: { host, port },
    topicPrefix: prefix as string,
    sensors,
    actuators,
    buffers: board.buffers,
  };
}
