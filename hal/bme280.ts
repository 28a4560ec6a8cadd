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
import { Bme280Calibration } from "./bme280-calibration.ts";
import { deliver, deliverError } from "./deliver.ts";
import type { I2CBus, Io } from "./io.ts";
import type { Sensor, SampleCallback, SensorError } from "./sensor.ts";

/** Registers (datasheet 5.3, table 18). */
const REGISTER_CALIBRATION_LOW = 0x88;
const REGISTER_ID = 0xd0;
const REGISTER_RESET = 0xe0;
const REGISTER_CALIBRATION_HIGH = 0xe1;
const REGISTER_STATUS = 0xf3;
const REGISTER_DATA = 0xf7;
/** Chip id of the BME280 (5.4.1); a BMP280 answers 0x58. */
const CHIP_ID = 0x60;
/** Soft reset word (5.4.2). */
const RESET_WORD = 0xb6;
/** Status bit 3: a conversion is running (5.4.4); the register has no other bits but 0, so 0xFF means nobody answered. */
const STATUS_MEASURING = 0x08;
/** Raw reading of a skipped measurement (5.4.7). */
const SKIPPED = 0x80000;
/** Oversampling factors by register code 1..5 (5.4.3, 5.4.5). */
const OVERSAMPLING = [1, 2, 4, 8, 16];

function oversamplingCode(factor: number): number {
  const index = OVERSAMPLING.indexOf(factor);
  return index < 0 ? 1 : index + 1;
}

/** Maps an exception of the port's I2C driver to an error code. */
function busError(error: unknown): SensorError {
  const text = "" + ((error as { message?: string }) && (error as { message?: string }).message);
  return text.indexOf("ACK") >= 0 ? "absent" : "bus";
}

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

/** A BME280 sensor. */
export class Bme280 implements Sensor<Bme280Readings, Bme280Options> {
  readonly units = { temperature: "°C", pressure: "hPa", humidity: "%RH" };
  private address = 0x76;
  private osrsT = 1;
  private osrsP = 1;
  private osrsH = 1;
  private filter = 0;
  private ready = false;
  private busy = false;
  private retried = false;
  private callback: SampleCallback<Bme280Readings> | null = null;
  private readonly calibration = new Bme280Calibration();
  private readonly control = [0xf2, 0, 0xf5, 0, 0xf4, 0];
  private readonly onMeasured: () => void;

  /** Applies `options` and soft-resets the chip (ignoring a missing one: the first sample reports it). */
  constructor(
    private readonly io: Io,
    private readonly bus: I2CBus,
    options?: Partial<Bme280Options>,
  ) {
    const self = this;
    this.onMeasured = function () {
      self.measured();
    };
    this.configure(options || {});
    try {
      bus.writeTo(this.address, [REGISTER_RESET, RESET_WORD]);
    } catch {
      this.ready = false;
    }
  }

  /** Changes address, oversampling or filter (used from the next sample). */
  configure(options: Partial<Bme280Options>): void {
    if (options.address !== undefined && options.address !== this.address) {
      this.address = options.address;
      this.ready = false;
    }
    if (options.temperatureOversampling !== undefined) this.osrsT = oversamplingCode(options.temperatureOversampling);
    if (options.pressureOversampling !== undefined) this.osrsP = oversamplingCode(options.pressureOversampling);
    if (options.humidityOversampling !== undefined) this.osrsH = oversamplingCode(options.humidityOversampling);
    if (options.filter !== undefined) this.filter = Math.max(0, Math.min(4, Math.round(options.filter)));
  }

  /** Maximum time of one measurement in ms (datasheet 9.1). */
  measurementTime(): number {
    const t = OVERSAMPLING[this.osrsT - 1]!;
    const p = OVERSAMPLING[this.osrsP - 1]!;
    const h = OVERSAMPLING[this.osrsH - 1]!;
    return 1.25 + 2.3 * t + 2.3 * p + 0.575 + 2.3 * h + 0.575;
  }

  /** Starts a forced measurement; calls back when it is read (about 10 ms later at oversampling 1). */
  sample(callback: SampleCallback<Bme280Readings>): void {
    if (this.busy) {
      deliverError(this.io, callback, "busy");
      return;
    }
    let error: SensorError | null = null;
    try {
      if (!this.ready) error = this.initialise();
      if (error === null) {
        this.control[1] = this.osrsH;
        this.control[3] = this.filter << 2;
        this.control[5] = (this.osrsT << 5) | (this.osrsP << 2) | 1;
        this.bus.writeTo(this.address, this.control);
      }
    } catch (exception) {
      error = busError(exception);
    }
    if (error !== null) {
      this.ready = false;
      deliverError(this.io, callback, error);
      return;
    }
    this.busy = true;
    this.retried = false;
    this.callback = callback;
    this.io.setTimeout(this.onMeasured, Math.ceil(this.measurementTime()));
  }

  /** Reads and checks the chip id, then the calibration; null when ready. */
  private initialise(): SensorError | null {
    const id = this.readRegisters(REGISTER_ID, 1)[0];
    if (id === 0xff) return "absent";
    if (id === 0) return "bus";
    if (id !== CHIP_ID) return "invalid";
    this.calibration.parse(this.readRegisters(REGISTER_CALIBRATION_LOW, 26), this.readRegisters(REGISTER_CALIBRATION_HIGH, 7));
    this.ready = true;
    return null;
  }

  private readRegisters(register: number, count: number): Uint8Array {
    this.bus.writeTo(this.address, register);
    return this.bus.readFrom(this.address, count);
  }

  private measured(): void {
    const callback = this.callback;
    if (callback === null) return;
    let data: Uint8Array;
    try {
      const status = this.readRegisters(REGISTER_STATUS, 1)[0]!;
      if (status === 0xff) {
        this.finish(callback, "absent");
        return;
      }
      if (status & STATUS_MEASURING) {
        if (!this.retried) {
          this.retried = true;
          this.io.setTimeout(this.onMeasured, 2);
          return;
        }
        this.finish(callback, "timeout");
        return;
      }
      data = this.readRegisters(REGISTER_DATA, 8);
    } catch (exception) {
      this.finish(callback, busError(exception));
      return;
    }
    const adcP = (data[0]! << 12) | (data[1]! << 4) | (data[2]! >> 4);
    const adcT = (data[3]! << 12) | (data[4]! << 4) | (data[5]! >> 4);
    const adcH = (data[6]! << 8) | data[7]!;
    if (adcT === SKIPPED || adcP === SKIPPED || adcH === 0x8000) {
      this.finish(callback, "invalid");
      return;
    }
    const calibration = this.calibration;
    const temperature = calibration.temperature(adcT);
    const pressure = calibration.pressure(adcP) / 100;
    const humidity = calibration.humidity(adcH);
    this.finish(callback, null);
    deliver(this.io, callback, { ok: true, readings: { temperature: temperature, pressure: pressure, humidity: humidity } });
  }

  private finish(callback: SampleCallback<Bme280Readings>, error: SensorError | null): void {
    this.busy = false;
    this.callback = null;
    if (error === null) return;
    this.ready = false;
    deliverError(this.io, callback, error);
  }
}
