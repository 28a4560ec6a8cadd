import assert from "node:assert/strict";
import { cleanUp, environment, plain } from "./helpers.ts";

describe("Espruino timers on the virtual clock", () => {
  afterEach(cleanUp);

  it("runs timeouts in due order, ties in creation order, with extra arguments", () => {
    const env = environment("esp32");
    env.run(`var seen = [];
      setTimeout(function (a, b) { seen.push("b:" + a + b + "@" + getTime()); }, 20, "x", 2);
      setTimeout(function () { seen.push("a@" + getTime()); }, 10);
      setTimeout(function () { seen.push("c@" + getTime()); }, 20);`);
    env.clock.advance(15);
    assert.deepEqual(plain(env.run("seen")), ["a@0.01"]);
    env.clock.advance(100);
    assert.deepEqual(plain(env.run("seen")), ["a@0.01", "b:x2@0.02", "c@0.02"]);
  });

  it("hands out ids as Espruino does: one above the highest in use, from 1", () => {
    const env = environment("linux");
    assert.deepEqual(plain(env.run(`var ids = [];
      for (var i = 0; i < 3; i++) ids.push(setTimeout(function () {}, 5));
      clearTimeout(ids[1]); ids.push(setTimeout(function () {}, 5)); ids`)), [1, 2, 3, 4]);
    env.run("clearTimeout(); var again = setTimeout(function () {}, 5);");
    assert.equal(env.run("again"), 1);
    assert.equal(env.run("typeof again"), "number");
  });

  it("clears everything with clearTimeout() and ignores unknown ids", () => {
    const env = environment("linux");
    env.run(`var fired = 0; setTimeout(function () { fired++; }, 50); setInterval(function () { fired++; }, 10);
      clearTimeout(99); clearTimeout();`);
    env.clock.advance(200);
    assert.equal(env.run("fired"), 0);
    assert.equal(env.interpreter.timers.count, 0);
  });

  it("repeats intervals until cleared; changeInterval reschedules (and turns a timeout into an interval)", () => {
    const env = environment("esp8266");
    env.run(`var ticks = []; var id = setInterval(function () { ticks.push(getTime()); if (ticks.length === 3) clearInterval(id); }, 100);
      var laps = 0; var t = setTimeout(function () { laps++; }, 1000); changeInterval(t, 50);`);
    env.clock.advance(1000);
    assert.deepEqual(plain(env.run("ticks")), [0.1, 0.2, 0.3]);
    assert.equal(env.run("laps"), 20);
  });

  it("accepts a string as the callback", () => {
    const env = environment("linux");
    env.run('var hit = false; setTimeout("hit = true", 5);');
    env.clock.advance(5);
    assert.equal(env.run("hit"), true);
  });

  it("prints an exception in a callback and goes on, as Espruino does", () => {
    const env = environment("linux");
    env.run('var n = 0; setInterval(function () { n++; throw new Error("boom " + n); }, 10);');
    env.clock.advance(30);
    assert.equal(env.run("n"), 3);
    assert.deepEqual(env.output, ["Uncaught Error: boom 1", "Uncaught Error: boom 2", "Uncaught Error: boom 3"]);
    assert.equal(env.errors.length, 3);
  });

  it("clears its own timers on reboot and leaves other users of the clock alone", () => {
    const env = environment("linux");
    let other = 0;
    env.clock.setInterval(() => other++, 10);
    env.run('var fired = false; setTimeout(function () { fired = true; }, 50);');
    env.reboot();
    env.clock.advance(100);
    assert.equal(env.run("typeof fired"), "undefined");
    assert.equal(env.interpreter.timers.count, 0);
    assert.equal(other, 10);
  });
});
