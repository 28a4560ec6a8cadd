/**
 * Bad input from the broker: malformed packets (bad flags, a 5-byte
 * remaining length, reserved types, bad fields), packets larger than the
 * receive buffer, packets a broker must not send, random bytes. Each ends the
 * connection through fail(): counters.malformed, REASON_MALFORMED, transport
 * closed, a reconnect later, and nothing thrown out of onData.
 * Acknowledgements for unknown ids are only counted.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { createClient } from "../../../firmware/mqtt/client.ts";
import type { Transport, TransportEvents } from "../../../firmware/mqtt/transport.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { checkHarnesses, connectReady, makeOptions, setup } from "./client-harness.ts";
import { ack, binaryString, connack, publishPacket, suback } from "./fake-transport.ts";

const MALFORMED: [string, number[]][] = [
  ["PUBACK with flags 0b0010 [MQTT-2.2.2-2]", [0x42, 2, 0, 1]],
  ["PUBREL with flags 0 [MQTT-3.6.1-1]", [0x60, 2, 0, 1]],
  ["a 5-byte remaining length (2.2.3)", [0x30, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ["packet type 0", [0x00, 0]],
  ["packet type 15", [0xf0, 0]],
  ["PUBLISH QoS 3 [MQTT-3.3.1-4]", [0x36, 5, 0, 1, 0x61, 0, 1]],
  ["PUBLISH with a wildcard topic [MQTT-3.3.2-2]", [0x30, 3, 0, 1, 0x23]],
  ["PUBLISH QoS 1 with packet id 0 [MQTT-2.3.1-1]", [0x32, 5, 0, 1, 0x61, 0, 0]],
  ["PUBLISH topic longer than the packet", [0x30, 3, 0, 9, 0x61]],
  ["SUBACK return code 3 [MQTT-3.9.3-2]", [0x90, 3, 0, 1, 3]],
  ["PUBACK with 3 bytes of body", [0x40, 3, 0, 1, 0]],
  ["PINGRESP with a body", [0xd0, 1, 0]],
];

describe("MQTT client: malformed input", function () {
  afterEach(checkHarnesses);

  for (const [name, bytes] of MALFORMED) {
    it(`${name} → malformed counted, REASON_MALFORMED, closed, reconnect later`, function () {
      const harness = setup();
      const { client, transport, clock } = harness;
      connectReady(harness);
      assert.doesNotThrow(() => transport.deliver(new Uint8Array(bytes)));
      assert.equal(client.counters.malformed, 1);
      assert.deepEqual(harness.disconnects, [K.REASON_MALFORMED]);
      assert.equal(transport.link, "closed");
      assert.equal(client.state, K.STATE_IDLE);
      clock.advance(1000);
      assert.equal(transport.opens.length, 2);
    });
  }

  it("CONNACK with return code 6 → REASON_MALFORMED before READY", function () {
    const { client, transport, disconnects } = setup();
    client.start();
    transport.accept();
    transport.deliver(new Uint8Array([0x20, 2, 0, 6]));
    assert.deepEqual(disconnects, [K.REASON_MALFORMED]);
    assert.equal(client.counters.malformed, 1);
  });

  it("a CONNECT from the broker is a protocol error, not a malformed packet", function () {
    const harness = setup();
    connectReady(harness);
    harness.transport.deliver(new Uint8Array([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 2, 0, 10, 0, 0]));
    assert.deepEqual(harness.disconnects, [K.REASON_PROTOCOL]);
    assert.equal(harness.client.counters.malformed, 0);
  });

  it("stops reading the chunk at the malformed packet: what follows is not delivered", function () {
    const harness = setup();
    const topics: string[] = [];
    harness.client.subscribe("#", 0, (topic) => topics.push(topic));
    connectReady(harness);
    harness.transport.deliver(publishPacket({ topic: "a", payload: "" }), new Uint8Array([0x42, 2, 0, 1]), publishPacket({ topic: "b", payload: "" }));
    assert.deepEqual(topics, ["a"]);
    assert.equal(harness.client.counters.malformed, 1);
  });

  it("delivers nothing of an old connection's chunk into the next one, even through a transport that opens at once inside the old one's callback", function () {
    const clock = new VirtualClock();
    let opens = 0;
    const kinds: string[] = [];
    // a transport that opens synchronously; FakeTransport opens when told to
    const transport: Transport = {
      events: null as unknown as TransportEvents,
      open() {
        opens++;
        this.events.onOpen();
      },
      sendString(packet: string) {
        kinds.push((packet.charCodeAt(0) >> 4) + "@" + opens);
      },
      pending: () => 0,
      close() {},
    };
    const client = createClient(makeOptions({ reconnectMin: 1000, jitter: 0 }), transport, clock);
    const log: string[] = [];
    client.onConnect = () => log.push("connected " + opens);
    client.onDisconnect = (reason) => {
      log.push("disconnected " + reason);
      // the application starts again at once (as a node does when its network comes back)
      if (opens < 2) client.start();
    };
    client.start();
    const connackBytes = binaryString(connack(false, 0));
    transport.events.onData(connackBytes);
    // a second CONNACK ends the first connection; the third, in the same chunk, is the old socket's and must not open the second session
    transport.events.onData(connackBytes + connackBytes);
    assert.deepEqual(log, ["connected 1", "disconnected " + K.REASON_PROTOCOL]);
    assert.equal(opens, 2);
    assert.equal(client.state, K.STATE_CONNECTED, "the second connection waits for its own CONNACK");
    assert.deepEqual(kinds, ["1@1", "1@2"], "one CONNECT per connection, nothing else");
  });

  it("accepts a packet of exactly receiveBuffer bytes; one byte more → malformed (oversized)", function () {
    const harness = setup({ receiveBuffer: 64 });
    const sizes: number[] = [];
    harness.client.subscribe("t", 0, (_topic, payload) => sizes.push(payload.length));
    connectReady(harness);
    const fits = publishPacket({ topic: "t", payload: "x".repeat(59) });
    assert.equal(fits.length, 64);
    harness.transport.deliverSplit(fits, [10, 40]);
    assert.deepEqual(sizes, [59]);
    harness.transport.deliver(publishPacket({ topic: "t", payload: "x".repeat(60) }));
    assert.deepEqual(sizes, [59]);
    assert.equal(harness.client.counters.malformed, 1);
    assert.deepEqual(harness.disconnects, [K.REASON_MALFORMED]);
  });

  it("fails an oversized packet as soon as its header arrives, not after its body", function () {
    const harness = setup({ receiveBuffer: 64 });
    connectReady(harness);
    const bytes = publishPacket({ topic: "t", payload: "x".repeat(70000) });
    harness.transport.deliver(bytes.subarray(0, 5));
    assert.deepEqual(harness.disconnects, [K.REASON_MALFORMED]);
    assert.equal(harness.client.counters.malformed, 1);
  });

  it("drops a partial packet with the connection: the next connection starts clean", function () {
    const harness = setup();
    const { client, transport, clock } = harness;
    connectReady(harness);
    transport.deliverString(publishPacket({ topic: "t", payload: "abc" }).subarray(0, 4));
    transport.drop();
    clock.advance(1000);
    transport.accept();
    transport.deliver(connack());
    assert.equal(client.state, K.STATE_READY);
    assert.equal(client.counters.malformed, 0);
  });

  it("survives random bytes: nothing thrown, every failure through fail(), then reconnects", function () {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (let round = 0; round < 300; round++) {
      const harness = setup({ receiveBuffer: 48 });
      const { client, transport } = harness;
      client.subscribe("#", 1, () => {});
      connectReady(harness);
      const length = 1 + Math.floor(random() * 40);
      const bytes = Array.from({ length }, () => Math.floor(random() * 256));
      if (round % 3 == 0) bytes[0] = (3 + Math.floor(random() * 11)) << 4 | (bytes[0]! & 15);
      const half = Math.floor(length / 2);
      const chunks = round % 2 ? [binaryString(bytes)] : [new Uint8Array(bytes.slice(0, half)), binaryString(bytes.slice(half))];
      try {
        for (const chunk of chunks) if (transport.link == "open") transport.deliverChunks([chunk]);
      } catch (error) {
        assert.fail(`round ${round}: ${Buffer.from(bytes).toString("hex")} threw ${String(error)}`);
      }
      for (const reason of harness.disconnects) assert.ok(reason == K.REASON_MALFORMED || reason == K.REASON_PROTOCOL, `reason ${reason}`);
      if (client.state == K.STATE_IDLE) {
        harness.clock.advance(1000);
        assert.equal(transport.opens.length, 2);
      }
      checkHarnesses();
    }
  });
});

describe("MQTT client: acknowledgements for unknown ids", function () {
  afterEach(checkHarnesses);

  it("PUBACK, PUBREC, PUBCOMP and SUBACK for ids not in use are counted and ignored", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "x", 1, false);
    transport.take();
    transport.deliver(ack(C.PUBACK, 2), ack(C.PUBREC, 3), ack(C.PUBCOMP, 4), suback(5, [0]), ack(C.UNSUBACK, 6));
    assert.equal(client.counters.unknownAcks, 4);
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 1);
    assert.equal(client.state, K.STATE_READY);
    assert.deepEqual(harness.disconnects, []);
    transport.deliver(ack(C.PUBACK, 1));
    assert.equal(client.queue.length, 0);
  });

  it("a second PUBACK for a completed message is unknown", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.publish("t", "x", 1, false);
    harness.transport.deliver(ack(C.PUBACK, 1), ack(C.PUBACK, 1));
    assert.deepEqual([harness.client.counters.acknowledged, harness.client.counters.unknownAcks], [1, 1]);
  });
});
