/**
 * What drivers are handed instead of reaching for globals (Moddable's
 * `options.io`): the pin functions and timers of the interpreter as one
 * object, and the bus objects. On a device {@link Io} is Espruino's own
 * functions (hal/espruino.ts); in tests it is the emulated hardware's. Pins
 * and buses are Espruino's objects (`D5`, `new OneWire(D4)`, `I2C1`) or the
 * emulated ones, which have the same methods. Types only: nothing here runs.
 */

/** A pin as drivers use it: Espruino's Pin object (`D5`) or an emulated one. */
export interface HalPin {
  read(): boolean;
  write(value: boolean): void;
}

/** Pin modes of Espruino's `pinMode`. */
export type PinModeName =
  | "analog" | "input" | "input_pullup" | "input_pulldown" | "output"
  | "opendrain" | "opendrain_pullup" | "af_output" | "af_opendrain" | "auto";

/** What `setWatch` passes its callback: level after the change and times in seconds (getTime). */
export interface WatchEvent {
  state: boolean;
  time: number;
  /** Time of the pin's previous change (any edge); undefined before the first. */
  lastTime?: number;
}

/** `setWatch` options (Espruino reference, setWatch). */
export interface WatchOptions {
  repeat?: boolean;
  edge?: "rising" | "falling" | "both";
  /** Milliseconds the level must hold before the change counts; 0 or absent: none. */
  debounce?: number;
}

/** Interpreter functions a driver may call. Method syntax on purpose: Espruino's globals fit it. */
export interface Io {
  pinMode(pin: HalPin, mode?: PinModeName): void;
  digitalRead(pin: HalPin): number;
  digitalWrite(pin: HalPin, value: boolean | number): void;
  /** 0..1 of the ADC's full scale; NaN on a pin the port cannot read. */
  analogRead(pin: HalPin): number;
  /** Duty 0..1, frequency in Hz. */
  analogWrite(pin: HalPin, value: number, options?: { freq?: number }): void;
  /** Returns the watch id. */
  setWatch(callback: (event: WatchEvent) => void, pin: HalPin, options: WatchOptions): number;
  clearWatch(id: number): void;
  /** Drives `value` for `milliseconds` (an array: alternating pulse lengths), then the opposite level; returns at once. */
  digitalPulse(pin: HalPin, value: boolean | number, milliseconds: number | number[]): void;
  setTimeout(callback: () => void, milliseconds: number): number;
  clearTimeout(id: number): void;
  /** Seconds, same time base as WatchEvent.time. */
  getTime(): number;
}

/** An I2C port (`I2C1`, `new I2C()`), set up by whoever owns the bus. */
export interface I2CBus {
  writeTo(address: number, data: number | ArrayLike<number>): void;
  readFrom(address: number, count: number): Uint8Array;
}

/** A 1-Wire bus (`new OneWire(pin)`), as Espruino's OneWire class. */
export interface OneWireBus {
  /** Reset pulse; true when something answered (a stuck-low bus answers too). */
  reset(): boolean;
  /** Reset, then select the device with this 16-hex-digit ROM id. */
  select(rom: string): void;
  /** Address every device (no reset). */
  skip(): void;
  /** `power` keeps the line driven high afterwards (parasite power during a conversion). */
  write(data: number | ArrayLike<number>, power?: boolean): void;
  read(count: number): Uint8Array;
  /** ROM ids found, 16 lowercase hex digits each, family code first. */
  search(command?: number): string[];
}
