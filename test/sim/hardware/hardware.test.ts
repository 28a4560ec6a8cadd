import assert from "node:assert/strict";
import vm from "node:vm";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { ButtonModel } from "../../../sim/devices/button.ts";
import { Hardware, type Intrinsics } from "../../../sim/hardware/index.ts";

describe("Hardware", () => {
  it("installs Espruino's hardware globals for the board's pins and ports", () => {
    const clock = new VirtualClock();
    const globals: Record<string, unknown> = {};
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    hardware.install({ clock, board: BOARDS["esp32"]!, defineGlobal: (name, value) => (globals[name] = value) });
    for (const name of ["pinMode", "getPinMode", "digitalRead", "digitalWrite", "analogRead", "analogWrite", "digitalPulse", "setWatch", "clearWatch", "I2C", "OneWire", "I2C1", "I2C2", "D0", "D39"]) {
      assert.ok(name in globals, name);
    }
    const esp8266: Record<string, unknown> = {};
    new Hardware(clock, BOARDS["esp8266"]!).install({ clock, board: BOARDS["esp8266"]!, defineGlobal: (name, value) => (esp8266[name] = value) });
    assert.deepEqual(Object.keys(esp8266).filter((name) => /^(A0|D\d+|I2C\d)$/.test(name)).sort(), ["A0", "D0", "D1", "D12", "D13", "D14", "D15", "D16", "D2", "D3", "D4", "D5", "I2C1"]);
  });

  it("runs in a vm realm: errors and byte arrays are the realm's own", () => {
    const clock = new VirtualClock();
    const context = vm.createContext({});
    const intrinsics = vm.runInContext("({ Error, Array, Object, Uint8Array })", context) as Intrinsics;
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    hardware.install({ clock, board: BOARDS["esp32"]!, intrinsics, defineGlobal: (name, value) => (context[name] = value) });
    const result = vm.runInContext(`
      var caught;
      try { digitalWrite("D99", 1); } catch (e) { caught = e; }
      var i2c = new I2C(); i2c.setup({ scl: D22, sda: D21 });
      var bytes = i2c.readFrom(0x76, 2);
      var found = new OneWire(D4).search();
      [caught instanceof Error, caught.message, bytes instanceof Uint8Array, Array.isArray(found) && found instanceof Array];
    `, context) as unknown[];
    assert.deepEqual([...result], [true, "Invalid pin", true, true]);
  });

  it("reset (a reboot) restores pins and drops watches but keeps devices, wiring and device timers", () => {
    const clock = new VirtualClock();
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    const button = new ButtonModel({ bounces: 0 });
    hardware.attachLine("D12", button);
    hardware.pin("D12").setExternalPull("up");
    hardware.api.pinMode("D12", "input_pullup");
    hardware.api.setWatch(() => undefined, "D12", { repeat: true });
    button.script([{ at: 50, pressed: true }]);
    clock.clearAll();
    hardware.reset();
    assert.equal(hardware.api.getPinMode("D12"), undefined);
    assert.equal(hardware.watchCount, 0);
    assert.equal(hardware.pin("D12").level, true);
    clock.advance(60);
    assert.equal(button.pressed, true, "the scripted press survived the cleared clock");
    assert.equal(hardware.pin("D12").level, false);
  });

  it("names the board's pins when asked for one it does not have", () => {
    const hardware = new Hardware(new VirtualClock(), BOARDS["esp8266"]!);
    assert.throws(() => hardware.pin("D7"), /D7 is not a pin of board esp8266; pins: D16, D5, D4, D0, D2, D14, D12, D13, D15, D3, D1, A0/);
    assert.throws(() => new Hardware(new VirtualClock(), BOARDS["linux"]!).attachI2C({ address: 1, acknowledges: () => true, holdsBus: () => false, write: () => undefined, read: () => new Uint8Array(0) }), /board linux has no default I2C pins/);
  });
});
