/**
 * Espruino's pin functions over the emulated pins, following src/jswrap_io.c
 * and src/jspin.c (2v29): `pinMode`, `getPinMode`, `digitalRead`,
 * `digitalWrite` (also with arrays of pins), `analogRead`, `analogWrite`,
 * `digitalPulse`. Reads and writes change the mode unless `pinMode` set it
 * ("automatic" mode); errors are Espruino's messages.
 */
import type { HardwareContext } from "./context.ts";
import { PIN_MODES, type PinMode, type SimPin } from "./sim-pin.ts";

/** Pending `digitalPulse` edges of one pin: timer ids and when the last one falls. */
interface PulseQueue {
  timers: number[];
  edges: { time: number; level: boolean }[];
  end: number;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === "string" || Array.isArray(value) || ArrayBuffer.isView(value);
}

function typeName(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "function") return "Function";
  if (typeof value === "object") return "Object";
  return typeof value;
}

/** The pin functions of one board; each method is installed as a global of the same name. */
export class Gpio {
  private readonly pulses = new Map<SimPin, PulseQueue>();

  constructor(private readonly context: HardwareContext) {}

  /** jshPinInput: makes the pin an input unless its mode is manual, then reads it. */
  input(pin: SimPin): boolean {
    if (!pin.manual) pin.setMode("input", false);
    return pin.level;
  }

  /** jshPinOutput: writes the latch, then makes the pin an output unless its mode is manual. */
  output(pin: SimPin, value: boolean): void {
    pin.setLatch(value);
    if (!pin.manual) pin.setMode("output", false);
    if (!pin.capabilities.output) this.context.warn(`${pin.name} on ${this.context.board.id} cannot drive an output`);
  }

  /** `pinMode(pin, mode, automatic)`: no mode or "auto" returns the pin to automatic mode. */
  pinMode(pin: unknown, mode?: unknown, automatic?: unknown): void {
    const sim = this.context.resolvePin(pin);
    if (typeof mode === "string" && (PIN_MODES as readonly string[]).includes(mode)) {
      sim.setMode(mode as PinMode, !automatic);
      return;
    }
    sim.manual = false;
    if (mode !== undefined && mode !== "auto") throw this.context.error("Unknown pin mode");
  }

  /** `getPinMode(pin)`: the mode string, undefined when never set. */
  getPinMode(pin: unknown): string | undefined {
    return this.context.resolvePin(pin).mode;
  }

  /** `digitalRead(pin)` → 0 or 1; with an array of pins, a number whose last pin is the least significant bit. */
  digitalRead(pin: unknown): number {
    if (Array.isArray(pin)) {
      let value = 0;
      for (const each of pin) value = (value << 1) | (this.input(this.context.resolvePin(each)) ? 1 : 0);
      return value;
    }
    return this.input(this.context.resolvePin(pin)) ? 1 : 0;
  }

  /** `digitalWrite(pin, value)`; with an array of pins, bits of value from the last pin (least significant) backwards. */
  digitalWrite(pin: unknown, value: unknown): void {
    let bits = Number(value) | 0;
    if (Array.isArray(pin)) {
      for (let index = pin.length - 1; index >= 0; index--) {
        this.output(this.context.resolvePin(pin[index]), (bits & 1) === 1);
        bits >>= 1;
      }
      return;
    }
    this.output(this.context.resolvePin(pin), value === true || bits !== 0);
  }

  /**
   * `analogRead(pin)` → 0..1 quantised to the port's ADC. A pin whose ADC the
   * port does not read gives NaN as on ESP32/ESP8266 (Espruino does not
   * throw), and 0 on Linux, which has no ADC.
   */
  analogRead(pin: unknown): number {
    const sim = this.context.resolvePin(pin);
    if (!sim.manual) sim.setMode("analog", false);
    const traits = this.context.traits;
    if (!traits.readsAdc(sim.capabilities)) {
      this.context.warn(`analogRead(${sim.name}): ${this.context.board.id} has no ADC the Espruino port reads on ${sim.name}`);
      return traits.adcBits === 0 ? 0 : NaN;
    }
    const steps = 2 ** traits.adcBits;
    const raw = Math.floor((sim.voltage / traits.adcFullScaleVolts) * steps);
    return Math.min(steps - 1, Math.max(0, raw)) / steps;
  }

  /** `analogWrite(pin, value, {freq})`: PWM (duty clamped to 0..1), a DAC on ESP32 D25/D26, nothing on Linux. */
  analogWrite(pin: unknown, value: unknown, options?: unknown): void {
    const sim = this.context.resolvePin(pin);
    const traits = this.context.traits;
    const duty = Math.min(1, Math.max(0, Number(value) || 0));
    const requested = typeof options === "object" && options !== null ? Number((options as { freq?: unknown }).freq) : NaN;
    const dac = traits.dacPins.includes(sim.name);
    if (traits.pwmDefaultHz === 0 || (!sim.capabilities.pwm && !dac)) {
      this.context.warn(`analogWrite(${sim.name}): no PWM on ${sim.name} of ${this.context.board.id}`);
      return;
    }
    if (!sim.manual) sim.setMode("output", false);
    const frequency = dac ? 0 : requested > 0 ? requested : traits.pwmDefaultHz;
    sim.setPwm({ duty, frequency, dac });
  }

  /**
   * `digitalPulse(pin, value, time)`: drives `value` now (unless pulses are
   * still queued on the pin, which this one then follows) and the opposite
   * level after `time` ms; an array gives a square wave starting with
   * `value`. `time` 0 waits for queued pulses: the emulation applies them at
   * once, since virtual time cannot pass inside a call.
   */
  digitalPulse(pin: unknown, value: unknown, time: unknown): void {
    const sim = this.context.resolvePin(pin);
    let level = Boolean(value);
    const queue = this.pulses.get(sim);
    let at = queue !== undefined ? queue.end : this.context.clock.now();
    if (queue === undefined) this.output(sim, level);
    if (typeof time === "number") {
      if (time < 0 || time !== time) throw this.context.error("Pulse Time is less than 0 or not a number");
      if (time > 0) this.queueEdge(sim, (at += time), !level);
      else this.finishPulses(sim);
      return;
    }
    if (!isIterable(time)) throw this.context.error(`Expecting Number or Array, got ${typeName(time)}`);
    for (const item of time) {
      const milliseconds = Number(item);
      if (milliseconds > 0) this.queueEdge(sim, (at += milliseconds), !level);
      level = !level;
    }
  }

  /** Forgets queued pulses (reboot; the timers themselves are cancelled by the context). */
  reset(): void {
    this.pulses.clear();
  }

  private queueEdge(pin: SimPin, time: number, level: boolean): void {
    let queue = this.pulses.get(pin);
    if (queue === undefined) {
      queue = { timers: [], edges: [], end: time };
      this.pulses.set(pin, queue);
    }
    const edge = { time, level };
    queue.edges.push(edge);
    queue.end = time;
    const owner = queue;
    const id = this.context.later(() => {
      owner.edges.splice(owner.edges.indexOf(edge), 1);
      owner.timers.splice(owner.timers.indexOf(id), 1);
      if (owner.edges.length === 0) this.pulses.delete(pin);
      pin.setLatch(level);
    }, time - this.context.clock.now());
    queue.timers.push(id);
  }

  private finishPulses(pin: SimPin): void {
    const queue = this.pulses.get(pin);
    if (queue === undefined) return;
    this.pulses.delete(pin);
    for (const id of queue.timers) this.context.cancel(id);
    const last = queue.edges[queue.edges.length - 1];
    if (last !== undefined) pin.setLatch(last.level);
  }
}
