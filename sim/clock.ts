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

/** Whether `a` fires before `b`: earlier due time, ties in creation (or rescheduling) order. */
function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.sequence < b.sequence);
}

/**
 * Timers are kept in a binary min-heap (a fleet of emulated nodes holds
 * thousands); a cancelled timer leaves the id map at once and the heap when
 * it reaches the top.
 */
export class VirtualClock {
  private time: number;
  private nextId = 1;
  private sequence = 0;
  private heap: Timer[] = [];
  private readonly live = new Map<number, Timer>();
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
    return this.live.delete(id);
  }

  /** Same as {@link clear}, under the name the MQTT client's Clock interface uses. */
  clearTimeout(id: unknown): void {
    this.clear(id as number);
  }

  /** Cancels every timer (a reboot). */
  clearAll(): void {
    this.live.clear();
    this.heap = [];
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.live.size;
  }

  /** Due time of the earliest timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    return this.earliest()?.due;
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
      const timer = this.earliest();
      if (timer === undefined || timer.due > target) break;
      this.pop();
      this.time = Math.max(this.time, timer.due);
      if (timer.interval > 0) {
        timer.due += timer.interval;
        timer.sequence = this.sequence++;
        this.push(timer);
      } else {
        this.live.delete(timer.id);
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
    this.live.set(timer.id, timer);
    this.push(timer);
    return timer.id;
  }

  /** The live timer that fires next (cancelled ones on top are discarded on the way). */
  private earliest(): Timer | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.live.get(top.id) === top) return top;
      this.pop();
    }
    return undefined;
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(timer);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(timer, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = timer;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
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
