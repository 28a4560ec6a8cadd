/**
 * The client's receive path (firmware/mqtt/receive.ts) against the host
 * codec it stands in for: Framer (framer.ts) then decodeFromBroker
 * (decode.ts). The same streams, cut the same way, must give the same push
 * results and, packet by packet, the same decode result and the same fields.
 * Streams: valid packets of every type from mqtt-packet, and the fuzz
 * inputs (mutated, truncated, random), in random chunks (the receiver
 * takes binary strings, one char per byte, as Espruino's sockets give them
 * and the host's transports convert to). Seeded: MOTE_FUZZ_SEED replays
 * another seed.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { Framer } from "../../../firmware/mqtt/framer.ts";
import { createClientRecord } from "../../../firmware/mqtt/packets.ts";
import { createReceiver, type Incoming } from "../../../firmware/mqtt/receive.ts";
import { checkText } from "../../../firmware/mqtt/text.ts";
import { checkUtf8 } from "../../../firmware/mqtt/utf8.ts";
import { buildCorpus, chunk, nextInput, Random } from "./fuzz-inputs.ts";

const SEED = Number(process.env["MOTE_FUZZ_SEED"] ?? 0x72656376);
const STREAMS = 20000;
const CAPACITY = 512;

/** What one delivered packet says, as the client reads it. */
function describeHost(result: number, bytes: Uint8Array, record: ReturnType<typeof createClientRecord>): string {
  if (result < 0) return errorName(result);
  const type = record.type;
  if (type == C.PUBLISH) {
    // the device keeps a topic as its UTF-8 bytes, in a binary string
    return `PUBLISH q${record.qos} id${record.packetId} r${Number(record.retain)} ${JSON.stringify(latin1(bytes.subarray(record.topicStart, record.topicEnd)))} `
      + Buffer.from(bytes.subarray(record.payloadStart, record.payloadEnd)).toString("hex");
  }
  if (type == C.CONNACK) return `CONNACK ${Number(record.sessionPresent)} ${record.returnCode}`;
  if (type == C.SUBACK) return `SUBACK id${record.packetId} ${bytes[record.payloadStart]}`;
  if (type == C.PINGRESP) return "PINGRESP";
  return `ACK${type} id${record.packetId}`;
}

/** Bytes as a binary string, one char per byte. */
function latin1(bytes: Uint8Array | string): string {
  return typeof bytes == "string" ? bytes : Buffer.from(bytes).toString("latin1");
}

function describeDevice(result: number, bytes: string, packet: Incoming): string {
  if (result < 0) return errorName(result);
  const type = packet.incomingType;
  if (type == C.PUBLISH) {
    return `PUBLISH q${packet.incomingQos} id${packet.incomingId} r${Number(packet.incomingRetain)} ${JSON.stringify(packet.incomingTopic)} `
      + Buffer.from(bytes.substring(packet.incomingStart, result), "latin1").toString("hex");
  }
  if (type == C.CONNACK) return `CONNACK ${Number(packet.incomingSession)} ${packet.incomingCode}`;
  if (type == C.SUBACK) return `SUBACK id${packet.incomingId} ${packet.incomingCode}`;
  if (type == C.PINGRESP) return "PINGRESP";
  return `ACK${type} id${packet.incomingId}`;
}

/** Runs the chunks through both paths; returns both logs (one line per delivery and per non-zero push result). */
function run(chunks: (Uint8Array | string)[]): { host: string[]; device: string[] } {
  const host: string[] = [];
  const device: string[] = [];
  const record = createClientRecord();
  const framer = new Framer(CAPACITY, (bytes, start, end) => {
    host.push(describeHost(decodeFromBroker(bytes, start, end, record), bytes, record));
  });
  const deliver = (result: number, packet: Incoming, bytes: string) => device.push(describeDevice(result, bytes, packet));
  let receiver = createReceiver(CAPACITY, deliver);
  for (const piece of chunks) {
    const framed = framer.push(piece);
    if (framed) host.push("push " + errorName(framed));
    const received = receiver(latin1(piece));
    if (received) device.push("push " + errorName(received));
    // after such an error the connection closes, and the next one has a new receiver (as the client does); the Framer drops what it held
    if (received) receiver = createReceiver(CAPACITY, deliver);
  }
  return { host, device };
}

