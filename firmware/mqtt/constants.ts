/**
 * MQTT 3.1.1 wire constants and the codec's one error table.
 * This file imports nothing, so esbuild inlines every number into the bundle.
 * Spec: https://docs.oasis-open.org/mqtt/mqtt/v3.1.1/os/mqtt-v3.1.1-os.html
 */

/** Control packet types, the high nibble of the fixed header's first byte [2.2.1]. */
export const CONNECT = 1;
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const PUBREC = 5;
export const PUBREL = 6;
export const PUBCOMP = 7;
export const SUBSCRIBE = 8;
export const SUBACK = 9;
export const UNSUBSCRIBE = 10;
export const UNSUBACK = 11;
export const PINGREQ = 12;
export const PINGRESP = 13;
export const DISCONNECT = 14;

/** Protocol levels: 4 is MQTT 3.1.1 ("MQTT"), 3 is MQTT 3.1 ("MQIsdp") [3.1.2.2]. */
export const PROTOCOL_LEVEL_311 = 4;
export const PROTOCOL_LEVEL_31 = 3;

/** CONNACK return codes [3.2.2.3]; 1-5 refuse the connection. */
export const CONNACK_ACCEPTED = 0;
export const CONNACK_UNACCEPTABLE_PROTOCOL = 1;
export const CONNACK_IDENTIFIER_REJECTED = 2;
export const CONNACK_SERVER_UNAVAILABLE = 3;
export const CONNACK_BAD_CREDENTIALS = 4;
export const CONNACK_NOT_AUTHORIZED = 5;

/** SUBACK return code for a refused filter [3.9.3]. */
export const SUBACK_FAILURE = 0x80;

/** Largest remaining length four bytes can carry [2.2.3]. */
export const MAX_REMAINING_LENGTH = 268435455;

/**
 * The codec's error codes: every encoder, decoder and the framer returns a
 * position >= 0 or one of these. Distinct, negative, one table.
 */
/** The caller's buffer has no room for the packet. */
export const ERR_BUFFER_TOO_SMALL = -1;
/**
 * The bytes given to a decoder end before the packet does (`end` comes before
 * the end that the remaining length promises, or inside the fixed header).
 * Only ever means "wait for more bytes": a packet whose own fields overrun its
 * remaining length is malformed and gets ERR_STRING_LENGTH instead.
 */
export const ERR_TRUNCATED = -2;
/**
 * Remaining length with a continuation bit on its 4th byte, i.e. a 5th byte
 * (2.2.3: at most four bytes; 3.1.1 gives this no normative id). A non-minimal
 * form such as 0x80 0x00 is accepted: 3.1.1 does not forbid it (MQTT 5 does,
 * [MQTT-1.5.5-1]), and mqtt-packet, Mosquitto and Paho accept it too.
 */
export const ERR_REMAINING_LENGTH = -3;
/**
 * Bytes left over inside the packet after its last field, or a fixed-size
 * packet (CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK: 2; PINGREQ,
 * PINGRESP, DISCONNECT: 0) whose remaining length is any other value
 * (3.2.1, 3.4.1-3.7.1, 3.11.1, 3.12.1, 3.13.1, 3.14.1; [MQTT-3.1.4-1] for CONNECT).
 */
export const ERR_TRAILING_BYTES = -4;
/** Packet type 0 or 15, reserved in 3.1.1 (2.2.1, Table 2.1; no normative id). */
export const ERR_PACKET_TYPE = -5;
/**
 * Fixed-header flags that the packet type does not allow [MQTT-2.2.2-1],
 * [MQTT-2.2.2-2]: 0b0010 for PUBREL [MQTT-3.6.1-1], SUBSCRIBE [MQTT-3.8.1-1]
 * and UNSUBSCRIBE [MQTT-3.10.1-1], 0 for the others except PUBLISH
 * ([MQTT-3.14.1-1] for DISCONNECT); also DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2].
 */
