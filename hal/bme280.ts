/**
 * Bosch BME280 on I2C (datasheet BST-BME280-DS002) in forced mode: each
 * sample writes ctrl_hum (0xF2), config (0xF5) and ctrl_meas (0xF4, mode 01)
 * in one transfer (register/value pairs, 6.2.1; ctrl_hum counts once
 * ctrl_meas is written, 5.4.3), waits the maximum measurement time of
 * section 9.1, checks status bit 3, reads 0xF7..0xFE in one burst and
 * compensates with the double-precision formulas of 8.1. The chip id (0x60
 * at 0xD0) and the calibration are read on the first sample and again after
 * any failure. Bus errors differ by port (ESP32 and ESP8266 throw on a
 * missing acknowledge, software I2C reads 0xFF): all end as `absent`/`bus`.
 */
import { compensate } from "./bme280-calibration.ts";
import {
  BME280_ADDRESS,
  BME280_CALIBRATION_BYTES, BME280_CALIBRATION_HIGH, BME280_CALIBRATION_LOW, BME280_CALIBRATION_SPLIT, BME280_CHIP_ID, BME280_DATA, BME280_ID,
  BME280_MEASURING, BME280_RESET, BME280_RESET_WORD, BME280_STATUS,
} from "./constants.ts";
import { deliver } from "./deliver.ts";
import type { I2CBus, Io } from "./io.ts";
import type { Sensor, SampleCallback, SensorError } from "./sensor.ts";

/** Settings of a BME280. */
export interface Bme280Options {
  /** 0x76 (SDO to ground, default) or 0x77. */
  address: number;
  /** Oversampling 1, 2, 4, 8 or 16 (default 1 each: weather monitoring, 5.5.1). */
  temperatureOversampling: number;
  pressureOversampling: number;
  humidityOversampling: number;
  /** IIR filter code 0..4 (coefficient off, 2, 4, 8, 16; default 0). */
  filter: number;
}

/** Readings of a BME280. */
export interface Bme280Readings {
  [name: string]: number;
  /** °C. */
  temperature: number;
  /** hPa. */
  pressure: number;
  /** %RH. */
  humidity: number;
}

/**
 * Unit of each reading of a Bme280, for descriptions (Home Assistant's
 * discovery has its own table, held to this by a test): a constant outside
 * the driver, which a node's bundle leaves out (each getter on the
 * prototype cost an ESP8266 about 7 heap variables for good).
 */
export const BME280_UNITS = { temperature: "°C", pressure: "hPa", humidity: "%RH" };

/**
 * The register/value pairs a sample writes (5.4.3-5.4.6): ctrl_hum = osrs_h;
 * config = filter << 2; ctrl_meas = osrs_t << 5 | osrs_p << 2 | forced mode.
 * Oversampling 1, 2, 4, 8 or 16 is register code 1..5 (factor
 * 1 << (code - 1)); anything else, or none, counts as 1. The filter code is
 * clamped to 0..4.
 */
function controlRegisters(options: Partial<Bme280Options>): Uint8Array {
  const code = function (factor: number | undefined): number {
    for (let candidate = 1; candidate <= 5; candidate++) if (1 << (candidate - 1) === factor) return candidate;
    return 1;
  };
  const filter = options.filter !== undefined ? Math.max(0, Math.min(4, Math.round(options.filter))) : 0;
  return new Uint8Array([0xf2, code(options.humidityOversampling), 0xf5, filter << 2, 0xf4, (code(options.temperatureOversampling) << 5) | (code(options.pressureOversampling) << 2) | 1]);
}

/** A BME280 sensor, made by {@link createBme280}. */
export interface Bme280 extends Sensor<Bme280Readings> {
  /** Starts a forced measurement; calls back when it is read, after the maximum measurement time of the datasheet (9.1: 9.3 ms, so 10, at oversampling 1). */
  sample(callback: SampleCallback<Bme280Readings>): void;
}

