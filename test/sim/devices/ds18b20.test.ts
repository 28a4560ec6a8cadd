import assert from "node:assert/strict";
import { crc8 } from "../../../sim/devices/crc8.ts";
import { CONVERSION_MS, Ds18b20Model, encodeTemperature, POWER_ON_RAW } from "../../../sim/devices/ds18b20.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { DeviceScheduler } from "../../../sim/hardware/scheduler.ts";

/** Bit-banged master for one device: what the OneWire class does, slot by slot. */
function master(device: Ds18b20Model) {
  const writeByte = (byte: number): void => {
    for (let bit = 0; bit < 8; bit++) device.slot(((byte >> bit) & 1) === 1);
  };
  const readByte = (): number => {
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) if (device.slot(true)) byte |= 1 << bit;
    return byte;
  };
  return { writeByte, readByte };
}

describe("DS18B20 model", () => {
  it("CRC-8 matches Maxim AN27's example ROM and a real power-on scratchpad", () => {
    assert.equal(crc8([0x02, 0x1c, 0xb8, 0x01, 0x00, 0x00, 0x00]), 0xa2);
    assert.equal(crc8([0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10]), 0x1c);
    assert.equal(crc8([0x02, 0x1c, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xa2]), 0);
  });

  it("encodes the datasheet's Table 1 temperatures", () => {
    const table: Array<[number, number]> = [[125, 0x07d0], [85, 0x0550], [25.0625, 0x0191], [10.125, 0x00a2], [0.5, 0x0008], [0, 0x0000], [-0.5, 0xfff8], [-10.125, 0xff5e], [-25.0625, 0xfe6f], [-55, 0xfc90]];
    for (const [celsius, raw] of table) assert.equal(encodeTemperature(celsius, 12), raw, `${celsius} °C`);
    assert.equal(encodeTemperature(25.0625, 9), 0x0190, "9-bit resolution leaves bits 2..0 zero");
    assert.equal(POWER_ON_RAW, 0x0550);
  });

  it("has a ROM of family 0x28, the serial LSB first and a valid CRC", () => {
    const device = new Ds18b20Model({ serial: 0x0102030405 });
    assert.deepEqual([...device.rom.subarray(0, 7)], [0x28, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00]);
    assert.equal(crc8(device.rom), 0);
    assert.equal(device.romId, [...device.rom].map((byte) => byte.toString(16).padStart(2, "0")).join(""));
  });

  it("converts in the datasheet's time for its resolution, reporting busy until then", () => {
    const clock = new VirtualClock();
    const device = new Ds18b20Model({ temperature: -10.125 });
    device.connect(new DeviceScheduler(clock));
    const bus = master(device);
    device.reset();
    bus.writeByte(0xcc);
    bus.writeByte(0x44);
    clock.advance(CONVERSION_MS[12]! - 1);
    assert.equal(device.slot(true), false, "still converting: read slots return 0");
    clock.advance(1);
    assert.equal(device.slot(true), true);
    const scratchpad = device.readScratchpad();
    assert.equal(scratchpad[0]! | (scratchpad[1]! << 8), 0xff5e);
    assert.equal(crc8(scratchpad), 0);
  });

  it("writes TH, TL and the resolution, and a power-on reset loses the conversion", () => {
    const clock = new VirtualClock();
    const device = new Ds18b20Model({ temperature: 30 });
    device.connect(new DeviceScheduler(clock));
    const bus = master(device);
    device.reset();
    bus.writeByte(0xcc);
    for (const byte of [0x4e, 40, 10, 0x1f]) bus.writeByte(byte);
    assert.equal(device.resolution, 9);
    device.fault = "power-on-reset";
    device.reset();
    bus.writeByte(0xcc);
    bus.writeByte(0x44);
    clock.advance(CONVERSION_MS[9]!);
    device.reset();
    bus.writeByte(0xcc);
    bus.writeByte(0xbe);
    const bytes = Array.from({ length: 9 }, () => bus.readByte());
    assert.equal(bytes[0]! | (bytes[1]! << 8), POWER_ON_RAW);
    assert.equal(device.resolution, 12, "EEPROM settings come back after the reset");
  });
});
