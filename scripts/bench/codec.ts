/**
 * MQTT codec suite: ops/s of our encoders and decoders against mqtt-packet
 * (the codec mqtt.js uses) on a telemetry PUBLISH, a CONNECT with will and
 * credentials and a SUBACK, and the minified size of the device part of the
 * codec against mqtt-packet's bundle.
 *
 * Decoding with mqtt-packet means a persistent `parser()` fed the bytes and
 * counting 'packet' events, as mqtt.js uses it; it frames, decodes and builds
 * a packet object with a topic string and a payload Buffer. Our decoder fills
 * offsets only, so two extra rows show what reading the topic and framing
 * cost us. mqtt-packet's `generate` allocates its output; ours writes into a
 * caller's buffer.
 */
import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import * as mqttPacket from "mqtt-packet";
import * as C from "../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../firmware/mqtt/decode.ts";
import { encodeConnect, encodePublish } from "../../firmware/mqtt/encode.ts";
import { decodePacket, encodeSuback } from "../../firmware/mqtt/broker.ts";
import { Framer } from "../../firmware/mqtt/framer.ts";
import { createPacketRecord } from "../../firmware/mqtt/packets.ts";
import type { ConnectOptions, PublishOptions } from "../../firmware/mqtt/packets.ts";
import { readUtf8 } from "../../firmware/mqtt/utf8.ts";
import { bundleForEspruino } from "../espruino-esbuild.ts";
import { lowerIsBetterResult, throughputResult } from "./measure.ts";
import type { Batch, BenchResult, BenchSettings, BenchSuite } from "./measure.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PEER_VERSION = (createRequire(import.meta.url)("mqtt-packet/package.json") as { version: string }).version;
const PEER = `mqtt-packet ${PEER_VERSION}`;

const TOPIC = "mote/greenhouse-2/sensor/temp1";
const PAYLOAD = new Uint8Array(64).map((_, index) => (index * 37) & 0xff);

function ourBytes(encode: (buffer: Uint8Array) => number): Uint8Array {
  const buffer = new Uint8Array(1024);
  const end = encode(buffer);
  if (end <= 0) throw new Error(`bench fixture does not encode: ${end}`);
  return buffer.slice(0, end);
}

function peerBytes(packet: mqttPacket.Packet, ours: Uint8Array, what: string): void {
  const theirs = mqttPacket.generate(packet);
  if (Buffer.compare(theirs, ours) !== 0) throw new Error(`bench fixture ${what}: our bytes differ from mqtt-packet's`);
}

/** A persistent mqtt-packet parser fed `bytes` once per iteration; returns packets seen. */
function peerParse(bytes: Uint8Array): Batch {
  const input = Buffer.from(bytes);
  const parser = mqttPacket.parser();
  let packets = 0;
  parser.on("packet", () => packets++);
  parser.on("error", (error: Error) => {
    throw error;
  });
  return (iterations) => {
    for (let index = 0; index < iterations; index++) parser.parse(input);
    return packets;
  };
}

function peerGenerate(packet: mqttPacket.Packet): Batch {
  return (iterations) => {
    let total = 0;
    for (let index = 0; index < iterations; index++) total += mqttPacket.generate(packet).length;
    return total;
  };
}

