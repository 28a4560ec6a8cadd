/**
 * What `publish` accepts and where it goes: straight out (QoS 0 online), the
 * bounded queue (by count and by topic+payload characters, dropping the
 * oldest unsent QoS 0 first, then refusing with ERR_QUEUE_FULL), refusals
 * for a packet larger than the send buffer or a bad topic or QoS, and
 * back-pressure (nothing more while transport.pending() is over socketQueue).
 */
import { strict as assert } from "node:assert";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { checkHarnesses, connectReady, setup } from "./client-harness.ts";
import { utf8Bytes } from "./device-text.ts";
import { ack, connack } from "./fake-transport.ts";


/** Payloads of the queue, oldest first, as "payload@qos". */
function queued(queue: readonly { payload: string | Uint8Array; qos: number }[]): string[] {
  return queue.map((message) => `${String(message.payload)}@${message.qos}`);
}

describe("MQTT client: publish and the offline queue", function () {
  afterEach(checkHarnesses);

  it("sends QoS 0 straight out while READY, without queueing", function () {
    const harness = setup();
    connectReady(harness);
    assert.equal(harness.client.publish("a/b", "\x00\xff", 0, true), 0);
    const [packet] = harness.transport.take();
    assert.equal(packet!.summary, "PUBLISH q0 retain a/b \"\\u0000�\"");
    assert.equal(harness.client.queue.length, 0);
    assert.equal(harness.client.counters.sent, 1);
  });

  it("sends QoS 0 straight out while READY even when in-flight messages fill the queue", function () {
    const harness = setup({ queueMessages: 1, inflightWindow: 1 });
    connectReady(harness);
    harness.client.publish("t", "a", 1, false);
    assert.equal(harness.client.publish("t", "b", 0, false), 0);
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q1 #1 t \"a\"", "PUBLISH q0 t \"b\""]);
  });

  it("queues every QoS while offline, in order", function () {
    const { client } = setup();
    for (const qos of [0, 1, 2, 0]) assert.equal(client.publish("t", `m${qos}`, qos, false), 0);
    assert.deepEqual(queued(client.queue), ["m0@0", "m1@1", "m2@2", "m0@0"]);
    assert.deepEqual(client.queue.map((message) => [message.state, message.unsent, message.packetId]), [[0, true, 0], [0, true, 0], [0, true, 0], [0, true, 0]]);
  });

  it("bounded by count: drops the oldest unsent QoS 0 first (counted), then refuses with ERR_QUEUE_FULL", function () {
    const { client } = setup({ queueMessages: 3 });
    client.publish("t", "a", 0, false);
    client.publish("t", "b", 1, false);
    client.publish("t", "c", 0, false);
    assert.equal(client.publish("t", "d", 1, false), 0);
    assert.deepEqual(queued(client.queue), ["b@1", "c@0", "d@1"]);
    assert.equal(client.counters.dropped, 1);
    assert.equal(client.publish("t", "e", 2, false), 0);
    assert.deepEqual(queued(client.queue), ["b@1", "d@1", "e@2"]);
    assert.equal(client.counters.dropped, 2);
    assert.equal(client.publish("t", "f", 1, false), K.ERR_QUEUE_FULL);
    assert.equal(client.publish("t", "g", 0, false), K.ERR_QUEUE_FULL);
    assert.deepEqual(queued(client.queue), ["b@1", "d@1", "e@2"]);
    assert.equal(client.counters.dropped, 4);
  });

  it("bounded by topic + payload characters, the same way", function () {
    const { client } = setup({ queueBytes: 20 });
    client.publish("t", "aaaa", 0, false);
    client.publish("t", "bbbb", 1, false);
    client.publish("t", "cccc", 0, false);
    client.publish("t", "dddd", 1, false);
    assert.equal(client.publish("t", "eeeeeee", 1, false), 0);
    assert.deepEqual(queued(client.queue), ["bbbb@1", "dddd@1", "eeeeeee@1"]);
    assert.equal(client.counters.dropped, 2);
    assert.equal(client.publish("t", "ff", 1, false), K.ERR_QUEUE_FULL);
    assert.equal(client.publish("t", "f", 1, false), 0);
    assert.equal(client.counters.dropped, 3);
  });

  it("frees room as messages complete (QoS 1 acknowledged, QoS 0 sent)", function () {
    const harness = setup({ queueMessages: 2 });
    const { client, transport } = harness;
    client.publish("t", "a", 1, false);
    client.publish("t", "b", 0, false);
    connectReady(harness);
    assert.equal(client.queue.length, 1);
    transport.deliver(ack(C.PUBACK, 1));
    assert.equal(client.queue.length, 0);
    transport.drop();
    for (const payload of ["c", "d"]) assert.equal(client.publish("t", payload, 1, false), 0);
    assert.equal(client.publish("t", "e", 1, false), K.ERR_QUEUE_FULL);
  });

  it("does not drop queued QoS 0 messages for a message that cannot fit anyway", function () {
    const { client } = setup({ queueBytes: 20 });
    client.publish("t", "123456789", 1, false);
    client.publish("t", "12345", 0, false);
    assert.equal(client.publish("t", "123456789012345", 1, false), K.ERR_QUEUE_FULL);
    assert.deepEqual(queued(client.queue), ["123456789@1", "12345@0"]);
    assert.equal(client.counters.dropped, 1);
  });

  it("refuses a packet larger than the send buffer with ERR_BUFFER_TOO_SMALL (counted), to the byte", function () {
    const harness = setup({ sendBuffer: 32 });
    const { client, transport } = harness;
    connectReady(harness);
    assert.equal(client.publish("t", "x".repeat(27), 0, false), 0);
    assert.equal(client.publish("t", "x".repeat(28), 0, false), C.ERR_BUFFER_TOO_SMALL);
    assert.equal(client.publish("t", "x".repeat(25), 1, false), 0);
    assert.equal(client.publish("t", "x".repeat(26), 1, false), C.ERR_BUFFER_TOO_SMALL);
    assert.equal(client.publish("t", utf8Bytes("é".repeat(14)), 0, false), C.ERR_BUFFER_TOO_SMALL, "28 bytes of UTF-8");
    assert.deepEqual(transport.take().map((packet) => packet.payload!.length), [27, 25]);
    assert.equal(client.counters.dropped, 3);
    assert.equal(client.queue.length, 1);
  });

  it("refuses a bad topic or QoS with the codec's ERR_* (counted), queueing nothing", function () {
    const { client } = setup();
    assert.equal(client.publish("a/+", "x", 0, false), C.ERR_TOPIC_WILDCARD);
    assert.equal(client.publish("a/#", "x", 1, false), C.ERR_TOPIC_WILDCARD);
    assert.equal(client.publish("", "x", 0, false), C.ERR_EMPTY_TOPIC);
    assert.equal(client.publish("a\u0000b", "x", 0, false), C.ERR_NULL_CHARACTER);
    assert.equal(client.publish("a", "x", 3, false), C.ERR_QOS);
    assert.equal(client.queue.length, 0);
    assert.equal(client.counters.dropped, 5);
  });
});

