/**
 * Encoders for what a client sends (the host's Uint8Array codec: tests,
 * tools, the simulator). Each writes one whole packet into the caller's
 * buffer at `position` and returns the position just after it, or an ERR_*
 * (< 0). On an error nothing is written outside the packet's own bytes:
 * never before `position` nor past the buffer's end; PUBLISH may leave
 * garbage inside its range (see encodePublish), the others write nothing.
 * Length functions return the whole packet's byte count or an ERR_*.
 *
 * Each packet has one body function that both measures (buffer null) and
 * writes (buffer given), so the two can never disagree. Body helpers pass a
 * negative position (an error) through unchanged. encodePublish, the hot
 * path, first tries one pass for ASCII text and falls back to its body function.
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

/** 0 when QoS, packet id and DUP agree (3.3.1, 3.3.2.2), else ERR_QOS / ERR_PACKET_ID / ERR_RESERVED_FLAGS (DUP at QoS 0 [MQTT-3.3.1-2]). */
function checkPublishFlags(options: PublishOptions): number {
  const qos = options.qos;
  return checkQos(qos) || (qos ? checkPacketId(options.packetId) : options.dup ? ERR_RESERVED_FLAGS : 0);
}

/** PUBLISH variable header and payload (3.3.2, 3.3.3): topic name, packet id at QoS 1 and 2, payload. */
function publishBody(buffer: Uint8Array | null, position: number, options: PublishOptions): number {
  position = putTopic(buffer, position, options.topic, false);
  if (options.qos && position >= 0) {
    if (buffer) writeU16(buffer, position, options.packetId);
    position += 2;
  }
  return putData(buffer, position, options.payload, false);
}

/** Whole PUBLISH bytes, or ERR_QOS / ERR_PACKET_ID / ERR_RESERVED_FLAGS / a topic or UTF-8 error / ERR_VALUE. */
export function publishLength(options: PublishOptions): number {
  return totalLength(checkPublishFlags(options) || publishBody(null, 0, options));
}

/** Writes PUBLISH by the general path: checked and measured in full, then written. */
function encodePublishChecked(buffer: Uint8Array, position: number, options: PublishOptions): number {
  const remaining = checkPublishFlags(options) || publishBody(null, 0, options);
  position = writeFixedHeader(buffer, position, PUBLISH << 4 | (options.dup ? 8 : 0) | options.qos << 1 | (options.retain ? 1 : 0), remaining);
  return position < 0 ? position : publishBody(buffer, position, options);
}

/**
 * Copies a topic name of 0x01..0x7F characters other than `#` and `+`, two
 * per step (V8 spends most of a copy in charCodeAt; fewer loop steps help);
 * false at the first other character, which the general path must judge.
 */
function copyAsciiTopic(buffer: Uint8Array, position: number, topic: string): boolean {
  const length = topic.length;
  let index = 0;
  for (; index + 1 < length; index += 2) {
    const first = topic.charCodeAt(index);
    const second = topic.charCodeAt(index + 1);
    if (first - 1 >>> 0 > 0x7E || second - 1 >>> 0 > 0x7E || (first | 8) == 0x2B || (second | 8) == 0x2B) return false;
    buffer[position + index] = first;
    buffer[position + index + 1] = second;
  }
  if (index == length) return true;
  const last = topic.charCodeAt(index);
  buffer[position + index] = last;
  return last - 1 >>> 0 <= 0x7E && (last | 8) != 0x2B;
}

/** Copies a string payload of 0x00..0x7F characters, two per step; false at the first other character. */
function copyAsciiPayload(buffer: Uint8Array, position: number, payload: string): boolean {
  const length = payload.length;
  let index = 0;
  for (; index + 1 < length; index += 2) {
    const first = payload.charCodeAt(index);
    const second = payload.charCodeAt(index + 1);
    if ((first | second) > 0x7F) return false;
    buffer[position + index] = first;
    buffer[position + index + 1] = second;
  }
  if (index == length) return true;
  const last = payload.charCodeAt(index);
  buffer[position + index] = last;
  return last <= 0x7F;
}

/**
 * Writes PUBLISH (3.3): topic, packet id at QoS 1 and 2, payload. Returns the
 * position after it, or ERR_QOS / ERR_PACKET_ID / ERR_RESERVED_FLAGS (DUP at
 * QoS 0 [MQTT-3.3.1-2]) / a topic error ([MQTT-4.7.3-1] empty,
 * [MQTT-3.3.2-2] wildcard) / a UTF-8 error / ERR_VALUE / ERR_BUFFER_TOO_SMALL.
 *
 * One pass: the packet is measured as if the topic and a string payload were
 * ASCII, its header written, and the topic checked while it is copied. At
 * the first character that is not plain ASCII, or that a topic name may not
 * hold, the general path checks and measures everything and writes the
 * packet again from `position`, or returns the error. So on an error, the
 * bytes from `position` up to the packet's length counted with one byte per
 * character of topic and string payload (never past the buffer's end) may
 * hold garbage; no byte outside them is written.
 */
export function encodePublish(buffer: Uint8Array, position: number, options: PublishOptions): number {
  const qos = options.qos;
  const topic = options.topic;
  const payload = options.payload;
  const topicLength = topic.length;
  const remaining = topicLength + payload.length + (qos ? 4 : 2);
  const end = position + 1 + remainingLengthSize(remaining) + remaining;
  if (checkPublishFlags(options) || !topicLength || topicLength > 65535 || remaining > MAX_REMAINING_LENGTH || end > buffer.length) {
    return encodePublishChecked(buffer, position, options);
  }
  buffer[position] = PUBLISH << 4 | (options.dup ? 8 : 0) | qos << 1 | (options.retain ? 1 : 0);
  let cursor = writeU16(buffer, writeRemainingLength(buffer, position + 1, remaining), topicLength);
  if (!copyAsciiTopic(buffer, cursor, topic)) return encodePublishChecked(buffer, position, options);
  cursor += topicLength;
  if (qos) cursor = writeU16(buffer, cursor, options.packetId);
  if (typeof payload != "string") buffer.set(payload, cursor);
  else if (!copyAsciiPayload(buffer, cursor, payload)) return encodePublishChecked(buffer, position, options);
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
