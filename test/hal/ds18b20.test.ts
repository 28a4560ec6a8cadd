import assert from "node:assert/strict";
import { crc8 } from "../../hal/crc8.ts";
import { createDs18b20, DS18B20_UNITS, findDs18b20 } from "../../hal/ds18b20.ts";
import type { OneWireBus } from "../../hal/io.ts";
import { Ds18b20Model } from "../../sim/devices/ds18b20.ts";
import { errorOf, readingsOf, rig, sampleNow } from "./rig.ts";

function bench(models: Ds18b20Model[], boardId = "esp32") {
  const setup = rig(boardId);
  for (const model of models) setup.hardware.attachOneWire("D4", model);
  return { ...setup, bus: setup.oneWire("D4") };
}

describe("Ds18b20 driver", () => {
  it("reads the datasheet's Table 1 temperatures: +125, +25.0625, 0, -10.125, -55 °C", () => {
    const model = new Ds18b20Model();
    const setup = bench([model]);
    const sensor = createDs18b20(setup.io, setup.bus);
    for (const celsius of [125, 25.0625, 0, -10.125, -55]) {
      model.temperature = celsius;
      assert.deepEqual(readingsOf(sampleNow(setup, sensor)), { temperature: celsius });
    }
    assert.equal(sensor.romId, model.romId, "found by search");
    assert.equal(DS18B20_UNITS.temperature, "°C");
  });

  it("waits the conversion time of its resolution before reading (750 ms at 12 bits, 94 ms at 9)", () => {
    const model = new Ds18b20Model({ temperature: 21.3125 });
    const setup = bench([model]);
    const sensor = createDs18b20(setup.io, setup.bus);
    let result: unknown = null;
    sensor.sample((outcome) => (result = outcome));
    setup.clock.advance(749);
    assert.equal(result, null);
    setup.clock.advance(2);
    assert.deepEqual(result, { ok: true, readings: { temperature: 21.3125 } });
    const nineBits = createDs18b20(setup.io, setup.bus, { resolution: 9 });
    const started = setup.clock.now();
    assert.deepEqual(readingsOf(sampleNow(setup, nineBits)), { temperature: 21 }, "9 bits: 0.5 °C steps");
    assert.ok(setup.clock.now() - started <= 95);
    assert.equal(model.resolution, 9, "written to the sensor's configuration register");
  });

  it("reads several sensors on one bus by ROM id", () => {
    const models = [new Ds18b20Model({ serial: 11, temperature: 19.5 }), new Ds18b20Model({ serial: 12, temperature: -3.25 }), new Ds18b20Model({ serial: 13, temperature: 40.0625 })];
    const setup = bench(models);
    const roms = findDs18b20(setup.bus);
    assert.deepEqual([...roms].sort(), models.map((model) => model.romId).sort());
    for (const model of models) {
      const sensor = createDs18b20(setup.io, setup.bus, { rom: model.romId.toUpperCase() });
      assert.deepEqual(readingsOf(sampleNow(setup, sensor)), { temperature: model.temperature });
    }
    assert.deepEqual(models.map((model) => model.conversions), [1, 1, 1], "only the selected sensor converts");
  });

  it("treats the 85 °C power-on value as an error", () => {
    const model = new Ds18b20Model({ temperature: 22 });
    const setup = bench([model]);
    const sensor = createDs18b20(setup.io, setup.bus);
    model.fault = "power-on-reset";
    assert.equal(errorOf(sampleNow(setup, sensor)), "power-on");
    model.fault = null;
    assert.deepEqual(readingsOf(sampleNow(setup, sensor)), { temperature: 22 });
  });

  it("treats a temperature outside -55..+125 °C with a good CRC as invalid (a corrupted read: no DS18B20 converts to it)", () => {
    const setup = rig();
    const scratchpad = new Uint8Array([0, 0, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0]);
    const bus: OneWireBus = { reset: () => true, select: () => {}, skip: () => {}, write: () => {}, read: () => scratchpad.slice(), search: () => ["28000000000000ff"] };
    const sensor = createDs18b20(setup.io, bus);
    const readRaw = (raw: number) => {
      scratchpad[0] = raw & 255;
      scratchpad[1] = (raw >> 8) & 255;
      scratchpad[8] = crc8(scratchpad, 8);
      return sampleNow(setup, sensor);
    };
    // 0x7FF0 would be 2047 °C and 0x8000 -2048 °C: `-2048` and `2047.9375` are wider than a report's estimate allows
    for (const raw of [0x7ff0, 0x8000, 0x07d1, 0xfc8f]) assert.equal(errorOf(readRaw(raw)), "invalid", raw.toString(16));
    assert.deepEqual(readingsOf(readRaw(0x07d0)), { temperature: 125 });
    assert.deepEqual(readingsOf(readRaw(0xfc90)), { temperature: -55 });
    assert.deepEqual(readingsOf(readRaw(0xff5e)), { temperature: -10.125 });
  });

  it("reports an absent sensor, a bad CRC and a stuck bus", () => {
    const model = new Ds18b20Model();
    const other = new Ds18b20Model({ serial: 2 });
    const setup = bench([model, other]);
    const sensor = createDs18b20(setup.io, setup.bus, { rom: model.romId });
    model.fault = "bad-crc";
    assert.equal(errorOf(sampleNow(setup, sensor)), "checksum");
    model.fault = "stuck";
    assert.equal(errorOf(sampleNow(setup, sensor)), "bus");
    model.fault = "absent";
    assert.equal(errorOf(sampleNow(setup, sensor)), "absent", "its reads come back all ones");
    setup.hardware.detach(other);
    assert.equal(errorOf(sampleNow(setup, sensor)), "absent", "no presence pulse at all");
    assert.equal(errorOf(sampleNow(setup, createDs18b20(setup.io, setup.bus))), "absent");
  });

  it("says busy while a conversion runs, and works on ESP8266", () => {
    const setup = bench([new Ds18b20Model({ temperature: 5.5 })], "esp8266");
    const sensor = createDs18b20(setup.io, setup.bus);
    sensor.sample(() => undefined);
    assert.equal(errorOf(sampleNow(setup, sensor)), "busy");
    setup.clock.advance(800);
    assert.deepEqual(readingsOf(sampleNow(setup, sensor)), { temperature: 5.5 });
  });
});
