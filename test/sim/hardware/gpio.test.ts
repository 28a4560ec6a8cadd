import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { AnalogSource } from "../../../sim/devices/analog-source.ts";
import { Hardware } from "../../../sim/hardware/index.ts";

function board(id: string): Hardware {
  return new Hardware(new VirtualClock(), BOARDS[id]!);
}

describe("emulated pins", () => {
  it("pin objects behave like Espruino's: name, JSON, number value", () => {
    const hardware = board("esp32");
    const d5 = hardware.api["D5"] as object;
    assert.equal(String(d5), "D5");
    assert.equal(JSON.stringify({ pin: d5 }), '{"pin":"D5"}');
    assert.ok((d5 as unknown as number) == 5);
    assert.equal(hardware.api["D6"], undefined, "flash pins are not brought out");
    assert.equal(board("esp8266").api["D5"]?.toString(), "D5", "esp8266 label D1 is Espruino's D5");
    assert.ok(board("esp8266").api["A0"]);
  });

  it("digitalWrite makes an automatic pin an output, digitalRead makes it an input again", () => {
    const hardware = board("esp32");
    const api = hardware.api;
    assert.equal(api.getPinMode("D5"), undefined);
    api.digitalWrite(api["D5"], 1);
    assert.equal(api.getPinMode(api["D5"]), "output");
    assert.equal(hardware.pin("D5").level, true);
    assert.equal(api.digitalRead(api["D5"]), 0, "released pin floats low");
    assert.equal(api.getPinMode("D5"), "input");
  });

  it("pinMode is manual until pinMode(pin) or 'auto' gives it back", () => {
    const api = board("esp32").api;
    api.pinMode("D5", "output");
    api.digitalRead("D5");
    assert.equal(api.getPinMode("D5"), "output");
    api.pinMode("D5");
    api.digitalRead("D5");
    assert.equal(api.getPinMode("D5"), "input");
    api.pinMode("D5", "input_pullup");
    assert.equal(api.digitalRead("D5"), 1);
    assert.throws(() => api.pinMode("D5", "sideways"), /^Error: Unknown pin mode$/);
    assert.throws(() => api.digitalWrite("D99", 1), /^Error: Invalid pin$/);
  });

  it("Pin methods: set, reset, write, toggle, read, mode, getMode", () => {
    const hardware = board("esp32");
    const pin = hardware.pinObject("D13");
    pin.set();
    assert.equal(hardware.pin("D13").level, true);
    pin.reset();
    assert.equal(hardware.pin("D13").level, false);
    assert.equal(pin.toggle(), true);
    assert.equal(hardware.pin("D13").level, true);
    pin.write(false);
    pin.mode("input_pulldown");
    assert.equal(pin.getMode(), "input_pulldown");
    assert.equal(pin.read(), false);
  });

  it("digitalWrite and digitalRead take arrays of pins, last pin least significant", () => {
    const hardware = board("esp32");
    const api = hardware.api;
    api.digitalWrite(["D12", "D13", "D14"], 0b101);
    assert.deepEqual(["D12", "D13", "D14"].map((name) => hardware.pin(name).level), [true, false, true]);
    for (const name of ["D12", "D13", "D14"]) api.pinMode(name, "output");
    assert.equal(api.digitalRead(["D12", "D13", "D14"]), 0b101);
  });

  it("an input-only pin (ESP32 GPIO 34-39) never drives the wire", () => {
    const hardware = board("esp32");
    hardware.api.digitalWrite("D34", 1);
    assert.equal(hardware.pin("D34").level, false);
    assert.match(hardware.warnings.join("\n"), /D34 on esp32 cannot drive an output/);
  });

  it("analogRead quantises a voltage to the port's ADC (ESP32 12-bit ADC1)", () => {
    const hardware = board("esp32");
    const source = new AnalogSource({ kind: "constant", volts: 1.65 });
    hardware.attachLine("D32", source);
    assert.equal(hardware.api.analogRead("D32"), 2048 / 4096);
    assert.equal(hardware.api.getPinMode("D32"), "analog");
    source.set({ kind: "constant", volts: 5 });
    assert.equal(hardware.api.analogRead("D32"), 4095 / 4096, "clamped at full scale");
  });

  it("analogRead gives NaN where the port reads no ADC (ADC2 pins, plain GPIO), as Espruino does", () => {
    const hardware = board("esp32");
    hardware.attachLine("D4", new AnalogSource({ kind: "constant", volts: 1 }));
    assert.ok(Number.isNaN(hardware.api.analogRead("D4")), "D4 is ADC2: Espruino's ESP32 port reads ADC1 only");
    assert.ok(Number.isNaN(hardware.api.analogRead("D5")));
    assert.equal(hardware.warnings.length, 2);
    assert.equal(board("linux").api.analogRead("D5"), 0, "the Linux build returns 0 and prints an error");
  });

  it("ESP8266 A0 reads with 10 bits through the NodeMCU divider", () => {
    const hardware = board("esp8266");
    hardware.attachLine("A0", new AnalogSource({ kind: "constant", volts: 1 }));
    assert.equal(hardware.api.analogRead(hardware.api["A0"]), Math.floor((1 / 3.3) * 1024) / 1024);
  });

  it("analogWrite drives PWM with the port's default frequency, a DAC on ESP32 D25, nothing on a pin without PWM", () => {
    const hardware = board("esp32");
    const api = hardware.api;
    api.analogWrite("D5", 0.25);
    assert.deepEqual(hardware.pin("D5").pwm, { duty: 0.25, frequency: 5000, dac: false });
    api.analogWrite("D5", 1.7, { freq: 200 });
    assert.deepEqual(hardware.pin("D5").pwm, { duty: 1, frequency: 200, dac: false });
    api.analogWrite("D25", 0.5, { freq: 100 });
    assert.deepEqual(hardware.pin("D25").pwm, { duty: 0.5, frequency: 0, dac: true });
    api.analogWrite("D34", 0.5);
    assert.equal(hardware.pin("D34").pwm, null);
    const esp8266 = board("esp8266");
    esp8266.api.analogWrite("D16", 0.5);
    assert.equal(esp8266.pin("D16").pwm, null, "GPIO16 has no PWM");
    esp8266.api.analogWrite("D14", 0.5);
    assert.equal(esp8266.pin("D14").pwm?.frequency, 50, "ESP8266 software PWM defaults to 50 Hz");
    api.digitalWrite("D5", 0);
    assert.equal(hardware.pin("D5").pwm, null, "an automatic digitalWrite sets the pin state again, which ends PWM");
  });

  it("resolves pins given as objects, names or GPIO numbers", () => {
    const hardware = board("esp8266");
    hardware.api.digitalWrite(5, 1);
    assert.equal(hardware.pin("D5").level, true);
    assert.equal(hardware.pin("D5").label, "D1");
  });
});
