/**
 * The streaming framer: every split of a multi-packet stream, byte at a time,
 * many packets per chunk, chunks larger than the buffer, Uint8Array and
 * binary-string chunks (as Espruino sockets deliver them), and its errors.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { Framer } from "../../../firmware/mqtt/framer.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import { FIXTURES } from "./fixtures.ts";

/** A framer that records each delivered packet as hex (copied during the call, as the contract requires). */
function collector(capacity: number): { framer: Framer; packets: string[] } {
  const packets: string[] = [];
  const framer = new Framer(capacity, (buffer, start, end) => {
    packets.push(Buffer.from(buffer.subarray(start, end)).toString("hex"));
  });
  return { framer, packets };
}

/** One char per byte, as Espruino's socket `data` events deliver. */
function binaryString(bytes: ArrayLike<number>): string {
  let text = "";
  for (let index = 0; index < bytes.length; index++) text += String.fromCharCode(bytes[index]!);
  return text;
}

function pushAll(framer: Framer, chunks: (Uint8Array | string)[]): void {
  for (const chunk of chunks) assert.equal(errorName(framer.push(chunk)), errorName(0));
}

const PACKETS = FIXTURES.map((fixture) => fixture.bytes);
const EXPECTED = PACKETS.map((bytes) => Buffer.from(bytes).toString("hex"));
const STREAM = new Uint8Array(PACKETS.flat());
const LARGEST = Math.max(...PACKETS.map((bytes) => bytes.length));

