/**
 * The network a node sits on, as the emulated interpreter sees it: the WiFi
 * access point (SSID, password, signal), the address it hands out, whether
 * it is up, and where connections really go. Tests drop and restore it to
 * see what the firmware does without a network; `route` sends the node's
 * broker address (`192.168.1.10:1883` in its description) to a real server
 * on loopback.
 *
 * On a `"wifi"` board a socket can connect once the firmware joined the
 * access point (Espruino's `Wifi.connect`) and while the network is up; on
 * a `"preconfigured"` board (Linux) while it is up.
 */

/** Where a connection really goes. */
export interface Endpoint {
  host: string;
  port: number;
}

/** Settings of a {@link NetworkModel}; every field has a default. */
export interface NetworkOptions {
  /** SSID of the access point (default "mote-net"). */
  ssid?: string;
  /** WPA password, or null for an open network (default null: any password joins). */
  password?: string | null;
  /** Address the node gets (default "192.168.1.50"). */
  ip?: string;
  netmask?: string;
  gateway?: string;
  /** Station MAC address (default "24:0a:c4:00:00:01"). */
  mac?: string;
  /** Signal strength in dBm (default -60). */
  rssi?: number;
  /** Virtual milliseconds one join attempt takes, from `Wifi.connect` to an address or a failure (default 1500). */
  joinDelayMs?: number;
  /** Virtual milliseconds added before received data is delivered (default 0). */
  latencyMs?: number;
  /** Up to this many more virtual milliseconds, at random, on each delivery (default 0). */
  jitterMs?: number;
  /** Most bytes per `data` event and per write pumped to the server (default 536, Espruino's; lower splits packets finer). */
  chunkBytes?: number;
  /** Whether the network starts up (default true). */
  up?: boolean;
}

/** Sees every socket's bytes (binary strings) as the device sends and receives them; `socket` is unique in the process. */
export interface NetworkTap {
  /** Bytes the device handed to the server (when they go out). */
  sent(socket: number, data: string): void;
  /** Bytes that came in from the server (as they arrive, before any added latency). */
  arrived?(socket: number, data: string): void;
  /** Bytes delivered to the device (a `data` event, after any added latency). */
  received(socket: number, data: string): void;
  /** The socket closed (its streams are over). */
  closed(socket: number): void;
}

/** Called with the new state when the network drops or comes back. */
export type NetworkListener = (up: boolean) => void;

/** The network of one node (or several sharing an access point); see the file comment. */
export class NetworkModel {
  ssid: string;
  password: string | null;
  ip: string;
  netmask: string;
  gateway: string;
  mac: string;
  rssi: number;
  joinDelayMs: number;
  latencyMs: number;
  jitterMs: number;
  chunkBytes: number;
  /** Sees the bytes of every socket on this network (null: nothing watches). */
  tap: NetworkTap | null = null;
  private isUp: boolean;
  private readonly listeners = new Set<NetworkListener>();
  private readonly routes = new Map<string, Endpoint>();

  constructor(options: NetworkOptions = {}) {
    this.ssid = options.ssid ?? "mote-net";
    this.password = options.password ?? null;
    this.ip = options.ip ?? "192.168.1.50";
    this.netmask = options.netmask ?? "255.255.255.0";
    this.gateway = options.gateway ?? "192.168.1.1";
    this.mac = options.mac ?? "24:0a:c4:00:00:01";
    this.rssi = options.rssi ?? -60;
    this.joinDelayMs = options.joinDelayMs ?? 1500;
    this.latencyMs = options.latencyMs ?? 0;
    this.jitterMs = options.jitterMs ?? 0;
    this.chunkBytes = options.chunkBytes ?? 536;
    this.isUp = options.up ?? true;
  }

  /** Whether the network (the access point, or the host's network on Linux) is reachable. */
  get up(): boolean {
    return this.isUp;
  }

  /** The access point disappears: stations drop, open sockets fail, connects fail. */
  drop(): void {
    if (!this.isUp) return;
    this.isUp = false;
    for (const listener of [...this.listeners]) listener(false);
  }

  /** The access point is back (an ESP8266 station that wanted it rejoins by itself; an ESP32 one waits for `Wifi.connect`). */
  restore(): void {
    if (this.isUp) return;
    this.isUp = true;
    for (const listener of [...this.listeners]) listener(true);
  }

  /** Calls `listener` on every drop and restore; returns the unsubscribe function. */
  subscribe(listener: NetworkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends connections to `host:port` to `target` instead (a broker on loopback). */
  route(host: string, port: number, target: Endpoint): void {
    this.routes.set(`${host}:${port}`, { host: target.host, port: target.port });
  }

  /** Where a connection to `host:port` really goes (itself unless routed). */
  resolve(host: string, port: number): Endpoint {
    return this.routes.get(`${host}:${port}`) ?? { host, port };
  }
}
