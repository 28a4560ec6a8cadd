/**
 * Espruino's `OneWire` class over emulated 1-Wire buses, following
 * src/jswrap_onewire.c (2v29): reset (presence detect), select (reset, then
 * MATCH ROM 0x55 with the 64-bit ROM), skip (SKIP ROM 0xCC, no reset), write
 * (bytes, then either a strong high for parasite power or release), read
 * (one byte, or a Uint8Array of `count`), and search (Maxim application note
 * 187, with command 0xF0 or e.g. 0xEC alarm search). Device models see the
 * bus one time slot at a time, so several devices answer together like on a
 * wired-AND line. ROM ids are 16 lowercase hex digits, family code first
 * (`"28…"`), as Espruino's search returns them.
 */
import type { HardwareContext } from "./context.ts";
import { toBytes } from "./bytes.ts";
import type { DeviceScheduler } from "./scheduler.ts";
import type { SimPin } from "./sim-pin.ts";

/** A device model on a 1-Wire bus, seen one time slot at a time. */
export interface OneWireDevice {
  /** A reset pulse; returns true when the device answers with a presence pulse. */
  reset(): boolean;
  /** One time slot: the master writes `bit` (a read slot writes true); returns false when the device pulls the line low. */
  slot(bit: boolean): boolean;
  /** Whether the device holds the line low (a stuck bus). */
  holdsLow(): boolean;
  /** Called once when attached, with the device-side timers. */
  connect?(scheduler: DeviceScheduler): void;
}

/** Which device models sit on which pin. */
export class OneWireBuses {
  private readonly devices = new Map<SimPin, OneWireDevice[]>();

  /** Puts a device on the bus of `pin`. */
  attach(pin: SimPin, device: OneWireDevice): void {
    const list = this.devices.get(pin) ?? [];
    list.push(device);
    this.devices.set(pin, list);
  }

  /** Removes a device. */
  detach(device: OneWireDevice): void {
    for (const list of this.devices.values()) {
      const index = list.indexOf(device);
      if (index >= 0) list.splice(index, 1);
    }
  }

  /** Reset pulse on `pin`: true when the line is low after the release (presence, or a stuck bus). */
  reset(pin: SimPin): boolean {
    pin.setLatch(true);
    pin.setMode("opendrain_pullup", pin.manual);
    const list = this.devices.get(pin) ?? [];
    let presence = false;
    for (const device of list) presence = device.reset() || presence;
    return presence || list.some((device) => device.holdsLow()) || !this.idleHigh(pin);
  }

  /** One slot on `pin`: the line level the master samples. */
  slot(pin: SimPin, bit: boolean): boolean {
    let level = bit && this.idleHigh(pin);
    for (const device of this.devices.get(pin) ?? []) {
      if (!device.slot(bit)) level = false;
      if (device.holdsLow()) level = false;
    }
    return level;
  }

  private idleHigh(pin: SimPin): boolean {
    return pin.mode === "opendrain_pullup" || pin.externalPull === "up";
  }
}

/** Builds the `OneWire` class for one board. */
export function createOneWireClass(context: HardwareContext, buses: OneWireBuses, pinObject: (pin: SimPin) => unknown): new (pin: unknown) => object {
  class OneWire {
    /** The pin object, as Espruino stores it. */
    readonly pin: unknown;
    private readonly sim: SimPin;

    constructor(pin: unknown) {
      this.sim = context.resolvePin(pin);
      this.pin = pinObject(this.sim);
    }

    /** Reset pulse; true when a device answered (or the bus is stuck low). */
    reset(): boolean {
      return buses.reset(this.sim);
    }

    /** Reset, then MATCH ROM with a 16-hex-digit ROM id. */
    select(rom: unknown): void {
      if (typeof rom !== "string" || rom.length !== 16) throw context.error(`Invalid OneWire device address ${JSON.stringify(rom)}`);
      buses.reset(this.sim);
      this.writeBits(0x55, 8);
      for (let index = 0; index < 8; index++) this.writeBits(parseInt(rom.substr(index * 2, 2), 16) || 0, 8);
    }

    /** SKIP ROM (no reset). */
    skip(): void {
      this.writeBits(0xcc, 8);
    }

    /** Writes bytes; `power` leaves the line driven high (parasite power), else it is released. */
    write(data: unknown, power?: unknown): void {
      for (const byte of toBytes([data])) this.writeBits(byte, 8);
      this.sim.setLatch(true);
      this.sim.setMode(power ? "output" : "input", this.sim.manual);
    }

    /** Reads one byte, or `count` bytes as a Uint8Array. */
    read(count?: unknown): number | Uint8Array {
      if (typeof count !== "number") return this.readBits(8);
      const bytes: number[] = [];
      for (let index = 0; index < count; index++) bytes.push(this.readBits(8));
      return context.bytes(bytes);
    }

    /** ROM ids of the devices found (Maxim AN187), with `command` 0xF0 (default) or e.g. 0xEC. */
    search(command?: unknown): string[] {
      const code = Number(command) > 0 && Number(command) <= 255 ? Number(command) : 0xf0;
      const found = new context.intrinsics.Array() as string[];
      const rom = new Uint8Array(8);
      let lastDiscrepancy = 0;
      let lastDevice = false;
      while (!lastDevice) {
        if (!buses.reset(this.sim)) break;
        this.writeBits(code, 8);
        let lastZero = 0;
        let bitNumber = 1;
        for (; bitNumber <= 64; bitNumber++) {
          const byteIndex = (bitNumber - 1) >> 3;
          const mask = 1 << ((bitNumber - 1) & 7);
          const bit = this.readBits(1);
          const complement = this.readBits(1);
          if (bit === 1 && complement === 1) break;
          let direction: number;
          if (bit !== complement) direction = bit;
          else if (bitNumber < lastDiscrepancy) direction = (rom[byteIndex]! & mask) !== 0 ? 1 : 0;
          else direction = bitNumber === lastDiscrepancy ? 1 : 0;
          if (direction === 0 && bit === complement) lastZero = bitNumber;
          rom[byteIndex] = direction === 1 ? rom[byteIndex]! | mask : rom[byteIndex]! & ~mask;
          this.writeBits(direction, 1);
        }
        if (bitNumber <= 64 || rom[0] === 0) break;
        lastDiscrepancy = lastZero;
        lastDevice = lastDiscrepancy === 0;
        found.push([...rom].map((byte) => byte.toString(16).padStart(2, "0")).join(""));
      }
      return found;
    }

    private writeBits(value: number, count: number): void {
      this.release();
      for (let index = 0; index < count; index++) buses.slot(this.sim, ((value >> index) & 1) === 1);
    }

    private readBits(count: number): number {
      this.release();
      let value = 0;
      for (let index = 0; index < count; index++) if (buses.slot(this.sim, true)) value |= 1 << index;
      return value;
    }

    /** Open drain with pull-up, released between slots (slots themselves make no edges on the SimPin). */
    private release(): void {
      this.sim.setLatch(true);
      this.sim.setMode("opendrain_pullup", this.sim.manual);
    }
  }

  return OneWire;
}
