/**
 * Subscriptions: SUBSCRIBE when READY, SUBACK failures, resubscribing after
 * a reconnect (always with a clean session; with a persistent one only when
 * the broker lost it, sessionPresent 0 [MQTT-3.2.2-2]), dispatch by filter
 * with `+` and `#` (4.7), incoming QoS 1 acknowledged, unsubscribe, and
 * handlers that throw.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { checkHarnesses, connectReady, dropAndReopen, setup } from "./client-harness.ts";
import type { Harness } from "./client-harness.ts";
import { utf8Bytes } from "./device-text.ts";
import { ack, connack, publishPacket, suback } from "./fake-transport.ts";


const ignore = (): void => {};

/** Reconnects after a drop and returns what was sent after CONNACK (sessionPresent as given). */
function reconnect(harness: Harness, sessionPresent: boolean): string[] {
  dropAndReopen(harness);
  harness.transport.accept();
  assert.deepEqual(harness.transport.takeSummaries(), ["CONNECT mote-1"]);
  harness.transport.deliver(connack(sessionPresent, 0));
  return harness.transport.takeSummaries();
}

describe("MQTT client: subscribe", function () {
  afterEach(checkHarnesses);

  it("sends SUBSCRIBE after CONNACK for subscriptions made before start", function () {
    const harness = setup();
    assert.equal(harness.client.subscribe("a/+", 1, ignore), 0);
    assert.equal(harness.client.subscribe("b/#", 0, ignore), 0);
    harness.client.start();
    harness.transport.accept();
    assert.deepEqual(harness.transport.takeSummaries(), ["CONNECT mote-1"]);
    harness.transport.deliver(connack());
    assert.deepEqual(harness.transport.takeSummaries(), ["SUBSCRIBE #1 a/+:1", "SUBSCRIBE #2 b/#:0"]);
  });

  it("sends SUBSCRIBE at once while READY", function () {
    const harness = setup();
    connectReady(harness);
    assert.equal(harness.client.subscribe("c", 2, ignore), 0);
    assert.deepEqual(harness.transport.takeSummaries(), ["SUBSCRIBE #1 c:2"]);
  });

  it("returns the codec's ERR_* for a bad filter and keeps nothing", function () {
    const harness = setup();
    connectReady(harness);
    assert.equal(harness.client.subscribe("a/#/b", 0, ignore), C.ERR_FILTER_WILDCARD);
    assert.equal(harness.client.subscribe("a+", 0, ignore), C.ERR_FILTER_WILDCARD);
    assert.equal(harness.client.subscribe("", 0, ignore), C.ERR_EMPTY_TOPIC);
    assert.deepEqual(harness.client.subscriptions, []);
    assert.deepEqual(harness.transport.take(), []);
  });

  it("returns ERR_QOS for QoS 3 instead of keeping a subscription it can never send", function () {
    const harness = setup();
    connectReady(harness);
    assert.equal(harness.client.subscribe("a", 3, ignore), C.ERR_QOS);
    assert.deepEqual(harness.client.subscriptions, []);
  });

  it("returns ERR_BUFFER_TOO_SMALL for a SUBSCRIBE larger than the send buffer", function () {
    const harness = setup({ sendBuffer: 32 });
    connectReady(harness);
    assert.equal(harness.client.subscribe("f".repeat(40), 0, ignore), C.ERR_BUFFER_TOO_SMALL);
    assert.deepEqual(harness.client.subscriptions, []);
  });

  it("SUBACK 0x80 → onSubscribeFailed(filter); granted codes do not; an unknown id is counted", function () {
    const harness = setup();
    const { client, transport } = harness;
    client.subscribe("ok/0", 0, ignore);
    client.subscribe("no", 1, ignore);
    client.subscribe("ok/2", 2, ignore);
    connectReady(harness);
    transport.deliver(suback(1, [0]), suback(2, [0x80]), suback(3, [1]), suback(44, [0]));
    assert.deepEqual(harness.failedFilters, ["no"]);
    assert.equal(client.counters.unknownAcks, 1);
    assert.deepEqual(client.subscriptions.map((subscription) => subscription.packetId), [0, 0, 0]);
    assert.equal(client.state, K.STATE_READY);
  });

  it("clean session: resubscribes everything after every reconnect", function () {
    const harness = setup();
    harness.client.subscribe("a", 0, ignore);
    harness.client.subscribe("b", 1, ignore);
    connectReady(harness);
    harness.transport.deliver(suback(1, [0]), suback(2, [1]));
    assert.deepEqual(reconnect(harness, false), ["SUBSCRIBE #3 a:0", "SUBSCRIBE #4 b:1"]);
    harness.transport.deliver(suback(3, [0]), suback(4, [1]));
    assert.deepEqual(reconnect(harness, true), ["SUBSCRIBE #5 a:0", "SUBSCRIBE #6 b:1"]);
  });

  it("persistent session, sessionPresent 1: no resubscribe; sessionPresent 0: resubscribe", function () {
    const harness = setup({ connect: { cleanSession: false } });
    harness.client.subscribe("a", 1, ignore);
    connectReady(harness);
    harness.transport.deliver(suback(1, [1]));
    assert.deepEqual(reconnect(harness, true), []);
    assert.deepEqual(harness.connects, [false, true]);
    assert.deepEqual(reconnect(harness, false), ["SUBSCRIBE #2 a:1"]);
  });

  it("persistent session, sessionPresent 1: sends again a SUBSCRIBE whose SUBACK never came", function () {
    const harness = setup({ connect: { cleanSession: false } });
    harness.client.subscribe("a", 1, ignore);
    harness.client.subscribe("b", 1, ignore);
    connectReady(harness);
    harness.transport.deliver(suback(1, [1]));
    assert.deepEqual(reconnect(harness, true), ["SUBSCRIBE #3 b:1"]);
  });

  it("persistent session, sessionPresent 1: sends a subscription made while offline", function () {
    const harness = setup({ connect: { cleanSession: false } });
    harness.client.subscribe("a", 1, ignore);
    connectReady(harness);
    harness.transport.deliver(suback(1, [1]));
    harness.transport.drop();
    harness.client.subscribe("b", 1, ignore);
    harness.clock.advance(1000);
    harness.transport.accept();
    harness.transport.deliver(connack(true, 0));
    assert.deepEqual(harness.transport.takeSummaries(), ["CONNECT mote-1", "SUBSCRIBE #2 b:1"]);
  });
});

