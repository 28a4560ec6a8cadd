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
import { checkMessagesFit, READING_WIDTHS, widestReport } from "../../scripts/build/message-fit.ts";
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
