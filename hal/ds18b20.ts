/**
 * DS18B20 thermometer on a 1-Wire bus (Maxim DS18B20 datasheet 19-7487):
 * CONVERT T (0x44) with the line held high for parasite power, a wait of the
 * datasheet's maximum conversion time for the resolution (Table 2), READ
 * SCRATCHPAD (0xBE) and its CRC-8, two's-complement temperature in 1/16 °C
 * (Table 1). One driver per sensor, addressed by ROM id; several share a bus.
 * 85 °C is the power-on value of the temperature register: a reading of
 * exactly 0x0550 means no conversion happened and is reported as `power-on`
 * (a true 85.0 °C reads the same and is lost with it). A value outside the
 * measuring range (-55..+125 °C) is `invalid`: a corrupted read that passed
 * the CRC, which would also print wider than the build's estimate of the
 * telemetry report allows (scripts/build/message-fit.ts: `-54.9375`).
 */
import { crc8 } from "./crc8.ts";
import {
  DS18B20_CONVERSION_MILLISECONDS, DS18B20_CONVERT_T, DS18B20_FAMILY, DS18B20_MAXIMUM_RAW, DS18B20_MINIMUM_RAW, DS18B20_POWER_ON_RAW, DS18B20_READ_SCRATCHPAD, DS18B20_WRITE_SCRATCHPAD,
} from "./constants.ts";
import { deliver } from "./deliver.ts";
import type { Io, OneWireBus } from "./io.ts";
import type { Sensor, SampleCallback, SensorError } from "./sensor.ts";

/** ROM ids of the DS18B20s on a bus (family 0x28), in search order. */
export function findDs18b20(bus: OneWireBus): string[] {
  const found = bus.search();
  const out: string[] = [];
  for (let index = 0; index < found.length; index++) {
    if (found[index]!.substr(0, 2) === DS18B20_FAMILY) out.push(found[index]!);
  }
  return out;
}

/** Settings of a DS18B20. */
export interface Ds18b20Options {
  /** 16-hex-digit ROM id (from findDs18b20); "" uses the first DS18B20 found (default). */
  rom: string;
  /** Resolution in bits, 9..12 (default 12: 0.0625 °C, 750 ms). */
  resolution: number;
}

/** Readings of a DS18B20. */
export interface Ds18b20Readings {
  [name: string]: number;
  /** °C, -55..125. */
  temperature: number;
}

/**
 * Unit of each reading of a Ds18b20, for descriptions (Home Assistant's
 * discovery has its own table, held to this by a test): a constant outside
 * the driver, which a node's bundle leaves out (each getter on the
 * prototype cost an ESP8266 about 7 heap variables for good).
 */
export const DS18B20_UNITS = { temperature: "°C" };

/** A DS18B20 sensor, made by {@link createDs18b20}. */
export interface Ds18b20 extends Sensor<Ds18b20Readings> {
  /** The ROM id in use ("" until found). */
  readonly romId: string;
  /** Starts a conversion; calls back when it is read (up to 750 ms later). */
  sample(callback: SampleCallback<Ds18b20Readings>): void;
}

/**
 * A DS18B20 sensor on `bus`, taking `options`, fixed from then on (see
 * Sensor); the bus is not touched until the first sample, which writes the
 * resolution. A plain object, not a class instance: no prototype,
 * constructor or `__proto__` link for the heap to hold. Its state lives in
 * locals of this function that its functions share, not in members: a
 * minified bundle shortens a local's name, but a member keeps its `this.`
 * at every use.
 */
export function createDs18b20(io: Io, bus: OneWireBus, options?: Partial<Ds18b20Options>): Ds18b20 {
  let rom = options && options.rom !== undefined ? options.rom.toLowerCase() : "";
  const resolution = options && options.resolution !== undefined ? Math.max(9, Math.min(12, Math.round(options.resolution))) : 12;
  /** 1 until the resolution is written. Flags 0 or 1, not booleans, and no callback undefined, not null: each null or boolean held costs a heap variable of its own. */
  let resolutionPending = 1;
  /** The sample's callback while one runs. */
  let pending: SampleCallback<Ds18b20Readings> | undefined;

  const converted = function (): void {
    const callback = pending;
    pending = undefined;
    if (callback === undefined) return;
    let error: SensorError | null = null;
    let scratchpad: Uint8Array;
    try {
      if (!bus.reset()) error = "absent";
      else {
        bus.select(rom);
        bus.write(DS18B20_READ_SCRATCHPAD);
        scratchpad = bus.read(9);
      }
    } catch {
      error = "bus";
    }
    if (error !== null) {
      deliver(io, callback, error);
      return;
    }
    /* All ones: nobody answered; all zeros: the line is held low; then the CRC, the power-on value and the range. */
    let ones = 0;
    let zeros = 0;
    for (let index = 0; index < 9; index++) {
      if (scratchpad![index] === 0xff) ones++;
      if (scratchpad![index] === 0) zeros++;
    }
    const raw = ((scratchpad![0]! | (scratchpad![1]! << 8)) << 16) >> 16;
    error = ones === 9 ? "absent" : zeros === 9 ? "bus" : crc8(scratchpad!, 8) !== scratchpad![8] ? "checksum" : raw === DS18B20_POWER_ON_RAW ? "power-on"
      : raw < DS18B20_MINIMUM_RAW || raw > DS18B20_MAXIMUM_RAW ? "invalid" : null;
    if ((error === null || error === "power-on") && ((scratchpad![4]! >> 5) & 3) !== resolution - 9) resolutionPending = 1;
    deliver(io, callback, error, { temperature: raw / 16 });
  };

  /* romId is read-only to the driver's users: its sample writes it here, a copy of `rom`. */
  const driver: { romId: string; sample(callback: SampleCallback<Ds18b20Readings>): void } = {
    romId: rom,
    sample: function (callback: SampleCallback<Ds18b20Readings>): void {
      if (pending !== undefined) {
        deliver(io, callback, "busy");
        return;
      }
      let error: SensorError | null = null;
      try {
        if (!bus.reset()) error = "absent";
        else {
          if (rom === "") {
            /* The first DS18B20 found, as findDs18b20 would give it: not called, so that a node's bundle has one function less. */
            const found = bus.search();
            for (let index = 0; index < found.length && rom === ""; index++) if (found[index]!.substr(0, 2) === DS18B20_FAMILY) driver.romId = rom = found[index]!;
          }
          if (rom === "") error = "bus";
          else {
            if (resolutionPending) {
              bus.select(rom);
              bus.write(DS18B20_READ_SCRATCHPAD);
              const scratchpad = bus.read(9);
              bus.select(rom);
              bus.write([DS18B20_WRITE_SCRATCHPAD, scratchpad[2]!, scratchpad[3]!, ((resolution - 9) << 5) | 0x1f]);
              resolutionPending = 0;
            }
            bus.select(rom);
            bus.write(DS18B20_CONVERT_T, true);
          }
        }
      } catch {
        error = "bus";
      }
      if (error !== null) {
        deliver(io, callback, error);
        return;
      }
      pending = callback;
      io.setTimeout(converted, Math.ceil(DS18B20_CONVERSION_MILLISECONDS / (1 << (12 - resolution))));
    },
  };
  return driver;
}
