/**
 * The node's bundle against a broker that refuses its command subscription
 * (SUBACK 0x80, as a broker with an access list answers; here aedes, as
 * mosquitto 2.0 grants every well-formed filter and applies its ACL only when
 * delivering): the node says so on its error topic, at every connection,
 * and goes on publishing.
 */
import assert from "node:assert/strict";
import { ROOT, type BuildResult } from "../../../scripts/build/build.ts";
import { startAedes, type BrokerKind } from "../../../sim/brokers.ts";
import { brokerTitle } from "../../support/broker-report.ts";
import { brokerSuite } from "../../support/broker-suite.ts";
import { runUntilHeld } from "../../sim/espruino/helpers.ts";
import { attachExampleModels, boardHardware, bootNode, buildNode, ESP32_WIRING, watch } from "./e2e-kit.ts";

const BASE = "mote/bench";

/** aedes refusing every subscription to a command filter (`…/+/set`); the peer's own subscriptions pass. */
const refusing: BrokerKind = {
  name: "aedes refusing …/+/set",
  exactQos2: false,
  start: (options) => startAedes(options, (filter) => filter.endsWith("/+/set")),
};

describe(brokerTitle("node end to end: a broker that refuses the command subscription", refusing), function () {
  this.timeout(60000);
  let bundle: BuildResult;
  const suite = brokerSuite(refusing, async () => {
    bundle = await buildNode("esp32", ROOT + "test/firmware/node/node-e2e.json");
    return `node e2e; bundle ${bundle.total} B`;
  });

  it("reports it on the error topic at each connection, and keeps publishing telemetry", async () => {
    const { peer, received } = await watch(suite, "refused-peer", [BASE + "/error", BASE + "/status", BASE + "/telemetry"]);
    const hardware = boardHardware(bundle);
    attachExampleModels(hardware, ESP32_WIRING);
    const { env } = bootNode(suite, bundle, hardware);
    const errors = () => received.filter((each) => each.topic == BASE + "/error").map((each) => JSON.parse(each.payload) as unknown);
    const count = (topic: string) => received.filter((each) => each.topic == topic).length;
    await runUntilHeld(env, () => errors().length > 0 && count(BASE + "/telemetry") > 0, 20000, () => JSON.stringify(received));
    assert.deepEqual(errors(), [{ error: "subscription refused", input: BASE + "/+/set" }]);

    // a new connection asks again, and is refused again
    await suite.broker().restart();
    // the peer back and subscribed again (MQTT.js resubscribes on reconnecting) before the node reconnects: its probe comes back
    for (let tries = 0; !received.some((each) => each.payload == "probe"); tries++) {
      assert.ok(tries < 50, "the peer subscribed again within 10 s");
      if (peer.connected) peer.publish(BASE + "/status", "probe", { qos: 0 });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await runUntilHeld(env, () => errors().length > 1, 120000, () => JSON.stringify(received));
    assert.deepEqual(errors()[1], errors()[0]);
    assert.ok(received.filter((each) => each.topic == BASE + "/status").map((each) => each.payload).includes("online"));
  });
});
