/**
 * One run of the emulated interpreter, from power-on to reboot or power
 * off: its realm, its timers, its loaded modules and open sockets. Device
 * code only runs through {@link Interpreter.run} (an upload, `.bootcde`)
 * and {@link Interpreter.invoke} (a callback from the clock), which apply
 * Espruino's rules: an uncaught exception in a callback is printed
 * (`Uncaught Error: …`) and the interpreter goes on; promise jobs run before
 * the next callback. {@link Interpreter.stop} cuts everything at once, as a
 * reset does: no event reaches device code after it.
 */
import type { Board } from "../../boards/board.ts";
import type { VirtualClock } from "../clock.ts";
import { formatLine } from "./format.ts";
import type { IoActivity } from "./io.ts";
import type { FlashStorage } from "./modules/storage.ts";
import type { NetworkModel } from "./network.ts";
import { Realm } from "./realm.ts";
import type { SocketWorker } from "./modules/socket-worker.ts";
import { EspruinoTimers } from "./timers.ts";

/** What an interpreter gets from its environment. */
export interface InterpreterOptions {
  board: Board;
  clock: VirtualClock;
  storage: FlashStorage;
  network: NetworkModel;
  random: () => number;
  io: IoActivity;
  /** The real sockets (started on first use). */
  sockets: () => SocketWorker;
  /** Prints one line of console output. */
  print(line: string): void;
  /** Told about every uncaught exception, after it was printed. */
  onUncaught(error: unknown): void;
  /** Unix milliseconds on the device's clock (what `Date.now()` returns). */
  now(): number;
  /** `setTime(seconds)`. */
  setTime(unixSeconds: number): void;
  /** `E.reboot()`: restart after the current callback. */
  reboot(): void;
  /** `deepSleep`: power off now, power on after `milliseconds` (forever when not finite). */
  deepSleep(milliseconds: number): void;
  /** Whether this power-on is a wake-up from deep sleep. */
  wokeFromDeepSleep: boolean;
}

/** Something the interpreter owns outside its realm and cuts on stop (a socket). */
export interface Resource {
  /** Cut silently (reset, power off). */
  kill(): void;
  /** The node lost the network: fail as the board would. */
  networkDown?(): void;
}

/** The WiFi station, when the board has WiFi. */
export interface StationState {
  /** Whether it holds an address (sockets can connect). */
  readonly connected: boolean;
  /** The network went down or came back. */
  networkChanged(up: boolean): void;
}

function constructorName(value: object): string | undefined {
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const name = prototype?.constructor?.name;
  return typeof name === "string" ? name : undefined;
}

/** How Espruino prints an uncaught exception: `Error: message`, or the thrown value. */
export function describeThrown(error: unknown): string {
  if (error !== null && typeof error === "object" && "message" in error) {
    const name = constructorName(error) ?? "Error";
    return `${name}: ${String((error as { message: unknown }).message)}`;
  }
  return formatLine([error]);
}

/** One power-on of the emulated interpreter (see the file comment). */
export class Interpreter {
  readonly realm: Realm;
  readonly timers: EspruinoTimers;
  /** Modules `require` has loaded, by name. */
  readonly modules = new Map<string, unknown>();
  /** The WiFi station, on boards that have one (set by the Wifi support at power-on). */
  station: StationState | null = null;
  /** Whether the running code came from Storage (memory-mapped flash on ESP boards). */
  codeFromFlash = false;
  private readonly resources = new Set<Resource>();
  private readonly unsubscribers: (() => void)[] = [];
  private isStopped = false;

  constructor(readonly options: InterpreterOptions) {
    this.realm = new Realm({
      now: () => options.now(),
      emit: (target, event, args) => this.emit(target, event, args),
    });
    this.timers = new EspruinoTimers(options.clock, (task) => this.runTask(task));
    this.onNetwork((up) => {
      this.station?.networkChanged(up);
      if (!up) this.networkLost();
    });
  }

  get board(): Board {
    return this.options.board;
  }

  /** Whether the interpreter was stopped (reset, deep sleep, power off). */
  get stopped(): boolean {
    return this.isStopped;
  }

  /** Runs code at top level; throws what it throws (Espruino stops the upload). */
  run(code: string, filename = "upload", timeoutMs = 10_000): unknown {
    try {
      return this.realm.evaluate(code, filename, timeoutMs);
    } finally {
      this.realm.drainMicrotasks();
    }
  }

  /** Calls a device function as the idle loop does: exceptions printed, promise jobs run after. */
  invoke(fn: unknown, self: unknown, args: readonly unknown[]): void {
    this.runTask(() => {
      if (typeof fn === "function") (fn as (...values: unknown[]) => unknown).apply(self, args as unknown[]);
      else if (typeof fn === "string") this.realm.evaluate(fn, "callback");
    });
  }

  /** Runs host work that may call device code, with the same rules as {@link invoke}. */
  runTask(task: () => void): void {
    if (this.isStopped) return;
    try {
      task();
    } catch (error) {
      this.report(error);
    }
    if (!this.isStopped) {
      try {
        this.realm.drainMicrotasks();
      } catch (error) {
        this.report(error);
      }
    }
  }

  /** Prints an uncaught exception as Espruino does and tells the environment. */
  report(error: unknown): void {
    this.print("Uncaught " + describeThrown(error));
    this.options.onUncaught(error);
  }

  /** Prints one line of console output. */
  print(line: string): void {
    if (!this.isStopped) this.options.print(line);
  }

  /** Espruino's `emit`: the listeners of `event` on `target` run on the next idle loop. */
  emit(target: object, event: string, args: readonly unknown[]): void {
    this.timers.defer(() => this.callListeners(target, event, args));
  }

  /** Calls the listeners of `event` on `target` now (from within session work); returns whether there were any. */
  callListeners(target: object, event: string, args: readonly unknown[]): boolean {
    const listeners = (target as Record<string, unknown>)["#on" + event];
    if (listeners === undefined) return false;
    const list = Array.isArray(listeners) ? [...(listeners as unknown[])] : [listeners];
    for (const listener of list) this.invoke(listener, target, args);
    return true;
  }

  /** Keeps `resource` until it is released or the interpreter stops; returns the release function. */
  track(resource: Resource): () => void {
    this.resources.add(resource);
    return () => this.resources.delete(resource);
  }

  /** Every tracked resource (for the memory estimate and tests). */
  tracked(): Resource[] {
    return [...this.resources];
  }

  /** Listens to the network going down and up until the interpreter stops. */
  onNetwork(listener: (up: boolean) => void): void {
    this.unsubscribers.push(this.options.network.subscribe((up) => this.runTask(() => listener(up))));
  }

  /** Fails every open socket (the network went down or the station left it). */
  networkLost(): void {
    for (const resource of [...this.resources]) resource.networkDown?.();
  }

  /** Whether a socket can reach the network now. */
  networkReady(): boolean {
    if (!this.options.network.up) return false;
    return this.station === null || this.station.connected;
  }

  /** Stops everything at once (reset, deep sleep, power off): timers, events, sockets, subscriptions. */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.timers.dispose();
    for (const resource of [...this.resources]) resource.kill();
    this.resources.clear();
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers.length = 0;
  }
}
