/**
 * Decoders for what a client receives (device bundle). They read one packet
 * from the caller's buffer into the caller's record, return the position just
 * after it or an ERR_* (< 0), and allocate nothing.
 *
 * Length errors are told apart this way: ERR_TRUNCATED means only that the
 * bytes given end before the packet does (wait for more); a field that runs
 * past the end the remaining length gives is ERR_STRING_LENGTH; a fixed-size
 * packet whose remaining length is not its size, or bytes left after the last
 * field, is ERR_TRAILING_BYTES.
 */
import {
  CONNACK, ERR_CONNACK, ERR_NO_FILTERS, ERR_PACKET_ID, ERR_PACKET_TYPE, ERR_QOS, ERR_REMAINING_LENGTH,
  ERR_RESERVED_FLAGS, ERR_STRING_LENGTH, ERR_SUBACK_RETURN_CODE, ERR_TRAILING_BYTES, ERR_TRUNCATED,
  ERR_UNEXPECTED_TYPE, PINGRESP, PUBLISH, SUBACK,
} from "./constants.ts";
import type { ClientPacketRecord, FixedHeader } from "./packets.ts";
import { checkTopic } from "./topic.ts";
import { checkUtf8 } from "./utf8.ts";

/** Reads a big-endian 16-bit integer (1.5.2). */
export function readU16(buffer: Uint8Array, position: number): number {
  return buffer[position] << 8 | buffer[position + 1];
}

/**
 * Reads type and remaining length of the fixed header at `start` (2.2) into
 * `header`, without checking flags (the framer's part); returns the position
 * of the variable header, ERR_TRUNCATED while the header is incomplete,
 * ERR_PACKET_TYPE for type 0 or 15 (Table 2.1), ERR_REMAINING_LENGTH for a
 * 5th length byte (2.2.3). Non-minimal lengths such as 0x80 0x00 are accepted.
 */
export function readFixedHeader(buffer: Uint8Array, start: number, end: number, header: FixedHeader): number {
  let position = start + 1;
  let length = 0;
  let multiplier = 1;
  let next: number;
  if (start >= end) return ERR_TRUNCATED;
  const type = buffer[start] >> 4;
  // 2.2.1 Table 2.1: 0 and 15 reserved
  if (!type || type > 14) return ERR_PACKET_TYPE;
  do {
    // 2.2.3: at most four length bytes
    if (position > start + 4) return ERR_REMAINING_LENGTH;
    if (position >= end) return ERR_TRUNCATED;
    next = buffer[position++];
    length += (next & 127) * multiplier;
    multiplier *= 128;
  } while (next > 127);
  header.type = type;
  header.flags = buffer[start] & 15;
  header.packetLength = position - start + length;
  return position;
}

/**
 * Reads a fixed header: fills record.type/flags/length (and qos/dup/retain for
 * PUBLISH); returns the position of the variable header or ERR_*. Besides
 * readFixedHeader's errors: ERR_RESERVED_FLAGS for flags other than 0b0010 on
 * PUBREL, SUBSCRIBE, UNSUBSCRIBE and 0 on the rest [MQTT-2.2.2-1], [MQTT-2.2.2-2],
 * and for DUP on a QoS 0 PUBLISH [MQTT-3.3.1-2]; ERR_QOS for PUBLISH QoS 3 [MQTT-3.3.1-4].
 */
export function decodeFixedHeader(buffer: Uint8Array, start: number, end: number, record: ClientPacketRecord): number {
  const position = readFixedHeader(buffer, start, end, record);
  const flags = record.flags;
  if (position < 0) return position;
  if (record.type == PUBLISH) {
    record.qos = flags >> 1 & 3;
    record.dup = flags > 7;
    record.retain = (flags & 1) == 1;
    // [MQTT-3.3.1-4] both QoS bits set
    if (record.qos > 2) return ERR_QOS;
    // [MQTT-3.3.1-2] DUP on QoS 0
    if ((flags & 14) == 8) return ERR_RESERVED_FLAGS;
    // [MQTT-2.2.2-1], [MQTT-2.2.2-2]: 0b0010 for PUBREL [MQTT-3.6.1-1], SUBSCRIBE [MQTT-3.8.1-1], UNSUBSCRIBE [MQTT-3.10.1-1], else 0
  } else if (flags != (0x540 >> record.type & 1) << 1) return ERR_RESERVED_FLAGS;
  return position;
}

/**
 * Reads the 2-byte length of the field at `position` and returns the field's
 * end, or ERR_STRING_LENGTH if it runs past `end`; with `text`, an MQTT
 * string, also ERR_MALFORMED_UTF8 / ERR_NULL_CHARACTER [MQTT-1.5.3-1], [MQTT-1.5.3-2].
 */
export function readField(buffer: Uint8Array, position: number, end: number, text: boolean): number {
  const fieldEnd = position + 2 + readU16(buffer, position);
  return fieldEnd > end ? ERR_STRING_LENGTH : text && checkUtf8(buffer, position + 2, fieldEnd) || fieldEnd;
}

