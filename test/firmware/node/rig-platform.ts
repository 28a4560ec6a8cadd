/**
 * The Platform the node application's tests in Node (app-*.test.ts) give
 * `startNode`: pins, io and clock of the driver bench (test/hal/rig.ts), no
 * 1-Wire or I2C bus (asking for one fails the test), 1,000 free heap
 * variables and -50 dBm; storage, WiFi, transport and reboot from the test.
 */
import assert from "node:assert/strict";
import type { Platform } from "../../../firmware/node/platform.ts";
import type { Rig } from "../../hal/rig.ts";

/** What a test chooses: `io` defaults to the bench's own. */
export type PlatformParts = Pick<Platform, "storage" | "wifi" | "transport" | "reboot"> & Partial<Pick<Platform, "io" | "deepSleep" | "woke" | "memoryFailed">>;

/** A Platform on `bench` with `parts`. */
export function rigPlatform(bench: Rig, parts: PlatformParts): Platform {
  return {
    io: bench.io,
    pin: (name) => bench.pin(name),
    oneWire: () => assert.fail("no 1-Wire here"),
    i2c: () => assert.fail("no I2C here"),
    clock: bench.clock,
    memory: () => 1000,
    rssi: () => -50,
    ...parts,
  };
}
