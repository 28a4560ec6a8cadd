/**
 * Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery):
 * one retained config message per entity, on
 * `<discovery prefix>/<component>/<node>/<object>/config`, so that the node's
 * sensors and actuators appear in Home Assistant under one device.
 *
 * - each numeric reading of a sensor: a `sensor` reading the telemetry JSON
 *   (unit, device class where one fits, state class `measurement`);
 * - each `active` reading (button, reed): a `binary_sensor`;
 * - relay: `switch`; led: `light` (default schema, on/off); pwm: `number`
 *   0..100 % (a slider), because a PWM output may drive a fan or a motor as
 *   well as a lamp, and `number` takes the layout's `0`..`100` on `set` and
 *   `state` as they are (a `light` would need `ON`/`OFF` and brightness on
 *   separate topics).
 *
 * Messages are pulled one at a time by index ({@link discoveryMessage}) and
 * never held together. Measured on Espruino 2v29 (Linux build, 27-byte
 * variables) for a node with every driver: one message (topic and a
 * 411-character payload) takes 26 variables, all 15 held at once 375; the
 * ESP8266's variables are 16 bytes, so about 1.7 times as many there, some
 * 630 of its 1,600. All at once would also overrun the client's bounded
 * queue. The caller publishes message `i` when the client has room and asks
 * for `i + 1` later; a callback per message would build them all in one go.
 *
 * Keys are Home Assistant's documented abbreviations (`stat_t`, `uniq_id`,
 * …) and topics use its `~` base: a whole PUBLISH must fit the board's send
 * buffer (512 bytes on ESP8266), and full keys make each message about 23 %
 * longer (a node with every driver: 4,546 characters against 5,604; its
 * largest message 399 against 479, and past 512 once the node id is
 * `greenhouse-north`).
 */
import type { NodeConfig, PartConfig } from "../config.ts";
import { COMMAND_SUFFIX, OFFLINE, ONLINE, STATE_SUFFIX, STATUS_SUFFIX, TELEMETRY_SUFFIX, nodeTopic } from "./topics.ts";

/** Home Assistant's default discovery prefix. */
export const DISCOVERY_PREFIX = "homeassistant";

/** What discovery needs besides the node config. */
export interface DiscoveryOptions {
  /** First topic level of the config messages (Home Assistant's `discovery_prefix`, default {@link DISCOVERY_PREFIX}). */
  discoveryPrefix: string;
  /** The device's model as Home Assistant shows it: the board's title, or its id. */
  model: string;
}

/** One config message: publish `payload` on `topic`, retained. */
export interface DiscoveryMessage {
  topic: string;
  payload: string;
}

/** Readings of each sensor driver, as its `units` names them (hal/*.ts). */
export const SENSOR_READINGS: { readonly [type: string]: readonly string[] } = {
  dht22: ["temperature", "humidity"],
  ds18b20: ["temperature"],
  bme280: ["temperature", "pressure", "humidity"],
  analog: ["voltage", "value"],
  button: ["active"],
  reed: ["active"],
};

/**
 * Home Assistant's unit of each numeric reading with a fixed unit (the
 * drivers' units, with `%RH` as HA's humidity unit `%`). Each of these names
 * is also the reading's HA device class. `value` (analog) takes the part's
 * `options.unit`, default V.
 */
export const READING_UNITS: { readonly [reading: string]: string } = {
  temperature: "\u00b0C",
  humidity: "%",
  pressure: "hPa",
  voltage: "V",
};

/** Home Assistant component of each actuator driver. */
export const ACTUATOR_COMPONENTS: { readonly [type: string]: string } = {
  relay: "switch",
  led: "light",
  pwm: "number",
};

/** Readings that are booleans: a binary_sensor. */
const BINARY_READING = "active";

/**
 * Escapes every character past ASCII as `\uXXXX`, as Espruino's
 * JSON.stringify already does (V8's does not), so the payload is ASCII
 * everywhere and takes the client's string fast path.
 */
function escapeNonAscii(json: string): string {
  // a character outside ASCII (the JSON of a part's unit may hold one); regular expressions are literals where used: one kept at the top costs about 11 heap variables for as long as the node runs
  if (!/[^\x00-\x7f]/.test(json)) return json;
  let escaped = "";
  for (let index = 0; index < json.length; index++) {
    const code = json.charCodeAt(index);
    escaped += code < 128 ? json.charAt(index) : "\\u" + ("000" + code.toString(16).toUpperCase()).slice(-4);
  }
  return escaped;
}

