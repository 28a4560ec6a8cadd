/**
 * QoS 2 both ways (4.3.3). Outgoing: PUBLISH → PUBREC → PUBREL → PUBCOMP,
 * the window slot held until PUBCOMP, and after a reconnect PUBLISH (DUP)
 * before PUBREC but PUBREL after it [MQTT-4.4.0-1]. Incoming: delivered
 * once, PUBREC for each copy, PUBREL → PUBCOMP, then the id is free again.
 * (The MOTE_QOS2 = false build is a bundler define, not testable under Node.)
 */
import { strict as assert } from "node:assert";
import * as C from "../../../firmware/mqtt/constants.ts";
import { checkHarnesses, connectReady, dropAndReopen, setup } from "./client-harness.ts";
import type { Harness } from "./client-harness.ts";
import { ack, connack, publishPacket } from "./fake-transport.ts";

describe("MQTT client: QoS 2 outgoing", function () {
  afterEach(checkHarnesses);

  it("PUBLISH → PUBREC → PUBREL → PUBCOMP completes the message", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    assert.equal(client.publish("t", "x", 2, false), 0);
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q2 #1 t \"x\""]);
    transport.deliver(ack(C.PUBREC, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBREL #1"]);
    assert.deepEqual(client.queue.map((message) => message.state), [2]);
    assert.equal(client.counters.acknowledged, 0);
    transport.deliver(ack(C.PUBCOMP, 1));
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 0);
    assert.deepEqual([client.counters.sent, client.counters.acknowledged, client.counters.unknownAcks], [1, 1, 0]);
  });

  it("holds its window slot until PUBCOMP, not PUBREC", function () {
    const harness = setup({ inflightWindow: 1 });
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "a", 2, false);
    client.publish("t", "b", 1, false);
    transport.deliver(ack(C.PUBREC, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q2 #1 t \"a\"", "PUBREL #1"]);
    transport.deliver(ack(C.PUBCOMP, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #2 t \"b\""]);
  });

  it("resends PUBLISH with DUP after a reconnect before PUBREC", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "x", 2, false);
    transport.take();
    dropAndReopen(harness);
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q2 #1 dup t \"x\""]);
    transport.deliver(connack(), ack(C.PUBREC, 1), ack(C.PUBCOMP, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBREL #1"]);
    assert.deepEqual([client.counters.sent, client.counters.resent, client.counters.acknowledged], [2, 1, 1]);
  });

  it("resends PUBREL, not PUBLISH, after a reconnect in the PUBREL stage, in queue order", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "a", 2, false);
    client.publish("t", "b", 1, false);
    transport.deliver(ack(C.PUBREC, 1));
    transport.take();
    dropAndReopen(harness);
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBREL #1", "PUBLISH q1 #2 dup t \"b\""]);
    transport.deliver(connack(), ack(C.PUBCOMP, 1), ack(C.PUBACK, 2));
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 0);
    assert.deepEqual([client.counters.sent, client.counters.resent, client.counters.acknowledged], [3, 2, 2]);
  });

  it("answers a repeated PUBREC with PUBREL again", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.publish("t", "x", 2, false);
    harness.transport.deliver(ack(C.PUBREC, 1), ack(C.PUBREC, 1));
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q2 #1 t \"x\"", "PUBREL #1", "PUBREL #1"]);
  });

  it("ignores (and counts) PUBCOMP before PUBREC, and PUBACK for a QoS 2 id", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "x", 2, false);
    transport.take();
    transport.deliver(ack(C.PUBCOMP, 1), ack(C.PUBACK, 1));
    assert.deepEqual(client.queue.map((message) => message.state), [1]);
    assert.equal(client.counters.unknownAcks, 2);
    transport.deliver(ack(C.PUBREC, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBREL #1"]);
  });
});

/** Subscribes to "in" and returns the payloads delivered. */
function collect(harness: Harness): string[] {
  const payloads: string[] = [];
  harness.client.subscribe("in", 2, (_topic, payload, _retain, qos) => payloads.push(`${payload}@q${qos}`));
  return payloads;
}