describe("receive: the client's framer and decoder, against Framer + decodeFromBroker", function () {
  this.timeout(60000);

  it(`agrees on ${STREAMS} fuzz streams (valid, mutated and random packets) in random chunks`, function () {
    const random = new Random(SEED);
    const corpus = buildCorpus(SEED, 600, CAPACITY + 64);
    const seen = new Set<string>();
    for (let index = 0; index < STREAMS; index++) {
      const inputs: Uint8Array[] = [];
      const count = 1 + random.below(4);
      for (let part = 0; part < count; part++) inputs.push(nextInput(random, corpus));
      const logs = run(chunk(random, new Uint8Array(Buffer.concat(inputs))));
      assert.deepEqual(logs.device, logs.host, `stream ${index}`);
      for (const line of logs.host) seen.add(line.split(" ")[0] == "push" ? line : line.split(" ")[0]!);
    }
    for (const expected of ["PUBLISH", "CONNACK", "SUBACK", "PINGRESP", "ACK4", "ERR_RESERVED_FLAGS", "ERR_UNEXPECTED_TYPE", "ERR_MALFORMED_UTF8",
      "ERR_TRAILING_BYTES", "ERR_STRING_LENGTH", "push ERR_PACKET_TOO_LARGE", "push ERR_PACKET_TYPE"]) {
      assert.ok(seen.has(expected), `the streams never produced ${expected}: ${[...seen].sort().join(", ")}`);
    }
  });

  it("agrees on every topic name of 1 to 4 bytes drawn from UTF-8's boundary bytes (lead, continuation, overlong, surrogate, U+10FFFF, U+0000, wildcards)", function () {
    const interesting = [0x00, 0x0a, 0x22, 0x23, 0x2b, 0x2f, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    let topics: number[][] = [[]];
    const seen = new Set<string>();
    for (let length = 1; length <= 4; length++) {
      topics = topics.flatMap((topic) => interesting.map((byte) => [...topic, byte]));
      for (const topic of topics) {
        const packet = Uint8Array.from([0x32, 2 + length + 2, 0, length, ...topic, 0, 9]);
        const logs = run([packet]);
        assert.deepEqual(logs.device, logs.host, Buffer.from(topic).toString("hex"));
        seen.add(logs.host[0]!.split(" ")[0]!);
      }
    }
    const empty = run([Uint8Array.from([0x32, 4, 0, 0, 0, 9])]);
    assert.deepEqual(empty.device, empty.host);
    seen.add(empty.host[0]!);
    assert.deepEqual([...seen].sort(), ["ERR_EMPTY_TOPIC", "ERR_MALFORMED_UTF8", "ERR_NULL_CHARACTER", "ERR_TOPIC_WILDCARD", "PUBLISH"]);
  });

  it("checks text as checkUtf8 does (U+0000 allowed but in an MQTT string), on every 1 to 4 bytes drawn from UTF-8's boundary bytes; a char above 0xFF is no byte", function () {
    const interesting = [0x00, 0x0a, 0x22, 0x23, 0x41, 0x5c, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    let texts: number[][] = [[]];
    const seen = new Set<string>();
    assert.equal(checkText("", 0, 0), 0);
    for (let length = 1; length <= 4; length++) {
      texts = texts.flatMap((text) => interesting.map((byte) => [...text, byte]));
      for (const text of texts) {
        // inside a larger buffer, as a topic or payload is: only [start, end) is read
        const bytes = Uint8Array.from([0xc3, ...text, 0xa9]);
        const show = Buffer.from(text).toString("hex");
        assert.equal(checkText(latin1(bytes), 1, 1 + length, true), checkUtf8(bytes, 1, 1 + length), show);
        // checkUtf8 refuses U+0000, an MQTT string's rule: a payload is checked with each 0x00 (a 1-byte character) made 0x01
        const expected = checkUtf8(bytes.map((byte) => byte || 1), 1, 1 + length);
        assert.equal(checkText(latin1(bytes), 1, 1 + length), expected, show);
        seen.add(errorName(checkText(latin1(bytes), 1, 1 + length, true)));
      }
    }
    assert.deepEqual([...seen].sort(), ["ERR_MALFORMED_UTF8", "ERR_NULL_CHARACTER", "OK(0)"]);
    const text = "ON \u00e9\u20ac\ud83d\ude00\u0000\"\\";
    assert.equal(checkText(Buffer.from(text, "utf8").toString("latin1"), 0, Buffer.byteLength(text)), 0);
    for (const wide of ["\u0100", "a\u20ac", "\ud83d\ude00"]) assert.equal(checkText(wide, 0, wide.length), C.ERR_MALFORMED_UTF8, JSON.stringify(wide));
  });

  it("delivers each packet once whether split at every byte or joined in one chunk, and a new receiver (a new connection) holds nothing of the old one's partial packet", function () {
    const packets = [
      [0x20, 0x02, 0x01, 0x00],
      [0x32, 0x0a, 0x00, 0x03, 0x61, 0x2f, 0x62, 0x00, 0x07, 0x68, 0x69, 0x21],
      [0x90, 0x04, 0x00, 0x05, 0x01, 0x80],
      [0xd0, 0x00],
    ];
    const all = Uint8Array.from(packets.flat());
    const whole = run([all]);
    const bytewise = run(Array.from(all, (byte) => String.fromCharCode(byte)));
    assert.deepEqual(whole.device, ["CONNACK 1 0", "PUBLISH q1 id7 r0 \"a/b\" 686921", "SUBACK id5 1", "PINGRESP"]);
    assert.deepEqual(bytewise.device, whole.device);
    const delivered: number[] = [];
    const first = createReceiver(64, (result) => delivered.push(result));
    assert.equal(first(latin1(all.subarray(0, 6))), 0);
    const second = createReceiver(64, (result) => delivered.push(result));
    assert.equal(second(latin1(all.subarray(6))), C.ERR_PACKET_TYPE, "a new connection's receiver holds nothing of the old one's: the tail of the PUBLISH is read as a new header");
    assert.deepEqual(delivered, [4]);
    assert.equal(first(latin1(all.subarray(6))), 0, "the old one still completes what it held");
    assert.deepEqual(delivered, [4, 12, 18, 20], "each packet's end in the string it lies in");
  });
});
