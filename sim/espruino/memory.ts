/**
 * An estimate of Espruino heap variables (what `process.memory().usage` and
 * `E.getSizeOf` report), counted over what the emulated interpreter really
 * holds: the globals device code added, the values in its closures (read
 * through the inspector, ./memory-scopes.ts), its timers' callbacks and
 * arguments, its open sockets and their queued bytes, and its loaded modules.
 *
 * Each value is counted as Espruino would store it, with rules fitted to
 * `E.getSizeOf` on the 2v29 Linux build (27-byte variables) and scaled by
 * the board's variable size: an object or array is 1 variable plus, per
 * member, its name (1, or more for names longer than fit inline) and its
 * value (integers and booleans live inside the name; other numbers, null and
 * undefined take 1; strings a chain of variables, ~20 chars in the first and
 * ~21 in each next at 27 bytes, 8 in each at the ESP8266's 12 bytes); a
 * typed array 2 plus its bytes; a function 1, 1 per parameter, its code (a
 * name and either the source text or, when the code runs from
 * flash (`.bootcde` on ESP32/ESP8266), a reference), a link to its closure
 * scope or, made inside more than one function, to an array of its scopes,
 * and each scope once (1 and its members). Checked construct by construct
 * against a 2v29 build with the ESP8266's layout
 * (test/sim/espruino/memory.test.ts), and within a few % there for whole nodes
 * (README, "Measured figures"). Shared objects count
 * once. A fixed base stands for the interpreter's own root objects (37 on a
 * fresh Linux build), 8 per built-in module loaded, 4 per timer and 8 per
 * socket.
 *
 * Closure scopes: Espruino keeps a function call's whole scope (every
 * parameter and local) while any function made in it lives; V8 keeps only
 * the variables some inner function uses, and the inspector shows only
 * those. With the environment's `keepScopes` option the code run gets a
 * never-called function in each such scope that names all its variables
 * (./keep-scopes.ts), so V8 keeps them too; this estimate leaves those
 * functions and their text out. Without it the estimate is low: the Linux
 * build of the relay-only example node, online against mosquitto on the real
 * Espruino 2v29 binary, used about 2,410 variables (`process.memory().usage`)
 * where this estimated 2,164, 2,333 with `keepScopes`, and 2,598 (7 % high)
 * since each function's code and scope links count in full; unwrapped (no
 * IIFE), it uses 2,190 and this estimates about 2,390 (9 % high). Still not
 * modelled: parse-time temporaries, and a block's `let`/`const` when no
 * function is made in that block.
 */
import type { Interpreter } from "./interpreter.ts";
import { insertedLength, KEEP_FUNCTION_NAME } from "./keep-scopes.ts";
import { ScopeReader, type ScopeRecord } from "./memory-scopes.ts";
import { EmulatedSocket } from "./modules/socket.ts";

/** Variables of a fresh interpreter (measured on the Linux build). */
export const BASE_VARIABLES = 37;
const PER_MODULE = 8;
const PER_TIMER = 4;
const PER_SOCKET = 8;

/** How one board stores values. */
export interface HeapLayout {
  bytesPerVariable: number;
  /** Function code stays in memory-mapped flash (not counted as text). */
  codeInFlash: boolean;
}

const SKIPPED_FUNCTION_KEYS = new Set(["length", "name", "prototype", "arguments", "caller"]);

/** Bytes of an ArrayBuffer of any realm, or -1 for an object that only carries its tag (`ArrayBuffer.prototype`). */
function byteLengthOf(value: object): number {
  try {
    return (value as ArrayBuffer).byteLength;
  } catch {
    return -1;
  }
}

/** Counts variables over a graph of values, each shared object once. */
export class VariableCounter {
  private readonly seen = new WeakSet<object>();
  private readonly scopeSignatures = new Set<string>();
  private readonly identities = new WeakMap<object, number>();
  private nextIdentity = 1;
  private readonly firstChars: number;
  private readonly nextChars: number;
  private readonly inlineName: number;

