/**
 * The deep-sleep cycle end to end: the ESP32 bundle the build makes from
 * firmware/node-main.ts for node-e2e-sleep.json (a DHT22 and a BME280,
 * `telemetry.period` 60 s, QoS 1, `awakeLimit` 10 s, discovery on), booted
 * in the emulated interpreter against a real broker on loopback and watched
 * by an MQTT.js subscriber, through four wakes: two ordinary ones, one with
 * the broker unreachable, and one that delivers that wake's report too;
 * and the ESP8266 bundle (node-e2e-sleep-esp8266.json, a DHT22 on D5)
 * through two wakes, whose deepSleep throws unless given an integer.
 */
import assert from "node:assert/strict";
import { ROOT, type BuildResult } from "../../../scripts/build/build.ts";
import { LOOPBACK, preferredBroker } from "../../../sim/brokers.ts";
import { Bme280Model } from "../../../sim/devices/bme280.ts";
import { Dht22Model } from "../../../sim/devices/dht22.ts";
import type { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";
import { brokerTitle } from "../../support/broker-report.ts";
import { brokerSuite } from "../../support/broker-suite.ts";
import { closedPort, runUntilHeld } from "../../sim/espruino/helpers.ts";
import { delay, waitFor } from "../mqtt/integration-kit.ts";
import { boardHardware, bootNode, BROKER_HOST, buildNode, watch, type Received } from "./e2e-kit.ts";

const NODE_FILE = ROOT + "test/firmware/node/node-e2e-sleep.json";
const NODE_FILE_ESP8266 = ROOT + "test/firmware/node/node-e2e-sleep-esp8266.json";
const BASE = "mote/sleepy";
const PERIOD = 60000;
const AWAKE_LIMIT = 10000;

const kind = preferredBroker();

describe(brokerTitle("deep-sleep node end to end in the emulated ESP32", kind), function () {
  this.timeout(60000);
  let bundle: BuildResult;
  const suite = brokerSuite(kind, async () => {
    bundle = await buildNode("esp32", NODE_FILE);
    return `deep-sleep e2e; bundle ${bundle.total} B`;
  });

  /** Runs the board until `condition` holds, for at most `within` virtual ms, letting real time pass too (the broker and the peer run in it). */
  async function until(env: EspruinoEnvironment, condition: () => boolean, within: number, what: string, received: Received[]): Promise<void> {
    await runUntilHeld(env, condition, within, () => `${what}; now ${env.clock.now()}, sleeps ${JSON.stringify(env.sleeps)}, output ${JSON.stringify(env.output)}; received: ${JSON.stringify(received.map((each) => each.topic + " " + each.payload))}`);
  }

  it("wakes, publishes its report, sleeps the rest of the period; a wake without the broker sleeps at the awake limit and its report arrives on the next", async () => {
    const { received } = await watch(suite, "sleep-peer", [BASE + "/#", "homeassistant/+/sleepy/+/config"]);
    const hardware = boardHardware(bundle);
    hardware.attachLine("D4", new Dht22Model({ temperature: 23.4, humidity: 56.7 }));
    hardware.attachI2C(new Bme280Model({ temperature: 21.5, pressure: 1001.3, humidity: 40 }));
    const { env, network } = bootNode(suite, bundle, hardware);
    const reports = (): [unknown, unknown][] =>
      received.filter((each) => each.topic == BASE + "/telemetry").map((each) => JSON.parse(each.payload) as Record<string, unknown>).map((report) => [report["boot"], report["seq"]]);
    const configs = (): number => received.filter((each) => each.topic.startsWith("homeassistant/")).length;
    const asleep = (count: number) => () => env.sleeps.length == count && env.asleep;
    /** When wake `index` (0-based) started: power-on, then each sleep's end. */
    const wokeAt = (index: number): number => (index == 0 ? 0 : env.sleeps[index - 1]!.at + env.sleeps[index - 1]!.milliseconds);

    await until(env, asleep(1), PERIOD, "first sleep", received);
    const seen = () => JSON.stringify(received.map((each) => each.topic));
    await waitFor(() => reports().length == 1 && configs() == 5, 2000, () => "the first report and discovery (2 DHT22 + 3 BME280 readings): " + seen());
    const first = JSON.parse(received.find((each) => each.topic == BASE + "/telemetry")!.payload) as Record<string, Record<string, number>>;
    assert.ok(Math.abs(first["room"]!["temperature"]! - 23.4) <= 0.05 && Math.abs(first["air"]!["pressure"]! - 1001.3) <= 0.1, JSON.stringify(first));
    const awake = env.sleeps[0]!.at;
    assert.ok(awake > 1000 && awake < 5000, `first wake lasted ${awake} ms: sample at 1 s, WiFi 1.5 s, then CONNECT, report, PUBACKs`);

    await until(env, asleep(2), 2 * PERIOD, "second sleep", received);
    await waitFor(() => reports().length == 2, 2000, () => "the second report: " + seen());
    assert.deepEqual(reports(), [[1, 1], [2, 1]], "one report per wake; boot counts wakes");
    assert.equal(configs(), 5, "discovery only after power-on: a wake-up does not repeat it");

    network.route(BROKER_HOST, 1883, { host: LOOPBACK, port: await closedPort() });
    await until(env, asleep(3), 2 * PERIOD, "third sleep, broker unreachable", received);
    const limited = env.sleeps[2]!;
    assert.ok(Math.abs(limited.at - wokeAt(2) - AWAKE_LIMIT) <= 1, `awake ${limited.at - wokeAt(2)} ms, limit ${AWAKE_LIMIT}`);
    assert.equal(reports().length, 2, "nothing reached the broker");

    network.route(BROKER_HOST, 1883, { host: LOOPBACK, port: suite.broker().port });
    await until(env, asleep(4), 2 * PERIOD, "fourth sleep", received);
    await waitFor(() => reports().length == 4, 2000, () => "four reports: " + seen());
    await delay(100);
    assert.deepEqual(reports(), [[1, 1], [2, 1], [3, 1], [4, 1]], "the third wake's report, from flash, ahead of the fourth's");

    for (let index = 0; index < 4; index++) {
      const sleep = env.sleeps[index]!;
      assert.ok(Math.abs(sleep.at + sleep.milliseconds - wokeAt(index) - PERIOD) <= 1, `wake ${index + 1}: woke ${wokeAt(index)}, slept at ${sleep.at} for ${sleep.milliseconds} ms`);
    }
    const status = received.filter((each) => each.topic == BASE + "/status").map((each) => each.payload);
    assert.deepEqual(status, ["online", "online", "online"], "online on every connected wake; never the will: each session ended with DISCONNECT");
  });

  it("runs the ESP8266 bundle through two wakes: integer microseconds, wake-up seen in the reset reason", async () => {
    const esp8266 = await buildNode("esp8266", NODE_FILE_ESP8266);
    const { received } = await watch(suite, "sleep-peer-8266", ["mote/sleepy8266/telemetry", "homeassistant/+/sleepy8266/+/config"]);
    const hardware = boardHardware(esp8266);
    hardware.attachLine("D14", new Dht22Model({ temperature: 19.5, humidity: 61 }));
    const { env } = bootNode(suite, esp8266, hardware);
    await until(env, () => env.sleeps.length == 2 && env.asleep, 2 * PERIOD, "two sleeps", received);
    const telemetry = () => received.filter((each) => each.topic.endsWith("/telemetry")).length;
    await waitFor(() => telemetry() == 2, 2000, () => JSON.stringify(received.map((each) => each.topic)));
    assert.equal(received.filter((each) => each.topic.startsWith("homeassistant/")).length, 2, "temperature and humidity, after power-on only");
    const second = env.sleeps[1]!;
    assert.ok(Math.abs(second.at + second.milliseconds - 2 * PERIOD) <= 1, JSON.stringify(env.sleeps));
  });
});
