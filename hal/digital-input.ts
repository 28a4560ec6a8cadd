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
 * the driver, which a node's bundle leaves out (each getter on the
 * prototype cost an ESP8266 about 7 heap variables for good).
 */
export const DIGITAL_INPUT_UNITS = { active: "boolean" };

/** A debounced digital input, made by {@link createDigitalInput}. */
export interface DigitalInput extends Input, Sensor<DigitalReadings> {
  /** The logical state now (read when made, then kept by the watch). */
  readonly active: boolean;
  /** Sets the one listener (null: none). */
  listen(listener: InputListener | null): void;
  /** Calls back with `{active}`. */
  sample(callback: SampleCallback<DigitalReadings>): void;
  /** Stops watching the pin. */
  close(): void;
}

/**
 * A debounced digital input on `pin`: sets the pull resistor, reads the
 * current state and starts watching, as `options` say: fixed from then on
 * (see Sensor). The pull is set before `setWatch` (which records the level
 * it starts from) and again after it, since on ESP32 it forces a pull-up
 * (targets/esp32/jshardware.c jshPinWatch). A plain object, not a class
 * instance: no prototype, constructor or `__proto__` link for the heap to
 * hold. Its state lives in locals of this function that its functions
 * share, not in members: a minified bundle shortens a local's name, but a
 * member keeps its `this.` at every use.
 */
export function createDigitalInput(io: Io, pin: HalPin, options?: Partial<DigitalInputOptions>): DigitalInput {
  const activeLow = options && options.activeLow !== undefined ? options.activeLow : true;
  const longPress = options && options.longPress !== undefined ? Math.max(0, options.longPress) : 0;
  const mode: PinModeName = !options || options.pull === undefined || options.pull === "up" ? "input_pullup" : options.pull === "down" ? "input_pulldown" : "input";
  let state = false;
  let watch = 0;
  let longTimer = 0;
  let listener: InputListener | null = null;

  /** The watch's callback, and the long-press timer's (which Espruino calls with no event). */
  const changed = function (event?: WatchEvent): void {
    if (!event) {
      longTimer = 0;
      if (state && listener) listener("long", true, longPress / 1000);
      return;
    }
    const active = event.state !== activeLow;
    if (active === state) return;
    driver.active = state = active;
    if (longTimer) io.clearTimeout(longTimer);
    longTimer = active && longPress > 0 ? io.setTimeout(changed, longPress) : 0;
    if (listener) listener("change", active, event.time);
  };

  /* active is read-only to the driver's users: its functions write it here, a copy of `state`. */
  const driver: { active: boolean; listen(listener: InputListener | null): void; sample(callback: SampleCallback<DigitalReadings>): void; close(): void } = {
    active: false,
    listen: function (newListener: InputListener | null): void {
      listener = newListener;
    },
    sample: function (callback: SampleCallback<DigitalReadings>): void {
      deliver(io, callback, null, { active: state });
    },
    close: function (): void {
      if (watch) io.clearWatch(watch);
      if (longTimer) io.clearTimeout(longTimer);
      watch = 0;
      longTimer = 0;
    },
  };

  io.pinMode(pin, mode);
  watch = io.setWatch(changed, pin, { repeat: true, edge: "both", debounce: options && options.debounce !== undefined ? Math.max(0, options.debounce) : 20 });
  io.pinMode(pin, mode);
  driver.active = state = (io.digitalRead(pin) === 1) !== activeLow;
  return driver;
}
