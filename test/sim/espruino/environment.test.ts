import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { BOOT_FILE } from "../../../sim/espruino/environment.ts";
import { FlashStorage } from "../../../sim/espruino/modules/storage.ts";
import { Hardware } from "../../../sim/hardware/index.ts";
import { cleanUp, environment } from "./helpers.ts";

describe("EspruinoEnvironment", () => {
  afterEach(cleanUp);

  it("boot() stores .bootcde and runs it; a board powered on with that flash runs it again", () => {
    const clock = new VirtualClock();
    const flash = new FlashStorage(BOARDS.esp32!.storageBytes);
    const env = environment("esp32", { clock, storage: flash });
    env.boot('console.log("hello from flash");');
    assert.deepEqual(env.output, ["hello from flash"]);
    assert.equal(flash.read(BOOT_FILE), 'console.log("hello from flash");');
    const again = environment("esp32", { clock, storage: flash });
    assert.deepEqual(again.output, ["hello from flash"]);
  });

  it("stops at a top-level exception: run() throws; at boot it is printed and what ran before stays", () => {
    const env = environment("linux");
    assert.throws(() => env.run('var before = 1; null.x; var after = 2;'));
    assert.equal(env.run("before"), 1);
    assert.equal(env.run("typeof after"), "undefined");
    env.boot('setTimeout(function () { console.log("timer set before the throw"); }, 10); throw new Error("bad boot");');
    env.clock.advance(10);
    assert.deepEqual(env.output.slice(-2), ["Uncaught Error: bad boot", "timer set before the throw"]);
  });

  it("reboot() gives a fresh realm and keeps Storage", () => {
    const env = environment("linux");
    env.run('var x = 1; require("Storage").write("kept", "yes");');
    env.reboot();
    assert.equal(env.run("typeof x"), "undefined");
    assert.equal(env.run('require("Storage").read("kept")'), "yes");
  });

  it("dispose() clears every timer the board set", () => {
    const env = environment("linux");
    const before = env.clock.pending;
    env.run("setInterval(function () {}, 10); setTimeout(function () {}, 99);");
    assert.equal(env.clock.pending, before + 2);
    env.dispose();
    assert.equal(env.clock.pending, before);
  });

  it("sends console lines to the print option instead of output when given", () => {
    const lines: string[] = [];
    const env = environment("linux", { print: (line) => lines.push(line) });
    env.run('console.log("to print")');
    assert.deepEqual(lines, ["to print"]);
    assert.deepEqual(env.output, []);
  });

  it("runFor jumps between timers when no socket is open (an hour of ticks in moments)", async () => {
    const env = environment("esp8266");
    env.run("var ticks = 0; setInterval(function () { ticks++; }, 1000);");
    const started = performance.now();
    await env.runFor(3_600_000);
    assert.equal(env.run("ticks"), 3600);
    assert.equal(env.clock.now(), 3_600_000);
    assert.ok(performance.now() - started < 5000);
  });

  it("runUntil reports whether the condition came true within the time", async () => {
    const env = environment("linux");
    env.run("var done = false; setTimeout(function () { done = true; }, 500);");
    assert.equal(await env.runUntil(() => env.run("done") === true, { within: 1000 }), true);
    assert.equal(env.clock.now(), 500);
    assert.equal(await env.runUntil(() => false, { within: 100 }), false);
    assert.equal(env.clock.now(), 600);
  });

  it("installs the board's hardware globals and resets the hardware on reboot", () => {
    const clock = new VirtualClock();
    const hardware = new Hardware(clock, BOARDS.esp32!);
    const env = environment("esp32", { clock, hardware });
    assert.equal(env.run("typeof digitalWrite + typeof D5 + typeof setWatch"), "functionobjectfunction");
    env.run("digitalWrite(D5, 1);");
    assert.equal(hardware.pin("D5").level, true);
    env.reboot();
    assert.equal(hardware.pin("D5").level, false);
    assert.equal(env.run("typeof D5"), "object");
  });
});
