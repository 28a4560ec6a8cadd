/**
 * One emulated interpreter's JavaScript world: a fresh `vm` context with
 * what Espruino lacks deleted (./absences.ts), Espruino's additions from
 * ./realm-prelude.ts, and no Node globals (no `require`, `process`, `Buffer`,
 * timers) unless the environment defines Espruino's own. Host code hands
 * values to device code through this class, so they are the realm's own
 * objects (`instanceof Error` and `Array.isArray` hold inside the realm).
 *
 * Promise jobs of the realm run in its own microtask queue, drained after
 * each evaluation and after each device callback ({@link Realm.drainMicrotasks}),
 * so a `then` callback runs at the same virtual time as the code that
 * resolved the promise, as on Espruino's idle loop.
 */
import vm from "node:vm";
import { ABSENT_GLOBALS, ABSENT_MEMBERS } from "./absences.ts";
import { REALM_PRELUDE, type PreludeHooks } from "./realm-prelude.ts";

/** The realm's constructors and namespaces, captured before any deletion. */
export interface RealmIntrinsics {
  Object: ObjectConstructor;
  Array: ArrayConstructor;
  Error: ErrorConstructor;
  Uint8Array: Uint8ArrayConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  JSON: JSON;
  Function: FunctionConstructor;
}

/** Error types Espruino throws. */
export type RealmErrorType = "Error" | "InternalError" | "ReferenceError" | "SyntaxError" | "TypeError";

/** A host function as device code calls it: the realm's `arguments` and `this`. */
export type HostFunction = (args: ArrayLike<unknown>, self: unknown) => unknown;

const DRAIN = new vm.Script("undefined", { filename: "espruino:idle" });

// Constants such as Number.MAX_SAFE_INTEGER cannot be deleted; their
// constructor is then replaced by one that behaves the same without them.
const DELETE_ABSENCES = `(function (globals, members) {
  var typedArray = Object.getPrototypeOf(Uint8Array);
  var construct = Reflect.construct;
  function owner(path) {
    var parts = path.split(".");
    var target = parts[0] === "%TypedArray%" ? typedArray : globalThis[parts[0]];
    for (var i = 1; i < parts.length; i++) target = target[parts[i]];
    return target;
  }
  function rebuild(name, absent) {
    var Native = globalThis[name];
    var Wrapper = function () {
      return this instanceof Wrapper ? construct(Native, arguments) : Native.apply(undefined, arguments);
    };
    Wrapper.prototype = Native.prototype;
    Object.getOwnPropertyNames(Native).forEach(function (key) {
      if (absent.indexOf(key) < 0 && key !== "prototype" && key !== "length" && key !== "name") {
        Object.defineProperty(Wrapper, key, Object.getOwnPropertyDescriptor(Native, key));
      }
    });
    Object.defineProperty(Native.prototype, "constructor", { value: Wrapper, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(globalThis, name, { value: Wrapper, writable: true, configurable: true, enumerable: false });
  }
  for (var path in members) {
    var target = owner(path);
    var names = members[path];
    var stuck = false;
    for (var j = 0; j < names.length; j++) {
      delete target[names[j]];
      if (names[j] in target) stuck = true;
    }
    if (stuck && typeof target === "function" && globalThis[path] === target) rebuild(path, names);
  }
  for (var k = 0; k < globals.length; k++) delete globalThis[globals[k]];
})`;

/** A fresh Espruino-like JavaScript world in a `vm` context (see the file comment). */
export class Realm {
  readonly context: vm.Context;
  /** The realm's global object (`global` / `globalThis` in device code). */
  readonly global: Record<string, unknown>;
  readonly intrinsics: RealmIntrinsics;
  private readonly makeBridge: (host: HostFunction) => (...args: unknown[]) => unknown;
  private readonly bridged = new WeakSet<object>();
  private readonly baseline = new WeakSet<object>();

