/**
 * Espruino's timer table for one interpreter session, on the shared
 * {@link VirtualClock}: `setTimeout` / `setInterval` ids as Espruino hands
 * them out (one more than the highest id in use, starting at 1, measured on
 * 2v29), `changeInterval` (which turns a timeout into an interval, as the
 * real one does), `clearTimeout()` with no argument clearing every timer,
 * unknown ids ignored. The session's own events (socket data, WiFi, queued
 * `emit`s) are clock timers too ({@link EspruinoTimers.defer}), invisible to
 * device code but cleared with the rest on reboot. Other users of the clock
 * (other nodes, device models) are never touched.
 */
import type { VirtualClock } from "../clock.ts";

/** Runs one piece of device work (the session adds Espruino's uncaught-exception handling). */
export type TaskRunner = (task: () => void) => void;

interface DeviceTimer {
  clockId: number;
  callback: () => void;
  /** What the device handed over (function and arguments), for the memory estimate. */
  held: readonly unknown[];
  interval: number;
}

/** The timers and session events of one interpreter run (see the file comment). */
export class EspruinoTimers {
  private readonly timers = new Map<number, DeviceTimer>();
  private readonly internal = new Set<number>();
  private disposed = false;

  /** @param run wraps every callback (uncaught exceptions, promise jobs). */
  constructor(
    private readonly clock: VirtualClock,
    private readonly run: TaskRunner,
  ) {}

  /** `setTimeout` (repeat false) or `setInterval` (repeat true); returns Espruino's id. */
  add(callback: () => void, milliseconds: number, repeat: boolean, held: readonly unknown[] = []): number {
    let id = 1;
    for (const existing of this.timers.keys()) id = Math.max(id, existing + 1);
    const delay = Number.isFinite(milliseconds) && milliseconds > 0 ? milliseconds : 0;
    const timer: DeviceTimer = { clockId: 0, callback, held, interval: repeat ? Math.max(delay, 1) : 0 };
    this.timers.set(id, timer);
    this.schedule(id, timer, delay);
    return id;
  }

  /** `clearTimeout(id)` / `clearInterval(id)`; no id clears every timer. Unknown ids are ignored. */
  clear(id?: number): void {
    if (id === undefined) {
      for (const timer of this.timers.values()) this.clock.clear(timer.clockId);
      this.timers.clear();
      return;
    }
    const timer = this.timers.get(id);
    if (timer === undefined) return;
    this.clock.clear(timer.clockId);
    this.timers.delete(id);
  }

  /** `changeInterval(id, ms)`: next run `ms` from now, then every `ms` (a timeout becomes an interval). */
  change(id: number, milliseconds: number): void {
    const timer = this.timers.get(id);
    if (timer === undefined) return;
    this.clock.clear(timer.clockId);
    const delay = Number.isFinite(milliseconds) && milliseconds > 0 ? milliseconds : 0;
    timer.interval = Math.max(delay, 1);
    this.schedule(id, timer, delay);
  }

  /** Runs session work at now + `milliseconds` (default: the next idle loop, at the same virtual time). */
  defer(task: () => void, milliseconds = 0): void {
    if (this.disposed) return;
    const clockId = this.clock.setTimeout(() => {
      this.internal.delete(clockId);
      this.run(task);
    }, milliseconds);
    this.internal.add(clockId);
  }

  /** Number of device timers (setTimeout/setInterval) pending. */
  get count(): number {
    return this.timers.size;
  }

  /** Number of session events (socket data, WiFi) pending. */
  get eventCount(): number {
    return this.internal.size;
  }

  /** Functions and arguments the timers hold (roots of the memory estimate). */
  held(): unknown[] {
    const result: unknown[] = [];
    for (const timer of this.timers.values()) result.push(...timer.held);
    return result;
  }

  /** Clears every timer and event of this session; later calls are ignored (reboot, power off). */
  dispose(): void {
    this.clear();
    for (const clockId of this.internal) this.clock.clear(clockId);
    this.internal.clear();
    this.disposed = true;
  }

  private schedule(id: number, timer: DeviceTimer, delay: number): void {
    if (this.disposed) return;
    const fire = (): void => {
      if (timer.interval === 0) this.timers.delete(id);
      else timer.clockId = this.clock.setTimeout(fire, timer.interval);
      this.run(timer.callback);
    };
    timer.clockId = this.clock.setTimeout(fire, delay);
  }
}
