/**
 * Keepalive (3.1.2.10): PINGREQ after an interval without sending, or
 * without hearing back; the link declared dead after 1.5 intervals of
 * silence (a half-open TCP connection keeps accepting sends); PINGRESP and
 * any other packet keep it alive; keepalive 0 turns all of it off.
 * The harness's keepalive is 10 s: ping at 10 000 ms, dead at 15 000 ms.
 */
import { strict as assert } from "node:assert";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { checkHarnesses, connectReady, setup } from "./client-harness.ts";
import type { Harness } from "./client-harness.ts";
import { ack, connack, empty, publishPacket } from "./fake-transport.ts";

/** "TYPE@time" for each packet sent since the last call. */
function timeline(harness: Harness): string[] {
  return harness.transport.take().map((packet) => `${packet.type}@${packet.at}`);
}

describe("MQTT client: keepalive", function () {
  afterEach(checkHarnesses);

  it("sends PINGREQ exactly one interval after the last packet sent", function () {
    const harness = setup();
    const { clock, transport } = harness;
    connectReady(harness);
    clock.advanceTo(9999);
    assert.deepEqual(timeline(harness), []);
    clock.advanceTo(10000);
    assert.deepEqual(timeline(harness), ["PINGREQ@10000"]);
    clock.advanceTo(10500);
    transport.deliver(empty(C.PINGRESP));
    clock.advanceTo(19999);
    assert.deepEqual(timeline(harness), []);
    clock.advanceTo(20000);
    assert.deepEqual(timeline(harness), ["PINGREQ@20000"]);
    clock.advanceTo(20100);
    transport.deliver(empty(C.PINGRESP));
    clock.advanceTo(25000);
    harness.client.publish("t", "x", 0, false);
    clock.advanceTo(26000);
    transport.deliver(publishPacket({ topic: "in", payload: "y" }));
    clock.advanceTo(34999);
    assert.deepEqual(timeline(harness), ["PUBLISH@25000"]);
    clock.advanceTo(35000);
    assert.deepEqual(timeline(harness), ["PINGREQ@35000"]);
    assert.deepEqual(harness.disconnects, []);
  });

  it("sends PINGREQ when only receiving: nothing sent for an interval", function () {
    const harness = setup();
    connectReady(harness);
    for (let time = 2000; time <= 30000; time += 2000) {
      harness.clock.advanceTo(time);
      harness.transport.deliver(publishPacket({ topic: "in", payload: String(time) }));
    }
    assert.deepEqual(timeline(harness), ["PINGREQ@10000", "PINGREQ@20000", "PINGREQ@30000"]);
    assert.deepEqual(harness.disconnects, []);
  });

  it("sends PINGREQ when only sending QoS 0 and nothing is received for an interval, then dies at 1.5 intervals", function () {
    const harness = setup();
    const { clock, client } = harness;
    connectReady(harness);
    for (let time = 3000; time <= 15000; time += 3000) {
      clock.advanceTo(time - 1);
      client.publish("t", String(time), 0, false);
    }
    clock.advanceTo(15000);
    assert.deepEqual(timeline(harness), ["PUBLISH@2999", "PUBLISH@5999", "PUBLISH@8999", "PINGREQ@10000", "PUBLISH@11999", "PUBLISH@14999"]);
    assert.deepEqual(harness.disconnects, [K.REASON_KEEPALIVE_TIMEOUT]);
    assert.equal(harness.transport.link, "closed");
  });

  it("sends no PINGREQ while traffic flows both ways", function () {
    const harness = setup();
    const { clock, client, transport } = harness;
    connectReady(harness);
    for (let time = 4000, id = 1; time <= 100000; time += 4000, id++) {
      clock.advanceTo(time);
      client.publish("t", "x", 1, false);
      clock.advanceTo(time + 100);
      transport.deliver(ack(C.PUBACK, id));
    }
    clock.advanceTo(100100);
    const types = new Set(transport.take().map((packet) => packet.type));
    assert.deepEqual([...types], ["PUBLISH"]);
    assert.equal(client.counters.acknowledged, 25);
    assert.deepEqual(harness.disconnects, []);
  });

  it("nothing received for 1.5 intervals → REASON_KEEPALIVE_TIMEOUT, transport closed, reconnect later", function () {
    const harness = setup();
    const { clock, client, transport } = harness;
    connectReady(harness);
    clock.advanceTo(14999);
    assert.deepEqual(timeline(harness), ["PINGREQ@10000"]);
    assert.deepEqual(harness.disconnects, []);
    clock.advanceTo(15000);
    assert.deepEqual(harness.disconnects, [K.REASON_KEEPALIVE_TIMEOUT]);
    assert.equal(client.state, K.STATE_IDLE);
    assert.equal(transport.link, "closed");
    assert.equal(client.counters.disconnects, 1);
    assert.deepEqual(timeline(harness), []);
    clock.advanceTo(16000);
    assert.equal(transport.opens.length, 2);
  });

  it("PINGRESP keeps the connection alive, interval after interval", function () {
    const harness = setup();
    const { clock, transport } = harness;
    connectReady(harness);
    for (let time = 10000; time <= 100000; time += 10000) {
      clock.advanceTo(time + 2000);
      transport.deliver(empty(C.PINGRESP));
    }
    assert.deepEqual(timeline(harness), Array.from({ length: 10 }, (_, index) => `PINGREQ@${(index + 1) * 10000}`));
    assert.deepEqual(harness.disconnects, []);
    assert.equal(harness.client.state, K.STATE_READY);
  });

  it("counts the 1.5 intervals from the last bytes received (a late PINGRESP)", function () {
    const harness = setup();
    const { clock, transport } = harness;
    connectReady(harness);
    clock.advanceTo(14999);
    transport.deliver(empty(C.PINGRESP));
    clock.advanceTo(29998);
    assert.deepEqual(harness.disconnects, []);
    assert.deepEqual(timeline(harness), ["PINGREQ@10000", "PINGREQ@20000"]);
    clock.advanceTo(29999);
    assert.deepEqual(harness.disconnects, [K.REASON_KEEPALIVE_TIMEOUT]);
  });

  it("keepalive 0 disables PINGREQ and the silence timeout", function () {
    const harness = setup({ connect: { keepalive: 0 } });
    connectReady(harness);
    harness.clock.advance(24 * 3600 * 1000);
    assert.deepEqual(timeline(harness), []);
    assert.deepEqual(harness.disconnects, []);
    assert.equal(harness.client.state, K.STATE_READY);
    assert.equal(harness.clock.pending, 0);
  });

  it("runs no keepalive before CONNACK: the connect timeout applies instead", function () {
    const harness = setup({ connectTimeout: 30000 });
    harness.client.start();
    harness.transport.accept();
    harness.transport.take();
    harness.clock.advanceTo(29999);
    assert.deepEqual(timeline(harness), []);
    harness.clock.advanceTo(30000);
    assert.deepEqual(harness.disconnects, [K.REASON_CONNECT_TIMEOUT]);
  });

  it("restarts on a new connection, counted from its CONNECT", function () {
    const harness = setup();
    const { clock, transport } = harness;
    connectReady(harness);
    clock.advanceTo(5000);
    transport.drop();
    clock.advanceTo(6000);
    transport.accept();
    clock.advanceTo(6500);
    transport.deliver(connack());
    clock.advanceTo(15999);
    assert.deepEqual(timeline(harness), ["CONNECT@6000"]);
    clock.advanceTo(16000);
    assert.deepEqual(timeline(harness), ["PINGREQ@16000"]);
    assert.deepEqual(harness.disconnects, [K.REASON_CLOSED]);
  });

  it("stops with the connection: no PINGREQ after a drop, while waiting to reconnect", function () {
    const harness = setup({ reconnectMin: 60000, reconnectMax: 60000 });
    connectReady(harness);
    harness.clock.advanceTo(5000);
    harness.transport.drop();
    harness.clock.advanceTo(59000);
    assert.deepEqual(timeline(harness), []);
    assert.deepEqual(harness.disconnects, [K.REASON_CLOSED]);
  });
});
