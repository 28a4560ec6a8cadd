/**
 * Annotated byte fixtures for every MQTT 3.1.1 packet type, each with the
 * record fields a decoder must fill, the byte ranges it must point at, our
 * encoder call for the same packet and, where mqtt-packet can express it, the
 * packet for its `generate`. codec.test.ts runs each one three ways.
 * CONNECT and CONNACK are in fixtures-connect.ts.
 */
import { Buffer } from "node:buffer";
import type * as mqttPacket from "mqtt-packet";
import * as C from "../../../firmware/mqtt/constants.ts";
import { encodeAck, encodeEmpty, encodePublish, encodeSubscribe, encodeUnsubscribe } from "../../../firmware/mqtt/encode.ts";
import { encodeSuback } from "../../../firmware/mqtt/broker.ts";
import { utf8 } from "./fixture-kit.ts";
import type { Fixture } from "./fixture-kit.ts";
import { CONNECT_FIXTURES } from "./fixtures-connect.ts";

export type { Fixture, SliceName } from "./fixture-kit.ts";

const BIG_PAYLOAD = new Array<number>(200).fill(0x55);

const OTHER_FIXTURES: Fixture[] = [
  {
    name: "PUBLISH QoS 0",
    bytes: [
      0x30, //                          fixed header: PUBLISH, QoS 0
      0x07, //                          remaining length 7
      0x00, 0x03, ...utf8("a/b"), //    topic "a/b"
      ...utf8("hi"), //                 payload "hi"
    ],
    fields: { type: C.PUBLISH, flags: 0, packetLength: 9, qos: 0, dup: false, retain: false, packetId: 0 },
    slices: { topic: "a/b", payload: "hi" },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "a/b", payload: "hi", qos: 0, retain: false, dup: false, packetId: 0 }),
    peer: { cmd: "publish", topic: "a/b", payload: Buffer.from("hi"), qos: 0, dup: false, retain: false },
  },
  {
    name: "PUBLISH QoS 0 retained, empty payload (clears the retained message)",
    bytes: [
      0x31, //                          fixed header: PUBLISH, retain
      0x05, //                          remaining length 5
      0x00, 0x03, ...utf8("a/b"), //    topic "a/b"; no payload
    ],
    fields: { type: C.PUBLISH, flags: 1, packetLength: 7, qos: 0, dup: false, retain: true, packetId: 0 },
    slices: { topic: "a/b", payload: [] },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "a/b", payload: new Uint8Array(0), qos: 0, retain: true, dup: false, packetId: 7 }),
    peer: { cmd: "publish", topic: "a/b", payload: Buffer.alloc(0), qos: 0, dup: false, retain: true },
  },
  {
    name: "PUBLISH QoS 1 with DUP",
    bytes: [
      0x3a, //                          fixed header: PUBLISH, DUP 0x08, QoS 1 (0x02)
      0x0a, //                          remaining length 10
      0x00, 0x03, ...utf8("a/b"), //    topic "a/b"
      0x00, 0x0a, //                    packet id 10
      0x01, 0x02, 0x03, //              payload bytes
    ],
    fields: { type: C.PUBLISH, flags: 10, packetLength: 12, qos: 1, dup: true, retain: false, packetId: 10 },
    slices: { topic: "a/b", payload: [1, 2, 3] },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "a/b", payload: new Uint8Array([1, 2, 3]), qos: 1, retain: false, dup: true, packetId: 10 }),
    peer: { cmd: "publish", topic: "a/b", payload: Buffer.from([1, 2, 3]), qos: 1, dup: true, retain: false, messageId: 10 },
  },
  {
    name: "PUBLISH QoS 2 retained, packet id 65535",
    bytes: [
      0x35, //                          fixed header: PUBLISH, QoS 2 (0x04), retain 0x01
      0x09, //                          remaining length 9
      0x00, 0x03, ...utf8("s/t"), //    topic "s/t"
      0xff, 0xff, //                    packet id 65535
      ...utf8("ok"), //                 payload "ok"
    ],
    fields: { type: C.PUBLISH, flags: 5, packetLength: 11, qos: 2, dup: false, retain: true, packetId: 65535 },
    slices: { topic: "s/t", payload: "ok" },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "s/t", payload: "ok", qos: 2, retain: true, dup: false, packetId: 65535 }),
    peer: { cmd: "publish", topic: "s/t", payload: Buffer.from("ok"), qos: 2, dup: false, retain: true, messageId: 65535 },
  },
  {
    name: "PUBLISH QoS 2 with DUP and retain",
    bytes: [
      0x3d, //                          fixed header: PUBLISH, DUP, QoS 2, retain
      0x08, //                          remaining length 8
      0x00, 0x01, ...utf8("x"), //      topic "x"
      0x01, 0x00, //                    packet id 256
      ...utf8("yes"), //                payload "yes"
    ],
    fields: { type: C.PUBLISH, flags: 13, qos: 2, dup: true, retain: true, packetId: 256 },
    slices: { topic: "x", payload: "yes" },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "x", payload: "yes", qos: 2, retain: true, dup: true, packetId: 256 }),
    peer: { cmd: "publish", topic: "x", payload: Buffer.from("yes"), qos: 2, dup: true, retain: true, messageId: 256 },
  },
  {
    name: "PUBLISH with a UTF-8 topic and a 4-byte character payload",
    bytes: [
      0x30, //                          fixed header: PUBLISH, QoS 0
      0x16, //                          remaining length 22
      0x00, 0x10, ...utf8("température/€"), // topic: 16 bytes (é is 2, € is 3)
      0xf0, 0x9f, 0x98, 0x80, //        payload U+1F600 (a surrogate pair in JavaScript)
    ],
    fields: { type: C.PUBLISH, packetLength: 24, qos: 0 },
    slices: { topic: "température/€", payload: "\u{1F600}" },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "température/€", payload: "\u{1F600}", qos: 0, retain: false, dup: false, packetId: 0 }),
    peer: { cmd: "publish", topic: "température/€", payload: Buffer.from("\u{1F600}"), qos: 0, dup: false, retain: false },
  },
  {
    name: "PUBLISH with a 2-byte remaining length (205)",
    bytes: [
      0x30, //                          fixed header: PUBLISH, QoS 0
      0xcd, 0x01, //                    remaining length 205: 0x4d + 1 * 128
      0x00, 0x03, ...utf8("big"), //    topic "big"
      ...BIG_PAYLOAD, //                payload: 200 bytes of 0x55
    ],
    fields: { type: C.PUBLISH, packetLength: 208, qos: 0 },
    slices: { topic: "big", payload: BIG_PAYLOAD },
    encode: (buffer, position) => encodePublish(buffer, position, { topic: "big", payload: new Uint8Array(BIG_PAYLOAD), qos: 0, retain: false, dup: false, packetId: 0 }),
    peer: { cmd: "publish", topic: "big", payload: Buffer.from(BIG_PAYLOAD), qos: 0, dup: false, retain: false },
  },
  {
    name: "PUBACK",
    bytes: [0x40, 0x02, /* fixed header: PUBACK, remaining length 2 */ 0x12, 0x34 /* packet id 0x1234 */],
    fields: { type: C.PUBACK, flags: 0, packetLength: 4, packetId: 0x1234 },
    slices: {},
    encode: (buffer, position) => encodeAck(buffer, position, C.PUBACK, 0x1234),
    peer: { cmd: "puback", messageId: 0x1234 },
  },
  {
    name: "PUBREC",
    bytes: [0x50, 0x02, /* fixed header: PUBREC, remaining length 2 */ 0x00, 0x01 /* packet id 1 */],
    fields: { type: C.PUBREC, packetLength: 4, packetId: 1 },
    slices: {},
    encode: (buffer, position) => encodeAck(buffer, position, C.PUBREC, 1),
    peer: { cmd: "pubrec", messageId: 1 },
  },
  {
    name: "PUBREL (flags 0b0010 [MQTT-3.6.1-1])",
    bytes: [0x62, 0x02, /* fixed header: PUBREL, flags 0b0010, remaining length 2 */ 0xff, 0xff /* packet id 65535 */],
    fields: { type: C.PUBREL, flags: 2, packetLength: 4, packetId: 65535 },
    slices: {},
    encode: (buffer, position) => encodeAck(buffer, position, C.PUBREL, 65535),
    peer: { cmd: "pubrel", messageId: 65535 },
  },
  {
    name: "PUBCOMP",
    bytes: [0x70, 0x02, /* fixed header: PUBCOMP, remaining length 2 */ 0x01, 0x00 /* packet id 256 */],
    fields: { type: C.PUBCOMP, packetLength: 4, packetId: 256 },
    slices: {},
    encode: (buffer, position) => encodeAck(buffer, position, C.PUBCOMP, 256),
    peer: { cmd: "pubcomp", messageId: 256 },
  },
  {
    name: "SUBSCRIBE two filters (flags 0b0010 [MQTT-3.8.1-1])",
    bytes: [
      0x82, //                          fixed header: SUBSCRIBE, flags 0b0010
      0x0c, //                          remaining length 12
      0x00, 0x05, //                    packet id 5
      0x00, 0x03, ...utf8("a/+"), 0x01, // filter "a/+", QoS 1
      0x00, 0x01, ...utf8("#"), 0x02, // filter "#", QoS 2
    ],
    fields: { type: C.SUBSCRIBE, flags: 2, packetLength: 14, packetId: 5 },
    slices: { payload: [0x00, 0x03, ...utf8("a/+"), 0x01, 0x00, 0x01, ...utf8("#"), 0x02] },
    encode: (buffer, position) => encodeSubscribe(buffer, position, 5, ["a/+", "#"], [1, 2]),
    peer: { cmd: "subscribe", messageId: 5, subscriptions: [{ topic: "a/+", qos: 1 }, { topic: "#", qos: 2 }] },
  },
  {
    name: "SUBACK with granted QoS 0, 1, 2 and a failure (0x80)",
    bytes: [
      0x90, 0x06, //                    fixed header: SUBACK, remaining length 6
      0x00, 0x05, //                    packet id 5
      0x00, 0x01, 0x02, 0x80, //        return codes: QoS 0, QoS 1, QoS 2, failure
    ],
    fields: { type: C.SUBACK, packetLength: 8, packetId: 5 },
    slices: { payload: [0x00, 0x01, 0x02, 0x80] },
    encode: (buffer, position) => encodeSuback(buffer, position, 5, [0, 1, 2, C.SUBACK_FAILURE]),
    peer: { cmd: "suback", messageId: 5, granted: [0, 1, 2, 0x80] },
  },
  {
    name: "UNSUBSCRIBE two filters (flags 0b0010 [MQTT-3.10.1-1])",
    bytes: [
      0xa2, //                          fixed header: UNSUBSCRIBE, flags 0b0010
      0x0a, //                          remaining length 10
      0x00, 0x06, //                    packet id 6
      0x00, 0x03, ...utf8("a/+"), //    filter "a/+"
      0x00, 0x01, ...utf8("#"), //      filter "#"
    ],
    fields: { type: C.UNSUBSCRIBE, flags: 2, packetLength: 12, packetId: 6 },
    slices: { payload: [0x00, 0x03, ...utf8("a/+"), 0x00, 0x01, ...utf8("#")] },
    encode: (buffer, position) => encodeUnsubscribe(buffer, position, 6, ["a/+", "#"]),
    peer: { cmd: "unsubscribe", messageId: 6, unsubscriptions: ["a/+", "#"] },
  },
  {
    name: "UNSUBACK",
    bytes: [0xb0, 0x02, /* fixed header: UNSUBACK, remaining length 2 */ 0x00, 0x06 /* packet id 6 */],
    fields: { type: C.UNSUBACK, packetLength: 4, packetId: 6 },
    slices: {},
    encode: (buffer, position) => encodeAck(buffer, position, C.UNSUBACK, 6),
    peer: { cmd: "unsuback", messageId: 6 } as mqttPacket.Packet,
  },
  {
    name: "PINGREQ",
    bytes: [0xc0, 0x00 /* fixed header: PINGREQ, remaining length 0 */],
    fields: { type: C.PINGREQ, packetLength: 2 },
    slices: {},
    encode: (buffer, position) => encodeEmpty(buffer, position, C.PINGREQ),
    peer: { cmd: "pingreq" },
  },
  {
    name: "PINGRESP",
    bytes: [0xd0, 0x00 /* fixed header: PINGRESP, remaining length 0 */],
    fields: { type: C.PINGRESP, packetLength: 2 },
    slices: {},
    encode: (buffer, position) => encodeEmpty(buffer, position, C.PINGRESP),
    peer: { cmd: "pingresp" },
  },
  {
    name: "DISCONNECT",
    bytes: [0xe0, 0x00 /* fixed header: DISCONNECT, remaining length 0 */],
    fields: { type: C.DISCONNECT, packetLength: 2 },
    slices: {},
    encode: (buffer, position) => encodeEmpty(buffer, position, C.DISCONNECT),
    peer: { cmd: "disconnect" },
  },
];

/** All fixtures, in packet type order. */
export const FIXTURES: Fixture[] = CONNECT_FIXTURES.concat(OTHER_FIXTURES);
