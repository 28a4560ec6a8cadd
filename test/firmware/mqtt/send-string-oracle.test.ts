/**
 * The client's string encoders (firmware/mqtt/send-string.ts) held to the
 * host's Uint8Array encoders (encode.ts): for valid packets of every kind a
 * client sends, the same bytes; for invalid arguments, the same refusal
 * (the same ERR_*). The device encoders take a filter as its UTF-8 bytes
 * (device-text.ts), encode.ts as text. The CONNECT is the host's alone
 * (connect.ts, through encodeConnect). Seeded: MOTE_FC_SEED replays another
 * seed.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodePacket } from "../../../firmware/mqtt/broker.ts";
import { connectPacket } from "../../../firmware/mqtt/connect.ts";
import { encodeAck, encodeConnect, encodeEmpty, encodeSubscribe, encodeUnsubscribe } from "../../../firmware/mqtt/encode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { createPacketRecord, type ConnectOptions } from "../../../firmware/mqtt/packets.ts";
import { DISCONNECT_STRING, PINGREQ_STRING } from "../../../firmware/mqtt/empty-packets.ts";
import { ackString, subscribeString, unsubscribeString } from "../../../firmware/mqtt/send-string.ts";
import * as arbitrary from "./arbitraries.ts";
import { utf8Bytes } from "./device-text.ts";
import type { ConnectModel } from "./model.ts";

const RUNS = 1000;
const SEED = Number(process.env["MOTE_FC_SEED"] ?? 0x6f726163);

/** What an encode.ts encoder wrote, as a latin1 string, or its error code. */
function bytes(encoder: (buffer: Uint8Array) => number): string | number {
  const buffer = new Uint8Array(70000);
  const end = encoder(buffer);
  return end < 0 ? end : Buffer.from(buffer.subarray(0, end)).toString("latin1");
}

function show(value: string | number): string {
  return typeof value == "string" ? Buffer.from(value, "latin1").toString("hex") : `${value} (${errorName(value)})`;
}

const filter = fc.oneof(
  { weight: 4, arbitrary: arbitrary.topicFilter },
  { weight: 1, arbitrary: fc.constantFrom("", "a+", "#/a", "a/#b", "+a/b", "a\u0000", "\ud800", "a/\udc00b", "caf\u00e9/+", "\ud83d\ude00/#", "x".repeat(65536)) },
);
const qos = fc.constantFrom(0, 1, 2, 0, 1, 2, 3, -1, 1.5, 4, Number.NaN);

