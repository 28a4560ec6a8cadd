/**
 * Hands a sample's outcome to its callback from a fresh timer, so a callback
 * never runs inside `sample()` and an exception in it cannot unwind a
 * driver's state. The outcome is built here, from an error code or the
 * readings, so that each driver's many calls carry only what differs.
 */
import type { Io } from "./io.ts";
import type { Readings, SampleCallback, SensorError } from "./sensor.ts";

/**
 * Calls `callback` from a zero-delay timer with `{ok: false, error}`, or
 * with `{ok: true, readings}` when `error` is null (the readings are not
 * looked at otherwise).
 */
export function deliver<R extends Readings>(io: Io, callback: SampleCallback<R>, error: SensorError): void;
export function deliver<R extends Readings>(io: Io, callback: SampleCallback<R>, error: SensorError | null, readings: R): void;
export function deliver<R extends Readings>(io: Io, callback: SampleCallback<R>, error: SensorError | null, readings?: R): void {
  io.setTimeout(function () {
    callback(error === null ? { ok: true, readings: readings! } : { ok: false, error: error });
  }, 0);
}