describe("Framer", function () {
  it("delivers every fixture at every split point of one stream (Uint8Array and string chunks)", function () {
    for (let split = 0; split <= STREAM.length; split++) {
      const bytes = collector(LARGEST);
      pushAll(bytes.framer, [STREAM.subarray(0, split), STREAM.subarray(split)]);
      assert.deepEqual(bytes.packets, EXPECTED, `split at ${split}`);
      assert.equal(bytes.framer.buffered, 0);
      const text = collector(LARGEST);
      pushAll(text.framer, [binaryString(STREAM.subarray(0, split)), binaryString(STREAM.subarray(split))]);
      assert.deepEqual(text.packets, EXPECTED, `string split at ${split}`);
    }
  });

  it("delivers at every pair of split points of the first packets (three chunks)", function () {
    const head = STREAM.subarray(0, 80);
    const expected = collector(256);
    pushAll(expected.framer, [head]);
    for (let first = 0; first <= head.length; first++) {
      for (let second = first; second <= head.length; second++) {
        const { framer, packets } = collector(256);
        pushAll(framer, [head.subarray(0, first), binaryString(head.subarray(first, second)), head.subarray(second)]);
        assert.deepEqual(packets, expected.packets, `splits ${first}, ${second}`);
        assert.equal(framer.buffered, expected.framer.buffered);
      }
    }
  });

  it("delivers byte at a time, reporting the partial packet in `buffered`", function () {
    for (const asString of [false, true]) {
      const { framer, packets } = collector(LARGEST);
      let held = 0;
      for (let index = 0; index < STREAM.length; index++) {
        const before = packets.length;
        pushAll(framer, [asString ? String.fromCharCode(STREAM[index]!) : STREAM.subarray(index, index + 1)]);
        held = packets.length > before ? 0 : held + 1;
        assert.equal(framer.buffered, held, `after byte ${index}`);
      }
      assert.deepEqual(packets, EXPECTED);
    }
  });

  it("delivers 500 packets from one chunk, and from one chunk far larger than its buffer", function () {
    const pubacks: number[] = [];
    for (let id = 1; id <= 500; id++) pubacks.push(0x40, 0x02, id >> 8, id & 255);
    for (const capacity of [4096, 4, 7, 64]) {
      const { framer, packets } = collector(capacity);
      pushAll(framer, [new Uint8Array(pubacks)]);
      assert.equal(packets.length, 500, `capacity ${capacity}`);
      assert.equal(packets[499], "400201f4");
    }
    const mixed = collector(LARGEST);
    pushAll(mixed.framer, [binaryString([...STREAM, ...STREAM, ...STREAM])]);
    assert.deepEqual(mixed.packets, [...EXPECTED, ...EXPECTED, ...EXPECTED]);
  });

  it("hands out packets that decodeFromBroker reads in place", function () {
    const record = createPacketRecord();
    const types: number[] = [];
    const framer = new Framer(LARGEST, (buffer, start, end) => {
      const type = buffer[start]! >> 4;
      const result = decodeFromBroker(buffer, start, end, record);
      if (result !== C.ERR_UNEXPECTED_TYPE) {
        assert.equal(errorName(result), errorName(end), `type ${type}`);
        types.push(record.type);
      }
    });
    pushAll(framer, [STREAM]);
    assert.deepEqual(types, [C.CONNACK, C.CONNACK, C.PUBLISH, C.PUBLISH, C.PUBLISH, C.PUBLISH, C.PUBLISH, C.PUBLISH, C.PUBLISH,
      C.PUBACK, C.PUBREC, C.PUBREL, C.PUBCOMP, C.SUBACK, C.UNSUBACK, C.PINGRESP]);
  });

  it("accepts a packet exactly as large as its buffer, and a non-minimal remaining length", function () {
    const { framer, packets } = collector(4);
    pushAll(framer, [new Uint8Array([0x40, 0x02, 0x00, 0x01]), new Uint8Array([0xd0, 0x80, 0x00])]);
    assert.deepEqual(packets, ["40020001", "d08000"]);
  });

  it("refuses a packet larger than its buffer (ERR_PACKET_TOO_LARGE), after delivering the ones before it", function () {
    const { framer, packets } = collector(16);
    const result = framer.push(new Uint8Array([0xd0, 0x00, 0x30, 0x0f, 0x00]));
    assert.equal(errorName(result), "ERR_PACKET_TOO_LARGE");
    assert.deepEqual(packets, ["d000"]);
    assert.equal(framer.buffered, 0, "state discarded");
    const split = collector(16);
    pushAll(split.framer, [new Uint8Array([0x30])]);
    assert.equal(errorName(split.framer.push(new Uint8Array([0x80, 0x01]))), "ERR_PACKET_TOO_LARGE", "length known only from the second chunk");
  });

  it("refuses a 5-byte remaining length (ERR_REMAINING_LENGTH), whole or split", function () {
    const bytes = [0x30, 0xff, 0xff, 0xff, 0xff, 0x7f];
    const { framer } = collector(64);
    assert.equal(errorName(framer.push(new Uint8Array(bytes))), "ERR_REMAINING_LENGTH");
    assert.equal(framer.buffered, 0);
    const split = collector(64);
    pushAll(split.framer, [binaryString(bytes.slice(0, 3))]);
    assert.equal(errorName(split.framer.push(binaryString(bytes.slice(3)))), "ERR_REMAINING_LENGTH");
  });

  it("refuses packet types 0 and 15 (ERR_PACKET_TYPE) from their first byte", function () {
    for (const first of [0x00, 0xf0, 0x0f]) {
      const { framer } = collector(64);
      assert.equal(errorName(framer.push(new Uint8Array([first]))), "ERR_PACKET_TYPE");
      assert.equal(framer.buffered, 0);
    }
  });

  it("leaves flags to the decoder: a PUBREL with flags 0 is framed", function () {
    const { framer, packets } = collector(8);
    pushAll(framer, [new Uint8Array([0x60, 0x02, 0x00, 0x01])]);
    assert.deepEqual(packets, ["60020001"]);
  });

  it("reset() drops a partial packet; the framer then starts afresh", function () {
    const { framer, packets } = collector(64);
    pushAll(framer, [new Uint8Array([0x30, 0x07, 0x00, 0x03])]);
    assert.equal(framer.buffered, 4);
    framer.reset();
    assert.equal(framer.buffered, 0);
    pushAll(framer, [new Uint8Array([0xd0, 0x00])]);
    assert.deepEqual(packets, ["d000"]);
    assert.equal(framer.push(""), 0, "an empty chunk is fine");
    assert.equal(framer.push(new Uint8Array(0)), 0);
  });

  it("reset() from inside onPacket drops the rest of that chunk", function () {
    const packets: number[] = [];
    const framer = new Framer(64, (buffer, start) => {
      packets.push(buffer[start]!);
      if (buffer[start] === 0x20) framer.reset();
    });
    pushAll(framer, [new Uint8Array([0xd0, 0x00, 0x20, 0x02, 0x00, 0x05, 0xd0, 0x00, 0x30])]);
    assert.deepEqual(packets, [0xd0, 0x20]);
    assert.equal(framer.buffered, 0);
    pushAll(framer, [new Uint8Array([0xd0, 0x00])]);
    assert.deepEqual(packets, [0xd0, 0x20, 0xd0]);
  });

  it("copies binary-string chunks by char code (chars 0x80-0xFF are bytes, not UTF-8)", function () {
    const { framer, packets } = collector(16);
    pushAll(framer, ["\u0030\u0006\u0000\u0001\u00ff\u00e9\u0080\u0000"]);
    assert.deepEqual(packets, ["30060001ffe98000"]);
  });
});
