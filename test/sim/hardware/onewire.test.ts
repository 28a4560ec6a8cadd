import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { Ds18b20Model } from "../../../sim/devices/ds18b20.ts";
import { Hardware } from "../../../sim/hardware/index.ts";

type OneWire = {
  pin: unknown;
  reset(): boolean;
  select(rom: unknown): void;
  skip(): void;
  write(data: unknown, power?: boolean): void;
  read(count?: number): number | Uint8Array;
  search(command?: number): string[];
};

function bus(devices: Ds18b20Model[]): { hardware: Hardware; wire: OneWire; clock: VirtualClock } {
  const clock = new VirtualClock();
  const hardware = new Hardware(clock, BOARDS["esp32"]!);
  for (const device of devices) hardware.attachOneWire("D4", device);
  return { hardware, clock, wire: new hardware.api.OneWire(hardware.api["D4"]) as OneWire };
}

describe("emulated OneWire", () => {
  it("reset reports presence; no device, no presence", () => {
    assert.equal(bus([new Ds18b20Model()]).wire.reset(), true);
    assert.equal(bus([]).wire.reset(), false);
    assert.equal(String(bus([]).wire.pin), "D4");
  });

  it("search finds every device (Maxim AN187) as Espruino's 16-hex-digit ids, family code first", () => {
    const devices = [0x1234, 0xabcdef, 0x2, 0xffffffffff].map((serial) => new Ds18b20Model({ serial }));
    const { wire } = bus(devices);
    const found = wire.search();
    assert.deepEqual([...found].sort(), devices.map((device) => device.romId).sort());
    for (const id of found) assert.match(id, /^28[0-9a-f]{14}$/);
    assert.equal(devices[0]!.romId.slice(0, 14), "28341200000000");
  });

  it("alarm search (0xEC) finds only devices outside the TH/TL window written to their scratchpads", () => {
    const hot = new Ds18b20Model({ serial: 1, temperature: 90 });
    const mild = new Ds18b20Model({ serial: 2, temperature: 20 });
    const { wire, clock } = bus([hot, mild]);
    wire.reset();
    wire.skip();
    wire.write([0x4e, 50, 0, 0x7f]);
    wire.reset();
    wire.skip();
    wire.write(0x44, true);
    clock.advance(750);
    assert.deepEqual(wire.search(0xec), [hot.romId]);
  });

  it("select, write and read(count) talk to one device; write with power leaves the line driven high", () => {
    const device = new Ds18b20Model({ serial: 7 });
    const { wire, hardware } = bus([device, new Ds18b20Model({ serial: 8 })]);
    wire.select(device.romId);
    wire.write(0xbe);
    const scratchpad = wire.read(9) as Uint8Array;
    assert.ok(scratchpad instanceof Uint8Array);
    assert.deepEqual([...scratchpad], [0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0x1c], "power-on scratchpad");
    wire.select(device.romId);
    wire.write([0x44], true);
    assert.equal(hardware.api.getPinMode("D4"), "output");
    assert.equal(hardware.pin("D4").level, true);
    assert.equal(typeof wire.read(), "number");
    assert.throws(() => wire.select("28"), /^Error: Invalid OneWire device address "28"$/);
  });

  it("a stuck bus answers every reset, reads zeros and finds nothing", () => {
    const device = new Ds18b20Model();
    const { wire } = bus([device, new Ds18b20Model({ serial: 9 })]);
    device.fault = "stuck";
    assert.equal(wire.reset(), true);
    assert.deepEqual(wire.search(), []);
    wire.skip();
    assert.equal(wire.read(), 0);
  });
});
