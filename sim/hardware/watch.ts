/**
 * `setWatch` / `clearWatch` over the emulated pins, following Espruino 2v29
 * (src/jswrap_io.c jswrap_interface_setWatch, src/jsinteractive.c jsiIdle):
 * the watch remembers the pin's state; each change is queued with its exact
 * time and the callback runs afterwards from the event loop (here: a zero
 * timer at the same virtual time) with `{state, time, lastTime, pin}` (and
 * `data` when a data pin was given), times in seconds. `lastTime` is the
 * previous change of the pin whatever edge is watched. With `debounce`, a
 * change is reported `debounce` ms after the last bounce, with the time of
 * that last bounce, and only if the level differs from the last reported one.
 * On ESP32 the port also makes the watched pin an input with pull-up, even
 * when its mode was set by hand (targets/esp32/jshardware.c jshPinWatch);
 * a driver that drives a watched line must set its mode after `setWatch`.
 */
import type { HardwareContext } from "./context.ts";
import type { Gpio } from "./gpio.ts";
import type { SimPin } from "./sim-pin.ts";

type WatchCallback = (event: Record<string, unknown>) => void;

interface Debounce {
  timer: number;
  state: boolean;
}

interface Watch {
  id: number;
  pin: SimPin;
  pinObject: unknown;
  callback: WatchCallback;
  repeat: boolean;
  /** 1 rising, -1 falling, 0 both. */
  edge: number;
  debounce: number;
  dataPin: SimPin | null;
  state: boolean;
  lastTime: number | undefined;
  pending: Debounce | null;
  stop: () => void;
}

const EDGE_ERROR = "'edge' in setWatch should be 1, -1, 0, 'rising', 'falling' or 'both'";

/** The watches of one board. */
export class WatchTable {
  private watches: Watch[] = [];

  constructor(
    private readonly context: HardwareContext,
    private readonly gpio: Gpio,
    private readonly pinObject: (pin: SimPin) => unknown,
  ) {}

  /** Number of active watches. */
  get count(): number {
    return this.watches.length;
  }

  /** `setWatch(callback, pin, options)` → watch id (1, 2, …), or undefined when the pin cannot interrupt. */
  setWatch(callback: unknown, pin: unknown, options?: unknown): number | undefined {
    const sim = this.context.resolvePin(pin);
    if (!sim.capabilities.interrupt) {
      this.context.warn(`Unable to set watch on ${sim.name}: ${this.context.board.id} has no interrupt on this pin`);
      return undefined;
    }
    let repeat = false;
    let debounce = 0;
    let edge = 0;
    let dataPin: SimPin | null = null;
    if (typeof options === "object" && options !== null) {
      const given = options as { repeat?: unknown; debounce?: unknown; edge?: unknown; data?: unknown };
      repeat = Boolean(given.repeat);
      debounce = Number(given.debounce) > 0 ? Number(given.debounce) : 0;
      edge = this.parseEdge(given.edge);
      dataPin = given.data === undefined ? null : this.context.resolvePin(given.data);
    } else {
      repeat = Boolean(options);
    }
    if (typeof callback !== "function") throw this.context.error("Function or String not supplied!");
    const id = this.watches.reduce((highest, watch) => Math.max(highest, watch.id), 0) + 1;
    const watch: Watch = {
      id, pin: sim, pinObject: this.pinObject(sim), callback: callback as WatchCallback, repeat, edge, debounce, dataPin,
      state: this.gpio.input(sim), lastTime: undefined, pending: null, stop: () => undefined,
    };
    watch.stop = sim.onLevelChange((level, time) => this.onChange(watch, level, time));
    this.watches.push(watch);
    if (this.context.traits.watchForcesPullup) sim.setMode("input_pullup", sim.manual);
    return id;
  }

  /** `clearWatch(id)`; without an id, every watch. Throws "Unknown Watch <id>" for an id not in use. */
  clearWatch(id?: unknown): void {
    if (id === undefined) {
      for (const watch of [...this.watches]) this.remove(watch);
      return;
    }
    const watch = this.watches.find((each) => each.id === Number(id));
    if (watch === undefined) throw this.context.error(`Unknown Watch ${String(id)}`);
    this.remove(watch);
  }

  /** Removes every watch (reboot). */
  reset(): void {
    this.clearWatch();
  }

  private parseEdge(edge: unknown): number {
    if (edge === undefined) return 0;
    if (typeof edge === "number") return edge > 0 ? 1 : edge < 0 ? -1 : 0;
    if (edge === "rising") return 1;
    if (edge === "falling") return -1;
    if (edge === "both") return 0;
    throw this.context.error(EDGE_ERROR);
  }

  private remove(watch: Watch): void {
    const index = this.watches.indexOf(watch);
    if (index < 0) return;
    this.watches.splice(index, 1);
    watch.stop();
    if (watch.pending !== null) this.context.cancel(watch.pending.timer);
    watch.pending = null;
  }

  private matches(watch: Watch, state: boolean): boolean {
    return watch.edge === 0 || (state && watch.edge > 0) || (!state && watch.edge < 0);
  }

  private onChange(watch: Watch, level: boolean, time: number): void {
    if (watch.debounce <= 0) {
      watch.state = level;
      this.report(watch, level, time, true);
      return;
    }
    if (watch.pending !== null) {
      this.context.cancel(watch.pending.timer);
      watch.pending.state = level;
      watch.pending.timer = this.context.later(() => this.settle(watch), watch.debounce);
    } else if (level !== watch.state) {
      const pending: Debounce = { timer: 0, state: level };
      pending.timer = this.context.later(() => this.settle(watch), watch.debounce);
      watch.pending = pending;
    }
  }

  private settle(watch: Watch): void {
    const pending = watch.pending;
    watch.pending = null;
    if (pending === null || pending.state === watch.state) return;
    watch.state = pending.state;
    this.report(watch, pending.state, this.context.clock.now() - watch.debounce, false);
  }

  private report(watch: Watch, state: boolean, time: number, queue: boolean): void {
    const seconds = time / 1000;
    const lastTime = watch.lastTime;
    watch.lastTime = seconds;
    if (!this.matches(watch, state)) return;
    const event = this.context.record({ state, time: seconds, lastTime, pin: watch.pinObject });
    if (watch.dataPin !== null) event["data"] = watch.dataPin.level;
    if (!watch.repeat) this.remove(watch);
    const callback = watch.callback;
    if (!queue) {
      callback(event);
      return;
    }
    this.context.later(() => {
      if (watch.repeat && !this.watches.includes(watch)) return;
      callback(event);
    }, 0);
  }
}
