import assert from "node:assert/strict";
import { VirtualClock } from "../../../sim/clock.ts";
import {
  calibrationRegisters, centidegreesOf, EXAMPLE_CALIBRATION, humidityQ10Of, pressureQ8Of, rawPressureFor, rawTemperatureFor, tFineOf,
} from "../../../sim/devices/bme280-math.ts";
import { Bme280Model } from "../../../sim/devices/bme280.ts";
import { DeviceScheduler } from "../../../sim/hardware/scheduler.ts";

function read(model: Bme280Model, register: number, count: number): number[] {
  model.write(new Uint8Array([register]));
  return [...model.read(count)];
}

describe("BME280 model", () => {
  it("fixed-point compensation gives the datasheet example: t_fine 128422, 25.08 °C, about 100653.27 Pa", () => {
    const tFine = tFineOf(519888, EXAMPLE_CALIBRATION);
    assert.equal(tFine, 128422);
    assert.equal(centidegreesOf(tFine), 2508);
    const pascals = pressureQ8Of(415148, tFine, EXAMPLE_CALIBRATION) / 256;
    assert.ok(Math.abs(pascals - 100653.27) < 0.05, String(pascals));
  });

  it("finds raw readings for physical values (the inverse of the compensation)", () => {
    const adcT = rawTemperatureFor(-12.34, EXAMPLE_CALIBRATION);
    const tFine = tFineOf(adcT, EXAMPLE_CALIBRATION);
    assert.ok(Math.abs(tFine / 5120 - -12.34) < 0.001);
    const adcP = rawPressureFor(950.5, tFine, EXAMPLE_CALIBRATION);
    assert.ok(Math.abs(pressureQ8Of(adcP, tFine, EXAMPLE_CALIBRATION) / 25600 - 950.5) < 0.01);
    assert.ok(humidityQ10Of(0, tFine, EXAMPLE_CALIBRATION) === 0);
  });

  it("stores the calibration as table 16 lays it out (H4/H5 share 0xE5)", () => {
    const registers = calibrationRegisters({ ...EXAMPLE_CALIBRATION, H4: 0x123, H5: 0x456 });
    assert.deepEqual([...registers.low.subarray(0, 6)], [0x70, 0x6b, 0x43, 0x67, 0x18, 0xfc]);
    assert.deepEqual([...registers.high.subarray(3, 6)], [0x12, 0x63, 0x45]);
  });

  it("answers chip id 0x60, soft-resets, measures in forced mode and goes back to sleep", () => {
    const clock = new VirtualClock();
    const model = new Bme280Model({ temperature: 22 });
    model.connect(new DeviceScheduler(clock));
    assert.deepEqual(read(model, 0xd0, 1), [0x60]);
    assert.deepEqual(read(model, 0xfa, 3), [0x80, 0x00, 0x00], "no measurement yet");
    model.write(new Uint8Array([0xf2, 0x01, 0xf4, (1 << 5) | (1 << 2) | 1]));
    assert.deepEqual(read(model, 0xf3, 1), [0x08], "measuring");
    clock.advance(model.measurementMs());
    assert.deepEqual(read(model, 0xf3, 2), [0x00, (1 << 5) | (1 << 2)], "done, mode back to sleep");
    const data = read(model, 0xf7, 8);
    const adcT = (data[3]! << 12) | (data[4]! << 4) | (data[5]! >> 4);
    assert.ok(Math.abs(tFineOf(adcT, EXAMPLE_CALIBRATION) / 5120 - 22) < 0.01);
    assert.equal(adcT % 16, 0, "16-bit resolution at oversampling ×1");
    model.write(new Uint8Array([0xe0, 0xb6]));
    assert.deepEqual(read(model, 0xf4, 1), [0]);
  });

  it("reports skipped measurements as 0x80000 / 0x8000", () => {
    const clock = new VirtualClock();
    const model = new Bme280Model();
    model.connect(new DeviceScheduler(clock));
    model.write(new Uint8Array([0xf2, 0x00, 0xf4, (1 << 5) | 1]));
    clock.advance(10);
    const data = read(model, 0xf7, 8);
    assert.deepEqual(data.slice(0, 3), [0x80, 0, 0], "pressure skipped (osrs_p = 0)");
    assert.notDeepEqual(data.slice(3, 6), [0x80, 0, 0], "temperature measured");
    assert.deepEqual(data.slice(6), [0x80, 0], "humidity skipped (osrs_h = 0)");
  });
});
