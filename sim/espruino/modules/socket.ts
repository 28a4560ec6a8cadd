/**
 * An Espruino client socket (`net.connect` / `tls.connect`) over a real
 * socket in the {@link SocketWorker}, with the semantics of Espruino's
 * libs/network/socketserver.c:
 *
 * - `write(x)` queues `String(x)` unless `x` is a string (a Uint8Array
 *   `[48,5,0]` goes out as the text `48,5,0`); strings go out one byte per
 *   char (UTF-8 if a char is above 255). It returns false, as Espruino's does.
 * - The queue goes out at most 536 bytes per idle loop (one loop per virtual
 *   millisecond while there is more); `drain` follows when it is empty, and
 *   also right after `connect` when nothing was queued.
 * - `data` delivers binary strings in randomly sized chunks (seeded, at most
 *   536 bytes), which may split one arrival or join several.
 * - Closing: on an error `error` ({code, message}, Espruino's codes) then
 *   `end` then `close(true)`; on a normal close `end` then `close(false)`.
 *   `end()` closes once the queue is sent.
 * - Refused connections: the Linux board throws `InternalError: Unable to
 *   create socket` from `connect`; boards emit `error` -9. An unknown host
 *   name throws `Unable to locate host` everywhere. With the network down,
 *   Linux throws and boards emit `error` -4 (no route); a network that drops
 *   fails every open socket with -9 (connection reset).
 *
 * Every event reaches device code through the interpreter's timers, at the
 * current virtual time (plus the network's latency for data). `connect`
 * blocks the host for the TCP result only where Espruino learns it inside
 * the call (Linux; a host name to resolve); a board connecting to an address
 * does not block (a thousand nodes connect at once in a fleet) and holds
 * virtual time until the result arrives, for at most the same wait.
 */
import { isIP } from "node:net";
import { bytesToBinary, toWireString } from "../binary.ts";
import type { Interpreter } from "../interpreter.ts";
import type { OpenRequest, WorkerSocketEvents } from "./socket-worker.ts";

/** Espruino's socket error codes and messages (libs/network/socketerrors.c). */
export const SOCKET_ERRORS: Readonly<Record<number, string>> = {
  [-2]: "out of memory", [-3]: "timeout", [-4]: "no route", [-5]: "busy", [-6]: "not found",
  [-7]: "max sockets", [-8]: "unsent data", [-9]: "connection reset", [-10]: "unknown error",
  [-11]: "no connection", [-12]: "bad argument", [-13]: "SSL handshake failed", [-14]: "invalid SSL data", [-15]: "no response",
};

/** Most bytes Espruino moves per socket per idle loop. */
export const CHUNK_BYTES = 536;
/** Real milliseconds `connect` blocks for the TCP result (after that it goes on asynchronously). */
const CONNECT_WAIT_MS = 2000;
/** Bytes handed to the kernel and not yet confirmed before the queue waits. */
const IN_FLIGHT_LIMIT = 65536;

function errorCodeOf(nodeCode: string): number {
  if (nodeCode === "TLS") return -13;
  if (nodeCode === "ECONNREFUSED" || nodeCode === "ECONNRESET" || nodeCode === "EPIPE") return -9;
  if (nodeCode === "ETIMEDOUT") return -3;
  if (nodeCode === "EHOSTUNREACH" || nodeCode === "ENETUNREACH") return -4;
  if (nodeCode === "ENOTFOUND" || nodeCode === "EAI_AGAIN") return -6;
  return -10;
}

/** Where a socket goes, as device code asked. */
export interface SocketTarget {
  host: string;
  port: number;
  tls: OpenRequest["tls"];
}

type State = "connecting" | "open" | "closed";

/** One device socket; its realm object is {@link EmulatedSocket.object}. */
export class EmulatedSocket implements WorkerSocketEvents {
  private state: State = "connecting";
  private id = 0;
  /** The worker id for the network's tap (kept after the socket is detached; 0 once the tap was told it closed). */
  private tapId = 0;
  private sendQueue = "";
  private received = "";
  private readable = "";
  private pumping = false;
  private receiving = false;
  private wantClose = false;
  private pendingClose: number | null | undefined = undefined;
  private inFlightBytes = 0;
  private ioHeld = 0;
  private release: () => void = () => {};

  constructor(
    private readonly interpreter: Interpreter,
    readonly object: Record<string, unknown>,
  ) {}

