/**
 * Encoders for what a client sends (device bundle). Each writes one whole
 * packet into the caller's buffer at `position` and returns the position just
 * after it, or an ERR_* (< 0) having written nothing past capacity.
 * Length functions return the whole packet's byte count or an ERR_*.
 *
 * Each packet has one body function that both measures (buffer null) and
 * writes (buffer given), so the two can never disagree. Body helpers pass a
 * negative position (an error) through unchanged. PUBLISH, the hot path, is
 * the exception: it checks and measures each field once (publishRemaining),
 * then writes; an ASCII topic or payload is copied without UTF-8 encoding.
 */
import {
  CONNECT, ERR_BUFFER_TOO_SMALL, ERR_CONNECT_FLAGS, ERR_NO_FILTERS, ERR_PACKET_ID, ERR_PROTOCOL,
  ERR_QOS, ERR_RESERVED_FLAGS, ERR_UNEXPECTED_TYPE, ERR_VALUE, MAX_REMAINING_LENGTH, PROTOCOL_LEVEL_311,
  PUBLISH, PUBREL, SUBSCRIBE, UNSUBSCRIBE,
} from "./constants.ts";
import type { ConnectOptions, PublishOptions } from "./packets.ts";
import { checkTopic } from "./topic.ts";
import { encodeUtf8 } from "./utf8.ts";

/** Bytes that `length` takes as a remaining length (2.2.3): 1..4. */
export function remainingLengthSize(length: number): number {
  return length < 128 ? 1 : length < 16384 ? 2 : length < 2097152 ? 3 : 4;
}

/** Writes `length` (0..268,435,455) as a remaining length (2.2.3); returns the new position. */
export function writeRemainingLength(buffer: Uint8Array, position: number, length: number): number {
  do buffer[position++] = length & 127 | (length > 127 ? 128 : 0);
  while (length >>= 7);
  return position;
}

/** Writes a big-endian 16-bit integer (1.5.2); returns the new position. */
export function writeU16(buffer: Uint8Array, position: number, value: number): number {
  buffer[position] = value >> 8;
  buffer[position + 1] = value;
  return position + 2;
}

/** 0 for QoS 0, 1 or 2, else ERR_QOS [MQTT-3.3.1-4]. */
function checkQos(qos: number): number {
  return (qos & 3) !== qos || qos > 2 ? ERR_QOS : 0;
}

/** 0 for an integer 1..65535, else ERR_PACKET_ID [MQTT-2.3.1-1]. */
function checkPacketId(packetId: number): number {
  return (packetId & 65535) !== packetId || !packetId ? ERR_PACKET_ID : 0;
}

/** Binary data, or a string as UTF-8 (`text`: an MQTT string, which may not hold U+0000). */
function putData(buffer: Uint8Array | null, position: number, data: string | Uint8Array, text: boolean): number {
  if (position < 0) return position;
  if (typeof data == "string") return encodeUtf8(buffer, position, data, text);
  if (buffer) buffer.set(data, position);
  return position + data.length;
}

/** A 2-byte length, then the data (1.5.3); ERR_VALUE above 65,535 bytes [MQTT-4.7.3-3]. */
function putField(buffer: Uint8Array | null, position: number, data: string | Uint8Array, text: boolean): number {
  const end = putData(buffer, position < 0 ? position : position + 2, data, text);
  if (buffer) writeU16(buffer, position, end - position - 2);
  return end - position > 65537 ? ERR_VALUE : end;
}

/** A topic name or filter as a field, checked first (4.7). */
function putTopic(buffer: Uint8Array | null, position: number, topic: string, filter: boolean): number {
  return checkTopic(topic, 0, topic.length, filter) || putField(buffer, position, topic, true);
}

/** Whole packet bytes for a remaining length, or its error; ERR_VALUE above MAX_REMAINING_LENGTH. */
function totalLength(remaining: number): number {
  return remaining < 0 ? remaining : remaining > MAX_REMAINING_LENGTH ? ERR_VALUE : 1 + remainingLengthSize(remaining) + remaining;
}

/** Checks room, then writes the fixed header (2.2); returns the variable header's position or an ERR_*. */
function writeFixedHeader(buffer: Uint8Array, position: number, firstByte: number, remaining: number): number {
  const total = totalLength(remaining);
  if (total < 0) return total;
  if (position + total > buffer.length) return ERR_BUFFER_TOO_SMALL;
  buffer[position] = firstByte;
  return writeRemainingLength(buffer, position + 1, remaining);
}

/** 0 when `text` is a valid topic name for PUBLISH or a will, else its ERR_* (UTF-8, length, empty, wildcards). */
export function checkTopicName(text: string): number {
  return Math.min(putTopic(null, 0, text, false), 0);
}

