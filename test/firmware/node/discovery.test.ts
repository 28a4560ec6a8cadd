/**
 * Home Assistant discovery for a node with every driver type: each config
 * message is ASCII JSON, carries what HA's schema for its component requires,
 * points at the node's real topics, and reads readings the drivers produce.
 */
import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import type { NodeConfig } from "../../../firmware/config.ts";
import { publishLength } from "../../../firmware/mqtt/encode.ts";
import { ACTUATOR_COMPONENTS, DISCOVERY_PREFIX, SENSOR_READINGS, discoveryMessage, type DiscoveryMessage } from "../../../firmware/node/discovery.ts";
import { commandTopic, stateTopic, statusTopic, telemetryTopic } from "../../../firmware/node/topics.ts";
import { PwmOutput } from "../../../hal/pwm-output.ts";
import { DRIVER_TYPES } from "../../../scripts/build/part-types.ts";
import { rig } from "../../hal/rig.ts";
import { NODE, OPTIONS, collect, driverUnits } from "./every-driver.ts";

/** HA's abbreviations (https://www.home-assistant.io/integrations/mqtt/#supported-abbreviations-in-mqtt-discovery-messages), those Mote may use. */
const ABBREVIATIONS: Record<string, string> = {
  avty_t: "availability_topic",
  pl_avail: "payload_available",
  pl_not_avail: "payload_not_available",
  cmd_t: "command_topic",
  stat_t: "state_topic",
  val_tpl: "value_template",
  uniq_id: "unique_id",
  unit_of_meas: "unit_of_measurement",
  dev_cla: "device_class",
  stat_cla: "state_class",
  dev: "device",
};
/** Device-block abbreviations (same page). */
const DEVICE_ABBREVIATIONS: Record<string, string> = { ids: "identifiers", mdl: "model", mf: "manufacturer" };

/**
 * Keys HA requires, per component, from each integration page's
 * configuration variables: sensor.mqtt and binary_sensor.mqtt require
 * `state_topic`; switch.mqtt, light.mqtt (default schema) and number.mqtt
 * require `command_topic` (https://www.home-assistant.io/integrations/<component>.mqtt/).
 */
const HA_REQUIRED: Record<string, string[]> = {
  sensor: ["state_topic"],
  binary_sensor: ["state_topic"],
  switch: ["command_topic"],
  light: ["command_topic"],
  number: ["command_topic"],
};
/**
 * What Mote requires on top: a unique_id (without it discovery cannot attach
 * the entity to a device, https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery),
 * the device block, availability, and per component what makes it work here.
 */
const COMMON: string[] = ["name", "unique_id", "availability_topic", "payload_available", "payload_not_available", "device"];
const MOTE_REQUIRED: Record<string, string[]> = {
  sensor: ["value_template", "unit_of_measurement", "state_class"],
  binary_sensor: ["value_template"],
  switch: ["state_topic"],
  light: ["state_topic"],
  number: ["state_topic", "min", "max", "step"],
};
/** Every key a component may carry here (a typo fails). */
const ALLOWED: Record<string, string[]> = {
  sensor: [...COMMON, "state_topic", "value_template", "unit_of_measurement", "device_class", "state_class"],
  binary_sensor: [...COMMON, "state_topic", "value_template"],
  switch: [...COMMON, "command_topic", "state_topic"],
  light: [...COMMON, "command_topic", "state_topic"],
  number: [...COMMON, "command_topic", "state_topic", "min", "max", "step", "unit_of_measurement", "mode"],
};
/** Units HA accepts per device class (https://www.home-assistant.io/integrations/sensor/#device-class). */
const CLASS_UNITS: Record<string, string[]> = {
  temperature: ["\u00b0C", "\u00b0F", "K"],
  humidity: ["%"],
  pressure: ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
  voltage: ["V", "mV", "\u00b5V", "kV", "MV"],
};
/** The drivers' units as HA spells them: %RH is HA's humidity `%`. */
const HA_UNIT: Record<string, string> = { "%RH": "%" };

interface Expanded {
  component: string;
  node: string;
  object: string;
  config: Record<string, unknown>;
}

