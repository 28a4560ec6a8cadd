/**
 * Reads and checks a node description (JSON) against a board. Every problem
 * is reported at once, each naming the field, the value and what is allowed,
 * so a bad description fails the build instead of the device.
 * The format grows with the node application; see README "Node description".
 */
import { readFileSync } from "node:fs";
import type { Board } from "../../boards/board.ts";
import type { NodeConfig, PartConfig } from "../../firmware/config.ts";

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

function checkParts(kind: "sensors" | "actuators", value: unknown, board: Board, usedPins: Map<string, string>, problems: string[]): PartConfig[] {
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
    const pin = part["pin"];
    if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
      problems.push(`${where}.name: ${show(name)} is not allowed; expected 1-32 characters of a-z, 0-9, _ or -`);
    }
    if (typeof type !== "string" || type === "") {
      problems.push(`${where}.type: ${show(type)} is not allowed; expected a driver name`);
    }
    if (typeof pin !== "string" || !(pin in board.pins)) {
      problems.push(`${where}.pin: ${show(pin)} is not a pin of board ${board.id}; allowed: ${Object.keys(board.pins).join(", ")}`);
    } else {
      const owner = usedPins.get(pin);
      if (owner !== undefined) problems.push(`${where}.pin: ${pin} is already used by ${owner} on board ${board.id}`);
      usedPins.set(pin, `${where} (${String(name)})`);
      const capabilities = board.pins[pin];
      if (kind === "actuators" && capabilities !== undefined && !capabilities.output) {
        problems.push(`${where}.pin: ${pin} on board ${board.id} cannot drive an output (${capabilities.note ?? "input only"})`);
      }
    }
    const entry: PartConfig = { name: String(name), type: String(type), pin: String(pin) };
    if (isObject(part["options"])) entry.options = part["options"] as Record<string, string | number | boolean>;
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
  const usedPins = new Map<string, string>();
  const sensors = checkParts("sensors", description["sensors"], board, usedPins, problems);
  const actuators = checkParts("actuators", description["actuators"], board, usedPins, problems);
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
