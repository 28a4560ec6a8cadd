/**
 * Every annotated fixture (./fixtures.ts) three ways: decode (decodePacket,
 * and decodeFromBroker for the types a client receives), encode (byte-equal,
 * and equal to mqtt-packet's generate), and round trip (decode, then encode
 * what was decoded, and get the same bytes).
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as mqttPacket from "mqtt-packet";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFixedHeader, decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { decodePacket, encodeConnack, encodeSuback, readSubscriptions, readUnsubscriptions } from "../../../firmware/mqtt/broker.ts";
import { encodeAck, encodeConnect, encodeEmpty, encodePublish, encodeSubscribe, encodeUnsubscribe } from "../../../firmware/mqtt/encode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import type { ConnectOptions, PacketRecord } from "../../../firmware/mqtt/packets.ts";
import { readUtf8 } from "../../../firmware/mqtt/utf8.ts";
import { FIXTURES } from "./fixtures.ts";
import type { Fixture, SliceName } from "./fixtures.ts";

const CLIENT_BOUND = [C.CONNACK, C.PUBLISH, C.PUBACK, C.PUBREC, C.PUBREL, C.PUBCOMP, C.SUBACK, C.UNSUBACK, C.PINGRESP];
const GARBAGE = 0xa5;

function hex(bytes: ArrayLike<number>): string {
  return Buffer.from(Array.from(bytes)).toString("hex");
}

function named(code: number): string {
  return code < 0 ? errorName(code) : String(code);
}

/** The fixture at `offset` inside garbage: decoders must stay within [start, end) and stop at the packet's end. */
function placed(fixture: Fixture, offset: number, extra: number): Uint8Array {
  const buffer = new Uint8Array(offset + fixture.bytes.length + extra).fill(GARBAGE);
  buffer.set(fixture.bytes, offset);
  return buffer;
}

function checkRecord(fixture: Fixture, buffer: Uint8Array, record: PacketRecord, label: string): void {
  for (const [field, value] of Object.entries(fixture.fields)) {
    assert.equal(record[field as keyof PacketRecord], value, `${label}: record.${field}`);
  }
  for (const [name, expected] of Object.entries(fixture.slices) as [SliceName, string | number[] | null][]) {
    const start = record[`${name}Start`];
    const end = record[`${name}End`];
    if (expected === null) {
      assert.deepEqual([start, end], [-1, -1], `${label}: ${name} absent`);
    } else {
      const bytes = typeof expected === "string" ? Buffer.from(expected, "utf8") : expected;
      assert.equal(hex(buffer.subarray(start, end)), hex(bytes), `${label}: ${name} bytes`);
    }
  }
}

function slice(buffer: Uint8Array, start: number, end: number): Uint8Array {
  return buffer.slice(start, end);
}

/** Encodes what a decoded record says, with the encoder for its type. */
function encodeRecord(output: Uint8Array, buffer: Uint8Array, record: PacketRecord): number {
  switch (record.type) {
    case C.CONNECT: {
      const options: ConnectOptions = {
        clientId: readUtf8(buffer, record.clientIdStart, record.clientIdEnd), cleanSession: record.cleanSession,
        keepalive: record.keepalive, protocolLevel: record.protocolLevel,
      };
      if (record.willTopicStart >= 0) {
        options.will = {
          topic: readUtf8(buffer, record.willTopicStart, record.willTopicEnd), payload: slice(buffer, record.willPayloadStart, record.willPayloadEnd),
          qos: record.willQos, retain: record.willRetain,
        };
      }
      if (record.usernameStart >= 0) options.username = readUtf8(buffer, record.usernameStart, record.usernameEnd);
      if (record.passwordStart >= 0) options.password = slice(buffer, record.passwordStart, record.passwordEnd);
      return encodeConnect(output, 0, options);
    }
    case C.CONNACK: return encodeConnack(output, 0, record.sessionPresent, record.returnCode);
    case C.PUBLISH:
      return encodePublish(output, 0, {
        topic: readUtf8(buffer, record.topicStart, record.topicEnd), payload: slice(buffer, record.payloadStart, record.payloadEnd),
        qos: record.qos, retain: record.retain, dup: record.dup, packetId: record.packetId,
      });
    case C.SUBSCRIBE: {
      const subscriptions = readSubscriptions(buffer, record);
      return encodeSubscribe(output, 0, record.packetId, subscriptions.map((entry) => entry.topic), subscriptions.map((entry) => entry.qos));
    }
    case C.SUBACK: return encodeSuback(output, 0, record.packetId, Array.from(buffer.subarray(record.payloadStart, record.payloadEnd)));
    case C.UNSUBSCRIBE: return encodeUnsubscribe(output, 0, record.packetId, readUnsubscriptions(buffer, record));
    case C.PINGREQ: case C.PINGRESP: case C.DISCONNECT: return encodeEmpty(output, 0, record.type);
    default: return encodeAck(output, 0, record.type, record.packetId);
  }
}

