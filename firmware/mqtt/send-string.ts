/**
 * What a client sends, as binary strings (one char per byte): the device send
 * path. Espruino's socket takes strings, and on the interpreter a packet built
 * by concatenating a few header chars from `String.fromCharCode` with the
 * caller's topic and payload takes tens of microseconds, where filling a
 * Uint8Array and converting it takes hundreds to thousands (ESPRUINO.md, "What
 * is fast"). ASCII text is recognised by a native regular expression test and
 * concatenated as it is; only other text is encoded to UTF-8, character by
 * character. The bytes are exactly those of the Uint8Array encoders in
 * encode.ts (the host's allocation-free API), and so are the checks: each
 * function returns the packet, or the ERR_* (< 0) that encode.ts returns for
 * the same arguments (the code may differ when several CONNECT fields are bad).
 * Packet identifiers are taken as given: the client allocates them (1..65535)
 * or echoes ones the decoder has checked.
 */
import {
  CONNECT, ERR_CONNECT_FLAGS, ERR_MALFORMED_UTF8, ERR_NULL_CHARACTER, ERR_PACKET_ID, ERR_PROTOCOL, ERR_QOS,
  ERR_RESERVED_FLAGS, ERR_VALUE, MAX_REMAINING_LENGTH, PROTOCOL_LEVEL_311, PUBLISH, PUBREL, SUBSCRIBE, UNSUBSCRIBE,
} from "./constants.ts";
import type { ConnectOptions, PublishOptions } from "./packets.ts";
import { checkTopic } from "./topic.ts";

/** Called detached: shorter once minified, and measured faster on Espruino 2v29 than `String.fromCharCode(...)`. */
const char = String.fromCharCode;
/** A character UTF-8 would change, or U+0000: anything outside 0x01..0x7F. */
const NOT_PLAIN = /[^\x01-\x7f]/;
/** A character that keeps a topic name off the fast path: outside 0x01..0x7F, or a wildcard `#` / `+` [MQTT-3.3.2-2]. */
const NOT_PLAIN_TOPIC = /[^\x01-\x22\x24-\x2a\x2c-\x7f]/;

/** ERR_QOS unless `qos` is 0, 1 or 2 [MQTT-3.3.1-4]. */
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
 * surrogate [MQTT-1.5.3-1]; with `text` (an MQTT string, not a payload or
 * password) ERR_NULL_CHARACTER for U+0000 [MQTT-1.5.3-2].
 */
