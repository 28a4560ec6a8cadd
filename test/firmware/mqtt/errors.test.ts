/**
 * Error fixtures: each malformed packet and each bad encoder argument yields
 * its exact error code (compared by name, so a failure reads "ERR_QOS" rather
 * than -7), and every code in the table is exercised somewhere; a failing
 * encoder writes nothing outside the packet's own bytes.
 */
import { strict as assert } from "node:assert";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodePacket } from "../../../firmware/mqtt/broker.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { encodeConnect, encodePublish, encodeSubscribe, encodeUnsubscribe } from "../../../firmware/mqtt/encode.ts";
import { ERROR_NAMES, errorName, reasonName } from "../../../firmware/mqtt/errors.ts";
import { Framer } from "../../../firmware/mqtt/framer.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import type { PublishOptions } from "../../../firmware/mqtt/packets.ts";
import { assertUntouchedOutside, publishRangeLength } from "./encode-contract.ts";
import { DECODE_CASES, ENCODE_CASES, SERVER_BOUND } from "./error-cases.ts";

const SENTINEL = 0xa5;
const PUBLISH: PublishOptions = { topic: "a/b", payload: "x", qos: 1, retain: false, dup: false, packetId: 7 };
const CLIENT_BOUND = [C.CONNACK, C.PUBLISH, C.PUBACK, C.PUBREC, C.PUBREL, C.PUBCOMP, C.SUBACK, C.UNSUBACK, C.PINGRESP];

/** The framer's own errors, which no decoder returns. */
const FRAMER_CASES = [
  { name: "Framer: packet over capacity", capacity: 8, bytes: [0x30, 0x09], error: C.ERR_PACKET_TOO_LARGE },
];

