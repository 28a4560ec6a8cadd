/**
 * Real TCP/TLS sockets for the emulated interpreter, held in one worker
 * thread shared by every environment of the process.
 *
 * Why a worker: Espruino's Linux build learns that a connection was refused
 * (or a host name does not resolve) inside `net.connect`, and throws there.
 * Node only ever reports that asynchronously. The main thread posts the
 * connect to the worker and blocks (Atomics.wait, bounded) until the worker
 * knows whether the TCP connection was made; the socket then stays in the
 * worker and its traffic travels as messages, which arrive on the main
 * event loop like socket events would. A server in the main thread (a test
 * broker) still accepts: the kernel completes the handshake meanwhile.
 *
 * The worker is unref'd, so it never keeps a process alive.
 */
import { Worker } from "node:worker_threads";

/** What the synchronous part of a connect found. */
export type OpenStatus = "connected" | "refused" | "not-found" | "failed" | "pending";

/** Events of one worker socket. */
export interface WorkerSocketEvents {
  /** TCP connected (and, for TLS, the handshake done). */
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  /** `bytes` were handed to the kernel. */
  onWritten(bytes: number): void;
  /** The other side ended the connection. */
  onEnd(): void;
  /** `code` is Node's error code (ECONNREFUSED, ECONNRESET, …) or "TLS" for a failed handshake. */
  onError(code: string, message: string): void;
  onClose(): void;
}

/** Where and how to connect. */
export interface OpenRequest {
  host: string;
  port: number;
  /** TLS options (PEM strings), or null for plain TCP. */
  tls: { ca?: string; key?: string; cert?: string; servername?: string } | null;
  /** Real milliseconds to block for the connect result (then it goes on asynchronously). */
  waitMs: number;
}

const STATUS: Record<number, OpenStatus> = { 0: "pending", 1: "connected", 2: "refused", 3: "not-found", 4: "failed" };

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const net = require("node:net");
const tls = require("node:tls");
const sockets = new Map();
function post(message) { parentPort.postMessage(message); }
function settle(flags, value) {
  if (Atomics.load(flags, 0) !== 0) return;
  Atomics.store(flags, 0, value);
  Atomics.notify(flags, 0);
}
function wire(id, socket) {
  sockets.set(id, socket);
  socket.on("data", (chunk) => post({ event: "data", id, data: new Uint8Array(chunk) }));
  socket.on("end", () => post({ event: "end", id }));
  socket.on("close", () => { sockets.delete(id); post({ event: "close", id }); });
}
function open(message) {
  const flags = new Int32Array(message.flags);
  const raw = net.connect({ host: message.host, port: message.port });
  raw.setNoDelay(true);
  sockets.set(message.id, raw);
  raw.once("error", (error) => {
    const code = error.code || "EUNKNOWN";
    settle(flags, code === "ECONNREFUSED" ? 2 : code === "ENOTFOUND" || code === "EAI_AGAIN" ? 3 : 4);
    post({ event: "error", id: message.id, code, message: String(error.message) });
  });
  raw.once("connect", () => {
    settle(flags, 1);
    if (!message.tls) { wire(message.id, raw); post({ event: "open", id: message.id }); return; }
    const options = Object.assign({ socket: raw, rejectUnauthorized: message.tls.ca !== undefined }, message.tls);
    if (options.servername === undefined && net.isIP(message.host) === 0) options.servername = message.host;
    const secure = tls.connect(options);
    secure.once("secureConnect", () => post({ event: "open", id: message.id }));
    secure.on("error", (error) => post({ event: "error", id: message.id, code: "TLS", message: String(error.message) }));
    wire(message.id, secure);
  });
  raw.on("close", () => { if (sockets.get(message.id) === raw) { sockets.delete(message.id); post({ event: "close", id: message.id }); } });
}
parentPort.on("message", (message) => {
  if (message.op === "open") { open(message); return; }
  const socket = sockets.get(message.id);
  if (!socket) return;
  if (message.op === "write") socket.write(Buffer.from(message.data), () => post({ event: "written", id: message.id, bytes: message.data.length }));
  else if (message.op === "end") { socket.end(); socket.setTimeout(3000, () => socket.destroy()); }
  else if (message.op === "destroy") { socket.destroy(); sockets.delete(message.id); }
});
`;

type WorkerMessage =
  | { event: "open" | "end" | "close"; id: number }
  | { event: "data"; id: number; data: Uint8Array }
  | { event: "written"; id: number; bytes: number }
  | { event: "error"; id: number; code: string; message: string };

/** The process-wide socket worker (see the file comment). */
export class SocketWorker {
  private static instance: SocketWorker | undefined;
  private readonly worker: Worker;
  private readonly sockets = new Map<number, WorkerSocketEvents>();
  private nextId = 1;

  /** The shared worker, started on first use. */
  static shared(): SocketWorker {
    SocketWorker.instance ??= new SocketWorker();
    return SocketWorker.instance;
  }

  private constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    this.worker.on("message", (message: WorkerMessage) => this.dispatch(message));
    // After the listener: adding a message listener refs the worker again.
    this.worker.unref();
  }

  /** Starts a connection; blocks up to `waitMs` for the TCP result. Returns the socket id and what is known. */
  open(request: OpenRequest, events: WorkerSocketEvents): { id: number; status: OpenStatus } {
    const id = this.nextId++;
    const flags = new Int32Array(new SharedArrayBuffer(4));
    this.sockets.set(id, events);
    this.worker.postMessage({ op: "open", id, host: request.host, port: request.port, tls: request.tls, flags: flags.buffer });
    Atomics.wait(flags, 0, 0, request.waitMs);
    return { id, status: STATUS[Atomics.load(flags, 0)] ?? "pending" };
  }

  /** Sends bytes (copied). */
  write(id: number, bytes: Uint8Array): void {
    this.worker.postMessage({ op: "write", id, data: bytes });
  }

  /** Closes after what was written (FIN) and forgets the socket: no more events. */
  end(id: number): void {
    this.sockets.delete(id);
    this.worker.postMessage({ op: "end", id });
  }

  /** Closes at once and forgets the socket: no more events. */
  destroy(id: number): void {
    this.sockets.delete(id);
    this.worker.postMessage({ op: "destroy", id });
  }

  private dispatch(message: WorkerMessage): void {
    const events = this.sockets.get(message.id);
    if (events === undefined) return;
    switch (message.event) {
      case "open":
        events.onOpen();
        break;
      case "data":
        events.onData(message.data);
        break;
      case "written":
        events.onWritten(message.bytes);
        break;
      case "end":
        events.onEnd();
        break;
      case "error":
        events.onError(message.code, message.message);
        break;
      case "close":
        this.sockets.delete(message.id);
        events.onClose();
        break;
    }
  }
}
