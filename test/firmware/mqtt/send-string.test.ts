/**
 * publishString (firmware/mqtt/send-string.ts): the PUBLISH packet as one
 * binary string. Given a message's topic and payload as their UTF-8 bytes
 * (as a device holds text: device-text.ts), byte for byte what
 * encodePublish writes for the text, or the error code encodePublish
 * returns, for any input (plain ASCII topics, refused ones and the rest,
 * each kind well represented). Then the client end to end: every packet goes out through
 * Transport.sendString, each PUBLISH exactly encodePublish's bytes. The
 * other string encoders are held to encode.ts in send-string-oracle.test.ts.
 * Seeded: MOTE_FC_SEED replays another seed.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { createClient } from "../../../firmware/mqtt/client.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodePacket } from "../../../firmware/mqtt/broker.ts";
import { encodePublish } from "../../../firmware/mqtt/encode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { createPacketRecord, type PublishOptions } from "../../../firmware/mqtt/packets.ts";
import { publishString } from "../../../firmware/mqtt/send-string.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { makeOptions } from "./client-harness.ts";
import { deviceOptions, utf8Bytes } from "./device-text.ts";
import { ack, connack, FakeTransport } from "./fake-transport.ts";

const RUNS = 2000;
const SEED = Number(process.env["MOTE_FC_SEED"] ?? 0x6d6f7465);

/** encodePublish's bytes as a latin1 string, or its error code. */
function encoded(options: PublishOptions): string | number {
  const buffer = new Uint8Array(options.topic.length * 3 + (typeof options.payload == "string" ? options.payload.length * 3 : options.payload.length) + 16);
  const end = encodePublish(buffer, 0, options);
  return end < 0 ? end : Buffer.from(buffer.subarray(0, end)).toString("latin1");
}

