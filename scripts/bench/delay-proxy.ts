/**
 * A TCP proxy on 127.0.0.1 that holds every chunk for a fixed delay in each
 * direction, keeping order, so a loopback broker looks `delay` ms away each
 * way (one round trip = 2 x delay). Accepting is immediate: the delay applies
 * to data, and to the end or reset that follows it (passed on as an end).
 */
import { once } from "node:events";
import * as net from "node:net";

/** A running proxy: connect to `port`; `close()` drops every connection. */
export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

/** Forwards what `from` sends to `to`, each chunk `delay` ms late and in order, then the end or the reset. */
function forward(from: net.Socket, to: net.Socket, delay: number): void {
  const queue: (Buffer | null)[] = [];
  const release = (): void => {
    const chunk = queue.shift();
    if (chunk === undefined || to.destroyed) return;
    if (chunk === null) to.end();
    else to.write(chunk);
  };
  from.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    setTimeout(release, delay);
  });
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    queue.push(null);
    setTimeout(release, delay);
  };
  from.once("end", end);
  from.once("close", end);
  from.on("error", () => {});
}

/** Starts a proxy to `host:port` that adds `delay` ms each way. */
export async function startDelayProxy(host: string, port: number, delay: number): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server = net.createServer((downstream) => {
    const upstream = net.connect({ host, port });
    track(downstream);
    track(upstream);
    upstream.setNoDelay(true);
    downstream.setNoDelay(true);
    forward(downstream, upstream, delay);
    forward(upstream, downstream, delay);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      const closed = once(server, "close");
      server.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
