/**
 * Reconnecting: the backoff (doubling from reconnectMin up to reconnectMax,
 * minus jitter × random of it), its reset after an accepted CONNACK, the
 * disconnects/reconnects counters, start() again (connect now while
 * waiting), end() (DISCONNECT, close, never again), and application
 * callbacks that throw.
 */
import { strict as assert } from "node:assert";
import * as K from "../../../firmware/mqtt/client-constants.ts";
import { createClient } from "../../../firmware/mqtt/client.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { checkHarnesses, connectReady, makeOptions, setup } from "./client-harness.ts";
import type { Harness, Overrides } from "./client-harness.ts";
import { connack, empty, FakeTransport, publishPacket, suback } from "./fake-transport.ts";

/** Refuses `count` connection attempts in a row (each runs the backoff timer); returns the delays between opens. */
function refuse(harness: Harness, count: number): number[] {
  if (harness.transport.link == "idle") harness.client.start();
  const first = harness.transport.opens.length - 1;
  for (let attempt = 0; attempt < count; attempt++) {
    harness.transport.drop();
    harness.clock.advanceTo(harness.clock.nextDue()!);
  }
  const opens = harness.transport.opens.slice(first).map((open) => open.at);
  return opens.slice(1).map((at, index) => at - opens[index]!);
}

/** Math.random returning `values` in turn (the last one repeats) while `run` runs; the client takes its jitter from Math.random. */
function withRandom<T>(values: number[], run: () => T): T {
  const original = Math.random;
  let index = 0;
  Math.random = () => values[Math.min(index++, values.length - 1)]!;
  try {
    return run();
  } finally {
    Math.random = original;
  }
}

/** The delays between `count` refused attempts, Math.random returning `random` in turn. */
function backoff(overrides: Overrides, count: number, random: number[]): number[] {
  return withRandom(random, () => refuse(setup(overrides), count));
}