/**
 * Reads the PUBLISH topic name field at `position` and returns its end, or
 * ERR_STRING_LENGTH, then checkTopic's errors, then checkUtf8's: the order
 * in which the encoders check a topic (encode.ts). An all-ASCII name
 * without U+0000, `#` or `+` is valid UTF-8 and a valid name, so one loop
 * over its bytes decides; any other byte sends the name to the general
 * checks.
 */
function readTopicName(buffer: Uint8Array, position: number, end: number): number {
  const start = position + 2;
  const fieldEnd = start + readU16(buffer, position);
  if (fieldEnd > end) return ERR_STRING_LENGTH;
  let index = start;
  while (index < fieldEnd) {
    const code = buffer[index];
    if (code - 1 >>> 0 >= 0x7F || (code | 8) == 0x2B) break;
    index++;
  }
  return index == fieldEnd && index > start ? fieldEnd : checkTopic(buffer, start, fieldEnd, false) || checkUtf8(buffer, start, fieldEnd) || fieldEnd;
}

/** Reads a non-zero packet identifier into the record [MQTT-2.3.1-1]; returns the position after it, ERR_STRING_LENGTH or ERR_PACKET_ID. */
export function readPacketId(buffer: Uint8Array, position: number, end: number, record: ClientPacketRecord): number {
  if (position + 2 > end) return ERR_STRING_LENGTH;
  record.packetId = readU16(buffer, position);
  return record.packetId ? position + 2 : ERR_PACKET_ID;
}

/**
 * Decodes the variable header and payload [position,end) of the packet whose
 * fixed header is in `record`, for the types a broker sends; ERR_UNEXPECTED_TYPE
 * for the others. Returns `end` or an ERR_*.
 */
export function decodeBrokerBody(buffer: Uint8Array, position: number, end: number, record: ClientPacketRecord): number {
  const type = record.type;
  if (type == PUBLISH) {
    // [MQTT-3.3.2-1] UTF-8 topic name; [MQTT-3.3.2-2] no wildcards; [MQTT-4.7.3-1] not empty
    const topicEnd = readTopicName(buffer, position, end);
    if (topicEnd < 0) return topicEnd;
    record.topicStart = position + 2;
    record.topicEnd = topicEnd;
    record.packetId = 0;
    // [MQTT-2.3.1-1] non-zero packet id at QoS 1 and 2
    position = record.qos ? readPacketId(buffer, topicEnd, end, record) : topicEnd;
    if (position < 0) return position;
    record.payloadStart = position;
    record.payloadEnd = end;
    return end;
  }
  if (type == SUBACK) {
    position = readPacketId(buffer, position, end, record);
    if (position < 0) return position;
    // [MQTT-3.8.4-5] one return code per filter, and a SUBSCRIBE has at least one
    if (position == end) return ERR_NO_FILTERS;
    record.payloadStart = position;
    record.payloadEnd = end;
    while (position < end) {
      const code = buffer[position++];
      // [MQTT-3.9.3-2] only 0x00, 0x01, 0x02, 0x80
      if (code > 2 && code != 0x80) return ERR_SUBACK_RETURN_CODE;
    }
    return end;
  }
  // 3.13.1: remaining length 0
  if (type == PINGRESP) return position < end ? ERR_TRAILING_BYTES : end;
  // CONNACK and PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK; the rest are client-to-server only
  if (type != CONNACK && (0x8F0 >> type & 1) == 0) return ERR_UNEXPECTED_TYPE;
  // 3.2.1, 3.4.1-3.7.1, 3.11.1: remaining length 2
  if (end - position != 2) return ERR_TRAILING_BYTES;
  // [MQTT-2.3.1-1] the acknowledged packet id is non-zero
  if (type != CONNACK) return readPacketId(buffer, position, end, record);
  // 3.2.2.1: acknowledge flags bits 7-1 reserved; 3.2.2.3: return codes 6-255 reserved
  if (buffer[position] > 1 || buffer[position + 1] > 5) return ERR_CONNACK;
  record.sessionPresent = buffer[position] == 1;
  record.returnCode = buffer[position + 1];
  return end;
}

/**
 * Decodes the one packet starting at `start` (bytes available up to `end`),
 * for a client: CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK,
 * UNSUBACK, PINGRESP. Returns the position just after the packet, or an ERR_*
 * (ERR_TRUNCATED if end comes first; ERR_UNEXPECTED_TYPE for the other types).
 * Fills `record`. Allocates nothing.
 */
export function decodeFromBroker(buffer: Uint8Array, start: number, end: number, record: ClientPacketRecord): number {
  const position = decodeFixedHeader(buffer, start, end, record);
  if (position < 0) return position;
  const packetEnd = start + record.packetLength;
  return packetEnd > end ? ERR_TRUNCATED : decodeBrokerBody(buffer, position, packetEnd, record);
}
