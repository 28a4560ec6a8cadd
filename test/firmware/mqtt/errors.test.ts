/**
 * Error fixtures: each malformed packet and each bad encoder argument yields
 * its exact error code (compared by name, so a failure reads "ERR_QOS" rather
 * than -7), and every code in the table is exercised somewhere.
 */
import { strict as assert } from "node:assert";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodePacket } from "../../../firmware/mqtt/broker.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { encodeConnect, encodePublish, encodeSubscribe, encodeUnsubscribe } from "../../../firmware/mqtt/encode.ts";
import { ERROR_NAMES, errorName, reasonName } from "../../../firmware/mqtt/errors.ts";
import { Framer } from "../../../firmware/mqtt/framer.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import { DECODE_CASES, ENCODE_CASES, SERVER_BOUND } from "./error-cases.ts";

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

    it("write nothing when an argument is bad, even with room to spare", function () {
      const buffer = new Uint8Array(64).fill(0xa5);
      const results = [
        encodePublish(buffer, 0, { topic: "a/+", payload: "x", qos: 0, retain: false, dup: false, packetId: 0 }),
        encodePublish(buffer, 0, { topic: "a", payload: "x\uD800", qos: 0, retain: false, dup: false, packetId: 0 }),
        encodeConnect(buffer, 0, { clientId: "c", cleanSession: true, keepalive: 1, will: { topic: "w", payload: "", qos: 3, retain: false } }),
        encodeSubscribe(buffer, 0, 1, ["a", "b/#/c"], [0, 0]),
        encodeUnsubscribe(buffer, 0, 1, ["a", ""]),
      ];
      assert.deepEqual(results.map(errorName), ["ERR_TOPIC_WILDCARD", "ERR_MALFORMED_UTF8", "ERR_QOS", "ERR_FILTER_WILDCARD", "ERR_EMPTY_TOPIC"]);
      assert.ok(buffer.every((byte) => byte === 0xa5), "a failing encoder wrote into the buffer");
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
