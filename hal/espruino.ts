/**
 * The Espruino backend: the interpreter's own functions as an {@link Io}.
 * Each entry is checked by the compiler against @types/espruino and
 * types/espruino.d.ts, so a driver written against Io calls exactly what a
 * board runs. Device-only: this file uses Espruino globals and is left out of
 * the host type check (tsconfig.json).
 */
import type { Io } from "./io.ts";

/** Espruino's pin functions and timers, built once at boot (about 22 heap variables). */
export function espruinoIo(): Io {
  return {
    pinMode: pinMode,
    digitalRead: digitalRead,
    digitalWrite: digitalWrite,
    analogRead: analogRead,
    analogWrite: analogWrite,
    setWatch: setWatch,
    clearWatch: clearWatch,
    digitalPulse: digitalPulse,
    setTimeout: setTimeout,
    clearTimeout: clearTimeout,
    getTime: getTime,
  };
}
