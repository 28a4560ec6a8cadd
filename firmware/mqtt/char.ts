/**
 * `String.fromCharCode`, called detached: shorter once minified, and measured
 * faster on Espruino 2v29 than `String.fromCharCode(...)`. On Espruino it
 * keeps the low 8 bits of each code: one char per byte of a binary string.
 */
export const char = String.fromCharCode;
