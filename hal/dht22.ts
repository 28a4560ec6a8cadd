/**
 * DHT22 / AM2302 on one pin (Aosong AM2302 datasheet, section 7). The driver
 * holds the line low for `start` ms, lets it go, and times the sensor's high
 * pulses with a falling-edge watch: `time - lastTime` is the width of the
 * high pulse just ended (the technique of Espruino's DHT22 module). A 0 bit
 * is high for 22-30 µs, a 1 bit for 68-75 µs; the last 40 pulses are the
 * frame (the ones before are the sensor's response). The watch is set before
 * the line is pulled low and the pin mode is set after it, because on ESP32
 * `setWatch` turns the pin into an input (targets/esp32/jshardware.c).
 */
import { DHT22_FRAME_MILLISECONDS, DHT22_LONGEST_PULSE, DHT22_MAXIMUM_PULSES, DHT22_ONE_THRESHOLD } from "./constants.ts";
import { deliver } from "./deliver.ts";
import type { HalPin, Io, WatchEvent } from "./io.ts";
import type { Sensor, SampleCallback, SensorError } from "./sensor.ts";

/** Settings of a DHT22. */
export interface Dht22Options {
  /** Host start signal in ms (datasheet Tbe: 0.8-20 ms; default 2). */
  start: number;
}

/** Readings of a DHT22. */
export interface Dht22Readings {
  [name: string]: number;
  /** °C, 0.1 resolution, -40..80. */
  temperature: number;
  /** %RH, 0.1 resolution. */
  humidity: number;
}

/**
 * Unit of each reading of a Dht22, for descriptions (Home Assistant's
 * discovery has its own table, held to this by a test): a constant outside
 * the driver, which a node's bundle leaves out (each getter on the
 * prototype cost an ESP8266 about 7 heap variables for good).
 */
export const DHT22_UNITS = { temperature: "°C", humidity: "%RH" };

/** A DHT22 sensor, made by {@link createDht22}. */
export interface Dht22 extends Sensor<Dht22Readings> {
  /** Starts a reading; calls back about 10 ms later (`busy` while one runs). */
  sample(callback: SampleCallback<Dht22Readings>): void;
}

/**
 * A DHT22 sensor on `pin`, leaving the line released (input with pull-up);
 * `options` are fixed from then on (see Sensor). A plain object, not a class
 * instance: no prototype, constructor or `__proto__` link for the heap to
 * hold, and its method is written into it, not kept in a local as well.
 * Its state lives in locals of this function that its functions share, not
 * in members: a minified bundle shortens a local's name, but a member keeps
 * its `this.` at every use.
 */
export function createDht22(io: Io, pin: HalPin, options?: Partial<Dht22Options>): Dht22 {
  const start = options && options.start !== undefined ? Math.max(1, Math.min(20, options.start)) : 2;
  let watch = 0;
  /** High pulses counted this sample (at most DHT22_MAXIMUM_PULSES). */
  let count = 0;
  /** The last 40 pulses as bits (a high pulse longer than DHT22_ONE_THRESHOLD is a 1): the first 8 in `high`, the last 32 in `bits`. */
  let high = 0;
  let bits = 0;
  /** The sample's callback while one runs. Without one undefined, not null, and flags 0 or 1, not booleans: each null or boolean held costs a heap variable of its own. */
  let pending: SampleCallback<Dht22Readings> | undefined;
  /** 1 while the start signal is on: the line is held low (the timer's first call releases it, the second finishes). */
  let low = 0;

  /**
   * The one callback of the watch and of the timer (Espruino calls that
   * with no event). From the watch: takes the bit of the high pulse that
   * just ended. From the timer: ends the start signal (releases the line
   * and waits for the frame), or, the second time, decodes the frame.
   */
  const finish = function (event?: WatchEvent): void {
    if (event) {
      if (event.lastTime === undefined) return;
      const width = event.time - event.lastTime;
      if (width >= DHT22_LONGEST_PULSE || count >= DHT22_MAXIMUM_PULSES) return;
      count++;
      high = ((high << 1) | (bits >>> 31)) & 0xff;
      bits = (bits << 1) | (Math.round(width * 1e6) > DHT22_ONE_THRESHOLD ? 1 : 0);
      return;
    }
    if (low) {
      low = 0;
      io.digitalWrite(pin, 1);
      io.setTimeout(finish, DHT22_FRAME_MILLISECONDS);
      return;
    }
    io.clearWatch(watch);
    io.pinMode(pin, "input_pullup");
    watch = 0;
    const callback = pending;
    pending = undefined;
    if (callback === undefined) return;
    /* The frame: humidity high and low byte (`high`, then the top byte of `bits`), temperature high and low byte (its top bit the sign, not two's complement), checksum (the low byte). */
    const humidity = ((high << 8) | (bits >>> 24)) / 10;
    const magnitude = ((bits >>> 8) & 0x7fff) / 10;
    const error: SensorError | null = count < 40 ? (count === 0 ? "absent" : "timeout")
      : ((high + (bits >>> 24) + (bits >>> 16) + (bits >>> 8)) & 255) !== (bits & 255) ? "checksum" : humidity > 100 || magnitude > 80 ? "invalid" : null;
    deliver(io, callback, error, { temperature: bits & 0x800000 ? -magnitude : magnitude, humidity: humidity });
  };

  io.pinMode(pin, "input_pullup");
  return {
    sample: function (callback: SampleCallback<Dht22Readings>): void {
      if (pending !== undefined) {
        deliver(io, callback, "busy");
        return;
      }
      pending = callback;
      count = 0;
      high = 0;
      bits = 0;
      watch = io.setWatch(finish, pin, { repeat: true, edge: "falling" });
      io.pinMode(pin, "opendrain_pullup");
      io.digitalWrite(pin, 0);
      low = 1;
      io.setTimeout(finish, start);
    },
  };
}
