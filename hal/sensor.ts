/**
 * The three shapes every driver takes (after ECMA-419 / Moddable sensors):
 * a {@link Sensor} is sampled and answers later with named readings in
 * SI-ish units or one error code; an {@link Actuator} is written and keeps
 * its state readable; an {@link Input} reports changes as they happen. The
 * constructor (or, for the DHT22, DS18B20, BME280 and digital input, the
 * `create…` function, which returns a plain object) of each driver puts the
 * hardware in a safe, known state with its options, which are fixed from
 * then on: no node changes them, and a
 * `configure` kept on each instance of the DHT22, DS18B20, BME280 and
 * digital input drivers cost an ESP8266 about 7 heap variables each for as
 * long as the node runs (the analog input, whose methods are shared on its
 * prototype, keeps its `configure`). No driver
 * throws out of a timer: every fault ends in a {@link SensorError} passed
 * to the callback.
 */

/**
 * Why a sample has no readings:
 * - `absent`: nothing answered (no presence pulse, no acknowledge, no response)
 * - `checksum`: the data arrived but its checksum or CRC is wrong
 * - `bus`: the bus is stuck or failed (line held low, transfer error)
 * - `timeout`: the device did not finish in time
 * - `power-on`: a DS18B20 still holds its power-on value (85 °C): no conversion happened
 * - `busy`: a sample of this sensor is already in progress
 * - `invalid`: the data cannot be right (wrong chip id, skipped measurement, no ADC)
 */
export type SensorError = "absent" | "checksum" | "bus" | "timeout" | "power-on" | "busy" | "invalid";

/** Readings by name: numbers in the units their driver names (`DHT22_UNITS`, …), or booleans. */
export type Readings = Record<string, number | boolean>;

/** The outcome of one sample: readings, or an error code. */
export type Sample<R extends Readings> = { ok: true; readings: R } | { ok: false; error: SensorError };

/** Receives the outcome of a sample; always called once, never inside `sample()` itself. */
export type SampleCallback<R extends Readings> = (result: Sample<R>) => void;

/**
 * A sensor: `sample` measures and calls back later. The unit of each
 * reading is a constant of its driver's module (`DHT22_UNITS`, …; the
 * analog input's, configurable, is its `units`).
 */
export interface Sensor<R extends Readings> {
  sample(callback: SampleCallback<R>): void;
}

/** An output: `write` sets it, `state` reads back what was written (after clamping). */
export interface Actuator<V> {
  readonly state: V;
  write(value: V): void;
}

/** What an input reports: a debounced change of its active state, or a long press. */
export type InputEventKind = "change" | "long";

/**
 * Called on each input event: `active` is the logical state (after
 * active-low inversion); `seconds` is when it happened (getTime) for
 * "change", and how long it has been held for "long".
 */
export type InputListener = (kind: InputEventKind, active: boolean, seconds: number) => void;

/** A digital input that reports changes. */
export interface Input {
  readonly active: boolean;
  /** Sets the one listener (null: none). */
  listen(listener: InputListener | null): void;
  /** Stops watching the pin. */
  close(): void;
}
