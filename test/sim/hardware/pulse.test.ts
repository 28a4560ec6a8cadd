import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { Hardware } from "../../../sim/hardware/index.ts";

/** Records [time ms, level] for every change of a pin. */
function recorder(hardware: Hardware, name: string): Array<[number, boolean]> {
  const changes: Array<[number, boolean]> = [];
  hardware.pin(name).onLevelChange((level, time) => changes.push([time, level]));
  return changes;
}

describe("digitalPulse", () => {
  let clock: VirtualClock;
  let hardware: Hardware;
  beforeEach(() => {
    clock = new VirtualClock(1000);
    hardware = new Hardware(clock, BOARDS["esp32"]!);
  });

  it("drives the value at once and the opposite level exactly `time` ms later, returning immediately", () => {
    const changes = recorder(hardware, "D5");
    hardware.api.digitalPulse("D5", 1, 5);
    assert.deepEqual(changes, [[1000, true]]);
    assert.equal(hardware.api.getPinMode("D5"), "output");
    clock.advance(4.999);
    assert.deepEqual(changes, [[1000, true]]);
    clock.advance(0.001);
    assert.deepEqual(changes, [[1000, true], [1005, false]]);
  });

  it("an array gives a square wave starting with the value: [5, 2, 4] is high 5, low 2, high 4", () => {
    const changes = recorder(hardware, "D5");
    hardware.api.digitalPulse("D5", true, [5, 2, 4]);
    clock.advance(20);
    assert.deepEqual(changes, [[1000, true], [1005, false], [1007, true], [1011, false]]);
  });

  it("sub-millisecond pulses keep their exact virtual times", () => {
    const changes = recorder(hardware, "D5");
    hardware.api.digitalPulse("D5", 0, [0.5, 0.03]);
    clock.advance(1);
    assert.deepEqual(changes.map(([time, level]) => [Number((time - 1000).toFixed(6)), level]), [[0.5, true], [0.53, false]]);
  });

  it("a pulse queued while another runs starts when that one ends", () => {
    const changes = recorder(hardware, "D5");
    hardware.api.digitalPulse("D5", 1, 5);
    clock.advance(2);
    hardware.api.digitalPulse("D5", 0, 3);
    clock.advance(10);
    assert.deepEqual(changes, [[1000, true], [1005, false], [1008, true]]);
  });

  it("time 0 waits for queued pulses: the pin ends in their final state", () => {
    hardware.api.digitalPulse("D5", 1, [5, 5]);
    hardware.api.digitalPulse("D5", 1, 0);
    assert.equal(hardware.pin("D5").level, true);
    clock.advance(20);
    assert.equal(hardware.pin("D5").level, true);
  });

  it("rejects bad times with Espruino's messages", () => {
    assert.throws(() => hardware.api.digitalPulse("D5", 1, -1), /^Error: Pulse Time is less than 0 or not a number$/);
    assert.throws(() => hardware.api.digitalPulse("D5", 1, NaN), /Pulse Time is less than 0/);
    assert.throws(() => hardware.api.digitalPulse("D5", 1, {}), /^Error: Expecting Number or Array, got Object$/);
    assert.throws(() => hardware.api.digitalPulse("D99", 1, 1), /^Error: Invalid pin$/);
  });

  it("a reboot drops pulses still queued", () => {
    const changes = recorder(hardware, "D5");
    hardware.api.digitalPulse("D5", 1, 5);
    hardware.reset();
    clock.advance(10);
    assert.deepEqual(changes, [[1000, true], [1000, false]]);
  });
});
