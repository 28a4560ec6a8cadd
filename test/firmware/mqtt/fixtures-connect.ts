/**
 * Annotated CONNECT and CONNACK fixtures (see fixtures.ts).
 */
import { Buffer } from "node:buffer";
import * as C from "../../../firmware/mqtt/constants.ts";
import { encodeConnect } from "../../../firmware/mqtt/encode.ts";
import { encodeConnack } from "../../../firmware/mqtt/broker.ts";
import { utf8 } from "./fixture-kit.ts";
import type { Fixture } from "./fixture-kit.ts";

const NO_CONNECT_EXTRAS = { willTopic: null, willPayload: null, username: null, password: null } as const;

export const CONNECT_FIXTURES: Fixture[] = [
  {
    name: "CONNECT minimal (level 4, clean session)",
    bytes: [
      0x10, //                          fixed header: CONNECT, flags 0
      0x12, //                          remaining length 18
      0x00, 0x04, ...utf8("MQTT"), //   protocol name: length 4, "MQTT"
      0x04, //                          protocol level 4
      0x02, //                          connect flags: clean session
      0x00, 0x3c, //                    keepalive 60 s
      0x00, 0x06, ...utf8("mote-1"), // client id: length 6, "mote-1"
    ],
    fields: { type: C.CONNECT, flags: 0, packetLength: 20, protocolLevel: 4, cleanSession: true, keepalive: 60, willQos: 0, willRetain: false },
    slices: { clientId: "mote-1", ...NO_CONNECT_EXTRAS },
    encode: (buffer, position) => encodeConnect(buffer, position, { clientId: "mote-1", cleanSession: true, keepalive: 60 }),
    peer: { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: "mote-1", clean: true, keepalive: 60 },
  },
  {
    name: "CONNECT with will (QoS 1, retained) and user name and password",
    bytes: [
      0x10, //                          fixed header: CONNECT
      0x2b, //                          remaining length 43
      0x00, 0x04, ...utf8("MQTT"), //   protocol name "MQTT"
      0x04, //                          protocol level 4
      0xec, //                          flags: user name 0x80, password 0x40, will retain 0x20, will QoS 1 (0x08), will 0x04; no clean session
      0x00, 0x1e, //                    keepalive 30 s
      0x00, 0x02, ...utf8("c1"), //     client id "c1"
      0x00, 0x06, ...utf8("dev/c1"), // will topic "dev/c1"
      0x00, 0x07, ...utf8("offline"), // will payload "offline"
      0x00, 0x04, ...utf8("user"), //   user name "user"
      0x00, 0x04, ...utf8("pass"), //   password "pass"
    ],
    fields: { type: C.CONNECT, packetLength: 45, protocolLevel: 4, cleanSession: false, keepalive: 30, willQos: 1, willRetain: true },
    slices: { clientId: "c1", willTopic: "dev/c1", willPayload: "offline", username: "user", password: "pass" },
    encode: (buffer, position) => encodeConnect(buffer, position, {
      clientId: "c1", cleanSession: false, keepalive: 30, username: "user", password: "pass",
      will: { topic: "dev/c1", payload: "offline", qos: 1, retain: true },
    }),
    peer: {
      cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: "c1", clean: false, keepalive: 30, username: "user",
      password: Buffer.from("pass"), will: { topic: "dev/c1", payload: Buffer.from("offline"), qos: 1, retain: true },
    },
  },
  {
    name: "CONNECT level 3 (MQTT 3.1, \"MQIsdp\")",
    bytes: [
      0x10, //                          fixed header: CONNECT
      0x14, //                          remaining length 20
      0x00, 0x06, ...utf8("MQIsdp"), // protocol name "MQIsdp"
      0x03, //                          protocol level 3
      0x02, //                          flags: clean session
      0x00, 0x0a, //                    keepalive 10 s
      0x00, 0x06, ...utf8("legacy"), // client id "legacy"
    ],
    fields: { type: C.CONNECT, packetLength: 22, protocolLevel: 3, cleanSession: true, keepalive: 10 },
    slices: { clientId: "legacy", ...NO_CONNECT_EXTRAS },
    encode: (buffer, position) => encodeConnect(buffer, position, { clientId: "legacy", cleanSession: true, keepalive: 10, protocolLevel: 3 }),
    peer: { cmd: "connect", protocolId: "MQIsdp", protocolVersion: 3, clientId: "legacy", clean: true, keepalive: 10 },
  },
  {
    name: "CONNECT with a binary password (bytes 00 ff 10)",
    bytes: [
      0x10, //                          fixed header: CONNECT
      0x15, //                          remaining length 21
      0x00, 0x04, ...utf8("MQTT"), //   protocol name "MQTT"
      0x04, //                          protocol level 4
      0xc2, //                          flags: user name, password, clean session
      0x00, 0x00, //                    keepalive 0 (off)
      0x00, 0x01, ...utf8("p"), //      client id "p"
      0x00, 0x01, ...utf8("u"), //      user name "u"
      0x00, 0x03, 0x00, 0xff, 0x10, //  password: length 3, bytes 00 ff 10
    ],
    fields: { type: C.CONNECT, packetLength: 23, protocolLevel: 4, cleanSession: true, keepalive: 0 },
    slices: { clientId: "p", username: "u", password: [0x00, 0xff, 0x10], willTopic: null, willPayload: null },
    encode: (buffer, position) => encodeConnect(buffer, position, {
      clientId: "p", cleanSession: true, keepalive: 0, username: "u", password: new Uint8Array([0x00, 0xff, 0x10]),
    }),
    peer: { cmd: "connect", clientId: "p", clean: true, keepalive: 0, username: "u", password: Buffer.from([0x00, 0xff, 0x10]) },
  },
  {
    name: "CONNECT with an empty client id and clean session [MQTT-3.1.3-6], [MQTT-3.1.3-7]",
    bytes: [
      0x10, //                          fixed header: CONNECT
      0x0c, //                          remaining length 12
      0x00, 0x04, ...utf8("MQTT"), //   protocol name "MQTT"
      0x04, //                          protocol level 4
      0x02, //                          flags: clean session
      0x00, 0x78, //                    keepalive 120 s
      0x00, 0x00, //                    client id: length 0
    ],
    fields: { type: C.CONNECT, packetLength: 14, cleanSession: true, keepalive: 120 },
    slices: { clientId: "", ...NO_CONNECT_EXTRAS },
    encode: (buffer, position) => encodeConnect(buffer, position, { clientId: "", cleanSession: true, keepalive: 120 }),
    peer: { cmd: "connect", clientId: "", clean: true, keepalive: 120 },
  },
  {
    name: "CONNECT with a will at QoS 2, not retained, empty binary will payload",
    bytes: [
      0x10, //                          fixed header: CONNECT
      0x17, //                          remaining length 23
      0x00, 0x04, ...utf8("MQTT"), //   protocol name "MQTT"
      0x04, //                          protocol level 4
      0x16, //                          flags: will QoS 2 (0x10), will 0x04, clean session 0x02
      0x00, 0x05, //                    keepalive 5 s
      0x00, 0x01, ...utf8("w"), //      client id "w"
      0x00, 0x06, ...utf8("w/gone"), // will topic "w/gone"
      0x00, 0x00, //                    will payload: length 0
    ],
    fields: { type: C.CONNECT, packetLength: 25, cleanSession: true, keepalive: 5, willQos: 2, willRetain: false },
    slices: { clientId: "w", willTopic: "w/gone", willPayload: [], username: null, password: null },
    encode: (buffer, position) => encodeConnect(buffer, position, {
      clientId: "w", cleanSession: true, keepalive: 5, will: { topic: "w/gone", payload: new Uint8Array(0), qos: 2, retain: false },
    }),
    peer: { cmd: "connect", clientId: "w", clean: true, keepalive: 5, will: { topic: "w/gone", payload: Buffer.alloc(0), qos: 2, retain: false } },
  },
  {
    name: "CONNACK accepted, session present",
    bytes: [
      0x20, 0x02, //                    fixed header: CONNACK, remaining length 2
      0x01, //                          acknowledge flags: session present
      0x00, //                          return code 0: accepted
    ],
    fields: { type: C.CONNACK, packetLength: 4, sessionPresent: true, returnCode: C.CONNACK_ACCEPTED },
    slices: {},
    encode: (buffer, position) => encodeConnack(buffer, position, true, C.CONNACK_ACCEPTED),
    peer: { cmd: "connack", sessionPresent: true, returnCode: 0 },
  },
  {
    name: "CONNACK refused: not authorized",
    bytes: [
      0x20, 0x02, //                    fixed header: CONNACK, remaining length 2
      0x00, //                          acknowledge flags: none
      0x05, //                          return code 5: not authorized
    ],
    fields: { type: C.CONNACK, packetLength: 4, sessionPresent: false, returnCode: C.CONNACK_NOT_AUTHORIZED },
    slices: {},
    encode: (buffer, position) => encodeConnack(buffer, position, false, C.CONNACK_NOT_AUTHORIZED),
    peer: { cmd: "connack", sessionPresent: false, returnCode: 5 },
  },
];
