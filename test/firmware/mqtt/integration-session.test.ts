/**
 * Our client against a real broker, with MQTT.js as the other party: the last
 * will (published when the socket dies without DISCONNECT, not after a clean
 * `end()`), the pipelined connect (what was queued offline goes out behind
 * CONNECT and arrives), and `end()` while a reconnection is pending. Run once
 * per available broker.
 */
import { strict as assert } from "node:assert";
import type { MqttClient as PeerClient } from "mqtt";
import { STATE_IDLE, STATE_READY } from "../../../firmware/mqtt/client-constants.ts";
import { availableBrokers, type Broker } from "../../../sim/brokers.ts";
import { brokerTitle, reportBroker } from "../../support/broker-report.ts";
import { connectPeer, createTestClient, delay, Opened, testOptions, waitFor } from "./integration-kit.ts";

/** Bounded wait for the broker's report of a disconnect, and the quiet time after it in which no will may arrive. */
const BROKER_REPORT_TIMEOUT = 5000;
const QUIET_AFTER_DISCONNECT = 500;

/** Collects what `peer` receives on `topic`. */
function collect(peer: PeerClient, topic: string): string[] {
  const messages: string[] = [];
  peer.on("message", (received, payload) => {
    if (received === topic) messages.push(payload.toString());
  });
  return messages;
}

for (const kind of availableBrokers()) {
  describe(brokerTitle("MQTT client with a real broker", kind), function () {
    this.timeout(20_000);
    const opened = new Opened();
    let broker: Broker;

    before(async function () {
      broker = await kind.start({ persistence: false });
      reportBroker(broker, "persistence off");
    });
    afterEach(() => opened.closeAll());
    after(() => broker?.stop());

    describe("last will", function () {
      const willTopic = "mote/node-3/status";

      async function setUp(clientId: string): Promise<{ messages: string[]; subscriber: PeerClient; test: ReturnType<typeof createTestClient> }> {
        const subscriber = await connectPeer(opened, broker, `${clientId}-watcher`, true);
        const messages = collect(subscriber, willTopic);
        await subscriber.subscribeAsync(willTopic, { qos: 1 });
        const test = createTestClient(opened, testOptions(broker, {
          clientId, cleanSession: true, keepalive: 30, will: { topic: willTopic, payload: "offline", qos: 1, retain: false },
        }));
        test.client.start();
        await waitFor(() => test.client.state === STATE_READY, 5000, () => `${clientId} connected`);
        return { messages, subscriber, test };
      }

      it("is published when the socket is destroyed without DISCONNECT", async function () {
        const { messages, test } = await setUp("mote-will-crash");
        const gone = broker.waitForDisconnect("mote-will-crash", BROKER_REPORT_TIMEOUT);
        test.transport.destroy();
        await gone;
        await waitFor(() => messages.length > 0, 5000, () => "the will at the subscriber");
        assert.deepEqual(messages, ["offline"]);
      });

      it(`is not published after end() (nothing within ${QUIET_AFTER_DISCONNECT} ms of the broker seeing the disconnect)`, async function () {
        const { messages, subscriber, test } = await setUp("mote-will-clean");
        const gone = broker.waitForDisconnect("mote-will-clean", BROKER_REPORT_TIMEOUT);
        test.client.end();
        await gone;
        await delay(QUIET_AFTER_DISCONNECT);
        assert.deepEqual(messages, [], "no will after a clean end()");
        await subscriber.publishAsync(willTopic, "probe", { qos: 1 });
        await waitFor(() => messages.length > 0, 5000, () => "the probe: the subscriber would have seen a will");
        assert.deepEqual(messages, ["probe"]);
      });
    });

    it("pipelined connect: publishes queued offline (QoS 0, 1, 2) go out behind CONNECT and all arrive, in order per QoS", async function () {
      const topic = "mote/node-4/queued";
      const subscriber = await connectPeer(opened, broker, "mote-pipelined-watcher", true);
      const messages = collect(subscriber, topic);
      await subscriber.subscribeAsync(topic, { qos: 2 });
      const { client, connacks } = createTestClient(opened, testOptions(broker, { clientId: "mote-pipelined", cleanSession: true, keepalive: 30 }));
      const expected: string[] = [];
      for (let index = 0; index < 30; index++) {
        expected.push(`qos${index % 3}:${index}`);
        assert.equal(client.publish(topic, expected[index]!, index % 3, false), 0, "queued while offline");
      }
      assert.equal(client.queue.length, 30, "all 30 queued before start()");
      let sentBeforeConnack = -1;
      client.onConnect = (sessionPresent) => {
        connacks.push(sessionPresent);
        if (sentBeforeConnack < 0) sentBeforeConnack = client.counters.sent;
      };
      client.start();
      await waitFor(() => messages.length >= 30 && client.queue.length === 0, 5000, () => `30 messages at the subscriber (have ${messages.length}) and acknowledged (${client.queue.length} left)`);
      assert.equal(sentBeforeConnack, 30, "every queued PUBLISH left before the CONNACK was read");
      assert.deepEqual(connacks, [false], "one connection");
      assert.deepEqual([...messages].sort(), [...expected].sort(), "each message once");
      for (const qos of [0, 1, 2]) {
        const prefix = `qos${qos}:`;
        assert.deepEqual(messages.filter((message) => message.startsWith(prefix)), expected.filter((message) => message.startsWith(prefix)), `QoS ${qos} in order`);
      }
      assert.equal(client.counters.acknowledged, 20);
    });

    it("end() while waiting to reconnect: the pending reconnection is cancelled", async function () {
      const { client, transport } = createTestClient(opened, testOptions(broker, { clientId: "mote-end-in-backoff", cleanSession: true, keepalive: 30 }, {
        reconnectMin: 200, reconnectMax: 200, jitter: 0,
      }));
      client.start();
      await waitFor(() => client.state === STATE_READY, 5000, () => "connected");
      transport.destroy();
      await waitFor(() => client.state === STATE_IDLE, 5000, () => "the client to see the socket die");
      client.end();
      await delay(600);
      assert.equal(client.counters.reconnects, 0, "reconnection attempts after end()");
      assert.equal(client.state, STATE_IDLE, "state 600 ms after end()");
    });
  });
}