/** A plain message: a non-empty wildcard-free topic of chars 0x01..0x7F, valid QoS (what topicError passes with one native test). */
function eligible(options: PublishOptions): boolean {
  const { topic, qos } = options;
  return topic.length > 0 && !/[^\x01-\x7f]|[+#]/.test(topic) && (qos === 0 || qos === 1 || qos === 2);
}

function show(value: string | number): string {
  return typeof value == "string" ? Buffer.from(value, "latin1").toString("hex") : `${value} (${errorName(value)})`;
}

const ascii = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x01, max: 0x7f }).map((code) => String.fromCharCode(code)), minLength: min, maxLength: max });
/** Mostly clean ASCII, sometimes one intruder: a wildcard, U+0000, Latin-1, BMP or astral. */
const spoiled = (base: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof(
  { weight: 6, arbitrary: base },
  {
    weight: 1,
    arbitrary: fc.tuple(base, fc.constantFrom("+", "#", "\u0000", "\u0080", "\u00e9", "\u00ff", "\u0100", "\u20ac", "\ud83d\ude00"), fc.nat())
      .map(([text, intruder, at]) => text.slice(0, at % (text.length + 1)) + intruder + text.slice(at % (text.length + 1))),
  },
);
const valid = fc.record({
  topic: ascii(1, 40).filter((topic) => !/[+#]/.test(topic)),
  payload: ascii(0, 300),
  qos: fc.constantFrom(0, 1, 2),
  retain: fc.boolean(),
  dup: fc.boolean(),
  packetId: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(1, 127, 128, 255, 256, 32767, 32768, 65535)),
}).map((options) => ({ ...options, dup: options.qos > 0 && options.dup }));
/**
 * Anything an application can pass: packet ids and DUP are not among them
 * (the client allocates ids 1..65535 and sets DUP only on a QoS 1 or 2
 * resend), and publishString takes those as given, so they stay valid here.
 */
const anything = fc.record({
  topic: spoiled(ascii(0, 40)),
  payload: fc.oneof({ weight: 4, arbitrary: spoiled(ascii(0, 300)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) }),
  qos: fc.constantFrom(0, 1, 2, 0, 1, 2, 3, -1, 1.5, Number.NaN),
  retain: fc.boolean(),
  dup: fc.boolean(),
  packetId: fc.constantFrom(1, 2, 255, 256, 65535),
}).map((options) => ({ ...options, dup: options.qos !== 0 && options.dup }));

describe("publishString: PUBLISH as one binary string", function () {
  it(`equals encodePublish's bytes for valid ASCII messages (${RUNS} runs)`, function () {
    fc.assert(fc.property(valid, (options) => {
      const packet = publishString(deviceOptions(options));
      assert.equal(typeof packet, "string", `declined ${JSON.stringify(options)}`);
      assert.equal(show(packet), show(encoded(options)));
    }), { numRuns: RUNS, seed: SEED });
  });

  it(`equals encodePublish for anything: the same bytes or the same error code (${RUNS} runs)`, function () {
    let refused = 0;
    let plain = 0;
    fc.assert(fc.property(anything, (options) => {
      const packet = publishString(deviceOptions(options));
      assert.equal(show(packet), show(encoded(options)), JSON.stringify(options));
      if (typeof packet == "number") refused++;
      if (eligible(options)) plain++;
    }), { numRuns: RUNS, seed: SEED + 1 });
    assert.ok(refused > RUNS / 10 && plain > RUNS / 10 && refused + plain < RUNS, `refused ${refused}, plain ${plain}: the inputs must mix all three kinds`);
  });

  it("writes 1-, 2-, 3- and 4-byte remaining lengths at their boundaries", function () {
    for (const remaining of [127, 128, 16383, 16384, 2097151, 2097152]) {
      const options: PublishOptions = { topic: "t/x", payload: "p".repeat(remaining - 7), qos: 1, retain: true, dup: true, packetId: 0x1234 };
      const packet = publishString(options) as string;
      assert.equal(typeof packet, "string");
      assert.equal(packet === encoded(options), true, `remaining length ${remaining}`);
    }
  });

  it("takes a 65,535-byte topic and refuses a 65,536-byte one with ERR_VALUE, ASCII or not", function () {
    const long: PublishOptions = { topic: "a".repeat(65535), payload: "x", qos: 0, retain: false, dup: false, packetId: 0 };
    assert.equal(publishString(long) === encoded(long), true);
    assert.equal(publishString({ ...long, topic: "a".repeat(65536) }), C.ERR_VALUE);
    assert.equal(encoded({ ...long, topic: "a".repeat(65536) }), C.ERR_VALUE);
    assert.equal(publishString({ ...long, topic: utf8Bytes("\u00e9".repeat(32767) + "a") }) === encoded({ ...long, topic: "\u00e9".repeat(32767) + "a" }), true);
    assert.equal(publishString({ ...long, topic: utf8Bytes("\u00e9".repeat(32768)) }), C.ERR_VALUE);
  });

  it("sends non-ASCII, U+0000 in payloads and Uint8Array payloads, and refuses wildcards, empty topics, U+0000 or lone surrogates in topics, or invalid QoS with encodePublish's codes", function () {
    const base: PublishOptions = { topic: "a/b", payload: "{\"t\":21.5}", qos: 1, retain: false, dup: false, packetId: 7 };
    assert.equal(typeof publishString(base), "string");
    const declined: Partial<PublishOptions>[] = [
      { topic: "" }, { topic: "a/+" }, { topic: "a/#" }, { topic: "+" }, { topic: "caf\u00e9" }, { topic: "a\u0000b" }, { topic: "\u20ac" },
      { payload: "\u00e9" }, { payload: "\u0080" }, { payload: "x\u0000" }, { payload: "\ud83d\ude00" }, { payload: new Uint8Array([1, 2]) },
      { payload: new Uint8Array(0) }, { qos: 3 }, { qos: -1 }, { qos: 1.5 }, { qos: Number.NaN },
    ];
    const refused: Partial<PublishOptions>[] = [{ topic: "\ud83d" }, { topic: "a/\udc00" }];
    for (const change of [...declined, ...refused]) {
      const options = { ...base, ...change };
      assert.equal(show(publishString(deviceOptions(options))), show(encoded(options)), JSON.stringify(change));
    }
    const codes = [...declined, ...refused].map((change) => publishString(deviceOptions({ ...base, ...change }))).filter((packet) => typeof packet == "number");
    assert.deepEqual(codes.map((code) => errorName(code as number)), [
      "ERR_EMPTY_TOPIC", "ERR_TOPIC_WILDCARD", "ERR_TOPIC_WILDCARD", "ERR_TOPIC_WILDCARD", "ERR_NULL_CHARACTER",
      "ERR_QOS", "ERR_QOS", "ERR_QOS", "ERR_QOS",
      "ERR_MALFORMED_UTF8", "ERR_MALFORMED_UTF8",
    ]);
    assert.equal(typeof publishString({ ...base, qos: 0, packetId: 0 }), "string", "QoS 0 ignores the packet id");
    assert.equal(typeof publishString({ ...base, payload: "" }), "string", "an empty payload is fine");
  });

  it("takes a topic only as UTF-8 bytes (a Latin-1 char, a stray or overlong byte, a char above 0xFF: ERR_MALFORMED_UTF8), and sends a payload's bytes as they are, given as a binary string (anything else: ERR_VALUE)", function () {
    const base: PublishOptions = { topic: "a/b", payload: "x", qos: 0, retain: false, dup: false, packetId: 0 };
    for (const topic of ["caf\u00e9", "a/\u0080", "\u00c0\u00af", "\u00ed\u00a0\u0080", "\u00f4\u0090\u0080\u0080", "\u00c3", "\u0100", "\u20ac"]) {
      assert.equal(publishString({ ...base, topic }), C.ERR_MALFORMED_UTF8, JSON.stringify(topic));
    }
    assert.equal(Buffer.from(publishString({ ...base, topic: "caf\u00c3\u00a9" }) as string, "latin1").toString("hex"), "30080005636166c3a978");
    for (const payload of ["\u00e9", "\u00ff\u00fe", "\u00c0\u00af"]) {
      assert.equal(publishString({ ...base, payload }), "\x30" + String.fromCharCode(5 + payload.length) + "\x00\x03a/b" + payload, JSON.stringify(payload));
    }
    // a typed array goes as E.toString(array) on the device
    assert.equal(publishString({ ...base, payload: new Uint8Array([1, 2]) }), C.ERR_VALUE);
    assert.equal(publishString({ ...base, payload: 7 as unknown as string }), C.ERR_VALUE);
  });

  it("emits only chars 0..255 (a binary string) even for the largest ids and lengths", function () {
    const packet = publishString({ topic: "z".repeat(65535), payload: "\x7f".repeat(300), qos: 2, retain: true, dup: true, packetId: 65535 }) as string;
    assert.equal(/[^\x00-\xff]/.test(packet), false);
  });
});

/** A FakeTransport that also keeps the raw stream and which method each packet took. */
class RecordingTransport extends FakeTransport {
  readonly stream: number[] = [];
  readonly calls: { method: "send" | "sendString"; bytes: Buffer }[] = [];
  private inString = false;

  override send(buffer: Uint8Array, start: number, end: number): void {
    const bytes = Buffer.from(buffer.subarray(start, end));
    if (!this.inString) this.calls.push({ method: "send", bytes });
    this.stream.push(...bytes);
    super.send(buffer, start, end);
  }

  override sendString(data: string): void {
    this.calls.push({ method: "sendString", bytes: Buffer.from(data, "latin1") });
    this.inString = true;
    try {
      super.sendString(data);
    } finally {
      this.inString = false;
    }
  }
}

/** Re-encodes one client PUBLISH with encodePublish from its decoded fields: the bytes the Uint8Array path writes. */
function reencode(bytes: Buffer): Buffer {
  const record = createPacketRecord();
  assert.equal(decodePacket(bytes, 0, bytes.length, record), bytes.length, "one whole packet");
  assert.equal(record.type, C.PUBLISH);
  const options: PublishOptions = {
    topic: bytes.subarray(record.topicStart, record.topicEnd).toString("utf8"),
    payload: new Uint8Array(bytes.subarray(record.payloadStart, record.payloadEnd)),
    qos: record.qos, retain: record.retain, dup: record.dup, packetId: record.qos ? record.packetId : 0,
  };
  const buffer = new Uint8Array(bytes.length + 16);
  return Buffer.from(buffer.subarray(0, encodePublish(buffer, 0, options)));
}

describe("MQTT client: PUBLISH through Transport.sendString", function () {
  it("sends every packet as one string, every PUBLISH byte for byte encodePublish's", function () {
    const clock = new VirtualClock();
    const transport = new RecordingTransport(clock);
    const client = createClient(makeOptions({ sendBuffer: 4096, queueBytes: 1 << 16 }), transport, clock);
    client.start();
    client.publish("offline/q0", "queued while connecting", 0, false);
    client.publish("offline/q1", "{\"seq\":1}", 1, true);
    transport.accept();
    transport.deliver(connack(false, 0));
    client.publish("sensors/node-7/temperature/c", "{\"t\":21.5,\"h\":40,\"ts\":1718000000,\"node\":\"mote-7\",\"seq\":12345,\"ok\":1}", 0, false);
    client.publish("a/b", "x".repeat(500), 1, false);
    client.publish("q2", "exactly once", 2, true);
    client.publish(utf8Bytes("caf\u00e9"), "non-ASCII topic", 0, false);
    client.publish("t", utf8Bytes("non-ASCII payload \u00e9\u20ac"), 1, false);
    client.publish("t", "\x00\x01\x02\xff", 0, false);
    client.publish("t", "nul\u0000inside", 0, false);
    transport.drop();
    clock.advanceTo(clock.nextDue()!);
    transport.accept();
    transport.deliver(connack(true, 0));
    transport.deliver(ack(C.PUBACK, 1), ack(C.PUBACK, 2), ack(C.PUBREC, 3), ack(C.PUBCOMP, 3), ack(C.PUBACK, 4));

    assert.deepEqual(transport.violations, []);
    assert.deepEqual(transport.takeSummaries(), [
      "CONNECT mote-1",
      "PUBLISH q0 offline/q0 \"queued while connecting\"",
      "PUBLISH q1 #1 retain offline/q1 \"{\\\"seq\\\":1}\"",
      "PUBLISH q0 sensors/node-7/temperature/c \"{\\\"t\\\":21.5,\\\"h\\\":40,\\\"ts\\\":1718000000,\\\"node\\\":\\\"mote-7\\\",\\\"seq\\\":12345,\\\"ok\\\":1}\"",
      `PUBLISH q1 #2 a/b "${"x".repeat(500)}"`,
      "PUBLISH q2 #3 retain q2 \"exactly once\"",
      "PUBLISH q0 caf\u00e9 \"non-ASCII topic\"",
      "PUBLISH q1 #4 t \"non-ASCII payload \u00e9\u20ac\"",
      "PUBLISH q0 t \"\\u0000\\u0001\\u0002\ufffd\"",
      "PUBLISH q0 t \"nul\\u0000inside\"",
      "CONNECT mote-1",
      "PUBLISH q1 #1 dup retain offline/q1 \"{\\\"seq\\\":1}\"",
      "PUBLISH q1 #2 dup a/b \"" + "x".repeat(500) + "\"",
      "PUBLISH q2 #3 dup retain q2 \"exactly once\"",
      "PUBLISH q1 #4 dup t \"non-ASCII payload \u00e9\u20ac\"",
      "PUBREL #3",
    ]);

    const publishes = transport.calls.filter((call) => call.bytes[0]! >> 4 == C.PUBLISH);
    assert.deepEqual(publishes.map((call) => call.method), Array(13).fill("sendString"));
    for (const call of publishes) assert.equal(call.bytes.toString("hex"), reencode(call.bytes).toString("hex"));
    assert.deepEqual(transport.calls.filter((call) => call.bytes[0]! >> 4 != C.PUBLISH).map((call) => call.method), Array(3).fill("sendString"));
    assert.equal(transport.bytesSent, transport.stream.length);
    assert.equal(Buffer.concat(transport.calls.map((call) => call.bytes)).equals(Buffer.from(transport.stream)), true);
  });

  it("counts string sends against socketQueue like byte sends", function () {
    const clock = new VirtualClock();
    const transport = new RecordingTransport(clock);
    const client = createClient(makeOptions({ socketQueue: 100 }), transport, clock);
    client.start();
    transport.accept();
    transport.deliver(connack(false, 0));
    transport.take();
    transport.holdSends = true;
    client.publish("t", "a".repeat(60), 0, false);
    client.publish("t", "b".repeat(60), 0, false);
    assert.equal(transport.pendingBytes, 65, "the second waits: 65 + 65 > 100");
    assert.deepEqual(transport.takeSummaries(), [`PUBLISH q0 t "${"a".repeat(60)}"`]);
    transport.drain();
    assert.deepEqual(transport.takeSummaries(), [`PUBLISH q0 t "${"b".repeat(60)}"`]);
    assert.deepEqual(transport.violations, []);
  });
});
