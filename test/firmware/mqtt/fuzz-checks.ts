/**
 * What every fuzz input must satisfy. Each check throws an AssertionError
 * naming the broken rule; the caller adds the input's hex.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { decodePacket } from "../../../firmware/mqtt/broker.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { Framer } from "../../../firmware/mqtt/framer.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import type { PacketRecord } from "../../../firmware/mqtt/packets.ts";
import { FROM_BROKER, readRecord } from "./model.ts";
import { chunk } from "./fuzz-inputs.ts";
import type { Random } from "./fuzz-inputs.ts";

type Decoder = (buffer: Uint8Array, start: number, end: number, record: PacketRecord) => number;

/** What a decoder made of some bytes, independent of where they sat in memory. */
export interface Outcome { result: number; packet?: Record<string, unknown> }

const FRAMER_ERRORS = [C.ERR_REMAINING_LENGTH, C.ERR_PACKET_TOO_LARGE, C.ERR_PACKET_TYPE];

/** A result code must be a position > start and <= end, or an error the table knows. */
export function assertResult(label: string, result: number, start: number, end: number): void {
  assert.ok(Number.isInteger(result), `${label}: result ${result} is not an integer`);
  if (result >= 0) {
    assert.ok(result > start && result <= end, `${label}: position ${result} outside (${start}, ${end}]`);
  } else {
    const name = errorName(result);
    assert.ok(name.startsWith("ERR_") && (C as Record<string, unknown>)[name] === result, `${label}: ${result} is not in the error table (errorName says ${name})`);
  }
}

function run(label: string, decode: Decoder, buffer: Uint8Array, start: number, end: number): Outcome {
  const record = createPacketRecord();
  const result = decode(buffer, start, end, record);
  assertResult(label, result, start, end);
  if (result < 0) return { result };
  assert.equal(record.packetLength, result - start, `${label}: record.packetLength`);
  return { result: result - start, packet: readRecord(buffer, record) };
}

/** Whole-input decoding: both decoders, at offset 0 and shifted inside a larger buffer with garbage after the end. */
export function checkWhole(random: Random, input: Uint8Array): Outcome {
  const all = run("decodePacket", decodePacket, input, 0, input.length);
  const shift = 1 + random.below(13);
  const roomy = random.bytes(shift + input.length + 1 + random.below(8));
  roomy.set(input, shift);
  assert.deepEqual(run("decodePacket shifted", decodePacket, roomy, shift, shift + input.length), all, "decodePacket depends on bytes outside [start, end)");

  const client = run("decodeFromBroker", decodeFromBroker, input, 0, input.length);
  assert.deepEqual(run("decodeFromBroker shifted", decodeFromBroker, roomy, shift, shift + input.length), client, "decodeFromBroker depends on bytes outside [start, end)");
  const type = input.length > 0 ? input[0]! >> 4 : -1;
  if (type === 0 || type === 15) assert.equal(errorName(all.result), errorName(C.ERR_PACKET_TYPE), `decodePacket on type ${type}`);
  if (all.result > 0) {
    if (FROM_BROKER.includes(type)) assert.deepEqual(client, all, "decodeFromBroker disagrees with decodePacket");
    else assert.equal(errorName(client.result), errorName(C.ERR_UNEXPECTED_TYPE), `decodeFromBroker on type ${type}`);
  } else {
    assert.ok(client.result < 0, `decodeFromBroker accepts what decodePacket rejects (${errorName(all.result)})`);
  }
  return all;
}

/**
 * The framer's contract, spelled out slowly: packets cut at the lengths their
 * fixed headers give; ERR_PACKET_TYPE at a type 0 or 15, ERR_REMAINING_LENGTH
 * once four length bytes all say "more", ERR_PACKET_TOO_LARGE as soon as a
 * header announces more than `capacity`; otherwise the tail stays buffered.
 */
