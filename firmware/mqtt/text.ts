/**
 * The device's checks of text (send-string.ts, receive.ts, and the node's
 * commands). On Espruino's ESP32 and ESP8266 builds a string is bytes, and
 * the device never encodes or decodes UTF-8: a topic or payload stays the
 * UTF-8 bytes it came as, one char per byte, and is only checked. The
 * host's checks (utf8.ts, topic.ts) work on Uint8Array and JavaScript text.
 */
import { ERR_EMPTY_TOPIC, ERR_FILTER_WILDCARD, ERR_MALFORMED_UTF8, ERR_NULL_CHARACTER, ERR_TOPIC_WILDCARD } from "./constants.ts";

/**
 * 0 when the bytes [start, end) of the binary string `bytes` are UTF-8 text,
 * else ERR_MALFORMED_UTF8 (a stray continuation byte, an overlong form, a
 * truncated sequence, a surrogate, anything above U+10FFFF, or a char above
 * 0xFF, which is no byte [MQTT-1.5.3-1]) or, for an MQTT string (`text`
 * true: a topic, not a payload), ERR_NULL_CHARACTER [MQTT-1.5.3-2],
 * whichever comes first, as checkUtf8 (utf8.ts) checks bytes on the host.
 */
export function checkText(bytes: string, start: number, end: number, text?: boolean): number {
  while (start < end) {
    const code = bytes.charCodeAt(start++);
    // continuation bytes that follow: 0xC2-0xDF one, 0xE0-0xEF two, 0xF0-0xF4 three; a byte 0x80-0xC1 or above 0xF4 (or a char above 0xFF) leads nothing
    let count = code < 0x80 ? 0 : code < 0xC2 || code > 0xF4 ? -1 : code < 0xE0 ? 1 : code < 0xF0 ? 2 : 3;
    // the range of the first continuation byte (Unicode Table 3-7): narrower after 0xE0 and 0xF0 (overlong forms), 0xED (surrogates) and 0xF4 (above U+10FFFF)
    let low = code == 0xE0 ? 0xA0 : code == 0xF0 ? 0x90 : 0x80;
    let high = code == 0xED ? 0x9F : code == 0xF4 ? 0x8F : 0xBF;
    if (count < 0 || start + count > end) return ERR_MALFORMED_UTF8;
    for (; count--; low = 0x80, high = 0xBF) {
      const next = bytes.charCodeAt(start++);
      if (next < low || next > high) return ERR_MALFORMED_UTF8;
    }
    if (text && !code) return ERR_NULL_CHARACTER;
  }
  return 0;
}

/**
 * 0 when `topic` (its UTF-8 bytes) is a valid topic name, or topic filter
 * when `filter`; else, as checkTopic then checkUtf8 (topic.ts, utf8.ts)
 * check on the host: ERR_EMPTY_TOPIC [MQTT-4.7.3-1], ERR_TOPIC_WILDCARD
 * (`#` or `+` in a name [MQTT-4.7.1-1], [MQTT-3.3.2-2]) or
 * ERR_FILTER_WILDCARD (`+` after anything but `/`, or before anything but
 * `/` [MQTT-4.7.1-3]; anything after `#` [MQTT-4.7.1-2]), then
 * checkText's errors. The expressions are literals, made only while they
 * run (a module-level RegExp holds about 11 heap variables for good).
 * Every topic the device sends or receives goes through here.
 */
export function topicError(topic: string, filter?: boolean): number {
  return !topic ? ERR_EMPTY_TOPIC
    : (filter ? /[^\/][+#]|[+#][^\/]|#\// : /[#+]/).test(topic) ? filter ? ERR_FILTER_WILDCARD : ERR_TOPIC_WILDCARD
    // ASCII without U+0000 is UTF-8: one native test instead of a JavaScript loop over each byte
    : /[^\x01-\x7f]/.test(topic) ? checkText(topic, 0, topic.length, true) : 0;
}
