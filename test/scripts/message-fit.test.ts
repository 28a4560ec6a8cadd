/**
 * The build's check that what a node publishes fits the board's send buffer
 * (scripts/build/message-fit.ts): the widest telemetry report, and every
 * Home Assistant discovery message.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOARDS } from "../../boards/index.ts";
import { buildBundle, ROOT } from "../../scripts/build/build.ts";
import { checkMessagesFit, doubleWidth, READING_WIDTHS, widestReport } from "../../scripts/build/message-fit.ts";
import { loadNode } from "../../scripts/build/node-description.ts";
import { SENSOR_READINGS } from "../../firmware/node/discovery.ts";

function nodeFile(node: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), "mote-fit-")), "node.json");
  writeFileSync(file, JSON.stringify({ broker: { host: "192.168.1.10" }, ...node }));
  return file;
}

const ESP8266 = BOARDS["esp8266"]!;

describe("build: what a node publishes fits the board's send buffer", () => {
  it("estimates the widest report: JSON with every reading at its driver's width, the counters, and rssi only on a WiFi board", () => {
    const node = loadNode(ROOT + "test/firmware/node/node-e2e-esp8266.json", ESP8266);
    const report = JSON.parse(widestReport(node, ESP8266)) as Record<string, unknown>;
    for (const sensor of node.sensors) {
      const readings = report[sensor.name] as Record<string, number>;
      assert.deepEqual(Object.keys(readings), SENSOR_READINGS[sensor.type]);
      for (const value of Object.values(readings)) assert.equal(String(value).length, READING_WIDTHS[sensor.type]);
    }
    assert.equal(Object.keys(report["mqtt"] as object).length, 11);
    assert.ok("rssi" in report);
    assert.ok(!("rssi" in (JSON.parse(widestReport(node, BOARDS["linux"]!)) as object)));
  });

  it("gives an analog input's readings the width Espruino prints them with at the magnitude its options allow, up to any double's 26 characters", () => {
    // JSON.stringify on the Espruino 2v29 Linux binary: a sign, the integer digits and 11 decimals; an exponent form under 1e-6
    const printed = ["-9.60855197906", "-1.23456789012e-100", "-974518.85342597961", "-50986353.15895080566", "-386320662.49847412109", "-3341533333063.13427734375"];
    for (const text of printed) assert.ok(doubleWidth(Math.abs(Number(text))) >= text.length, `${text}: ${doubleWidth(Math.abs(Number(text)))}`);
    assert.equal(doubleWidth(3.3), 19);
    assert.equal(doubleWidth(1e300), 26);
    const analog = (options: Record<string, number | string>) => {
      const node = { ...loadNode(ROOT + "test/firmware/node/node-e2e-esp8266.json", ESP8266), sensors: [{ name: "level", type: "analog", pin: "A0", espruino: "A0", options }] };
      // the numbers' characters, from the text (as JSON numbers, 9s this long are rounded)
      return /"level":\{"voltage":(9+),"value":(9+)\}/.exec(widestReport(node, ESP8266))!.slice(1).map((digits) => digits.length);
    };
    assert.deepEqual(analog({}), [19, 19]);
    // 3.3 V x 1e7 - 1: up to 33 million, which prints in up to 21 characters (`-50986353.15895080566`); the old estimate gave any double 20
    assert.deepEqual(analog({ scale: 1e7, offset: -1 }), [19, 21]);
    assert.deepEqual(analog({ fullScale: 1, scale: "x" }), [19, 26]);
  });

  it("builds the issue's ESP8266 sensor node (its widest report fits the 512-byte buffer), and refuses one more BME280", async () => {
    const file = ROOT + "test/firmware/node/node-e2e-esp8266.json";
    assert.ok((await buildBundle({ board: "esp8266", nodeFile: file, budget: 100000 })).total > 0);
    const node = loadNode(file, ESP8266);
    const more = { ...node, sensors: [...node.sensors, { ...node.sensors.find((sensor) => sensor.type == "bme280")!, name: "attic" }] };
    assert.throws(() => checkMessagesFit(more, ESP8266),
      /node "bench" on board esp8266: its telemetry report can reach 5\d\d bytes as a PUBLISH on mote\/bench\/telemetry \(every reading and counter at its widest\), over the board's send buffer of 512: use fewer sensors or shorter sensor names \(room, water, air, bell, attic\), or a shorter topicPrefix or id/);
    // the ESP32's buffer takes it
    checkMessagesFit({ ...more, board: "esp32", buffers: BOARDS["esp32"]!.buffers }, BOARDS["esp32"]!);
  });

  it("refuses, through the build, a long topic prefix that only the telemetry report outgrows", async () => {
    const file = nodeFile({ id: "n1", topicPrefix: "p".repeat(300), sensors: [{ name: "room", type: "dht22", pin: "D5" }], actuators: [] });
    await assert.rejects(buildBundle({ board: "esp8266", nodeFile: file }), /node "n1" on board esp8266: its telemetry report can reach \d+ bytes as a PUBLISH on p{300}\/n1\/telemetry/);
  });

  it("refuses a discovery message over the buffer, naming its topic, and builds the same node without discovery", async () => {
    const long = "a".repeat(32);
    const node = { id: "b".repeat(32), topicPrefix: "c".repeat(40), sensors: [{ name: long, type: "ds18b20", pin: "D5" }], actuators: [] };
    await assert.rejects(buildBundle({ board: "esp8266", nodeFile: nodeFile({ ...node, discovery: true }) }),
      new RegExp(`its Home Assistant discovery message on homeassistant/sensor/b{32}/a{32}_temperature/config is \\d+ bytes, over the board's send buffer of 512`));
    assert.ok((await buildBundle({ board: "esp8266", nodeFile: nodeFile({ ...node, discovery: false }), budget: 100000 })).total > 0);
  });
});
