import assert from "node:assert/strict";
import { createDigitalInput, DIGITAL_INPUT_UNITS } from "../../hal/digital-input.ts";
import type { InputEventKind } from "../../hal/sensor.ts";
import { ButtonModel } from "../../sim/devices/button.ts";
import { readingsOf, rig, sampleNow } from "./rig.ts";

function bench(options: Parameters<typeof createDigitalInput>[2] = {}, model = new ButtonModel({ bounceMs: 5, bounces: 4 })) {
  const setup = rig();
  setup.hardware.attachLine("D12", model);
  const input = createDigitalInput(setup.io, setup.pin("D12"), options);
  const events: Array<[InputEventKind, boolean, number]> = [];
  input.listen((kind, active, seconds) => events.push([kind, active, seconds]));
  return { ...setup, model, input, events };
}

describe("DigitalInput", () => {
  it("reports one change per press and release of a bouncing button", () => {
    const { clock, model, input, events } = bench();
    assert.equal(input.active, false);
    clock.advance(100);
    model.click(300);
    clock.advance(1000);
    assert.deepEqual(events.map(([kind, active]) => [kind, active]), [["change", true], ["change", false]]);
    assert.ok(Math.abs(events[0]![2] - 0.105) < 1e-9, "time of the last bounce, in seconds");
    assert.equal(input.active, false);
  });

  it("reports a long press once the contact has been held for `longPress` ms", () => {
    const { clock, model, events } = bench({ longPress: 1000 });
    model.click(300);
    clock.advance(2000);
    assert.deepEqual(events.map(([kind]) => kind), ["change", "change"]);
    model.click(1500);
    clock.advance(3000);
    const held = events.slice(2);
    assert.deepEqual(held.map(([kind, active]) => [kind, active]), [["change", true], ["long", true], ["change", false]]);
    assert.equal(held[1]![2], 1, "held for 1 s");
  });

  it("a contact to the supply with a pull-down is active high", () => {
    const { clock, model, input, events } = bench({ pull: "down", activeLow: false }, new ButtonModel({ pressedLevel: true, bounces: 0 }));
    assert.equal(input.active, false);
    model.press();
    clock.advance(50);
    assert.deepEqual(events.map(([kind, active]) => [kind, active]), [["change", true]]);
  });

  it("is also a sensor of {active}", () => {
    const setup = bench();
    setup.model.press();
    setup.clock.advance(100);
    assert.deepEqual(readingsOf(sampleNow(setup, setup.input)), { active: true });
    assert.equal(DIGITAL_INPUT_UNITS.active, "boolean");
  });

  it("close stops the watch; without debounce every bounce counts", () => {
    const { clock, model, input, events, hardware } = bench();
    input.close();
    assert.equal(hardware.watchCount, 0);
    model.click(100);
    clock.advance(500);
    assert.deepEqual(events, []);
    const raw = bench({ debounce: 0 });
    assert.equal(raw.hardware.watchCount, 1);
    raw.model.click(100);
    raw.clock.advance(500);
    assert.ok(raw.events.length > 2, "without debounce every bounce counts");
  });
});