describe("send-string: the client's packets as binary strings, against encode.ts", function () {
  this.timeout(30000);

  it(`CONNECT (connectPacket, the host's): encodeConnect's bytes for valid options, as a binary string (${RUNS} runs)`, function () {
    fc.assert(fc.property(arbitrary.connect, (model) => {
      const options = (model as ConnectModel).options;
      assert.equal(show(connectPacket(options)), show(bytes((buffer) => encodeConnect(buffer, 0, options))));
    }), { numRuns: RUNS, seed: SEED });
  });

  it(`CONNECT (connectPacket): refused, naming encodeConnect's code, exactly when encodeConnect refuses (${RUNS} runs)`, function () {
    const spoil = fc.constantFrom<(options: ConnectOptions) => void>(
      (options) => { options.keepalive = 65536; },
      (options) => { options.keepalive = 1.5; },
      (options) => { options.protocolLevel = 5; },
      (options) => { options.clientId = ""; options.cleanSession = false; },
      (options) => { options.clientId = "id\u0000"; },
      (options) => { options.clientId = "\udfff"; },
      (options) => { delete options.username; options.password = "p"; options.protocolLevel = 4; },
      (options) => { options.will = { topic: "w/#", payload: "", qos: 0, retain: false }; },
      (options) => { options.will = { topic: "", payload: "", qos: 1, retain: true }; },
      (options) => { options.will = { topic: "w", payload: "\ud800", qos: 1, retain: true }; },
      (options) => { options.will = { topic: "w", payload: "", qos: 3, retain: false }; },
      (options) => { options.username = "u\u0000"; },
      (options) => { options.username = "x".repeat(65536); },
      () => {},
    );
    let refused = 0;
    fc.assert(fc.property(arbitrary.connect, spoil, (model, change) => {
      const options = { ...(model as ConnectModel).options };
      change(options);
      const theirs = bytes((buffer) => encodeConnect(buffer, 0, options));
      if (typeof theirs == "number") {
        assert.throws(() => connectPacket(options), new RegExp(`^Error: mqtt: invalid connect options \\(${errorName(theirs)}\\)`), `took ${JSON.stringify(options)}`);
        refused++;
      } else assert.equal(show(connectPacket(options)), show(theirs));
    }), { numRuns: RUNS, seed: SEED + 1 });
    assert.ok(refused > RUNS / 2, `only ${refused} refusals`);
  });

  it(`SUBSCRIBE and UNSUBSCRIBE of one filter: the same bytes or the same error code (${RUNS} runs)`, function () {
    fc.assert(fc.property(arbitrary.packetId, filter, qos, (packetId, topic, level) => {
      assert.equal(show(subscribeString(packetId, utf8Bytes(topic), level)), show(bytes((buffer) => encodeSubscribe(buffer, 0, packetId, [topic], [level]))));
      assert.equal(show(unsubscribeString(packetId, utf8Bytes(topic))), show(bytes((buffer) => encodeUnsubscribe(buffer, 0, packetId, [topic]))));
    }), { numRuns: RUNS, seed: SEED + 2 });
    assert.equal(subscribeString(1, "a/+", 3), C.ERR_QOS);
    assert.equal(subscribeString(1, "a+", 3), C.ERR_FILTER_WILDCARD, "the filter is checked before the QoS, as encodeSubscribe does");
    assert.equal(unsubscribeString(1, "x".repeat(65536)), C.ERR_VALUE);
  });

  it("SUBSCRIBE and UNSUBSCRIBE: every filter of up to 5 characters from a, /, +, #, \\n gets encode.ts's bytes or code", function () {
    const alphabet = ["a", "/", "+", "#", "\n"];
    let topics = [""];
    for (let length = 0; length < 5; length++) {
      for (const topic of topics) {
        assert.equal(show(subscribeString(9, topic, 1)), show(bytes((buffer) => encodeSubscribe(buffer, 0, 9, [topic], [1]))), JSON.stringify(topic));
        assert.equal(show(unsubscribeString(9, topic)), show(bytes((buffer) => encodeUnsubscribe(buffer, 0, 9, [topic]))), JSON.stringify(topic));
      }
      topics = topics.flatMap((topic) => alphabet.map((character) => topic + character));
    }
  });

  it("PUBACK, PUBREC, PUBREL, PUBCOMP, PINGREQ and DISCONNECT: the same bytes", function () {
    for (const type of [C.PUBACK, C.PUBREC, C.PUBREL, C.PUBCOMP]) {
      for (const packetId of [1, 2, 255, 256, 4660, 65535]) {
        assert.equal(show(ackString(type, packetId)), show(bytes((buffer) => encodeAck(buffer, 0, type, packetId))));
      }
    }
    assert.equal(show(PINGREQ_STRING), show(bytes((buffer) => encodeEmpty(buffer, 0, C.PINGREQ))));
    assert.equal(show(DISCONNECT_STRING), show(bytes((buffer) => encodeEmpty(buffer, 0, C.DISCONNECT))));
  });

  it("a filter with both a misplaced wildcard and bytes that are not UTF-8 gets the same code from the device encoders and from the broker side's decoder (wildcards first)", function () {
    const record = createPacketRecord();
    for (const [filter, code] of [["\xff+", C.ERR_FILTER_WILDCARD], ["a#\xc3", C.ERR_FILTER_WILDCARD], ["\xc3/+", C.ERR_MALFORMED_UTF8], ["\x00/#", C.ERR_NULL_CHARACTER]] as const) {
      assert.equal(subscribeString(3, filter, 0), code, JSON.stringify(filter));
      assert.equal(unsubscribeString(3, filter), code, JSON.stringify(filter));
      const subscribe = Buffer.from("\x82" + String.fromCharCode(5 + filter.length) + "\x00\x03\x00" + String.fromCharCode(filter.length) + filter + "\x00", "latin1");
      assert.equal(decodePacket(subscribe, 0, subscribe.length, record), code, "SUBSCRIBE " + JSON.stringify(filter));
      const unsubscribe = Buffer.from("\xa2" + String.fromCharCode(4 + filter.length) + "\x00\x03\x00" + String.fromCharCode(filter.length) + filter, "latin1");
      assert.equal(decodePacket(unsubscribe, 0, unsubscribe.length, record), code, "UNSUBSCRIBE " + JSON.stringify(filter));
    }
  });

  it("SUBSCRIBE and UNSUBSCRIBE take a filter only as UTF-8 bytes: a Latin-1 char, a stray or overlong byte, a char above 0xFF is ERR_MALFORMED_UTF8", function () {
    for (const filter of ["caf\u00e9/+", "a/\u0080", "\u00c0\u00af/#", "\u00ed\u00a0\u0080", "\u0100", "\u20ac/+"]) {
      assert.equal(subscribeString(1, filter, 0), C.ERR_MALFORMED_UTF8, JSON.stringify(filter));
      assert.equal(unsubscribeString(1, filter), C.ERR_MALFORMED_UTF8, JSON.stringify(filter));
    }
    assert.equal(show(subscribeString(1, "caf\u00c3\u00a9/+", 1)), show(bytes((buffer) => encodeSubscribe(buffer, 0, 1, ["caf\u00e9/+"], [1]))));
  });
});
