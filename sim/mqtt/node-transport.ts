/**
 * The MQTT client's Transport and Clock on Node.js: real `net`/`tls` sockets
 * and real timers, for host tools, tests and the benchmark. The device
 * bundle uses firmware/mqtt/espruino-transport.ts instead.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type { Clock, Transport, TransportEvents } from "../../firmware/mqtt/transport.ts";

const NO_EVENTS: TransportEvents = { onOpen() {}, onData() {}, onDrain() {}, onClose() {} };

/** A Transport over one Node socket at a time. */
export class NodeTransport implements Transport {
  events: TransportEvents = NO_EVENTS;
  private socket: net.Socket | null = null;

  /** @param secure use TLS (`tlsOptions` go to `tls.connect`). */
  constructor(
    private readonly secure = false,
    private readonly tlsOptions: tls.ConnectionOptions = {},
  ) {}

  open(host: string, port: number): void {
    this.close();
    const socket = this.secure ? tls.connect({ ...this.tlsOptions, host, port }) : net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const current = () => this.socket === socket;
    socket.once(this.secure ? "secureConnect" : "connect", () => current() && this.events.onOpen());
    socket.on("data", (chunk: Buffer) => current() && this.events.onData(chunk.toString("latin1")));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      if (!current()) return;
      this.socket = null;
      this.events.onClose();
    });
  }

  send(buffer: Uint8Array, start: number, end: number): void {
    this.write(Buffer.from(buffer.subarray(start, end)));
  }

  sendString(data: string): void {
    this.write(Buffer.from(data, "latin1"));
  }

  private write(bytes: Buffer): void {
    const socket = this.socket;
    if (!socket) return;
    // Node emits `drain` only after write() returned false (16 KiB queued by
    // default); the client bounds its queue far below that, so report each
    // time the socket has written everything out.
    socket.write(bytes, () => {
      if (this.socket === socket && socket.writableLength === 0) this.events.onDrain();
    });
  }

  pending(): number {
    return this.socket?.writableLength ?? 0;
  }

  close(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.end(() => socket.destroy());
  }

  /** Destroys the socket without a FIN or DISCONNECT, as a crash or a pulled cable would (tests). */
  destroy(): void {
    this.socket?.destroy();
  }
}

/** Node's clock: performance.now() and real timers. */
export const nodeClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
