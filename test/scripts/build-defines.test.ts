import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOARDS } from "../../boards/index.ts";
import type { NodeConfig } from "../../firmware/config.ts";
import { buildBundle, checkClientOptions, descriptionDefines, deviceClientOptions, deviceNode, DRIVER_SWITCHES, EXAMPLE_NODE, featureDefines, ROOT, type BuildResult } from "../../scripts/build/build.ts";
import { loadNode } from "../../scripts/build/node-description.ts";
import { clientOptions } from "../../firmware/node/app.ts";
import { DRIVER_NAMES } from "../../scripts/build/part-types.ts";


/** Every driver module behind a switch, by the part type that pulls it in. */
const DRIVER_MODULES: Record<string, string[]> = {
  analog: ["hal/analog-input.ts"],
  bme280: ["hal/bme280.ts", "hal/bme280-calibration.ts"],
  button: ["hal/digital-input.ts"],
  dht22: ["hal/dht22.ts"],
  ds18b20: ["hal/ds18b20.ts"],
  led: ["hal/digital-output.ts"],
  pwm: ["hal/pwm-output.ts"],
};
const ALL_DRIVER_MODULES = Object.values(DRIVER_MODULES).flat();
const DISCOVERY_MODULE = "firmware/node/discovery.ts";
const SLEEP_NODE = ROOT + "test/firmware/node/node-e2e-sleep.json";
/** What only deep-sleep code calls: the platform's deepSleep (app.ts) and ESP32.getWakeupCause (node-main.ts). */
const DEEP_SLEEP_CODE = /\.deepSleep\(|getWakeupCause/;

/** A node on esp32 with one part of every driver type. */
function everyDriverNode(overrides: Record<string, unknown>): string {
  const node = {
    id: "every",
    broker: { host: "192.168.1.10" },
    sensors: [
      { name: "room", type: "dht22", pin: "D4" },
      { name: "water", type: "ds18b20", pin: "D5" },
      { name: "air", type: "bme280" },
      { name: "soil", type: "analog", pin: "D32" },
      { name: "bell", type: "button", pin: "D27" },
      { name: "door", type: "reed", pin: "D14" },
    ],
    actuators: [
      { name: "relay", type: "relay", pin: "D26" },
      { name: "lamp", type: "led", pin: "D2" },
      { name: "fan", type: "pwm", pin: "D25", qos: 2 },
    ],
    discovery: true,
    ...overrides,
  };
  const file = join(mkdtempSync(join(tmpdir(), "mote-defines-")), "node.json");
  writeFileSync(file, JSON.stringify(node));
  return file;
}

function modulesOf(result: BuildResult): string[] {
  return result.sizes.map((row) => row.module);
}

function bytesOf(result: BuildResult, module: string): number {
  return result.sizes.find((row) => row.module.endsWith(module))?.bytes ?? 0;
}

function assertHas(result: BuildResult, module: string): void {
  assert.ok(bytesOf(result, module) > 0, `${module} missing from ${modulesOf(result).join(", ")}`);
}

function assertLacks(result: BuildResult, module: string): void {
  assert.equal(bytesOf(result, module), 0, `${module} should be dropped`);
}

describe("build switches (featureDefines)", () => {
  it("has a switch for every driver type the description allows", () => {
    assert.deepEqual(Object.keys(DRIVER_SWITCHES).sort(), [...DRIVER_NAMES]);
  });

  it("turns on only the drivers, discovery, QoS 2 and sampling the node uses", () => {
    const relayOnly = loadNode(EXAMPLE_NODE, BOARDS["esp32"]!);
    assert.deepEqual(featureDefines(relayOnly), {
      MOTE_DRIVER_ANALOG: "false",
      MOTE_DRIVER_BME280: "false",
      MOTE_DRIVER_DHT22: "false",
      MOTE_DRIVER_DS18B20: "false",
      MOTE_DRIVER_INPUT: "false",
      MOTE_DRIVER_OUTPUT: "true",
      MOTE_DRIVER_PWM: "false",
      MOTE_DISCOVERY: "false",
      MOTE_QOS2: "false",
      MOTE_DEEP_SLEEP: "false",
      MOTE_SENSORS: "false",
    });
    const every = featureDefines({ ...relayOnly, actuators: [{ ...relayOnly.actuators[0]!, qos: 2 }], discovery: true });
    assert.equal(every["MOTE_QOS2"], "true");
    assert.equal(every["MOTE_DISCOVERY"], "true");
    assert.equal(featureDefines({ ...relayOnly, sensors: [{ name: "bell", type: "button", pin: "D4", espruino: "D4" } as NodeConfig["sensors"][number]] })["MOTE_SENSORS"], "true");
    assert.equal(featureDefines({ ...relayOnly, actuators: [], deepSleep: { enabled: true, awakeLimit: 30 } })["MOTE_DEEP_SLEEP"], "true");
  });

  it("embeds the node without the fields the device does not read under those switches", () => {
    const node = loadNode(EXAMPLE_NODE, BOARDS["esp8266"]!);
    const embedded = deviceNode(node) as Record<string, unknown>;
    /* the base topic is MOTE_TOPIC: without discovery, nothing on the device reads the id or the prefix; the broker
       and the buffers are in the client's settings only (MOTE_CLIENT, MOTE_TLS; client id and credentials: its CONNECT packet);
       telemetry, watchdog, wifi and the actuators' QoS are constants in the code (descriptionDefines); no sensors, no list */
    assert.deepEqual(Object.keys(embedded).sort(), ["actuators"]);
    assert.deepEqual(embedded["actuators"], [{ name: "relay", type: "relay", espruino: "D14" }]);
    const settings = clientOptions(node);
    assert.ok(settings.connect.length > 0);
    assert.deepEqual(deviceClientOptions(node, settings.connect), settings);
    assert.deepEqual(deviceClientOptions(node, "other"), { ...settings, connect: "other" });
    const full = deviceNode({ ...node, discovery: true, deepSleep: { enabled: true, awakeLimit: 20 }, broker: { ...node.broker, clientId: "other" } }) as Record<string, unknown>;
    assert.equal(full["board"], "esp8266");
    assert.equal(full["discovery"], true);
    assert.equal(full["id"], "example");
    assert.equal(full["topicPrefix"], "mote");
    assert.deepEqual(full["sensors"], []);
    for (const key of ["deepSleep", "broker", "buffers", "telemetry", "watchdog", "wifi"]) assert.equal(full[key], undefined, key);
    const sensing = deviceNode({ ...node, sensors: [{ name: "room", type: "dht22", pin: "D5", espruino: "D14", qos: 0 }] }) as Record<string, unknown>;
    assert.deepEqual(sensing["sensors"], [{ name: "room", type: "dht22", espruino: "D14", qos: 0 }]);
    /* an I2C part's bus is its espruino/espruinoScl pins (firmware/node/parts.ts), and the driver's own address is 0x76: neither
       the pins' labels nor that address in its options; any other option kept */
    const air = { name: "air", type: "bme280", pin: "D2", espruino: "D4", espruinoScl: "D5" };
    const i2c = deviceNode({ ...node, sensors: [
      { ...air, options: { sda: "D2", scl: "D1", address: 0x76 } },
      { ...air, name: "attic", options: { sda: "D2", scl: "D1", address: 0x77, filter: 2 } },
      { ...air, name: "cellar", options: { sda: "D2", scl: "D1", address: 0x76, humidityOversampling: 4 } },
    ] as NodeConfig["sensors"] }) as Record<string, unknown>;
    assert.deepEqual(i2c["sensors"], [
      { name: "air", type: "bme280", espruino: "D4", espruinoScl: "D5" },
      { name: "attic", type: "bme280", espruino: "D4", espruinoScl: "D5", options: { address: 0x77, filter: 2 } },
      { name: "cellar", type: "bme280", espruino: "D4", espruinoScl: "D5", options: { humidityOversampling: 4 } },
    ]);
  });

  it("gives the device the description's fields it reads as constants", () => {
    const node = loadNode(EXAMPLE_NODE, BOARDS["esp8266"]!);
    assert.deepEqual(descriptionDefines(node), {
      MOTE_PERIOD: "60000",
      MOTE_QOS: "1",
      MOTE_OFFLINE: "900000",
      MOTE_ACTUATORS: "1",
      MOTE_COMMAND_QOS: "1",
      MOTE_STATION: '"mote-example"',
      MOTE_STATION_PASSWORD: "null",
      MOTE_AWAKE: "30000",
    });
    const other = descriptionDefines({
      ...node, telemetry: { period: 5, qos: 0 }, watchdog: { offlineMinutes: 1 }, wifi: { ssid: "caf\u00e9 \"x\"", password: "p\u00e4ss" },
      actuators: [{ ...node.actuators[0]!, qos: 0 }, { ...node.actuators[0]!, qos: 2 }], deepSleep: { enabled: true, awakeLimit: 20 },
    });
    assert.deepEqual(other, {
      MOTE_PERIOD: "5000",
      MOTE_QOS: "0",
      MOTE_OFFLINE: "60000",
      MOTE_ACTUATORS: "2",
      MOTE_COMMAND_QOS: "2",
      MOTE_STATION: '"caf\\u00e9 \\"x\\""',
      MOTE_STATION_PASSWORD: '"p\\u00e4ss"',
      MOTE_AWAKE: "20000",
    });
    assert.equal(JSON.parse(other["MOTE_STATION"]!), "caf\u00e9 \"x\"");
    const none = descriptionDefines({ ...node, wifi: null, actuators: [] });
    assert.equal(none["MOTE_STATION"], "null");
    assert.equal(none["MOTE_STATION_PASSWORD"], "null");
    assert.equal(none["MOTE_ACTUATORS"], "0");
    assert.equal(none["MOTE_COMMAND_QOS"], "0");
  });

  it("rejects a part type it has no switch for", () => {
    const node = loadNode(EXAMPLE_NODE, BOARDS["esp32"]!);
    const part = { ...node.actuators[0]!, type: "servo" };
    assert.throws(() => featureDefines({ ...node, actuators: [part] }), /part "relay": driver type "servo" has no build switch; known: analog, /);
  });
});

describe("build: the node bundle leaves out what the node does not use", () => {
  let relayOnly: BuildResult;
  let every: BuildResult;
  let everyQos1: BuildResult;
  let sleepy: BuildResult;

  before(async () => {
    relayOnly = await buildBundle({ board: "esp32", nodeFile: EXAMPLE_NODE, budget: 100000 });
    every = await buildBundle({ board: "esp32", nodeFile: everyDriverNode({}), budget: 100000 });
    everyQos1 = await buildBundle({ board: "esp32", nodeFile: everyDriverNode({ discovery: false, actuators: [{ name: "fan", type: "pwm", pin: "D25" }, { name: "relay", type: "relay", pin: "D26" }] }), budget: 100000 });
    sleepy = await buildBundle({ board: "esp32", nodeFile: SLEEP_NODE, budget: 100000 });
  });

  it("passes the gate in every variant", () => {
    for (const result of [relayOnly, every, everyQos1, sleepy]) assert.deepEqual(result.violations, []);
  });

  it("deep-sleep code (the cycle in app.ts, the ESP32 calls in node-main.ts) is only in a node with deep sleep", () => {
    for (const result of [relayOnly, every, everyQos1]) assert.doesNotMatch(result.code, DEEP_SLEEP_CODE);
    assert.match(sleepy.code, DEEP_SLEEP_CODE);
  });

  it("a relay-only node has the output driver and nothing else of hal/, no discovery", () => {
    assertHas(relayOnly, "hal/digital-output.ts");
    for (const module of ALL_DRIVER_MODULES.filter((name) => name != "hal/digital-output.ts")) assertLacks(relayOnly, module);
    assertLacks(relayOnly, DISCOVERY_MODULE);
    assert.doesNotMatch(relayOnly.code, /bme280/i);
  });

  it("a node without sensors has no sampling code: no sensor to make, no answer to handle", () => {
    // createSensor's error for a driver the firmware lacks, and the call that samples a sensor
    assert.doesNotMatch(relayOnly.code, /node: sensor /);
    assert.doesNotMatch(relayOnly.code, /\.sample\(/);
    assert.match(every.code, /node: sensor /);
    assert.match(every.code, /\.sample\(/);
  });

  it("the CONNECT packet is encoded by the build: no CONNECT encoder in the bundle, the packet as an ASCII literal", () => {
    for (const result of [relayOnly, every, everyQos1, sleepy]) {
      assert.doesNotMatch(result.code, /MQIsdp/);
      assert.match(result.code, /connect:"[^"]*MQTT/);
      assert.doesNotMatch(result.code, /[^\x00-\x7f]/);
    }
  });

  it("percentage commands and the bus makers are only in a node with a pwm actuator, a DS18B20 or a BME280", () => {
    assert.doesNotMatch(relayOnly.code, /parseFloat|OneWire|I2C/);
    for (const name of ["parseFloat", "OneWire", "I2C"]) assert.ok(every.code.includes(name), name);
  });

  it("a node with every driver keeps every driver and discovery, and is at least 10 KB bigger than the relay-only one", () => {
    for (const module of ALL_DRIVER_MODULES) assertHas(every, module);
    assertHas(every, DISCOVERY_MODULE);
    assert.ok(every.total - relayOnly.total >= 10000, `every driver ${every.total} bytes, relay only ${relayOnly.total} bytes`);
  });

  it("discovery off drops discovery.ts and keeps the drivers", () => {
    assertLacks(everyQos1, DISCOVERY_MODULE);
    for (const module of ALL_DRIVER_MODULES) assertHas(everyQos1, module);
  });

  it("the client's option checks run in the build, on the host, and are not in the bundle", async () => {
    for (const result of [relayOnly, every, everyQos1, sleepy]) assert.doesNotMatch(result.code, /mqtt: need|not a CONNECT packet/);
    const longPrefix = join(mkdtempSync(join(tmpdir(), "mote-defines-")), "node.json");
    writeFileSync(longPrefix, JSON.stringify({ id: "long", broker: { host: "192.168.1.10" }, topicPrefix: "p".repeat(500), actuators: [{ name: "relay", type: "relay", pin: "D5" }] }));
    await assert.rejects(buildBundle({ board: "esp8266", nodeFile: longPrefix }),
      /node "long" on board esp8266: its CONNECT packet is 5\d\d bytes, over the board's send buffer of 512: shorten topicPrefix \(the will topic <topicPrefix>\/<id>\/status is 512 characters\)/);
    // within the send buffer on an ESP32 (2,048 bytes)
    assert.ok((await buildBundle({ board: "esp32", nodeFile: longPrefix })).total > 0);
    // what createClient itself refuses (here a codec error code for the packet), the build refuses the same way
    assert.throws(() => checkClientOptions(relayOnly.node, BOARDS["esp8266"]!, -20 as unknown as string), /node "example" on board esp8266: mqtt: connect is not a CONNECT packet/);
  });

  it("a node's client has no unsubscribe: no UNSUBSCRIBE packet (first byte 162) is made in any node bundle", () => {
    for (const result of [relayOnly, every, everyQos1, sleepy]) assert.doesNotMatch(result.code, /\(162\b/);
    // the SUBSCRIBE (130) the node does make is there
    assert.match(relayOnly.code, /\(130\b/);
  });

  it("QoS 2 code is in the client only when an actuator subscribes at QoS 2", () => {
    // about 117 B since the client's QoS 2 paths share the QoS 1 ones (3,620 vs 3,503 B when measured); 0 if the switch stopped working
    assert.ok(bytesOf(every, "firmware/mqtt/client.ts") > bytesOf(everyQos1, "firmware/mqtt/client.ts") + 80,
      `client.ts: ${bytesOf(every, "firmware/mqtt/client.ts")} bytes with QoS 2, ${bytesOf(everyQos1, "firmware/mqtt/client.ts")} without`);
  });
});
