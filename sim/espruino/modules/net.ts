/**
 * Espruino's `require("net")` (and the connect half of `require("tls")`):
 * `connect(options, callback)` with `options` an object `{host, port}` or a
 * URL string, returning a Socket whose methods are `write`, `end`,
 * `available` and `read`, and which emits `connect`, `data`, `drain`,
 * `error`, `end` and `close` (see ./socket.ts for the semantics). Servers
 * (`createServer`) are not emulated.
 */
import type { Interpreter } from "../interpreter.ts";
import { EmulatedSocket, type SocketTarget } from "./socket.ts";

const prototypes = new WeakMap<Interpreter, object>();
const sockets = new WeakMap<object, EmulatedSocket>();

function socketOf(interpreter: Interpreter, self: unknown): EmulatedSocket {
  const socket = typeof self === "object" && self !== null ? sockets.get(self) : undefined;
  if (socket === undefined) throw interpreter.realm.error("Not a Socket");
  return socket;
}

function socketPrototype(interpreter: Interpreter): object {
  let prototype = prototypes.get(interpreter);
  if (prototype !== undefined) return prototype;
  const realm = interpreter.realm;
  prototype = realm.object({
    write: realm.bridge((args, self) => socketOf(interpreter, self).write(args[0])),
    end: realm.bridge((args, self) => {
      const socket = socketOf(interpreter, self);
      if (args[0] !== undefined) socket.write(args[0]);
      socket.end();
    }),
    available: realm.bridge((_args, self) => socketOf(interpreter, self).available()),
    read: realm.bridge((args, self) => socketOf(interpreter, self).read(args[0])),
  });
  for (const key of Object.keys(prototype)) Object.defineProperty(prototype, key, { enumerable: false });
  prototypes.set(interpreter, prototype);
  return prototype;
}

/** Host and port from `net.connect`'s options (an object, or a URL string). */
export function parseConnectOptions(options: unknown, defaultPort: number): { host: string; port: number; fields: Record<string, unknown> } {
  if (typeof options === "string") {
    const url = new URL(options.includes("://") ? options : "tcp://" + options);
    return { host: url.hostname || "localhost", port: url.port === "" ? defaultPort : Number(url.port), fields: {} };
  }
  const fields = (typeof options === "object" && options !== null ? options : {}) as Record<string, unknown>;
  const host = fields["host"] === undefined ? "localhost" : String(fields["host"]);
  const port = fields["port"] === undefined ? defaultPort : Number(fields["port"]);
  return { host, port, fields };
}

/** Opens a socket as `net.connect` / `tls.connect` do; returns the realm Socket object. */
export function connectSocket(interpreter: Interpreter, target: SocketTarget, callback: unknown): Record<string, unknown> {
  const realm = interpreter.realm;
  if (callback !== undefined && typeof callback !== "function") {
    throw realm.error(`Expecting Callback Function but got ${typeof callback}`);
  }
  const object = realm.intrinsics.Object.create(socketPrototype(interpreter)) as Record<string, unknown>;
  if (typeof callback === "function") object["#onconnect"] = callback;
  const socket = new EmulatedSocket(interpreter, object);
  sockets.set(object, socket);
  socket.start(target);
  return object;
}

/** `require("net")`. */
export function createNetModule(interpreter: Interpreter): Record<string, unknown> {
  const realm = interpreter.realm;
  return realm.object({
    connect: realm.bridge((args) => {
      const { host, port } = parseConnectOptions(args[0], 80);
      return connectSocket(interpreter, { host, port, tls: null }, args[1]);
    }),
    createServer: realm.bridge(() => {
      throw realm.error("net.createServer is not emulated");
    }),
  });
}
