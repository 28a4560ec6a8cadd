/**
 * Espruino's board modules `require("ESP32")` and `require("ESP8266")`, the
 * parts a node uses: `deepSleep(microseconds)` powers the board off and on
 * again after that time (ESP8266: 0 sleeps until reset; GPIO16 must be wired
 * to RST, which the emulation assumes), `reboot()`, `getState()`,
 * `getWakeupCause()` (ESP32: 4 after a timer wake-up, 0 otherwise),
 * `getResetInfo()` and `getFreeFlash()` (ESP8266).
 *
 * The sleep time is a C `int` of microseconds in both (Espruino's
 * targets/esp32/jswrap_esp32.c and targets/esp8266/jswrap_esp8266.c), so at
 * most 2,147,483,647 µs (about 35.8 minutes). The ESP8266 throws "Invalid
 * microseconds." for anything but an integer (a float such as `5e6 * 1.5` or
 * a value past 32 bits is one) and hands a negative one to the SDK as an
 * unsigned 32-bit count; the ESP32 converts like `| 0` does here (on a
 * device a value past 32 bits is undefined behaviour) and a negative result,
 * cast to its 64-bit timer, never wakes.
 */
import type { Interpreter } from "../interpreter.ts";

/** The most microseconds either deepSleep takes (a signed 32-bit `int`). */
export const DEEP_SLEEP_MAX_MICROSECONDS = 2147483647;

function esp32SleepMilliseconds(value: unknown): number {
  const microseconds = Number(value) | 0;
  return microseconds < 0 ? Infinity : microseconds / 1000;
}

/** Milliseconds of an ESP8266 sleep, or null for what the device refuses. */
function esp8266SleepMilliseconds(value: unknown): number | null {
  if (typeof value != "number" || !Number.isInteger(value) || value < -2147483648 || value > DEEP_SLEEP_MAX_MICROSECONDS) return null;
  return value == 0 ? Infinity : (value >>> 0) / 1000;
}

/** `require("ESP32")`. */
export function createEsp32Module(interpreter: Interpreter): Record<string, unknown> {
  const realm = interpreter.realm;
  const options = interpreter.options;
  return realm.object({
    deepSleep: realm.bridge((args) => options.deepSleep(esp32SleepMilliseconds(args[0]))),
    reboot: realm.bridge(() => options.reboot()),
    getWakeupCause: realm.bridge(() => (options.wokeFromDeepSleep ? 4 : 0)),
    getState: realm.bridge(() =>
      realm.object({ sdkVersion: "v4.4.8", freeHeap: 100000, BLE: false, Wifi: true, minHeap: 90000 }),
    ),
  });
}

/** `require("ESP8266")`; `getResetInfo().reason` is one of the SDK's texts ("power on", "deep sleep", …). */
export function createEsp8266Module(interpreter: Interpreter): Record<string, unknown> {
  const realm = interpreter.realm;
  const options = interpreter.options;
  return realm.object({
    deepSleep: realm.bridge((args) => {
      const milliseconds = esp8266SleepMilliseconds(args[0]);
      if (milliseconds === null) throw realm.error("Invalid microseconds.");
      options.deepSleep(milliseconds);
    }),
    reboot: realm.bridge(() => options.reboot()),
    getResetInfo: realm.bridge(() =>
      realm.object({ reason: options.wokeFromDeepSleep ? "deep sleep" : "power on", exccause: 0, epc1: 0, epc2: 0, epc3: 0, excvaddr: 0, depc: 0 }),
    ),
    getState: realm.bridge(() =>
      realm.object({ sdkVersion: "2.2.2(1f6cc2e)", cpuFrequency: 160, freeHeap: 12000, maxCon: 10, flashMap: "4MB:1024/1024", flashKB: 4096, flashChip: "0xe0 0x4016" }),
    ),
    getFreeFlash: realm.bridge(() => realm.copy([{ area: 0x300000, length: 0x100000 }])),
  });
}
