/**
 * A Bosch BME280 on I2C, after the datasheet (BST-BME280-DS002): address
 * 0x76 (SDO low) or 0x77, chip id 0x60 at 0xD0, soft reset (0xB6 to 0xE0),
 * calibration at 0x88..0xA1 and 0xE1..0xE7, ctrl_hum 0xF2 (takes effect on
 * the next ctrl_meas write, 5.4.3), status 0xF3 (bit 3 measuring), ctrl_meas
 * 0xF4 (osrs_t, osrs_p, mode), config 0xF5, data 0xF7..0xFE; register writes
 * are address/value pairs and reads auto-increment (6.2). A forced
 * measurement takes the typical time of section 9.1 and the chip returns to
 * sleep; skipped measurements read 0x80000 / 0x8000. Resolution follows the
 * oversampling (16 + osrs - 1 bits, 20 with the IIR filter; 3.4.x).
 * Faults: absent (no acknowledge) and a bus held low.
 */
import type { DeviceScheduler, I2CTarget } from "../hardware/index.ts";
import {
  calibrationRegisters, EXAMPLE_CALIBRATION, rawHumidityFor, rawPressureFor, rawTemperatureFor, tFineOf,
  type Bme280Calibration,
} from "./bme280-math.ts";

/** Chip id of the BME280 (datasheet 5.4.1). */
export const BME280_CHIP_ID = 0x60;

/** Faults the model can show. */
export type Bme280Fault = "absent" | "stuck" | null;

/** Raw ADC values to report instead of those computed from the physical values. */
export interface Bme280Raw {
  temperature: number;
  pressure: number;
  humidity: number;
}

/** How a BME280 model starts. */
export interface Bme280Options {
  address?: 0x76 | 0x77;
  calibration?: Bme280Calibration;
  /** °C. */
  temperature?: number;
  /** hPa. */
  pressure?: number;
  /** %RH. */
  humidity?: number;
}

const OVERSAMPLING = [0, 1, 2, 4, 8, 16, 16, 16];

/** An emulated BME280. */
export class Bme280Model implements I2CTarget {
  readonly address: number;
  readonly calibration: Bme280Calibration;
  temperature: number;
  pressure: number;
  humidity: number;
  /** When set, these raw readings are reported as they are (datasheet examples). */
  raw: Bme280Raw | null = null;
  fault: Bme280Fault = null;
  /** Completed measurements (for tests). */
  measurements = 0;
  private readonly registers = new Uint8Array(256);
  private pointer = 0;
  private pendingHumidity = 0;
  private measuringUntil = -Infinity;
  private scheduler: DeviceScheduler | null = null;

  constructor(options: Bme280Options = {}) {
    this.address = options.address ?? 0x76;
    this.calibration = options.calibration ?? EXAMPLE_CALIBRATION;
    this.temperature = options.temperature ?? 20;
    this.pressure = options.pressure ?? 1013.25;
    this.humidity = options.humidity ?? 50;
    this.softReset();
  }

  connect(scheduler: DeviceScheduler): void {
    this.scheduler = scheduler;
  }

  acknowledges(): boolean {
    return this.fault !== "absent";
  }

  holdsBus(): boolean {
    return this.fault === "stuck";
  }

  /** Typical duration of one measurement with the current oversampling, in ms (datasheet 9.1). */
  measurementMs(): number {
    const control = this.registers[0xf4]!;
    const t = OVERSAMPLING[(control >> 5) & 7]!;
    const p = OVERSAMPLING[(control >> 2) & 7]!;
    const h = OVERSAMPLING[this.registers[0xf2]! & 7]!;
    return 1 + 2 * t + (p > 0 ? 2 * p + 0.5 : 0) + (h > 0 ? 2 * h + 0.5 : 0);
  }

  write(bytes: Uint8Array): void {
    this.settle();
    this.pointer = bytes[0]!;
    for (let index = 0; index + 1 < bytes.length; index += 2) this.writeRegister(bytes[index]!, bytes[index + 1]!);
  }

  read(count: number): Uint8Array {
    this.settle();
    const out = new Uint8Array(count);
    for (let index = 0; index < count; index++) {
      const register = (this.pointer + index) & 255;
      out[index] = register === 0xf3 ? this.status() : this.registers[register]!;
    }
    this.pointer = (this.pointer + count) & 255;
    return out;
  }

  private now(): number {
    return this.scheduler === null ? 0 : this.scheduler.now();
  }

  private status(): number {
    return this.now() < this.measuringUntil ? 0x08 : 0x00;
  }

  private softReset(): void {
    this.registers.fill(0);
    const calibration = calibrationRegisters(this.calibration);
    this.registers.set(calibration.low, 0x88);
    this.registers.set(calibration.high, 0xe1);
    this.registers[0xd0] = BME280_CHIP_ID;
    this.registers.set([0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00], 0xf7);
    this.pendingHumidity = 0;
    this.measuringUntil = -Infinity;
  }

  private writeRegister(register: number, value: number): void {
    if (register === 0xe0) {
      if (value === 0xb6) this.softReset();
    } else if (register === 0xf2) {
      this.pendingHumidity = value & 7;
    } else if (register === 0xf4) {
      this.registers[0xf2] = this.pendingHumidity;
      this.registers[0xf4] = value;
      if ((value & 3) !== 0) this.measuringUntil = this.now() + this.measurementMs();
    } else if (register === 0xf5) {
      this.registers[0xf5] = value & 0xfd;
    }
  }

  /** Finishes a measurement whose time has come (forced mode then returns to sleep). */
  private settle(): void {
    if (this.measuringUntil === -Infinity || this.now() < this.measuringUntil) return;
    const control = this.registers[0xf4]!;
    if ((control & 3) === 3) this.measuringUntil = this.now() + this.measurementMs();
    else {
      this.measuringUntil = -Infinity;
      this.registers[0xf4] = control & 0xfc;
    }
    this.measure(control);
  }

  private measure(control: number): void {
    this.measurements++;
    const c = this.calibration;
    const filtered = ((this.registers[0xf5]! >> 2) & 7) !== 0;
    const osrsT = (control >> 5) & 7;
    const osrsP = (control >> 2) & 7;
    const osrsH = this.registers[0xf2]! & 7;
    const adcT = this.raw?.temperature ?? rawTemperatureFor(this.temperature, c);
    const tFine = tFineOf(adcT, c);
    const adcP = this.raw?.pressure ?? rawPressureFor(this.pressure, tFine, c);
    const adcH = this.raw?.humidity ?? rawHumidityFor(this.humidity, tFine, c);
    const resolution = (osrs: number): number => (filtered ? 20 : 15 + Math.min(5, osrs));
    const quantise = (value: number, bits: number): number => {
      const step = 2 ** (20 - bits);
      return Math.min(0xfffff, Math.round(value / step) * step);
    };
    const t = osrsT === 0 ? 0x80000 : this.raw ? adcT : quantise(adcT, resolution(osrsT));
    const p = osrsP === 0 ? 0x80000 : this.raw ? adcP : quantise(adcP, resolution(osrsP));
    const h = osrsH === 0 ? 0x8000 : adcH;
    this.registers.set([p >> 12, (p >> 4) & 255, (p & 15) << 4, t >> 12, (t >> 4) & 255, (t & 15) << 4, h >> 8, h & 255], 0xf7);
  }
}
