/**
 * What a board is, as plain typed data (Moddable's `device` pattern): the
 * pins and what each can do, the memory the interpreter has, the buffers Mote
 * allocates at boot, and the byte budget of one bundle. Board files are
 * checked with `satisfies Board`, so a missing or mistyped field fails the
 * type check, and the build checks node descriptions against them.
 */

/** What one pin can do. Every field is explicit so a reader never guesses. */
export interface PinCapabilities {
  /** GPIO number on the chip. */
  gpio: number;
  /** Espruino's name for the pin (`D4`), as the interpreter's global. */
  espruino: string;
  /** Digital input. */
  input: boolean;
  /** Digital output (and so relays, LEDs). */
  output: boolean;
  /** PWM output (`analogWrite`). */
  pwm: boolean;
  /** Edge interrupts (`setWatch`). */
  interrupt: boolean;
  /** Analog input: ADC unit and channel, or null when the pin has none. */
  adc: { unit: number; channel: number } | null;
  /** Capacitive touch channel, or null. */
  touch: number | null;
  /** Read at reset to choose the boot mode: an external pull on it can stop the board from booting. */
  strapping: boolean;
  /** Anything else a user must know (shared with flash, USB serial, the on-board LED, …). */
  note?: string;
}

/** Where the board's network comes from. */
export type NetworkKind = "wifi" | "preconfigured";

/** One board. */
export interface Board {
  /** Short id used on the command line and in node descriptions. */
  id: string;
  /** Human name. */
  title: string;
  /** Espruino's board name (its `boards/*.py`), for the flashing tools. */
  espruinoBoard: string;
  /** Pins by the name a node description uses. */
  pins: Record<string, PinCapabilities>;
  /** Default buses, by pin name. */
  i2c: { scl: string; sda: string } | null;
  /** `"wifi"`: the node joins a network with Espruino's `Wifi` module; `"preconfigured"`: the OS did it. */
  network: NetworkKind;
  /** Whether Espruino's `tls` module exists on this build. */
  tls: boolean;
  /** The Espruino module whose `deepSleep(microseconds)` powers the chip off and on again, or null when the build has none. */
  deepSleep: "ESP32" | "ESP8266" | null;
  /** Interpreter heap: number of variables and bytes per variable. */
  heap: { variables: number; bytesPerVariable: number };
  /** Bytes of Espruino's Storage area (shared by `.bootcde` and data kept in flash). */
  storageBytes: number;
  /** The MQTT client's bounds, in bytes (nothing is allocated for them: packets are strings while they exist). */
  buffers: {
    /** The largest packet the node accepts. */
    receive: number;
    /** The largest packet the node builds. */
    send: number;
    /** Most unsent bytes handed to the socket before waiting for it to drain. */
    socketQueue: number;
  };
  /** Largest device bundle, in bytes, that the build accepts for this board. */
  bundleBudget: number;
}

/** Capabilities of an ordinary bidirectional GPIO, to spread into board tables. */
export function gpio(gpioNumber: number, espruino: string, extra?: Partial<PinCapabilities>): PinCapabilities {
  const pin: PinCapabilities = {
    gpio: gpioNumber,
    espruino,
    input: true,
    output: true,
    pwm: true,
    interrupt: true,
    adc: null,
    touch: null,
    strapping: false,
  };
  return Object.assign(pin, extra);
}