function publishRows(settings: BenchSettings): BenchResult[] {
  const options: PublishOptions = { topic: TOPIC, payload: PAYLOAD, qos: 1, retain: false, dup: false, packetId: 4242 };
  const peerPacket: mqttPacket.IPublishPacket = { cmd: "publish", topic: TOPIC, payload: Buffer.from(PAYLOAD), qos: 1, retain: false, dup: false, messageId: 4242 };
  const buffer = new Uint8Array(256);
  const bytes = ourBytes((target) => encodePublish(target, 0, options));
  peerBytes(peerPacket, bytes, "PUBLISH");
  const record = createPacketRecord();
  let framed = 0;
  const framer = new Framer(256, (frame, start, end) => {
    framed += decodeFromBroker(frame, start, end, record);
  });
  const label = `PUBLISH QoS 1, ${TOPIC.length}-char topic, ${PAYLOAD.length}-byte payload`;
  return [
    throughputResult(`encode ${label}`, `${PEER} generate`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += encodePublish(buffer, 0, options);
      return total;
    }, peerGenerate(peerPacket), settings),
    throughputResult(`decode ${label}`, `${PEER} parser`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += decodeFromBroker(bytes, 0, bytes.length, record);
      return total;
    }, peerParse(bytes), settings),
    throughputResult(`decode ${label} + readUtf8(topic)`, `${PEER} parser`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) {
        total += decodeFromBroker(bytes, 0, bytes.length, record);
        total += readUtf8(bytes, record.topicStart, record.topicEnd).length;
      }
      return total;
    }, peerParse(bytes), settings),
    throughputResult(`frame (Framer.push) + decode ${label}`, `${PEER} parser`, (iterations) => {
      for (let index = 0; index < iterations; index++) framer.push(bytes);
      return framed;
    }, peerParse(bytes), settings),
  ];
}

const VARIED_COUNT = 64;

/**
 * 64 different QoS 1 PUBLISH packets, taken in turn: ASCII topics of 9 to 60
 * characters in the shape devices use, payloads of 0 to 126 bytes. Shows that
 * no speed depends on one topic or one payload size.
 */
function variedPublishes(): { ours: PublishOptions[]; peer: mqttPacket.IPublishPacket[]; bytes: Uint8Array[] } {
  const ours: PublishOptions[] = [];
  const peer: mqttPacket.IPublishPacket[] = [];
  const bytes: Uint8Array[] = [];
  const words = ["mote", "greenhouse", "sensor", "temp", "humidity", "status", "relay", "cellar-3", "co2", "lux"];
  for (let index = 0; index < VARIED_COUNT; index++) {
    let topic = `${words[index % 3]}/${words[(index * 7) % words.length]}-${index}`;
    for (let level = 0; topic.length < 9 + ((index * 23) % 52); level++) topic += `/${words[(index + level * 3) % words.length]}`;
    topic = topic.slice(0, 9 + ((index * 23) % 52)).replace(/\/$/, "x");
    const payload = new Uint8Array((index * 29) % 127).map((_, offset) => (offset * 31 + index) & 0xff);
    const packetId = 1 + ((index * 977) % 65535);
    ours.push({ topic, payload, qos: 1, retain: index % 5 == 0, dup: false, packetId });
    peer.push({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: index % 5 == 0, dup: false, messageId: packetId });
    bytes.push(ourBytes((target) => encodePublish(target, 0, ours[index]!)));
    peerBytes(peer[index]!, bytes[index]!, `varied PUBLISH ${index}`);
  }
  return { ours, peer, bytes };
}

function variedPublishRows(settings: BenchSettings): BenchResult[] {
  const varied = variedPublishes();
  const buffer = new Uint8Array(256);
  const record = createPacketRecord();
  const inputs = varied.bytes.map((bytes) => Buffer.from(bytes));
  const parser = mqttPacket.parser();
  let packets = 0;
  parser.on("packet", () => packets++);
  parser.on("error", (error: Error) => {
    throw error;
  });
  const label = `PUBLISH QoS 1, ${VARIED_COUNT} varied: topics of 9-60 chars, payloads of 0-126 bytes`;
  return [
    throughputResult(`encode ${label}`, `${PEER} generate`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += encodePublish(buffer, 0, varied.ours[index & (VARIED_COUNT - 1)]!);
      return total;
    }, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += mqttPacket.generate(varied.peer[index & (VARIED_COUNT - 1)]!).length;
      return total;
    }, settings),
    throughputResult(`decode ${label}`, `${PEER} parser`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) {
        const bytes = varied.bytes[index & (VARIED_COUNT - 1)]!;
        total += decodeFromBroker(bytes, 0, bytes.length, record);
      }
      return total;
    }, (iterations) => {
      for (let index = 0; index < iterations; index++) parser.parse(inputs[index & (VARIED_COUNT - 1)]!);
      return packets;
    }, settings),
  ];
}

