/**
 * The persistence hook: `store.add` for each QoS 1/2 message accepted by
 * publish, `store.remove` when it completes (PUBACK, PUBCOMP), and
 * `restore` putting stored messages back in the queue, in order, to be sent
 * after the next CONNECT.
 */
import { strict as assert } from "node:assert";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import type { MessageStore, MqttClient, OutgoingMessage } from "../../../firmware/mqtt/client.ts";
import { checkHarnesses, connectReady, setup } from "./client-harness.ts";
import { ack } from "./fake-transport.ts";

/** A store that records its calls as "add:payload" / "remove:payload" and keeps what was added and not removed. */
function recordingStore(): MessageStore & { calls: string[]; kept: OutgoingMessage[] } {
  const calls: string[] = [];
  const kept: OutgoingMessage[] = [];
  return {
    calls,
    kept,
    add(message) {
      calls.push(`add:${String(message.payload)}`);
      kept.push(message);
    },
    remove(message) {
      calls.push(`remove:${String(message.payload)}`);
      const index = kept.indexOf(message);
      assert.ok(index >= 0, "removed a message that was never added");
      kept.splice(index, 1);
    },
  };
}

/** A message as a store would give it back after a reboot. */
function stored(payload: string, qos: number, fields: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { topic: "t", payload, qos, retain: false, dup: false, packetId: 0, state: 0, unsent: true, ...fields };
}

/** Offers `messages` to `client.restore` in order, as a store does, until one is refused; returns how many it took. */
function restoreAll(client: MqttClient, messages: OutgoingMessage[]): number {
  let count = 0;
  while (count < messages.length && client.restore(messages[count]!)) count++;
  return count;
}

describe("MQTT client: persistence hook", function () {
  afterEach(checkHarnesses);

  it("store.add for each QoS 1/2 publish (not QoS 0), store.remove on PUBACK and PUBCOMP", function () {
    const harness = setup();
    const { client, transport } = harness;
    const store = recordingStore();
    client.store = store;
    client.publish("t", "a", 1, false);
    client.publish("t", "b", 0, false);
    client.publish("t", "c", 2, false);
    assert.deepEqual(store.calls, ["add:a", "add:c"]);
    assert.deepEqual(store.kept, client.queue.filter((message) => message.qos > 0));
    connectReady(harness);
    transport.deliver(ack(C.PUBREC, 2));
    assert.deepEqual(store.calls, ["add:a", "add:c"]);
    transport.deliver(ack(C.PUBCOMP, 2), ack(C.PUBACK, 1));
    assert.deepEqual(store.calls, ["add:a", "add:c", "remove:c", "remove:a"]);
    assert.deepEqual(store.kept, []);
  });

  it("adds nothing for a refused publish, and nothing twice on resend", function () {
    const harness = setup({ queueMessages: 1 });
    const { client } = harness;
    const store = recordingStore();
    client.store = store;
    client.publish("t", "a", 1, false);
    assert.equal(client.publish("t", "b", 1, false), K.ERR_QUEUE_FULL);
    assert.equal(client.publish("t/#", "c", 1, false), C.ERR_TOPIC_WILDCARD);
    connectReady(harness);
    harness.transport.drop();
    harness.clock.advance(1000);
    harness.transport.accept();
    assert.deepEqual(harness.transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q1 #1 dup t \"a\""]);
    assert.deepEqual(store.calls, ["add:a"]);
  });

  it("restore puts messages back in order; they go out after CONNECT with fresh ids, no DUP", function () {
    const { client, transport } = setup();
    const store = recordingStore();
    client.store = store;
    restoreAll(client, [stored("one", 1, { packetId: 700, state: 1, dup: true, unsent: false }), stored("two", 2, { packetId: 9, state: 2 }), stored("three", 1)]);
    assert.deepEqual(client.queue.map((message) => [message.payload, message.state, message.unsent, message.packetId]),
      [["one", 0, true, 0], ["two", 0, true, 0], ["three", 0, true, 0]]);
    client.publish("t", "four", 1, false);
    client.start();
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), [
      "CONNECT mote-1", "PUBLISH q1 #1 t \"one\"", "PUBLISH q2 #2 t \"two\"", "PUBLISH q1 #3 t \"three\"", "PUBLISH q1 #4 t \"four\"",
    ]);
    assert.deepEqual(store.calls, ["add:four"]);
  });

  it("removes restored messages from the store when they complete", function () {
    const harness = setup();
    const { client, transport } = harness;
    const removed: string[] = [];
    client.store = { add: () => assert.fail("restored messages are already stored"), remove: (message) => removed.push(String(message.payload)) };
    restoreAll(client, [stored("one", 1), stored("two", 2)]);
    connectReady(harness);
    transport.deliver(ack(C.PUBREC, 2), ack(C.PUBACK, 1), ack(C.PUBCOMP, 2));
    assert.deepEqual(removed, ["one", "two"]);
    assert.equal(client.queue.length, 0);
  });

  it("counts restored messages against the queue bounds", function () {
    const { client } = setup({ queueMessages: 2 });
    assert.equal(restoreAll(client, [stored("one", 1), stored("two", 1)]), 2);
    assert.equal(client.publish("t", "three", 1, false), K.ERR_QUEUE_FULL);
  });

  it("restore takes a message only when the queue has room for it, and says so; QoS 0 makes room first", function () {
    const { client } = setup({ queueMessages: 3 });
    client.publish("t", "zero", 0, false);
    assert.equal(restoreAll(client, [stored("one", 1), stored("two", 1), stored("three", 1), stored("four", 1)]), 3);
    assert.deepEqual(client.queue.map((message) => message.payload), ["one", "two", "three"]);
    assert.equal(client.counters.dropped, 1, "the QoS 0 message made room");
    assert.equal(restoreAll(client, [stored("four", 1)]), 0);
  });

  it("a restored message goes out at once when the client is ready", function () {
    const harness = setup();
    connectReady(harness);
    assert.equal(restoreAll(harness.client, [stored("late", 1)]), 1);
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q1 #1 t \"late\""]);
  });

  it("restored messages respect the in-flight window", function () {
    const harness = setup({ inflightWindow: 1 });
    restoreAll(harness.client, [stored("one", 1), stored("two", 1)]);
    assert.deepEqual(connectReady(harness), ["CONNECT mote-1", "PUBLISH q1 #1 t \"one\""]);
    harness.transport.deliver(ack(C.PUBACK, 1));
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBLISH q1 #2 t \"two\""]);
  });

  it("drops (and counts) a restored message the send buffer cannot hold, instead of holding a window slot forever", function () {
    const harness = setup({ inflightWindow: 1, sendBuffer: 32 });
    const { client } = harness;
    restoreAll(client, [stored("x".repeat(40), 1), stored("ok", 1)]);
    assert.deepEqual(connectReady(harness), ["CONNECT mote-1", "PUBLISH q1 #1 t \"ok\""]);
    assert.deepEqual([client.counters.sent, client.counters.dropped, client.queue.length], [1, 1, 1]);
  });
});
