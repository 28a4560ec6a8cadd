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
import type { Sensor, SampleCallback } from "./sensor.ts";

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
 * the class, which a node's bundle leaves out (each getter on the
 * prototype cost an ESP8266 about 7 heap variables for good).
 */
export const DHT22_UNITS = { temperature: "°C", humidity: "%RH" };

/** A DHT22 sensor. */
export class Dht22 implements Sensor<Dht22Readings, Dht22Options> {
  private start = 2;
  private watch = 0;
  /** High pulses counted this sample (at most DHT22_MAXIMUM_PULSES). */
  private count = 0;
  /** The last 40 pulses as bits (a high pulse longer than DHT22_ONE_THRESHOLD is a 1): the first 8 in `high`, the last 32 in `bits`. */
  private high = 0;
  private bits = 0;
  /** The sample's callback; not null while one runs. */
  private callback: SampleCallback<Dht22Readings> | null = null;
  /** The start signal is on: the line is held low (the timer's first call releases it, the second finishes). */
  private low = false;
  /** The one callback of the watch (with an event: a high pulse ended) and of the timer (Espruino calls that with none). */
  private readonly onFinish: (event?: WatchEvent) => void;

  /** Leaves the line released (input with pull-up), then applies `options`. */
  constructor(
    private readonly io: Io,
    private readonly pin: HalPin,
    options?: Partial<Dht22Options>,
  ) {
    this.onFinish = this.finish.bind(this);
    io.pinMode(pin, "input_pullup");
    this.configure(options || {});
  }

  /** Changes the start signal length. */
  configure(options: Partial<Dht22Options>): void {
    if (options.start !== undefined) this.start = Math.max(1, Math.min(20, options.start));
  }

  /** Starts a reading; calls back about 10 ms later (`busy` while one runs). */
  sample(callback: SampleCallback<Dht22Readings>): void {
    if (this.callback !== null) {
      deliver(this.io, callback, "busy");
      return;
    }
    this.callback = callback;
    this.count = 0;
    this.high = 0;
    this.bits = 0;
    this.watch = this.io.setWatch(this.onFinish, this.pin, { repeat: true, edge: "falling" });
    this.io.pinMode(this.pin, "opendrain_pullup");
    this.io.digitalWrite(this.pin, 0);
    this.low = true;
    this.io.setTimeout(this.onFinish, this.start);
  }

  /**
   * From the watch: takes the bit of the high pulse that just ended. From the
   * timer: ends the start signal (releases the line and waits for the frame),
   * or, the second time, decodes the frame.
   */
  private finish(event?: WatchEvent): void {
    if (event) {
      if (event.lastTime === undefined) return;
      const width = event.time - event.lastTime;
      if (width >= DHT22_LONGEST_PULSE || this.count >= DHT22_MAXIMUM_PULSES) return;
      this.count++;
      this.high = ((this.high << 1) | (this.bits >>> 31)) & 0xff;
      this.bits = (this.bits << 1) | (Math.round(width * 1e6) > DHT22_ONE_THRESHOLD ? 1 : 0);
      return;
    }
    if (this.low) {
      this.low = false;
      this.io.digitalWrite(this.pin, 1);
      this.io.setTimeout(this.onFinish, DHT22_FRAME_MILLISECONDS);
      return;
    }
    this.io.clearWatch(this.watch);
    this.io.pinMode(this.pin, "input_pullup");
    this.watch = 0;
    const callback = this.callback;
    this.callback = null;
    if (callback === null) return;
    if (this.count < 40) {
      deliver(this.io, callback, this.count === 0 ? "absent" : "timeout");
      return;
    }
    /* Humidity high and low byte, temperature high and low byte, checksum. */
    const bits = this.bits;
    const frame = [this.high, (bits >>> 24) & 0xff, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff];
    if (((frame[0]! + frame[1]! + frame[2]! + frame[3]!) & 255) !== frame[4]) {
      deliver(this.io, callback, "checksum");
      return;
    }
    const humidity = ((frame[0]! << 8) | frame[1]!) / 10;
    const magnitude = (((frame[2]! & 0x7f) << 8) | frame[3]!) / 10;
    if (humidity > 100 || magnitude > 80) {
      deliver(this.io, callback, "invalid");
      return;
    }
    deliver(this.io, callback, null, { temperature: frame[2]! & 0x80 ? -magnitude : magnitude, humidity: humidity });
  }
}
