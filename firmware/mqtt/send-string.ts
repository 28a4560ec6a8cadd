/**
 * What a client sends, as binary strings (one char per byte): the device send
 * path. Espruino's socket takes strings, and on the interpreter a packet built
 * by concatenating a few header chars from `String.fromCharCode` with the
 * caller's topic and payload takes tens of microseconds, where filling a
 * Uint8Array and converting it takes hundreds to thousands (ESPRUINO.md, "What
 * is fast"). In a PUBLISH, an ASCII topic and payload are recognised by a
 * native regular expression test and concatenated as they are; other text is
 * encoded to UTF-8 character by character. The bytes are exactly those of
 * the Uint8Array encoders in encode.ts (the host's allocation-free API), and
 * so are the checks of what the application passes: each function returns the
 * packet, or the ERR_* (< 0) that encode.ts returns for the same arguments
 * (the code may differ when several CONNECT fields are bad).
 *
 * Packet identifiers and DUP are taken as given, unchecked: only the client
 * sets them (client.ts allocates ids 1..65535 [MQTT-2.3.1-1] or echoes ones
 * the decoder has checked, and sets DUP only when it resends a QoS 1 or 2
 * message [MQTT-3.3.1-2]).
 */
import {
  CONNECT, ERR_CONNECT_FLAGS, ERR_EMPTY_TOPIC, ERR_FILTER_WILDCARD, ERR_MALFORMED_UTF8, ERR_NULL_CHARACTER, ERR_PROTOCOL, ERR_QOS,
  ERR_TOPIC_WILDCARD, ERR_VALUE, MAX_REMAINING_LENGTH, PROTOCOL_LEVEL_311, PUBLISH, PUBREL, SUBSCRIBE, UNSUBSCRIBE,
} from "./constants.ts";
import { char } from "./char.ts";
import type { ConnectOptions, PublishOptions } from "./packets.ts";

/*
 * The character classes below are regular expression literals where they are
 * used, not module constants: a RegExp kept for as long as the node runs
 * costs about 11 heap variables on Espruino, the four of them about 44 of the
 * ESP8266's 1,600; a literal is made when the expression runs and freed
 * after.
 * - not plain, /[^\x01-\x7f]/: a character UTF-8 would change, or U+0000;
 * - not plain in a topic, /[^\x01-"$-*,-\x7f]/: also a wildcard `#` or `+`
 *   [MQTT-3.3.2-2], which keeps a topic name off the fast path;
 * - a wildcard, /[#+]/ [MQTT-4.7.1-1], [MQTT-3.3.2-2];
 * - a misplaced wildcard in a filter, /[^\/][+#]|[+#][^\/]|#\//: `+` or `#`
 *   after anything but `/`, `+` before anything but `/` [MQTT-4.7.1-3],
 *   anything after `#` [MQTT-4.7.1-2].
 */

/** ERR_QOS unless `qos` is 0, 1 or 2 [MQTT-3.3.1-4], [MQTT-3.1.2-14], [MQTT-3.8.3-4]; else 0. */
function checkQos(qos: number): number {
  return (qos & 3) !== qos || qos > 2 ? ERR_QOS : 0;
}

/** Two bytes, big-endian (1.5.2). */
function u16(value: number): string {
  return char(value >> 8, value & 255);
}

/**
 * `data` as a binary string: a Uint8Array byte for byte, a string as UTF-8
 * (surrogate pairs as 4-byte sequences). ERR_MALFORMED_UTF8 for a lone
 * surrogate [MQTT-1.5.3-1]; unless `binary` (a payload or password, not an
 * MQTT string) ERR_NULL_CHARACTER for U+0000 [MQTT-1.5.3-2].
 */
export function utf8String(data: string | Uint8Array, binary?: boolean): string | number {
  let result = "";
  if (typeof data != "string") {
    for (const byte of data) result += char(byte);
    return result;
  }
  for (let index = 0; index < data.length; index++) {
    let code = data.charCodeAt(index);
    if (!code && !binary) return ERR_NULL_CHARACTER;
    if (code >> 11 == 0x1B) {
      const low = data.charCodeAt(++index);
      if (code > 0xDBFF || low >> 10 != 0x37) return ERR_MALFORMED_UTF8;
      code = (code << 10) + low - 0x35FDC00;
    }
    let shift = code < 0x80 ? 0 : code < 0x800 ? 6 : code < 0x10000 ? 12 : 18;
    result += char(shift ? (0xFF << 7 - shift / 6 | code >> shift) & 0xFF : code);
    while (shift) result += char(0x80 | code >> (shift -= 6) & 0x3F);
  }
  return result;
}

/**
 * A 2-byte length, then `value` (1.5.3), what utf8String wrote; its error
 * instead, or ERR_VALUE above 65,535 bytes [MQTT-4.7.3-3].
 */
function prefixed(value: string | number): string | number {
  return typeof value != "string" ? value : value.length > 65535 ? ERR_VALUE : u16(value.length) + value;
}

/** A CONNECT field: `data` as utf8String writes it, prefixed; nothing for an absent optional field. */
function field(data: string | Uint8Array | undefined, binary?: boolean): string | number {
  return data == null ? "" : prefixed(utf8String(data, binary));
}

