/**
 * Espruino's `require("Wifi")` on ESP32 and ESP8266 boards (the Linux build
 * has none: the OS brings the network up), over the node's
 * {@link NetworkModel}. Each port behaves as its own source does (Espruino
 * commit c5ff787b, 2026-08, and RELEASE_2V29); a join attempt takes the
 * network's `joinDelayMs`.
 *
 * ESP32, as released in 2v29 (libs/network/esp32/jswrap_esp32_network.c):
 *
 * - `connect(ssid, {password}, callback)`: on success `associated`
 *   ({ssid, mac, channel}), `callback(null)` (once, the only time it is
 *   called), `connected` ({ip, netmask, gw}). A failed attempt emits
 *   `disconnected` ({ssid, mac, reason "201", msg "NO_AP_FOUND"}; a wrong
 *   password "202" "AUTH_FAIL") and nothing else: the callback is not
 *   called, and the station does not try again.
 * - When the network drops: `disconnected` ({reason "200", msg
 *   "BEACON_TIMEOUT"}), every open socket fails, and the station stays off
 *   the network when it comes back: only a new `connect` rejoins. (Later
 *   masters retry a few times and call the callback with the error; not
 *   modelled.)
 *
 * ESP8266 (libs/network/esp8266/jswrap_esp8266_network.c, the NONOS SDK):
 *
 * - `connect`: on success `associated`, `callback(null)`, `connected`
 *   ({ip, mask, gw}). A failed attempt emits `disconnected` ({ssid, mac,
 *   reason "no_ap_found"} or "auth_fail": a name, no msg) and, the first
 *   time after a `connect` only, `callback("no_ap_found")` or
 *   `callback("bad_password")`; then the SDK tries again at once, forever:
 *   one `disconnected` per attempt, until the network answers.
 * - When the network drops: `disconnected` ({reason "beacon_timeout"}),
 *   sockets fail, and the SDK rejoins by itself (`disconnected` per failed
 *   attempt meanwhile, then `associated` and `connected`; no callback).
 *
 * Both:
 *
 * - `connect` again leaves the network first (sockets fail) and starts a new
 *   attempt, dropping one still under way.
 * - `disconnect(callback)` leaves (`disconnected` with ASSOC_LEAVE /
 *   "assoc_leave" when it was joined) and stops any attempt or retry.
 * - `save()` writes `.wificfg` to Storage; at power-on a saved station
 *   configuration joins by itself (`Wifi.restore` at boot).
 * - `getDetails`, `getIP` (callback `(null, info)`), `setHostname`,
 *   `getHostname`.
 */
import type { Interpreter, StationState } from "../interpreter.ts";
import { readCompactJson, writeCompactJson } from "./storage-json.ts";
import type { FlashStorage } from "./storage.ts";

const CONFIG_FILE = ".wificfg";

/**
 * Provisions a board as `Wifi.save()` would have: the station joins `ssid`
 * by itself at every power-on (for simulations of firmware that expects a
 * board set up once by hand).
 */
export function saveWifiConfig(storage: FlashStorage, ssid: string, password = ""): void {
  storage.write(CONFIG_FILE, writeCompactJson({ ssid, password, mode: 1 }));
}

/** Why a station left or could not join: [ESP32 reason code, ESP32 msg, ESP8266 reason name]. */
type Reason = readonly [string, string, string];
const NO_AP_FOUND: Reason = ["201", "NO_AP_FOUND", "no_ap_found"];
const AUTH_FAIL: Reason = ["202", "AUTH_FAIL", "auth_fail"];
const BEACON_TIMEOUT: Reason = ["200", "BEACON_TIMEOUT", "beacon_timeout"];
const ASSOC_LEAVE: Reason = ["8", "ASSOC_LEAVE", "assoc_leave"];

/** The WiFi station of one interpreter run, and the Wifi module object it emits on. */
export class Station implements StationState {
  /** Whether the station has an address (sockets can connect). */
  connected = false;
  readonly module: Record<string, unknown>;
  /** ESP8266: the SDK retries a failed join, and rejoins after a drop, by itself. */
  private readonly sdkRetries: boolean;
  private wanted: { ssid: string; password: string } | null = null;
  private callback: unknown = undefined;
  /** Counts `connect` and `disconnect` calls: an attempt begun before the latest one is void. */
  private generation = 0;
  private status = "NO_AP_FOUND";
  private hostname: string;

  constructor(private readonly interpreter: Interpreter) {
    this.sdkRetries = interpreter.board.id === "esp8266";
    this.hostname = interpreter.board.id === "esp32" ? "espressif" : "ESP_" + interpreter.options.network.mac.replace(/:/g, "").slice(-6).toUpperCase();
    this.module = this.createModule();
  }

  /** Joins by itself if Storage holds a saved station configuration (Espruino's boot-time `Wifi.restore`). */
  restoreSaved(): void {
    const saved = this.interpreter.options.storage.read(CONFIG_FILE);
    if (saved === undefined) return;
    try {
      const config = readCompactJson(saved) as { ssid?: unknown; password?: unknown; mode?: unknown; hostname?: unknown };
      if (typeof config.hostname === "string") this.hostname = config.hostname;
      if (typeof config.ssid === "string" && config.ssid !== "" && (Number(config.mode) & 1) === 1) {
        this.connect(config.ssid, typeof config.password === "string" ? config.password : "", undefined);
      }
    } catch {
      return;
    }
  }

