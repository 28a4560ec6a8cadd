/**
 * What a client receives: the device receive path. One receive buffer,
 * allocated at creation, takes the byte stream chunk by chunk (a Uint8Array on
 * Node, a binary string on Espruino), and each complete packet is decoded as
 * a broker sends it and delivered once, in order. The same work as Framer
 * (framer.ts) followed by decodeFromBroker (decode.ts), with the same checks
 * and the same ERR_* codes, in less code: the host keeps those two for its
 * allocation-free API.
 */
import {
  CONNACK, ERR_CONNACK, ERR_NO_FILTERS, ERR_PACKET_ID, ERR_PACKET_TOO_LARGE, ERR_PACKET_TYPE, ERR_QOS,
  ERR_REMAINING_LENGTH, ERR_RESERVED_FLAGS, ERR_STRING_LENGTH, ERR_SUBACK_RETURN_CODE, ERR_TRAILING_BYTES,
  ERR_TRUNCATED, ERR_UNEXPECTED_TYPE, PINGRESP, PUBLISH, SUBACK,
} from "./constants.ts";
import { checkTopic } from "./topic.ts";
import { checkUtf8, readUtf8 } from "./utf8.ts";

/**
 * The packet just received; fields that its type does not carry keep older
 * values. The names are the device bundle's own (scripts/espruino-esbuild.ts
 * shortens them), so they say whose they are.
 */
export interface Incoming {
  /** Packet type (2.2.1). */
  incomingType: number;
  /** PUBLISH at QoS 1 or 2, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK; 0 for a QoS 0 PUBLISH. */
  incomingId: number;
  /** PUBLISH. */
  incomingQos: number;
  incomingRetain: boolean;
  incomingTopic: string;
  /** PUBLISH payload [start, end) in the receive buffer. */
  incomingStart: number;
  incomingEnd: number;
  /** CONNACK session present. */
  incomingSession: boolean;
  /** CONNACK return code; SUBACK first return code. */
  incomingCode: number;
}

/** The receiving end of a connection. */
export interface Receiver {
  /**
   * Feeds one chunk; delivers every packet it completes. Returns 0, or
   * ERR_PACKET_TYPE (type 0 or 15, Table 2.1), ERR_REMAINING_LENGTH (a 5th
   * length byte, 2.2.3) or ERR_PACKET_TOO_LARGE (over the capacity), after
   * which everything held is dropped and the connection should close.
   */
  push(chunk: Uint8Array | string): number;
  /** Drops any partial packet (call on reconnect, or from `deliver` to drop the rest of the chunk). */
  reset(): void;
}

/**
 * Reads a big-endian 16-bit packet identifier at `position`, before `end`,
 * into `packet`; returns the position after it, ERR_STRING_LENGTH or
 * ERR_PACKET_ID for 0 [MQTT-2.3.1-1].
 */
function readId(bytes: Uint8Array, position: number, end: number, packet: Incoming): number {
  if (position + 2 > end) return ERR_STRING_LENGTH;
  packet.incomingId = bytes[position]! << 8 | bytes[position + 1]!;
  return packet.incomingId ? position + 2 : ERR_PACKET_ID;
}

/**
 * Decodes the packet [start, end) whose variable header is at `position`,
 * as decodeFromBroker does: returns `end` or its ERR_*.
 */
