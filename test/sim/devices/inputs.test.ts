import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { AnalogSource, waveformAt } from "../../../sim/devices/analog-source.ts";
import { ButtonModel } from "../../../sim/devices/button.ts";
import { Hardware } from "../../../sim/hardware/index.ts";

describe("button and analog source models", () => {
  it("a press chatters `bounces` times over `bounceMs` and settles pressed", () => {
    const clock = new VirtualClock();
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    const button = new ButtonModel({ bounceMs: 6, bounces: 2 });
    hardware.attachLine("D12", button);
    hardware.api.pinMode("D12", "input_pullup");
    const changes: Array<[number, boolean]> = [];
    hardware.pin("D12").onLevelChange((level, time) => changes.push([time, level]));
    button.click(100);
    clock.advance(200);
    assert.deepEqual(changes.map(([time, level]) => [Number(time.toFixed(6)), level]), [
      [0, false], [1.5, true], [3, false], [4.5, true], [6, false],
      [100, true], [101.5, false], [103, true], [104.5, false], [106, true],
    ]);
    assert.equal(button.pressed, false);
  });

  it("waveforms: constant, ramp, sine and steps in virtual time", () => {
    assert.equal(waveformAt({ kind: "constant", volts: 1.2 }, 99), 1.2);
    assert.equal(waveformAt({ kind: "ramp", from: 0, to: 3, durationMs: 1000 }, 500), 1.5);
    assert.equal(waveformAt({ kind: "ramp", from: 0, to: 3, durationMs: 1000 }, 5000), 3);
    assert.equal(waveformAt({ kind: "ramp", from: 0, to: 3, durationMs: 1000, repeat: true }, 1250), 0.75);
    assert.ok(Math.abs(waveformAt({ kind: "sine", offset: 1.65, amplitude: 1, periodMs: 400 }, 100) - 2.65) < 1e-12);
    assert.equal(waveformAt({ kind: "steps", volts: [1, 2, 3], stepMs: 10 }, 25), 3);
    assert.equal(waveformAt({ kind: "steps", volts: [1, 2, 3], stepMs: 10, repeat: true }, 35), 1);
  });

  it("an analog source follows its waveform from when it was attached", () => {
    const clock = new VirtualClock(5000);
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    const source = new AnalogSource({ kind: "ramp", from: 0, to: 3.3, durationMs: 100 });
    hardware.attachLine("D33", source);
    assert.equal(hardware.pin("D33").voltage, 0);
    clock.advance(50);
    assert.equal(hardware.pin("D33").voltage, 1.65);
    hardware.detach(source);
    assert.equal(hardware.pin("D33").voltage, 0);
  });
});