/** 0 when `text` is a valid topic filter for SUBSCRIBE or UNSUBSCRIBE, else its ERR_*. */
export function checkTopicFilter(text: string): number {
  return Math.min(putTopic(null, 0, text, true), 0);
}

/** CONNECT variable header and payload (3.1.2, 3.1.3) in the order of [MQTT-3.1.3-1]. */
function connectBody(buffer: Uint8Array | null, position: number, options: ConnectOptions): number {
  const level = options.protocolLevel ?? PROTOCOL_LEVEL_311;
  const will = options.will;
  const username = options.username;
  const password = options.password;
  const keepalive = options.keepalive;
  if (level != 4 && level != 3) return ERR_PROTOCOL;
  if (password != null && username == null && level == 4) return ERR_CONNECT_FLAGS;
  if ((keepalive & 65535) !== keepalive || !options.clientId && (level == 3 || !options.cleanSession)) return ERR_VALUE;
  if (will && checkQos(will.qos)) return ERR_QOS;
  position = putField(buffer, position, level == 4 ? "MQTT" : "MQIsdp", true);
  if (buffer) {
    buffer[position] = level;
    buffer[position + 1] = (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0)
      | (will ? (will.retain ? 0x20 : 0) | will.qos << 3 | 4 : 0) | (options.cleanSession ? 2 : 0);
    writeU16(buffer, position + 2, keepalive);
  }
  position = putField(buffer, position + 4, options.clientId, true);
  if (will) position = putField(buffer, putTopic(buffer, position, will.topic, false), will.payload, false);
  if (username != null) position = putField(buffer, position, username, true);
  return password != null ? putField(buffer, position, password, false) : position;
}

/** Whole CONNECT bytes, or ERR_PROTOCOL / ERR_CONNECT_FLAGS / ERR_VALUE / ERR_QOS / a topic or UTF-8 error. */
export function connectLength(options: ConnectOptions): number {
  return totalLength(connectBody(null, 0, options));
}

/** Writes CONNECT (3.1): protocol name and level, flags, keepalive, then client id, will, user name, password. */
export function encodeConnect(buffer: Uint8Array, position: number, options: ConnectOptions): number {
  position = writeFixedHeader(buffer, position, CONNECT << 4, connectBody(null, 0, options));
  return position < 0 ? position : connectBody(buffer, position, options);
}

/**
 * A character that keeps a topic name off the ASCII path: outside 0x01..0x7F,
 * or a wildcard `#` / `+`. A native test: on V8 it costs about half a
 * charCodeAt loop, on Espruino far less.
 */
const TOPIC_DECLINED = /[^\x01-\x22\x24-\x2a\x2c-\x7f]/;
/** A string payload character outside 0x01..0x7F (U+0000 is allowed but takes the general path). */
const PAYLOAD_DECLINED = /[^\x01-\x7f]/;

/**
 * Writes already-checked text as UTF-8, copying ASCII characters directly,
 * two per step (V8 spends most of a copy in charCodeAt; fewer loop steps
 * help); returns the new position.
 */
function putText(buffer: Uint8Array, position: number, text: string): number {
  const length = text.length;
  for (let index = 0; index < length; index += 2) {
    const first = text.charCodeAt(index);
    const second = index + 1 < length ? text.charCodeAt(index + 1) : 0;
    if ((first | second) > 0x7F) return encodeUtf8(buffer, position, text, false);
    buffer[position + index] = first;
    if (index + 1 < length) buffer[position + index + 1] = second;
  }
  return position + length;
}

/**
 * PUBLISH remaining length (3.3.2, 3.3.3), or its error, checking each field
 * once: an ASCII topic name or string payload takes one regular-expression
 * test, anything else the general UTF-8 path.
 */
function publishRemaining(options: PublishOptions): number {
  const qos = options.qos;
  const topic = options.topic;
  const payload = options.payload;
  if (checkQos(qos)) return ERR_QOS;
  if (qos && checkPacketId(options.packetId)) return ERR_PACKET_ID;
  if (!qos && options.dup) return ERR_RESERVED_FLAGS;
  let position = !topic.length || topic.length > 65535 || TOPIC_DECLINED.test(topic) ? putTopic(null, 0, topic, false) : topic.length + 2;
  if (position < 0) return position;
  if (qos) position += 2;
  return typeof payload == "string" && PAYLOAD_DECLINED.test(payload) ? putData(null, position, payload, false) : position + payload.length;
}

