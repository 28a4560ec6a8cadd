/**
 * Cuts a byte stream into whole MQTT packets (host API: tests, tools, the
 * simulator; the client frames with receive.ts, which agrees with this one
 * byte for byte). One receive buffer, allocated by the constructor; no
 * allocation per chunk or packet.
 */
import { ERR_PACKET_TOO_LARGE, ERR_TRUNCATED } from "./constants.ts";
import { readFixedHeader } from "./decode.ts";
import type { FixedHeader } from "./packets.ts";

/** Streaming framer: push chunks in, get each complete packet out once, in order. */
export class Framer {
  private readonly buffer: Uint8Array;
  private readonly onPacket: (buffer: Uint8Array, start: number, end: number) => void;
  private readonly header: FixedHeader;
  private held: number;

  /**
   * capacity: bytes of the one receive buffer, allocated here once (the largest
   * packet accepted). onPacket is called once per complete packet with
   * (buffer, start, end), end exclusive, fixed header included; the bytes are
   * valid only during the call. onPacket may call reset() (the rest of the
   * chunk is then dropped) but not push().
   */
  constructor(capacity: number, onPacket: (buffer: Uint8Array, start: number, end: number) => void) {
    this.buffer = new Uint8Array(capacity);
    this.onPacket = onPacket;
    this.header = { type: 0, flags: 0, packetLength: 0 };
    this.held = 0;
  }

  /** Bytes currently held (a partial packet). */
  get buffered(): number {
    return this.held;
  }

  /** Drops any partial packet (call on reconnect). */
  reset(): void {
    this.held = 0;
  }

  /**
   * Feeds one chunk: a Uint8Array (Node) or a binary string, one char per byte
   * 0..255 (Espruino sockets). Delivers every packet it completes, in order,
   * exactly once. Returns 0, or ERR_REMAINING_LENGTH (5th length byte),
   * ERR_PACKET_TOO_LARGE (packet over capacity), ERR_PACKET_TYPE (type 0 or
   * 15); after an error the framer has discarded its state and the caller
   * should close the connection. Fixed-header flags are the decoder's to check.
   */
  push(chunk: Uint8Array | string): number {
    const buffer = this.buffer;
    const capacity = buffer.length;
    const text = typeof chunk == "string";
    let offset = 0;
    while (offset < chunk.length) {
      let held = this.held;
      const count = Math.min(chunk.length - offset, capacity - held);
      if (!count) {
        this.reset();
        return ERR_PACKET_TOO_LARGE;
      }
      if (!text && count == chunk.length) buffer.set(chunk, held);
      else for (let index = 0; index < count; index++) buffer[held + index] = text ? chunk.charCodeAt(offset + index) : chunk[offset + index];
      this.held = held += count;
      offset += count;
      let start = 0;
      for (;;) {
        const position = readFixedHeader(buffer, start, held, this.header);
        if (position == ERR_TRUNCATED) break;
        if (position < 0) {
          this.reset();
          return position;
        }
        const length = this.header.packetLength;
        if (length > capacity) {
          this.reset();
          return ERR_PACKET_TOO_LARGE;
        }
        if (start + length > held) break;
        this.onPacket(buffer, start, start + length);
        if (!this.held) return 0;
        start += length;
      }
      for (let index = start; index < held; index++) buffer[index - start] = buffer[index];
      this.held = held - start;
    }
    return 0;
  }
}
