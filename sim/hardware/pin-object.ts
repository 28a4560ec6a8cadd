/**
 * Espruino's `Pin` objects (`D5`, `A0`) over the emulated pins, with the
 * methods of src/jswrap_pin.c: read, set, reset, write, toggle, mode,
 * getMode, pulse, analog, pwm. On Espruino a pin is number-like (`D5 == 5`,
 * `String(D5) == "D5"`, `JSON.stringify(D5) == '"D5"'`); the emulated object
 * gives the same through valueOf, toString and toJSON.
 */
import type { PinCarrier } from "./context.ts";
import type { Gpio } from "./gpio.ts";
import type { SimPin } from "./sim-pin.ts";

/** One Espruino Pin object. */
export class EspruinoPin implements PinCarrier {
  constructor(
    readonly simPin: SimPin,
    private readonly gpio: Gpio,
  ) {}

  /** The input state as a boolean (makes the pin an input in automatic mode). */
  read(): boolean {
    return this.gpio.input(this.simPin);
  }

  /** Output 1. */
  set(): void {
    this.gpio.output(this.simPin, true);
  }

  /** Output 0. */
  reset(): void {
    this.gpio.output(this.simPin, false);
  }

  /** Output the given value. */
  write(value: unknown): void {
    this.gpio.output(this.simPin, Boolean(value));
  }

  /** Outputs the opposite of the level now on the pin; returns the new output. */
  toggle(): boolean {
    const on = !this.simPin.level;
    this.gpio.output(this.simPin, on);
    return on;
  }

  /** Sets the mode (`pinMode(pin, mode)`). */
  mode(mode?: unknown): void {
    this.gpio.pinMode(this, mode, false);
  }

  /** The mode string, or undefined. */
  getMode(): string | undefined {
    return this.gpio.getPinMode(this);
  }

  /** Same as `digitalPulse(pin, value, time)`. */
  pulse(value: unknown, time: unknown): void {
    this.gpio.digitalPulse(this, value, time);
  }

  /** Same as `analogRead(pin)`. */
  analog(): number {
    return this.gpio.analogRead(this);
  }

  /** Same as `analogWrite(pin, value, {freq})`. */
  pwm(value: unknown, frequency?: unknown): void {
    this.gpio.analogWrite(this, value, frequency === undefined ? undefined : { freq: frequency });
  }

  /** Espruino's name, e.g. "D5". */
  toString(): string {
    return this.simPin.name;
  }

  /** JSON gives the name, as on Espruino. */
  toJSON(): string {
    return this.simPin.name;
  }

  /** The GPIO number (Espruino pins compare equal to their number). */
  valueOf(): number {
    return this.simPin.capabilities.gpio;
  }
}
