/**
 * Espruino's `require(name)`: the cache, then the board's built-in modules,
 * then a Storage file of that name (evaluated as a module with `exports`
 * and `module`), else `Module "name" not found` as on the device. Built-in
 * modules of the board that the emulator does not model (`http`, `fs`, …)
 * fail with a message that says so.
 */
import type { Interpreter } from "../interpreter.ts";
import { createEsp32Module, createEsp8266Module } from "./esp.ts";
import { createNetModule } from "./net.ts";
import { createStorageModule } from "./storage.ts";
import { createTlsModule } from "./tls.ts";
import type { Station } from "./wifi.ts";

type ModuleFactory = (interpreter: Interpreter) => unknown;

const NOT_EMULATED = ["timer", "Flash", "heatshrink", "fs", "dgram", "http", "crypto", "NetworkJS", "TelnetServer"];

/** The modules built into a board's Espruino build, with their factories (null: exists, not emulated). */
export function builtInModules(interpreter: Interpreter): Map<string, ModuleFactory | null> {
  const board = interpreter.board;
  const modules = new Map<string, ModuleFactory | null>([
    ["net", createNetModule],
    ["Storage", createStorageModule],
  ]);
  if (board.tls) modules.set("tls", createTlsModule);
  if (board.network === "wifi") modules.set("Wifi", (owner) => (owner.station as Station).module);
  if (board.espruinoBoard === "ESP32") modules.set("ESP32", createEsp32Module);
  if (board.espruinoBoard.startsWith("ESP8266")) modules.set("ESP8266", createEsp8266Module);
  for (const name of NOT_EMULATED) if (!modules.has(name)) modules.set(name, null);
  return modules;
}

/** `require(name)` for an interpreter. Throws a realm error as Espruino does for unknown names. */
export function requireModule(interpreter: Interpreter, name: string): unknown {
  const cached = interpreter.modules.get(name);
  if (cached !== undefined) return cached;
  const realm = interpreter.realm;
  const factory = builtInModules(interpreter).get(name);
  if (factory === null) throw realm.error(`Module "${name}" is built into Espruino but not emulated`);
  if (factory !== undefined) {
    const module = factory(interpreter);
    interpreter.modules.set(name, module);
    return module;
  }
  const source = interpreter.options.storage.read(name);
  if (source === undefined) throw realm.error(`Module "${name}" not found`);
  const module = realm.object({ exports: realm.object() });
  const wrapper = interpreter.run(`(function (exports, module) {${source}\n})`, name) as (exports: unknown, module: unknown) => void;
  wrapper(module["exports"], module);
  interpreter.modules.set(name, module["exports"]);
  return module["exports"];
}
