import assert from "node:assert/strict";
import { createDht22, DHT22_UNITS } from "../../hal/dht22.ts";
import { Dht22Model } from "../../sim/devices/dht22.ts";
import { errorOf, readingsOf, rig, sampleNow } from "./rig.ts";

function bench(model: Dht22Model, boardId = "esp32", pin = "D4") {
  const setup = rig(boardId);
  setup.hardware.attachLine(pin, model);
  return { ...setup, sensor: createDht22(setup.io, setup.pin(pin)) };
}

describe("Dht22 driver", () => {
  it("decodes a reading from the bit timings on the wire", () => {
    const setup = bench(new Dht22Model({ temperature: 35.1, humidity: 65.2 }));
    const started = setup.clock.now();
    assert.deepEqual(readingsOf(sampleNow(setup, setup.sensor)), { temperature: 35.1, humidity: 65.2 });
    assert.ok(setup.clock.now() - started <= 12, "about 10 ms per reading");
    assert.deepEqual(DHT22_UNITS, { temperature: "°C", humidity: "%RH" });
  });

  it("decodes negative temperatures (sign bit, not two's complement)", () => {
    const model = new Dht22Model({ temperature: -10.1, humidity: 40 });
    const setup = bench(model);
    assert.deepEqual(readingsOf(sampleNow(setup, setup.sensor)), { temperature: -10.1, humidity: 40 });
    model.temperature = -0.1;
    assert.equal(readingsOf(sampleNow(setup, setup.sensor)).temperature, -0.1);
  });

  it("decodes at the datasheet's timing extremes (fastest and slowest sensor)", () => {
    const fast = { release: 20, responseLow: 75, responseHigh: 75, bitLow: 48, zeroHigh: 22, oneHigh: 68, end: 45 };
    const slow = { release: 200, responseLow: 85, responseHigh: 85, bitLow: 55, zeroHigh: 30, oneHigh: 75, end: 55 };
    for (const timing of [fast, slow]) {
      const setup = bench(new Dht22Model({ temperature: 21.7, humidity: 99.9, timing }));
      assert.deepEqual(readingsOf(sampleNow(setup, setup.sensor)), { temperature: 21.7, humidity: 99.9 });
    }
  });

  it("reports an absent sensor, a bad checksum and a sample already running", () => {
    const model = new Dht22Model();
    const setup = bench(model);
    model.fault = "absent";
    assert.equal(errorOf(sampleNow(setup, setup.sensor)), "absent");
    model.fault = "bad-checksum";
    assert.equal(errorOf(sampleNow(setup, setup.sensor)), "checksum");
    model.fault = null;
    let first: unknown = null;
    setup.sensor.sample((result) => (first = result));
    assert.equal(errorOf(sampleNow(setup, setup.sensor)), "busy");
    setup.clock.advance(20);
    assert.deepEqual(first, { ok: true, readings: { temperature: 20, humidity: 50 } });
  });

  it("leaves the line released and the watch cleared after each reading", () => {
    const setup = bench(new Dht22Model());
    sampleNow(setup, setup.sensor);
    assert.equal(setup.hardware.watchCount, 0);
    assert.equal(setup.hardware.api.getPinMode("D4"), "input_pullup");
    assert.equal(setup.hardware.pin("D4").level, true);
  });

  it("works on an ESP8266 pin (label D2 is Espruino's D4)", () => {
    const setup = bench(new Dht22Model({ temperature: 18.4, humidity: 55.5 }), "esp8266", "D4");
    assert.deepEqual(readingsOf(sampleNow(setup, setup.sensor)), { temperature: 18.4, humidity: 55.5 });
  });
});
