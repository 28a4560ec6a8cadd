/**
 * The live simulator's screen, as plain text: a pure function of a
 * {@link ViewState} snapshot, so it reads the same in a terminal, in a log
 * and in a test. No colours and no clock on it, so that a front-end that is
 * not a terminal can print it only when it changes.
 */

/** One message seen on the node's topics. */
export interface MessageLine {
  /** Virtual seconds since the node booted. */
  at: number;
  /** "in": to the node (a command); "out": from the node. */
  direction: "in" | "out";
  topic: string;
  payload: string;
  retain: boolean;
}

/** Everything the view shows. */
export interface ViewState {
  node: string;
  board: string;
  broker: string;
  /** Whether the subscriber is connected to the broker. */
  subscriber: boolean;
  /** The node's last `status` payload ("online", "offline"), or null before one arrived. */
  status: string | null;
  wifiUp: boolean;
  /** Real sockets the node has open. */
  sockets: number;
  /** The last telemetry report, parsed, or null. */
  telemetry: Record<string, unknown> | null;
  /** Units of readings named `value` (analog sensors' `options.unit`), by sensor name. */
  units: Record<string, string>;
  /** Actuator name to its last retained state payload (null before one arrived) and the pin level. */
  actuators: { name: string; type: string; pin: string; state: string | null; level: boolean | null }[];
  /** Messages kept in the flash queue and the Storage files holding them. */
  flashQueue: { messages: number; files: number };
  /** Estimated heap variables in use, and the board's total. */
  heap: { used: number; total: number };
  messages: readonly MessageLine[];
  errors: readonly string[];
  replies: readonly string[];
}

/** Readings' units by reading name (README, Topic layout). */
const UNITS: Record<string, string> = { temperature: " °C", humidity: " %RH", pressure: " hPa", voltage: " V" };
const MESSAGE_LINES = 8;
const ERROR_LINES = 4;
const REPLY_LINES = 3;
const PAYLOAD_WIDTH = 90;

function duration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return (hours > 0 ? `${hours}h ` : "") + (hours > 0 || minutes > 0 ? `${minutes}m ` : "") + `${rest}s`;
}

function reading(name: string, value: unknown, unit: string | undefined): string {
  if (typeof value == "boolean") return `${name} ${value ? "yes" : "no"}`;
  if (typeof value == "number") return `${name} ${Number(value.toFixed(2))}${UNITS[name] ?? (unit ? " " + unit : "")}`;
  return `${name} ${JSON.stringify(value)}`;
}

function telemetryLines(telemetry: Record<string, unknown> | null, units: Record<string, string>): string[] {
  if (telemetry === null) return ["  (none yet)"];
  const lines: string[] = [];
  const system: string[] = [];
  if (typeof telemetry["uptime"] == "number") system.push(`uptime ${duration(telemetry["uptime"])}`);
  if (typeof telemetry["heap"] == "number") system.push(`heap ${telemetry["heap"]} variables free`);
  if (typeof telemetry["rssi"] == "number") system.push(`rssi ${telemetry["rssi"]} dBm`);
  lines.push("  " + system.join(", "));
  for (const [name, value] of Object.entries(telemetry)) {
    if (name == "uptime" || name == "heap" || name == "rssi" || name == "mqtt") continue;
    const readings = typeof value == "object" && value !== null
      ? Object.entries(value).map(([key, item]) => reading(key, item, units[name])).join(", ")
      : JSON.stringify(value);
    lines.push(`  ${name}: ${readings}`);
  }
  const counters = telemetry["mqtt"];
  if (typeof counters == "object" && counters !== null) {
    lines.push("  mqtt: " + Object.entries(counters).map(([key, count]) => `${key} ${String(count)}`).join(", "));
  }
  return lines;
}

function clip(text: string, width: number): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  return flat.length > width ? flat.slice(0, width - 1) + "…" : flat;
}

/** The screen for `state`, one string with "\n" between lines (no trailing newline). */
export function renderView(state: ViewState): string {
  const lines: string[] = [];
  const status = state.status === null ? "connecting" : state.status;
  lines.push(`Mote simulator: node ${state.node} (${state.board}), broker ${state.broker}`);
  lines.push(`connection: node ${status} | wifi ${state.wifiUp ? "up" : "DROPPED"} | node sockets ${state.sockets} | viewer ${state.subscriber ? "connected" : "disconnected"}`);
  lines.push("");
  lines.push("telemetry:");
  lines.push(...telemetryLines(state.telemetry, state.units));
  lines.push("actuators:");
  if (state.actuators.length == 0) lines.push("  (none)");
  for (const actuator of state.actuators) {
    const level = actuator.level === null ? "" : ` (pin ${actuator.pin} ${actuator.level ? "high" : "low"})`;
    lines.push(`  ${actuator.name} [${actuator.type}]: ${actuator.state ?? "?"}${level}`);
  }
  lines.push(`queue: ${state.flashQueue.messages} messages in flash (${state.flashQueue.files} files) | heap: ${state.heap.used} of ${state.heap.total} variables used`);
  lines.push("");
  lines.push("messages (in: to the node, out: from it):");
  const messages = state.messages.slice(-MESSAGE_LINES);
  if (messages.length == 0) lines.push("  (none yet)");
  for (const message of messages) {
    const arrow = message.direction == "in" ? "in " : "out";
    lines.push(clip(`  ${message.at.toFixed(1).padStart(7)}s ${arrow} ${message.topic} ${message.payload}${message.retain ? " (retained)" : ""}`, PAYLOAD_WIDTH + 40));
  }
  lines.push("errors:");
  const errors = state.errors.slice(-ERROR_LINES);
  if (errors.length == 0) lines.push("  (none)");
  for (const error of errors) lines.push(clip("  " + error, PAYLOAD_WIDTH + 40));
  if (state.replies.length > 0) {
    lines.push("");
    for (const reply of state.replies.slice(-REPLY_LINES)) lines.push(clip(reply, PAYLOAD_WIDTH + 40));
  }
  lines.push("");
  lines.push("commands: <actuator> on|off|<payload>, wifi drop|restore, broker restart, help, quit");
  return lines.join("\n");
}
