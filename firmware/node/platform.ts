/**
 * What a device gives the node application (app.ts): the interpreter's pin
 * functions, its buses, flash, network, MQTT transport, clock and a few
 * facts about itself. firmware/node-main.ts builds one from Espruino's
 * globals; a test can build one from anything with the same methods. Types
 * only: nothing here runs.
 */
import type { HalPin, I2CBus, Io, OneWireBus } from "../../hal/io.ts";
import type { Clock, Transport } from "../mqtt/transport.ts";
import type { QueueStorage } from "./flash-queue.ts";

/** What the node uses of Espruino's `require("Wifi")` (ESP32, ESP8266); the ports differ in what they call and emit when (see app.ts). */
export interface NodeWifi {
  /** Starts joining `ssid` (leaving the network first if joined); `callback(null)` once it has an address; an error text (e.g. "no_ap_found") on a failure only on some ports, once. */
  connect(ssid: string, options: { password?: string }, callback: (error: string | null) => void): void;
  /** Leaves the network and stops joining (the ESP8266's SDK retries included). */
  disconnect(): void;
  /** `connected`: it has an address; `disconnected`: it lost the network, or (some ports) an attempt to join failed. */
  on(event: "connected" | "disconnected", listener: (details: { ip?: string }) => void): void;
}

/** What the node uses of Espruino's Storage module: the flash queue's part, and whole small files. */
export interface NodeStorage extends QueueStorage {
  /** The file's contents, or undefined when there is none. */
  read(name: string): string | undefined;
  /** Replaces the file; false when it does not fit. */
  write(name: string, data: string): boolean;
}

/** The device as the node application sees it. */
export interface Platform {
  /** Pin functions and timers for the drivers (on a device Espruino's global object, as hal/espruino.ts `espruinoIo()` returns it). */
  io: Io;
  /** The pin Espruino calls `name` (`D14`, `A0`): the `espruino` names the build puts in each part. */
  pin(name: string): HalPin;
  /** A 1-Wire bus on `pin` (`new OneWire(pin)`); absent in a build without the DS18B20 driver. */
  oneWire?(pin: HalPin): OneWireBus;
  /** An I2C bus set up on these pins (`new I2C()` then `setup({sda, scl})`); absent in a build without the BME280 driver. */
  i2c?(sda: HalPin, scl: HalPin): I2CBus;
  /** Where the flash queue keeps QoS 1 messages and the node its boot count: `require("Storage")`. */
  storage: NodeStorage;
  /** The WiFi station, or null where the operating system brings the network up (linux). */
  wifi: NodeWifi | null;
  /** A new MQTT byte transport (TLS when `secure`). */
  transport(secure: boolean): Transport;
  clock: Clock;
  /** Free heap variables now. */
  memory(): number;
  /** Signal strength in dBm, or null on a board without a radio (linux). */
  rssi(): number | null;
  /** Restarts the device (runs the bundle again from the top). */
  reboot(): void;
  /**
   * Whether the interpreter ran out of memory since the last call (Espruino:
   * `E.getErrorFlags()` holds "MEMORY"); absent where that cannot happen.
   */
  memoryFailed?(): boolean;
  /** Powers off for `milliseconds` (1 to 2,147,483: a C int of microseconds), then boots again; absent on a board or in a build without deep sleep. */
  deepSleep?(milliseconds: number): void;
  /** Whether this start is a wake-up from deep sleep rather than a power-on or reset (false when unknown). */
  woke?: boolean;
}