export function referenceFraming(input: Uint8Array, capacity: number): { frames: string[]; error: number; buffered: number } {
  const frames: string[] = [];
  let position = 0;
  while (position < input.length) {
    const type = input[position]! >> 4;
    if (type === 0 || type === 15) return { frames, error: C.ERR_PACKET_TYPE, buffered: 0 };
    let value = 0;
    let index = 1;
    for (;;) {
      if (index > 4) return { frames, error: C.ERR_REMAINING_LENGTH, buffered: 0 };
      if (position + index >= input.length) return { frames, error: 0, buffered: input.length - position };
      const byte = input[position + index]!;
      value += (byte & 0x7f) * 128 ** (index - 1);
      index++;
      if ((byte & 0x80) === 0) break;
    }
    const length = index + value;
    if (length > capacity) return { frames, error: C.ERR_PACKET_TOO_LARGE, buffered: 0 };
    if (position + length > input.length) return { frames, error: 0, buffered: input.length - position };
    frames.push(Buffer.from(input.subarray(position, position + length)).toString("hex"));
    position += length;
  }
  return { frames, error: 0, buffered: 0 };
}

interface Framed { frames: string[]; decoded: Outcome[]; error: number; buffered: number }

function frame(framer: Framer, sink: Framed, chunks: (Uint8Array | string)[]): void {
  framer.reset();
  assert.equal(framer.buffered, 0, "buffered after reset");
  for (const piece of chunks) {
    const result = framer.push(piece);
    if (result !== 0) {
      assert.ok(FRAMER_ERRORS.includes(result), `Framer.push returned ${result} (${errorName(result)}), not one of its documented errors`);
      sink.error = result;
      return;
    }
  }
  sink.buffered = framer.buffered;
}

/** One framer, and where its deliveries go, reused across inputs. */
export class FramerCheck {
  private readonly sink: Framed = { frames: [], decoded: [], error: 0, buffered: 0 };
  private readonly framer: Framer;

  constructor(readonly capacity: number) {
    const sink = this.sink;
    this.framer = new Framer(capacity, (buffer, start, end) => {
      assert.ok(start >= 0 && end > start && end <= buffer.length, `onPacket(${start}, ${end}) outside its buffer of ${buffer.length}`);
      sink.frames.push(Buffer.from(buffer.subarray(start, end)).toString("hex"));
      sink.decoded.push(run("decodePacket in onPacket", decodePacket, buffer, start, end));
    });
  }

  private feed(chunks: (Uint8Array | string)[]): Framed {
    this.sink.frames = [];
    this.sink.decoded = [];
    this.sink.error = 0;
    this.sink.buffered = 0;
    frame(this.framer, this.sink, chunks);
    return { frames: this.sink.frames, decoded: this.sink.decoded, error: this.sink.error, buffered: this.sink.buffered };
  }

  /** Frames `input` whole and in random chunks: same frames, same error; frames are consecutive slices that decode as they do in place. */
  check(random: Random, input: Uint8Array): void {
    const whole = this.feed([input]);
    const pieces = this.feed(chunk(random, input));
    assert.deepEqual(pieces.frames, whole.frames, `capacity ${this.capacity}: chunked framing delivers different packets`);
    assert.equal(errorName(pieces.error), errorName(whole.error), `capacity ${this.capacity}: chunked framing ends differently`);
    assert.deepEqual(pieces.decoded, whole.decoded, `capacity ${this.capacity}: chunked packets decode differently`);
    assert.equal(pieces.buffered, whole.buffered, "buffered differs between whole and chunked");
    const reference = referenceFraming(input, this.capacity);
    assert.deepEqual(whole.frames, reference.frames, `capacity ${this.capacity}: frames differ from the contract's`);
    assert.equal(errorName(whole.error), errorName(reference.error), `capacity ${this.capacity}: framer result differs from the contract's`);
    assert.equal(whole.buffered, reference.buffered, `capacity ${this.capacity}: buffered differs from the contract's`);
    let position = 0;
    whole.frames.forEach((hex, index) => {
      const bytes = Buffer.from(hex, "hex");
      assert.equal(hex, Buffer.from(input.subarray(position, position + bytes.length)).toString("hex"), `frame ${index} is not the next slice of the input`);
      assert.ok(bytes.length <= this.capacity, `frame ${index} of ${bytes.length} bytes exceeds capacity ${this.capacity}`);
      const inPlace = run("decodePacket in place", decodePacket, input, position, input.length);
      assert.deepEqual(whole.decoded[index], inPlace, `frame ${index} decodes differently framed and in place`);
      position += bytes.length;
    });
    if (whole.error === 0) assert.equal(whole.buffered, input.length - position, "buffered is not the unframed tail");
  }
}
