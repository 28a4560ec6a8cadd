/**
 * A dimmable LED, a fan or a motor driver on one PWM pin: `write(percent)`
 * sets the duty cycle from 0 to 100 % at the configured frequency. Starts
 * at 0 %. On ESP32, Espruino drives D25/D26 through the DAC instead
 * (targets/esp32/jshardware.c), so a PWM load belongs on another pin.
 */
import type { HalPin, Io } from "./io.ts";
import type { Actuator } from "./sensor.ts";

/** Settings of a PWM output. */
export interface PwmOutputOptions {
  /** PWM frequency in Hz (default 1000). */
  frequency: number;
  /** Full power while the pin is low (default false). */
  activeLow: boolean;
}

/** A PWM output; `state` is the duty cycle in percent (0..100). */
export class PwmOutput implements Actuator<number> {
  state = 0;
  private activeLow = false;
  private readonly analogOptions = { freq: 1000 };

  /** Starts at 0 % (off), then applies `options`. */
  constructor(
    private readonly io: Io,
    private readonly pin: HalPin,
    options?: Partial<PwmOutputOptions>,
  ) {
    this.configure(options || {});
  }

  /** Changes frequency or polarity; the duty cycle stays. */
  configure(options: Partial<PwmOutputOptions>): void {
    if (options.frequency !== undefined && options.frequency > 0) this.analogOptions.freq = options.frequency;
    if (options.activeLow !== undefined) this.activeLow = options.activeLow;
    this.apply();
  }

  /** Sets the duty cycle in percent, clamped to 0..100; NaN leaves it unchanged. */
  write(percent: number): void {
    if (percent !== percent) return;
    this.state = percent < 0 ? 0 : percent > 100 ? 100 : percent;
    this.apply();
  }

  private apply(): void {
    const duty = this.state / 100;
    this.io.analogWrite(this.pin, this.activeLow ? 1 - duty : duty, this.analogOptions);
  }
}
