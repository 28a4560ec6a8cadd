/**
 * What Espruino 2v29 lacks among the globals, measured in
 * ../../../shared/espruino-feature-matrix.md. Each entry maps a name to what to
 * write instead. Only names that resolve to the global count: a local binding
 * of the same name is the project's own and is fine.
 *
 * Not listed on purpose: `lastIndexOf` (strings have it; only arrays lack it,
 * and a call by name cannot tell the two apart), `Math.sign` (present).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** Global constructors (for `extends X` and `X.prototype.member`). */
export const BUILTIN_CONSTRUCTORS: ReadonlySet<string> = new Set([
  "Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt",
  "Date", "RegExp", "Promise", "Proxy", "ArrayBuffer", "DataView",
  "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError",
  "URIError", "AggregateError",
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
  "Int32Array", "Uint32Array", "Float32Array", "Float64Array",
  "BigInt64Array", "BigUint64Array",
]);

const THROW_ERROR = "throw `new Error(message)` and test the message, not `instanceof` (Espruino raises plain Error)";

/** Global identifiers that do not exist, with what to write instead. */
export const ABSENT_GLOBALS: ReadonlyMap<string, string> = new Map([
  ["Map", "use a plain object keyed by strings, or an array"],
  ["Set", "use a plain object keyed by strings, or an array"],
  ["WeakMap", "use a property on the object (esbuild lowers `#private` members to WeakMap: use TypeScript `private` instead)"],
  ["WeakSet", "use a flag property on the object (esbuild lowers `#private` methods to WeakSet: use TypeScript `private` instead)"],
  ["Symbol", "use string keys; iterate arrays with an index"],
  ["Proxy", "use explicit getter/setter methods"],
  ["Reflect", "use plain property access, `in` and Object methods"],
  ["TextEncoder", "encode UTF-8 by hand (charCodeAt) or use E.toUint8Array / E.asUTF8"],
  ["TextDecoder", "decode with E.toString and String.fromCharCode"],
  ["queueMicrotask", "use `setTimeout(fn, 0)` or `Promise.resolve().then(fn)`"],
  ["setImmediate", "use `setTimeout(fn, 0)`"],
  ["WeakRef", "hold a strong reference and release it explicitly"],
  ["FinalizationRegistry", "release resources explicitly (a `close()` method)"],
  ["structuredClone", "copy explicitly (`Object.assign({}, x)` or JSON round trip)"],
  ["TypeError", THROW_ERROR],
  ["RangeError", THROW_ERROR],
  ["SyntaxError", THROW_ERROR],
  ["ReferenceError", THROW_ERROR],
  ["EvalError", THROW_ERROR],
  ["URIError", THROW_ERROR],
  ["AggregateError", THROW_ERROR],
]);

const TYPED_ARRAY_FROM = "create it with `new X(lengthOrArray)` and fill it with `set`";

