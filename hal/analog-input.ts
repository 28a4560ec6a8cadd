/**
 * A voltage on an ADC pin turned into a value by a straight line: `voltage`
 * in V, and `value = voltage × scale + offset` in the configured unit (a
 * battery through a divider, a soil probe, a light sensor). Several reads
 * can be averaged. A pin the port cannot read (analogRead gives NaN) is an
 * `invalid` sample.
 */
import { deliver } from "./deliver.ts";
import type { HalPin, Io } from "./io.ts";
import type { Sensor, SampleCallback } from "./sensor.ts";

/** Settings of an analog input. */
export interface AnalogInputOptions {
  /** Volts at the pin that read as full scale (default 3.3: ESP32 at 11 dB, NodeMCU A0 divider). */
  fullScale: number;
  /** Multiplier from volts to the value (default 1). */
  scale: number;
  /** Added after scaling (default 0). */
  offset: number;
  /** Unit of `value` (default "V"). */
  unit: string;
  /** Reads averaged per sample, 1..64 (default 1). */
  samples: number;
}

/** Readings of an analog input. */
export interface AnalogReadings {
  [name: string]: number;
  /** Volts at the pin. */
  voltage: number;
  /** voltage × scale + offset, in `units.value`. */
  value: number;
}

/** An analog input on one ADC pin. */
export class AnalogInput implements Sensor<AnalogReadings> {
  readonly units = { voltage: "V", value: "V" };
  private fullScale = 3.3;
  private scale = 1;
  private offset = 0;
  private samples = 1;

  /**
   * Applies `options`. The pin's mode is left to analogRead: Espruino's ESP32
   * port rejects `pinMode(pin, "analog")` (jshPinSetState: unexpected state).
   */
  constructor(
    private readonly io: Io,
    private readonly pin: HalPin,
    options?: Partial<AnalogInputOptions>,
  ) {
    this.configure(options || {});
  }

  /** Changes calibration, unit or averaging. */
  configure(options: Partial<AnalogInputOptions>): void {
    if (options.fullScale !== undefined) this.fullScale = options.fullScale;
    if (options.scale !== undefined) this.scale = options.scale;
    if (options.offset !== undefined) this.offset = options.offset;
    if (options.unit !== undefined) this.units.value = options.unit;
    if (options.samples !== undefined) this.samples = Math.max(1, Math.min(64, Math.round(options.samples)));
  }

  /** Reads the pin now and calls back with `{voltage, value}` or `invalid`. */
  sample(callback: SampleCallback<AnalogReadings>): void {
    let sum = 0;
    for (let index = 0; index < this.samples; index++) sum += this.io.analogRead(this.pin);
    const fraction = sum / this.samples;
    if (fraction !== fraction) {
      deliver(this.io, callback, "invalid");
      return;
    }
    const voltage = fraction * this.fullScale;
    deliver(this.io, callback, null, { voltage: voltage, value: voltage * this.scale + this.offset });
  }
}
