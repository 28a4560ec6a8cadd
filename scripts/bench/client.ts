/**
 * MQTT client suite: our client (firmware/mqtt/client.ts on the Node
 * transport) against MQTT.js (the `mqtt` package) in one run, on the same
 * broker (mosquitto when installed, aedes otherwise; the row names say which):
 *
 * - publishes per second of a 64-byte payload at QoS 0 and QoS 1, counted at
 *   one MQTT.js subscriber, from the first publish call to the last message
 *   received; ours and MQTT.js alternate round by round, median kept;
 * - connect-to-first-PUBACK through a proxy that adds 50 ms each way: ours
 *   queues the PUBLISH and pipelines it behind CONNECT, MQTT.js publishes on
 *   its `connect` event, as its documentation does; in ms and in round trips;
 * - minified bytes of client + codec + Espruino transport as a device bundle
 *   pulls them in, with and without QoS 2, against the 5,512 bytes of
 *   Espruino's own MQTT module (a constant, not measured here).
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { connect, type MqttClient as PeerClient } from "mqtt";
import { createClient, type ClientOptions, type MqttClient } from "../../firmware/mqtt/client.ts";
import { connectSettings } from "../../firmware/mqtt/connect.ts";
import { STATE_READY } from "../../firmware/mqtt/client-constants.ts";
import { NodeTransport, nodeClock } from "../../sim/mqtt/node-transport.ts";
import { preferredBroker, type Broker } from "../../sim/brokers.ts";
import { buildBundle } from "../build/build.ts";
import { bundleForEspruino, NODE_PRIVATE_PROPERTIES } from "../espruino-esbuild.ts";
import { startDelayProxy } from "./delay-proxy.ts";
import { lowerIsBetterResult } from "./measure.ts";
import type { BenchResult, BenchSettings, BenchSuite } from "./measure.ts";

const PEER = `mqtt ${(createRequire(import.meta.url)("mqtt/package.json") as { version: string }).version} (MQTT.js)`;
const PAYLOAD = new Uint8Array(64).map((_, index) => (index * 37) & 0xff);
const PAYLOAD_BUFFER = Buffer.from(PAYLOAD);
/** The same bytes as our client takes them: a binary string, one char per byte. */
const PAYLOAD_STRING = PAYLOAD_BUFFER.toString("latin1");
/** Espruino's MQTT module (espruino/EspruinoDocs modules/MQTT.js, minified), bytes. */
const ESPRUINO_MQTT_BYTES = 5512;
const PROXY_DELAY = 50;
/**
 * Our client's in-flight window on Node (MQTT.js has none), and its queue
 * bound: the bench keeps fewer queued, so nothing is dropped. The socketQueue
 * (1 MiB) stays above Node's 16 KiB high-water mark: NodeTransport reports
 * drain only after a write that passed that mark.
 */
const WINDOW = 100;
const QUEUE = 400;

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Resolves when `condition` holds (polled every ms); throws after `timeout` ms. */
async function until(condition: () => boolean, timeout: number, what: string): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await delay(1);
  }
}

function ourOptions(port: number, clientId: string): ClientOptions {
  return {
    host: "127.0.0.1", port, ...connectSettings({ clientId, cleanSession: true, keepalive: 60 }),
    receiveBuffer: 4096, sendBuffer: 4096, socketQueue: 1 << 20, inflightWindow: WINDOW, queueMessages: QUEUE, queueBytes: 1 << 22,
    connectTimeout: 5000, reconnectMin: 100, reconnectMax: 1000, jitter: 0,
  };
}

async function connectPeer(port: number, clientId: string): Promise<PeerClient> {
  const peer = connect({ host: "127.0.0.1", port, protocolVersion: 4, clientId, clean: true, reconnectPeriod: 0, keepalive: 60 });
  await new Promise<void>((resolve, reject) => {
    peer.once("connect", () => resolve());
    peer.once("error", reject);
  });
  return peer;
}

/** Counts messages per topic at one MQTT.js subscriber, with the time of the last one. */
class Counter {
  private readonly counts = new Map<string, number>();
  private readonly last = new Map<string, number>();

  constructor(subscriber: PeerClient) {
    subscriber.on("message", (topic) => {
      this.counts.set(topic, (this.counts.get(topic) ?? 0) + 1);
      this.last.set(topic, performance.now());
    });
  }

  /** Messages per second on `topic` from `start`, once `count` arrived or nothing more came for 1 s. */
  async rate(topic: string, count: number, start: number): Promise<number> {
    let seen = -1;
    for (let quiet = 0; quiet < 1000 && (this.counts.get(topic) ?? 0) < count; quiet++) {
      if ((this.counts.get(topic) ?? 0) !== seen) quiet = 0;
      seen = this.counts.get(topic) ?? 0;
      await delay(1);
    }
    const received = this.counts.get(topic) ?? 0;
    if (received === 0) throw new Error(`bench: nothing arrived on ${topic}`);
    return (received * 1000) / (this.last.get(topic)! - start);
  }
}

