/**
 * What the pieces of the emulated hardware share: the clock, the board and
 * its port traits, the pins by name, the interpreter-side timers (cleared on
 * reboot), the constructors values are created with (the realm's, so device
 * code sees its own Error and Uint8Array), and the warnings Espruino would
 * print instead of throwing.
 */
import type { Board } from "../../boards/board.ts";
import type { VirtualClock } from "../clock.ts";
import { DeviceScheduler } from "./scheduler.ts";
import { SimPin } from "./sim-pin.ts";
import { traitsOf, type HardwareTraits } from "./traits.ts";

/** Constructors of the interpreter's realm, used for every value handed to device code. */
export interface Intrinsics {
  Error: ErrorConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  Uint8Array: Uint8ArrayConstructor;
}

const HOST_INTRINSICS: Intrinsics = { Error, Array, Object, Uint8Array };

/** Something that stands for a pin in device code: an emulated Pin object carries its SimPin here. */
export interface PinCarrier {
  readonly simPin: SimPin;
}

function carriesPin(value: unknown): value is PinCarrier {
  return typeof value === "object" && value !== null && (value as Partial<PinCarrier>).simPin instanceof SimPin;
}

/** Shared state of one emulated board. */
export class HardwareContext {
  readonly traits: HardwareTraits;
  readonly scheduler: DeviceScheduler;
  /** Pins by Espruino name. */
  readonly pins = new Map<string, SimPin>();
  private readonly byGpio = new Map<number, SimPin>();
  /** What Espruino would print (`jsWarn`) where it does not throw, newest last. */
  readonly warnings: string[] = [];
  intrinsics: Intrinsics = HOST_INTRINSICS;
  private readonly timers = new Set<number>();

  constructor(
    readonly clock: VirtualClock,
    readonly board: Board,
  ) {
    this.traits = traitsOf(board);
    this.scheduler = new DeviceScheduler(clock);
    for (const [label, capabilities] of Object.entries(board.pins)) {
      const pin = new SimPin(capabilities.espruino, label, capabilities, () => clock.now(), this.traits.supplyVolts);
      this.pins.set(capabilities.espruino, pin);
      this.byGpio.set(capabilities.gpio, pin);
    }
  }

  /** A new Error of the interpreter's realm. */
  error(message: string): Error {
    return new this.intrinsics.Error(message);
  }

  /** Records what Espruino prints as a warning. */
  warn(message: string): void {
    this.warnings.push(message);
  }

  /** A pin from a Pin object, an Espruino name (`"D5"`) or a GPIO number, as Espruino's jshGetPinFromVar; throws "Invalid pin". */
  resolvePin(value: unknown): SimPin {
    const pin = this.findPin(value);
    if (pin === undefined) throw this.error("Invalid pin");
    return pin;
  }

  /** Like {@link resolvePin}, but undefined for anything that is not a pin. */
  findPin(value: unknown): SimPin | undefined {
    if (carriesPin(value)) return value.simPin;
    if (typeof value === "string") return this.pins.get(value);
    if (typeof value === "number") return this.byGpio.get(value);
    return undefined;
  }

  /** An interpreter-side timer (a pulse edge, a debounce): cleared on reboot. */
  later(run: () => void, milliseconds: number): number {
    const id = this.clock.setTimeout(() => {
      this.timers.delete(id);
      run();
    }, milliseconds);
    this.timers.add(id);
    return id;
  }

  /** Cancels an interpreter-side timer. */
  cancel(id: number): void {
    this.timers.delete(id);
    this.clock.clear(id);
  }

  /** Cancels every interpreter-side timer (reboot). */
  cancelAll(): void {
    for (const id of this.timers) this.clock.clear(id);
    this.timers.clear();
  }

  /** A new plain object of the realm with the given properties. */
  record(properties: Record<string, unknown>): Record<string, unknown> {
    return Object.assign(new this.intrinsics.Object() as Record<string, unknown>, properties);
  }

  /** A realm Uint8Array copy of `bytes`. */
  bytes(bytes: ArrayLike<number>): Uint8Array {
    const out = new this.intrinsics.Uint8Array(bytes.length);
    for (let index = 0; index < bytes.length; index++) out[index] = bytes[index]! & 255;
    return out;
  }
}
