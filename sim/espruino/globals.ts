/**
 * Espruino's global functions and objects in an emulated realm: `E`,
 * `process`, `console`, `print`, the timers (`setTimeout` passes extra
 * arguments, returns Espruino's numeric id; `clearTimeout()` with no id
 * clears all; `changeInterval`), `getTime()` / `setTime()` (seconds, as a
 * float, from the virtual clock), `btoa` / `atob`, `require`, `getSerial`.
 */
import { decodeUtf8, joinBinary, joinBytes } from "./binary.ts";
import { formatLine, type FormatHooks } from "./format.ts";
import type { Interpreter } from "./interpreter.ts";
import { VariableCounter, layoutOf } from "./memory.ts";
import { builtInModules, requireModule } from "./modules/index.ts";

/** Espruino's version string on every emulated board. */
export const ESPRUINO_VERSION = "2v29";

/** What the globals need beyond the interpreter. */
export interface GlobalsHost {
  /** Estimated heap variables in use (process.memory().usage). */
  usage(): number;
}

function formatHooks(interpreter: Interpreter): FormatHooks {
  const realm = interpreter.realm;
  return {
    globalName: (constructor) => {
      if (typeof constructor !== "function") return undefined;
      for (const name of Object.getOwnPropertyNames(realm.global)) {
        if (realm.global[name] === constructor) return name;
      }
      return undefined;
    },
    describe: (value) => {
      if (value instanceof realm.intrinsics.Object) return undefined;
      const text = String(value);
      return text === "[object Object]" ? undefined : text;
    },
  };
}

function installE(interpreter: Interpreter): void {
  const realm = interpreter.realm;
  const board = interpreter.board;
  realm.defineGlobal("E", realm.object({
    toString: realm.bridge((args) => joinBinary(args)),
    toUint8Array: realm.bridge((args) => realm.bytes(joinBytes(args))),
    getSizeOf: realm.bridge((args) => new VariableCounter(layoutOf(interpreter), (value) => realm.isBuiltIn(value), null).count(args[0])),
    reboot: realm.bridge(() => interpreter.options.reboot()),
    getTemperature: realm.bridge(() => (board.espruinoBoard === "ESP32" ? 45.5 + interpreter.options.random() : NaN)),
    asUTF8: realm.bridge((args) => decodeUtf8(String(args[0]))),
    isUTF8: realm.bridge((args) => /[^\u0000-\u00ff]/.test(String(args[0]))),
    hwRand: realm.bridge(() => Math.floor(interpreter.options.random() * 2 ** 32) | 0),
    getErrorFlags: realm.bridge(() => realm.array([])),
    toJS: realm.bridge((args) => realm.intrinsics.JSON.stringify(args[0])),
  }));
}

function installProcess(interpreter: Interpreter, host: GlobalsHost): void {
  const realm = interpreter.realm;
  const board = interpreter.board;
  const modules = [...builtInModules(interpreter).keys()].join(",");
  realm.defineGlobal("process", realm.object({
    version: ESPRUINO_VERSION,
    env: realm.object({
      VERSION: ESPRUINO_VERSION,
      BOARD: board.espruinoBoard,
      STORAGE: board.storageBytes,
      SERIAL: "00000000-" + interpreter.options.network.mac.replace(/:/g, ""),
      MODULES: modules,
    }),
    memory: realm.bridge((args) => {
      const usage = host.usage();
      const total = board.heap.variables;
      const report: Record<string, unknown> = { free: Math.max(0, total - usage), usage, total, history: 0 };
      if (args[0] !== false) {
        report["gc"] = 0;
        report["gctime"] = Math.round(usage * 0.14) / 1000;
      }
      report["blocksize"] = board.heap.bytesPerVariable;
      return realm.object(report);
    }),
  }));
}

function installConsole(interpreter: Interpreter): void {
  const realm = interpreter.realm;
  const hooks = formatHooks(interpreter);
  const log = realm.bridge((args) => {
    interpreter.print(formatLine(args, hooks));
  });
  realm.defineGlobal("console", realm.object({ log, debug: log, info: log, warn: log, error: log, trace: log }));
  realm.defineGlobal("print", log);
}

function installTimers(interpreter: Interpreter): void {
  const realm = interpreter.realm;
  const timers = interpreter.timers;
  const add = (args: ArrayLike<unknown>, repeat: boolean): number => {
    const callback = args[0];
    if (typeof callback !== "function" && typeof callback !== "string") throw realm.error("Function or String not supplied!");
    const extra = Array.prototype.slice.call(args, 2);
    const run =
      typeof callback === "string"
        ? () => void realm.evaluate(callback, "timeout")
        : () => void (callback as (...values: unknown[]) => unknown).apply(undefined, extra);
    return timers.add(run, Number(args[1] ?? 0), repeat, [callback, ...extra]);
  };
  const clear = realm.bridge((args) => {
    timers.clear(args.length === 0 ? undefined : Number(args[0]));
  });
  realm.defineGlobal("setTimeout", realm.bridge((args) => add(args, false)));
  realm.defineGlobal("setInterval", realm.bridge((args) => add(args, true)));
  realm.defineGlobal("clearTimeout", clear);
  realm.defineGlobal("clearInterval", clear);
  realm.defineGlobal("changeInterval", realm.bridge((args) => timers.change(Number(args[0]), Number(args[1]))));
}

/** Installs Espruino's globals into the interpreter's realm. */
export function installGlobals(interpreter: Interpreter, host: GlobalsHost): void {
  const realm = interpreter.realm;
  installE(interpreter);
  installProcess(interpreter, host);
  installConsole(interpreter);
  installTimers(interpreter);
  realm.defineGlobal("getTime", realm.bridge(() => interpreter.options.now() / 1000));
  realm.defineGlobal("setTime", realm.bridge((args) => interpreter.options.setTime(Number(args[0]))));
  realm.defineGlobal("getSerial", realm.bridge(() => "00000000-" + interpreter.options.network.mac.replace(/:/g, "")));
  realm.defineGlobal("btoa", realm.bridge((args) => Buffer.from(String(args[0]), "latin1").toString("base64")));
  realm.defineGlobal("atob", realm.bridge((args) => Buffer.from(String(args[0]), "base64").toString("latin1")));
  realm.defineGlobal("require", realm.bridge((args) => requireModule(interpreter, String(args[0]))));
}