/**
 * A topic name (`filter` absent) or filter as a field, checked first (4.7) as
 * checkTopic (topic.ts) does: ERR_EMPTY_TOPIC [MQTT-4.7.3-1], then
 * ERR_TOPIC_WILDCARD or ERR_FILTER_WILDCARD, then UTF-8 and length errors.
 */
function topicField(topic: string, filter?: boolean): string | number {
  return !topic ? ERR_EMPTY_TOPIC
    : (filter ? /[^\/][+#]|[+#][^\/]|#\// : /[#+]/).test(topic) ? filter ? ERR_FILTER_WILDCARD : ERR_TOPIC_WILDCARD
    : prefixed(utf8String(topic));
}

/**
 * The fixed header (2.2), then `parts` joined; the first error among the
 * parts instead, or ERR_VALUE above MAX_REMAINING_LENGTH.
 */
function packet(firstByte: number, parts: (string | number)[]): string | number {
  let body = "";
  for (const part of parts) {
    if (typeof part != "string") return part;
    body += part;
  }
  let remaining = body.length;
  let header = char(firstByte);
  if (remaining > MAX_REMAINING_LENGTH) return ERR_VALUE;
  do header += char(remaining > 127 ? remaining & 127 | 128 : remaining);
  while (remaining >>= 7);
  return header + body;
}

/** CONNECT (3.1), as encodeConnect writes it, or an error: ERR_PROTOCOL, ERR_CONNECT_FLAGS, ERR_VALUE, ERR_QOS, a topic or UTF-8 error. */
export function connectString(options: ConnectOptions): string | number {
  const level = options.protocolLevel ?? PROTOCOL_LEVEL_311;
  const will = options.will;
  const username = options.username;
  const password = options.password;
  const keepalive = options.keepalive;
  const clean = options.cleanSession;
  // [MQTT-3.1.2-1], [MQTT-3.1.2-2]
  return level != 4 && level != 3 ? ERR_PROTOCOL
    // [MQTT-3.1.2-22]
    : password != null && username == null && level == 4 ? ERR_CONNECT_FLAGS
    // keepalive 0..65535; [MQTT-3.1.3-7] an empty client id needs clean session (and level 4)
    : (keepalive & 65535) !== keepalive || !options.clientId && (level == 3 || !clean) ? ERR_VALUE
    : packet(CONNECT << 4, [
      level == 4 ? "\0\x04MQTT" : "\0\x06MQIsdp",
      char(level, (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0)
        | (will ? (will.retain ? 0x20 : 0) | will.qos << 3 | 4 : 0) | (clean ? 2 : 0)),
      u16(keepalive),
      field(options.clientId),
      // [MQTT-3.1.2-14]
      will ? checkQos(will.qos) || topicField(will.topic) : "",
      field(will && will.payload, true),
      field(username),
      field(password, true),
    ]);
}

/**
 * PUBLISH (3.3), as encodePublish writes it, or its error: ERR_QOS, a topic
 * or UTF-8 error, ERR_VALUE. An ASCII topic and payload are concatenated as
 * they are. `packetId` (QoS 1 and 2) and `dup` are the client's, unchecked.
 */
export function publishString(options: PublishOptions): string | number {
  const qos = options.qos;
  const topic = options.topic;
  const data = options.payload;
  // the hot path: few calls, as each costs the interpreter more than the native tests and concatenations
  return packet(PUBLISH << 4 | (options.dup ? 8 : 0) | qos << 1 | (options.retain ? 1 : 0), [
    // [MQTT-3.3.1-4], tested here rather than by checkQos: one call fewer on the hot path, measured faster on Espruino 2v29
    (qos & 3) !== qos || qos > 2 ? ERR_QOS : topic && topic.length < 65536 && !/[^\x01-"$-*,-\x7f]/.test(topic) ? u16(topic.length) + topic : topicField(topic),
    qos ? u16(options.packetId) : "",
    typeof data == "string" && !/[^\x01-\x7f]/.test(data) ? data : utf8String(data, true),
  ]);
}

/** PUBACK, PUBREC, PUBREL (flags 0b0010 [MQTT-3.6.1-1]) or PUBCOMP for `packetId` (1..65535). */
export function ackString(type: number, packetId: number): string {
  return char(type << 4 | (type == PUBREL ? 2 : 0), 2, packetId >> 8, packetId & 255);
}

/** PINGREQ or DISCONNECT (no body). */
export function emptyString(type: number): string {
  return char(type << 4, 0);
}

/** SUBSCRIBE (3.8, flags 0b0010 [MQTT-3.8.1-1]) of one filter at `qos`, or a filter, UTF-8, QoS or length error. */
export function subscribeString(packetId: number, filter: string, qos: number): string | number {
  return packet(SUBSCRIBE << 4 | 2, [u16(packetId), topicField(filter, true), checkQos(qos) || char(qos)]);
}

/** UNSUBSCRIBE (3.10, flags 0b0010 [MQTT-3.10.1-1]) of one filter, or a filter, UTF-8 or length error. */
export function unsubscribeString(packetId: number, filter: string): string | number {
  return packet(UNSUBSCRIBE << 4 | 2, [u16(packetId), topicField(filter, true)]);
}
