/**
 * A push button, reed switch or any contact on one pin: Espruino's
 * debounced `setWatch` reports each settled change; a change to active that
 * lasts `longPress` ms also reports a long press. `active` is the logical
 * state: with the default pull-up wiring (contact to ground), pressed is low.
 * Also a {@link Sensor} of `{active}` so a door contact can be published on a
 * schedule as well as on change.
 */
import { deliver } from "./deliver.ts";
import type { HalPin, Io, PinModeName, WatchEvent } from "./io.ts";
import type { Input, InputListener, Sensor, SampleCallback } from "./sensor.ts";

/** Settings of a digital input. */
export interface DigitalInputOptions {
  /** Internal pull resistor (default "up": contact to ground). */
  pull: "up" | "down" | "none";
  /** Active while the pin is low (default true, matching the pull-up). */
  activeLow: boolean;
  /** Milliseconds a level must hold to count (default 20). */
  debounce: number;
  /** Milliseconds held active before a "long" event; 0 disables it (default 0). */
  longPress: number;
}

/** Readings of a digital input. */
export interface DigitalReadings {
  [name: string]: boolean;
  active: boolean;
}

/**
 * Unit of each reading of a DigitalInput, for descriptions (Home Assistant's
 * discovery has its own table, held to this by a test): a constant outside
 * the class, which a node's bundle leaves out (each getter on the
 * prototype cost an ESP8266 about 7 heap variables for good).
 */
export const DIGITAL_INPUT_UNITS = { active: "boolean" };

/** A debounced digital input. */
export class DigitalInput implements Input<DigitalInputOptions>, Sensor<DigitalReadings, DigitalInputOptions> {
  private pull: "up" | "down" | "none" = "up";
  private activeLow = true;
  private debounce = 20;
  private longPress = 0;
  private state = false;
  private watch = 0;
  private longTimer = 0;
  private listener: InputListener | null = null;
  /** The watch's callback, and the long-press timer's (which Espruino calls with no event). */
  private readonly onWatch: (event?: WatchEvent) => void;

  /** Sets the pull resistor, reads the current state and starts watching. */
  constructor(
    private readonly io: Io,
    private readonly pin: HalPin,
    options?: Partial<DigitalInputOptions>,
  ) {
    this.onWatch = this.changed.bind(this);
    this.configure(options || {});
  }

  /** The logical state now. */
  get active(): boolean {
    return this.state;
  }

  /**
   * Changes wiring, debounce or long-press time; restarts the watch. The pull
   * is set before `setWatch` (which records the level it starts from) and
   * again after it, since on ESP32 it forces a pull-up
   * (targets/esp32/jshardware.c jshPinWatch).
   */
  configure(options: Partial<DigitalInputOptions>): void {
    if (options.pull !== undefined) this.pull = options.pull;
    if (options.activeLow !== undefined) this.activeLow = options.activeLow;
    if (options.debounce !== undefined) this.debounce = Math.max(0, options.debounce);
    if (options.longPress !== undefined) this.longPress = Math.max(0, options.longPress);
    this.close();
    const mode: PinModeName = this.pull === "up" ? "input_pullup" : this.pull === "down" ? "input_pulldown" : "input";
    this.io.pinMode(this.pin, mode);
    this.watch = this.io.setWatch(this.onWatch, this.pin, { repeat: true, edge: "both", debounce: this.debounce });
    this.io.pinMode(this.pin, mode);
    this.state = (this.io.digitalRead(this.pin) === 1) !== this.activeLow;
  }

  /** Sets the one listener (null: none). */
  listen(listener: InputListener | null): void {
    this.listener = listener;
  }

  /** Calls back with `{active}`. */
  sample(callback: SampleCallback<DigitalReadings>): void {
    deliver(this.io, callback, null, { active: this.state });
  }

  /** Stops watching the pin. */
  close(): void {
    if (this.watch) this.io.clearWatch(this.watch);
    if (this.longTimer) this.io.clearTimeout(this.longTimer);
    this.watch = 0;
    this.longTimer = 0;
  }

  private changed(event?: WatchEvent): void {
    if (!event) {
      this.longTimer = 0;
      if (this.state && this.listener) this.listener("long", true, this.longPress / 1000);
      return;
    }
    const active = event.state !== this.activeLow;
    if (active === this.state) return;
    this.state = active;
    if (this.longTimer) this.io.clearTimeout(this.longTimer);
    this.longTimer = active && this.longPress > 0 ? this.io.setTimeout(this.onWatch, this.longPress) : 0;
    if (this.listener) this.listener("change", active, event.time);
  }
}
