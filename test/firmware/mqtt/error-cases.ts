/**
 * Malformed packets and bad encoder arguments, each with the one error code
 * it must produce. errors.test.ts runs them; every code the decoders and
 * encoders can return appears at least once.
 */
import * as C from "../../../firmware/mqtt/constants.ts";
import { encodeConnack, encodeSuback, subackLength } from "../../../firmware/mqtt/broker.ts";
import {
  checkTopicFilter, checkTopicName, connectLength, encodeAck, encodeConnect, encodeEmpty, encodePublish, encodeSubscribe,
  encodeUnsubscribe, publishLength, subscribeLength, unsubscribeLength,
} from "../../../firmware/mqtt/encode.ts";
import type { ConnectOptions, PublishOptions } from "../../../firmware/mqtt/packets.ts";
import { utf8 } from "./fixture-kit.ts";

export interface DecodeCase { name: string; bytes: number[]; error: number }
export interface EncodeCase { name: string; run: () => number; error: number }

const MQTT_NAME = [0x00, 0x04, ...utf8("MQTT")];

export const DECODE_CASES: DecodeCase[] = [
  { name: "empty input", bytes: [], error: C.ERR_TRUNCATED },
  { name: "fixed header without its remaining length", bytes: [0x30], error: C.ERR_TRUNCATED },
  { name: "remaining length cut after a continuation byte", bytes: [0x30, 0x80], error: C.ERR_TRUNCATED },
  { name: "fewer bytes than the remaining length promises", bytes: [0x30, 0x07, 0x00, 0x03, ...utf8("a/b"), 0x68], error: C.ERR_TRUNCATED },
  { name: "5-byte remaining length (2.2.3)", bytes: [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], error: C.ERR_REMAINING_LENGTH },
  { name: "5th length byte even before it arrives", bytes: [0xd0, 0x80, 0x80, 0x80, 0x80], error: C.ERR_REMAINING_LENGTH },
  { name: "packet type 0 (reserved)", bytes: [0x00, 0x00], error: C.ERR_PACKET_TYPE },
  { name: "packet type 15 (reserved in 3.1.1)", bytes: [0xf0, 0x00], error: C.ERR_PACKET_TYPE },
  { name: "PUBREL with flags 0 [MQTT-3.6.1-1]", bytes: [0x60, 0x02, 0x00, 0x01], error: C.ERR_RESERVED_FLAGS },
  { name: "SUBSCRIBE with flags 0 [MQTT-3.8.1-1]", bytes: [0x80, 0x06, 0x00, 0x01, 0x00, 0x01, ...utf8("a"), 0x00], error: C.ERR_RESERVED_FLAGS },
  { name: "UNSUBSCRIBE with flags 0b0011 [MQTT-3.10.1-1]", bytes: [0xa3, 0x05, 0x00, 0x01, 0x00, 0x01, ...utf8("a")], error: C.ERR_RESERVED_FLAGS },
  { name: "PUBACK with flags 0b0010 [MQTT-2.2.2-1]", bytes: [0x42, 0x02, 0x00, 0x01], error: C.ERR_RESERVED_FLAGS },
  { name: "CONNACK with flags 1", bytes: [0x21, 0x02, 0x00, 0x00], error: C.ERR_RESERVED_FLAGS },
  { name: "DISCONNECT with flags 1 [MQTT-3.14.1-1]", bytes: [0xe1, 0x00], error: C.ERR_RESERVED_FLAGS },
  { name: "PUBLISH QoS 0 with DUP [MQTT-3.3.1-2]", bytes: [0x38, 0x05, 0x00, 0x03, ...utf8("a/b")], error: C.ERR_RESERVED_FLAGS },
  { name: "PUBLISH QoS 3 [MQTT-3.3.1-4]", bytes: [0x36, 0x07, 0x00, 0x03, ...utf8("a/b"), 0x00, 0x01], error: C.ERR_QOS },
  { name: "SUBSCRIBE QoS byte 3 [MQTT-3.8.3-4]", bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, ...utf8("a"), 0x03], error: C.ERR_QOS },
  { name: "SUBSCRIBE QoS byte with reserved bits [MQTT-3.8.3-4]", bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, ...utf8("a"), 0x41], error: C.ERR_QOS },
  { name: "CONNECT will QoS 3 [MQTT-3.1.2-14]", bytes: [0x10, 0x11, ...MQTT_NAME, 0x04, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, ...utf8("w"), 0x00, 0x00], error: C.ERR_QOS },
  { name: "PUBLISH QoS 1 packet id 0 [MQTT-2.3.1-1]", bytes: [0x32, 0x07, 0x00, 0x03, ...utf8("a/b"), 0x00, 0x00], error: C.ERR_PACKET_ID },
  { name: "PUBACK packet id 0", bytes: [0x40, 0x02, 0x00, 0x00], error: C.ERR_PACKET_ID },
  { name: "SUBACK packet id 0", bytes: [0x90, 0x03, 0x00, 0x00, 0x00], error: C.ERR_PACKET_ID },
  { name: "SUBSCRIBE packet id 0 [MQTT-2.3.1-1]", bytes: [0x82, 0x06, 0x00, 0x00, 0x00, 0x01, ...utf8("a"), 0x00], error: C.ERR_PACKET_ID },
  { name: "UNSUBSCRIBE packet id 0 [MQTT-2.3.1-1]", bytes: [0xa2, 0x05, 0x00, 0x00, 0x00, 0x01, ...utf8("a")], error: C.ERR_PACKET_ID },
  { name: "PUBLISH topic length past the packet end", bytes: [0x30, 0x04, 0x00, 0x05, ...utf8("ab")], error: C.ERR_STRING_LENGTH },
  { name: "PUBLISH with only one byte of topic length", bytes: [0x30, 0x01, 0x00], error: C.ERR_STRING_LENGTH },
  { name: "PUBLISH QoS 1 without room for the packet id", bytes: [0x32, 0x05, 0x00, 0x03, ...utf8("a/b")], error: C.ERR_STRING_LENGTH },
  { name: "SUBACK with a 1-byte remaining length", bytes: [0x90, 0x01, 0x00], error: C.ERR_STRING_LENGTH },
  { name: "SUBSCRIBE filter without its QoS byte", bytes: [0x82, 0x05, 0x00, 0x01, 0x00, 0x01, ...utf8("a")], error: C.ERR_STRING_LENGTH },
  { name: "CONNECT cut after the protocol name", bytes: [0x10, 0x07, ...MQTT_NAME, 0x04], error: C.ERR_STRING_LENGTH },
  { name: "CONNECT password length past the end", bytes: [0x10, 0x11, ...MQTT_NAME, 0x04, 0xc2, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01], error: C.ERR_STRING_LENGTH },
  { name: "PUBLISH topic with a UTF-8 surrogate (ED A0 80) [MQTT-1.5.3-1]", bytes: [0x30, 0x05, 0x00, 0x03, 0xed, 0xa0, 0x80], error: C.ERR_MALFORMED_UTF8 },
  { name: "PUBLISH topic with an overlong '/' (C0 AF)", bytes: [0x30, 0x04, 0x00, 0x02, 0xc0, 0xaf], error: C.ERR_MALFORMED_UTF8 },
  { name: "CONNECT client id with a truncated sequence [MQTT-3.1.3-4]", bytes: [0x10, 0x0d, ...MQTT_NAME, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0xe2], error: C.ERR_MALFORMED_UTF8 },
  { name: "PUBLISH topic with U+0000 [MQTT-1.5.3-2]", bytes: [0x30, 0x05, 0x00, 0x03, 0x61, 0x00, 0x62], error: C.ERR_NULL_CHARACTER },
  { name: "CONNECT user name with U+0000 [MQTT-3.1.3-11]", bytes: [0x10, 0x0f, ...MQTT_NAME, 0x04, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00], error: C.ERR_NULL_CHARACTER },
  { name: "UNSUBSCRIBE filter with U+0000 [MQTT-3.10.3-1]", bytes: [0xa2, 0x05, 0x00, 0x01, 0x00, 0x01, 0x00], error: C.ERR_NULL_CHARACTER },
  { name: "PUBLISH topic with '+' [MQTT-3.3.2-2]", bytes: [0x30, 0x05, 0x00, 0x03, ...utf8("a/+")], error: C.ERR_TOPIC_WILDCARD },
  { name: "PUBLISH topic '#' [MQTT-3.3.2-2]", bytes: [0x30, 0x03, 0x00, 0x01, ...utf8("#")], error: C.ERR_TOPIC_WILDCARD },
  { name: "CONNECT will topic with '#' [MQTT-4.7.1-1]", bytes: [0x10, 0x11, ...MQTT_NAME, 0x04, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, ...utf8("#"), 0x00, 0x00], error: C.ERR_TOPIC_WILDCARD },
  { name: "SUBSCRIBE filter 'a/#/b' [MQTT-4.7.1-2]", bytes: [0x82, 0x0a, 0x00, 0x01, 0x00, 0x05, ...utf8("a/#/b"), 0x00], error: C.ERR_FILTER_WILDCARD },
  { name: "SUBSCRIBE filter 'a+' [MQTT-4.7.1-3]", bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x02, ...utf8("a+"), 0x00], error: C.ERR_FILTER_WILDCARD },
  { name: "UNSUBSCRIBE filter '+x' [MQTT-4.7.1-3]", bytes: [0xa2, 0x06, 0x00, 0x01, 0x00, 0x02, ...utf8("+x")], error: C.ERR_FILTER_WILDCARD },
  { name: "PUBLISH empty topic [MQTT-4.7.3-1]", bytes: [0x30, 0x04, 0x00, 0x00, ...utf8("hi")], error: C.ERR_EMPTY_TOPIC },
  { name: "SUBSCRIBE empty filter [MQTT-4.7.3-1]", bytes: [0x82, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00], error: C.ERR_EMPTY_TOPIC },
  { name: "CONNECT empty will topic [MQTT-4.7.3-1]", bytes: [0x10, 0x10, ...MQTT_NAME, 0x04, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], error: C.ERR_EMPTY_TOPIC },
  { name: "SUBSCRIBE without filters [MQTT-3.8.3-3]", bytes: [0x82, 0x02, 0x00, 0x01], error: C.ERR_NO_FILTERS },
  { name: "UNSUBSCRIBE without filters [MQTT-3.10.3-2]", bytes: [0xa2, 0x02, 0x00, 0x01], error: C.ERR_NO_FILTERS },
  { name: "SUBACK without return codes [MQTT-3.8.4-5]", bytes: [0x90, 0x02, 0x00, 0x01], error: C.ERR_NO_FILTERS },
  { name: "CONNACK return code 6 (3.2.2.3)", bytes: [0x20, 0x02, 0x00, 0x06], error: C.ERR_CONNACK },
  { name: "CONNACK acknowledge flags 0x02 (3.2.2.1)", bytes: [0x20, 0x02, 0x02, 0x00], error: C.ERR_CONNACK },
  { name: "CONNECT protocol name 'MQTX' [MQTT-3.1.2-1]", bytes: [0x10, 0x0c, 0x00, 0x04, ...utf8("MQTX"), 0x04, 0x02, 0x00, 0x00, 0x00, 0x00], error: C.ERR_PROTOCOL },
  { name: "CONNECT protocol level 5 [MQTT-3.1.2-2]", bytes: [0x10, 0x0c, ...MQTT_NAME, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00], error: C.ERR_PROTOCOL },
  { name: "CONNECT 'MQTT' with level 3", bytes: [0x10, 0x0c, ...MQTT_NAME, 0x03, 0x02, 0x00, 0x00, 0x00, 0x01], error: C.ERR_PROTOCOL },
  { name: "CONNECT reserved flag [MQTT-3.1.2-3]", bytes: [0x10, 0x0c, ...MQTT_NAME, 0x04, 0x03, 0x00, 0x00, 0x00, 0x00], error: C.ERR_CONNECT_FLAGS },
  { name: "CONNECT will retain without will [MQTT-3.1.2-15]", bytes: [0x10, 0x0c, ...MQTT_NAME, 0x04, 0x22, 0x00, 0x00, 0x00, 0x00], error: C.ERR_CONNECT_FLAGS },
  { name: "CONNECT will QoS without will [MQTT-3.1.2-13]", bytes: [0x10, 0x0c, ...MQTT_NAME, 0x04, 0x0a, 0x00, 0x00, 0x00, 0x00], error: C.ERR_CONNECT_FLAGS },
  { name: "CONNECT password without user name at level 4 [MQTT-3.1.2-22]", bytes: [0x10, 0x0e, ...MQTT_NAME, 0x04, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], error: C.ERR_CONNECT_FLAGS },
  { name: "PINGRESP with remaining length 1", bytes: [0xd0, 0x01, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "PINGREQ with remaining length 1", bytes: [0xc0, 0x01, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "DISCONNECT with remaining length 2", bytes: [0xe0, 0x02, 0x00, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "PUBACK with remaining length 3", bytes: [0x40, 0x03, 0x00, 0x01, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "PUBCOMP with remaining length 1 (not the fixed 2)", bytes: [0x70, 0x01, 0x01], error: C.ERR_TRAILING_BYTES },
  { name: "UNSUBACK with remaining length 0", bytes: [0xb0, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "CONNACK with remaining length 3", bytes: [0x20, 0x03, 0x00, 0x00, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "CONNECT with a byte after the client id [MQTT-3.1.4-1]", bytes: [0x10, 0x0d, ...MQTT_NAME, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00], error: C.ERR_TRAILING_BYTES },
  { name: "SUBACK return code 3 [MQTT-3.9.3-2]", bytes: [0x90, 0x03, 0x00, 0x01, 0x03], error: C.ERR_SUBACK_RETURN_CODE },
  { name: "SUBACK return code 0x81 [MQTT-3.9.3-2]", bytes: [0x90, 0x04, 0x00, 0x01, 0x00, 0x81], error: C.ERR_SUBACK_RETURN_CODE },
];

/** Client-side packets that a client never receives: decodeFromBroker must refuse them. */
export const SERVER_BOUND: number[][] = [
  [0x10, 0x0c, ...MQTT_NAME, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00],
  [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, ...utf8("a"), 0x00],
  [0xa2, 0x05, 0x00, 0x01, 0x00, 0x01, ...utf8("a")],
  [0xc0, 0x00],
  [0xe0, 0x00],
];

const CONNECT: ConnectOptions = { clientId: "c", cleanSession: true, keepalive: 60 };
const PUBLISH: PublishOptions = { topic: "a/b", payload: "x", qos: 1, retain: false, dup: false, packetId: 1 };
const HUGE = { length: C.MAX_REMAINING_LENGTH } as Uint8Array;
const LONG = "x".repeat(65536);
const room = (): Uint8Array => new Uint8Array(64);

export const ENCODE_CASES: EncodeCase[] = [
  { name: "PUBLISH one byte short", run: () => encodePublish(new Uint8Array(8), 0, PUBLISH), error: C.ERR_BUFFER_TOO_SMALL },
  { name: "PUBLISH at a position near the end", run: () => encodePublish(room(), 60, PUBLISH), error: C.ERR_BUFFER_TOO_SMALL },
  { name: "CONNECT into 0 bytes", run: () => encodeConnect(new Uint8Array(0), 0, CONNECT), error: C.ERR_BUFFER_TOO_SMALL },
  { name: "PUBACK into 3 bytes", run: () => encodeAck(new Uint8Array(3), 0, C.PUBACK, 1), error: C.ERR_BUFFER_TOO_SMALL },
  { name: "PINGREQ into 1 byte", run: () => encodeEmpty(new Uint8Array(1), 0, C.PINGREQ), error: C.ERR_BUFFER_TOO_SMALL },
  { name: "CONNACK into 3 bytes", run: () => encodeConnack(new Uint8Array(3), 0, false, 0), error: C.ERR_BUFFER_TOO_SMALL },
  { name: "PUBLISH QoS 3", run: () => encodePublish(room(), 0, { ...PUBLISH, qos: 3 }), error: C.ERR_QOS },
  { name: "PUBLISH QoS 1.5", run: () => publishLength({ ...PUBLISH, qos: 1.5 }), error: C.ERR_QOS },
  { name: "will QoS 3", run: () => encodeConnect(room(), 0, { ...CONNECT, will: { topic: "w", payload: "", qos: 3, retain: false } }), error: C.ERR_QOS },
  { name: "SUBSCRIBE QoS 3", run: () => encodeSubscribe(room(), 0, 1, ["a"], [3]), error: C.ERR_QOS },
  { name: "SUBSCRIBE with a missing QoS", run: () => encodeSubscribe(room(), 0, 1, ["a", "b"], [0]), error: C.ERR_QOS },
  { name: "PUBLISH QoS 1 packet id 0", run: () => encodePublish(room(), 0, { ...PUBLISH, packetId: 0 }), error: C.ERR_PACKET_ID },
  { name: "PUBLISH QoS 2 packet id 65536", run: () => encodePublish(room(), 0, { ...PUBLISH, qos: 2, packetId: 65536 }), error: C.ERR_PACKET_ID },
  { name: "PUBACK packet id 1.5", run: () => encodeAck(room(), 0, C.PUBACK, 1.5), error: C.ERR_PACKET_ID },
  { name: "SUBSCRIBE packet id 0", run: () => encodeSubscribe(room(), 0, 0, ["a"], [0]), error: C.ERR_PACKET_ID },
  { name: "UNSUBSCRIBE packet id -1", run: () => encodeUnsubscribe(room(), 0, -1, ["a"]), error: C.ERR_PACKET_ID },
  { name: "SUBACK packet id 0", run: () => encodeSuback(room(), 0, 0, [0]), error: C.ERR_PACKET_ID },
  { name: "PUBLISH QoS 0 with DUP [MQTT-3.3.1-2]", run: () => publishLength({ ...PUBLISH, qos: 0, dup: true }), error: C.ERR_RESERVED_FLAGS },
  { name: "PUBLISH topic with a lone surrogate", run: () => encodePublish(room(), 0, { ...PUBLISH, topic: "a\uD800" }), error: C.ERR_MALFORMED_UTF8 },
  { name: "PUBLISH payload with a lone low surrogate", run: () => publishLength({ ...PUBLISH, payload: "\uDC00x" }), error: C.ERR_MALFORMED_UTF8 },
  { name: "client id with U+0000", run: () => connectLength({ ...CONNECT, clientId: "a\u0000" }), error: C.ERR_NULL_CHARACTER },
  { name: "user name with U+0000", run: () => connectLength({ ...CONNECT, username: "\u0000" }), error: C.ERR_NULL_CHARACTER },
  { name: "filter with U+0000", run: () => subscribeLength(["a\u0000"]), error: C.ERR_NULL_CHARACTER },
  { name: "PUBLISH topic 'a/+'", run: () => encodePublish(room(), 0, { ...PUBLISH, topic: "a/+" }), error: C.ERR_TOPIC_WILDCARD },
  { name: "will topic '#'", run: () => connectLength({ ...CONNECT, will: { topic: "#", payload: "", qos: 0, retain: false } }), error: C.ERR_TOPIC_WILDCARD },
  { name: "checkTopicName('x/#')", run: () => checkTopicName("x/#"), error: C.ERR_TOPIC_WILDCARD },
  { name: "SUBSCRIBE filter 'a/#/b'", run: () => encodeSubscribe(room(), 0, 1, ["a/#/b"], [0]), error: C.ERR_FILTER_WILDCARD },
  { name: "UNSUBSCRIBE filter 'a/b+'", run: () => encodeUnsubscribe(room(), 0, 1, ["ok", "a/b+"]), error: C.ERR_FILTER_WILDCARD },
  { name: "checkTopicFilter('##')", run: () => checkTopicFilter("##"), error: C.ERR_FILTER_WILDCARD },
  { name: "PUBLISH empty topic", run: () => encodePublish(room(), 0, { ...PUBLISH, topic: "" }), error: C.ERR_EMPTY_TOPIC },
  { name: "SUBSCRIBE empty filter", run: () => subscribeLength([""]), error: C.ERR_EMPTY_TOPIC },
  { name: "SUBSCRIBE without filters", run: () => encodeSubscribe(room(), 0, 1, [], []), error: C.ERR_NO_FILTERS },
  { name: "UNSUBSCRIBE without filters", run: () => unsubscribeLength([]), error: C.ERR_NO_FILTERS },
  { name: "SUBACK without return codes", run: () => subackLength([]), error: C.ERR_NO_FILTERS },
  { name: "CONNACK return code 6", run: () => encodeConnack(room(), 0, false, 6), error: C.ERR_CONNACK },
  { name: "CONNECT protocol level 5", run: () => encodeConnect(room(), 0, { ...CONNECT, protocolLevel: 5 }), error: C.ERR_PROTOCOL },
  { name: "password without user name at level 4 [MQTT-3.1.2-22]", run: () => connectLength({ ...CONNECT, password: "p" }), error: C.ERR_CONNECT_FLAGS },
  { name: "client id of 65,536 bytes", run: () => connectLength({ ...CONNECT, clientId: LONG }), error: C.ERR_VALUE },
  { name: "topic of 65,536 bytes [MQTT-4.7.3-3]", run: () => publishLength({ ...PUBLISH, topic: LONG }), error: C.ERR_VALUE },
  { name: "packet over 268,435,455 bytes", run: () => publishLength({ ...PUBLISH, payload: HUGE }), error: C.ERR_VALUE },
  { name: "keepalive 65536", run: () => connectLength({ ...CONNECT, keepalive: 65536 }), error: C.ERR_VALUE },
  { name: "empty client id without clean session [MQTT-3.1.3-7]", run: () => connectLength({ ...CONNECT, clientId: "", cleanSession: false }), error: C.ERR_VALUE },
  { name: "empty client id at level 3 (MQTT 3.1)", run: () => connectLength({ ...CONNECT, clientId: "", protocolLevel: 3 }), error: C.ERR_VALUE },
  { name: "encodeAck with SUBSCRIBE", run: () => encodeAck(room(), 0, C.SUBSCRIBE, 1), error: C.ERR_UNEXPECTED_TYPE },
  { name: "encodeEmpty with CONNECT", run: () => encodeEmpty(room(), 0, C.CONNECT), error: C.ERR_UNEXPECTED_TYPE },
  { name: "SUBACK return code 3", run: () => encodeSuback(room(), 0, 1, [0, 3]), error: C.ERR_SUBACK_RETURN_CODE },
];
