/**
 * Espruino's board modules `require("ESP32")` and `require("ESP8266")`, the
 * parts a node uses: `deepSleep(microseconds)` powers the board off and on
 * again after that time (ESP8266: 0 sleeps until reset; GPIO16 must be wired
 * to RST, which the emulation assumes), `reboot()`, `getState()`,
 * `getWakeupCause()` (ESP32: 4 after a timer wake-up, 0 otherwise),
 * `getResetInfo()` and `getFreeFlash()` (ESP8266).
 */
import type { Interpreter } from "../interpreter.ts";

function sleepMilliseconds(value: unknown, zeroMeansForever: boolean): number {
  const microseconds = Number(value);
  if (!Number.isFinite(microseconds) || microseconds < 0) return 0;
  if (microseconds === 0 && zeroMeansForever) return Infinity;
  return microseconds / 1000;
}

/** `require("ESP32")`. */
export function createEsp32Module(interpreter: Interpreter): Record<string, unknown> {
  const realm = interpreter.realm;
  const options = interpreter.options;
  return realm.object({
    deepSleep: realm.bridge((args) => options.deepSleep(sleepMilliseconds(args[0], false))),
    reboot: realm.bridge(() => options.reboot()),
    getWakeupCause: realm.bridge(() => (options.wokeFromDeepSleep ? 4 : 0)),
    getState: realm.bridge(() =>
      realm.object({ sdkVersion: "v4.4.8", freeHeap: 100000, BLE: false, Wifi: true, minHeap: 90000 }),
    ),
  });
}

/** `require("ESP8266")`. */
export function createEsp8266Module(interpreter: Interpreter): Record<string, unknown> {
  const realm = interpreter.realm;
  const options = interpreter.options;
  return realm.object({
    deepSleep: realm.bridge((args) => options.deepSleep(sleepMilliseconds(args[0], true))),
    reboot: realm.bridge(() => options.reboot()),
    getResetInfo: realm.bridge(() =>
      realm.object(options.wokeFromDeepSleep ? { code: 5, reason: "Deep-Sleep Wake" } : { code: 0, reason: "Power On" }),
    ),
    getState: realm.bridge(() =>
      realm.object({ sdkVersion: "2.2.2(1f6cc2e)", cpuFrequency: 160, freeHeap: 12000, maxCon: 10, flashMap: "4MB:1024/1024", flashKB: 4096, flashChip: "0xe0 0x4016" }),
    ),
    getFreeFlash: realm.bridge(() => realm.copy([{ area: 0x300000, length: 0x100000 }])),
  });
}
