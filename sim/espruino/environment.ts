/**
 * An emulated Espruino board: the interpreter (a fresh realm per power-on,
 * ./interpreter.ts), its flash (kept across reboots), its network, its
 * hardware (sim/hardware/), all on one {@link VirtualClock}.
 *
 * Time: device code runs only when the clock advances. Socket events are
 * queued at the current virtual time; {@link EspruinoEnvironment.settle},
 * {@link EspruinoEnvironment.runFor} and {@link EspruinoEnvironment.runUntil}
 * give real I/O its turn between clock steps, holding virtual time still
 * while a connect or a write is in flight (see ./io.ts for the model).
 */
import type { Board } from "../../boards/board.ts";
import type { VirtualClock } from "../clock.ts";
import type { Hardware } from "../hardware/index.ts";
import { installGlobals } from "./globals.ts";
import { keepScopes } from "./keep-scopes.ts";
import { Interpreter } from "./interpreter.ts";
import { IoActivity, settle, type SettleOptions } from "./io.ts";
import { estimateUsage } from "./memory.ts";
import { ScopeReader } from "./memory-scopes.ts";
import { SocketWorker } from "./modules/socket-worker.ts";
import { FlashStorage } from "./modules/storage.ts";
import { Station } from "./modules/wifi.ts";
import { NetworkModel } from "./network.ts";
import { seededRandom } from "./random.ts";

/** The Storage file Espruino runs at power-on. */
export const BOOT_FILE = ".bootcde";

/** Unix milliseconds at virtual time 0 on the Linux board, by default (2025-01-01T00:00:00Z). */
export const DEFAULT_UNIX_TIME_AT_ZERO = 1_735_689_600_000;

/** How to build an {@link EspruinoEnvironment}: the board and clock, the rest optional. */
export interface EnvironmentOptions {
  board: Board;
  clock: VirtualClock;
  /** Flash contents by Storage file name; pass the same object to a new environment (or call reboot()) to keep it across a reboot/power loss. */
  storage?: FlashStorage;
  hardware?: Hardware;
  /** WiFi up/down, RSSI, IP, routes to real servers (default: a network that is up). */
  network?: NetworkModel;
  /** Seeded random source for socket chunking etc. (default: a fixed-seed PRNG). */
  random?: () => number;
  /** Where console.log lines go (default: collected in env.output). */
  print?: (line: string) => void;
  /** Unix milliseconds at virtual time 0, for the Linux board's wall clock (boards count from power-on). */
  unixTimeAtZero?: number;
  /** Tuning of {@link EspruinoEnvironment.settle}. */
  settle?: SettleOptions;
  /**
   * Virtual ms a heap estimate for `process.memory()` is reused (default 0:
   * every call estimates; the estimate walks the realm and costs
   * milliseconds, so a fleet of nodes reporting their heap often reuses it).
   */
  memoryRefreshMs?: number;
  /**
   * Keep closure scopes whole, as Espruino does, so the heap estimate counts
   * every variable of a function that created a closure (./keep-scopes.ts).
   * Default false: it inserts text into the code run (not into Storage), so
   * error positions no longer match the bundle's source map, and it parses
   * each new program once. Turn it on where the heap figure matters.
   */
  keepScopes?: boolean;
  /** Called after each power-on (boot, reboot, wake) once .bootcde ran, e.g. to instrument what it set up. */
  onPowerOn?: (interpreter: Interpreter) => void;
}

/** A deep sleep the firmware asked for. */
export interface SleepRecord {
  /** Virtual time it started, in ms. */
  at: number;
  /** Its length in ms (Infinity: until reset). */
  milliseconds: number;
}

/** How {@link EspruinoEnvironment.runFor} and {@link EspruinoEnvironment.runUntil} step. */
export interface RunOptions {
  /** Largest virtual step while sockets are open, in ms (default 10); with none open, time jumps to the next timer. */
  step?: number;
}

/** When {@link EspruinoEnvironment.runUntil} gives up. */
export interface RunUntilOptions extends RunOptions {
  /** Virtual ms from now (default 60000). */
  within?: number;
  /** Absolute virtual time in ms (overrides `within`). */
  until?: number;
}

