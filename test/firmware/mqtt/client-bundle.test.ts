/**
 * The MQTT client as a device bundle pulls it in (scripts/bench/client-device-entry.js:
 * the client, its string encoders and receiver, the Espruino transport, built
 * and minified by the device build, private names shortened) running in the
 * emulated interpreter against a real broker, with MQTT.js as the peer. What
 * goes out must arrive byte for byte (ASCII, Latin-1 and binary payloads,
 * QoS 0, 1 and 2), and what comes in must reach the handlers decoded.
 */
import assert from "node:assert/strict";
import type { MqttClient as PeerClient } from "mqtt";
import { connectPacket } from "../../../firmware/mqtt/connect.ts";
import { ROOT } from "../../../scripts/build/build.ts";
import { bundleForEspruino } from "../../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../../scripts/gate/index.ts";
import { LOOPBACK, preferredBroker } from "../../../sim/brokers.ts";
import { brokerTitle } from "../../support/broker-report.ts";
import { brokerSuite } from "../../support/broker-suite.ts";
import { environment, plain, runUntilHeld } from "../../sim/espruino/helpers.ts";

const kind = preferredBroker();

interface Received { topic: string; payload: string; qos: number; retain: boolean }

describe(brokerTitle("MQTT client device bundle in the emulated interpreter", kind), function () {
  this.timeout(60000);
  let code: string;
  const suite = brokerSuite(kind, async () => {
    const bundle = await bundleForEspruino({ entry: ROOT + "scripts/bench/client-device-entry.js" });
    const violations = checkBundle(bundle.code, bundle.map);
    assert.deepEqual(violations, [], formatViolations(violations));
    assert.doesNotMatch(bundle.code, /incomingTopic|sendString|unsent/, "private names are shortened");
    code = bundle.code;
    return `client device bundle ${code.length} B`;
  });

  it("publishes at QoS 0, 1 and 2 and receives commands at QoS 0, 1 and 2, byte for byte", async () => {
    const peer: PeerClient = await suite.peer("device-peer");
    const received: Received[] = [];
    peer.on("message", (topic, payload, packet) => received.push({ topic, payload: payload.toString("hex"), qos: packet.qos, retain: packet.retain }));
    await peer.subscribeAsync("dev/#", { qos: 2 });
    const env = environment("linux");
    env.boot(code);
    env.run(`var client = mqttClient[0]({
      host: "${LOOPBACK}", port: ${suite.broker().port}, connect: ${JSON.stringify(connectPacket({ clientId: "device-1", cleanSession: true, keepalive: 30 }))}, keepalive: 30000, cleanSession: true,
      receiveBuffer: 256, sendBuffer: 256, socketQueue: 512, inflightWindow: 4, queueMessages: 16, queueBytes: 2048,
      connectTimeout: 5000, reconnectMin: 100, reconnectMax: 1000, jitter: 0
    }, mqttClient[1](false), mqttClient[2]);
    var got = [];
    var results = [];
    results.push(client.subscribe("cmd/#", 2, function (topic, payload, retain, qos) { got.push([topic, E.toString(payload), retain, qos]); }));
    client.start();
    results.push(client.publish("dev/ascii", "{\\"t\\":21.5}", 1, false));
    results.push(client.publish("dev/caf\\xc3\\xa9", "\\xc3\\xa9", 0, false));
    results.push(client.publish("dev/bin", E.toString(new Uint8Array([0, 1, 127, 128, 255])), 2, true));
    results.push(client.publish("dev/bin", new Uint8Array([1]), 0, false));
    results.push(client.publish("dev/+", "x", 0, false));
    results.push(client.publish("dev/caf\\u00e9", "x", 0, false));`);
    assert.deepEqual(plain(env.run("results")), [0, 0, 0, 0, -20, -12, -10], "bytes are binary strings (a typed array as E.toString of it, not itself: ERR_VALUE); a wildcard topic is refused with ERR_TOPIC_WILDCARD, a Latin-1 one with ERR_MALFORMED_UTF8");
    await runUntilHeld(env, () => received.length >= 3 && env.run("client.queue.length") === 0, 10000, () => `3 messages at the peer, got ${JSON.stringify(received)}`, 20);
    const byTopic = Object.fromEntries(received.map((message) => [message.topic, message]));
    assert.deepEqual(byTopic["dev/ascii"], { topic: "dev/ascii", payload: Buffer.from("{\"t\":21.5}").toString("hex"), qos: 1, retain: false });
    assert.deepEqual(byTopic["dev/caf\u00e9"], { topic: "dev/caf\u00e9", payload: "c3a9", qos: 0, retain: false });
    // a live subscriber sees retain 0 [MQTT-3.3.1-9]; a later one gets the retained copy
    assert.deepEqual(byTopic["dev/bin"], { topic: "dev/bin", payload: "00017f80ff", qos: 2, retain: false });
    const late: Received[] = [];
    const latePeer: PeerClient = await suite.peer("device-late-peer");
    latePeer.on("message", (topic, payload, packet) => late.push({ topic, payload: payload.toString("hex"), qos: packet.qos, retain: packet.retain }));
    await latePeer.subscribeAsync("dev/bin", { qos: 2 });
    await runUntilHeld(env, () => late.length > 0, 5000, () => "the retained copy", 20);
    assert.deepEqual(late, [{ topic: "dev/bin", payload: "00017f80ff", qos: 2, retain: true }]);

    await peer.publishAsync("cmd/relay", "ON", { qos: 1 });
    await peer.publishAsync("cmd/caf\u00e9", Buffer.from([0xc3, 0xa9, 0x00]), { qos: 2 });
    await peer.publishAsync("cmd/lamp", "OFF", { qos: 0 });
    await runUntilHeld(env, () => (env.run("got.length") as number) >= 3, 10000, () => "3 commands at the device", 20);
    const got = plain(env.run("got")) as [string, string, boolean, number][];
    // the topic as its UTF-8 bytes, the payload as its bytes
    assert.deepEqual(got.map((entry) => [Buffer.from(entry[0], "latin1").toString("utf8"), Buffer.from(entry[1], "latin1").toString("hex"), entry[2], entry[3]]).sort(), [
      ["cmd/caf\u00e9", "c3a900", false, 2],
      ["cmd/lamp", Buffer.from("OFF").toString("hex"), false, 0],
      ["cmd/relay", Buffer.from("ON").toString("hex"), false, 1],
    ]);
    const counters = plain(env.run("client.counters")) as Record<string, number>;
    assert.equal(counters["sent"], 3);
    assert.equal(counters["acknowledged"], 2);
    assert.equal(counters["received"], 3);
    assert.equal(counters["malformed"], 0);
    assert.equal(counters["dropped"], 3);
    assert.equal(env.run("client.state"), 3);
  });
});
