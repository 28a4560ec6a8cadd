import assert from "node:assert/strict";
import { createBme280, BME280_UNITS } from "../../hal/bme280.ts";
import { EXAMPLE_CALIBRATION, humidityQ10Of, tFineOf } from "../../sim/devices/bme280-math.ts";
import { Bme280Model } from "../../sim/devices/bme280.ts";
import type { I2CTarget } from "../../sim/hardware/index.ts";
import { errorOf, readingsOf, rig, sampleNow } from "./rig.ts";

function bench(model: I2CTarget, boardId = "esp32", software = false) {
  const setup = rig(boardId);
  setup.hardware.attachI2C(model);
  const board = setup.hardware.board;
  const pins = { scl: board.pins[board.i2c!.scl]!.espruino, sda: board.pins[board.i2c!.sda]!.espruino };
  const bus = software ? setup.i2c(pins) : setup.i2c();
  return { ...setup, bus, sensor: createBme280(setup.io, bus) };
}

/** A BME280 that takes longer than the datasheet's maximum. */
class SlowBme280 extends Bme280Model {
  extra = 0;
  override measurementMs(): number {
    return super.measurementMs() + this.extra;
  }
}

describe("Bme280 driver", () => {
  it("compensates the datasheet example: adc_T 519888 → 25.08 °C, adc_P 415148 → 100653.27 Pa", () => {
    const model = new Bme280Model();
    model.raw = { temperature: 519888, pressure: 415148, humidity: 30000 };
    const setup = bench(model);
    const readings = readingsOf(sampleNow(setup, setup.sensor));
    // in hundredths, as the driver reports them
    assert.equal(readings.temperature, 25.08);
    assert.equal(readings.pressure, 1006.53, "100653.27 Pa (the datasheet table rounds with an unrounded t_fine)");
    const reference = humidityQ10Of(30000, tFineOf(519888, EXAMPLE_CALIBRATION), EXAMPLE_CALIBRATION) / 1024;
    assert.ok(Math.abs(readings.humidity - reference) < 0.01, `${readings.humidity} %RH against the fixed-point ${reference}`);
    for (const value of [readings.temperature, readings.pressure, readings.humidity]) assert.equal(value, Math.round(value * 100) / 100, `${value}: hundredths`);
    assert.deepEqual(BME280_UNITS, { temperature: "°C", pressure: "hPa", humidity: "%RH" });
  });

  it("reads back physical values, negative temperatures included", () => {
    const model = new Bme280Model({ temperature: 21.5, pressure: 987.6, humidity: 45.5 });
    const setup = bench(model);
    let readings = readingsOf(sampleNow(setup, setup.sensor));
    assert.ok(Math.abs(readings.temperature - 21.5) < 0.01, String(readings.temperature));
    assert.ok(Math.abs(readings.pressure - 987.6) < 0.05, String(readings.pressure));
    assert.ok(Math.abs(readings.humidity - 45.5) < 0.05, String(readings.humidity));
    model.temperature = -17.25;
    model.humidity = 92;
    const oversampled = createBme280(setup.io, setup.bus, { temperatureOversampling: 16, pressureOversampling: 16, humidityOversampling: 16, filter: 2 });
    readings = readingsOf(sampleNow(setup, oversampled));
    assert.ok(Math.abs(readings.temperature - -17.25) < 0.005, `${readings.temperature}: the model's fixed-point inverse steps by 8 counts`);
    assert.ok(Math.abs(readings.humidity - 92) < 0.05, String(readings.humidity));
    assert.equal(model.measurements, 2);
  });

  it("waits the datasheet's maximum measurement time, then retries once on a busy status", () => {
    const model = new SlowBme280({ temperature: 10 });
    const setup = bench(model);
    for (const [sensor, wait] of [[setup.sensor, 10], [createBme280(setup.io, setup.bus, { temperatureOversampling: 2 }), 12]] as const) {
      // the datasheet's maximum (9.1), read at the next whole ms: 1.25 + 3 × 2.3 + 2 × 0.575 = 9.30 ms at oversampling ×1, 1.25 + 4 × 2.3 + 2 × 0.575 = 11.6 ms with the temperature at ×2
      let result: unknown = null;
      const started = setup.clock.now();
      sensor.sample((outcome) => (result = outcome));
      setup.clock.advance(wait - 1);
      assert.equal(result, null, `nothing read before ${wait} ms`);
      setup.clock.advance(1);
      assert.ok(result !== null && setup.clock.now() - started === wait, `read at ${wait} ms`);
    }
    model.extra = 3;
    assert.ok(Math.abs(readingsOf(sampleNow(setup, setup.sensor)).temperature - 10) < 0.01);
    model.extra = 50;
    assert.equal(errorOf(sampleNow(setup, setup.sensor)), "timeout");
  });

  it("reports a missing sensor on every kind of port", () => {
    for (const [boardId, software] of [["esp32", false], ["esp8266", false], ["esp32", true]] as const) {
      const model = new Bme280Model();
      model.fault = "absent";
      const setup = bench(model, boardId, software);
      assert.equal(errorOf(sampleNow(setup, setup.sensor)), "absent", `${boardId}${software ? " software" : ""}`);
      model.fault = null;
      assert.ok(readingsOf(sampleNow(setup, setup.sensor)), "recovers once it answers");
    }
  });

  it("reports a stuck bus on every kind of port", () => {
    for (const [boardId, software] of [["esp32", false], ["esp8266", false], ["esp32", true]] as const) {
      const model = new Bme280Model();
      model.fault = "stuck";
      const setup = bench(model, boardId, software);
      assert.equal(errorOf(sampleNow(setup, setup.sensor)), "bus", `${boardId}${software ? " software" : ""}`);
    }
  });

  it("rejects another chip id (a BMP280 answers 0x58) and a sample already running", () => {
    const bmp280: I2CTarget = {
      address: 0x76, acknowledges: () => true, holdsBus: () => false, write: () => undefined,
      read: (count) => new Uint8Array(count).fill(0x58),
    };
    const setup = bench(bmp280);
    assert.equal(errorOf(sampleNow(setup, setup.sensor)), "invalid");
    const good = bench(new Bme280Model());
    good.sensor.sample(() => undefined);
    assert.equal(errorOf(sampleNow(good, good.sensor)), "busy");
  });

  it("talks to the second address when configured", () => {
    const setup = rig();
    setup.hardware.attachI2C(new Bme280Model({ address: 0x77, temperature: 30 }));
    const sensor = createBme280(setup.io, setup.i2c(), { address: 0x77 });
    assert.ok(Math.abs(readingsOf(sampleNow(setup, sensor)).temperature - 30) < 0.01);
  });
});
