/**
 * What Espruino 2v29 lacks that V8 has, as data: the emulated realm deletes
 * each of these, so device code that uses one fails in a test the way it
 * fails on a board. The contract's list (Map, Set, Number.isInteger, …) plus
 * what was measured on the Linux build with `typeof` (see
 * /work/shared/espruino-feature-matrix.md and ESPRUINO.md).
 *
 * Not deletable, so not emulated: `Array.prototype.map` reading as
 * `undefined` (Espruino keeps built-in methods off the prototypes), V8
 * throwing TypeError/RangeError where Espruino throws plain Error, and
 * `fn.name` (absent on Espruino). The build's gate rejects those uses.
 */

/** Globals that do not exist on Espruino. */
export const ABSENT_GLOBALS: readonly string[] = [
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry",
  "Symbol", "Proxy", "Reflect", "BigInt", "BigInt64Array", "BigUint64Array",
  "SharedArrayBuffer", "Atomics", "WebAssembly", "Intl",
  "TextEncoder", "TextDecoder", "queueMicrotask", "setImmediate", "structuredClone",
  "AggregateError", "EvalError", "RangeError", "URIError",
  "escape", "unescape", "decodeURI", "encodeURI",
];

/**
 * Members that do not exist, by owner. `%TypedArray%` is the shared parent of
 * Uint8Array and its siblings (where `from`, `of` and the prototype methods live).
 */
export const ABSENT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Object: [
    "freeze", "seal", "isFrozen", "isSealed", "preventExtensions", "isExtensible",
    "hasOwn", "getOwnPropertySymbols", "is", "groupBy",
  ],
  "Object.prototype": [
    "propertyIsEnumerable", "isPrototypeOf", "toLocaleString",
    "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
  ],
  Number: [
    "isInteger", "isNaN", "isFinite", "isSafeInteger", "parseInt", "parseFloat",
    "MAX_SAFE_INTEGER", "MIN_SAFE_INTEGER", "EPSILON",
  ],
  "Number.prototype": ["toPrecision", "toExponential", "toLocaleString"],
  Math: [
    "imul", "trunc", "clz32", "hypot", "log2", "log10", "cbrt", "fround",
    "expm1", "log1p", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
  ],
  Date: ["UTC"],
  "Date.prototype": ["toLocaleString", "toLocaleDateString", "toLocaleTimeString", "getYear", "toDateString", "toTimeString"],
  Array: ["from", "of"],
  "Array.prototype": [
    "flat", "flatMap", "at", "findLast", "findLastIndex", "lastIndexOf", "copyWithin",
    "keys", "values", "entries", "reduceRight", "toSorted", "toReversed", "toSpliced", "with",
  ],
  "%TypedArray%": ["from", "of"],
  "%TypedArray%.prototype": [
    "at", "findLast", "findLastIndex", "lastIndexOf", "copyWithin", "reduceRight",
    "toSorted", "toReversed", "with", "entries", "keys", "values",
  ],
  String: ["fromCodePoint", "raw"],
  "String.prototype": [
    "at", "codePointAt", "trimStart", "trimEnd", "trimLeft", "trimRight", "normalize",
    "matchAll", "localeCompare", "search", "isWellFormed", "toWellFormed",
  ],
  Promise: ["race", "allSettled", "any", "withResolvers"],
  "Promise.prototype": ["finally"],
  ArrayBuffer: ["isView"],
  "ArrayBuffer.prototype": ["slice", "resize", "transfer", "transferToFixedLength"],
  // Espruino's errors have no `name` (measured: `new Error("x").name` is undefined).
  "Error.prototype": ["name"],
  "TypeError.prototype": ["name"],
  "SyntaxError.prototype": ["name"],
  "ReferenceError.prototype": ["name"],
};
