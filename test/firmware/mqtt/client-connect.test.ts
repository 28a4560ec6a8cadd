/**
 * The MQTT client from start to READY: CONNECT contents (built by
 * connectSettings, which checks its fields and gives the keepalive and
 * clean session options with the packet), option checks at createClient, CONNACK (accepted in any chunking, refused with codes 1-5),
 * the connect timeout, protocol errors before READY, and the queue pipelined
 * behind CONNECT (3.1.4).
 */
import { strict as assert } from "node:assert";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import { createClient, type ClientOptions } from "../../../firmware/mqtt/client.ts";
import { connectPacket, connectSettings } from "../../../firmware/mqtt/connect.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import type { ConnectOptions } from "../../../firmware/mqtt/packets.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { checkHarnesses, connectReady, makeOptions, setup } from "./client-harness.ts";
import type { Overrides } from "./client-harness.ts";
import { ack, connack, empty, FakeTransport, publishPacket, suback } from "./fake-transport.ts";

function create(overrides: Overrides): void {
  const clock = new VirtualClock();
  createClient(makeOptions(overrides), new FakeTransport(clock), clock);
}

describe("MQTT client: connect", function () {
  afterEach(checkHarnesses);

  it("stays idle until start, then opens host:port and waits in CONNECTING", function () {
    const { client, transport } = setup();
    assert.equal(client.state, K.STATE_IDLE);
    assert.deepEqual(transport.opens, []);
    client.start();
    client.start();
    assert.equal(client.state, K.STATE_CONNECTING);
    assert.deepEqual(transport.opens, [{ host: "broker.test", port: 1883, at: 0 }]);
    assert.deepEqual(transport.take(), []);
  });

  it("sends CONNECT with client id, clean session and keepalive as soon as the transport opens", function () {
    const { client, transport } = setup();
    client.start();
    transport.accept();
    assert.equal(client.state, K.STATE_CONNECTED);
    const [connect, ...rest] = transport.take();
    assert.deepEqual(rest, []);
    assert.deepEqual({ ...connect, at: 0 }, {
      type: "CONNECT", at: 0, summary: "CONNECT mote-1", clientId: "mote-1", cleanSession: true, keepalive: 10,
    });
  });

  it("carries user name, password and the will (topic, payload, QoS, retain) in CONNECT", function () {
    const { client, transport } = setup({
      connect: {
        clientId: "node-7", cleanSession: false, keepalive: 300, username: "user", password: "secret",
        will: { topic: "nodes/node-7/status", payload: "offline", qos: 1, retain: true },
      },
    });
    client.start();
    transport.accept();
    const [connect] = transport.take();
    assert.equal(connect!.clientId, "node-7");
    assert.equal(connect!.cleanSession, false);
    assert.equal(connect!.keepalive, 300);
    assert.equal(connect!.username, "user");
    assert.equal(connect!.password, "secret");
    assert.deepEqual(connect!.will, { topic: "nodes/node-7/status", payload: "offline", qos: 1, retain: true });
  });

  it("sends a will at QoS 2 without retain, and no credentials when none are given", function () {
    const { client, transport } = setup({ connect: { will: { topic: "w", payload: "x", qos: 2, retain: false } } });
    client.start();
    transport.accept();
    const [connect] = transport.take();
    assert.deepEqual(connect!.will, { topic: "w", payload: "x", qos: 2, retain: false });
    assert.equal("username" in connect!, false);
    assert.equal("password" in connect!, false);
  });

  const invalid: [string, Overrides, RegExp][] = [
    ["keepalive above 65535", { connect: { keepalive: 65536 } }, /mqtt: invalid connect options/],
    ["keepalive not an integer", { connect: { keepalive: 1.5 } }, /mqtt: invalid connect options/],
    ["empty client id with a persistent session", { connect: { clientId: "", cleanSession: false } }, /client id ""/],
    ["password without user name", { connect: { password: "p" } }, /mqtt: invalid connect options/],
    ["will QoS 3", { connect: { will: { topic: "w", payload: "", qos: 3, retain: false } } }, /mqtt: invalid connect options/],
    ["will topic with a wildcard", { connect: { will: { topic: "w/#", payload: "", qos: 0, retain: false } } }, /mqtt: invalid connect options/],
    ["protocol level 5", { connect: { protocolLevel: 5 } }, /mqtt: invalid connect options/],
    ["inflightWindow 0", { inflightWindow: 0 }, /inflightWindow >= 1/],
    ["queueMessages 0", { queueMessages: 0 }, /queueMessages >= 1/],
    ["reconnectMin 0", { reconnectMin: 0 }, /0 < reconnectMin <= reconnectMax/],
    ["reconnectMax below reconnectMin", { reconnectMin: 2000, reconnectMax: 1000 }, /0 < reconnectMin <= reconnectMax/],
    ["inflightWindow NaN (a missing board field)", { inflightWindow: Number.NaN }, /inflightWindow >= 1/],
    ["keepalive below 0", { keepalive: -1 }, /keepalive >= 0/],
    ["keepalive missing (not made by connectSettings)", { keepalive: undefined as unknown as number }, /keepalive >= 0/],
  ];
  for (const [name, overrides, message] of invalid) {
    it(`throws for ${name} (at connectPacket for a CONNECT field, else at createClient), with a message`, function () {
      assert.throws(() => create(overrides), message);
    });
  }

  it("accepts an empty client id with a clean session (the broker assigns one)", function () {
    assert.doesNotThrow(() => create({ connect: { clientId: "" } }));
  });

  it("throws at createClient when CONNECT cannot fit the send buffer (else it would never connect)", function () {
    assert.throws(() => create({ sendBuffer: 16, connect: { clientId: "a-client-id-of-30-characters!!" } }), /mqtt:/);
  });

  it("throws at createClient when connect is not a CONNECT packet (the fields, or a codec error code)", function () {
    const clock = new VirtualClock();
    const fields = { ...makeOptions(), connect: { clientId: "mote-1", cleanSession: true, keepalive: 10 } };
    assert.throws(() => createClient(fields as unknown as ClientOptions, new FakeTransport(clock), clock), /mqtt: connect is not a CONNECT packet/);
    const code = { ...makeOptions(), connect: C.ERR_VALUE };
    assert.throws(() => createClient(code as unknown as ClientOptions, new FakeTransport(clock), clock), /mqtt: connect is not a CONNECT packet/);
  });

  it("connectPacket names the codec's error and the client id, never the password", function () {
    assert.throws(() => connectPacket({ clientId: "n-1", cleanSession: true, keepalive: 10, password: "hunter2" }), (error: Error) =>
      error.message == 'mqtt: invalid connect options (ERR_CONNECT_FLAGS), client id "n-1"');
  });

  it("connectSettings gives the packet connectPacket makes, the keepalive in milliseconds and the clean session flag", function () {
    for (const cleanSession of [true, false]) {
      const fields: ConnectOptions = { clientId: "n-1", cleanSession, keepalive: 45, protocolLevel: 3 };
      assert.deepEqual(connectSettings(fields), { connect: connectPacket(fields), keepalive: 45000, cleanSession });
    }
    assert.throws(() => connectSettings({ clientId: "n-1", cleanSession: true, keepalive: 65536 }), /mqtt: invalid connect options/);
  });

  const layouts: [string, Partial<ConnectOptions>][] = [
    ["a 1-byte remaining length", {}],
    ["a 2-byte remaining length (a 200-byte password)", { username: "u", password: "p".repeat(200) }],
    ["a 3-byte remaining length (a 20,000-byte will)", { will: { topic: "w", payload: "x".repeat(20000), qos: 0, retain: false } }],
    ["protocol level 3 (MQIsdp)", { protocolLevel: 3 }],
  ];
  for (const [name, fields] of layouts) {
    for (const cleanSession of [true, false]) {
      it(`keeps clean session ${cleanSession} and keepalive as connectSettings gives them with a CONNECT with ${name}`, function () {
        const harness = setup({ sendBuffer: 32768, connect: { ...fields, keepalive: 7, cleanSession } });
        /* Kept for the broker only by a persistent session: sent again after a CONNACK with session present. */
        harness.client.unsubscribe("gone");
        const sent = connectReady(harness, true);
        assert.deepEqual(sent.filter((summary) => summary.startsWith("UNSUBSCRIBE")).length, cleanSession ? 0 : 1);
        harness.clock.advanceTo(6999);
        assert.deepEqual(harness.transport.takeSummaries(), []);
        harness.clock.advanceTo(7000);
        assert.deepEqual(harness.transport.takeSummaries(), ["PINGREQ"]);
      });
    }
  }

  it("throws at createClient for jitter outside 0..1 (a negative reconnect delay)", function () {
    assert.throws(() => create({ jitter: 1.5 }), /jitter/);
    assert.throws(() => create({ jitter: -1 }), /jitter/);
  });

  it("becomes READY on CONNACK 0 and calls onConnect(sessionPresent)", function () {
    const harness = setup({ connect: { cleanSession: false } });
    assert.deepEqual(connectReady(harness, true), ["CONNECT mote-1"]);
    assert.equal(harness.client.state, K.STATE_READY);
    assert.deepEqual(harness.connects, [true]);
    assert.deepEqual(harness.disconnects, []);
  });

  it("takes CONNACK split at every offset, as Uint8Array and binary-string chunks", function () {
    const bytes = connack(false, 0);
    for (let first = 0; first <= bytes.length; first++) {
      for (let second = first; second <= bytes.length; second++) {
        const harness = setup();
        harness.client.start();
        harness.transport.accept();
        harness.transport.deliverSplit(bytes, [first, second]);
        assert.equal(harness.client.state, K.STATE_READY, `cuts ${first}, ${second}`);
      }
    }
    const harness = setup();
    harness.client.start();
    harness.transport.accept();
    harness.transport.deliverString(bytes);
    assert.deepEqual(harness.connects, [false]);
  });

  for (const code of [1, 2, 3, 4, 5]) {
    it(`CONNACK return code ${code}: onDisconnect(${code}), transport closed, reconnect after reconnectMin`, function () {
      const { client, transport, clock, disconnects } = setup();
      client.start();
      transport.accept();
      transport.deliver(connack(false, code));
      assert.deepEqual(disconnects, [code]);
      assert.equal(client.state, K.STATE_IDLE);
      assert.equal(transport.link, "closed");
      assert.equal(client.counters.disconnects, 1);
      clock.advance(999);
      assert.equal(transport.opens.length, 1);
      clock.advance(1);
      assert.equal(transport.opens.length, 2);
      assert.equal(client.counters.reconnects, 1);
    });
  }

  it("CONNACK timeout: no CONNACK within connectTimeout of opening → REASON_CONNECT_TIMEOUT", function () {
    const { client, transport, clock, disconnects } = setup();
    client.start();
    clock.advance(3000);
    transport.accept();
    clock.advance(1999);
    assert.deepEqual(disconnects, []);
    clock.advance(1);
    assert.deepEqual(disconnects, [K.REASON_CONNECT_TIMEOUT]);
    assert.equal(transport.link, "closed");
    assert.equal(client.state, K.STATE_IDLE);
    clock.advance(1000);
    assert.equal(transport.opens.length, 2);
  });

  it("CONNACK timeout also when the transport never opens", function () {
    const { client, transport, clock, disconnects } = setup();
    client.start();
    clock.advance(4999);
    assert.equal(client.state, K.STATE_CONNECTING);
    clock.advance(1);
    assert.deepEqual(disconnects, [K.REASON_CONNECT_TIMEOUT]);
    assert.equal(transport.closes, 1);
  });

  it("the accepted CONNACK cancels the connect timeout", function () {
    const harness = setup({ connect: { keepalive: 0 } });
    connectReady(harness);
    harness.clock.advance(60000);
    assert.deepEqual(harness.disconnects, []);
    assert.equal(harness.clock.pending, 0);
  });

  it("a refused connection (onClose while opening) → REASON_CLOSED and a reconnect", function () {
    const { client, transport, clock, disconnects } = setup();
    client.start();
    transport.drop();
    assert.deepEqual(disconnects, [K.REASON_CLOSED]);
    clock.advance(1000);
    assert.equal(transport.opens.length, 2);
    assert.equal(client.state, K.STATE_CONNECTING);
  });

  const notConnack: [string, Uint8Array][] = [
    ["PUBLISH", publishPacket({ topic: "a", payload: "x" })],
    ["PUBACK", ack(C.PUBACK, 1)],
    ["SUBACK", suback(1, [0])],
    ["PINGRESP", empty(C.PINGRESP)],
  ];
  for (const [name, bytes] of notConnack) {
    it(`${name} before CONNACK → REASON_PROTOCOL, closed`, function () {
      const { client, transport, disconnects } = setup();
      client.start();
      transport.accept();
      transport.deliver(bytes);
      assert.deepEqual(disconnects, [K.REASON_PROTOCOL]);
      assert.equal(transport.link, "closed");
      assert.equal(client.counters.received, 0);
    });
  }

  it("a second CONNACK → REASON_PROTOCOL", function () {
    const harness = setup();
    connectReady(harness);
    harness.transport.deliver(connack(false, 0));
    assert.deepEqual(harness.disconnects, [K.REASON_PROTOCOL]);
  });

  it("CONNACK and a PUBLISH in one chunk: READY, then the message is delivered", function () {
    const { client, transport } = setup();
    const topics: string[] = [];
    client.subscribe("a/#", 0, (topic) => topics.push(topic));
    client.start();
    transport.accept();
    transport.take();
    transport.deliverString(connack(false, 0), publishPacket({ topic: "a/b", payload: "x" }));
    assert.deepEqual(topics, ["a/b"]);
  });
});

