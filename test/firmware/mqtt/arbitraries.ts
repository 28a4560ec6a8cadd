/**
 * fast-check arbitraries for valid MQTT 3.1.1 packets of every type, as
 * `Model`s (./model.ts). "Valid" is per the spec, and also inside what
 * mqtt-packet 9 (the oracle) can generate:
 * - strings never hold U+0000 [MQTT-1.5.3-2] nor lone surrogates [MQTT-1.5.3-1];
 * - publish topics are non-empty, wildcard-free [MQTT-3.3.2-2], [MQTT-4.7.3-1];
 * - filters are non-empty and use + and # as whole levels, # last [MQTT-4.7.1-2], [MQTT-4.7.1-3];
 * - packet ids are 1..65535 [MQTT-2.3.1-1];
 * - DUP only with QoS > 0 [MQTT-3.3.1-2];
 * - a password only with a user name (mqtt-packet refuses otherwise; [MQTT-3.1.2-22] at level 4);
 * - an empty client id only at level 4 with a clean session [MQTT-3.1.3-7];
 *   level-3 ids are 1..23 alphanumerics (MQTT 3.1, and mqtt-packet requires one);
 * - session present only with return code 0 [MQTT-3.2.2-4];
 * Binary fields given as JS strings (payloads, will payloads, passwords) may
 * hold U+0000: they are not MQTT strings.
 */
import fc from "fast-check";
import * as C from "../../../firmware/mqtt/constants.ts";
import type { ConnectOptions, Will } from "../../../firmware/mqtt/packets.ts";
import type { Bytes, Model } from "./model.ts";

/** Code points biased to the UTF-8 length boundaries, astral planes included; never U+0000 or a surrogate. */
const codePoint: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x01, max: 0x7f }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0x7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x800, max: 0xd7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xffff }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }) },
  { weight: 1, arbitrary: fc.constantFrom(0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff) },
);

/** A string of `minLength..maxLength` code points, none of them in `exclude`. */
export function text(exclude: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  const allowed = codePoint.filter((point) => !exclude.includes(String.fromCodePoint(point)));
  return fc.array(allowed, { minLength, maxLength }).map((points) => String.fromCodePoint(...points));
}

/** Like `text`, but U+0000 is allowed: a binary field written as a JS string. */
function binaryText(maxLength: number): fc.Arbitrary<string> {
  const anyPoint = fc.oneof({ weight: 9, arbitrary: codePoint }, { weight: 1, arbitrary: fc.constant(0) });
  return fc.array(anyPoint, { maxLength }).map((points) => String.fromCodePoint(...points));
}

/** A valid topic name: levels split by "/", no wildcard, at least one character. */
export const topicName: fc.Arbitrary<string> = fc
  .array(text("+#/", 0, 8), { minLength: 1, maxLength: 5 })
  .map((levels) => levels.join("/"))
  .filter((topic) => topic.length > 0);

const filterLevel: fc.Arbitrary<string> = fc.oneof({ weight: 4, arbitrary: text("+#/", 0, 8) }, { weight: 1, arbitrary: fc.constant("+") });

/** A valid topic filter: whole-level + anywhere, # only as the last level. */
export const topicFilter: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constant("#") },
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.array(filterLevel, { minLength: 1, maxLength: 5 }), fc.boolean())
      .map((parts) => (parts[1] ? parts[0].concat("#") : parts[0]).join("/"))
      .filter((filter) => filter.length > 0),
  },
);

export const packetId: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 1, max: 65535 }),
  fc.constantFrom(1, 127, 128, 255, 256, 65535),
);
const qos: fc.Arbitrary<number> = fc.integer({ min: 0, max: 2 });

/** Binary bytes or a UTF-8 string; sometimes long enough for a 2- or 3-byte remaining length. */
export function payload(maxLength: number): fc.Arbitrary<Bytes> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength }) },
    { weight: 3, arbitrary: binaryText(maxLength) },
    { weight: 1, arbitrary: fc.integer({ min: 16000, max: 17000 }).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })) },
  );
}

const will: fc.Arbitrary<Will> = fc.record({ topic: topicName, payload: payload(40), qos, retain: fc.boolean() });