describe("MQTT client: back-pressure", function () {
  afterEach(checkHarnesses);

  const payload = (index: number): string => String(index).padStart(25, "-");

  it("sends nothing more once pending + packet would pass socketQueue, then continues in order on drain", function () {
    const harness = setup({ socketQueue: 100 });
    const { client, transport } = harness;
    connectReady(harness);
    transport.holdSends = true;
    for (let index = 1; index <= 6; index++) assert.equal(client.publish("t", payload(index), index % 2, false), 0);
    assert.deepEqual(transport.take().map((packet) => packet.payload), [payload(1), payload(2), payload(3)]);
    assert.equal(transport.pendingBytes, 94);
    client.publish("t", payload(7), 0, false);
    assert.deepEqual(transport.take(), []);
    transport.drain();
    assert.deepEqual(transport.take().map((packet) => packet.payload), [payload(4), payload(5), payload(6)]);
    transport.drain();
    assert.deepEqual(transport.take().map((packet) => `${packet.payload}#${packet.packetId ?? 0}`), [`${payload(7)}#0`]);
  });

  it("lets pending reach socketQueue exactly, not one byte more", function () {
    const harness = setup({ socketQueue: 60 });
    connectReady(harness);
    harness.transport.holdSends = true;
    for (let index = 1; index <= 3; index++) harness.client.publish("t", payload(index), 0, false);
    assert.deepEqual(harness.transport.take().map((packet) => packet.payload), [payload(1), payload(2)]);
    assert.equal(harness.transport.pendingBytes, 60);
  });

  it("with pending() above socketQueue, holds even the first packet until onDrain", function () {
    const harness = setup({ socketQueue: 100 });
    const { client, transport } = harness;
    connectReady(harness);
    transport.pendingBytes = 101;
    client.publish("t", "a", 0, false);
    client.publish("t", "b", 1, false);
    client.publish("t", "c", 0, false);
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 3);
    transport.drain();
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q0 t \"a\"", "PUBLISH q1 #1 t \"b\"", "PUBLISH q0 t \"c\""]);
  });

  it("lets one packet go when nothing is pending, even one larger than socketQueue", function () {
    const harness = setup({ socketQueue: 10 });
    connectReady(harness);
    harness.transport.holdSends = true;
    harness.client.publish("t", payload(1), 1, false);
    harness.client.publish("t", payload(2), 1, false);
    assert.deepEqual(harness.transport.take().map((packet) => packet.payload), [payload(1)]);
  });

  it("applies to the queue pipelined behind CONNECT too", function () {
    const { client, transport } = setup({ socketQueue: 70 });
    for (let index = 1; index <= 4; index++) client.publish("t", payload(index), 1, false);
    client.start();
    transport.holdSends = true;
    transport.accept();
    assert.deepEqual(transport.take().map((packet) => packet.payload ?? packet.type), ["CONNECT", payload(1)]);
    transport.drain();
    transport.deliver(connack());
    assert.deepEqual(transport.take().map((packet) => packet.payload), [payload(2), payload(3)]);
    transport.drain();
    assert.deepEqual(transport.take().map((packet) => packet.payload), [payload(4)]);
  });

  it("ignores onDrain while offline", function () {
    const { client, transport } = setup();
    client.publish("t", "a", 0, false);
    client.start();
    transport.drain();
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 1);
  });
});
