import assert from "node:assert/strict";
import { cleanUp, environment } from "./helpers.ts";

describe("ESP32 and ESP8266 modules, reboot", () => {
  afterEach(cleanUp);

  it("deepSleep powers off and boots again after the time, waking with cause 4 (ESP32)", () => {
    const env = environment("esp32");
    env.boot(`console.log("boot " + require("ESP32").getWakeupCause() + " @" + getTime());
      setTimeout(function () { require("ESP32").deepSleep(5000000); console.log("not printed"); }, 1000);`);
    env.clock.advance(1000);
    assert.equal(env.asleep, true);
    assert.deepEqual(env.sleeps, [{ at: 1000, milliseconds: 5000 }]);
    env.clock.advance(4999);
    assert.deepEqual(env.output, ["boot 0 @0"]);
    env.clock.advance(1);
    assert.deepEqual(env.output, ["boot 0 @0", "boot 4 @0"]);
    assert.equal(env.asleep, false);
  });

  it("deepSleep(0) on ESP8266 sleeps until reset", () => {
    const env = environment("esp8266");
    env.boot('console.log("boot " + require("ESP8266").getResetInfo().reason); setTimeout(function () { require("ESP8266").deepSleep(0); }, 10);');
    env.clock.advance(60_000);
    assert.equal(env.asleep, true);
    assert.deepEqual(env.output, ["boot power on"]);
    env.reboot();
    assert.deepEqual(env.output, ["boot power on", "boot power on"]);
  });

  it("ESP8266 deepSleep takes integer microseconds only, at most 2^31 - 1, and wakes with reason \"deep sleep\"", () => {
    const env = environment("esp8266");
    env.boot(`console.log("boot " + require("ESP8266").getResetInfo().reason);
      if (require("ESP8266").getResetInfo().reason == "power on") setTimeout(function () {
        [1.5e6 + 0.5, 2147483648, "5"].forEach(function (us) { try { require("ESP8266").deepSleep(us); } catch (e) { console.log(e.message); } });
        require("ESP8266").deepSleep(2147483647);
      }, 0);`);
    env.clock.advance(0);
    assert.deepEqual(env.output, ["boot power on", "Invalid microseconds.", "Invalid microseconds.", "Invalid microseconds."]);
    assert.deepEqual(env.sleeps, [{ at: 0, milliseconds: 2147483.647 }]);
    env.clock.advance(2147484);
    assert.deepEqual(env.output.slice(4), ["boot deep sleep"]);
  });

  it("ESP32 deepSleep converts to a 32-bit int: past 2^31 - 1 it wraps negative and never wakes", () => {
    const env = environment("esp32");
    env.boot('setTimeout(function () { require("ESP32").deepSleep(2147483648); }, 0);');
    env.clock.advance(0);
    assert.deepEqual(env.sleeps, [{ at: 0, milliseconds: Infinity }]);
  });

  it("E.reboot() runs E's kill listeners, clears timers and runs .bootcde again", () => {
    const env = environment("esp32");
    env.boot(`var n = (require("Storage").readJSON("n", true) || 0) + 1; require("Storage").writeJSON("n", n);
      console.log("boot " + n); E.on("kill", function () { console.log("kill " + n); });
      setInterval(function () { console.log("tick " + n); }, 100);
      if (n === 1) setTimeout(function () { E.reboot(); }, 150);`);
    env.clock.advance(300);
    assert.deepEqual(env.output, ["boot 1", "tick 1", "kill 1", "boot 2", "tick 2"]);
  });
});