export const ERR_RESERVED_FLAGS = -6;
/**
 * QoS 3 (or not 0, 1, 2) in a PUBLISH [MQTT-3.3.1-4], a will [MQTT-3.1.2-14]
 * or a subscription, whose QoS byte must also have bits 7-2 clear [MQTT-3.8.3-4].
 */
export const ERR_QOS = -7;
/**
 * Packet identifier 0 (or, for an encoder, not an integer 1..65535) where one is
 * required [MQTT-2.3.1-1]; acknowledgements repeat it, so 0 is refused there too.
 */
export const ERR_PACKET_ID = -8;
/**
 * A field that runs past the end of the packet as its remaining length gives
 * it: a length-prefixed string or binary field, its 2-byte length, a packet
 * identifier, a subscription QoS byte, or CONNECT's fixed variable header.
 */
export const ERR_STRING_LENGTH = -9;
/**
 * Ill-formed UTF-8 (overlong, truncated, above U+10FFFF, stray continuation
 * byte) or a surrogate code point U+D800-U+DFFF in a string [MQTT-1.5.3-1];
 * for an encoder, a lone surrogate in a JavaScript string.
 */
export const ERR_MALFORMED_UTF8 = -10;
/** U+0000 in a string [MQTT-1.5.3-2], [MQTT-4.7.3-2] (allowed in payloads and passwords, which are binary). */
export const ERR_NULL_CHARACTER = -11;
/** `+` or `#` in a topic name: a PUBLISH topic [MQTT-3.3.2-2] or a will topic [MQTT-4.7.1-1]. */
export const ERR_TOPIC_WILDCARD = -12;
/** A `+` or `#` that does not occupy a whole level, or `#` not last [MQTT-4.7.1-2], [MQTT-4.7.1-3]. */
export const ERR_FILTER_WILDCARD = -13;
/** An empty topic name, will topic or topic filter [MQTT-4.7.3-1]. */
export const ERR_EMPTY_TOPIC = -14;
/**
 * SUBSCRIBE or UNSUBSCRIBE with no topic filter [MQTT-3.8.3-3], [MQTT-3.10.3-2];
 * also a SUBACK with no return code, which can answer no SUBSCRIBE [MQTT-3.8.4-5].
 */
export const ERR_NO_FILTERS = -15;
/**
 * CONNACK with acknowledge-flag bits 7-1 set (3.2.2.1) or a return code above 5
 * (3.2.2.3, Table 3.1: 6-255 reserved); 3.1.1 numbers neither rule.
 */
export const ERR_CONNACK = -16;
/** CONNECT protocol name or level other than "MQTT"/4 or "MQIsdp"/3 [MQTT-3.1.2-1], [MQTT-3.1.2-2]. */
export const ERR_PROTOCOL = -17;
/**
 * CONNECT flags that set the reserved bit [MQTT-3.1.2-3], set will QoS or will
 * retain without the will flag [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15],
 * or (level 4) a password without a user name [MQTT-3.1.2-22].
 */
export const ERR_CONNECT_FLAGS = -18;
/** A packet larger than the framer's receive buffer (a board setting, not a protocol rule). */
export const ERR_PACKET_TOO_LARGE = -19;
/**
 * An argument the encoder cannot represent or must not send: a string or
 * binary field over 65,535 bytes [MQTT-4.7.3-3], a packet over 268,435,455
 * bytes, keepalive not an integer 0..65535, an empty client id without clean
 * session [MQTT-3.1.3-7] or at level 3 (MQTT 3.1 requires 1-23 characters).
 */
export const ERR_VALUE = -20;
/** A packet type that this decoder does not accept in this direction, or that this encoder does not write. */
export const ERR_UNEXPECTED_TYPE = -21;
/** A SUBACK return code other than 0x00, 0x01, 0x02, 0x80 [MQTT-3.9.3-2]. */
export const ERR_SUBACK_RETURN_CODE = -22;