interface Delivery {
  name: string;
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

/** Subscribes each filter with a handler that records what it gets. */
function record(harness: Harness, filters: string[]): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const filter of filters) {
    harness.client.subscribe(filter, 1, (topic, payload, retain, qos) => {
      deliveries.push({ name: filter, topic, payload: Buffer.from(payload, "latin1").toString("hex"), retain, qos });
    });
  }
  return deliveries;
}

describe("MQTT client: incoming messages", function () {
  afterEach(checkHarnesses);

  it("dispatches by filter with + and #, passing retain and QoS on; wildcards skip $ topics", function () {
    const harness = setup();
    const deliveries = record(harness, ["sensors/+/temp", "sensors/#", "actuators/relay", "#"]);
    connectReady(harness);
    harness.transport.deliver(
      publishPacket({ topic: "sensors/kitchen/temp", payload: "21" }),
      publishPacket({ topic: "sensors", payload: "" }),
      publishPacket({ topic: "actuators/relay", payload: new Uint8Array([0, 1, 255]), retain: true, qos: 1, packetId: 3 }),
      publishPacket({ topic: "$SYS/load", payload: "x" }),
      publishPacket({ topic: "sensors/kitchen/humidity", payload: "5" }),
    );
    assert.deepEqual(deliveries.map((entry) => `${entry.name} ${entry.topic} ${entry.payload} ${entry.retain} q${entry.qos}`), [
      "sensors/+/temp sensors/kitchen/temp 3231 false q0",
      "sensors/# sensors/kitchen/temp 3231 false q0",
      "# sensors/kitchen/temp 3231 false q0",
      "sensors/# sensors  false q0",
      "# sensors  false q0",
      "actuators/relay actuators/relay 0001ff true q1",
      "# actuators/relay 0001ff true q1",
      "sensors/# sensors/kitchen/humidity 35 false q0",
      "# sensors/kitchen/humidity 35 false q0",
    ]);
    assert.equal(harness.client.counters.received, 5);
  });

  it("matches and hands over a UTF-8 topic as its bytes (a filter is given as bytes too), and takes the PUBLISH split across byte and string chunks", function () {
    const harness = setup();
    const deliveries = record(harness, [utf8Bytes("café/+")]);
    connectReady(harness);
    const bytes = publishPacket({ topic: "café/ünï", payload: "ok" });
    harness.transport.deliverSplit(bytes, [1, 2, 6, bytes.length - 1]);
    assert.deepEqual(deliveries.map((entry) => entry.topic), [utf8Bytes("café/ünï")]);
  });

  it("acknowledges QoS 1 with PUBACK of the same id, delivering each copy (at least once)", function () {
    const harness = setup();
    const deliveries = record(harness, ["in"]);
    connectReady(harness);
    harness.transport.deliver(
      publishPacket({ topic: "in", payload: "a", qos: 1, packetId: 300 }),
      publishPacket({ topic: "in", payload: "a", qos: 1, packetId: 300, dup: true }),
      publishPacket({ topic: "nobody/listens", payload: "b", qos: 1, packetId: 301 }),
    );
    assert.deepEqual(harness.transport.takeSummaries(), ["PUBACK #300", "PUBACK #300", "PUBACK #301"]);
    assert.equal(deliveries.length, 2);
  });

  it("unsubscribe stops delivery and sends UNSUBSCRIBE; UNSUBACK is accepted", function () {
    const harness = setup();
    const deliveries = record(harness, ["a/#", "b"]);
    connectReady(harness);
    harness.client.unsubscribe("a/#");
    assert.deepEqual(harness.transport.takeSummaries(), ["UNSUBSCRIBE #3 a/#"]);
    assert.deepEqual(harness.client.subscriptions.map((subscription) => subscription.filter), ["b"]);
    harness.transport.deliver(ack(C.UNSUBACK, 3), publishPacket({ topic: "a/x", payload: "" }), publishPacket({ topic: "b", payload: "" }));
    assert.deepEqual(deliveries.map((entry) => entry.name), ["b"]);
    assert.deepEqual(harness.disconnects, []);
    assert.deepEqual(reconnect(harness, false), ["SUBSCRIBE #4 b:1"]);
  });

  it("unsubscribe while offline tells a persistent session's broker after the reconnect", function () {
    const harness = setup({ connect: { cleanSession: false } });
    record(harness, ["a", "b"]);
    connectReady(harness);
    harness.transport.deliver(suback(1, [1]), suback(2, [1]));
    harness.transport.drop();
    harness.client.unsubscribe("a");
    harness.clock.advance(1000);
    harness.transport.accept();
    harness.transport.deliver(connack(true, 0));
    assert.deepEqual(harness.transport.takeSummaries().map((summary) => summary.replace(/#\d+ /, "")), ["CONNECT mote-1", "UNSUBSCRIBE a"]);
  });

  it("a handler that unsubscribes itself (one-shot) does not rob the next subscription of the message", function () {
    const harness = setup();
    const names: string[] = [];
    harness.client.subscribe("config", 1, () => {
      names.push("once");
      harness.client.unsubscribe("config");
    });
    harness.client.subscribe("#", 1, () => names.push("all"));
    connectReady(harness);
    harness.transport.deliver(publishPacket({ topic: "config", payload: "1" }), publishPacket({ topic: "config", payload: "2" }));
    assert.deepEqual(names, ["once", "all", "all"]);
  });

  it("a handler that throws is counted in handlerErrors; other handlers and the session go on", function () {
    const harness = setup();
    const { client, transport } = harness;
    client.subscribe("in", 1, () => {
      throw new Error("application bug");
    });
    const deliveries = record(harness, ["#"]);
    connectReady(harness);
    assert.doesNotThrow(() => transport.deliver(
      publishPacket({ topic: "in", payload: "1", qos: 1, packetId: 1 }),
      publishPacket({ topic: "in", payload: "2", qos: 1, packetId: 2 }),
    ));
    assert.equal(client.counters.handlerErrors, 2);
    assert.equal(deliveries.length, 2);
    assert.deepEqual(transport.takeSummaries(), ["PUBACK #1", "PUBACK #2"]);
    assert.equal(client.state, K.STATE_READY);
    assert.deepEqual(harness.disconnects, []);
  });

  it("without onConnect, onDisconnect and onSubscribeFailed set (none by default), connects, is refused a filter and disconnects with no handler error", function () {
    const harness = setup();
    const { client, transport } = harness;
    delete client.onConnect;
    delete client.onDisconnect;
    delete client.onSubscribeFailed;
    client.subscribe("refused", 1, () => {});
    connectReady(harness);
    transport.deliver(suback(1, [0x80]));
    transport.drop();
    assert.deepEqual([client.counters.handlerErrors, client.counters.disconnects, harness.connects.length, harness.failedFilters.length], [0, 1, 0, 0]);
  });
});
