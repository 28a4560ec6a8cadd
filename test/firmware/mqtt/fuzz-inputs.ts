/**
 * Deterministic fuzz inputs: random bytes, and valid packets from
 * mqtt-packet mutated by bit flips, truncation, insertion, deletion,
 * remaining-length edits and header edits. Same seed, same inputs.
 */
import { Buffer } from "node:buffer";
import fc from "fast-check";
import * as mqttPacket from "mqtt-packet";
import { anyPacket } from "./arbitraries.ts";
import { toPeer } from "./model.ts";

/** mulberry32: a small 32-bit PRNG, enough for reproducible fuzzing. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Next unsigned 32-bit value. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  }

  /** Integer in 0..limit-1 (limit >= 1). */
  below(limit: number): number {
    return this.next() % limit;
  }

  chance(probability: number): boolean {
    return this.next() / 0x100000000 < probability;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let index = 0; index < length; index++) out[index] = this.next() & 0xff;
    return out;
  }
}

/** First bytes of well-formed fixed headers (type and its required flags), for deeper random inputs. */
const HEADER_BYTES = [0x10, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x3a, 0x3b, 0x3c, 0x3d, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xa2, 0xb0, 0xc0, 0xd0, 0xe0];

/** Valid packets of every type from mqtt-packet, at most `maxBytes` each. */
export function buildCorpus(seed: number, count: number, maxBytes: number): Uint8Array[] {
  return fc
    .sample(anyPacket, { seed, numRuns: count })
    .map((model) => new Uint8Array(mqttPacket.generate(toPeer(model))))
    .filter((bytes) => bytes.length <= maxBytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function remainingLengthBytes(length: number): number[] {
  const out: number[] = [];
  do {
    let digit = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) digit |= 0x80;
    out.push(digit);
  } while (length > 0);
  return out;
}

/** Rewrites the remaining length of the packet at the start of `bytes` (a wrong value, a long or overlong form). */
function editLength(random: Random, bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2) return bytes;
  let end = 1;
  while (end < bytes.length && end < 5 && (bytes[end]! & 0x80) !== 0) end++;
  end = Math.min(end + 1, bytes.length);
  const choice = random.below(6);
  let replacement: number[];
  if (choice === 0) replacement = remainingLengthBytes(Math.max(0, bytes.length - end + random.below(7) - 3));
  else if (choice === 1) replacement = remainingLengthBytes(random.below(300));
  else if (choice === 2) replacement = [0xff, 0xff, 0xff, 0xff, random.below(256)];
  else if (choice === 3) replacement = [0x80 | random.below(128), 0x00];
  else if (choice === 4) replacement = [0xff, 0xff, 0xff, 0x7f];
  else replacement = [random.below(256)];
  return concat([bytes.subarray(0, 1), Uint8Array.from(replacement), bytes.subarray(end)]);
}

function mutate(random: Random, bytes: Uint8Array): Uint8Array {
  const choice = random.below(8);
  if (choice === 0 || bytes.length === 0) {
    const copy = bytes.slice();
    if (copy.length > 0) copy[random.below(copy.length)]! ^= 1 << random.below(8);
    return copy;
  }
  if (choice === 1) return bytes.slice(0, random.below(bytes.length));
  if (choice === 2) {
    const at = random.below(bytes.length + 1);
    return concat([bytes.subarray(0, at), random.bytes(1 + random.below(4)), bytes.subarray(at)]);
  }
  if (choice === 3) {
    const at = random.below(bytes.length);
    return concat([bytes.subarray(0, at), bytes.subarray(at + 1 + random.below(3))]);
  }
  if (choice === 4) return editLength(random, bytes);
  const copy = bytes.slice();
  if (choice === 5) copy[0] = (copy[0]! & 0xf0) | random.below(16);
  else if (choice === 6) copy[0] = (random.below(16) << 4) | (copy[0]! & 0x0f);
  else copy[random.below(copy.length)] = random.chance(0.5) ? 0 : 0xff;
  return copy;
}

/** The `index`-th kind of input; callers draw all inputs from one `Random`. */
export function nextInput(random: Random, corpus: Uint8Array[]): Uint8Array {
  const kind = random.below(20);
  if (kind < 3) return random.bytes(random.below(48));
  if (kind < 6) {
    const body = random.bytes(random.below(40));
    const header = [HEADER_BYTES[random.below(HEADER_BYTES.length)]!].concat(remainingLengthBytes(random.chance(0.8) ? body.length : random.below(64)));
    return concat([Uint8Array.from(header), body]);
  }
  const parts: Uint8Array[] = [];
  const count = 1 + (random.chance(0.3) ? random.below(3) : 0);
  for (let index = 0; index < count; index++) parts.push(corpus[random.below(corpus.length)]!);
  let bytes = concat(parts);
  if (kind === 19) return bytes;
  const mutations = 1 + random.below(3);
  for (let index = 0; index < mutations; index++) bytes = mutate(random, bytes);
  return bytes;
}

/** Splits `bytes` into random chunks, each a Uint8Array or a binary string (one char per byte, as Espruino sockets deliver). */
export function chunk(random: Random, bytes: Uint8Array): (Uint8Array | string)[] {
  const chunks: (Uint8Array | string)[] = [];
  const byteAtATime = random.chance(0.1);
  let position = 0;
  while (position < bytes.length) {
    const size = byteAtATime ? 1 : 1 + random.below(random.chance(0.5) ? 8 : 96);
    const piece = bytes.subarray(position, position + size);
    chunks.push(random.chance(0.5) ? String.fromCharCode.apply(null, Array.from(piece)) : piece.slice());
    position += size;
  }
  return chunks;
}