  constructor(
    private readonly layout: HeapLayout,
    private readonly isBuiltIn: (value: object) => boolean,
    private readonly scopes: ((fn: object) => ScopeRecord[]) | null,
    /** Objects of the host, not of the realm (what a native constructor such as `new I2C()` made): one variable each, not walked. */
    private readonly isForeign: (value: object) => boolean = () => false,
  ) {
    // 12- and 13-byte variables (up to 4,095 of them: the ESP8266's 1,600) hold 8 or 9 characters in each
    // variable of a string, first or next, and names of up to 4 inline (measured on a 2v29 build with that layout)
    const small = layout.bytesPerVariable <= 13;
    this.firstChars = small ? layout.bytesPerVariable - 4 : Math.max(4, layout.bytesPerVariable - 7);
    this.nextChars = small ? layout.bytesPerVariable - 4 : Math.max(4, layout.bytesPerVariable - 6);
    this.inlineName = Math.max(4, layout.bytesPerVariable - 18);
  }

  /** Variables of a string of `length` chars. */
  stringVariables(length: number): number {
    return length <= this.firstChars ? 1 : 1 + Math.ceil((length - this.firstChars) / this.nextChars);
  }

  /** Variables of a value on its own (as `E.getSizeOf` counts it). */
  count(value: unknown): number {
    if (typeof value === "string") return this.stringVariables(value.length);
    if (value === null || typeof value !== "object" && typeof value !== "function") return 1;
    return this.countObject(value);
  }

  /** Variables of one member: its name and, unless stored inside the name, its value. */
  member(name: string, value: unknown): number {
    const nameVariables = name.length <= this.inlineName ? 1 : 1 + Math.ceil((name.length - this.inlineName) / this.nextChars);
    return nameVariables + this.valueVariables(value);
  }

  private valueVariables(value: unknown): number {
    if (typeof value === "boolean") return 0;
    if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 0 : 1;
    if (typeof value === "string") return this.stringVariables(value.length);
    if (value === null || value === undefined || typeof value === "symbol" || typeof value === "bigint") return 1;
    return this.countObject(value);
  }

  private countObject(value: object): number {
    if (this.seen.has(value) || this.isBuiltIn(value)) return 0;
    this.seen.add(value);
    if (ArrayBuffer.isView(value)) return 1 + this.countObject(value.buffer);
    const tag = Object.prototype.toString.call(value);
    if (tag === "[object ArrayBuffer]") {
      const length = byteLengthOf(value);
      if (length >= 0) return this.bytesVariables(length);
    }
    if (this.isForeign(value)) return 1;
    if (typeof value === "function" && (value as { name?: unknown }).name === KEEP_FUNCTION_NAME) return 0;
    let total = 1;
    if (typeof value === "function") total += this.functionVariables(value as (...args: unknown[]) => unknown);
    if (tag === "[object Date]") total += 1;
    if (tag === "[object RegExp]") total += this.stringVariables((value as RegExp).source.length);
    for (const key of Object.getOwnPropertyNames(value)) {
      if (typeof value === "function" && SKIPPED_FUNCTION_KEYS.has(key)) continue;
      if (key === "stack" || (Array.isArray(value) && key === "length")) continue;
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      if (descriptor.get !== undefined || descriptor.set !== undefined) {
        total += 1 + this.valueVariables(descriptor.get) + this.valueVariables(descriptor.set);
      } else total += this.member(key, descriptor.value);
    }
    if (typeof value === "function") {
      const prototype = (value as { prototype?: unknown }).prototype;
      if (typeof prototype === "object" && prototype !== null && Object.getOwnPropertyNames(prototype).length > 1) total += this.member("prototype", prototype);
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype !== null && !this.isBuiltIn(prototype)) total += this.member("__proto__", prototype);
    return total;
  }

  private bytesVariables(length: number): number {
    const chained = this.stringVariables(length);
    return 1 + (chained <= 4 ? chained : 1 + Math.ceil(length / this.layout.bytesPerVariable));
  }

