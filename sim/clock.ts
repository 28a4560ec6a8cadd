/**
 * Virtual time for the emulated Espruino environment. Tests advance it
 * instantly (a day of telemetry in milliseconds of real time); the live
 * simulator lets it follow the wall clock with {@link followRealTime}.
 * Timers fire in due-time order, ties in creation order, and `now()` reads
 * the due time while a timer runs, as on a device whose loop is never late.
 */

/** A callback the clock runs; exceptions are caught and reported, as Espruino prints and goes on. */
export type TimerCallback = () => void;

interface Timer {
  id: number;
  due: number;
  interval: number;
  callback: TimerCallback;
  sequence: number;
}

export class VirtualClock {
  private time: number;
  private nextId = 1;
  private sequence = 0;
  private readonly timers: Timer[] = [];
  /** Called with an exception thrown by a timer callback (the clock goes on). */
  onError: (error: unknown) => void = (error) => {
    console.error("Uncaught", error);
  };

  /** @param start milliseconds the clock starts at (default 0). */
  constructor(start = 0) {
    this.time = start;
  }

  /** Milliseconds since the clock's epoch. */
  now(): number {
    return this.time;
  }

  /** Runs `callback` once after `milliseconds` (negative or NaN counts as 0); returns the timer id. */
  setTimeout(callback: TimerCallback, milliseconds: number): number {
    return this.add(callback, milliseconds, 0);
  }

  /** Runs `callback` every `milliseconds` (at least 1); returns the timer id. */
  setInterval(callback: TimerCallback, milliseconds: number): number {
    return this.add(callback, milliseconds, Math.max(1, milliseconds || 0));
  }

  /** Cancels a timer; unknown ids are ignored. Returns whether one was cancelled. */
  clear(id: number): boolean {
    const index = this.timers.findIndex((timer) => timer.id === id);
    if (index < 0) return false;
    this.timers.splice(index, 1);
    return true;
  }

  /** Same as {@link clear}, under the name the MQTT client's Clock interface uses. */
  clearTimeout(id: unknown): void {
    this.clear(id as number);
  }

  /** Cancels every timer (a reboot). */
  clearAll(): void {
    this.timers.length = 0;
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.timers.length;
  }

  /** Due time of the earliest timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    return this.timers.length === 0 ? undefined : this.earliest().due;
  }

  /**
   * Moves time forward by `milliseconds`, running every timer that falls due
   * on the way, each at its own due time (timers added meanwhile included).
   */
  advance(milliseconds: number): void {
    this.advanceTo(this.time + Math.max(0, milliseconds));
  }

  /** Moves time forward to `target` (never backwards), running due timers in order. */
  advanceTo(target: number): void {
    for (;;) {
      if (this.timers.length === 0) break;
      const timer = this.earliest();
      if (timer.due > target) break;
      this.time = Math.max(this.time, timer.due);
      if (timer.interval > 0) {
        timer.due += timer.interval;
        timer.sequence = this.sequence++;
      } else {
        this.clear(timer.id);
      }
      try {
        timer.callback();
      } catch (error) {
        this.onError(error);
      }
    }
    this.time = Math.max(this.time, target);
  }

  private add(callback: TimerCallback, milliseconds: number, interval: number): number {
    const delay = milliseconds > 0 ? milliseconds : 0;
    const timer: Timer = { id: this.nextId++, due: this.time + delay, interval, callback, sequence: this.sequence++ };
    this.timers.push(timer);
    return timer.id;
  }

  private earliest(): Timer {
    let best = this.timers[0]!;
    for (const timer of this.timers) {
      if (timer.due < best.due || (timer.due === best.due && timer.sequence < best.sequence)) best = timer;
    }
    return best;
  }
}

/**
 * Lets a virtual clock follow the wall clock (the interactive simulator):
 * every `tickMilliseconds` of real time it advances by the real time elapsed.
 * Returns a function that stops following.
 */
export function followRealTime(clock: VirtualClock, tickMilliseconds = 10): () => void {
  let last = performance.now();
  const handle = setInterval(() => {
    const current = performance.now();
    clock.advance(current - last);
    last = current;
  }, tickMilliseconds);
  return () => clearInterval(handle);
}