describe("MQTT client: QoS 2 incoming", function () {
  afterEach(checkHarnesses);

  it("delivers once and answers PUBREC; a duplicate before PUBREL gets PUBREC again but no delivery", function () {
    const harness = setup();
    const { client, transport } = harness;
    const payloads = collect(harness);
    connectReady(harness);
    transport.take();
    transport.deliver(publishPacket({ topic: "in", payload: "x", qos: 2, packetId: 9 }));
    assert.deepEqual(transport.takeSummaries(), ["PUBREC #9"]);
    transport.deliver(publishPacket({ topic: "in", payload: "x", qos: 2, packetId: 9, dup: true }));
    assert.deepEqual(transport.takeSummaries(), ["PUBREC #9"]);
    assert.deepEqual(payloads, ["x@q2"]);
    assert.deepEqual([client.counters.received, client.counters.duplicates], [2, 1]);
  });

  it("answers PUBREL with PUBCOMP; after it the same id is a new message", function () {
    const harness = setup();
    const { client, transport } = harness;
    const payloads = collect(harness);
    connectReady(harness);
    transport.take();
    transport.deliver(publishPacket({ topic: "in", payload: "1", qos: 2, packetId: 9 }), ack(C.PUBREL, 9));
    assert.deepEqual(transport.takeSummaries(), ["PUBREC #9", "PUBCOMP #9"]);
    transport.deliver(publishPacket({ topic: "in", payload: "2", qos: 2, packetId: 9 }), ack(C.PUBREL, 9));
    assert.deepEqual(transport.takeSummaries(), ["PUBREC #9", "PUBCOMP #9"]);
    assert.deepEqual(payloads, ["1@q2", "2@q2"]);
    assert.equal(client.counters.duplicates, 0);
  });

  it("keeps ids of different messages apart", function () {
    const harness = setup();
    const payloads = collect(harness);
    connectReady(harness);
    harness.transport.deliver(
      publishPacket({ topic: "in", payload: "a", qos: 2, packetId: 1 }),
      publishPacket({ topic: "in", payload: "b", qos: 2, packetId: 2 }),
      ack(C.PUBREL, 1),
      publishPacket({ topic: "in", payload: "b", qos: 2, packetId: 2, dup: true }),
      publishPacket({ topic: "in", payload: "c", qos: 2, packetId: 1 }),
    );
    assert.deepEqual(payloads, ["a@q2", "b@q2", "c@q2"]);
    assert.equal(harness.client.counters.duplicates, 1);
  });

  it("answers PUBCOMP to a PUBREL for an id it does not hold (a PUBREL resent after a reconnect)", function () {
    const harness = setup();
    connectReady(harness);
    harness.transport.deliver(ack(C.PUBREL, 77));
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBCOMP #77"]);
    assert.deepEqual(harness.disconnects, []);
  });

  it("remembers received ids across a reconnect into a present session", function () {
    const harness = setup({ connect: { cleanSession: false } });
    const payloads = collect(harness);
    connectReady(harness);
    harness.transport.deliver(publishPacket({ topic: "in", payload: "x", qos: 2, packetId: 5 }));
    dropAndReopen(harness);
    harness.transport.accept();
    harness.transport.deliver(connack(true, 0), publishPacket({ topic: "in", payload: "x", qos: 2, packetId: 5, dup: true }));
    assert.deepEqual(payloads, ["x@q2"]);
    assert.equal(harness.client.counters.duplicates, 1);
    assert.deepEqual(harness.transport.takeSummaries().slice(-1), ["PUBREC #5"]);
  });

  it("forgets them when the session is new (clean session, or sessionPresent 0)", function () {
    for (const [cleanSession, sessionPresent] of [[true, false], [false, false]] as const) {
      const harness = setup({ connect: { cleanSession } });
      const payloads = collect(harness);
      connectReady(harness);
      harness.transport.deliver(publishPacket({ topic: "in", payload: "x", qos: 2, packetId: 5 }));
      dropAndReopen(harness);
      harness.transport.accept();
      harness.transport.deliver(connack(sessionPresent, 0), publishPacket({ topic: "in", payload: "y", qos: 2, packetId: 5 }));
      assert.deepEqual(payloads, ["x@q2", "y@q2"], `cleanSession ${cleanSession}`);
    }
  });
});