  /**
   * A function's own variables beyond its 1: a name per parameter, its code
   * (a name and the text, or, run from flash, a reference to it), and a
   * link to the scope it was made in, or, made in a function inside another,
   * to an array of those scopes (1, and 1 per scope: measured in a 2v29 heap
   * dump); each scope (an object and its members) counts once, with the
   * first function that holds it.
   */
  private functionVariables(fn: (...args: unknown[]) => unknown): number {
    let total = fn.length;
    const source = Function.prototype.toString.call(fn);
    total += 1 + (this.layout.codeInFlash ? 1 : this.stringVariables(source.length - insertedLength(source)));
    if (this.scopes === null) return total;
    const scopes = this.scopes(fn);
    // the link to its scope; made inside more than one function, a link to an array of the scopes, 1 and 1 per scope
    const levels = scopes.filter((scope) => scope.kind === "closure").length;
    if (levels) total += levels > 1 ? 2 + levels : 1;
    for (const scope of scopes) {
      const signature = this.signature(scope);
      if (this.scopeSignatures.has(signature)) continue;
      this.scopeSignatures.add(signature);
      if (scope.kind === "closure") total += 1;
      for (const [name, item] of Object.entries(scope.variables)) if (name !== KEEP_FUNCTION_NAME) total += this.member(name, item);
    }
    return total;
  }

  /** Two reads of the same closure give the same signature (same names, same values). */
  private signature(scope: ScopeRecord): string {
    const parts: string[] = [scope.kind];
    for (const [name, item] of Object.entries(scope.variables)) {
      let identity: string;
      if ((typeof item === "object" && item !== null) || typeof item === "function") {
        let id = this.identities.get(item);
        if (id === undefined) {
          id = this.nextIdentity++;
          this.identities.set(item, id);
        }
        identity = "#" + id;
      } else identity = typeof item + ":" + String(item);
      parts.push(name + "=" + identity);
    }
    return parts.join("\u0000");
  }
}

/** The heap layout of an interpreter's board and code origin. */
export function layoutOf(interpreter: Interpreter): HeapLayout {
  return {
    bytesPerVariable: interpreter.board.heap.bytesPerVariable,
    codeInFlash: interpreter.codeFromFlash && interpreter.board.network === "wifi",
  };
}

/** Estimated heap variables in use by an interpreter (see the file comment). */
export function estimateUsage(interpreter: Interpreter, reader: ScopeReader | null): number {
  const realm = interpreter.realm;
  const counter = new VariableCounter(layoutOf(interpreter), (value) => realm.isBuiltIn(value), reader === null ? null : (fn) => reader.scopesOf(fn),
    (value) => !(value instanceof realm.intrinsics.Object));
  let total = BASE_VARIABLES + PER_MODULE * interpreter.modules.size + PER_TIMER * interpreter.timers.count;
  try {
    for (const key of Object.getOwnPropertyNames(realm.global)) {
      const descriptor = Object.getOwnPropertyDescriptor(realm.global, key)!;
      if (!("value" in descriptor)) continue;
      const value: unknown = descriptor.value;
      const isObject = (typeof value === "object" && value !== null) || typeof value === "function";
      if (key === KEEP_FUNCTION_NAME) continue;
      if (descriptor.enumerable === true || (isObject && !realm.isBuiltIn(value))) total += counter.member(key, value);
    }
    for (const script of reader === null ? [] : scriptScope(interpreter, reader)) {
      for (const [name, item] of Object.entries(script.variables)) if (name !== KEEP_FUNCTION_NAME) total += counter.member(name, item);
    }
    for (const held of interpreter.timers.held()) total += counter.count(held);
    for (const module of interpreter.modules.values()) total += counter.count(module);
    for (const resource of interpreter.tracked()) {
      if (!(resource instanceof EmulatedSocket)) continue;
      total += PER_SOCKET + counter.count(resource.object);
      if (resource.queuedBytes > 0) total += counter.stringVariables(resource.queuedBytes);
    }
  } finally {
    reader?.release();
  }
  return total;
}

/** Top-level `let`/`const` of uploaded code live in the realm's script scope, seen through any top-level function. */
function scriptScope(interpreter: Interpreter, reader: ScopeReader): ScopeRecord[] {
  const probe = interpreter.realm.evaluate("(function () {})", "espruino:memory");
  return reader.scopesOf(probe as object).filter((scope) => scope.kind === "script");
}