/** Publishes `count` messages from our client, keeping its queue under its bound, yielding to I/O when full. */
function publishOurs(client: MqttClient, topic: string, qos: number, count: number): void {
  let index = 0;
  const pump = (): void => {
    while (index < count && client.queue.length < QUEUE - 1) {
      if (client.publish(topic, PAYLOAD_STRING, qos, false) !== 0) throw new Error("bench: our publish was refused");
      index++;
    }
    if (index < count) setImmediate(pump);
  };
  pump();
}

async function throughputRows(broker: Broker, settings: BenchSettings, counter: Counter): Promise<BenchResult[]> {
  const rounds = settings.quick ? 2 : 5;
  const rows: BenchResult[] = [];
  for (const qos of [0, 1]) {
    const count = settings.quick ? 2000 : qos === 0 ? 20_000 : 10_000;
    const transport = new NodeTransport();
    const ours = createClient(ourOptions(broker.port, `bench-ours-qos${qos}`), transport, nodeClock);
    ours.start();
    await until(() => ours.state === STATE_READY, 5000, "our client to connect");
    const peer = await connectPeer(broker.port, `bench-peer-qos${qos}`);
    const oursRates: number[] = [];
    const peerRates: number[] = [];
    for (let round = -1; round < rounds; round++) {
      const order = round % 2 === 0 ? ["ours", "peer"] : ["peer", "ours"];
      for (const side of order) {
        const topic = `bench/${side}/qos${qos}/${round + 1}`;
        const start = performance.now();
        if (side === "ours") publishOurs(ours, topic, qos, count);
        else for (let index = 0; index < count; index++) peer.publish(topic, PAYLOAD_BUFFER, { qos: qos as 0 | 1 });
        const rate = await counter.rate(topic, count, start);
        if (side === "ours") await until(() => ours.queue.length === 0, 10_000, "our queue to empty");
        if (round >= 0) (side === "ours" ? oursRates : peerRates).push(rate);
      }
    }
    if (ours.counters.dropped !== 0) throw new Error(`bench: our client dropped ${ours.counters.dropped}`);
    ours.end();
    await peer.endAsync();
    const ourRate = median(oursRates);
    const peerRate = median(peerRates);
    rows.push({
      name: `QoS ${qos} publishes of 64 B via ${broker.name}, counted at an MQTT.js subscriber${qos ? `; our window ${WINDOW}` : ""}`,
      unit: "msg/s", ours: Math.round(ourRate), peer: PEER, peerValue: Math.round(peerRate), ratio: ourRate / peerRate,
    });
  }
  return rows;
}

/** Milliseconds from start to the first PUBACK: ours pipelined, MQTT.js after CONNACK. */
async function firstAckOurs(port: number, round: number): Promise<number> {
  const transport = new NodeTransport();
  const client = createClient(ourOptions(port, `bench-latency-ours-${round}`), transport, nodeClock);
  client.publish("bench/latency", PAYLOAD_STRING, 1, false);
  let acknowledged = 0;
  const onData = transport.events.onData;
  transport.events = {
    ...transport.events,
    onData(chunk) {
      onData(chunk);
      if (!acknowledged && client.counters.acknowledged > 0) acknowledged = performance.now();
    },
  };
  const start = performance.now();
  client.start();
  await until(() => acknowledged > 0, 5000, "our first PUBACK");
  client.end();
  return acknowledged - start;
}

async function firstAckPeer(port: number, round: number): Promise<number> {
  const start = performance.now();
  const peer = connect({ host: "127.0.0.1", port, protocolVersion: 4, clientId: `bench-latency-peer-${round}`, clean: true, reconnectPeriod: 0 });
  const acknowledged = await new Promise<number>((resolve, reject) => {
    peer.once("error", reject);
    peer.once("connect", () => peer.publish("bench/latency", PAYLOAD_BUFFER, { qos: 1 }, (error) => (error ? reject(error) : resolve(performance.now()))));
  });
  await peer.endAsync();
  return acknowledged - start;
}

