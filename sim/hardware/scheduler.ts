/**
 * The physical world's timers: when a device model changes a wire (a DHT22
 * answering, a button bouncing, a DS18B20 finishing a conversion). They run
 * on the same {@link VirtualClock} as the interpreter's timers but survive a
 * reboot: the whole queue hangs off one clock timer, which
 * {@link DeviceScheduler.rearm} sets again after the environment cleared the
 * clock.
 */
import type { VirtualClock } from "../clock.ts";

interface DeviceEvent {
  id: number;
  time: number;
  sequence: number;
  run: () => void;
}

/** Allowed drift between a scheduled time and the clock's float arithmetic, in ms. */
const EPSILON_MS = 1e-9;

/** Device-side timers in virtual milliseconds (fractions allowed: 0.026 is 26 µs). */
export class DeviceScheduler {
  private events: DeviceEvent[] = [];
  private nextId = 1;
  private sequence = 0;
  private timerId: number | null = null;
  private armedFor = Infinity;

  constructor(readonly clock: VirtualClock) {}

  /** Virtual time in milliseconds. */
  now(): number {
    return this.clock.now();
  }

  /** Runs `run` `milliseconds` from now; returns an id for {@link cancel}. */
  after(milliseconds: number, run: () => void): number {
    return this.schedule(this.now() + Math.max(0, milliseconds), run);
  }

  /** Runs `run` at virtual time `time` (ms; now if in the past); returns an id. */
  schedule(time: number, run: () => void): number {
    const event: DeviceEvent = { id: this.nextId++, time: Math.max(time, this.now()), sequence: this.sequence++, run };
    this.events.push(event);
    this.arm();
    return event.id;
  }

  /** Cancels an event; unknown ids are ignored. */
  cancel(id: number): void {
    this.events = this.events.filter((event) => event.id !== id);
  }

  /** Number of pending events. */
  get pending(): number {
    return this.events.length;
  }

  /** Sets the clock timer again (call after the clock's timers were cleared, e.g. on reboot). */
  rearm(): void {
    if (this.timerId !== null) this.clock.clear(this.timerId);
    this.timerId = null;
    this.armedFor = Infinity;
    this.arm();
  }

  private earliest(): DeviceEvent | undefined {
    let best: DeviceEvent | undefined;
    for (const event of this.events) {
      if (best === undefined || event.time < best.time || (event.time === best.time && event.sequence < best.sequence)) best = event;
    }
    return best;
  }

  private arm(): void {
    const next = this.earliest();
    if (next === undefined || next.time >= this.armedFor) return;
    if (this.timerId !== null) this.clock.clear(this.timerId);
    this.armedFor = next.time;
    this.timerId = this.clock.setTimeout(() => this.runDue(), next.time - this.now());
  }

  private runDue(): void {
    this.timerId = null;
    this.armedFor = Infinity;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.time > this.now() + EPSILON_MS) break;
      this.events.splice(this.events.indexOf(next), 1);
      next.run();
    }
    this.arm();
  }
}
