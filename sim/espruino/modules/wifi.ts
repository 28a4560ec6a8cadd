/**
 * Espruino's `require("Wifi")` on ESP32 and ESP8266 boards (the Linux build
 * has none: the OS brings the network up), over the node's
 * {@link NetworkModel}. Semantics, from libs/network/esp32/jswrap_esp32_network.c:
 *
 * - `connect(ssid, {password}, callback)`: after the network's join delay,
 *   `associated` ({ssid, mac, channel}), then `callback(null)`, then
 *   `connected` ({ip, netmask, gw}). A wrong SSID or a network that is down
 *   gives `disconnected` ({reason "201", msg "NO_AP_FOUND"}) and
 *   `callback("NO_AP_FOUND")`; a wrong password "AUTH_FAIL" (202).
 * - When the network drops: `disconnected` ({reason "200", msg
 *   "BEACON_TIMEOUT"}), and every open socket fails. While the station
 *   still wants the network it rejoins when the network comes back, as the
 *   ESP SDKs do on their own.
 * - `disconnect(callback)` leaves (`ASSOC_LEAVE`) and stops rejoining.
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

/** The WiFi station of one interpreter run, and the Wifi module object it emits on. */
export class Station implements StationState {
  /** Whether the station has an address (sockets can connect). */
  connected = false;
  readonly module: Record<string, unknown>;
  private wanted: { ssid: string; password: string } | null = null;
  private callback: unknown = undefined;
  private joining = false;
  private status = "NO_AP_FOUND";
  private hostname: string;

  constructor(private readonly interpreter: Interpreter) {
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

  /** The network went down or came back. */
  networkChanged(up: boolean): void {
    if (!up && this.connected) {
      this.connected = false;
      this.status = "BEACON_TIMEOUT";
      this.emit("disconnected", this.disconnectDetails("200", "BEACON_TIMEOUT"));
    }
    if (up && this.wanted !== null && !this.connected) this.join();
  }

  private connect(ssid: string, password: string, callback: unknown): void {
    if (this.connected) {
      this.connected = false;
      this.interpreter.networkLost();
    }
    this.wanted = { ssid, password };
    this.callback = callback;
    this.join();
  }

  private join(): void {
    if (this.joining) return;
    this.joining = true;
    const network = this.interpreter.options.network;
    this.interpreter.timers.defer(() => {
      this.joining = false;
      const wanted = this.wanted;
      if (wanted === null || this.connected) return;
      const callback = this.callback;
      this.callback = undefined;
      let failure: [string, string] | null = null;
      if (!network.up || wanted.ssid !== network.ssid) failure = ["201", "NO_AP_FOUND"];
      else if (network.password !== null && wanted.password !== network.password) failure = ["202", "AUTH_FAIL"];
      if (failure !== null) {
        this.status = failure[1];
        this.emit("disconnected", this.disconnectDetails(failure[0], failure[1]));
        this.answer(callback, [failure[1]]);
        return;
      }
      this.connected = true;
      this.status = "connected";
      const realm = this.interpreter.realm;
      this.emit("associated", realm.object({ ssid: network.ssid, mac: network.mac, channel: "1" }));
      this.answer(callback, [null]);
      this.emit("connected", realm.object({ ip: network.ip, netmask: network.netmask, gw: network.gateway }));
    }, network.joinDelayMs);
  }

  private disconnect(callback: unknown): void {
    this.wanted = null;
    if (this.connected) {
      this.connected = false;
      this.status = "ASSOC_LEAVE";
      this.interpreter.networkLost();
      this.emit("disconnected", this.disconnectDetails("8", "ASSOC_LEAVE"));
    }
    if (typeof callback === "function") this.interpreter.timers.defer(() => this.interpreter.invoke(callback, undefined, []));
  }

  private disconnectDetails(reason: string, message: string): Record<string, unknown> {
    const network = this.interpreter.options.network;
    return this.interpreter.realm.object({ ssid: this.wanted?.ssid ?? network.ssid, mac: network.mac, reason, msg: message });
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