  /** The network went down or came back: a joined station drops; only the ESP8266's SDK tries to rejoin (see the file comment). */
  networkChanged(up: boolean): void {
    if (up || !this.connected) return;
    this.connected = false;
    this.left(BEACON_TIMEOUT);
    if (this.sdkRetries) this.attempt();
  }

  private connect(ssid: string, password: string, callback: unknown): void {
    this.generation++;
    if (this.connected) {
      this.connected = false;
      this.interpreter.networkLost();
    }
    this.wanted = { ssid, password };
    this.callback = callback;
    this.attempt();
  }

  /** One join attempt of the current generation, answered after the network's join delay. */
  private attempt(): void {
    const generation = this.generation;
    const network = this.interpreter.options.network;
    this.interpreter.timers.defer(() => {
      const wanted = this.wanted;
      if (generation !== this.generation || wanted === null || this.connected) return;
      let failure: Reason | null = null;
      if (!network.up || wanted.ssid !== network.ssid) failure = NO_AP_FOUND;
      else if (network.password !== null && wanted.password !== network.password) failure = AUTH_FAIL;
      if (failure === null) {
        this.joined();
        return;
      }
      this.left(failure);
      if (!this.sdkRetries) return;
      const callback = this.callback;
      this.callback = undefined;
      this.answer(callback, [failure === AUTH_FAIL ? "bad_password" : failure[2]]);
      this.attempt();
    }, network.joinDelayMs);
  }

  private joined(): void {
    const network = this.interpreter.options.network;
    const realm = this.interpreter.realm;
    const callback = this.callback;
    this.callback = undefined;
    this.connected = true;
    this.status = "connected";
    this.emit("associated", realm.object({ ssid: network.ssid, mac: network.mac, channel: "1" }));
    this.answer(callback, [null]);
    this.emit("connected", realm.object(this.sdkRetries ? { ip: network.ip, mask: network.netmask, gw: network.gateway } : { ip: network.ip, netmask: network.netmask, gw: network.gateway }));
  }

  /** Emits `disconnected` for `reason`, in the port's own form. */
  private left(reason: Reason): void {
    const network = this.interpreter.options.network;
    const ssid = this.wanted?.ssid ?? network.ssid;
    this.status = this.sdkRetries ? reason[2] : reason[1];
    this.emit("disconnected", this.interpreter.realm.object(this.sdkRetries ? { ssid, mac: network.mac, reason: reason[2] } : { ssid, mac: network.mac, reason: reason[0], msg: reason[1] }));
  }

  private disconnect(callback: unknown): void {
    this.generation++;
    this.wanted = null;
    this.callback = undefined;
    if (this.connected) {
      this.connected = false;
      this.interpreter.networkLost();
      this.left(ASSOC_LEAVE);
    }
    if (typeof callback === "function") this.interpreter.timers.defer(() => this.interpreter.invoke(callback, undefined, []));
  }

  private emit(event: string, details: unknown): void {
    this.interpreter.timers.defer(() => this.interpreter.callListeners(this.module, event, [details]));
  }

  private answer(callback: unknown, args: unknown[]): void {
    if (typeof callback === "function") this.interpreter.timers.defer(() => this.interpreter.invoke(callback, undefined, args));
  }

  private createModule(): Record<string, unknown> {
    const realm = this.interpreter.realm;
    const network = this.interpreter.options.network;
    const details = (): Record<string, unknown> =>
      this.connected
        ? realm.object({ ssid: this.wanted?.ssid ?? network.ssid, password: this.wanted?.password ?? "", status: "connected", authMode: network.password === null ? "open" : "wpa2", rssi: network.rssi })
        : realm.object({ status: this.status });
    const ipInfo = (): Record<string, unknown> =>
      realm.object({ ip: this.connected ? network.ip : "0.0.0.0", netmask: this.connected ? network.netmask : "0.0.0.0", gw: this.connected ? network.gateway : "0.0.0.0", mac: network.mac });
    return realm.object({
      connect: realm.bridge((args) => {
        if (typeof args[0] !== "string") throw realm.error("No SSID provided");
        const options = (args[1] ?? {}) as { password?: unknown };
        this.connect(args[0], typeof options.password === "string" ? options.password : "", args[2]);
      }),
      disconnect: realm.bridge((args) => this.disconnect(args[0])),
      getDetails: realm.bridge((args) => {
        const result = details();
        this.answer(args[0], [result]);
        return result;
      }),
      getIP: realm.bridge((args) => {
        const result = ipInfo();
        this.answer(args[0], [null, result]);
        return result;
      }),
      getHostname: realm.bridge((args) => {
        this.answer(args[0], [this.hostname]);
        return this.hostname;
      }),
      setHostname: realm.bridge((args) => {
        this.hostname = String(args[0]);
        this.answer(args[1], []);
      }),
      save: realm.bridge((args) => {
        const storage = this.interpreter.options.storage;
        if (args[0] === "clear") storage.erase(CONFIG_FILE);
        else storage.write(CONFIG_FILE, writeCompactJson({ ssid: this.wanted?.ssid ?? "", password: this.wanted?.password ?? "", mode: this.wanted === null ? 0 : 1, hostname: this.hostname }));
      }),
    });
  }
}
