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

  it("counts as Espruino 2v29 does with the ESP8266's layout (1,600 variables of 12 bytes, code run from flash)", () => {
    // each figure measured on a 2v29 Linux build made with that layout, running the same code from .bootcde
    for (const [code, measured] of [
      // the name c1; the function, its code (a name and the flash reference), x, the link to its scope; the scope, q, w
      ["var c1 = (function () { var q = 1, w = 2; return function (x) { return x + q; }; })();", 9],
      // made inside two functions: the link goes to an array of both scopes (1, and 1 per scope), then each scope and its variable
      ["var c2 = (function () { var q = 1; return (function () { var w = 2; return function (x) { return x + q + w; }; })(); })();", 13],
      ["var fe = function (a) { return a; };", 5],
      // 8 characters per variable of a string, first or next
      ['var s8 = "12345678";', 2],
      ['var s9 = "123456789";', 3],
      ['var s17 = "12345678901234567";', 4],
      ["var b = new Uint8Array(512);", 47],
      // a name of 5 characters takes a second variable
      ['var o = {abcd: 1, abcde: 1, a: "x"};', 7],
    ] as const) {
      const env = environment("esp8266", { keepScopes: true });
      const start = env.variablesUsed;
      env.boot(code);
      assert.equal(env.variablesUsed - start, measured, code);
    }
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
    // The 500-char string: ~60 variables at 12 bytes.
    assert.ok(env.variablesUsed - start >= 50, `grew by ${env.variablesUsed - start}`);
  });

  describe("with keepScopes (whole closure scopes, as Espruino keeps them)", () => {
    const program = `var counter = (function () {
      var table = new Array(2001).join("x");
      var count = 0;
      return function () { return count++; };
    })();`;

    it("counts a local no inner function uses, while a closure made beside it lives", () => {
      const v8 = environment("esp8266");
      v8.run(program);
      const whole = environment("esp8266", { keepScopes: true });
      whole.run(program);
      // 2,000 chars at 12-byte variables: about 250 variables that V8 dropped and Espruino keeps.
      assert.ok(whole.variablesUsed - v8.variablesUsed >= 190, `${whole.variablesUsed} vs ${v8.variablesUsed}`);
      assert.equal(whole.run("counter() + counter()"), 1);
    });

    it("counts unused parameters and catch clause variables, and behaves the same", () => {
      const code = `function make(unused, used) {
        var made = null;
        try { throw new Error(new Array(401).join("e")); } catch (caught) { let note = 1; made = function () { return used + note; }; }
        return made;
      }
      var kept = make(new Array(801).join("p"), 1);`;
      const v8 = environment("esp8266");
      const v8Start = v8.variablesUsed;
      v8.run(code);
      const whole = environment("esp8266", { keepScopes: true });
      const start = whole.variablesUsed;
      whole.run(code);
      // The 800-char parameter (~100 variables at 12 bytes) only with whole scopes; the caught error with its 400-char message (~50) in both.
      assert.ok(whole.variablesUsed - start >= 80 + 40, `grew by ${whole.variablesUsed - start}`);
      assert.ok(whole.variablesUsed - start - (v8.variablesUsed - v8Start) >= 75, `${whole.variablesUsed} vs ${v8.variablesUsed}`);
      assert.equal(whole.run("kept()"), 2);
    });

    it("does not count the inserted functions or their text, and keeps a directive prologue", () => {
      const code = `function outer(value) { "use strict"; return function () { return this === undefined && value; }; }
      var inner = outer(7);`;
      const v8 = environment("linux");
      v8.boot(code);
      const whole = environment("linux", { keepScopes: true });
      whole.boot(code);
      assert.equal(whole.variablesUsed, v8.variablesUsed);
      assert.equal(whole.run("inner()"), 7);
    });
  });
});