/** Full keys, `~` expanded in `*_topic` values at either end, as HA does. */
function expand(message: DiscoveryMessage): Expanded {
  const parsed = JSON.parse(message.payload) as Record<string, unknown>;
  const base = parsed["~"] as string | undefined;
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "~") continue;
    const full = ABBREVIATIONS[key] ?? key;
    let expanded = value;
    if (full.endsWith("_topic") && typeof value === "string" && base !== undefined) {
      expanded = value.startsWith("~") ? base + value.slice(1) : value.endsWith("~") ? value.slice(0, -1) + base : value;
    }
    if (full === "device") {
      expanded = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [DEVICE_ABBREVIATIONS[k] ?? k, v]));
    }
    config[full] = expanded;
  }
  const match = /^([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/config$/.exec(message.topic);
  assert.ok(match, `discovery topic ${message.topic}`);
  assert.equal(match[1], DISCOVERY_PREFIX);
  return { component: match[2]!, node: match[3]!, object: match[4]!, config };
}

/** The sensor and reading a value_template reads, and whether it is the ON/OFF form. */
function templateReading(template: string): { sensor: string; reading: string; binary: boolean } {
  const path = String.raw`value_json(?:\.([a-z_][a-z0-9_]*)|\['([a-z0-9_-]+)'\])\.([a-z]+)`;
  const numeric = new RegExp(`^\\{\\{ ${path} \\}\\}$`).exec(template);
  const binary = new RegExp(`^\\{\\{ 'ON' if ${path} else 'OFF' \\}\\}$`).exec(template);
  const match = numeric ?? binary;
  assert.ok(match, `value_template ${template}`);
  return { sensor: match[1] ?? match[2]!, reading: match[3]!, binary: binary !== null };
}

const messages = collect(NODE, OPTIONS);
const expanded = messages.map(expand);

describe("discovery messages", () => {
  it("gives one message per sensor reading and per actuator, then false", () => {
    const readings = NODE.sensors.reduce((sum, part) => sum + SENSOR_READINGS[part.type]!.length, 0);
    assert.equal(messages.length, readings + NODE.actuators.length);
    assert.equal(messages.length, 15);
    const message = { topic: "", payload: "" };
    assert.equal(discoveryMessage(NODE, messages.length, OPTIONS, message), false);
    assert.equal(discoveryMessage(NODE, -1, OPTIONS, message), false);
    assert.deepEqual(message, { topic: "", payload: "" });
  });

  it("maps every driver type of the build's table, sensors and actuators", () => {
    for (const [type, driver] of Object.entries(DRIVER_TYPES)) {
      const table: Record<string, unknown> = driver.role === "sensors" ? SENSOR_READINGS : ACTUATOR_COMPONENTS;
      assert.ok(table[type] !== undefined, `${type} has a discovery mapping`);
      assert.ok(NODE[driver.role].some((part) => part.type === type), `the test node has a ${type}`);
    }
  });

  it("sends payloads that are JSON objects in pure ASCII", () => {
    for (const message of messages) {
      assert.match(message.payload, /^[\x20-\x7e]*$/, message.topic);
      assert.match(message.topic, /^[\x21-\x7e]*$/, message.topic);
      assert.equal(typeof JSON.parse(message.payload), "object");
    }
  });

  it("escapes non-ASCII units as Espruino's JSON.stringify does (\\u00B0, \\u00B5)", () => {
    const temperature = messages.find((message) => message.topic.endsWith("/climate_temperature/config"))!;
    assert.ok(temperature.payload.includes(String.raw`"unit_of_meas":"\u00B0C"`), temperature.payload);
    const conductivity = expanded.find((entry) => entry.object === "soil-ec_value")!;
    assert.equal(conductivity.config["unit_of_measurement"], "\u00b5S/cm");
  });

  it("carries the keys HA requires per component, and only known keys", () => {
    for (const entry of expanded) {
      const keys = Object.keys(entry.config);
      for (const key of [...HA_REQUIRED[entry.component]!, ...MOTE_REQUIRED[entry.component]!, ...COMMON]) {
        assert.ok(keys.includes(key), `${entry.component} ${entry.object} has ${key}`);
      }
      for (const key of keys) assert.ok(ALLOWED[entry.component]!.includes(key), `${entry.component} ${entry.object}: unexpected key ${key}`);
    }
  });

  it("uses the node's topic layout: discovery topic, state, command and availability", () => {
    for (const entry of expanded) {
      const config = entry.config;
      assert.equal(entry.node, NODE.id);
      assert.match(entry.object, /^[a-zA-Z0-9_-]+$/);
      assert.equal(config["unique_id"], `${NODE.id}_${entry.object}`);
      assert.equal(config["availability_topic"], statusTopic(NODE.topicPrefix, NODE.id));
      assert.equal(config["payload_available"], "online");
      assert.equal(config["payload_not_available"], "offline");
      if (entry.component === "sensor" || entry.component === "binary_sensor") {
        assert.equal(config["state_topic"], telemetryTopic(NODE.topicPrefix, NODE.id));
      } else {
        assert.equal(config["command_topic"], commandTopic(NODE.topicPrefix, NODE.id, entry.object));
        assert.equal(config["state_topic"], stateTopic(NODE.topicPrefix, NODE.id, entry.object));
      }
    }
  });

  it("gives every entity a unique unique_id and discovery topic", () => {
    assert.equal(new Set(expanded.map((entry) => entry.config["unique_id"])).size, expanded.length);
    assert.equal(new Set(messages.map((message) => message.topic)).size, messages.length);
  });

  it("shares one device block", () => {
    for (const entry of expanded) {
      assert.deepEqual(entry.config["device"], { identifiers: ["mote_greenhouse"], name: "greenhouse", model: OPTIONS.model, manufacturer: "Mote" });
    }
  });

  it("reads in value_template exactly the readings each driver produces, in its unit", () => {
    const seen: string[] = [];
    for (const entry of expanded.filter((item) => item.component === "sensor" || item.component === "binary_sensor")) {
      const { sensor, reading, binary } = templateReading(entry.config["value_template"] as string);
      const part = NODE.sensors.find((candidate) => candidate.name === sensor);
      assert.ok(part, `${sensor} is a sensor of the node`);
      assert.equal(entry.object, `${sensor}_${reading}`);
      const units = driverUnits(part.type, part.options);
      assert.ok(reading in units, `${part.type} produces ${reading} (it produces ${Object.keys(units).join(", ")})`);
      assert.equal(binary, units[reading] === "boolean", `${sensor}.${reading} is ${units[reading]}`);
      assert.equal(entry.component, binary ? "binary_sensor" : "sensor");
      if (!binary) {
        const unit = units[reading]!;
        assert.equal(entry.config["unit_of_measurement"], HA_UNIT[unit] ?? unit, `${sensor}.${reading}`);
        assert.equal(entry.config["state_class"], "measurement");
      }
      seen.push(`${sensor}.${reading}`);
    }
    const produced = NODE.sensors.flatMap((part) => Object.keys(driverUnits(part.type, part.options)).map((reading) => `${part.name}.${reading}`));
    assert.deepEqual(seen.sort(), produced.sort(), "every reading every driver produces is discovered");
  });

  it("gives device classes only with a unit HA accepts for them", () => {
    const classes: Record<string, string> = {};
    for (const entry of expanded.filter((item) => item.component === "sensor")) {
      const deviceClass = entry.config["device_class"] as string | undefined;
      if (deviceClass === undefined) continue;
      classes[entry.object] = deviceClass;
      assert.ok(CLASS_UNITS[deviceClass]!.includes(entry.config["unit_of_measurement"] as string), `${entry.object}: ${deviceClass} in ${entry.config["unit_of_measurement"]}`);
    }
    assert.deepEqual(classes, {
      climate_temperature: "temperature", climate_humidity: "humidity", water_temperature: "temperature",
      air_temperature: "temperature", air_pressure: "pressure", air_humidity: "humidity",
      battery_voltage: "voltage", battery_value: "voltage", "soil-ec_voltage": "voltage",
    });
  });

  it("reads a hyphenated sensor name with brackets (Jinja would subtract after a dot)", () => {
    const entry = expanded.find((item) => item.object === "soil-ec_voltage")!;
    assert.equal(entry.config["value_template"], "{{ value_json['soil-ec'].voltage }}");
  });

  it("turns a boolean reading into ON/OFF for binary_sensor's default payloads", () => {
    const door = expanded.find((item) => item.object === "door_active")!;
    assert.equal(door.config["value_template"], "{{ 'ON' if value_json.door.active else 'OFF' }}");
    assert.equal(door.config["payload_on"], undefined, "HA's default ON applies");
  });

  it("maps relay to switch, led to light, pwm to number 0..100 % as the driver clamps", () => {
    const components = Object.fromEntries(expanded.filter((entry) => NODE.actuators.some((part) => part.name === entry.object)).map((entry) => [entry.object, entry.component]));
    assert.deepEqual(components, { pump: "switch", lamp: "light", fan: "number" });
    const fan = expanded.find((entry) => entry.object === "fan")!.config;
    const bench = rig("esp32");
    const pwm = new PwmOutput(bench.io, bench.pin("D25"));
    pwm.write(-5);
    assert.equal(fan["min"], pwm.state);
    pwm.write(150);
    assert.equal(fan["max"], pwm.state);
    assert.equal(fan["step"], 1);
    assert.equal(fan["unit_of_measurement"], "%");
    assert.equal(fan["mode"], "slider");
  });

  it("fits every message in one PUBLISH of the ESP8266 send buffer (QoS 1, retained)", () => {
    for (const message of messages) {
      const length = publishLength({ topic: message.topic, payload: message.payload, qos: 1, retain: true, dup: false, packetId: 1 });
      assert.ok(length > 0 && length <= BOARDS["esp8266"]!.buffers.send, `${message.topic}: ${length} bytes`);
    }
  });

  it("follows the discovery prefix, the topic prefix and the model it is given", () => {
    const config: NodeConfig = { ...NODE, topicPrefix: "home/garden" };
    const [first] = collect(config, { discoveryPrefix: "ha", model: "esp8266" }).map((message) => ({ topic: message.topic, payload: JSON.parse(message.payload) as Record<string, unknown> }));
    assert.equal(first!.topic, "ha/sensor/greenhouse/climate_temperature/config");
    assert.equal(first!.payload["~"], "home/garden/greenhouse");
    assert.equal((first!.payload["dev"] as Record<string, unknown>)["mdl"], "esp8266");
  });

  it("throws for a part type without a mapping, naming it", () => {
    const message = { topic: "", payload: "" };
    const bad: NodeConfig = { ...NODE, sensors: [{ name: "x", type: "sht31", pin: "D1", espruino: "D5" }] };
    assert.throws(() => discoveryMessage(bad, 0, OPTIONS, message), /sensor x has type sht31; expected one of/);
    const badActuator: NodeConfig = { ...NODE, sensors: [], actuators: [{ name: "y", type: "servo", pin: "D1", espruino: "D5", qos: 1 }] };
    assert.throws(() => discoveryMessage(badActuator, 0, OPTIONS, message), /actuator y has type servo; expected one of/);
  });
});
