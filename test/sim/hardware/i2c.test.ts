import assert from "node:assert/strict";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { Hardware, type I2CTarget } from "../../../sim/hardware/index.ts";

/** A register file at one address that records what it was sent. */
class Registers implements I2CTarget {
  present = true;
  stuck = false;
  pointer = 0;
  readonly writes: number[][] = [];
  readonly memory = new Uint8Array(256).map((_, index) => index);
  constructor(readonly address: number) {}
  acknowledges(): boolean {
    return this.present;
  }
  holdsBus(): boolean {
    return this.stuck;
  }
  write(bytes: Uint8Array): void {
    this.writes.push([...bytes]);
    this.pointer = bytes[0]!;
  }
  read(count: number): Uint8Array {
    const out = this.memory.slice(this.pointer, this.pointer + count);
    this.pointer += count;
    return out;
  }
}

type Bus = { setup(options?: object): void; writeTo(address: unknown, ...data: unknown[]): void; readFrom(address: unknown, count: number): Uint8Array | undefined; readReg(address: number, register: number, count: number): Uint8Array };

function setUp(boardId: string): { hardware: Hardware; device: Registers; port: Bus; software: Bus } {
  const hardware = new Hardware(new VirtualClock(), BOARDS[boardId]!);
  const device = new Registers(0x76);
  hardware.attachI2C(device);
  const port = hardware.api["I2C1"] as Bus;
  port.setup({});
  const software = new hardware.api.I2C() as Bus;
  const pins = BOARDS[boardId]!.i2c!;
  software.setup({ scl: BOARDS[boardId]!.pins[pins.scl]!.espruino, sda: BOARDS[boardId]!.pins[pins.sda]!.espruino });
  return { hardware, device, port, software };
}

describe("emulated I2C", () => {
  it("writes flattened data (numbers, arrays, strings, {data,count}) and reads with auto-increment", () => {
    const { device, port } = setUp("esp32");
    port.writeTo(0x76, 0xf4, [1, 2], "A", { data: 7, count: 2 });
    assert.deepEqual(device.writes[0], [0xf4, 1, 2, 65, 7, 7]);
    port.writeTo({ address: 0x76, stop: false }, 0x10);
    assert.deepEqual([...port.readFrom(0x76, 3)!], [0x10, 0x11, 0x12]);
    assert.deepEqual([...port.readReg(0x76, 0xd0, 2)], [0xd0, 0xd1]);
    assert.equal(port.readFrom(0x76, 0), undefined);
    port.writeTo(0x76);
    assert.equal(device.writes.length, 3, "an address with no data sends nothing");
  });

  it("uses the board's default pins for I2C1 and sets them open drain", () => {
    const hardware = new Hardware(new VirtualClock(), BOARDS["esp8266"]!);
    (hardware.api["I2C1"] as Bus).setup();
    assert.equal(hardware.api.getPinMode("D5"), "af_opendrain", "label D1 (GPIO5) is SCL");
    assert.equal(hardware.api.getPinMode("D4"), "af_opendrain", "label D2 (GPIO4) is SDA");
  });

  it("ESP32 hardware I2C throws on a missing acknowledge and on a stuck bus", () => {
    const { device, port } = setUp("esp32");
    assert.throws(() => port.writeTo(0x77, 1), /^Error: jshI2CWrite: slave doesn't ACK the transfer$/);
    device.present = false;
    assert.throws(() => port.readFrom(0x76, 1), /^Error: jshI2CRead: slave doesn't ACK the transfer$/);
    device.present = true;
    device.stuck = true;
    assert.throws(() => port.writeTo(0x76, 1), /^Error: jshI2CWrite:, Operation timeout because the bus is busy$/);
  });

  it("ESP8266 I2C1 throws on a missing acknowledge and reads a stuck bus as zeros", () => {
    const { device, port } = setUp("esp8266");
    assert.throws(() => port.writeTo(0x77, 1), /^Error: I2CWrite: No ACK 1$/);
    device.stuck = true;
    assert.deepEqual([...port.readFrom(0x76, 2)!], [0, 0]);
  });

  it("software I2C ignores a missing acknowledge (reads 0xFF) and throws on a stuck bus", () => {
    const { device, software } = setUp("esp32");
    software.writeTo(0x50, 1);
    assert.deepEqual([...software.readFrom(0x50, 2)!], [255, 255]);
    device.stuck = true;
    assert.throws(() => software.readFrom(0x76, 1), /^Error: I2C Error: Arbitration \(start\)$/);
  });

  it("rejects a bitrate below 100 and needs pins for devices on other buses", () => {
    const { hardware, software } = setUp("esp32");
    assert.throws(() => software.setup({ bitrate: 50 }), /^Error: Invalid I2C bitrate$/);
    const other = new Registers(0x40);
    hardware.attachI2C(other, { scl: "D18", sda: "D19" });
    const bus = new hardware.api.I2C() as Bus;
    bus.setup({ scl: "D18", sda: "D19" });
    assert.deepEqual([...bus.readReg(0x40, 5, 1)], [5]);
    hardware.detach(other);
    assert.deepEqual([...bus.readFrom(0x40, 1)!], [255]);
  });
});