/** Static members that do not exist, as `Object.member`, with what to write instead. */
export const ABSENT_STATICS: ReadonlyMap<string, string> = new Map([
  ["Number.isInteger", "use `typeof x == \"number\" && x % 1 == 0`"],
  ["Number.isNaN", "use `x !== x` (or the global `isNaN` on a number)"],
  ["Number.isFinite", "use the global `isFinite` on a number"],
  ["Number.isSafeInteger", "compare against 9007199254740991 explicitly"],
  ["Number.parseInt", "use the global `parseInt`"],
  ["Number.parseFloat", "use the global `parseFloat`"],
  ["Number.MAX_SAFE_INTEGER", "write 9007199254740991"],
  ["Number.MIN_SAFE_INTEGER", "write -9007199254740991"],
  ["Number.EPSILON", "write 2.220446049250313e-16"],
  ["Math.imul", "multiply 16-bit halves, or `(a * b) | 0` when the product stays below 2^53"],
  ["Math.trunc", "use `x | 0` (32-bit) or `x < 0 ? Math.ceil(x) : Math.floor(x)`"],
  ["Math.clz32", "count with a shift loop"],
  ["Math.hypot", "use `Math.sqrt(a * a + b * b)`"],
  ["Math.log2", "use `Math.log(x) / Math.LN2`"],
  ["Math.log10", "use `Math.log(x) / Math.LN10`"],
  ["Math.cbrt", "use `Math.pow(x, 1 / 3)` (mind the sign)"],
  ["Math.fround", "round through a one-element Float32Array"],
  ["Date.UTC", "compute milliseconds since the epoch, or `Date.parse(\"...Z\")`"],
  ["Array.from", "build the array with a loop"],
  ["Array.of", "use an array literal"],
  ["Object.freeze", "drop it; mark the type `readonly` / `as const` instead"],
  ["Object.seal", "drop it; mark the type `readonly` instead"],
  ["Object.isFrozen", "drop it; nothing is frozen on Espruino"],
  ["Object.hasOwn", "use `obj.hasOwnProperty(key)` on the instance"],
  ["Object.getOwnPropertySymbols", "symbols do not exist; use Object.keys"],
  ["Promise.race", "settle a `new Promise` from each input's `then`"],
  ["Promise.allSettled", "wrap each input in `then(ok, fail)` and use Promise.all"],
  ["Promise.any", "settle a `new Promise` from each input's `then`"],
  ["String.raw", "use an ordinary string with escaped backslashes"],
  ...["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Int32Array", "Uint32Array", "Float32Array", "Float64Array"].flatMap(
    (name): Array<[string, string]> => [[`${name}.from`, TYPED_ARRAY_FROM], [`${name}.of`, TYPED_ARRAY_FROM]]),
]);

/**
 * Instance methods that do not exist, with what to write instead. Flagged by
 * name when called, whatever the receiver (the minifier never renames
 * properties, and the bundle has no types): a method of the project's own
 * with one of these names must be renamed. `lastIndexOf` is deliberately
 * absent: strings have it, only arrays lack it.
 */
export const ABSENT_METHODS: ReadonlyMap<string, string> = new Map([
  ["flat", "concatenate in a loop"],
  ["flatMap", "map, then concatenate in a loop"],
  ["at", "index directly: `x[i]`, `x[x.length - 1]`"],
  ["findLast", "loop from the end"],
  ["findLastIndex", "loop from the end"],
  ["copyWithin", "use `set(x.subarray(from, to), at)` on typed arrays, or a loop"],
  ["codePointAt", "use `charCodeAt` (and combine surrogate pairs by hand)"],
  ["trimStart", "use `replace(/^\\s+/, \"\")`"],
  ["trimEnd", "use `replace(/\\s+$/, \"\")`"],
  ["finally", "use `then(done, done)`"],
  ["propertyIsEnumerable", "use `Object.keys(obj).indexOf(key) >= 0`"],
  ["matchAll", "call `exec` in a loop with a /g regular expression"],
]);

let rootNames: ReadonlySet<string> | null = null;

/**
 * The names Espruino itself defines at its root: every global @types/espruino
 * declares (pins D0-D40 and A0-A7, `E`, `LED1`, `analogRead`…), the JavaScript
 * globals the firmware leans on, and `onInit`, which the interpreter calls by
 * name at boot.
 */
export function espruinoRootNames(): ReadonlySet<string> {
  if (rootNames) return rootNames;
  const names = new Set(["onInit", "global", "globalThis", "require", "process", "print", "console", "JSON", "Math", "Object", "Array", "String", "Number",
    "Uint8Array", "Error", "Date", "Promise", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "parseInt", "parseFloat", "isNaN", "isFinite"]);
  const declarations = readFileSync(createRequire(import.meta.url).resolve("@types/espruino/index.d.ts"), "utf8");
  for (const match of declarations.matchAll(/^declare (?:function|const|let|var|class|namespace) ([A-Za-z_$][\w$]*)/gm)) names.add(match[1]!);
  for (let index = 0; index <= 40; index++) names.add("D" + index);
  for (let index = 0; index <= 7; index++) names.add("A" + index);
  rootNames = names;
  return names;
}
