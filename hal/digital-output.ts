/**
 * A relay, LED or any on/off load on one pin. The constructor drives the
 * load off before anything else can run, writing the level before switching
 * the pin to output (Espruino's jshPinOutput order), so an active-low relay
 * never clicks at boot.
 */
import type { HalPin, Io } from "./io.ts";
import type { Actuator } from "./sensor.ts";

/** Settings of a digital output. */
export interface DigitalOutputOptions {
  /** The load is on while the pin is low (most relay modules, the ESP8266 on-board LED). Default false. */
  activeLow: boolean;
  /** Only ever pull low and let go for "high" (loads on another supply through a pull-up). Default false. */
  openDrain: boolean;
}

/** An on/off output; `state` is true while the load is on. Its options are fixed at construction. */
export class DigitalOutput implements Actuator<boolean> {
  // no initialiser, which would take bytes in the bundle: the constructor's write(false) sets it
  state!: boolean;
  /** The option as given, false when absent. */
  private readonly activeLow: boolean;

  /** Drives the load off (the safe state) as `options` say: the level first, then the pin mode, which stays (a pin whose mode was set is never switched by digitalWrite). */
  constructor(
    private readonly io: Io,
    private readonly pin: HalPin,
    options?: Partial<DigitalOutputOptions>,
  ) {
    this.activeLow = (options && options.activeLow) ?? false;
    this.write(false);
    io.pinMode(pin, options && options.openDrain ? "opendrain" : "output");
  }

  /** Switches the load on (true) or off (false). */
  write(value: boolean): void {
    this.state = !!value;
    this.io.digitalWrite(this.pin, this.state !== this.activeLow);
  }
}
