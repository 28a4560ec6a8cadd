/**
 * The emulated hardware of one board: its pins as wires, Espruino's hardware
 * globals over them, and the device models attached to the pins and buses.
 * The emulated interpreter (sim/espruino/) calls {@link Hardware.install} to
 * get the globals and {@link Hardware.reset} on every reboot; tests can also
 * use {@link Hardware.api} directly, and hand its pins and buses to the HAL
 * drivers, since those take their pins and buses as arguments.
 */
import type { Board } from "../../boards/board.ts";
import type { VirtualClock } from "../clock.ts";
import { HardwareContext, type Intrinsics } from "./context.ts";
import { Gpio } from "./gpio.ts";
import { createI2CClass, I2CBuses, type I2CTarget } from "./i2c.ts";
import { createOneWireClass, OneWireBuses, type OneWireDevice } from "./onewire.ts";
import { EspruinoPin } from "./pin-object.ts";
import type { DeviceScheduler } from "./scheduler.ts";
import type { SimPin } from "./sim-pin.ts";
import { WatchTable } from "./watch.ts";

export type { Intrinsics } from "./context.ts";
export type { I2CTarget } from "./i2c.ts";
export type { OneWireDevice } from "./onewire.ts";
export type { DeviceScheduler } from "./scheduler.ts";
export type { LevelListener, PinMode, Pull, PwmState, SimPin } from "./sim-pin.ts";
export type { HardwareTraits } from "./traits.ts";
export { EspruinoPin } from "./pin-object.ts";

/** What the emulated interpreter offers the hardware. */
export interface HardwareHost {
  clock: VirtualClock;
  board: Board;
  /** Adds a global to the emulated interpreter (a Pin object, a function, a class). */
  defineGlobal(name: string, value: unknown): void;
  /** The realm's constructors, so errors, arrays and Uint8Arrays handed to device code are the realm's own (default: Node's). */
  intrinsics?: Intrinsics;
}

/** A device model on one pin (a DHT22, a button, an analog source). */
export interface LineDevice {
  /** Called when attached: the wire it sits on and the device-side timers. */
  connect(pin: SimPin, scheduler: DeviceScheduler): void;
  /** Called when detached: let go of the wire. */
  disconnect(): void;
}

/** Espruino's hardware globals of one board, as one object (what {@link Hardware.install} defines). */
export interface EspruinoHardwareApi {
  [name: string]: unknown;
  pinMode(pin: unknown, mode?: unknown, automatic?: unknown): void;
  getPinMode(pin: unknown): string | undefined;
  digitalRead(pin: unknown): number;
  digitalWrite(pin: unknown, value: unknown): void;
  analogRead(pin: unknown): number;
  analogWrite(pin: unknown, value: unknown, options?: unknown): void;
  digitalPulse(pin: unknown, value: unknown, time: unknown): void;
  setWatch(callback: unknown, pin: unknown, options?: unknown): number | undefined;
  clearWatch(id?: unknown): void;
  I2C: new () => object;
  OneWire: new (pin: unknown) => object;
}

type Attachment = { kind: "line"; device: LineDevice } | { kind: "onewire"; device: OneWireDevice } | { kind: "i2c"; device: I2CTarget };

/** The emulated hardware of one board: pins, buses and the device models attached to them. */
export class Hardware {
  /** Espruino's hardware globals: pin objects by Espruino name, the pin functions, I2C, OneWire, I2C1…. */
  readonly api: EspruinoHardwareApi;
  private readonly context: HardwareContext;
  private readonly gpio: Gpio;
  private readonly watches: WatchTable;
  private readonly i2cBuses = new I2CBuses();
  private readonly oneWireBuses = new OneWireBuses();
  private readonly pinObjects = new Map<SimPin, EspruinoPin>();
  private attachments: Attachment[] = [];

  constructor(
    readonly clock: VirtualClock,
    readonly board: Board,
  ) {
    this.context = new HardwareContext(clock, board);
    this.gpio = new Gpio(this.context);
    for (const pin of this.context.pins.values()) this.pinObjects.set(pin, new EspruinoPin(pin, this.gpio));
    const pinObject = (pin: SimPin): EspruinoPin => this.pinObjects.get(pin)!;
    this.watches = new WatchTable(this.context, this.gpio, pinObject);
    this.api = this.buildApi(pinObject);
  }

  /** What Espruino would have printed as warnings instead of throwing (analogRead on a pin without ADC, …). */
  get warnings(): readonly string[] {
    return this.context.warnings;
  }

  /** The device-side timers (they survive reboots). */
  get scheduler(): DeviceScheduler {
    return this.context.scheduler;
  }

