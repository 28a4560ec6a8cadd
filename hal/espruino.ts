/**
 * The Espruino backend: the interpreter's own functions as an {@link Io}.
 * The global object already holds every function of Io under its name, so
 * it is the Io itself: no object is built, where one with the 11 functions
 * as members would take about 24 heap variables for as long as the node
 * runs (a fifth of what the ESP8266 has to spare). The assignment to Io is
 * checked by the compiler against @types/espruino and types/espruino.d.ts,
 * so a driver written against Io calls exactly what a board runs.
 * Device-only: this file uses Espruino globals and is left out of the host
 * type check (tsconfig.json).
 */
import type { Io } from "./io.ts";

/** Espruino's pin functions and timers: the global object. */
export function espruinoIo(): Io {
  const io: Io = global;
  return io;
}