describe("mqtt codec fixtures", function () {
  for (const fixture of FIXTURES) {
    describe(fixture.name, function () {
      const length = fixture.bytes.length;
      const type = fixture.bytes[0]! >> 4;
      const clientBound = CLIENT_BOUND.includes(type);

      it("decodes with decodePacket, at offset 0 and inside other bytes", function () {
        for (const [offset, extra] of [[0, 0], [3, 5]] as const) {
          const buffer = placed(fixture, offset, extra);
          const record = createPacketRecord();
          assert.equal(named(decodePacket(buffer, offset, buffer.length, record)), named(offset + length), `offset ${offset}`);
          assert.equal(record.packetLength, length, "record.packetLength");
          checkRecord(fixture, buffer, record, `decodePacket at ${offset}`);
        }
      });

      it(clientBound ? "decodes with decodeFromBroker" : "is refused by decodeFromBroker (ERR_UNEXPECTED_TYPE)", function () {
        const buffer = placed(fixture, 2, 4);
        const record = createPacketRecord();
        const result = decodeFromBroker(buffer, 2, buffer.length, record);
        if (!clientBound) {
          assert.equal(named(result), named(C.ERR_UNEXPECTED_TYPE));
          return;
        }
        assert.equal(named(result), named(2 + length));
        checkRecord(fixture, buffer, record, "decodeFromBroker");
      });

      it("decodeFixedHeader finds the variable header", function () {
        const record = createPacketRecord();
        const headerLength = length < 130 ? 2 : 3;
        assert.equal(named(decodeFixedHeader(new Uint8Array(fixture.bytes), 0, length, record)), named(headerLength));
        assert.deepEqual([record.type, record.flags, record.packetLength], [type, fixture.bytes[0]! & 15, length]);
      });

      it("encodes byte for byte (and as mqtt-packet generates it)", function () {
        const buffer = new Uint8Array(length + 6).fill(GARBAGE);
        assert.equal(named(fixture.encode(buffer, 3)), named(3 + length));
        assert.equal(hex(buffer.subarray(3, 3 + length)), hex(fixture.bytes));
        assert.deepEqual([buffer[2], buffer[3 + length]], [GARBAGE, GARBAGE], "wrote outside the packet");
        if (fixture.peer !== undefined) assert.equal(mqttPacket.generate(fixture.peer).toString("hex"), hex(fixture.bytes), "mqtt-packet");
        assert.equal(named(fixture.encode(new Uint8Array(length - 1), 0)), named(C.ERR_BUFFER_TOO_SMALL), "one byte short");
      });

      it("round-trips: decode, then encode what was decoded", function () {
        const buffer = new Uint8Array(fixture.bytes);
        const record = createPacketRecord();
        assert.equal(named(decodePacket(buffer, 0, length, record)), named(length));
        const output = new Uint8Array(length);
        assert.equal(named(encodeRecord(output, buffer, record)), named(length));
        assert.equal(hex(output), hex(fixture.bytes));
      });
    });
  }

  it("decodes every fixture back to back from one buffer with one record", function () {
    const stream = FIXTURES.flatMap((fixture) => fixture.bytes);
    const buffer = new Uint8Array(stream);
    const record = createPacketRecord();
    let position = 0;
    for (const fixture of FIXTURES) {
      const next = decodePacket(buffer, position, buffer.length, record);
      assert.equal(named(next), named(position + fixture.bytes.length), fixture.name);
      checkRecord(fixture, buffer.subarray(0), record, fixture.name);
      position = next;
    }
    assert.equal(position, buffer.length);
  });
});
