import assert from "node:assert/strict";
import { DigitalOutput } from "../../hal/digital-output.ts";
import { PwmOutput } from "../../hal/pwm-output.ts";
import { rig } from "./rig.ts";

describe("DigitalOutput", () => {
  it("starts off and switches the load", () => {
    const bench = rig();
    const led = new DigitalOutput(bench.io, bench.pin("D13"));
    assert.equal(led.state, false);
    assert.equal(bench.hardware.pin("D13").level, false);
    assert.equal(bench.hardware.api.getPinMode("D13"), "output");
    led.write(true);
    assert.equal(led.state, true);
    assert.equal(bench.hardware.pin("D13").level, true);
  });

  it("an active-low relay never sees a low level while the driver starts (safe state at boot)", () => {
    const bench = rig();
    const pin = bench.hardware.pin("D13");
    pin.setExternalPull("up");
    const levels: boolean[] = [];
    pin.onLevelChange((level) => levels.push(level));
    const relay = new DigitalOutput(bench.io, bench.pin("D13"), { activeLow: true });
    assert.deepEqual(levels, [], "stayed high throughout");
    relay.write(true);
    assert.deepEqual(levels, [false]);
    assert.equal(relay.state, true);
    relay.write(false);
    assert.deepEqual(levels, [false, true], "off is high");
    assert.equal(relay.state, false);
    assert.equal(bench.hardware.api.getPinMode("D13"), "output");
  });

  it("open drain only pulls low", () => {
    const bench = rig();
    const output = new DigitalOutput(bench.io, bench.pin("D13"), { openDrain: true });
    assert.equal(bench.hardware.api.getPinMode("D13"), "opendrain");
    output.write(true);
    assert.equal(bench.hardware.api.getPinMode("D13"), "opendrain", "the mode set at construction stays");
    assert.equal(bench.hardware.pin("D13").level, false, "released, nothing pulls it up");
    bench.hardware.pin("D13").setExternalPull("up");
    assert.equal(bench.hardware.pin("D13").level, true);
  });
});

describe("PwmOutput", () => {
  it("starts at 0 % and writes duty cycle and frequency", () => {
    const bench = rig();
    const fan = new PwmOutput(bench.io, bench.pin("D14"), { frequency: 25000 });
    assert.deepEqual(bench.hardware.pin("D14").pwm, { duty: 0, frequency: 25000, dac: false });
    fan.write(40);
    assert.equal(fan.state, 40);
    assert.deepEqual(bench.hardware.pin("D14").pwm, { duty: 0.4, frequency: 25000, dac: false });
  });

  it("clamps to 0..100, ignores NaN, inverts when active low", () => {
    const bench = rig();
    const dimmer = new PwmOutput(bench.io, bench.pin("D14"), { activeLow: true });
    dimmer.write(150);
    assert.equal(dimmer.state, 100);
    assert.equal(bench.hardware.pin("D14").pwm?.duty, 0);
    dimmer.write(-5);
    assert.equal(dimmer.state, 0);
    dimmer.write(25);
    dimmer.write(NaN);
    assert.equal(dimmer.state, 25);
    assert.equal(bench.hardware.pin("D14").pwm?.duty, 0.75);
    assert.equal(bench.hardware.pin("D14").pwm?.frequency, 1000);
  });

  it("on ESP8266 drives software PWM on a label pin (D5 is GPIO14)", () => {
    const bench = rig("esp8266");
    new PwmOutput(bench.io, bench.pin("D14")).write(50);
    assert.equal(bench.hardware.pin("D14").pwm?.duty, 0.5);
  });
});

describe("Io.digitalPulse", () => {
  it("drives a pulse train and returns at once, then leaves the opposite level", () => {
    const bench = rig();
    const pin = bench.pin("D27");
    bench.io.pinMode(pin, "output");
    bench.io.digitalPulse(pin, 1, [5, 2, 4]);
    const levels: boolean[] = [];
    for (const at of [1, 6, 8, 12]) {
      bench.clock.advanceTo(at);
      levels.push(bench.hardware.pin("D27").level);
    }
    assert.deepEqual(levels, [true, false, true, false]);
  });
});