/** `value_json.<sensor>.<reading>`; `value_json['<sensor>']` when the name is not one Jinja can follow a dot with (a `-`, a leading digit). */
function jsonPath(sensor: string, reading: string): string {
  return "value_json" + (/^[a-z_][a-z0-9_]*$/.test(sensor) ? "." + sensor : "['" + sensor + "']") + "." + reading;
}

/** `table[part.type]`; throws for a type the build should have rejected, naming the part and the types allowed. */
function mapping<T>(kind: string, part: PartConfig, table: { readonly [type: string]: T }): T {
  const found = table[part.type];
  if (found === undefined) throw new Error("discovery: " + kind + " " + part.name + " has type " + part.type + "; expected one of " + Object.keys(table).join(", "));
  return found;
}

/** Fills `message` with the config of `object` (`body` holds its own keys), adding the shared keys. */
function finish(config: NodeConfig, component: string, object: string, body: { [key: string]: unknown }, options: DiscoveryOptions, message: DiscoveryMessage): void {
  body["uniq_id"] = config.id + "_" + object;
  body["avty_t"] = "~" + STATUS_SUFFIX;
  body["pl_avail"] = ONLINE;
  body["pl_not_avail"] = OFFLINE;
  body["dev"] = { ids: ["mote_" + config.id], name: config.id, mdl: options.model, mf: "Mote" };
  message.topic = options.discoveryPrefix + "/" + component + "/" + config.id + "/" + object + "/config";
  message.payload = escapeNonAscii(JSON.stringify(body));
}

/** Config of one reading of a sensor: a `sensor`, or a `binary_sensor` for `active`. */
function describeReading(config: NodeConfig, part: PartConfig, reading: string, options: DiscoveryOptions, message: DiscoveryMessage): void {
  const path = jsonPath(part.name, reading);
  const binary = reading == BINARY_READING;
  const body: { [key: string]: unknown } = {
    "~": nodeTopic(config.topicPrefix, config.id),
    name: binary ? part.name : part.name + " " + reading,
    stat_t: "~" + TELEMETRY_SUFFIX,
    val_tpl: binary ? "{{ 'ON' if " + path + " else 'OFF' }}" : "{{ " + path + " }}",
  };
  if (!binary) {
    const unit = reading == "value" ? (part.options && part.options["unit"] !== undefined ? String(part.options["unit"]) : "V") : READING_UNITS[reading];
    const deviceClass = reading == "value" ? (unit == "V" ? "voltage" : "") : reading;
    if (unit) body["unit_of_meas"] = unit;
    if (deviceClass) body["dev_cla"] = deviceClass;
    body["stat_cla"] = "measurement";
  }
  finish(config, binary ? "binary_sensor" : "sensor", part.name + "_" + reading, body, options, message);
}

/** Config of one actuator: `switch` (relay), `light` (led) or `number` (pwm, 0..100 %). */
function describeActuator(config: NodeConfig, part: PartConfig, options: DiscoveryOptions, message: DiscoveryMessage): void {
  const component = mapping("actuator", part, ACTUATOR_COMPONENTS);
  const body: { [key: string]: unknown } = {
    "~": nodeTopic(config.topicPrefix, config.id),
    name: part.name,
    cmd_t: "~/" + part.name + COMMAND_SUFFIX,
    stat_t: "~/" + part.name + STATE_SUFFIX,
  };
  if (component == "number") {
    body["min"] = 0;
    body["max"] = 100;
    body["step"] = 1;
    body["unit_of_meas"] = "%";
    body["mode"] = "slider";
  }
  finish(config, component, part.name, body, options, message);
}

/**
 * Fills `message` with config message number `index` (0-based: every reading
 * of every sensor in order, then every actuator) and returns true, or returns
 * false when `index` is past the last one. Publish each retained, so Home
 * Assistant finds them again after its own restart, at QoS 1, so none is lost.
 * An empty retained payload on the same topic removes the entity.
 * Throws for a part type without a mapping (the build rejects those first).
 */
export function discoveryMessage(config: NodeConfig, index: number, options: DiscoveryOptions, message: DiscoveryMessage): boolean {
  if (!(index >= 0)) return false;
  const sensors = config.sensors;
  for (let part = 0; part < sensors.length; part++) {
    const readings = mapping("sensor", sensors[part]!, SENSOR_READINGS);
    if (index < readings.length) {
      describeReading(config, sensors[part]!, readings[index]!, options, message);
      return true;
    }
    index -= readings.length;
  }
  if (index >= config.actuators.length) return false;
  describeActuator(config, config.actuators[index]!, options, message);
  return true;
}
