/**
 * Completes and corrects `@types/espruino` (1.95) for exactly the API Mote
 * uses, from the Espruino reference (https://www.espruino.com/Reference).
 * That package lacks `require`, `process`, `console`, `setTimeout` and
 * `setInterval`, declares `E.toString()` without arguments and `pinMode` with
 * a required third argument. Device code type-checks against both files
 * (tsconfig.device.json), so a misuse is a type error, not a surprise on a
 * board. The ES lib there is ES5 plus what Espruino has of later editions,
 * declared below; what it lacks (Map, Set, Number.isInteger, …) is absent
 * here and rejected again by the build's gate.
 */

/* ---------- ES2015+ built-ins that Espruino 2v29 has (feature matrix: ok) ---------- */

interface ObjectConstructor {
  assign<T extends object, U>(target: T, source: U): T & U;
  entries<T>(value: { [key: string]: T }): [string, T][];
  values<T>(value: { [key: string]: T }): T[];
  fromEntries<T>(entries: Iterable<readonly [PropertyKey, T]>): { [key: string]: T };
}

interface Array<T> {
  find(predicate: (value: T, index: number, array: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, array: T[]) => unknown): number;
  fill(value: T, start?: number, end?: number): this;
}

interface String {
  includes(search: string, position?: number): boolean;
  startsWith(search: string, position?: number): boolean;
  endsWith(search: string, endPosition?: number): boolean;
  repeat(count: number): string;
  padStart(length: number, fill?: string): string;
  padEnd(length: number, fill?: string): string;
}

interface Uint8Array {
  fill(value: number, start?: number, end?: number): this;
  includes(value: number, fromIndex?: number): boolean;
}

/* ---------- Globals Espruino has and @types/espruino omits or gets wrong ---------- */

declare const console: {
  log(...values: unknown[]): void;
};

declare function setTimeout(callback: (...args: unknown[]) => void, milliseconds?: number, ...args: unknown[]): number;
declare function setInterval(callback: (...args: unknown[]) => void, milliseconds?: number, ...args: unknown[]): number;

/** Memory report; `process.memory(false)` skips the garbage collection that precedes it. */
interface EspruinoMemory {
  free: number;
  usage: number;
  total: number;
  history: number;
  gc?: number;
  gctime?: number;
  blocksize?: number;
}

declare const process: {
  /** Espruino's version, e.g. "2v29". */
  version: string;
  /** Board name, e.g. ESP32. */
  env: { BOARD: string; VERSION: string; [key: string]: unknown };
  memory(garbageCollect?: boolean): EspruinoMemory;
};

declare namespace E {
  /** Joins strings, numbers (bytes), arrays and typed arrays into one binary string (one char per byte). */
  function toString(...values: (string | number | ArrayLike<number> | ArrayBuffer)[]): string;
  /** Bytes of a binary string or other values, as a new Uint8Array. */
  function toUint8Array(...values: (string | number | ArrayLike<number> | ArrayBuffer)[]): Uint8Array;
  /** Heap variables used by a value. */
  function getSizeOf(value: unknown, depth?: number): number;
  /** Restarts the interpreter (runs `.bootcde` again). */
  function reboot(): void;
}

/* ---------- Modules, as `require` returns them ---------- */

/** A TCP (or TLS) socket from `net.connect`. */
interface EspruinoSocket {
  /** Sends `String(data)` unless data is a string: pass binary strings only. */
  write(data: string): boolean;
  end(data?: string): void;
  on(event: "data", listener: (data: string) => void): void;
  on(event: "connect" | "close" | "drain", listener: () => void): void;
  on(event: "error", listener: (error: { code?: number; message?: string } | string) => void): void;
  removeAllListeners(event?: string): void;
}

interface EspruinoConnectOptions {
  host: string;
  port: number;
}

interface EspruinoNet {
  /** On the Linux build a refused connection throws here instead of emitting `error`. */
  connect(options: EspruinoConnectOptions, onConnect?: () => void): EspruinoSocket;
}

interface EspruinoTlsOptions extends EspruinoConnectOptions {
  ca?: string;
  key?: string;
  cert?: string;
}

interface EspruinoTls {
  connect(options: EspruinoTlsOptions, onConnect?: () => void): EspruinoSocket;
}

interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  write(name: string, data: string | ArrayLike<number>, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
  list(pattern?: RegExp | string): string[];
  getFree(): number;
  compact(): void;
}

interface EspruinoWifiDetails {
  ip?: string;
  rssi?: number;
  status?: string;
  [key: string]: unknown;
}

interface EspruinoWifi {
  connect(ssid: string, options: { password?: string }, callback?: (error: string | null) => void): void;
  disconnect(callback?: () => void): void;
  getDetails(callback?: (details: EspruinoWifiDetails) => void): EspruinoWifiDetails;
  getIP(callback?: (details: EspruinoWifiDetails) => void): EspruinoWifiDetails;
  setHostname(hostname: string, callback?: () => void): void;
  on(event: "connected" | "disconnected", listener: (details: EspruinoWifiDetails) => void): void;
}

interface EspruinoESP32 {
  /** Sleeps for the given microseconds (a C int: at most 2^31 - 1), then reboots. */
  deepSleep(microseconds: number): void;
  /** Why the chip woke: 4 (ESP_SLEEP_WAKEUP_TIMER) after a timed deep sleep, 0 after a power-on or reset. */
  getWakeupCause(): number;
}

interface EspruinoESP8266 {
  /** Sleeps for the given microseconds (GPIO16 wired to RST wakes the chip), then reboots; throws unless an integer up to 2^31 - 1. */
  deepSleep(microseconds: number, option?: number): void;
  /** The SDK's reset cause: `reason` is "power on", "deep sleep", "reset pin", … (missing on some builds). */
  getResetInfo(): { reason?: string };
  getFreeFlash(): { area: number; length: number }[];
}

declare function require(name: "net"): EspruinoNet;
declare function require(name: "tls"): EspruinoTls;
declare function require(name: "Storage"): EspruinoStorage;
declare function require(name: "Wifi"): EspruinoWifi;
declare function require(name: "ESP32"): EspruinoESP32;
declare function require(name: "ESP8266"): EspruinoESP8266;

/** `pinMode(pin)` alone resets the pin to automatic mode. */
declare function pinMode(pin: Pin, mode?: string, automatic?: boolean): void;

/* ---------- Pins and watches (hal/) ---------- */

/** `setWatch` returns the watch id as a number (checked on 2v29; @types/espruino says string). */
declare function setWatch(
  callback: (event: { state: boolean; time: number; lastTime: number }) => void,
  pin: Pin,
  options: { repeat?: boolean; edge?: "rising" | "falling" | "both"; debounce?: number; data?: Pin },
): number;

/** The OneWire class (`new OneWire(pin)`); @types/espruino declares only its instances. */
declare var OneWire: { new (pin: Pin): OneWire };

/** `new I2C()`: a software I2C bus on any two pins, after `setup({sda, scl})` (@types/espruino declares the type only). */
declare var I2C: { new (): I2C };
