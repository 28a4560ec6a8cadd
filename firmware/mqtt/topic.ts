/**
 * Topic name and topic filter rules (4.7), on a JavaScript string or on UTF-8
 * bytes alike: `+`, `#` and `/` are ASCII, and no byte of a multi-byte UTF-8
 * sequence is ASCII, so checking bytes is checking characters.
 */
import { ERR_EMPTY_TOPIC, ERR_FILTER_WILDCARD, ERR_TOPIC_WILDCARD } from "./constants.ts";

/**
 * 0 when [start,end) of `source` is a valid topic name (`filter` false) or
 * topic filter (`filter` true); else ERR_EMPTY_TOPIC [MQTT-4.7.3-1],
 * ERR_TOPIC_WILDCARD for `+` / `#` in a name [MQTT-4.7.1-1], [MQTT-3.3.2-2],
 * or ERR_FILTER_WILDCARD for `#` not alone in the last level [MQTT-4.7.1-2]
 * or `+` not alone in its level [MQTT-4.7.1-3]. UTF-8 validity is checked elsewhere.
 */
export function checkTopic(source: string | Uint8Array, start: number, end: number, filter: boolean): number {
  let previous = 0x2F;
  if (start >= end) return ERR_EMPTY_TOPIC;
  while (start < end) {
    const code = typeof source == "string" ? source.charCodeAt(start++) : source[start++];
    const wildcard = code == 0x23 || code == 0x2B;
    if (wildcard && !filter) return ERR_TOPIC_WILDCARD;
    if (previous == 0x23 || (wildcard ? previous != 0x2F : previous == 0x2B && code != 0x2F)) return ERR_FILTER_WILDCARD;
    previous = code;
  }
  return 0;
}
