/**
 * The device clock in the emulated interpreter: whole milliseconds, so that
 * a schedule computed from one reading and compared with a later one cannot
 * miss by a rounding error (a node's report loop once waited 0.0000000001 ms
 * at a time, forever, in the emulator).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { bundleForEspruino } from "../../../scripts/espruino-esbuild.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { cleanUp, environment } from "../../sim/espruino/helpers.ts";

describe("espruinoClock on the emulated interpreter", () => {
  afterEach(cleanUp);

  it("reads whole milliseconds where getTime() * 1000 is not whole (250.77 ms after power-on)", async () => {
    const bundle = await bundleForEspruino({ entry: fileURLToPath(new URL("./device/clock-entry.ts", import.meta.url)) });
    const clock = new VirtualClock();
    const env = environment("esp32", { clock });
    env.boot(bundle.code);
    clock.advanceTo(250.77);
    assert.equal(env.run("getTime() * 1000"), 250.76999999999998, "the float the clock must not hand on");
    assert.equal(env.run("clockNow()"), 250);
    clock.advanceTo(63.77 + 1000);
    assert.equal(env.run("clockNow()"), 1063);
  });
});
