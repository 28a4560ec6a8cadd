/**
 * PUBLISH (3.3) as one binary string, for the interpreter's fast path: a few
 * header chars from `String.fromCharCode`, concatenated with the caller's
 * topic and payload strings. No JavaScript loop touches a character: the
 * eligibility checks are native regular expression tests. On Espruino this
 * takes tens of microseconds where filling a Uint8Array and converting it
 * (encodePublish + E.toString) takes hundreds to thousands (ESPRUINO.md,
 * "What is fast"). The bytes are exactly those encodePublish writes.
 */
import { MAX_REMAINING_LENGTH, PUBLISH } from "./constants.ts";
import type { PublishOptions } from "./packets.ts";

/** A character a topic name may not take here: outside 0x01..0x7F, or a wildcard `#` (0x23) / `+` (0x2B) [MQTT-3.3.2-2]. */
const TOPIC_DECLINED = /[^\x01-\x22\x24-\x2a\x2c-\x7f]/;
/** A payload character outside 0x01..0x7F (it would need UTF-8 encoding, or it is U+0000). */
const PAYLOAD_DECLINED = /[^\x01-\x7f]/;
/** Called detached: shorter once minified, and measured faster on Espruino 2v29 than `String.fromCharCode(...)`. */
const char = String.fromCharCode;

/**
 * The whole PUBLISH packet as a binary string (one char per byte), or -1 when
 * this path does not take it: a Uint8Array payload, a character outside
 * 0x01..0x7F, an empty or wildcard topic, an unusual QoS, packet id or DUP,
 * or a length past the limits. Then encodePublish writes it (or returns the
 * exact error).
 */
export function publishString(options: PublishOptions): string | number {
  const topic = options.topic;
  const payload = options.payload;
  const qos = options.qos;
  const packetId = options.packetId;
  const dup = options.dup;
  const length = topic.length;
  let remaining = length + payload.length + (qos ? 4 : 2);
  if (typeof payload != "string" || !length || length > 65535 || remaining > MAX_REMAINING_LENGTH || (qos & 3) !== qos || qos > 2
    || (qos ? (packetId & 65535) !== packetId || !packetId : dup) || TOPIC_DECLINED.test(topic) || PAYLOAD_DECLINED.test(payload)) return -1;
  let packet = char(PUBLISH << 4 | (dup ? 8 : 0) | qos << 1 | (options.retain ? 1 : 0));
  do packet += char(remaining & 127 | (remaining > 127 ? 128 : 0));
  while (remaining >>= 7);
  return packet + char(length >> 8, length & 255) + topic + (qos ? char(packetId >> 8, packetId & 255) : "") + payload;
}