/** One emulated board running Espruino (see the file comment for the time model). */
export class EspruinoEnvironment {
  readonly clock: VirtualClock;
  readonly board: Board;
  readonly storage: FlashStorage;
  readonly network: NetworkModel;
  readonly hardware: Hardware | undefined;
  /** console.log lines, oldest first (unless a `print` option took them). */
  readonly output: string[] = [];
  /** Every uncaught exception, top level and callbacks, oldest first. */
  readonly errors: unknown[] = [];
  /** Deep sleeps, oldest first. */
  readonly sleeps: SleepRecord[] = [];
  /** Real I/O in flight (see ./io.ts). */
  readonly io = new IoActivity();
  private readonly random: () => number;
  private readonly print: (line: string) => void;
  private readonly unixTimeAtZero: number;
  private readonly settleOptions: SettleOptions;
  private readonly onPowerOn: ((interpreter: Interpreter) => void) | undefined;
  private readonly memoryRefreshMs: number;
  private readonly keepScopes: boolean;
  /** The last program {@link runnable} transformed, and the result (a reboot runs the same .bootcde again). */
  private kept: { code: string; runnable: string } | null = null;
  private readonly scopes = new ScopeReader();
  private current: Interpreter;
  private powerOnAt = 0;
  private timeOffset = 0;
  private wakeTimer: number | null = null;
  private pendingReboot: number | null = null;

  constructor(options: EnvironmentOptions) {
    this.clock = options.clock;
    this.board = options.board;
    this.storage = options.storage ?? new FlashStorage(options.board.storageBytes);
    this.network = options.network ?? new NetworkModel();
    this.hardware = options.hardware;
    this.random = options.random ?? seededRandom();
    this.print = options.print ?? ((line) => this.output.push(line));
    this.unixTimeAtZero = options.unixTimeAtZero ?? DEFAULT_UNIX_TIME_AT_ZERO;
    this.settleOptions = options.settle ?? {};
    this.onPowerOn = options.onPowerOn;
    this.memoryRefreshMs = options.memoryRefreshMs ?? 0;
    this.keepScopes = options.keepScopes ?? false;
    this.current = this.powerOn(false);
  }

  /** The running interpreter (its realm, timers, modules). */
  get interpreter(): Interpreter {
    return this.current;
  }

  /** The realm's global object, to look at device state from a test. */
  get global(): Record<string, unknown> {
    return this.current.realm.global;
  }

  /** Whether the board is in deep sleep. */
  get asleep(): boolean {
    return this.current.stopped && this.pendingReboot === null;
  }

  /** Runs code in the emulated interpreter (like an upload / .bootcde at boot). Throws at top level like Espruino stops the upload. */
  run(code: string, filename?: string): unknown {
    try {
      return this.current.run(this.runnable(code), filename);
    } catch (error) {
      this.current.report(error);
      throw error;
    }
  }

  /**
   * Stores code as .bootcde (if given) and powers on again to run it, as a
   * flashed board does. A top-level exception is printed and recorded in
   * {@link errors}, as at power-on; it is not thrown.
   */
  boot(code?: string): void {
    if (code !== undefined && !this.storage.write(BOOT_FILE, code)) {
      throw new Error(`boot: ${code.length} bytes of code do not fit in the ${this.board.id} Storage area (${this.storage.free} bytes free)`);
    }
    this.reboot();
  }

  /** E.reboot(), watchdog, power loss: closes sockets, clears timers and watches, new realm, keeps Storage, runs .bootcde again. */
  reboot(): void {
    this.cancelPending();
    this.current.stop();
    this.hardware?.reset();
    this.current = this.powerOn(false);
  }

  /** Power cut: the interpreter stops where it is (sockets cut, timers gone, RAM lost); Storage stays. {@link reboot} powers on again. */
  powerOff(): void {
    this.cancelPending();
    this.current.stop();
    this.hardware?.reset();
  }

  /** Everything off: sockets closed, timers cleared (end of a test). */
  dispose(): void {
    this.cancelPending();
    this.current.stop();
    this.scopes.close();
  }

  /** Heap variables in use, estimated (process.memory().usage; see ./memory.ts). */
  get variablesUsed(): number {
    return estimateUsage(this.current, this.scopes);
  }

  /** Lets real I/O catch up at the current virtual time (see ./io.ts). */
  async settle(options?: SettleOptions): Promise<void> {
    await settle(this.clock, [this.io], { ...this.settleOptions, ...options });
  }

  /** Advances virtual time by `milliseconds`, settling real I/O between steps. */
  async runFor(milliseconds: number, options: RunOptions = {}): Promise<void> {
    const end = this.clock.now() + Math.max(0, milliseconds);
    await this.runUntil(() => false, { ...options, until: end });
  }

