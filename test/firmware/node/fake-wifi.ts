/**
 * A fake `require("Wifi")` for the node application's tests, on a manual
 * clock, behaving as one of Espruino's ports does (the emulator's
 * sim/espruino/modules/wifi.ts has the sources):
 *
 * - `"esp32"` (2v29): a failed attempt emits `disconnected` only (the
 *   callback is never called with an error, no retry); a drop emits
 *   `disconnected` and it never rejoins by itself.
 * - `"esp8266"` (the SDK): a failed attempt emits `disconnected`, calls the
 *   callback with "no_ap_found" the first time after a `connect`, and tries
 *   again at once; after a drop it retries the same way and rejoins by
 *   itself.
 *
 * An attempt takes `joinDelay` ms and succeeds when the access point is up.
 * Events are emitted from a timer, as Espruino does, with details as the
 * ports give them (`connected` carries `ip`, `disconnected` a `reason`).
 */
import type { NodeWifi } from "../../../firmware/node/platform.ts";

export type WifiPort = "esp32" | "esp8266";

interface FakeClock {
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): unknown;
}

export class FakeWifi implements NodeWifi {
  /** Every `connect` call. */
  readonly calls: { at: number; ssid: string; options: { password?: string } }[] = [];
  /** When `disconnect` was called. */
  readonly disconnects: number[] = [];
  /** Every event emitted and callback answer, as "<ms> <name>". */
  readonly log: string[] = [];
  /** Times `connect` was called while the firmware's previous `connect` was still pending (no answer, no join, no `disconnect` since). */
  readonly overlaps: number[] = [];
  /** Whether the station has an address. */
  joined = false;
  private pending = false;
  private generation = 0;
  private callback: ((error: string | null) => void) | undefined;
  private readonly listeners: { [event: string]: ((details: { ip?: string; reason?: string }) => void)[] } = { connected: [], disconnected: [] };

  /** When set, the first `connect`'s callback also gets "connect_failed" this many ms after the call, whatever happened since: a stale answer. */
  lateError: number | null = null;

  constructor(private readonly clock: FakeClock, readonly port: WifiPort, private up = true, readonly joinDelay = 1500) {}

  connect(ssid: string, options: { password?: string }, callback: (error: string | null) => void): void {
    const now = this.clock.now();
    this.calls.push({ at: now, ssid, options });
    if (this.pending) this.overlaps.push(now);
    this.pending = true;
    this.generation++;
    this.joined = false;
    this.callback = callback;
    this.attempt();
    if (this.lateError !== null && this.calls.length == 1) this.clock.setTimeout(() => this.answer(callback, "connect_failed"), this.lateError);
  }

  disconnect(): void {
    this.disconnects.push(this.clock.now());
    this.generation++;
    this.pending = false;
    this.callback = undefined;
    if (this.joined) {
      this.joined = false;
      this.emit("disconnected");
    }
  }

  on(event: "connected" | "disconnected", listener: (details: { ip?: string }) => void): void {
    this.listeners[event]!.push(listener);
  }

  /** The access point goes away (a joined station drops) or comes back. */
  setUp(up: boolean): void {
    this.up = up;
    if (up || !this.joined) return;
    this.joined = false;
    this.emit("disconnected");
    if (this.port == "esp8266") this.attempt();
  }

  /** How many `disconnected` events were emitted. */
  get disconnectedEvents(): number {
    return this.log.filter((line) => line.endsWith(" disconnected")).length;
  }

  private attempt(): void {
    const generation = this.generation;
    this.clock.setTimeout(() => {
      if (generation != this.generation || this.joined) return;
      const callback = this.callback;
      if (this.up) {
        this.joined = true;
        this.pending = false;
        this.callback = undefined;
        this.answer(callback, null);
        this.emit("connected");
        return;
      }
      this.emit("disconnected");
      if (this.port == "esp32") return;
      this.callback = undefined;
      if (callback) this.pending = false;
      this.answer(callback, "no_ap_found");
      if (generation == this.generation) this.attempt();
    }, this.joinDelay);
  }

  private answer(callback: ((error: string | null) => void) | undefined, error: string | null): void {
    if (!callback) return;
    this.log.push(`${this.clock.now()} callback ${error}`);
    callback(error);
  }

  private emit(event: string): void {
    this.clock.setTimeout(() => {
      this.log.push(`${this.clock.now()} ${event}`);
      for (const listener of this.listeners[event]!) listener(event == "connected" ? { ip: "192.168.1.50" } : { reason: this.port == "esp32" ? "201" : "no_ap_found" });
    }, 0);
  }
}
