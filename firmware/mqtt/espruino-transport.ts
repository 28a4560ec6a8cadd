/**
 * The MQTT client's Transport and Clock on the Espruino interpreter, over
 * `require("net")` or `require("tls")`. Bytes go out as one binary string per
 * packet (`socket.write` would send a Uint8Array as its decimal text), and
 * what arrives is a binary string that the client's framer takes as it is.
 * Espruino's socket queues writes in the heap until they leave, so the
 * transport counts what it handed over until `drain` and the client keeps
 * that under its `socketQueue` bound. A refused connection throws from
 * `connect` on the Linux build and emits `error` on boards: both end in
 * `onClose`, from a timer, never inside `open`.
 */
import type { Clock, Transport } from "./transport.ts";

/** Creates a transport; `secure` selects TLS (ESP32 and Linux builds only). */
export function createEspruinoTransport(secure: boolean): Transport {
  let socket: EspruinoSocket | null = null;
  let queued = 0;

  /* `events` is set by the client before it opens. */
  const transport = {
    open(host: string, port: number): void {
      /* Closed already (Transport's contract): `socket` is null. */
      const events = transport.events;
      const module = secure ? require("tls") : require("net");
      /* Compared with `==`: when connect throws, `socket` is null and `current` still undefined, and `closed` must go on. */
      let current: EspruinoSocket | undefined;
      /** The socket's end (or, with `current` undefined, a connect that threw), unless the transport has moved on from it. */
      function closed(): void {
        if (socket != current) return;
        /* `queued` starts again from 0 at `close`, which the client calls next (Transport's contract). */
        socket = null;
        events.onClose();
      }
      try {
        current = module.connect({ host, port }, () => {
          if (socket == current) events.onOpen();
        });
      } catch (error) {
        setTimeout(closed, 0);
        return;
      }
      socket = current;
      current.on("data", (data) => {
        if (socket == current) events.onData(data);
      });
      current.on("drain", () => {
        if (socket != current) return;
        queued = 0;
        events.onDrain();
      });
      current.on("close", closed);
      current.on("error", closed);
    },
    sendString(data: string): void {
      if (!socket) return;
      queued += data.length;
      socket.write(data);
    },
    pending(): number {
      return queued;
    },
    close(): void {
      const current = socket;
      socket = null;
      queued = 0;
      if (current) current.end();
    },
  } as Transport;
  return transport;
}

/**
 * Espruino's clock: `getTime()` (seconds) in whole milliseconds, and the
 * global timers themselves (built-in functions ignore `this`). Whole: a time
 * computed as `getTime() * 1000` plus periods
 * and compared with a later `getTime() * 1000` can miss by a rounding error
 * (4761.77 * 1000 is 4761769.9999999995), and a schedule that waits
 * `due - now` = 5e-7 ms wakes to find its time not yet come, again and again.
 */
export const espruinoClock: Clock = {
  now: () => Math.floor(getTime() * 1000),
  setTimeout,
  clearTimeout,
};