const credentials: fc.Arbitrary<{ username?: string; password?: Bytes }> = fc.oneof(
  fc.constant({}),
  fc.record({ username: text("", 0, 12) }),
  fc.record({ username: text("", 0, 12), password: fc.oneof(fc.uint8Array({ maxLength: 24 }), binaryText(12)) }),
);

const level4Identity = fc.oneof(
  fc.record({ clientId: text("", 1, 23), cleanSession: fc.boolean() }),
  fc.record({ clientId: fc.constant(""), cleanSession: fc.constant(true) }),
);
const level3Identity = fc.record({
  clientId: fc.stringMatching(/^[0-9A-Za-z]{1,23}$/),
  cleanSession: fc.boolean(),
});

export const connect: fc.Arbitrary<Model> = fc
  .tuple(
    fc.oneof(
      level4Identity.map((identity) => ({ level: C.PROTOCOL_LEVEL_311, identity, explicitLevel: true })),
      level4Identity.map((identity) => ({ level: C.PROTOCOL_LEVEL_311, identity, explicitLevel: false })),
      level3Identity.map((identity) => ({ level: C.PROTOCOL_LEVEL_31, identity, explicitLevel: true })),
    ),
    fc.integer({ min: 0, max: 65535 }),
    fc.option(will, { nil: undefined }),
    credentials,
  )
  .map((parts) => {
    const options: ConnectOptions = { clientId: parts[0].identity.clientId, cleanSession: parts[0].identity.cleanSession, keepalive: parts[1] };
    if (parts[0].explicitLevel) options.protocolLevel = parts[0].level;
    if (parts[2] !== undefined) options.will = parts[2];
    if (parts[3].username !== undefined) options.username = parts[3].username;
    if (parts[3].password !== undefined) options.password = parts[3].password;
    return { kind: "connect", options };
  });

export const publish: fc.Arbitrary<Model> = fc
  .record({ topic: topicName, payload: payload(300), qos, retain: fc.boolean(), dup: fc.boolean(), packetId })
  .map((options) => ({ kind: "publish", options: { ...options, dup: options.qos > 0 && options.dup } }));

export const ack: fc.Arbitrary<Model> = fc.record({
  kind: fc.constant("ack" as const),
  type: fc.constantFrom(C.PUBACK, C.PUBREC, C.PUBREL, C.PUBCOMP, C.UNSUBACK),
  packetId,
});

export const subscribe: fc.Arbitrary<Model> = fc
  .tuple(packetId, fc.array(fc.tuple(topicFilter, qos), { minLength: 1, maxLength: 6 }))
  .map((parts) => ({ kind: "subscribe", packetId: parts[0], filters: parts[1].map((pair) => pair[0]), qos: parts[1].map((pair) => pair[1]) }));

export const unsubscribe: fc.Arbitrary<Model> = fc.record({
  kind: fc.constant("unsubscribe" as const),
  packetId,
  filters: fc.array(topicFilter, { minLength: 1, maxLength: 6 }),
});

export const connack: fc.Arbitrary<Model> = fc.oneof(
  fc.record({ kind: fc.constant("connack" as const), sessionPresent: fc.boolean(), returnCode: fc.constant(C.CONNACK_ACCEPTED) }),
  fc.record({ kind: fc.constant("connack" as const), sessionPresent: fc.constant(false), returnCode: fc.integer({ min: 1, max: 5 }) }),
);

export const suback: fc.Arbitrary<Model> = fc.record({
  kind: fc.constant("suback" as const),
  packetId,
  returnCodes: fc.array(fc.constantFrom(0, 1, 2, C.SUBACK_FAILURE), { minLength: 1, maxLength: 8 }),
});

export const empty: fc.Arbitrary<Model> = fc.record({
  kind: fc.constant("empty" as const),
  type: fc.constantFrom(C.PINGREQ, C.PINGRESP, C.DISCONNECT),
});

/** One arbitrary per packet family, by name, for per-type properties. */
export const PACKETS: Record<string, fc.Arbitrary<Model>> = { connect, publish, ack, subscribe, unsubscribe, connack, suback, empty };

/** Any valid packet. */
export const anyPacket: fc.Arbitrary<Model> = fc.oneof(connect, publish, ack, subscribe, unsubscribe, connack, suback, empty);
