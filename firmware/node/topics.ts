/**
 * The node's topic layout, under a configurable prefix (default `mote`):
 *
 * - `<prefix>/<node>/status`: `online` (retained, after connect), `offline` (retained, the last will)
 * - `<prefix>/<node>/telemetry`: one JSON object with every sensor's readings and the node's counters
 * - `<prefix>/<node>/<actuator>/set`: commands; `<prefix>/<node>/<actuator>/state`: retained state
 * - `<prefix>/<node>/error`: `{"error": "…", "input": "…"}`
 *
 * The builders are for the host (the build, discovery, tests, the fleet
 * simulator). The node application (app.ts) builds each topic as the base
 * ({@link nodeTopic}, which the build computes for a device: `MOTE_TOPIC`)
 * plus its suffix spelled out, so that no builder is in a device bundle
 * without discovery: each function costs the ESP8266 about 6 heap variables
 * for as long as the node runs. Suffixes (and the `online` payload) are
 * spelled out rather than taken from the constants below: esbuild inlines a
 * string constant only up to 3 characters, and each one it keeps costs 2-3
 * heap variables for good, while a literal in the code stays in flash on the
 * boards.
 * Node ids and part names are `[a-z0-9_-]` (checked by the build), so no
 * topic built here holds a wildcard or a non-ASCII character.
 */

/** Suffixes after `<prefix>/<node>`; discovery.ts writes them after HA's `~` base. */
export const STATUS_SUFFIX = "/status";
export const TELEMETRY_SUFFIX = "/telemetry";
export const ERROR_SUFFIX = "/error";
export const COMMAND_SUFFIX = "/set";
export const STATE_SUFFIX = "/state";

/** Payloads of the status topic: `online` is published retained after connect, `offline` is the last will. */
export const ONLINE = "online";
export const OFFLINE = "offline";
/** State and command payloads of relays and LEDs (Home Assistant's defaults for switch and light). */
export const ON = "ON";
export const OFF = "OFF";

/** `<prefix>/<node>`: the base of every topic of the node (Home Assistant's `~`). */
export function nodeTopic(prefix: string, node: string): string {
  return prefix + "/" + node;
}

/** `<prefix>/<node>/status`. */
export function statusTopic(prefix: string, node: string): string {
  return prefix + "/" + node + "/status";
}

/** `<prefix>/<node>/telemetry`. */
export function telemetryTopic(prefix: string, node: string): string {
  return prefix + "/" + node + "/telemetry";
}

/** `<prefix>/<node>/error`. */
export function errorTopic(prefix: string, node: string): string {
  return prefix + "/" + node + "/error";
}

/** `<prefix>/<node>/<actuator>/set`. */
export function commandTopic(prefix: string, node: string, actuator: string): string {
  return prefix + "/" + node + "/" + actuator + "/set";
}

/** `<prefix>/<node>/<actuator>/state`. */
export function stateTopic(prefix: string, node: string, actuator: string): string {
  return prefix + "/" + node + "/" + actuator + "/state";
}

/** `<prefix>/<node>/+/set`: the one subscription that receives every actuator's commands. */
export function commandFilter(prefix: string, node: string): string {
  return prefix + "/" + node + "/+/set";
}

/**
 * The actuator a command topic addresses: `topic` is `<base>/<actuator>/set`
 * with `base` from {@link nodeTopic}. Returns the name, or "" when the topic
 * is not a command topic of this node (or names no actuator).
 */
export function commandActuator(base: string, topic: string): string {
  // the name is what lies between the base's "/" and "/set", if the topic is exactly those three (too short a topic cuts nothing: "")
  const name = topic.slice(base.length + 1, -4);
  return topic == base + "/" + name + "/set" && name.indexOf("/") < 0 ? name : "";
}
