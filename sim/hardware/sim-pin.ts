/**
 * One pin of the emulated board as a wire. The microcontroller's side (mode,
 * output latch, PWM), the pulls, and whatever attached devices do (pull it
 * low, drive it high, put a voltage on it) are kept apart, and the level a
 * reader sees is resolved from all of them, like on a real open-drain bus:
 * any strong low wins, then a strong high, then an analog voltage, then a
 * pull-up or pull-down; a floating pin reads low.
 */
import type { PinCapabilities } from "../../boards/board.ts";

/** Espruino's pin modes (`pinMode`, reference "pinMode"). */
export type PinMode =
  | "analog" | "input" | "input_pullup" | "input_pulldown" | "output"
  | "opendrain" | "opendrain_pullup" | "af_output" | "af_opendrain";

/** Every mode `pinMode` accepts, in the reference's order. */
export const PIN_MODES: readonly PinMode[] = [
  "analog", "input", "input_pullup", "input_pulldown", "output",
  "opendrain", "opendrain_pullup", "af_output", "af_opendrain",
];

/** Called with the new level and the virtual time (ms) of the change. */
export type LevelListener = (level: boolean, time: number) => void;

/** An `analogWrite` in effect: duty 0..1, frequency in Hz; `dac` when the port drove a DAC instead. */
export interface PwmState {
  duty: number;
  frequency: number;
  dac: boolean;
}

/** A wire's pull resistor on the board or module (a DHT22 module's 10 kΩ, a 4.7 kΩ 1-Wire pull-up). */
export type Pull = "up" | "down" | null;

/** The electrical state of one pin, for devices, tests and the simulator UI. */
export class SimPin {
  /** Current mode; undefined until something sets one (`getPinMode` then returns undefined). */
  mode: PinMode | undefined = undefined;
  /** Set by `pinMode(pin, mode)`: read/write functions no longer change the mode. */
  manual = false;
  /** The output register. */
  latch = false;
  /** PWM or DAC output in effect, or null. */
  pwm: PwmState | null = null;
  /** Pull resistor in the wiring (kept across reboots). */
  externalPull: Pull = null;
  /** Times the microcontroller drove high while a device held the line low (a short on real hardware). */
  contentions = 0;
  private readonly drives = new Map<object, boolean>();
  private analogSource: (() => number) | null = null;
  private readonly listeners: LevelListener[] = [];
  private lastLevel = false;
  private inContention = false;

  /**
   * @param name Espruino's name for the pin (`D5`)
   * @param label the board's label (`D1` on a NodeMCU), same as name on ESP32
   * @param capabilities the board file's entry
   * @param now virtual time in milliseconds
   * @param supplyVolts the level is high above half of it
   */
  constructor(
    readonly name: string,
    readonly label: string,
    readonly capabilities: PinCapabilities,
    private readonly now: () => number,
    private readonly supplyVolts: number,
  ) {}

  /** The digital level on the wire now. */
  get level(): boolean {
    return this.resolve();
  }

  /** Volts on the wire: an analog source's, else the digital level as 0 or the supply. */
  get voltage(): number {
    if (this.analogSource !== null && !this.isStronglyDriven()) return this.analogSource();
    return this.resolve() ? this.supplyVolts : 0;
  }

  /**
   * Sets mode and manual flag (Espruino's jshPinSetState +
   * jshSetPinStateIsManual). Any PWM stops: the ESP32 port routes the pad
   * back to GPIO (gpio_pad_select_gpio) on every state change.
   */
  setMode(mode: PinMode | undefined, manual: boolean): void {
    this.mode = mode;
    this.manual = manual;
    this.pwm = null;
    this.update();
  }

  /** Writes the output register (the wire changes only if the mode drives it). */
  setLatch(value: boolean): void {
    this.latch = value;
    this.update();
  }

  /** Starts or stops PWM / DAC output. */
  setPwm(state: PwmState | null): void {
    this.pwm = state;
    this.update();
  }

  /** A device drives the wire: false pulls it low, true drives it high, null lets go. */
  drive(device: object, level: boolean | null): void {
    if (level === null) this.drives.delete(device);
    else this.drives.set(device, level);
    this.update();
  }

  /** Puts a voltage source on the wire (an analog sensor), or removes it with null. */
  setAnalogSource(source: (() => number) | null): void {
    this.analogSource = source;
    this.update();
  }

  /** Sets the wiring's pull resistor. */
  setExternalPull(pull: Pull): void {
    this.externalPull = pull;
    this.update();
  }

  /** Calls `listener` on every level change; returns a function that stops it. */
  onLevelChange(listener: LevelListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** Re-reads an analog source's voltage and reports a level change it caused. */
  refresh(): void {
    this.update();
  }

  /** The microcontroller's side back to power-on state (devices and wiring stay). */
  resetController(): void {
    this.mode = undefined;
    this.manual = false;
    this.latch = false;
    this.pwm = null;
    this.update();
  }

  private controllerDrive(): boolean | null {
    if (!this.capabilities.output) return null;
    switch (this.mode) {
      case "output":
      case "af_output":
        return this.pwm !== null ? this.pwm.duty >= 0.5 : this.latch;
      case "opendrain":
      case "opendrain_pullup":
      case "af_opendrain":
        return this.latch ? null : false;
      default:
        return null;
    }
  }

  private isStronglyDriven(): boolean {
    return this.drives.size > 0 || this.controllerDrive() !== null;
  }

  private resolve(): boolean {
    let low = false;
    let high = false;
    for (const level of this.drives.values()) {
      if (level) high = true;
      else low = true;
    }
    const own = this.controllerDrive();
    if (own === false) low = true;
    if (own === true) high = true;
    if (low) return false;
    if (high) return true;
    if (this.analogSource !== null) return this.analogSource() > this.supplyVolts / 2;
    const pullUp = this.mode === "input_pullup" || this.mode === "opendrain_pullup" || this.externalPull === "up";
    if (pullUp) return true;
    return false;
  }

  private update(): void {
    const level = this.resolve();
    const contention = this.controllerDrive() === true && [...this.drives.values()].includes(false);
    if (contention && !this.inContention) this.contentions++;
    this.inContention = contention;
    if (level === this.lastLevel) return;
    this.lastLevel = level;
    const time = this.now();
    for (const listener of [...this.listeners]) listener(level, time);
  }
}
