import assert from "node:assert/strict";
import { ABSENT_GLOBALS, ABSENT_MEMBERS } from "../../../sim/espruino/absences.ts";
import { cleanUp, environment, plain } from "./helpers.ts";

describe("emulated realm", () => {
  afterEach(cleanUp);

  it("lacks every global Espruino lacks", () => {
    const env = environment("linux");
    for (const name of ABSENT_GLOBALS) {
      assert.equal(env.run(`typeof ${name}`), "undefined", name);
    }
  });

  it("lacks every static and prototype member Espruino lacks", () => {
    const env = environment("linux");
    for (const [owner, names] of Object.entries(ABSENT_MEMBERS)) {
      const target = owner.startsWith("%TypedArray%") ? owner.replace("%TypedArray%", "Object.getPrototypeOf(Uint8Array)") : owner;
      for (const name of names) assert.equal(env.run(`typeof ${target}[${JSON.stringify(name)}]`), "undefined", `${owner}.${name}`);
    }
  });

  it("keeps what Espruino has (for-of, Promise, typed arrays, JSON, Object.assign)", () => {
    const env = environment("linux");
    const result = env.run(`
      var total = 0; for (var x of [1, 2, 3]) total += x; for (var b of new Uint8Array([4])) total += b;
      var u8 = new Uint8Array(4); u8.set([1, 2], 1);
      [total, typeof Promise.all, u8.subarray(1, 3).join(","), JSON.stringify(Object.assign({}, {a: 1})), typeof Object.entries].join("|")`);
    assert.equal(result, "10|function|1,2|{\"a\":1}|function");
  });

  it("fails device code that uses Map with a ReferenceError, printed as Espruino prints it", () => {
    const env = environment("esp32");
    assert.throws(() => env.run("var cache = new Map();"), (error: Error) => error.constructor.name === "ReferenceError" && /Map is not defined/.test(error.message));
    assert.deepEqual(env.output, ["Uncaught ReferenceError: Map is not defined"]);
    assert.equal(env.errors.length, 1);
  });

  it("has no Node globals: no Buffer, module, exports, __dirname, setImmediate, and Espruino's own process and require", () => {
    const env = environment("linux");
    assert.equal(env.run("[typeof Buffer, typeof module, typeof exports, typeof __dirname, typeof setImmediate, typeof queueMicrotask].join()"), "undefined,undefined,undefined,undefined,undefined,undefined");
    assert.equal(env.run("process.version"), "2v29");
    assert.equal(env.run("typeof process.exit + typeof process.nextTick + typeof process.cwd"), "undefinedundefinedundefined");
    assert.throws(() => env.run('require("fs")'), /not emulated/);
    assert.throws(() => env.run('require("child_process")'), /Module "child_process" not found/);
  });

  it("keeps Number working without its absent constants", () => {
    const env = environment("linux");
    assert.equal(env.run("[Number('12') + 1, new Number(3) + 1, (5).constructor === Number, Number.MAX_VALUE > 0, typeof Number.EPSILON].join()"), "13,4,true,true,undefined");
  });

  it("gives errors no name, as Espruino does", () => {
    const env = environment("linux");
    assert.equal(env.run('typeof new Error("x").name'), "undefined");
    assert.equal(env.run('String(new Error("x"))'), "Error: x");
  });

  it("makes every object an event emitter whose emit is queued to the next idle loop", () => {
    const env = environment("linux");
    env.run(`var seen = []; var o = {};
      o.on("x", function (v) { seen.push("a" + v); });
      o.on("x", function (v) { seen.push("b" + v); });
      o.emit("x", 1); seen.push("sync");`);
    assert.deepEqual(Object.keys(env.global["o"] as object), ["#onx"]);
    assert.deepEqual(plain(env.run("seen")), ["sync"]);
    env.clock.advance(0);
    assert.deepEqual(plain(env.run("seen")), ["sync", "a1", "b1"]);
    env.run('o.removeAllListeners("x"); o.emit("x", 2);');
    env.clock.advance(0);
    assert.equal(env.run("seen.length"), 3);
  });

  it("runs Date on the virtual clock", () => {
    const env = environment("linux", { unixTimeAtZero: Date.UTC(2030, 0, 1) });
    assert.equal(env.run("new Date().toISOString()"), "2030-01-01T00:00:00.000Z");
    env.clock.advance(1500);
    assert.equal(env.run("Date.now()"), Date.UTC(2030, 0, 1) + 1500);
    assert.equal(env.run("new Date(0).getTime()"), 0);
    assert.equal(env.run("new Date() instanceof Date"), true);
  });

  it("runs promise jobs at the virtual time that resolved them, before the next timer", () => {
    const env = environment("linux");
    env.run(`var order = [];
      setTimeout(function () { Promise.resolve().then(function () { order.push("then@" + getTime()); }); order.push("t1"); }, 10);
      setTimeout(function () { order.push("t2"); }, 10);`);
    env.clock.advance(20);
    assert.deepEqual(plain(env.run("order")), ["t1", "then@1735689600.01", "t2"]);
  });

  it("hands device code realm values (instanceof and Array.isArray hold)", () => {
    const env = environment("linux");
    assert.equal(env.run('E.toUint8Array("ab") instanceof Uint8Array'), true);
    assert.equal(env.run("process.memory() instanceof Object"), true);
    assert.equal(env.run('Array.isArray(require("Storage").list())'), true);
    assert.equal(env.run('(function () { try { require("nope"); } catch (e) { return e instanceof Error; } })()'), true);
  });
});