  constructor(hooks: PreludeHooks) {
    this.context = vm.createContext({}, { microtaskMode: "afterEvaluate", codeGeneration: { strings: true, wasm: false } });
    this.global = vm.runInContext("globalThis", this.context) as Record<string, unknown>;
    this.intrinsics = vm.runInContext(
      "({ Object: Object, Array: Array, Error: Error, Uint8Array: Uint8Array, ArrayBuffer: ArrayBuffer, JSON: JSON, Function: Function })",
      this.context,
    ) as RealmIntrinsics;
    this.makeBridge = vm.runInContext(
      "(function (host) { return function () { return host(arguments, this); }; })",
      this.context,
    ) as (host: HostFunction) => (...args: unknown[]) => unknown;
    (vm.runInContext(REALM_PRELUDE, this.context) as (hooks: PreludeHooks) => void)(hooks);
    const remove = vm.runInContext(DELETE_ABSENCES, this.context) as (globals: unknown, members: unknown) => void;
    remove(this.array(ABSENT_GLOBALS), this.copy(ABSENT_MEMBERS));
    delete this.global["console"];
    this.defineGlobal("global", this.global);
  }

  /** Runs code in the realm (like an upload), then its promise jobs. Throws what the code throws. */
  evaluate(code: string, filename = "upload", timeoutMs?: number): unknown {
    const options: vm.RunningScriptOptions = { filename };
    if (timeoutMs !== undefined) options.timeout = timeoutMs;
    return vm.runInContext(code, this.context, options);
  }

  /** Runs the realm's pending promise jobs (Espruino runs them on the idle loop). */
  drainMicrotasks(): void {
    DRAIN.runInContext(this.context);
  }

  /** A realm function that calls `host` with the realm's `arguments` and `this`. */
  bridge(host: HostFunction): (...args: unknown[]) => unknown {
    const fn = this.makeBridge(host);
    this.bridged.add(fn);
    return fn;
  }

  /** Whether `fn` is a host function exposed with {@link bridge} (native code, for device code). */
  isBridged(fn: unknown): boolean {
    return typeof fn === "function" && this.bridged.has(fn);
  }

  /** A realm object with the given own properties. */
  object(properties: Record<string, unknown> = {}): Record<string, unknown> {
    return Object.assign(new this.intrinsics.Object() as Record<string, unknown>, properties);
  }

  /** A realm array of the given items. */
  array(items: readonly unknown[]): unknown[] {
    const result = new this.intrinsics.Array<unknown>();
    for (const item of items) result.push(item);
    return result;
  }

  /** A realm Uint8Array holding `bytes`. */
  bytes(bytes: ArrayLike<number>): Uint8Array {
    const result = new this.intrinsics.Uint8Array(bytes.length);
    result.set(bytes);
    return result;
  }

  /** A deep copy of plain JSON-like host data as realm objects and arrays. */
  copy(value: unknown): unknown {
    if (Array.isArray(value)) return this.array(value.map((item) => this.copy(item)));
    if (value !== null && typeof value === "object") {
      const result = this.object();
      for (const [key, item] of Object.entries(value)) result[key] = this.copy(item);
      return result;
    }
    return value;
  }

  /** A new error of the realm, of one of Espruino's error types. */
  error(message: string, type: RealmErrorType = "Error"): Error {
    const constructor = (type === "Error" ? this.intrinsics.Error : this.global[type]) as ErrorConstructor;
    return new constructor(message);
  }

  /** Sets a global as Espruino's built-ins are: writable, not enumerable. */
  defineGlobal(name: string, value: unknown): void {
    Object.defineProperty(this.global, name, { value, writable: true, configurable: true, enumerable: false });
  }

  /** Whether `value` belongs to the interpreter itself (built-ins, bridges), not to device code. */
  isBuiltIn(value: object): boolean {
    return this.baseline.has(value) || this.bridged.has(value);
  }

  /** Marks everything reachable from the global object now as built-in (call once the globals are installed). */
  markBaseline(): void {
    const pending: object[] = [this.global];
    while (pending.length > 0) {
      const item = pending.pop()!;
      if (this.baseline.has(item)) continue;
      this.baseline.add(item);
      if (!(item instanceof this.intrinsics.Object)) continue;
      for (const key of Reflect.ownKeys(item)) {
        const descriptor = Object.getOwnPropertyDescriptor(item, key);
        if (descriptor === undefined) continue;
        for (const value of [descriptor.value, descriptor.get, descriptor.set]) {
          if ((typeof value === "object" && value !== null) || typeof value === "function") pending.push(value as object);
        }
      }
      const prototype = Object.getPrototypeOf(item) as object | null;
      if (prototype !== null) pending.push(prototype);
    }
  }
}
