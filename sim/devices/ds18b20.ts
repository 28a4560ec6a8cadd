/**
 * A DS18B20 digital thermometer on a 1-Wire bus, slot by slot, after the
 * Maxim DS18B20 datasheet (19-7487 Rev 6): 64-bit ROM (family 0x28, 48-bit
 * serial, CRC-8), ROM commands (READ 0x33, MATCH 0x55, SKIP 0xCC, SEARCH 0xF0,
 * ALARM SEARCH 0xEC), function commands (CONVERT T 0x44, WRITE SCRATCHPAD 0x4E,
 * READ SCRATCHPAD 0xBE, COPY 0x48, RECALL 0xB8, READ POWER SUPPLY 0xB4), the
 * 9-byte scratchpad with its CRC, the power-on value 85 °C (0x0550) and the
 * conversion time per resolution (Table 2: 93.75 / 187.5 / 375 / 750 ms).
 * Faults: absent, a corrupted scratchpad CRC, a bus held low, and a power-on
 * reset that loses every conversion (reads stay at 85 °C).
 */
import type { DeviceScheduler, OneWireDevice } from "../hardware/index.ts";
import { crc8 } from "./crc8.ts";

/** DS18B20 family code (datasheet "64-bit lasered ROM code"). */
export const DS18B20_FAMILY = 0x28;
/** Temperature register at power-on: +85 °C (datasheet Table 1 note). */
export const POWER_ON_RAW = 0x0550;
/** Maximum conversion time in ms by resolution in bits (datasheet Table 2). */
export const CONVERSION_MS: Record<number, number> = { 9: 93.75, 10: 187.5, 11: 375, 12: 750 };

/** Faults the model can show. */
export type Ds18b20Fault = "absent" | "bad-crc" | "stuck" | "power-on-reset" | null;

/** How a DS18B20 model starts. */
export interface Ds18b20Options {
  /** 48-bit serial number (default 1). */
  serial?: number;
  /** Temperature in °C (-55..125). */
  temperature?: number;
  /** Resolution in bits stored in EEPROM, 9..12 (default 12). */
  resolution?: number;
  /** Parasite powered: READ POWER SUPPLY answers 0. */
  parasite?: boolean;
}

type Phase = "idle" | "rom" | "match" | "search" | "function" | "transmit" | "receive" | "converting";

/**
 * Encodes °C as the temperature register at a resolution (datasheet Table 1:
 * +125 → 0x07D0, +25.0625 → 0x0191, 0 → 0x0000, -10.125 → 0xFF5E, -55 → 0xFC90);
 * bits below the resolution are 0.
 */
export function encodeTemperature(celsius: number, resolution: number): number {
  const clamped = Math.min(125, Math.max(-55, celsius));
  const unused = (1 << (12 - resolution)) - 1;
  return (Math.round(clamped * 16) & ~unused) & 0xffff;
}

/** An emulated DS18B20. */
export class Ds18b20Model implements OneWireDevice {
  /** The 8 ROM bytes: family, serial (LSB first), CRC. */
  readonly rom = new Uint8Array(8);
  /** Temperature the next conversion measures, in °C. */
  temperature: number;
  /** Fault in effect, or null. */
  fault: Ds18b20Fault = null;
  /** Number of conversions started (for tests). */
  conversions = 0;
  private readonly parasite: boolean;
  private readonly eeprom = new Uint8Array(3);
  private readonly scratchpad = new Uint8Array(9);
  private scheduler: DeviceScheduler | null = null;
  private conversionEnds = -Infinity;
  private phase: Phase = "idle";
  private shift = 0;
  private count = 0;
  private bits: boolean[] = [];
  private afterTransmit: Phase = "idle";
  private searchStep = 0;

  constructor(options: Ds18b20Options = {}) {
    const serial = options.serial ?? 1;
    this.rom[0] = DS18B20_FAMILY;
    for (let index = 0; index < 6; index++) this.rom[1 + index] = Math.floor(serial / 2 ** (8 * index)) & 255;
    this.rom[7] = crc8(this.rom, 0, 7);
    this.temperature = options.temperature ?? 20;
    this.parasite = options.parasite ?? false;
    const resolution = options.resolution ?? 12;
    this.eeprom.set([0x4b, 0x46, ((resolution - 9) << 5) | 0x1f]);
    this.powerOn();
  }