/**
 * A BME280 sensor on `bus`, taking `options`, fixed from then on (see
 * Sensor), and soft-resetting the chip (ignoring a missing one: the first
 * sample reports it). Its settings live in the register/value pairs it
 * writes ({@link controlRegisters}); the calibration as the 33 bytes read.
 * A plain object, not a class instance: no prototype, constructor or
 * `__proto__` link for the heap to hold, and its method is written into it,
 * not kept in a local as well. Its state lives in locals of this function
 * that its functions share, not in members: a minified bundle shortens a
 * local's name, but a member keeps its `this.` at every use.
 */
export function createBme280(io: Io, bus: I2CBus, options?: Partial<Bme280Options>): Bme280 {
  const address = options && options.address !== undefined ? options.address : BME280_ADDRESS;
  /** Flags 0 or 1, not booleans, and no callback undefined, not null: each null or boolean held costs a heap variable of its own. 1 once the chip id and calibration are read; 1 once the status was busy this sample. */
  let ready = 0;
  let retried = 0;
  /** The sample's callback while one runs. */
  let pending: SampleCallback<Bme280Readings> | undefined;
  const calibration = new Uint8Array(BME280_CALIBRATION_BYTES);
  const control = controlRegisters(options || {});
  /** Maximum time of one measurement in whole ms (datasheet 9.1), fixed with the settings: a number here, where a method cost heap variables. */
  const wait = Math.ceil(1.25 + 2.3 * (1 << ((control[5]! >> 5) - 1)) + 2.3 * (1 << (((control[5]! >> 2) & 7) - 1)) + 0.575 + 2.3 * (1 << (control[1]! - 1)) + 0.575);

  const readRegisters = function (register: number, count: number): Uint8Array {
    bus.writeTo(address, register);
    return bus.readFrom(address, count);
  };

  /** ESP32 and ESP8266 throw on a missing acknowledge: that is an absent chip, anything else a bus fault. */
  const thrown = function (exception: unknown): SensorError {
    return ("" + (exception && (exception as Error).message)).indexOf("ACK") >= 0 ? "absent" : "bus";
  };

  const measured = function (): void {
    const callback = pending;
    if (callback === undefined) return;
    let error: SensorError | null = null;
    let data: Uint8Array;
    try {
      const status = readRegisters(BME280_STATUS, 1)[0]!;
      if (status === 0xff) error = "absent";
      else if (status & BME280_MEASURING) {
        if (!retried) {
          retried = 1;
          io.setTimeout(measured, 2);
          return;
        }
        error = "timeout";
      } else data = readRegisters(BME280_DATA, 8);
    } catch (exception) {
      error = thrown(exception);
    }
    const readings = error === null ? compensate(calibration, data!) : null;
    if (error === null && readings === null) error = "invalid";
    pending = undefined;
    if (error !== null) ready = 0;
    deliver(io, callback, error, readings!);
  };

  try {
    bus.writeTo(address, [BME280_RESET, BME280_RESET_WORD]);
  } catch {
    /* no chip yet: the first sample reports it */
  }

  return {
    sample: function (callback: SampleCallback<Bme280Readings>): void {
      if (pending !== undefined) {
        deliver(io, callback, "busy");
        return;
      }
      let error: SensorError | null = null;
      try {
        if (!ready) {
          /* The chip id, then the calibration. */
          const id = readRegisters(BME280_ID, 1)[0];
          error = id === 0xff ? "absent" : id === 0 ? "bus" : id !== BME280_CHIP_ID ? "invalid" : null;
          if (error === null) {
            calibration.set(readRegisters(BME280_CALIBRATION_LOW, BME280_CALIBRATION_SPLIT), 0);
            calibration.set(readRegisters(BME280_CALIBRATION_HIGH, BME280_CALIBRATION_BYTES - BME280_CALIBRATION_SPLIT), BME280_CALIBRATION_SPLIT);
            ready = 1;
          }
        }
        if (error === null) bus.writeTo(address, control);
      } catch (exception) {
        error = thrown(exception);
      }
      if (error !== null) {
        ready = 0;
        deliver(io, callback, error);
        return;
      }
      retried = 0;
      pending = callback;
      io.setTimeout(measured, wait);
    },
  };
}
