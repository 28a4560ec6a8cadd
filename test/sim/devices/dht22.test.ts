import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { Dht22Model, encodeDht22Frame } from "../../../sim/devices/dht22.ts";
import { Hardware } from "../../../sim/hardware/index.ts";

/** Holds D4 low for `milliseconds`, releases it, and records the line until the sensor is done. */
function startAndRecord(lowMilliseconds: number, model: Dht22Model): Array<[number, boolean]> {
  const clock = new VirtualClock();
  const hardware = new Hardware(clock, BOARDS["esp32"]!);
  hardware.attachLine("D4", model);
  const changes: Array<[number, boolean]> = [];
  hardware.pin("D4").onLevelChange((level, time) => changes.push([time, level]));
  hardware.api.pinMode("D4", "opendrain");
  hardware.api.digitalWrite("D4", 0);
  clock.advance(lowMilliseconds);
  hardware.api.digitalWrite("D4", 1);
  clock.advance(10);
  return changes;
}

describe("DHT22 model", () => {
  it("encodes humidity and temperature ×10, sign as bit 15, checksum the low byte of the sum (AM2302 7.3, with its examples)", () => {
    assert.deepEqual([...encodeDht22Frame(35.1, 65.2)], [0x02, 0x8c, 0x01, 0x5f, 0xee], "the datasheet's example frame");
    assert.deepEqual([...encodeDht22Frame(-10.1, 65.2)], [0x02, 0x8c, 0x80, 0x65, 0x73]);
    assert.equal(encodeDht22Frame(-10.1, 65.2, true)[4], 0x74);
  });

  it("answers a 1 ms start with the datasheet's timing: 30 µs, 80/80 µs response, 40 bits of 50 µs low + 26/70 µs high", () => {
    const model = new Dht22Model({ temperature: 27.3, humidity: 65.2 });
    const changes = startAndRecord(1, model);
    const release = changes[1]![0];
    const widths = changes.slice(1).map((change, index, all) => (index === 0 ? 0 : Math.round((change[0] - all[index - 1]![0]) * 1000)));
    assert.deepEqual(changes.slice(0, 2).map((change) => change[1]), [false, true]);
    assert.equal(Math.round((changes[2]![0] - release) * 1000), 30);
    assert.deepEqual(widths.slice(2, 4), [80, 80]);
    const highs = widths.filter((_, index) => index >= 4 && index % 2 === 1);
    assert.equal(highs.length, 40);
    const bits = highs.map((width) => (width === 70 ? "1" : width === 26 ? "0" : "?")).join("");
    assert.equal(bits, [...encodeDht22Frame(27.3, 65.2)].map((byte) => byte.toString(2).padStart(8, "0")).join(""));
    assert.equal(widths[widths.length - 1], 50, "ends with a 50 µs low");
    assert.equal(changes[changes.length - 1]![1], true);
  });

  it("ignores a start shorter than 0.8 ms, and does not answer when absent", () => {
    assert.equal(startAndRecord(0.5, new Dht22Model()).length, 2);
    const absent = new Dht22Model();
    absent.fault = "absent";
    assert.equal(startAndRecord(2, absent).length, 2);
    assert.equal(absent.responses, 0);
  });
});

describe("DHT22 model on ESP32 watches", () => {
  it("can be read with a watch on both edges, timing each high pulse from its rising edge", () => {
    const clock = new VirtualClock();
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    hardware.attachLine("D4", new Dht22Model({ temperature: -3.4, humidity: 71.9 }));
    const widths: number[] = [];
    let rose = 0;
    hardware.api.setWatch((event: { state: boolean; time: number }) => {
      if (event.state) rose = event.time;
      else if (rose > 0) widths.push(event.time - rose);
    }, "D4", { repeat: true, edge: "both" });
    hardware.api.pinMode("D4", "opendrain_pullup");
    hardware.api.digitalWrite("D4", 0);
    clock.advance(1);
    hardware.api.digitalWrite("D4", 1);
    clock.advance(10);
    const bits = widths.slice(-40).map((width) => (width > 0.00005 ? "1" : "0")).join("");
    assert.equal(widths.length, 42, "release pulse, response pulse, 40 bits");
    assert.equal(bits, [...encodeDht22Frame(-3.4, 71.9)].map((byte) => byte.toString(2).padStart(8, "0")).join(""));
  });

  it("gets no start signal from a host that sets its watch after pulling the line low (setWatch releases it)", () => {
    const clock = new VirtualClock();
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    const model = new Dht22Model();
    hardware.attachLine("D4", model);
    hardware.api.pinMode("D4");
    hardware.api.digitalWrite("D4", 0);
    hardware.api.setWatch(() => undefined, "D4", { repeat: true, edge: "falling" });
    clock.advance(1);
    hardware.api.pinMode("D4", "input_pullup");
    clock.advance(10);
    assert.equal(model.responses, 0, "the line was low for no time at all");
  });
});