export function decodeIncoming(bytes: Uint8Array, start: number, position: number, end: number, packet: Incoming): number {
  const type = bytes[start]! >> 4;
  const flags = bytes[start]! & 15;
  packet.incomingType = type;
  if (type == PUBLISH) {
    packet.incomingQos = flags >> 1 & 3;
    packet.incomingRetain = (flags & 1) == 1;
    // [MQTT-3.3.1-4] both QoS bits set
    if (packet.incomingQos > 2) return ERR_QOS;
    // [MQTT-3.3.1-2] DUP on QoS 0
    if ((flags & 14) == 8) return ERR_RESERVED_FLAGS;
    // [MQTT-3.3.2-1] a UTF-8 topic name [MQTT-1.5.3-1], [MQTT-1.5.3-2] inside the packet
    const topicStart = position + 2;
    const topicEnd = topicStart + (bytes[position]! << 8 | bytes[position + 1]!);
    if (topicEnd > end) return ERR_STRING_LENGTH;
    // [MQTT-3.3.2-2] no wildcards, [MQTT-4.7.3-1] not empty
    const topicError = checkUtf8(bytes, topicStart, topicEnd) || checkTopic(bytes, topicStart, topicEnd, false);
    if (topicError) return topicError;
    packet.incomingId = 0;
    // [MQTT-2.3.1-1] a non-zero packet id at QoS 1 and 2
    position = packet.incomingQos ? readId(bytes, topicEnd, end, packet) : topicEnd;
    if (position < 0) return position;
    packet.incomingTopic = readUtf8(bytes, topicStart, topicEnd);
    packet.incomingStart = position;
    packet.incomingEnd = end;
    return end;
  }
  // [MQTT-2.2.2-1], [MQTT-2.2.2-2]: 0b0010 for PUBREL [MQTT-3.6.1-1], SUBSCRIBE [MQTT-3.8.1-1], UNSUBSCRIBE [MQTT-3.10.1-1], else 0
  if (flags != (0x540 >> type & 1) << 1) return ERR_RESERVED_FLAGS;
  if (type == SUBACK) {
    position = readId(bytes, position, end, packet);
    if (position < 0) return position;
    // [MQTT-3.8.4-5] one return code per filter, and a SUBSCRIBE has at least one
    if (position == end) return ERR_NO_FILTERS;
    packet.incomingCode = bytes[position]!;
    while (position < end) {
      const code = bytes[position++]!;
      // [MQTT-3.9.3-2] only 0x00, 0x01, 0x02, 0x80
      if (code > 2 && code != 0x80) return ERR_SUBACK_RETURN_CODE;
    }
    return end;
  }
  // 3.13.1: remaining length 0
  if (type == PINGRESP) return position < end ? ERR_TRAILING_BYTES : end;
  // CONNACK and PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK; the rest are client-to-server only
  if (type != CONNACK && !(0x8F0 >> type & 1)) return ERR_UNEXPECTED_TYPE;
  // 3.2.1, 3.4.1-3.7.1, 3.11.1: remaining length 2
  if (end - position != 2) return ERR_TRAILING_BYTES;
  // [MQTT-2.3.1-1] the acknowledged packet id is non-zero
  if (type != CONNACK) return readId(bytes, position, end, packet);
  // 3.2.2.1: acknowledge flags bits 7-1 reserved; 3.2.2.3: return codes 6-255 reserved
  if (bytes[position]! > 1 || bytes[position + 1]! > 5) return ERR_CONNACK;
  packet.incomingSession = bytes[position] == 1;
  packet.incomingCode = bytes[position + 1]!;
  return end;
}

/**
 * A receiver with a buffer of `capacity` bytes (the largest packet accepted).
 * `deliver` is called once per complete packet with decodeIncoming's result
 * (`end` or an ERR_*), the packet and the buffer, valid only during the call.
 */
export function createReceiver(capacity: number, deliver: (result: number, packet: Incoming, bytes: Uint8Array) => void): Receiver {
  const buffer = new Uint8Array(capacity);
  // decodeIncoming sets every field that its packet type carries before `deliver` reads it
  const packet = {} as Incoming;
  let held = 0;
  let packetEnd = 0;

  /** The position of the variable header of the packet at `start`, its end in `packetEnd`; ERR_TRUNCATED while incomplete, or a header error (2.2). */
  function readHeader(start: number): number {
    let position = start + 1;
    let length = 0;
    let multiplier = 1;
    let next: number;
    if (start >= held) return ERR_TRUNCATED;
    // 2.2.1 Table 2.1: 0 and 15 reserved
    if (!(buffer[start]! >> 4) || buffer[start]! > 0xEF) return ERR_PACKET_TYPE;
    do {
      // 2.2.3: at most four length bytes
      if (position > start + 4) return ERR_REMAINING_LENGTH;
      if (position >= held) return ERR_TRUNCATED;
      next = buffer[position++]!;
      length += (next & 127) * multiplier;
      multiplier *= 128;
    } while (next > 127);
    packetEnd = position + length;
    return packetEnd - start > capacity ? ERR_PACKET_TOO_LARGE : position;
  }

  function reset(): void {
    held = 0;
  }

  function push(chunk: Uint8Array | string): number {
    let offset = 0;
    while (offset < chunk.length) {
      const count = Math.min(chunk.length - offset, capacity - held);
      if (!count) {
        reset();
        return ERR_PACKET_TOO_LARGE;
      }
      for (let index = 0; index < count; index++) buffer[held++] = typeof chunk == "string" ? chunk.charCodeAt(offset++) : chunk[offset++]!;
      let start = 0;
      for (;;) {
        const position = readHeader(start);
        if (position == ERR_TRUNCATED) break;
        if (position < 0) {
          reset();
          return position;
        }
        if (packetEnd > held) break;
        deliver(decodeIncoming(buffer, start, position, packetEnd, packet), packet, buffer);
        if (!held) return 0;
        start = packetEnd;
      }
      for (let index = start; index < held; index++) buffer[index - start] = buffer[index]!;
      held -= start;
    }
    return 0;
  }

  return { push, reset };
}