export function utf8String(data: string | Uint8Array, text: boolean): string | number {
  let result = "";
  if (typeof data != "string") {
    for (let index = 0; index < data.length; index++) result += char(data[index]!);
    return result;
  }
  if (!NOT_PLAIN.test(data)) return data;
  for (let index = 0; index < data.length; index++) {
    let code = data.charCodeAt(index);
    if (!code && text) return ERR_NULL_CHARACTER;
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

/** A 2-byte length, then the data (1.5.3); ERR_VALUE above 65,535 bytes [MQTT-4.7.3-3]; an error passes through. */
function field(data: string | number): string | number {
  return typeof data != "string" ? data : data.length > 65535 ? ERR_VALUE : u16(data.length) + data;
}

/** A topic name (`filter` false) or filter as a field, checked first (4.7). */
function topicField(topic: string, filter: boolean): string | number {
  return checkTopic(topic, 0, topic.length, filter) || field(utf8String(topic, true));
}

/** `body + part`, or the first error of the two. */
function append(body: string | number, part: string | number): string | number {
  return typeof body != "string" ? body : typeof part != "string" ? part : body + part;
}

/** The fixed header (2.2) and then `body`; ERR_VALUE above MAX_REMAINING_LENGTH; an error passes through. */
function packet(firstByte: number, body: string | number): string | number {
  if (typeof body != "string") return body;
  let remaining = body.length;
  if (remaining > MAX_REMAINING_LENGTH) return ERR_VALUE;
  let header = char(firstByte);
  do header += char(remaining & 127 | (remaining > 127 ? 128 : 0));
  while (remaining >>= 7);
  return header + body;
}

/** CONNECT (3.1), as encodeConnect writes it, or its error: ERR_PROTOCOL, ERR_CONNECT_FLAGS, ERR_VALUE, ERR_QOS, a topic or UTF-8 error. */
export function connectString(options: ConnectOptions): string | number {
  const level = options.protocolLevel ?? PROTOCOL_LEVEL_311;
  const will = options.will;
  const username = options.username;
  const password = options.password;
  const keepalive = options.keepalive;
  if (level != 4 && level != 3) return ERR_PROTOCOL;
  // [MQTT-3.1.2-22]
  if (password != null && username == null && level == 4) return ERR_CONNECT_FLAGS;
  // keepalive 0..65535; [MQTT-3.1.3-7] an empty client id needs clean session (and level 4)
  if ((keepalive & 65535) !== keepalive || !options.clientId && (level == 3 || !options.cleanSession)) return ERR_VALUE;
  // [MQTT-3.1.2-14]
  if (will && checkQos(will.qos)) return ERR_QOS;
  const flags = (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0)
    | (will ? (will.retain ? 0x20 : 0) | will.qos << 3 | 4 : 0) | (options.cleanSession ? 2 : 0);
  let body = append(field(level == 4 ? "MQTT" : "MQIsdp") + char(level, flags) + u16(keepalive), field(utf8String(options.clientId, true)));
  if (will) body = append(append(body, topicField(will.topic, false)), field(utf8String(will.payload, false)));
  if (username != null) body = append(body, field(utf8String(username, true)));
  if (password != null) body = append(body, field(utf8String(password, false)));
  return packet(CONNECT << 4, body);
}

/**
 * PUBLISH (3.3), as encodePublish writes it, or its error: ERR_QOS,
 * ERR_PACKET_ID, ERR_RESERVED_FLAGS (DUP at QoS 0 [MQTT-3.3.1-2]), a topic or
 * UTF-8 error, ERR_VALUE. An ASCII topic and payload are concatenated as they are.
 */
export function publishString(options: PublishOptions): string | number {
  const qos = options.qos;
  const packetId = options.packetId;
  const dup = options.dup;
  const topic = options.topic;
  // the hot path: few calls, as each costs the interpreter more than the native tests and concatenations
  // [MQTT-3.3.1-4]
  if ((qos & 3) !== qos || qos > 2) return ERR_QOS;
  // [MQTT-2.3.1-1]
  if (qos && ((packetId & 65535) !== packetId || !packetId)) return ERR_PACKET_ID;
  if (!qos && dup) return ERR_RESERVED_FLAGS;
  const name = topic && !NOT_PLAIN_TOPIC.test(topic) ? topic : checkTopic(topic, 0, topic.length, false) || utf8String(topic, true);
  if (typeof name != "string") return name;
  // [MQTT-4.7.3-3]
  if (name.length > 65535) return ERR_VALUE;
  const data = options.payload;
  const payload = typeof data == "string" && !NOT_PLAIN.test(data) ? data : utf8String(data, false);
  return typeof payload != "string" ? payload : packet(PUBLISH << 4 | (dup ? 8 : 0) | qos << 1 | (options.retain ? 1 : 0),
    char(name.length >> 8, name.length & 255) + name + (qos ? char(packetId >> 8, packetId & 255) : "") + payload);
}

/** PUBACK, PUBREC, PUBREL (flags 0b0010 [MQTT-3.6.1-1]) or PUBCOMP for `packetId` (1..65535). */
export function ackString(type: number, packetId: number): string {
  return char(type << 4 | (type == PUBREL ? 2 : 0), 2) + u16(packetId);
}

/** PINGREQ or DISCONNECT (no body). */
export function emptyString(type: number): string {
  return char(type << 4, 0);
}

/** SUBSCRIBE (3.8, flags 0b0010 [MQTT-3.8.1-1]) of one filter at `qos`, or a filter, UTF-8, QoS or length error. */
export function subscribeString(packetId: number, filter: string, qos: number): string | number {
  const topic = topicField(filter, true);
  return typeof topic == "string" && checkQos(qos) ? ERR_QOS : packet(SUBSCRIBE << 4 | 2, append(u16(packetId), append(topic, char(qos))));
}

/** UNSUBSCRIBE (3.10, flags 0b0010 [MQTT-3.10.1-1]) of one filter, or a filter, UTF-8 or length error. */
export function unsubscribeString(packetId: number, filter: string): string | number {
  return packet(UNSUBSCRIBE << 4 | 2, append(u16(packetId), topicField(filter, true)));
}
