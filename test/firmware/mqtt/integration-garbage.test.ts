/**
 * A broker that sends garbage: a small TCP server on 127.0.0.1 answers each
 * CONNECT with malformed bytes (or, after a valid CONNACK, with a malformed or
 * oversized packet). Our client, on the Node transport and real timers, must
 * count it as malformed, close the connection itself, and connect again;
 * nothing may throw (mocha fails the test on an uncaught exception from a
 * socket or timer callback). No real broker is involved.
 */
import { strict as assert } from "node:assert";
import { once } from "node:events";
import * as net from "node:net";
import * as mqttPacket from "mqtt-packet";
import { REASON_MALFORMED } from "../../../firmware/mqtt/client-constants.ts";
import { LOOPBACK } from "../../../sim/brokers.ts";
import { createTestClient, Opened, testOptions, waitFor } from "./integration-kit.ts";

const CONNACK = [0x20, 0x02, 0x00, 0x00];
const RECEIVE_BUFFER = 4096;

/** A PUBLISH that is valid but larger than the client's receive buffer. */
const OVERSIZED_PUBLISH = [...mqttPacket.generate({
  cmd: "publish", topic: "mote/node-5/command", payload: Buffer.alloc(2 * RECEIVE_BUFFER, 0x61), qos: 0, retain: false, dup: false,
})];

interface GarbageCase {
  name: string;
  reply: number[];
  /** Whether the reply starts with a valid CONNACK (the client becomes ready before the garbage). */
  connackFirst: boolean;
}

const CASES: GarbageCase[] = [
  { name: "CONNACK with remaining length 3 (it is 2) [3.2.1]", reply: [0x20, 0x03, 0x00, 0x00, 0x00], connackFirst: false },
  { name: "CONNACK with return code 6 (only 0-5 exist) [3.2.2.3]", reply: [0x20, 0x02, 0x00, 0x06], connackFirst: false },
  { name: "CONNACK with a reserved acknowledge flag set [3.2.2.1]", reply: [0x20, 0x02, 0x02, 0x00], connackFirst: false },
  { name: "reserved packet type 0 [2.2.1]", reply: [0x00, 0x00], connackFirst: false },
  { name: "a 5-byte remaining length [2.2.3]", reply: [0x30, 0xff, 0xff, 0xff, 0xff, 0x7f], connackFirst: false },
  { name: "after CONNACK, a PUBLISH at QoS 3 [MQTT-3.3.1-4]", reply: [...CONNACK, 0x36, 0x06, 0x00, 0x01, 0x61, 0x00, 0x01, 0x78], connackFirst: true },
  { name: "after CONNACK, a PUBACK with packet id 0 [2.3.1]", reply: [...CONNACK, 0x40, 0x02, 0x00, 0x00], connackFirst: true },
  { name: "after CONNACK, a remaining length of 1,000,000 (over the 4 KiB receive buffer)", reply: [...CONNACK, 0x30, 0xc0, 0x84, 0x3d], connackFirst: true },
  { name: `after CONNACK, a whole ${OVERSIZED_PUBLISH.length}-byte PUBLISH (over the 4 KiB receive buffer)`, reply: [...CONNACK, ...OVERSIZED_PUBLISH], connackFirst: true },
];

/** Answers the first bytes of every connection with `reply` and keeps the socket open; counts connections and who closed them. */
class GarbageBroker {
  connections = 0;
  /** First byte of each connection's first chunk (0x10: CONNECT). */
  readonly firstBytes: number[] = [];
  /** Connections the client closed (FIN from the client). */
  closedByClient = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(reply: number[]) {
    this.server = net.createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on("error", () => {});
      socket.once("data", (chunk) => {
        this.firstBytes.push(chunk[0]!);
        socket.write(Buffer.from(reply));
      });
      socket.once("end", () => {
        this.closedByClient++;
        socket.end();
      });
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<number> {
    this.server.listen(0, LOOPBACK);
    await once(this.server, "listening");
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = once(this.server, "close");
    this.server.close();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe("MQTT client against a fake broker that sends garbage [no real broker: a test TCP server on 127.0.0.1]", function () {
  this.timeout(10_000);
  const opened = new Opened();
  afterEach(() => opened.closeAll());

  for (const garbage of CASES) {
    it(`${garbage.name}: counted malformed, closed by the client, reconnected`, async function () {
      const fake = new GarbageBroker(garbage.reply);
      const port = await fake.listen();
      opened.add(() => fake.close());
      const { client, connacks, reasons } = createTestClient(opened, testOptions({ host: LOOPBACK, port }, { clientId: "mote-garbage", cleanSession: true, keepalive: 30 }, {
        receiveBuffer: RECEIVE_BUFFER, reconnectMin: 20, reconnectMax: 40,
      }));
      client.start();
      await waitFor(() => fake.connections >= 3 && reasons.length >= 2, 5000, () => `3 connections (have ${fake.connections}; reasons ${reasons.join(",")})`);
      client.end();

      assert.deepEqual(fake.firstBytes.slice(0, 2), [0x10, 0x10], "each connection began with CONNECT");
      assert.deepEqual(reasons.slice(0, 2), [REASON_MALFORMED, REASON_MALFORMED], "the first two connections ended as malformed");
      assert.ok(client.counters.malformed >= 2, `malformed counted per connection (${client.counters.malformed})`);
      await waitFor(() => fake.closedByClient >= 2, 2000, () => `the client to close its connections (closed ${fake.closedByClient})`);
      assert.equal(connacks.length >= 2, garbage.connackFirst, `ready before the garbage: ${connacks.length} CONNACKs accepted`);
      assert.equal(client.counters.received, 0, "nothing delivered");
    });
  }
});