async function latencyRows(broker: Broker, settings: BenchSettings): Promise<BenchResult[]> {
  const proxy = await startDelayProxy(broker.host, broker.port, PROXY_DELAY);
  const rounds = settings.quick ? 3 : 9;
  const ours: number[] = [];
  const peer: number[] = [];
  try {
    for (let round = -1; round < rounds; round++) {
      const first = round % 2 === 0;
      const a = first ? await firstAckOurs(proxy.port, round) : await firstAckPeer(proxy.port, round);
      const b = first ? await firstAckPeer(proxy.port, round) : await firstAckOurs(proxy.port, round);
      if (round < 0) continue;
      ours.push(first ? a : b);
      peer.push(first ? b : a);
    }
  } finally {
    await proxy.close();
  }
  const oursMs = Math.round(median(ours) * 10) / 10;
  const peerMs = Math.round(median(peer) * 10) / 10;
  const roundTrip = 2 * PROXY_DELAY;
  const name = `connect to first PUBACK via ${broker.name} behind a proxy adding ${PROXY_DELAY} ms each way (ours pipelined, MQTT.js publishes on connect)`;
  return [
    lowerIsBetterResult(name, "ms", oursMs, PEER, peerMs),
    lowerIsBetterResult(name, `round trips of ${roundTrip} ms`, Math.round((oursMs / roundTrip) * 100) / 100, PEER, Math.round((peerMs / roundTrip) * 100) / 100),
  ];
}

async function sizeRows(): Promise<BenchResult[]> {
  const entry = fileURLToPath(new URL("./client-device-entry.js", import.meta.url));
  const full = await bundleForEspruino({ entry });
  const withoutQos2 = await bundleForEspruino({ entry, define: { MOTE_QOS2: "false" } });
  // as the node's build builds it (scripts/build/build.ts): the options checked on the host (checkClientOptions), no unsubscribe, and the
  // node's property names shortened (NODE_PRIVATE_PROPERTIES: the client's options among them, which a node's bundle makes inside itself)
  const nodeSwitches = { MOTE_CLIENT_CHECKED: "true", MOTE_UNSUBSCRIBE: "false" };
  const asNode = await bundleForEspruino({ entry, define: { ...nodeSwitches, MOTE_QOS2: "false" }, privateProperties: NODE_PRIVATE_PROPERTIES });
  const asNodeQos2 = await bundleForEspruino({ entry, define: { ...nodeSwitches, MOTE_QOS2: "true" }, privateProperties: NODE_PRIVATE_PROPERTIES });
  // the same switches with the option names kept, as for an application that passes the options in from outside the bundle
  const asNodeLongNames = await bundleForEspruino({ entry, define: { ...nodeSwitches, MOTE_QOS2: "false" } });
  const peer = `Espruino MQTT module (modules/MQTT.js minified): ${ESPRUINO_MQTT_BYTES.toLocaleString("en-US")} bytes, a constant, not measured`;
  // the same modules where the example node's bundle holds them (esbuild's metafile)
  const example = await buildBundle({ board: "esp8266" });
  const inExample = example.sizes.filter((size) => size.module.startsWith("firmware/mqtt/")).reduce((sum, size) => sum + size.bytes, 0);
  const what = "client + codec + Espruino transport, minified device bundle";
  return [
    lowerIsBetterResult(`${what}, no build switch: QoS 0/1/2, options checked on the device, unsubscribe`, "bytes", full.code.length, peer, ESPRUINO_MQTT_BYTES),
    lowerIsBetterResult(`${what}, no build switch but MOTE_QOS2=false: QoS 0/1`, "bytes", withoutQos2.code.length, peer, ESPRUINO_MQTT_BYTES),
    lowerIsBetterResult(`${what}, as a node builds it, QoS 0/1: options checked by the build, no unsubscribe, node property names shortened (MOTE_QOS2=false, MOTE_CLIENT_CHECKED=true, MOTE_UNSUBSCRIBE=false)`, "bytes", asNode.code.length, peer, ESPRUINO_MQTT_BYTES),
    lowerIsBetterResult(`${what}, as a node builds it, QoS 0/1/2 (a node with QoS 2 commands: MOTE_QOS2=true)`, "bytes", asNodeQos2.code.length, peer, ESPRUINO_MQTT_BYTES),
    lowerIsBetterResult(`${what}, the node's switches with the options' names kept (options passed in from outside the bundle)`, "bytes", asNodeLongNames.code.length, peer, ESPRUINO_MQTT_BYTES),
    lowerIsBetterResult("client + codec + Espruino transport (firmware/mqtt/) in the example node's esp8266 bundle, by esbuild's metafile", "bytes", inExample, peer, ESPRUINO_MQTT_BYTES),
  ];
}

export const clientSuite: BenchSuite = {
  name: "mqtt client",
  async run(settings) {
    const broker = await preferredBroker().start({ persistence: false });
    const subscriber = await connectPeer(broker.port, "bench-subscriber");
    try {
      const counter = new Counter(subscriber);
      await subscriber.subscribeAsync("bench/#", { qos: 1 });
      const throughput = await throughputRows(broker, settings, counter);
      const latency = await latencyRows(broker, settings);
      return throughput.concat(latency, await sizeRows());
    } finally {
      await subscriber.endAsync();
      await broker.stop();
    }
  },
};