  /** Connects as `net.connect` does; throws a realm error where Espruino throws. */
  start(target: SocketTarget): void {
    const interpreter = this.interpreter;
    const linux = interpreter.board.network === "preconfigured";
    if (interpreter.stopped) {
      this.state = "closed";
      return;
    }
    if (!interpreter.networkReady()) {
      if (linux) throw interpreter.realm.error("Unable to create socket", "InternalError");
      this.release = interpreter.track(this);
      this.closeSoon(-4);
      return;
    }
    const destination = interpreter.options.network.resolve(target.host, target.port);
    this.hold();
    interpreter.options.io.openSockets++;
    // Only where the result must be known inside connect() (Linux throws on refusal; a host name that does not resolve throws everywhere) does it block.
    const blocking = linux || isIP(destination.host) === 0;
    const opened = interpreter.options.sockets().open({ host: destination.host, port: destination.port, tls: target.tls, waitMs: blocking ? CONNECT_WAIT_MS : 0 }, this);
    this.id = opened.id;
    this.tapId = opened.id;
    if (opened.status === "not-found" || (opened.status === "refused" && linux)) {
      this.discard();
      if (opened.status === "refused") interpreter.print("ERROR: Connect failed (err 111)");
      throw interpreter.realm.error(opened.status === "refused" ? "Unable to create socket" : "Unable to locate host", "InternalError");
    }
    // A connect still unanswered after the wait (a host that does not reply) stops holding virtual time.
    if (opened.status === "pending" && blocking) this.unhold();
    else if (opened.status === "pending") {
      const held = this.ioHeld;
      setTimeout(() => {
        if (this.state === "connecting" && this.ioHeld === held) this.unhold();
      }, CONNECT_WAIT_MS).unref();
    }
    this.release = interpreter.track(this);
  }

  /** Device `write(data)`. */
  write(data: unknown): boolean {
    if (this.state === "closed" || this.wantClose) return false;
    this.sendQueue += typeof data === "string" ? toWireString(data) : toWireString(String(data));
    if (this.state === "open") this.schedulePump(0);
    return false;
  }

  /** Device `end()`: close once everything queued is sent. */
  end(): void {
    if (this.state === "closed" || this.wantClose) return;
    this.wantClose = true;
    if (this.state === "connecting") this.closeSoon(null);
    else if (this.sendQueue === "") this.finishWriting();
  }

  /** Device `available()` / `read(n)`: data that arrived while nothing listened. */
  available(): number {
    return this.readable.length;
  }

  read(count: unknown): string {
    const length = count === undefined || Number(count) <= 0 ? this.readable.length : Number(count);
    const result = this.readable.slice(0, length);
    this.readable = this.readable.slice(length);
    return result;
  }

  /** Cut silently (the interpreter stopped). */
  kill(): void {
    this.discard();
    this.state = "closed";
    this.tapClosed();
  }

  /** The network dropped under the socket. */
  networkDown(): void {
    if (this.state === "closed") return;
    this.received = "";
    this.discard();
    this.closeSoon(-9);
  }

  onOpen(): void {
    this.unhold();
    this.interpreter.timers.defer(() => {
      if (this.state !== "connecting") return;
      this.state = "open";
      const nothingQueued = this.sendQueue === "" && !this.wantClose;
      this.interpreter.callListeners(this.object, "connect", [this.object]);
      if (nothingQueued) this.interpreter.callListeners(this.object, "drain", [this.object]);
      if (this.sendQueue !== "") this.schedulePump(0);
      else if (this.wantClose) this.finishWriting();
    });
  }

  onData(bytes: Uint8Array): void {
    this.interpreter.options.io.touch();
    if (this.state === "closed") return;
    const binary = bytesToBinary(bytes);
    if (this.tapId !== 0) this.interpreter.options.network.tap?.arrived?.(this.tapId, binary);
    this.received += binary;
    if (!this.receiving) {
      this.receiving = true;
      const network = this.interpreter.options.network;
      const delay = network.latencyMs + (network.jitterMs > 0 ? Math.floor(this.interpreter.options.random() * (network.jitterMs + 1)) : 0);
      this.interpreter.timers.defer(() => this.deliverChunk(), delay);
    }
  }

  onWritten(bytes: number): void {
    this.inFlightBytes -= bytes;
    this.unhold();
    if (this.state === "open" && this.sendQueue !== "" && !this.pumping) this.schedulePump(0);
  }