  /** The ROM id as Espruino's OneWire.search returns it: 16 lowercase hex digits, family code first. */
  get romId(): string {
    return [...this.rom].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /** Resolution in bits from the configuration register. */
  get resolution(): number {
    return ((this.scratchpad[4]! >> 5) & 3) + 9;
  }

  /** A copy of the scratchpad as the next READ SCRATCHPAD would send it (before faults). */
  readScratchpad(): Uint8Array {
    this.settle();
    return this.scratchpad.slice();
  }

  /** Power cycle: scratchpad back to 85 °C and the EEPROM settings. */
  powerOn(): void {
    this.scratchpad.set([POWER_ON_RAW & 255, POWER_ON_RAW >> 8, this.eeprom[0]!, this.eeprom[1]!, this.eeprom[2]!, 0xff, 0x0c, 0x10]);
    this.scratchpad[8] = crc8(this.scratchpad, 0, 8);
    this.conversionEnds = -Infinity;
    this.phase = "idle";
  }

  connect(scheduler: DeviceScheduler): void {
    this.scheduler = scheduler;
  }

  holdsLow(): boolean {
    return this.fault === "stuck";
  }

  reset(): boolean {
    this.settle();
    if (this.fault === "absent") {
      this.phase = "idle";
      return false;
    }
    this.phase = "rom";
    this.shift = 0;
    this.count = 0;
    return true;
  }

  slot(bit: boolean): boolean {
    if (this.fault === "absent") return true;
    this.settle();
    switch (this.phase) {
      case "rom":
        if (this.collect(bit, 8)) this.romCommand(this.shift);
        return true;
      case "match":
        if (bit !== this.romBit(this.count)) this.phase = "idle";
        else if (++this.count === 64) {
          this.phase = "function";
          this.count = 0;
        }
        return true;
      case "search":
        return this.searchSlot(bit);
      case "function":
        if (this.collect(bit, 8)) this.functionCommand(this.shift);
        return true;
      case "transmit":
        return this.transmit();
      case "receive":
        this.receive(bit);
        return true;
      case "converting":
        return this.now() >= this.conversionEnds;
      default:
        return true;
    }
  }

  private now(): number {
    return this.scheduler === null ? 0 : this.scheduler.now();
  }

  private romBit(index: number): boolean {
    return ((this.rom[index >> 3]! >> (index & 7)) & 1) === 1;
  }

  /** Shifts one bit in (LSB first); true when `width` bits are in `shift`. */
  private collect(bit: boolean, width: number): boolean {
    if (this.count === 0) this.shift = 0;
    if (bit) this.shift |= 1 << this.count;
    this.count++;
    if (this.count < width) return false;
    this.count = 0;
    return true;
  }

  private startTransmit(bytes: ArrayLike<number>, bitCount: number, then: Phase): void {
    this.bits = [];
    for (let index = 0; index < bitCount; index++) this.bits.push(((bytes[index >> 3]! >> (index & 7)) & 1) === 1);
    this.afterTransmit = then;
    this.phase = "transmit";
  }

  private transmit(): boolean {
    const bit = this.bits.shift();
    if (this.bits.length === 0) this.phase = this.afterTransmit;
    return bit ?? true;
  }

  private alarm(): boolean {
    const whole = ((this.scratchpad[1]! << 8) | this.scratchpad[0]!) << 16 >> 20;
    const high = (this.scratchpad[2]! << 24) >> 24;
    const low = (this.scratchpad[3]! << 24) >> 24;
    return whole >= high || whole <= low;
  }

  private romCommand(command: number): void {
    this.count = 0;
    if (command === 0x33) this.startTransmit(this.rom, 64, "function");
    else if (command === 0x55) this.phase = "match";
    else if (command === 0xcc) this.phase = "function";
    else if (command === 0xf0 || (command === 0xec && this.alarm())) {
      this.phase = "search";
      this.searchStep = 0;
    } else this.phase = "idle";
  }

  private searchSlot(bit: boolean): boolean {
    const own = this.romBit(this.count);
    const step = this.searchStep;
    this.searchStep = (step + 1) % 3;
    if (step === 0) return own;
    if (step === 1) return !own;
    if (bit !== own) this.phase = "idle";
    else if (++this.count === 64) {
      this.phase = "function";
      this.count = 0;
    }
    return true;
  }

  private functionCommand(command: number): void {
    if (command === 0x44) {
      this.conversions++;
      this.conversionEnds = this.now() + CONVERSION_MS[this.resolution]!;
      this.phase = "converting";
    } else if (command === 0xbe) {
      const bytes = this.scratchpad.slice();
      if (this.fault === "bad-crc") bytes[8] = bytes[8]! ^ 0x5a;
      this.startTransmit(bytes, 72, "idle");
    } else if (command === 0x4e) {
      this.phase = "receive";
      this.bits = [];
    } else if (command === 0x48) {
      this.eeprom.set(this.scratchpad.subarray(2, 5));
      this.phase = "idle";
    } else if (command === 0xb8) {
      this.scratchpad.set(this.eeprom, 2);
      this.scratchpad[8] = crc8(this.scratchpad, 0, 8);
      this.phase = "idle";
    } else if (command === 0xb4) {
      this.startTransmit([this.parasite ? 0 : 1], 1, "idle");
    } else this.phase = "idle";
  }

  private receive(bit: boolean): void {
    this.bits.push(bit);
    if (this.bits.length % 8 !== 0) return;
    const index = this.bits.length / 8 - 1;
    let byte = 0;
    for (let offset = 0; offset < 8; offset++) if (this.bits[index * 8 + offset]) byte |= 1 << offset;
    this.scratchpad[2 + index] = index === 2 ? (byte & 0x60) | 0x1f : byte;
    this.scratchpad[8] = crc8(this.scratchpad, 0, 8);
    if (index === 2) this.phase = "idle";
  }

  /** Completes a conversion whose time has come. */
  private settle(): void {
    if (this.conversionEnds === -Infinity || this.now() < this.conversionEnds) return;
    this.conversionEnds = -Infinity;
    if (this.phase === "converting") this.phase = "idle";
    if (this.fault === "power-on-reset") {
      this.powerOn();
      return;
    }
    const raw = encodeTemperature(this.temperature, this.resolution);
    this.scratchpad[0] = raw & 255;
    this.scratchpad[1] = raw >> 8;
    this.scratchpad[6] = 0x10 - (raw & 0x0f);
    this.scratchpad[8] = crc8(this.scratchpad, 0, 8);
  }
}