describe("MQTT client: reconnect backoff", function () {
  afterEach(checkHarnesses);

  it("doubles from reconnectMin up to reconnectMax (random = 0)", function () {
    assert.deepEqual(backoff({ reconnectMin: 1000, reconnectMax: 8000, jitter: 0.5 }, 7, [0]),
      [1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    assert.deepEqual(backoff({ reconnectMin: 500, reconnectMax: 3000, jitter: 0 }, 5, [0.9]),
      [500, 1000, 2000, 3000, 3000]);
  });

  it("takes jitter × random off each delay (jitter 0.5, random 0.5 → 3/4)", function () {
    assert.deepEqual(backoff({ reconnectMin: 1000, reconnectMax: 8000, jitter: 0.5 }, 6, [0.5]),
      [750, 1500, 3000, 6000, 6000, 6000]);
  });

  it("draws one random number per delay", function () {
    assert.deepEqual(backoff({ reconnectMin: 1000, reconnectMax: 8000, jitter: 0.4 }, 4, [0, 0.5, 1, 0.25]),
      [1000, 1600, 2400, 7200]);
  });

  it("with the real Math.random: delays within [base × (1 - jitter), base], not all equal", function () {
    const options = makeOptions({ reconnectMin: 1000, reconnectMax: 1000, jitter: 0.5 });
    const clock = new VirtualClock();
    const transport = new FakeTransport(clock);
    const client = createClient(options, transport, clock);
    client.start();
    for (let attempt = 0; attempt < 20; attempt++) {
      transport.drop();
      clock.advanceTo(clock.nextDue()!);
    }
    const opens = transport.opens.map((open) => open.at);
    const delays = opens.slice(1).map((at, index) => at - opens[index]!);
    assert.equal(delays.length, 20);
    assert.ok(new Set(delays).size > 1, "jittered");
    for (const delay of delays) assert.ok(delay >= 500 && delay <= 1000, `delay ${delay}`);
  });

  it("resets after an accepted CONNACK", function () {
    const harness = setup();
    assert.deepEqual(refuse(harness, 3), [1000, 2000, 4000]);
    harness.transport.accept();
    harness.transport.deliver(connack());
    assert.deepEqual(refuse(harness, 3), [1000, 2000, 4000]);
  });

  it("does not reset after a refused CONNACK", function () {
    const { client, transport, clock, disconnects } = setup();
    client.start();
    const opens = [0];
    for (let attempt = 0; attempt < 4; attempt++) {
      transport.accept();
      transport.deliver(connack(false, K.REASON_NOT_AUTHORIZED));
      clock.advanceTo(clock.nextDue()!);
      opens.push(clock.now());
    }
    assert.deepEqual(opens, [0, 1000, 3000, 7000, 15000]);
    assert.deepEqual(disconnects, [5, 5, 5, 5]);
  });

  it("counts a connect timeout as a failed attempt", function () {
    const { client, transport, clock } = setup();
    client.start();
    clock.advanceTo(5000);
    clock.advanceTo(6000);
    assert.equal(transport.opens.length, 2);
    clock.advanceTo(11000);
    clock.advanceTo(12999);
    assert.equal(transport.opens.length, 2);
    clock.advanceTo(13000);
    assert.deepEqual(transport.opens.map((open) => open.at), [0, 6000, 13000]);
  });

  it("counts disconnects (every ended connection) and reconnects (attempts after the first)", function () {
    const harness = setup();
    const { client, transport, clock } = harness;
    client.start();
    assert.deepEqual([client.counters.disconnects, client.counters.reconnects], [0, 0]);
    refuse(harness, 3);
    assert.deepEqual([client.counters.disconnects, client.counters.reconnects], [3, 3]);
    connectReady(harness);
    transport.drop();
    assert.deepEqual([client.counters.disconnects, client.counters.reconnects], [4, 3]);
    clock.advance(1000);
    assert.deepEqual([client.counters.disconnects, client.counters.reconnects], [4, 4]);
    assert.deepEqual(harness.disconnects, [K.REASON_CLOSED, K.REASON_CLOSED, K.REASON_CLOSED, K.REASON_CLOSED]);
  });
});

describe("MQTT client: start() again", function () {
  afterEach(checkHarnesses);

  it("while waiting to reconnect: connects now (counted as a reconnect), and the backoff goes on from there", function () {
    const harness = setup({ reconnectMin: 1000, reconnectMax: 60000, jitter: 0 });
    const { client, transport, clock } = harness;
    refuse(harness, 5);
    transport.drop();
    assert.equal(clock.nextDue(), 31000 + 32000, "waiting 32 s");
    clock.advance(5000);
    client.start();
    assert.deepEqual(transport.opens.map((open) => open.at).slice(-2), [31000, 36000]);
    assert.equal(client.counters.reconnects, 6);
    transport.drop();
    assert.equal(clock.nextDue(), 36000 + 60000);
  });

  it("while connecting or connected, or after end(): does nothing", function () {
    const harness = setup();
    const { client, transport } = harness;
    client.start();
    client.start();
    assert.equal(transport.opens.length, 1, "opening");
    connectReady(harness);
    client.start();
    assert.equal(client.state, K.STATE_READY);
    transport.drop();
    client.end();
    client.start();
    assert.equal(transport.opens.length, 1, "ended");
    assert.equal(client.counters.reconnects, 0);
  });
});

describe("MQTT client: end()", function () {
  afterEach(checkHarnesses);

  it("sends DISCONNECT, closes, reports REASON_ENDED, and never reconnects", function () {
    const harness = setup();
    const { client, transport, clock } = harness;
    connectReady(harness);
    client.end();
    assert.deepEqual(transport.takeSummaries(), ["DISCONNECT"]);
    assert.equal(transport.link, "closed");
    assert.equal(client.state, K.STATE_IDLE);
    assert.deepEqual(harness.disconnects, [K.REASON_ENDED]);
    clock.advance(24 * 3600 * 1000);
    client.start();
    assert.equal(transport.opens.length, 1);
    assert.equal(clock.pending, 0);
    assert.equal(client.publish("t", "x", 0, false), 0);
    assert.deepEqual(transport.take(), []);
  });

  it("while the transport is opening: closes without DISCONNECT, no reconnect", function () {
    const { client, transport, clock, disconnects } = setup();
    client.start();
    client.end();
    assert.deepEqual(transport.take(), []);
    assert.equal(transport.closes, 1);
    assert.deepEqual(disconnects, [K.REASON_ENDED]);
    clock.advance(60000);
    assert.equal(transport.opens.length, 1);
  });

  it("while CONNECTED (CONNECT sent, no CONNACK yet): sends DISCONNECT", function () {
    const { client, transport } = setup();
    client.start();
    transport.accept();
    transport.take();
    client.end();
    assert.deepEqual(transport.takeSummaries(), ["DISCONNECT"]);
  });

  it("while waiting to reconnect after a drop: the pending reconnect is cancelled", function () {
    const harness = setup();
    const { client, transport, clock } = harness;
    connectReady(harness);
    transport.drop();
    client.end();
    clock.advance(60000);
    assert.equal(transport.opens.length, 1, "opened again after end()");
    assert.equal(client.state, K.STATE_IDLE);
  });

  it("called from onDisconnect: no reconnect", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.onDisconnect = () => harness.client.end();
    harness.transport.drop();
    harness.clock.advance(60000);
    assert.equal(harness.transport.opens.length, 1);
  });
});

describe("MQTT client: application callbacks that throw", function () {
  afterEach(checkHarnesses);

  it("an onDisconnect that throws neither escapes onClose nor stops reconnecting", function () {
    const harness = setup();
    connectReady(harness);
    harness.client.onDisconnect = () => {
      throw new Error("application bug");
    };
    assert.doesNotThrow(() => harness.transport.drop());
    harness.clock.advance(1000);
    assert.equal(harness.transport.opens.length, 2);
  });

  it("an onConnect that throws neither escapes onData nor corrupts the stream", function () {
    const { client, transport, disconnects } = setup();
    const topics: string[] = [];
    client.subscribe("in", 0, (topic) => topics.push(topic));
    client.start();
    transport.accept();
    client.onConnect = () => {
      client.onConnect = () => {};
      throw new Error("application bug");
    };
    let thrown: unknown = null;
    try {
      transport.deliver(connack(), publishPacket({ topic: "in", payload: "1" }));
    } catch (error) {
      thrown = error;
    }
    transport.deliver(publishPacket({ topic: "in", payload: "2" }));
    assert.deepEqual({ thrown, disconnects, topics }, { thrown: null, disconnects: [], topics: ["in", "in"] });
  });

  it("an onSubscribeFailed that throws neither escapes onData nor replays the SUBACK", function () {
    const harness = setup();
    const { client, transport } = harness;
    connectReady(harness);
    client.subscribe("a", 0, () => {});
    client.onSubscribeFailed = () => {
      throw new Error("application bug");
    };
    let thrown: unknown = null;
    try {
      transport.deliver(suback(1, [0x80]));
    } catch (error) {
      thrown = error;
    }
    transport.deliver(empty(C.PINGRESP));
    assert.deepEqual({ thrown, unknownAcks: client.counters.unknownAcks }, { thrown: null, unknownAcks: 0 });
  });
});
