/**
 * Hands a sample's outcome to its callback from a fresh timer, so a callback
 * never runs inside `sample()` and an exception in it cannot unwind a
 * driver's state.
 */
import type { Io } from "./io.ts";
import type { Readings, Sample, SampleCallback } from "./sensor.ts";

/** Calls `callback(result)` from a zero-delay timer. */
export function deliver<R extends Readings>(io: Io, callback: SampleCallback<R>, result: Sample<R>): void {
  io.setTimeout(function () {
    callback(result);
  }, 0);
}
