/**
 * Espruino's `require("tls")` on boards built with it (`board.tls`):
 * `connect(options, callback)` as `net.connect`, over TLS, port 443 by
 * default. `ca`, `key` and `cert` are PEM strings; the server's certificate
 * is checked only when `ca` is given (Espruino does not verify otherwise).
 * A failed handshake is `error` -13 ("SSL handshake failed").
 */
import type { Interpreter } from "../interpreter.ts";
import { connectSocket, parseConnectOptions } from "./net.ts";

function pem(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `require("tls")`. */
export function createTlsModule(interpreter: Interpreter): Record<string, unknown> {
  const realm = interpreter.realm;
  return realm.object({
    connect: realm.bridge((args) => {
      const { host, port, fields } = parseConnectOptions(args[0], 443);
      const tls: { ca?: string; key?: string; cert?: string } = {};
      const ca = pem(fields["ca"]);
      const key = pem(fields["key"]);
      const cert = pem(fields["cert"]);
      if (ca !== undefined) tls.ca = ca;
      if (key !== undefined) tls.key = key;
      if (cert !== undefined) tls.cert = cert;
      return connectSocket(interpreter, { host, port, tls }, args[1]);
    }),
  });
}