  onEnd(): void {
    this.interpreter.options.io.touch();
    this.closeAfterReceive(this.sendQueue === "" ? null : -8);
  }

  onError(code: string): void {
    this.interpreter.options.io.touch();
    this.closeAfterReceive(errorCodeOf(code));
  }

  onClose(): void {
    this.interpreter.options.io.touch();
    this.closeAfterReceive(null);
  }

  private deliverChunk(): void {
    if (this.state === "closed" || this.received === "") {
      this.receiving = false;
      return;
    }
    const network = this.interpreter.options.network;
    const limit = Math.min(this.received.length, CHUNK_BYTES, Math.max(1, network.chunkBytes));
    const random = this.interpreter.options.random;
    const size = random() < 0.25 ? limit : 1 + Math.floor(random() * limit);
    const chunk = this.received.slice(0, size);
    this.received = this.received.slice(size);
    if (this.tapId !== 0) network.tap?.received(this.tapId, chunk);
    if (!this.interpreter.callListeners(this.object, "data", [chunk])) this.readable += chunk;
    if (this.received !== "") {
      this.interpreter.timers.defer(() => this.deliverChunk());
      return;
    }
    this.receiving = false;
    if (this.pendingClose !== undefined) this.closeSoon(this.pendingClose);
  }

  private closeAfterReceive(code: number | null): void {
    if (this.state === "closed" || this.pendingClose !== undefined) return;
    this.discard();
    if (this.receiving) this.pendingClose = code;
    else this.closeSoon(code);
  }

  private schedulePump(delay: number): void {
    if (this.pumping) return;
    this.pumping = true;
    this.interpreter.timers.defer(() => this.pump(), delay);
  }

  private pump(): void {
    this.pumping = false;
    if (this.state !== "open" || this.sendQueue === "") return;
    if (this.inFlightBytes > IN_FLIGHT_LIMIT) return;
    const network = this.interpreter.options.network;
    const chunk = this.sendQueue.slice(0, Math.min(CHUNK_BYTES, Math.max(1, network.chunkBytes)));
    network.tap?.sent(this.tapId, chunk);
    this.sendQueue = this.sendQueue.slice(chunk.length);
    this.inFlightBytes += chunk.length;
    this.hold();
    this.interpreter.options.sockets().write(this.id, Uint8Array.from(chunk, (char) => char.charCodeAt(0)));
    if (this.sendQueue !== "") this.schedulePump(1);
    else if (this.wantClose) this.finishWriting();
    else this.interpreter.callListeners(this.object, "drain", [this.object]);
  }

  private finishWriting(): void {
    this.detach(true);
    this.closeSoon(null);
  }

  /** Queues Espruino's closing events for the next idle loop. */
  private closeSoon(code: number | null): void {
    this.interpreter.timers.defer(() => {
      if (this.state === "closed") return;
      this.state = "closed";
      this.discard();
      this.release();
      this.tapClosed();
      const realm = this.interpreter.realm;
      if (code !== null) this.interpreter.callListeners(this.object, "error", [realm.object({ code, message: SOCKET_ERRORS[code] ?? "unknown error" })]);
      this.interpreter.callListeners(this.object, "end", []);
      this.interpreter.callListeners(this.object, "close", [code !== null]);
    });
  }

  /** Lets go of the real socket and of every I/O this socket was waiting for. */
  private discard(): void {
    this.detach(false);
    while (this.ioHeld > 0) this.unhold();
    this.sendQueue = "";
  }

  /** Hands the real socket back: ended after what was written (graceful) or destroyed. */
  private detach(graceful: boolean): void {
    if (this.id === 0) return;
    const sockets = this.interpreter.options.sockets();
    if (graceful) sockets.end(this.id);
    else sockets.destroy(this.id);
    this.interpreter.options.io.openSockets--;
    this.id = 0;
  }

  private tapClosed(): void {
    if (this.tapId === 0) return;
    this.interpreter.options.network.tap?.closed(this.tapId);
    this.tapId = 0;
  }

  private hold(): void {
    this.ioHeld++;
    this.interpreter.options.io.begin();
  }

  private unhold(): void {
    if (this.ioHeld === 0) return;
    this.ioHeld--;
    this.interpreter.options.io.end();
  }

  /** Bytes waiting to be sent (they live in interpreter memory). */
  get queuedBytes(): number {
    return this.sendQueue.length;
  }
}
