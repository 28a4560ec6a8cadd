import assert from "node:assert/strict";
import { cleanUp, environment } from "./helpers.ts";

describe("heap variable estimate", () => {
  afterEach(cleanUp);

  it("starts near a fresh interpreter's usage", () => {
    const env = environment("linux");
    assert.ok(env.variablesUsed >= 37 && env.variablesUsed < 60, String(env.variablesUsed));
  });

  it("sees data held only in a closure grow and shrink (a leak inside a bundle's IIFE)", () => {
    const env = environment("esp32");
    env.run(`(function () {
      var log = [];
      setInterval(function () { log.push("entry " + log.length); if (log.length === 200) log = []; }, 10);
    })();`);
    const start = env.variablesUsed;
    env.clock.advance(1000);
    const grown = env.variablesUsed;
    assert.ok(grown - start >= 200, `grew by ${grown - start}`);
    env.clock.advance(1000);
    assert.ok(env.variablesUsed < start + 20, `after clearing: ${env.variablesUsed} vs ${start}`);
  });

  it("counts top-level let/const, globals, timer arguments and queued socket data", () => {
    const env = environment("linux");
    const start = env.variablesUsed;
    env.run('const big = new Array(101).join("x"); let list = [1, 2, 3]; var obj = {a: "hello"}; setTimeout(function () {}, 1000, [4, 5, 6]);');
    const grown = env.variablesUsed - start;
    assert.ok(grown >= 5 + 4 + 3 + 4 + 4, `grew by ${grown}`);
  });

  it("counts function source on Linux but only a flash reference for code run from .bootcde on ESP32", () => {
    const code = `var handlers = []; for (var i = 0; i < 20; i++) handlers.push(function (value) { var doubled = value * 2; return doubled + " is twice " + value; });`;
    const linux = environment("linux");
    linux.boot(code);
    const esp32 = environment("esp32");
    esp32.boot(code);
    const ram = environment("esp32");
    ram.run(code);
    assert.ok(esp32.variablesUsed < ram.variablesUsed - 40, `${esp32.variablesUsed} vs ${ram.variablesUsed}`);
    assert.ok(linux.variablesUsed > esp32.variablesUsed);
  });

  it("reports the estimate through process.memory()", () => {
    const env = environment("esp8266");
    env.run("var keep = []; for (var i = 0; i < 100; i++) keep.push(i + 0.5);");
    const usage = env.run("process.memory().usage") as number;
    assert.ok(usage >= 37 + 200, String(usage));
    assert.equal(env.run("process.memory().free + process.memory().usage"), 1600);
  });

  it("counts a block's variables that a closure holds (V8 lists them as a Block scope)", () => {
    const env = environment("esp8266");
    const start = env.variablesUsed;
    env.run(`var handlers = [];
      (function () { if (handlers) { let label = new Array(501).join("b"); handlers.push(function () { return label.length; }); } })();`);
    // The 500-char string: ~50 variables at 16 bytes.
    assert.ok(env.variablesUsed - start >= 50, `grew by ${env.variablesUsed - start}`);
  });
});
