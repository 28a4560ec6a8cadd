/**
 * Outgoing QoS 1: packet identifiers (1..65535, never 0, never one in use
 * [MQTT-2.3.1-1], [MQTT-2.3.1-2]), the in-flight window, resending what was
 * not acknowledged after a reconnect, in order, with DUP set [MQTT-4.4.0-1],
 * and the sent/resent/acknowledged counters.
 */
import { strict as assert } from "node:assert";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { checkHarnesses, connectReady, dropAndReopen, setup } from "./client-harness.ts";
import { ack, connack, suback } from "./fake-transport.ts";

describe("MQTT client: QoS 1 packet identifiers", function () {
  afterEach(checkHarnesses);

  it("start at 1 and count up; QoS 0 takes none", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.publish("t", "a", 1, false);
    harness.client.publish("t", "b", 0, false);
    harness.client.publish("t", "c", 1, false);
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q1 #1 t \"a\"", "PUBLISH q0 t \"b\"", "PUBLISH q1 #2 t \"c\""]);
  });

  it("wrap from 65535 to 1, never 0, skipping ids still in flight (PUBLISH, SUBSCRIBE, UNSUBSCRIBE share them)", function () {
    this.timeout(60000);
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "held", 1, false);
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #1 t \"held\""]);
    for (let expected = 2; expected <= 65533; expected++) {
      client.publish("t", "", 1, false);
      const [packet] = transport.take();
      if (packet?.packetId !== expected) assert.fail(`expected #${expected}, sent ${packet?.summary}`);
      transport.deliver(ack(C.PUBACK, expected));
    }
    client.publish("t", "a", 1, false);
    client.subscribe("s", 0, () => {});
    transport.deliver(suback(65535, [0]));
    client.unsubscribe("s");
    client.publish("t", "b", 1, false);
    transport.deliver(ack(C.PUBACK, 1));
    client.publish("t", "c", 1, false);
    assert.deepEqual(transport.takeSummaries(),
      ["PUBLISH q1 #65534 t \"a\"", "SUBSCRIBE #65535 s:0", "UNSUBSCRIBE #2 s", "PUBLISH q1 #3 t \"b\"", "PUBLISH q1 #4 t \"c\""]);
    assert.equal(client.counters.acknowledged, 65533);
    assert.equal(client.counters.unknownAcks, 0);
  });

  it("skip an id held by a SUBSCRIBE awaiting its SUBACK", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.subscribe("s", 1, () => {});
    harness.client.publish("t", "a", 1, false);
    assert.deepEqual(harness.transport.takeSummaries(), ["SUBSCRIBE #1 s:1", "PUBLISH q1 #2 t \"a\""]);
  });

  it("keep their id across a reconnect", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.publish("t", "a", 1, false);
    harness.transport.take();
    dropAndReopen(harness);
    harness.transport.accept();
    assert.deepEqual(harness.transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q1 #1 dup t \"a\""]);
  });
});

describe("MQTT client: QoS 1 in-flight window", function () {
  afterEach(checkHarnesses);

  it("sends at most inflightWindow unacknowledged; each PUBACK lets the next one go, in order", function () {
    const harness = setup({ inflightWindow: 2 });
    const { client, transport } = harness;
    connectReady(harness);
    for (const payload of ["a", "b", "c", "d"]) assert.equal(client.publish("t", payload, 1, false), 0);
    client.publish("t", "e", 0, false);
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #1 t \"a\"", "PUBLISH q1 #2 t \"b\""]);
    assert.equal(client.queue.length, 5);
    transport.deliver(ack(C.PUBACK, 2));
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #3 t \"c\""]);
    transport.deliver(ack(C.PUBACK, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #4 t \"d\"", "PUBLISH q0 t \"e\""]);
    transport.deliver(ack(C.PUBACK, 3), ack(C.PUBACK, 4));
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 0);
    assert.deepEqual([client.counters.sent, client.counters.acknowledged, client.counters.resent], [5, 4, 0]);
  });

  it("window 1: strictly one at a time", function () {
    const harness = setup({ inflightWindow: 1 });
    connectReady(harness);
    harness.client.publish("t", "a", 1, false);
    harness.client.publish("t", "b", 1, false);
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q1 #1 t \"a\""]);
    harness.transport.deliver(ack(C.PUBACK, 1));
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q1 #2 t \"b\""]);
  });

  it("a PUBACK for an id not in flight is counted in unknownAcks and changes nothing", function () {
    const harness = setup({ inflightWindow: 1 });
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "a", 1, false);
    client.publish("t", "b", 1, false);
    transport.take();
    transport.deliver(ack(C.PUBACK, 7), ack(C.PUBCOMP, 1), ack(C.PUBREC, 1));
    assert.equal(client.counters.unknownAcks, 3);
    assert.equal(client.counters.acknowledged, 0);
    assert.deepEqual(transport.take(), []);
    assert.equal(client.state, K.STATE_READY);
    assert.deepEqual(harness.disconnects, []);
  });
});

describe("MQTT client: QoS 1 resend after reconnect", function () {
  afterEach(checkHarnesses);

  it("resends the unacknowledged in original order with DUP, before newer ones, within the window", function () {
    const harness = setup({ inflightWindow: 2 });
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "a", 1, false);
    client.publish("t", "b", 1, false);
    client.publish("t", "c", 1, false);
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #1 t \"a\"", "PUBLISH q1 #2 t \"b\""]);
    dropAndReopen(harness);
    client.publish("t", "d", 1, false);
    client.publish("t", "e", 0, false);
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q1 #1 dup t \"a\"", "PUBLISH q1 #2 dup t \"b\""]);
    transport.deliver(connack());
    assert.deepEqual(transport.take(), []);
    transport.deliver(ack(C.PUBACK, 1));
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #3 t \"c\""]);
    transport.deliver(ack(C.PUBACK, 2));
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #4 t \"d\"", "PUBLISH q0 t \"e\""]);
    transport.deliver(ack(C.PUBACK, 3), ack(C.PUBACK, 4));
    assert.deepEqual(
      { sent: client.counters.sent, resent: client.counters.resent, acknowledged: client.counters.acknowledged, queue: client.queue.length },
      { sent: 7, resent: 2, acknowledged: 4, queue: 0 });
  });

  it("does not resend what was acknowledged; resends again after a second drop", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "a", 1, false);
    client.publish("t", "b", 1, false);
    client.publish("t", "c", 1, false);
    transport.deliver(ack(C.PUBACK, 2));
    transport.take();
    dropAndReopen(harness);
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q1 #1 dup t \"a\"", "PUBLISH q1 #3 dup t \"c\""]);
    transport.deliver(connack(), ack(C.PUBACK, 3));
    dropAndReopen(harness);
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q1 #1 dup t \"a\""]);
    assert.deepEqual([client.counters.sent, client.counters.resent, client.counters.acknowledged], [6, 3, 2]);
  });

  it("a message that never left (window full) goes out without DUP after the reconnect", function () {
    const harness = setup({ inflightWindow: 1 });
    const { client, transport } = harness;
    connectReady(harness);
    client.publish("t", "a", 1, false);
    client.publish("t", "b", 1, false);
    transport.take();
    transport.deliver(ack(C.PUBACK, 1));
    transport.take();
    client.publish("t", "c", 1, false);
    dropAndReopen(harness);
    transport.accept();
    transport.deliver(connack());
    transport.deliver(ack(C.PUBACK, 2));
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q1 #2 dup t \"b\"", "PUBLISH q1 #3 t \"c\""]);
  });
});
