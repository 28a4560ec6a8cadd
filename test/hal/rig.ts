/**
 * A test bench for drivers: a virtual clock, the emulated hardware of one
 * board, and an {@link Io} made of the emulated hardware functions and the
 * clock's timers, as the Espruino backend is made of the real ones. Buses
 * and pins come from the same hardware, typed as the HAL sees them.
 */
import { BOARDS } from "../../boards/index.ts";
import type { HalPin, I2CBus, Io, OneWireBus } from "../../hal/io.ts";
import type { Readings, Sample, Sensor } from "../../hal/sensor.ts";
import { VirtualClock } from "../../sim/clock.ts";
import { Hardware } from "../../sim/hardware/index.ts";

/** One board on the bench. */
export interface Rig {
  clock: VirtualClock;
  hardware: Hardware;
  io: Io;
  pin(name: string): HalPin;
  oneWire(name: string): OneWireBus;
  /** `I2C1` set up on the board's default pins, or software I2C on given pins. */
  i2c(pins?: { scl: string; sda: string }): I2CBus;
}

/** Builds a rig for a board id (default esp32). Exceptions in timers fail loudly. */
export function rig(boardId = "esp32"): Rig {
  const clock = new VirtualClock();
  clock.onError = (error) => {
    throw error;
  };
  const hardware = new Hardware(clock, BOARDS[boardId]!);
  const api = hardware.api;
  const io = {
    pinMode: api.pinMode,
    digitalRead: api.digitalRead,
    digitalWrite: api.digitalWrite,
    analogRead: api.analogRead,
    analogWrite: api.analogWrite,
    setWatch: api.setWatch,
    clearWatch: api.clearWatch,
    digitalPulse: api.digitalPulse,
    setTimeout: (callback: () => void, milliseconds: number) => clock.setTimeout(callback, milliseconds),
    clearTimeout: (id: number) => clock.clear(id),
    getTime: () => clock.now() / 1000,
  } as Io;
  return {
    clock,
    hardware,
    io,
    pin: (name) => hardware.pinObject(name),
    oneWire: (name) => new api.OneWire(hardware.pinObject(name)) as unknown as OneWireBus,
    i2c: (pins) => {
      if (pins === undefined) {
        const port = api["I2C1"] as { setup(options: object): void };
        port.setup({});
        return port as unknown as I2CBus;
      }
      const bus = new api.I2C() as { setup(options: object): void };
      bus.setup({ scl: hardware.pinObject(pins.scl), sda: hardware.pinObject(pins.sda) });
      return bus as unknown as I2CBus;
    },
  };
}

/** Samples a sensor and advances virtual time until it calls back (at most `limit` ms). */
export function sampleNow<R extends Readings>(bench: Rig, sensor: Sensor<R>, limit = 2000): Sample<R> {
  let result: Sample<R> | null = null;
  sensor.sample((outcome) => {
    result = outcome;
  });
  const deadline = bench.clock.now() + limit;
  while (result === null && bench.clock.now() < deadline) {
    const next = bench.clock.nextDue();
    if (next === undefined || next > deadline) break;
    bench.clock.advanceTo(next);
  }
  if (result === null) throw new Error(`no callback within ${limit} ms`);
  return result;
}

/** The readings of a successful sample; fails the test with the error code otherwise. */
export function readingsOf<R extends Readings>(sample: Sample<R>): R {
  if (!sample.ok) throw new Error(`sample failed: ${sample.error}`);
  return sample.readings;
}

/** The error code of a failed sample; fails the test if it succeeded. */
export function errorOf<R extends Readings>(sample: Sample<R>): string {
  if (sample.ok) throw new Error(`expected an error, got ${JSON.stringify(sample.readings)}`);
  return sample.error;
}
