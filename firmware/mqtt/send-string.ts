/**
 * What a client sends, as binary strings (one char per byte): the device send
 * path. Espruino's socket takes strings, and on the interpreter a packet built
 * by concatenating a few header chars from `String.fromCharCode` with the
 * caller's topic and payload takes tens of microseconds, where filling a
 * Uint8Array and converting it takes hundreds to thousands (ESPRUINO.md, "What
 * is fast").
 *
 * Topics, filters and payloads are bytes too, as strings are on Espruino's
 * ESP32 and ESP8266 builds: text typed at the console or received keeps the
 * UTF-8 bytes it came as, and goes out as it is. So nothing here encodes
 * UTF-8; a topic or filter is checked to be UTF-8 (topicError, text.ts),
 * and an ASCII one is recognised by a native regular expression test. For
 * the same text, as its UTF-8 bytes, the packets are exactly those of the
 * Uint8Array encoders in encode.ts (the host's allocation-free API, which
 * takes JavaScript strings), and so are the checks: each function returns
 * the packet, or the ERR_* (< 0) that encode.ts returns for the same
 * arguments. The CONNECT is the host's to build (connect.ts).
 *
 * Packet identifiers and DUP are taken as given, unchecked: only the client
 * sets them (client.ts allocates ids 1..65535 [MQTT-2.3.1-1] or echoes ones
 * the decoder has checked, and sets DUP only when it resends a QoS 1 or 2
 * message [MQTT-3.3.1-2]).
 */
import { ERR_QOS, ERR_VALUE, PUBLISH, PUBREL, SUBSCRIBE, UNSUBSCRIBE } from "./constants.ts";
import { char } from "./char.ts";
import type { PublishOptions } from "./packets.ts";
import { topicError } from "./text.ts";

/*
 * A QoS is checked as `qos !== (qos & 3) % 3`, true for anything but 0, 1
 * or 2 (NaN, a fraction or a string included) [MQTT-3.3.1-4],
 * [MQTT-3.8.3-4]: written out in both encoders that take one, shorter so
 * than a function.
 */

/** Two bytes, big-endian (1.5.2). */
function u16(value: number): string {
  return char(value >> 8, value & 255);
}


/**
 * A topic name (`filter` absent) or filter, its UTF-8 bytes, as a field
 * (1.5.3: a 2-byte length first), or topicError's refusal (text.ts), or
 * ERR_VALUE above 65,535 bytes [MQTT-4.7.3-3].
 */
function topicField(topic: string, filter?: boolean): string | number {
  return topicError(topic, filter) || (topic.length > 65535 ? ERR_VALUE : u16(topic.length) + topic);
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
  do header += char(remaining > 127 ? remaining & 127 | 128 : remaining);
  while (remaining >>= 7);
  // a fifth length byte: above MAX_REMAINING_LENGTH (2.2.3)
  return header.length > 5 ? ERR_VALUE : header + body;
}

/**
 * PUBLISH (3.3), as encodePublish writes it, or its error: ERR_QOS, a topic
 * or UTF-8 error, ERR_VALUE. `packetId` (QoS 1 and 2) and `dup` are the
 * client's, unchecked.
 *
 * The payload is a binary string, sent as it is; anything else is
 * ERR_VALUE. For a typed array pass `E.toString(array)`: Espruino converts
 * 100 bytes natively in about 42 us, where a JavaScript loop takes about
 * 900 on its Linux build (ESPRUINO.md, "What is fast"). Chars above 0xFF,
 * which are no bytes, are not looked for: none exist on the ESP32 and
 * ESP8266 builds, and the native test that would find them elsewhere,
 * `/[^\x00-\xff]/`, matches every string on Espruino 2v29 (a class range
 * from below 0x80 to above it: the gate refuses such ranges).
 */
export function publishString(options: PublishOptions): string | number {
  const qos = options.qos;
  const data = options.payload;
  // DUP and RETAIN as bits: a boolean is 1 or 0 in a bitwise expression (and undefined 0), on Espruino 2v29 too
  return packet(PUBLISH << 4 | (options.dup as unknown as number) << 3 | qos << 1 | (options.retain as unknown as number), [
    qos !== (qos & 3) % 3 ? ERR_QOS : topicField(options.topic),
    qos ? u16(options.packetId) : "",
    typeof data == "string" ? data : ERR_VALUE,
  ]);
}

/** PUBACK, PUBREC, PUBREL (flags 0b0010 [MQTT-3.6.1-1]) or PUBCOMP for `packetId` (1..65535). */
export function ackString(type: number, packetId: number): string {
  return char(type << 4 | (type == PUBREL ? 2 : 0), 2, packetId >> 8, packetId & 255);
}

/* PINGREQ and DISCONNECT are constants: empty-packets.ts. */

/** SUBSCRIBE (3.8, flags 0b0010 [MQTT-3.8.1-1]) of one filter at `qos`, or a filter, UTF-8, QoS or length error. */
export function subscribeString(packetId: number, filter: string, qos: number): string | number {
  return packet(SUBSCRIBE << 4 | 2, [u16(packetId), topicField(filter, true), qos !== (qos & 3) % 3 ? ERR_QOS : char(qos)]);
}

/** UNSUBSCRIBE (3.10, flags 0b0010 [MQTT-3.10.1-1]) of one filter, or a filter, UTF-8 or length error. */
export function unsubscribeString(packetId: number, filter: string): string | number {
  return packet(UNSUBSCRIBE << 4 | 2, [u16(packetId), topicField(filter, true)]);
}
