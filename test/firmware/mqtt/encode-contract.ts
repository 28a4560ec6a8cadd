/**
 * The encoders' error contract, checked byte by byte: on an error nothing is
 * written before `position`, past the buffer's end, or past the packet's own
 * bytes. For PUBLISH those are counted with one byte per character of topic
 * and string payload (encodePublish measures so before it writes); the other
 * encoders write nothing at all.
 */
import { strict as assert } from "node:assert";
import type { PublishOptions } from "../../../firmware/mqtt/packets.ts";

/** Whole PUBLISH bytes with one byte per character of topic and string payload, computed here, not by the codec. */
export function publishRangeLength(options: PublishOptions): number {
  const remaining = 2 + options.topic.length + (options.qos ? 2 : 0) + options.payload.length;
  return 1 + (remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4) + remaining;
}

/** Fails, naming the first offending index, unless every byte of `backing` outside [start, end) still holds `sentinel`. */
export function assertUntouchedOutside(backing: Uint8Array, sentinel: number, start: number, end: number, what: string): void {
  const index = backing.findIndex((byte, at) => (at < start || at >= end) && byte !== sentinel);
  assert.equal(index, -1, `${what}: wrote byte ${index}, outside [${start}, ${end})`);
}
