/**
 * A DHT22 (AM2302) temperature and humidity sensor on one wire, after the
 * Aosong AM2302 datasheet, section 7 "single-bus communication" and its
 * timing table: the host holds the line low for at least Tbe = 0.8 ms (typ.
 * 1 ms) and releases it; after Tgo (20-200 µs, typ. 30) the sensor pulls low
 * for Trel = 80 µs and releases for Treh = 80 µs, then sends 40 bits, each a
 * 50 µs low followed by a high of 26 µs (0) or 70 µs (1), and ends with a
 * 50 µs low. Data: humidity ×10, temperature ×10 with bit 15 as the sign
 * (magnitude, not two's complement), and the low byte of the sum of the four
 * bytes as checksum. The module's 10 kΩ pull-up is on by default.
 */
import type { DeviceScheduler, LineDevice, SimPin } from "../hardware/index.ts";

/** Bus timings in microseconds (datasheet timing table; defaults are the typical values). */
export interface Dht22Timing {
  /** Shortest host start pulse the sensor answers, Tbe minimum (800). */
  startMinimum: number;
  /** Host release to sensor response, Tgo (30). */
  release: number;
  /** Response low, Trel (80). */
  responseLow: number;
  /** Response high, Treh (80). */
  responseHigh: number;
  /** Low before each bit, TLOW (50). */
  bitLow: number;
  /** High of a 0 bit, TH0 (26). */
  zeroHigh: number;
  /** High of a 1 bit, TH1 (70). */
  oneHigh: number;
  /** Final low before the sensor lets go, Ten (50). */
  end: number;
}

/** Typical timings of the datasheet. */
export const DHT22_TYPICAL: Dht22Timing = {
  startMinimum: 800, release: 30, responseLow: 80, responseHigh: 80, bitLow: 50, zeroHigh: 26, oneHigh: 70, end: 50,
};

/** Faults the model can show. */
export type Dht22Fault = "absent" | "bad-checksum" | null;

/** How a DHT22 model starts. */
export interface Dht22Options {
  /** °C, -40..80, one decimal. */
  temperature?: number;
  /** %RH, 0..100, one decimal. */
  humidity?: number;
  /** The module's pull-up resistor (default true). */
  pullUp?: boolean;
  /** Timings to use instead of the typical ones. */
  timing?: Partial<Dht22Timing>;
}

/** The 5 data bytes for a reading (datasheet 7.3, "data format"); `corrupt` breaks the checksum. */
export function encodeDht22Frame(temperature: number, humidity: number, corrupt = false): Uint8Array {
  const rh = Math.round(Math.min(100, Math.max(0, humidity)) * 10);
  const magnitude = Math.round(Math.abs(temperature) * 10) & 0x7fff;
  const t = temperature < 0 && magnitude !== 0 ? magnitude | 0x8000 : magnitude;
  const frame = new Uint8Array([rh >> 8, rh & 255, t >> 8, t & 255, 0]);
  frame[4] = (frame[0]! + frame[1]! + frame[2]! + frame[3]! + (corrupt ? 1 : 0)) & 255;
  return frame;
}

/** An emulated DHT22 on one pin. */
export class Dht22Model implements LineDevice {
  temperature: number;
  humidity: number;
  fault: Dht22Fault = null;
  /** Frames sent so far (for tests). */
  responses = 0;
  readonly timing: Dht22Timing;
  private readonly pullUp: boolean;
  private pin: SimPin | null = null;
  private scheduler: DeviceScheduler | null = null;
  private stopListening: () => void = () => undefined;
  private lowSince: number | null = null;
  private responding = false;

  constructor(options: Dht22Options = {}) {
    this.temperature = options.temperature ?? 20;
    this.humidity = options.humidity ?? 50;
    this.pullUp = options.pullUp ?? true;
    this.timing = { ...DHT22_TYPICAL, ...options.timing };
  }

  connect(pin: SimPin, scheduler: DeviceScheduler): void {
    this.pin = pin;
    this.scheduler = scheduler;
    if (this.pullUp) pin.setExternalPull("up");
    this.stopListening = pin.onLevelChange((level, time) => this.onLevel(level, time));
  }

  disconnect(): void {
    this.stopListening();
    if (this.pin !== null) {
      this.pin.drive(this, null);
      if (this.pullUp) this.pin.setExternalPull(null);
    }
    this.pin = null;
  }

  private onLevel(level: boolean, time: number): void {
    if (this.responding) return;
    if (!level) {
      this.lowSince = time;
      return;
    }
    const since = this.lowSince;
    this.lowSince = null;
    if (since === null || (time - since) * 1000 < this.timing.startMinimum || this.fault === "absent") return;
    this.respond(time);
  }

  private respond(start: number): void {
    const pin = this.pin;
    const scheduler = this.scheduler;
    if (pin === null || scheduler === null) return;
    this.responding = true;
    this.responses++;
    const frame = encodeDht22Frame(this.temperature, this.humidity, this.fault === "bad-checksum");
    const timing = this.timing;
    let at = start + timing.release / 1000;
    const edge = (level: boolean | null): void => {
      scheduler.schedule(at, () => pin.drive(this, level));
    };
    edge(false);
    at += timing.responseLow / 1000;
    edge(null);
    at += timing.responseHigh / 1000;
    for (let index = 0; index < 40; index++) {
      const one = ((frame[index >> 3]! >> (7 - (index & 7))) & 1) === 1;
      edge(false);
      at += timing.bitLow / 1000;
      edge(null);
      at += (one ? timing.oneHigh : timing.zeroHigh) / 1000;
    }
    edge(false);
    at += timing.end / 1000;
    scheduler.schedule(at, () => {
      pin.drive(this, null);
      this.responding = false;
    });
  }
}