function connectRows(settings: BenchSettings): BenchResult[] {
  const options: ConnectOptions = {
    clientId: "mote-greenhouse-2", cleanSession: true, keepalive: 60, username: "greenhouse", password: "s3cret-token-0123456789",
    will: { topic: "mote/greenhouse-2/status", payload: "offline", qos: 1, retain: true },
  };
  const peerPacket: mqttPacket.IConnectPacket = {
    cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: "mote-greenhouse-2", clean: true, keepalive: 60,
    username: "greenhouse", password: Buffer.from("s3cret-token-0123456789"),
    will: { topic: "mote/greenhouse-2/status", payload: Buffer.from("offline"), qos: 1, retain: true },
  };
  const buffer = new Uint8Array(256);
  const bytes = ourBytes((target) => encodeConnect(target, 0, options));
  peerBytes(peerPacket, bytes, "CONNECT");
  const record = createPacketRecord();
  return [
    throughputResult("encode CONNECT with will and credentials", `${PEER} generate`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += encodeConnect(buffer, 0, options);
      return total;
    }, peerGenerate(peerPacket), settings),
    throughputResult("decode CONNECT with will and credentials (decodePacket)", `${PEER} parser`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += decodePacket(bytes, 0, bytes.length, record);
      return total;
    }, peerParse(bytes), settings),
  ];
}

function subackRows(settings: BenchSettings): BenchResult[] {
  const codes = [0, 1, 2, C.SUBACK_FAILURE];
  const peerPacket: mqttPacket.ISubackPacket = { cmd: "suback", messageId: 77, granted: codes.slice() };
  const buffer = new Uint8Array(64);
  const bytes = ourBytes((target) => encodeSuback(target, 0, 77, codes));
  peerBytes(peerPacket, bytes, "SUBACK");
  const record = createPacketRecord();
  return [
    throughputResult("encode SUBACK with 4 return codes (encodeSuback)", `${PEER} generate`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += encodeSuback(buffer, 0, 77, codes);
      return total;
    }, peerGenerate(peerPacket), settings),
    throughputResult("decode SUBACK with 4 return codes", `${PEER} parser`, (iterations) => {
      let total = 0;
      for (let index = 0; index < iterations; index++) total += decodeFromBroker(bytes, 0, bytes.length, record);
      return total;
    }, peerParse(bytes), settings),
  ];
}

async function sizeRows(): Promise<BenchResult[]> {
  const ours = await bundleForEspruino({ entry: fileURLToPath(new URL("./codec-device-entry.ts", import.meta.url)) });
  const peer = await esbuild.build({
    stdin: { contents: 'import * as mqtt from "mqtt-packet"; globalThis.mqttPeer = [mqtt.generate, mqtt.parser];', resolveDir: ROOT, loader: "js" },
    bundle: true, minify: true, write: false, platform: "browser", format: "iife", target: "es2015",
    outfile: "peer.js", metafile: true, logLevel: "silent", legalComments: "none",
  });
  const peerTotal = peer.outputFiles[0]!.contents.length;
  let peerOwn = 0;
  for (const [input, contribution] of Object.entries(peer.metafile.outputs["peer.js"]!.inputs)) {
    if (input.includes("node_modules/mqtt-packet/")) peerOwn += contribution.bytesInOutput;
  }
  const name = "device codec, minified (send-string encoders, receive framer + decoder, text.ts checks)";
  return [
    lowerIsBetterResult(name, "bytes", ours.code.length, `${PEER} generate+parser, browser bundle with its Buffer/stream polyfills`, peerTotal),
    lowerIsBetterResult(name, "bytes", ours.code.length, `${PEER} generate+parser, its own modules only (no bl/buffer/stream/debug)`, peerOwn),
  ];
}

export const codecSuite: BenchSuite = {
  name: "mqtt codec",
  async run(settings) {
    return publishRows(settings).concat(variedPublishRows(settings), connectRows(settings), subackRows(settings), await sizeRows());
  },
};
