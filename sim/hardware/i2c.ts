/**
 * Espruino's `I2C` class over emulated I2C buses (src/jswrap_spi_i2c.c,
 * src/jsi2c.c, targets/esp32/jshardwareI2c.c, targets/esp8266/jshardware.c).
 * A bus is a pair of pins; device models attach to it at an address. Errors
 * follow the port: software I2C (`new I2C()`) ignores a missing acknowledge
 * (writes vanish, reads give 0xFF) and throws "I2C Error: Arbitration
 * (start)" on a stuck bus; ESP32's hardware ports throw on both; ESP8266's
 * I2C1 throws on a missing acknowledge and cannot see a stuck SDA (it reads
 * as acknowledged zeros).
 */
import type { HardwareContext } from "./context.ts";
import { toBytes } from "./bytes.ts";
import type { DeviceScheduler } from "./scheduler.ts";
import type { SimPin } from "./sim-pin.ts";
import type { I2cErrorStyle } from "./traits.ts";

/** A device model on an I2C bus. */
export interface I2CTarget {
  /** 7-bit address. */
  readonly address: number;
  /** Whether it acknowledges its address now (false: absent or unpowered). */
  acknowledges(): boolean;
  /** Whether it holds SDA low (a stuck bus). */
  holdsBus(): boolean;
  /** A write transaction: the bytes after the address. */
  write(bytes: Uint8Array): void;
  /** A read transaction of `count` bytes. */
  read(count: number): Uint8Array;
  /** Called once when attached, with the device-side timers. */
  connect?(scheduler: DeviceScheduler): void;
}

interface Attached {
  target: I2CTarget;
  scl: SimPin;
  sda: SimPin;
}

/** Which device models sit on which pins. */
export class I2CBuses {
  private attached: Attached[] = [];

  /** Puts a device on the bus formed by `scl` and `sda`. */
  attach(target: I2CTarget, scl: SimPin, sda: SimPin): void {
    this.attached.push({ target, scl, sda });
  }

  /** Removes a device. */
  detach(target: I2CTarget): void {
    this.attached = this.attached.filter((entry) => entry.target !== target);
  }

  /** The acknowledging device at `address` on these pins, if any. */
  find(scl: SimPin, sda: SimPin, address: number): I2CTarget | undefined {
    const entry = this.attached.find((each) => each.scl === scl && each.sda === sda && each.target.address === address && each.target.acknowledges());
    return entry?.target;
  }

  /** Whether a device holds SDA of these pins low. */
  stuck(scl: SimPin, sda: SimPin): boolean {
    return this.attached.some((each) => each.scl === scl && each.sda === sda && each.target.holdsBus());
  }
}

/** What an emulated I2C instance needs from the board. */
interface I2CEnvironment {
  context: HardwareContext;
  buses: I2CBuses;
  /** Default pins of the board's hardware port, by Espruino name, or null. */
  defaults: { scl: SimPin; sda: SimPin } | null;
}

/** The `I2C` constructor installed as a global, and a maker of the hardware ports (I2C1, I2C2). */
export interface I2CFactory {
  I2C: new () => object;
  port(name: string): object;
}

/** Passed only by {@link I2CFactory.port}, so `new I2C()` in device code is always software I2C. */
const PORT_TOKEN = {};

/** Builds the `I2C` class for one board. */
export function createI2CClass(environment: I2CEnvironment): I2CFactory {
  const context = environment.context;

  class I2C {
    /** The hardware port's name, or null for software I2C. */
    private readonly portName: string | null;
    private scl: SimPin | null = null;
    private sda: SimPin | null = null;

    constructor(token?: unknown, name?: string) {
      this.portName = token === PORT_TOKEN && name !== undefined ? name : null;
    }

    /** `setup({scl, sda, bitrate})`; a hardware port falls back to the board's default pins. */
    setup(options?: unknown): void {
      const given = (typeof options === "object" && options !== null ? options : {}) as { scl?: unknown; sda?: unknown; bitrate?: unknown };
      if (given.bitrate !== undefined && Number(given.bitrate) < 100) throw context.error("Invalid I2C bitrate");
      const fallback = this.portName !== null ? environment.defaults : null;
      this.scl = given.scl !== undefined ? context.resolvePin(given.scl) : fallback ? fallback.scl : null;
      this.sda = given.sda !== undefined ? context.resolvePin(given.sda) : fallback ? fallback.sda : null;
      const mode = this.portName !== null ? "af_opendrain" : "opendrain_pullup";
      for (const pin of [this.scl, this.sda]) {
        if (pin === null) continue;
        pin.setLatch(true);
        pin.setMode(mode, pin.manual);
      }
    }

    /** `writeTo(address, data...)`; address may be `{address, stop}`. Nothing is sent without data. */
    writeTo(address: unknown, ...data: unknown[]): void {
      const bytes = toBytes(data);
      if (bytes.length === 0) return;
      const target = this.transfer(address, "Write");
      if (target !== null) target.write(bytes);
    }

    /** `readFrom(address, quantity)` → Uint8Array (undefined for a quantity below 1). */
    readFrom(address: unknown, quantity: unknown): Uint8Array | undefined {
      const count = Number(quantity) | 0;
      if (count <= 0) return undefined;
      const target = this.transfer(address, "Read");
      if (target === null) return context.bytes(new Uint8Array(count).fill(this.stuckZeros() ? 0 : 255));
      const data = target.read(count);
      return context.bytes(data);
    }

    /** `readReg(address, reg, quantity)`: writes the register number, then reads. */
    readReg(address: unknown, register: unknown, quantity: unknown): Uint8Array | undefined {
      this.writeTo({ address, stop: false }, register);
      return this.readFrom(address, quantity);
    }

    private style(): I2cErrorStyle {
      return this.portName === null ? "software" : context.traits.i2cErrors;
    }

    private stuckZeros(): boolean {
      return this.style() === "esp8266" && this.scl !== null && this.sda !== null && environment.buses.stuck(this.scl, this.sda);
    }

    /** The target of a transfer, null when the bytes go nowhere; throws the port's errors. */
    private transfer(address: unknown, direction: "Write" | "Read"): I2CTarget | null {
      if (this.scl === null || this.sda === null) {
        if (this.portName === null) return null;
        this.setup();
        if (this.scl === null || this.sda === null) throw context.error(`${this.portName} has no pins on this board`);
      }
      const number = typeof address === "object" && address !== null ? Number((address as { address?: unknown }).address) : Number(address);
      const style = this.style();
      if (environment.buses.stuck(this.scl, this.sda)) {
        if (style === "software") throw context.error("I2C Error: Arbitration (start)");
        if (style === "esp32") throw context.error(`jshI2C${direction}:, Operation timeout because the bus is busy`);
        return null;
      }
      const target = environment.buses.find(this.scl, this.sda, number & 127);
      if (target !== undefined) return target;
      if (style === "esp32") throw context.error(`jshI2C${direction}: slave doesn't ACK the transfer`);
      if (style === "esp8266") throw context.error(`I2C${direction}: No ACK 1`);
      return null;
    }
  }

  return { I2C, port: (name) => new I2C(PORT_TOKEN, name) };
}