describe("MQTT client: pipelined connect", function () {
  afterEach(checkHarnesses);

  it("sends what was queued offline right after CONNECT, in the same tick, before CONNACK, in order", function () {
    const { client, transport, clock } = setup();
    assert.equal(client.publish("t/0", "a", 0, false), 0);
    assert.equal(client.publish("t/1", "b", 1, false), 0);
    assert.equal(client.publish("t/2", "c", 2, true), 0);
    assert.equal(client.publish("t/3", "d", 0, true), 0);
    client.start();
    clock.advance(250);
    transport.accept();
    const packets = transport.take();
    assert.deepEqual(packets.map((packet) => packet.summary), [
      "CONNECT mote-1", "PUBLISH q0 t/0 \"a\"", "PUBLISH q1 #1 t/1 \"b\"", "PUBLISH q2 #2 retain t/2 \"c\"", "PUBLISH q0 retain t/3 \"d\"",
    ]);
    assert.deepEqual(packets.map((packet) => packet.at), [250, 250, 250, 250, 250]);
    assert.equal(client.state, K.STATE_CONNECTED);
    assert.equal(client.counters.sent, 4);
    transport.deliver(connack());
    assert.deepEqual(transport.takeSummaries(), []);
  });

  it("sends a publish made while CONNECTED (before CONNACK) at once", function () {
    const { client, transport } = setup();
    client.start();
    transport.accept();
    transport.take();
    client.publish("t", "x", 1, false);
    assert.deepEqual(transport.takeSummaries(), ["PUBLISH q1 #1 t \"x\""]);
  });

  it("does not send anything while the transport is still opening", function () {
    const { client, transport } = setup();
    client.start();
    client.publish("t", "x", 0, false);
    client.publish("t", "y", 1, false);
    assert.deepEqual(transport.take(), []);
    assert.equal(client.queue.length, 2);
    transport.accept();
    assert.deepEqual(transport.takeSummaries(), ["CONNECT mote-1", "PUBLISH q0 t \"x\"", "PUBLISH q1 #1 t \"y\""]);
  });
});