  /**
   * Advances virtual time until `condition()` holds (checked after every
   * step, with real I/O settled) or the time is up; returns whether it held.
   */
  async runUntil(condition: () => boolean, options: RunUntilOptions = {}): Promise<boolean> {
    const end = options.until ?? this.clock.now() + (options.within ?? 60_000);
    const step = options.step ?? 10;
    for (;;) {
      await this.settle();
      if (condition()) return true;
      const now = this.clock.now();
      if (now >= end) return false;
      let next = Math.min(end, now + step);
      if (this.io.openSockets === 0 && this.io.pending === 0) {
        const due = this.clock.nextDue();
        next = due === undefined ? end : Math.min(end, Math.max(due, now));
      }
      this.clock.advanceTo(next);
    }
  }

  private powerOn(woke: boolean): Interpreter {
    this.powerOnAt = this.clock.now();
    if (this.board.network === "wifi") this.timeOffset = 0;
    const interpreter: Interpreter = new Interpreter({
      board: this.board,
      clock: this.clock,
      storage: this.storage,
      network: this.network,
      random: this.random,
      io: this.io,
      sockets: () => SocketWorker.shared(),
      print: this.print,
      onUncaught: (error) => this.errors.push(error),
      now: () => this.unixNow(),
      setTime: (seconds) => {
        this.timeOffset += seconds * 1000 - this.unixNow();
      },
      reboot: () => this.rebootSoon(interpreter),
      deepSleep: (milliseconds) => this.deepSleep(interpreter, milliseconds),
      wokeFromDeepSleep: woke,
    });
    let station: Station | null = null;
    if (this.board.network === "wifi") {
      station = new Station(interpreter);
      interpreter.station = station;
    }
    let estimated = -1;
    let estimatedAt = 0;
    installGlobals(interpreter, {
      usage: () => {
        if (estimated < 0 || this.clock.now() - estimatedAt >= this.memoryRefreshMs) {
          estimated = estimateUsage(interpreter, this.scopes);
          estimatedAt = this.clock.now();
        }
        return estimated;
      },
    });
    const realm = interpreter.realm;
    this.hardware?.install({ clock: this.clock, board: this.board, defineGlobal: (name, value) => realm.defineGlobal(name, value), intrinsics: realm.intrinsics });
    realm.markBaseline();
    station?.restoreSaved();
    const code = this.storage.read(BOOT_FILE);
    if (code !== undefined) {
      interpreter.codeFromFlash = true;
      try {
        interpreter.run(this.runnable(code), BOOT_FILE);
      } catch (error) {
        interpreter.report(error);
      }
    }
    this.onPowerOn?.(interpreter);
    return interpreter;
  }

  /** The code to hand the interpreter for `code` (with whole scopes kept when asked). */
  private runnable(code: string): string {
    if (!this.keepScopes) return code;
    if (this.kept?.code !== code) this.kept = { code, runnable: keepScopes(code) };
    return this.kept.runnable;
  }

  private unixNow(): number {
    const base = this.board.network === "wifi" ? this.clock.now() - this.powerOnAt : this.unixTimeAtZero + this.clock.now();
    return base + this.timeOffset;
  }

  /** `E.reboot()` from device code: the interpreter stops now, powers on at the next idle loop. */
  private rebootSoon(interpreter: Interpreter): void {
    if (interpreter !== this.current || interpreter.stopped) return;
    const e = interpreter.realm.global["E"];
    if (typeof e === "object" && e !== null) interpreter.callListeners(e, "kill", []);
    interpreter.stop();
    this.pendingReboot = this.clock.setTimeout(() => {
      this.pendingReboot = null;
      this.reboot();
    }, 0);
  }

  private deepSleep(interpreter: Interpreter, milliseconds: number): void {
    if (interpreter !== this.current || interpreter.stopped) return;
    this.sleeps.push({ at: this.clock.now(), milliseconds });
    interpreter.stop();
    this.hardware?.reset();
    if (!Number.isFinite(milliseconds)) return;
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = null;
      this.hardware?.reset();
      this.current = this.powerOn(true);
    }, milliseconds);
  }

  private cancelPending(): void {
    if (this.wakeTimer !== null) this.clock.clear(this.wakeTimer);
    if (this.pendingReboot !== null) this.clock.clear(this.pendingReboot);
    this.wakeTimer = null;
    this.pendingReboot = null;
  }
}
