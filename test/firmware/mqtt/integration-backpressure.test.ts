/**
 * Backpressure on the Node transport: a burst of QoS 0 publishes into a link
 * whose far end stops reading, with a socketQueue (4 KiB, a board-sized
 * bound) below Node's 16 KiB writable high-water mark. The client holds what
 * does not fit and must send it once the socket has drained. Runs against the
 * preferred broker through a loopback proxy that stops reading for a while.
 */
import { strict as assert } from "node:assert";
import { once } from "node:events";
import * as net from "node:net";
import { STATE_READY } from "../../../firmware/mqtt/client-constants.ts";
import { LOOPBACK, preferredBroker, type Broker } from "../../../sim/brokers.ts";
import { brokerTitle, reportBroker } from "../../support/broker-report.ts";
import { createTestClient, delay, Opened, testOptions, waitFor } from "./integration-kit.ts";

const SOCKET_QUEUE = 4096;
/** Most publishes tried before the socket must have backed up (a few MB fill loopback buffers). */
const MOST_PUBLISHES = 200_000;
const PAYLOAD = "x".repeat(200);

/** A proxy to the broker whose client-side reads can be paused. */
async function startPausableProxy(opened: Opened, broker: Broker): Promise<{ port: number; pause(): void; resume(): void }> {
  const downstreams = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect({ host: broker.host, port: broker.port });
    downstreams.add(downstream);
    for (const socket of [downstream, upstream]) {
      socket.on("error", () => {});
      socket.once("close", () => {
        downstreams.delete(downstream);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  server.listen(0, LOOPBACK);
  await once(server, "listening");
  opened.add(async () => {
    const closed = once(server, "close");
    server.close();
    for (const socket of downstreams) socket.destroy();
    await closed;
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    pause: () => downstreams.forEach((socket) => socket.pause()),
    resume: () => downstreams.forEach((socket) => socket.resume()),
  };
}

const kind = preferredBroker();
describe(brokerTitle("MQTT client on the Node transport under backpressure", kind), function () {
  this.timeout(30_000);
  const opened = new Opened();
  let broker: Broker;

  before(async function () {
    broker = await kind.start({ persistence: false });
    reportBroker(broker, "persistence off, behind a proxy that stops reading");
  });
  afterEach(() => opened.closeAll());
  after(() => broker?.stop());

  it(`sends every queued QoS 0 message once the socket drains (socketQueue ${SOCKET_QUEUE} B < Node's 16 KiB high-water mark)`, async function () {
    const proxy = await startPausableProxy(opened, broker);
    const { client, transport } = createTestClient(opened, testOptions({ host: LOOPBACK, port: proxy.port }, { clientId: "mote-backpressure", cleanSession: true, keepalive: 0 }, {
      socketQueue: SOCKET_QUEUE, queueMessages: MOST_PUBLISHES, queueBytes: 1 << 28,
    }));
    client.start();
    await waitFor(() => client.state === STATE_READY, 5000, () => "connected");
    proxy.pause();
    let published = 0;
    while (published < MOST_PUBLISHES && !(client.queue.length > 100 && transport.pending() > 0)) {
      assert.equal(client.publish("mote/node-9/burst", PAYLOAD, 0, false), 0);
      published++;
    }
    const held = client.queue.length;
    const pending = transport.pending();
    assert.ok(held > 100 && pending > 0 && pending < 16384, `the socket backed up: ${held} held by the client, ${pending} B pending in the socket after ${published} publishes`);
    await delay(100);
    proxy.resume();
    await waitFor(() => transport.pending() === 0, 10_000, () => "the socket to drain");
    await waitFor(() => client.queue.length === 0, 3000, () =>
      `the client to send what it held: ${client.queue.length} of ${held} still queued, ${transport.pending()} B pending in the socket (drained), ${client.counters.sent} of ${published} sent`);
    assert.equal(client.counters.sent, published);
    assert.equal(client.counters.dropped, 0);
  });
});
