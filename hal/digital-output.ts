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

/** An on/off output; `state` is true while the load is on. */
export class DigitalOutput implements Actuator<boolean, DigitalOutputOptions> {
  // no initialisers, which would take bytes in the bundle: the constructor's configure() sets all three (`state` through write(undefined), false)
  state!: boolean;
  private activeLow!: boolean;
  private openDrain!: boolean;

  /** Drives the load off (the safe state), then applies `options`. */
  constructor(
    private readonly io: Io,
    private readonly pin: HalPin,
    options?: Partial<DigitalOutputOptions>,
  ) {
    this.configure(options || {});
  }

  /** Changes polarity or drive (false until first given); the load keeps its logical state. */
  configure(options: Partial<DigitalOutputOptions>): void {
    this.activeLow = options.activeLow ?? this.activeLow ?? false;
    this.openDrain = options.openDrain ?? this.openDrain ?? false;
    this.write(this.state);
  }

  /** Switches the load on (true) or off (false): the level first, then the pin mode. */
  write(value: boolean): void {
    this.state = !!value;
    this.io.digitalWrite(this.pin, this.state !== this.activeLow);
    this.io.pinMode(this.pin, this.openDrain ? "opendrain" : "output");
  }
}
