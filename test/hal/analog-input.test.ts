import assert from "node:assert/strict";
import { AnalogInput } from "../../hal/analog-input.ts";
import { AnalogSource } from "../../sim/devices/analog-source.ts";
import { errorOf, readingsOf, rig, sampleNow } from "./rig.ts";

describe("AnalogInput", () => {
  it("turns the pin voltage into volts and a calibrated value", () => {
    const bench = rig();
    bench.hardware.attachLine("D32", new AnalogSource({ kind: "constant", volts: 1.65 }));
    const battery = new AnalogInput(bench.io, bench.pin("D32"), { scale: 2, offset: 0.1, unit: "V" });
    const readings = readingsOf(sampleNow(bench, battery));
    assert.equal(readings.voltage, 1.65);
    assert.ok(Math.abs(readings.value - 3.4) < 1e-12);
    battery.configure({ scale: 100 / 3.3, offset: 0, unit: "%" });
    assert.equal(battery.units.value, "%");
    assert.ok(Math.abs(readingsOf(sampleNow(bench, battery)).value - 50) < 1e-9);
  });

  it("averages several reads of a changing voltage", () => {
    const bench = rig();
    const source = new AnalogSource({ kind: "constant", volts: 1 });
    bench.hardware.attachLine("D33", source);
    const input = new AnalogInput(bench.io, bench.pin("D33"), { samples: 4 });
    const one = readingsOf(sampleNow(bench, input)).voltage;
    assert.ok(Math.abs(one - 1) < 3.3 / 4096, String(one));
    source.set({ kind: "sine", offset: 2, amplitude: 1, periodMs: 1000 });
    bench.clock.advance(250);
    assert.ok(Math.abs(readingsOf(sampleNow(bench, input)).voltage - 3) < 3.3 / 4096);
  });

  it("calls back later, never inside sample()", () => {
    const bench = rig();
    const input = new AnalogInput(bench.io, bench.pin("D32"));
    let called = false;
    input.sample(() => (called = true));
    assert.equal(called, false);
    bench.clock.advance(0);
    assert.equal(called, true);
  });

  it("a pin without a readable ADC is an `invalid` sample (Espruino's analogRead gives NaN)", () => {
    const bench = rig();
    bench.hardware.attachLine("D4", new AnalogSource({ kind: "constant", volts: 1 }));
    assert.equal(errorOf(sampleNow(bench, new AnalogInput(bench.io, bench.pin("D4")))), "invalid");
  });

  it("reads ESP8266 A0 through the NodeMCU divider", () => {
    const bench = rig("esp8266");
    bench.hardware.attachLine("A0", new AnalogSource({ kind: "constant", volts: 2.2 }));
    const readings = readingsOf(sampleNow(bench, new AnalogInput(bench.io, bench.pin("A0"))));
    assert.ok(Math.abs(readings.voltage - 2.2) < 3.3 / 1024, String(readings.voltage));
  });
});