describe("mqtt codec errors", function () {
  describe("errorName / ERROR_NAMES", function () {
    it("names every ERR_* constant, and positions and unknown codes recognisably", function () {
      const codes = Object.entries(C).filter(([name]) => name.startsWith("ERR_"));
      assert.equal(Object.keys(ERROR_NAMES).length, codes.length, "one name per code, codes distinct");
      for (const [name, code] of codes) assert.equal(errorName(code), name);
      assert.equal(errorName(12), "OK(12)");
      assert.equal(errorName(-99), "ERR_UNKNOWN(-99)");
    });
  });

  describe("decoders", function () {
    for (const sample of DECODE_CASES) {
      it(`${sample.name}: ${errorName(sample.error)}`, function () {
        const buffer = new Uint8Array(sample.bytes);
        const record = createPacketRecord();
        assert.equal(errorName(decodePacket(buffer, 0, buffer.length, record)), errorName(sample.error), "decodePacket");
        const type = (sample.bytes[0] ?? 0x30) >> 4;
        const headerError = sample.error === C.ERR_TRUNCATED || sample.error === C.ERR_REMAINING_LENGTH
          || sample.error === C.ERR_PACKET_TYPE || sample.error === C.ERR_RESERVED_FLAGS;
        const expected = CLIENT_BOUND.includes(type) || headerError ? sample.error : C.ERR_UNEXPECTED_TYPE;
        assert.equal(errorName(decodeFromBroker(buffer, 0, buffer.length, record)), errorName(expected), "decodeFromBroker");
      });
    }

    it("decodeFromBroker refuses CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT with ERR_UNEXPECTED_TYPE", function () {
      const record = createPacketRecord();
      for (const bytes of SERVER_BOUND) {
        const buffer = new Uint8Array(bytes);
        assert.equal(decodePacket(buffer, 0, buffer.length, record), buffer.length, `decodePacket accepts ${bytes[0]!.toString(16)}`);
        assert.equal(errorName(decodeFromBroker(buffer, 0, buffer.length, record)), "ERR_UNEXPECTED_TYPE");
      }
    });

    it("accepts a non-minimal remaining length (0x82 0x00 for 2): 3.1.1 does not forbid it", function () {
      const buffer = new Uint8Array([0x40, 0x82, 0x00, 0x00, 0x07]);
      const record = createPacketRecord();
      assert.equal(errorName(decodeFromBroker(buffer, 0, buffer.length, record)), errorName(5));
      assert.deepEqual([record.packetLength, record.packetId], [5, 7]);
    });
  });

  describe("encoders", function () {
    for (const sample of ENCODE_CASES) {
      it(`${sample.name}: ${errorName(sample.error)}`, function () {
        assert.equal(errorName(sample.run()), errorName(sample.error));
      });
    }

    it("write nothing outside the packet's own bytes when an argument is bad, even with room to spare", function () {
      const position = 5;
      const publishes: [PublishOptions, string][] = [
        [{ ...PUBLISH, topic: "a/+" }, "ERR_TOPIC_WILDCARD"],
        [{ ...PUBLISH, topic: "sensors/room-1/temperature/#", payload: "21.5" }, "ERR_TOPIC_WILDCARD"],
        [{ ...PUBLISH, topic: "caf\u00e9/+" }, "ERR_TOPIC_WILDCARD"],
        [{ ...PUBLISH, topic: "a/b\u0000c" }, "ERR_NULL_CHARACTER"],
        [{ ...PUBLISH, topic: "a/\uD800b" }, "ERR_MALFORMED_UTF8"],
        [{ ...PUBLISH, payload: "x\uD800" }, "ERR_MALFORMED_UTF8"],
        [{ ...PUBLISH, payload: "\u00e9t\u00e9 \uDC00" }, "ERR_MALFORMED_UTF8"],
        [{ ...PUBLISH, payload: new Uint8Array(8), qos: 3 }, "ERR_QOS"],
        [{ ...PUBLISH, packetId: 0 }, "ERR_PACKET_ID"],
        [{ ...PUBLISH, qos: 0, dup: true }, "ERR_RESERVED_FLAGS"],
      ];
      for (const [options, error] of publishes) {
        const buffer = new Uint8Array(96).fill(SENTINEL);
        assert.equal(errorName(encodePublish(buffer, position, options)), error, JSON.stringify(options.topic));
        assertUntouchedOutside(buffer, SENTINEL, position, position + publishRangeLength(options), `PUBLISH ${JSON.stringify(options.topic)}`);
      }
      const others: [(buffer: Uint8Array) => number, string][] = [
        [(buffer) => encodeConnect(buffer, position, { clientId: "c", cleanSession: true, keepalive: 1, will: { topic: "w", payload: "", qos: 3, retain: false } }), "ERR_QOS"],
        [(buffer) => encodeSubscribe(buffer, position, 1, ["a", "b/#/c"], [0, 0]), "ERR_FILTER_WILDCARD"],
        [(buffer) => encodeUnsubscribe(buffer, position, 1, ["a", ""]), "ERR_EMPTY_TOPIC"],
      ];
      for (const [encode, error] of others) {
        const buffer = new Uint8Array(96).fill(SENTINEL);
        assert.equal(errorName(encode(buffer)), error);
        assertUntouchedOutside(buffer, SENTINEL, 0, 0, error);
      }
    });

    it("write nothing at or past the end of a buffer too small for the packet", function () {
      const position = 5;
      const cases: [PublishOptions, number, string][] = [
        [{ ...PUBLISH, topic: "temp\u00e9rature" }, 0, "ERR_BUFFER_TOO_SMALL"],
        [{ ...PUBLISH, topic: "\u{1F321}/t", payload: "21.5" }, 1, "ERR_BUFFER_TOO_SMALL"],
        [{ ...PUBLISH, payload: "d\u00e9j\u00e0 vu" }, 1, "ERR_BUFFER_TOO_SMALL"],
        [{ ...PUBLISH, topic: "sensors/t" }, -1, "ERR_BUFFER_TOO_SMALL"],
        [{ ...PUBLISH, topic: "sensors/+" }, -1, "ERR_TOPIC_WILDCARD"],
        [{ ...PUBLISH, topic: "caf\u00e9/+" }, 0, "ERR_TOPIC_WILDCARD"],
      ];
      for (const [options, spare, error] of cases) {
        const backing = new Uint8Array(96).fill(SENTINEL);
        const end = position + publishRangeLength(options) + spare;
        assert.equal(errorName(encodePublish(backing.subarray(0, end), position, options)), error, JSON.stringify(options));
        assertUntouchedOutside(backing, SENTINEL, position, Math.min(end, position + publishRangeLength(options)), JSON.stringify(options.topic));
      }
    });
  });

  describe("framer", function () {
    for (const sample of FRAMER_CASES) {
      it(`${sample.name}: ${errorName(sample.error)}`, function () {
        const framer = new Framer(sample.capacity, () => assert.fail("no packet expected"));
        assert.equal(errorName(framer.push(new Uint8Array(sample.bytes))), errorName(sample.error));
      });
    }
  });

  it("every error code is produced by at least one case", function () {
    const seen = new Set<number>([...DECODE_CASES, ...ENCODE_CASES, ...FRAMER_CASES].map((sample) => sample.error));
    const missing = Object.entries(C).filter(([name, code]) => name.startsWith("ERR_") && !seen.has(code)).map(([name]) => name);
    assert.deepEqual(missing, []);
  });
});

describe("reasonName", function () {
  it("names every disconnect reason, CONNACK refusals 1-5 included", function () {
    assert.deepEqual([1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15].map(reasonName), [
      "REASON_UNACCEPTABLE_PROTOCOL", "REASON_IDENTIFIER_REJECTED", "REASON_SERVER_UNAVAILABLE", "REASON_BAD_CREDENTIALS",
      "REASON_NOT_AUTHORIZED", "REASON_CONNECT_TIMEOUT", "REASON_KEEPALIVE_TIMEOUT", "REASON_MALFORMED", "REASON_PROTOCOL",
      "REASON_CLOSED", "REASON_ENDED",
    ]);
    assert.equal(reasonName(99), "REASON_UNKNOWN(99)");
    assert.equal(errorName(-40), "ERR_QUEUE_FULL");
  });
});