  /** Installs Espruino's hardware globals into an emulated interpreter. */
  install(host: HardwareHost): void {
    if (host.intrinsics !== undefined) this.context.intrinsics = host.intrinsics;
    for (const [name, value] of Object.entries(this.api)) host.defineGlobal(name, value);
  }

  /** Pin state by Espruino name (`D5`), for tests and the simulator UI. */
  pin(espruinoName: string): SimPin {
    const pin = this.context.pins.get(espruinoName);
    if (pin === undefined) throw new Error(`${espruinoName} is not a pin of board ${this.board.id}; pins: ${[...this.context.pins.keys()].join(", ")}`);
    return pin;
  }

  /** The Espruino Pin object (`D5`) of a pin, to hand to drivers in tests. */
  pinObject(espruinoName: string): EspruinoPin {
    return this.pinObjects.get(this.pin(espruinoName))!;
  }

  /** Attaches a device model to one pin (DHT22, button, analog source). */
  attachLine(espruinoName: string, device: LineDevice): void {
    device.connect(this.pin(espruinoName), this.context.scheduler);
    this.attachments.push({ kind: "line", device });
  }

  /** Attaches a device model to the 1-Wire bus on a pin (DS18B20); several may share one pin. */
  attachOneWire(espruinoName: string, device: OneWireDevice): void {
    this.oneWireBuses.attach(this.pin(espruinoName), device);
    device.connect?.(this.context.scheduler);
    this.attachments.push({ kind: "onewire", device });
  }

  /** Attaches a device model to an I2C bus: the board's default I2C pins unless `pins` (Espruino names) are given. */
  attachI2C(device: I2CTarget, pins?: { scl: string; sda: string }): void {
    const chosen = pins ?? this.defaultI2cPins();
    if (chosen === null) throw new Error(`board ${this.board.id} has no default I2C pins; pass { scl, sda }`);
    this.i2cBuses.attach(device, this.pin(chosen.scl), this.pin(chosen.sda));
    device.connect?.(this.context.scheduler);
    this.attachments.push({ kind: "i2c", device });
  }

  /** Detaches a device model (unplugged). */
  detach(device: LineDevice | OneWireDevice | I2CTarget): void {
    const found = this.attachments.find((entry) => entry.device === device);
    if (found === undefined) return;
    this.attachments = this.attachments.filter((entry) => entry !== found);
    if (found.kind === "line") found.device.disconnect();
    if (found.kind === "onewire") this.oneWireBuses.detach(found.device);
    if (found.kind === "i2c") this.i2cBuses.detach(found.device);
  }

  /** Number of active watches (for tests). */
  get watchCount(): number {
    return this.watches.count;
  }

  /** Everything back to reset state except attached devices and wiring (a reboot). */
  reset(): void {
    this.context.cancelAll();
    this.watches.reset();
    this.gpio.reset();
    for (const pin of this.context.pins.values()) pin.resetController();
    this.context.scheduler.rearm();
  }

  private defaultI2cPins(): { scl: string; sda: string } | null {
    const i2c = this.board.i2c;
    if (i2c === null) return null;
    return { scl: this.board.pins[i2c.scl]!.espruino, sda: this.board.pins[i2c.sda]!.espruino };
  }

  private buildApi(pinObject: (pin: SimPin) => EspruinoPin): EspruinoHardwareApi {
    const gpio = this.gpio;
    const watches = this.watches;
    const defaults = this.defaultI2cPins();
    const i2c = createI2CClass({
      context: this.context,
      buses: this.i2cBuses,
      defaults: defaults === null ? null : { scl: this.pin(defaults.scl), sda: this.pin(defaults.sda) },
    });
    const api: EspruinoHardwareApi = {
      pinMode: (pin, mode, automatic) => gpio.pinMode(pin, mode, automatic),
      getPinMode: (pin) => gpio.getPinMode(pin),
      digitalRead: (pin) => gpio.digitalRead(pin),
      digitalWrite: (pin, value) => gpio.digitalWrite(pin, value),
      analogRead: (pin) => gpio.analogRead(pin),
      analogWrite: (pin, value, options) => gpio.analogWrite(pin, value, options),
      digitalPulse: (pin, value, time) => gpio.digitalPulse(pin, value, time),
      setWatch: (callback, pin, options) => watches.setWatch(callback, pin, options),
      clearWatch: (id) => watches.clearWatch(id),
      I2C: i2c.I2C,
      OneWire: createOneWireClass(this.context, this.oneWireBuses, pinObject),
    };
    for (const pin of this.context.pins.values()) api[pin.name] = pinObject(pin);
    for (const name of this.context.traits.i2cPorts) api[name] = i2c.port(name);
    return api;
  }
}