/** Whole PUBLISH bytes, or ERR_QOS / ERR_PACKET_ID / ERR_RESERVED_FLAGS (DUP at QoS 0 [MQTT-3.3.1-2]) / a topic or UTF-8 error / ERR_VALUE. */
export function publishLength(options: PublishOptions): number {
  return totalLength(publishRemaining(options));
}

/** Writes PUBLISH (3.3): topic, packet id at QoS 1 and 2, payload; measured and checked once (publishRemaining). */
export function encodePublish(buffer: Uint8Array, position: number, options: PublishOptions): number {
  const qos = options.qos;
  const topic = options.topic;
  const payload = options.payload;
  const remaining = publishRemaining(options);
  position = writeFixedHeader(buffer, position, PUBLISH << 4 | (options.dup ? 8 : 0) | qos << 1 | (options.retain ? 1 : 0), remaining);
  if (position < 0) return position;
  const end = position + remaining;
  const topicEnd = putText(buffer, position + 2, topic);
  writeU16(buffer, position, topicEnd - position - 2);
  position = qos ? writeU16(buffer, topicEnd, options.packetId) : topicEnd;
  if (typeof payload != "string") buffer.set(payload, position);
  else putText(buffer, position, payload);
  return end;
}

/** PUBACK, PUBREC, PUBREL (flags 0b0010 [MQTT-3.6.1-1]), PUBCOMP, UNSUBACK: 4 bytes. ERR_UNEXPECTED_TYPE for another type. */
export function encodeAck(buffer: Uint8Array, position: number, type: number, packetId: number): number {
  position = writeFixedHeader(buffer, position, type << 4 | (type == PUBREL ? 2 : 0),
    (type & 15) !== type || !(0x8F0 >> type & 1) ? ERR_UNEXPECTED_TYPE : checkPacketId(packetId) || 2);
  return position < 0 ? position : writeU16(buffer, position, packetId);
}

/**
 * SUBSCRIBE (`subscribe`: a QoS byte after each filter, checked when `qos` is
 * given) or UNSUBSCRIBE variable header and payload (3.8.2-3.8.3, 3.10.2-3.10.3).
 */
function filtersBody(buffer: Uint8Array | null, position: number, packetId: number, filters: string[], subscribe: boolean, qos: number[] | null): number {
  if (!filters.length) return ERR_NO_FILTERS;
  if (checkPacketId(packetId)) return ERR_PACKET_ID;
  if (buffer) writeU16(buffer, position, packetId);
  position += 2;
  for (let index = 0; index < filters.length && position >= 0; index++) {
    position = putTopic(buffer, position, filters[index], true);
    if (!subscribe || position < 0) continue;
    if (qos && checkQos(qos[index])) return ERR_QOS;
    if (buffer) buffer[position] = qos![index];
    position++;
  }
  return position;
}

/** Whole SUBSCRIBE bytes for these filters, or ERR_NO_FILTERS / a filter or UTF-8 error / ERR_VALUE. */
export function subscribeLength(filters: string[]): number {
  return totalLength(filtersBody(null, 0, 1, filters, true, null));
}

/** Writes SUBSCRIBE (3.8, flags 0b0010 [MQTT-3.8.1-1]): packet id, then each filter with `qos[index]` (0..2). */
export function encodeSubscribe(buffer: Uint8Array, position: number, packetId: number, filters: string[], qos: number[]): number {
  position = writeFixedHeader(buffer, position, SUBSCRIBE << 4 | 2, filtersBody(null, 0, packetId, filters, true, qos));
  return position < 0 ? position : filtersBody(buffer, position, packetId, filters, true, qos);
}

/** Whole UNSUBSCRIBE bytes for these filters, or ERR_NO_FILTERS / a filter or UTF-8 error / ERR_VALUE. */
export function unsubscribeLength(filters: string[]): number {
  return totalLength(filtersBody(null, 0, 1, filters, false, null));
}

/** Writes UNSUBSCRIBE (3.10, flags 0b0010 [MQTT-3.10.1-1]): packet id, then each filter. */
export function encodeUnsubscribe(buffer: Uint8Array, position: number, packetId: number, filters: string[]): number {
  position = writeFixedHeader(buffer, position, UNSUBSCRIBE << 4 | 2, filtersBody(null, 0, packetId, filters, false, null));
  return position < 0 ? position : filtersBody(buffer, position, packetId, filters, false, null);
}

/** PINGREQ, PINGRESP, DISCONNECT: 2 bytes. ERR_UNEXPECTED_TYPE for another type. */
export function encodeEmpty(buffer: Uint8Array, position: number, type: number): number {
  return writeFixedHeader(buffer, position, type << 4, type < 12 || type > 14 ? ERR_UNEXPECTED_TYPE : 0);
}
