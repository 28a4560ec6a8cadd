/**
 * One neutral description of an MQTT 3.1.1 packet, and the three ways the
 * property and fuzz tests look at it: our encoders, mqtt-packet's `generate`
 * (the oracle), and a decoded `PacketRecord` read back into the same shape.
 * Byte fields are compared as lowercase hex, so a failing property prints
 * something a person can read.
 */
import { Buffer } from "node:buffer";
import type * as mqttPacket from "mqtt-packet";
import * as C from "../../../firmware/mqtt/constants.ts";
import { encodeAck, encodeConnect, encodeEmpty, encodePublish, encodeSubscribe, encodeUnsubscribe, connectLength, publishLength, subscribeLength, unsubscribeLength } from "../../../firmware/mqtt/encode.ts";
import { encodeConnack, encodeSuback, subackLength, readSubscriptions, readUnsubscriptions } from "../../../firmware/mqtt/broker.ts";
import { readUtf8 } from "../../../firmware/mqtt/utf8.ts";
import type { ConnectOptions, PacketRecord, PublishOptions, Will } from "../../../firmware/mqtt/packets.ts";

export type Bytes = string | Uint8Array;

export interface ConnectModel { kind: "connect"; options: ConnectOptions }
export interface PublishModel { kind: "publish"; options: PublishOptions }
export interface AckModel { kind: "ack"; type: number; packetId: number }
export interface SubscribeModel { kind: "subscribe"; packetId: number; filters: string[]; qos: number[] }
export interface UnsubscribeModel { kind: "unsubscribe"; packetId: number; filters: string[] }
export interface ConnackModel { kind: "connack"; sessionPresent: boolean; returnCode: number }
export interface SubackModel { kind: "suback"; packetId: number; returnCodes: number[] }
export interface EmptyModel { kind: "empty"; type: number }

export type Model = ConnectModel | PublishModel | AckModel | SubscribeModel | UnsubscribeModel | ConnackModel | SubackModel | EmptyModel;

/** The packet types a client receives (what `decodeFromBroker` accepts). */
export const FROM_BROKER: readonly number[] = [C.CONNACK, C.PUBLISH, C.PUBACK, C.PUBREC, C.PUBREL, C.PUBCOMP, C.SUBACK, C.UNSUBACK, C.PINGRESP];

const ACK_NAMES: Record<number, "puback" | "pubrec" | "pubrel" | "pubcomp" | "unsuback"> = {
  [C.PUBACK]: "puback", [C.PUBREC]: "pubrec", [C.PUBREL]: "pubrel", [C.PUBCOMP]: "pubcomp", [C.UNSUBACK]: "unsuback",
};
const EMPTY_NAMES: Record<number, "pingreq" | "pingresp" | "disconnect"> = {
  [C.PINGREQ]: "pingreq", [C.PINGRESP]: "pingresp", [C.DISCONNECT]: "disconnect",
};

/** Packet type number of a model. */
export function modelType(model: Model): number {
  switch (model.kind) {
    case "connect": return C.CONNECT;
    case "publish": return C.PUBLISH;
    case "subscribe": return C.SUBSCRIBE;
    case "unsubscribe": return C.UNSUBSCRIBE;
    case "connack": return C.CONNACK;
    case "suback": return C.SUBACK;
    case "ack": case "empty": return model.type;
  }
}

function toBuffer(value: Bytes): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
}

function hex(value: Bytes): string {
  return toBuffer(value).toString("hex");
}

/** Our whole-packet length for the model, from the codec's length functions (or the fixed sizes). */
export function ourLength(model: Model): number {
  switch (model.kind) {
    case "connect": return connectLength(model.options);
    case "publish": return publishLength(model.options);
    case "subscribe": return subscribeLength(model.filters);
    case "unsubscribe": return unsubscribeLength(model.filters);
    case "suback": return subackLength(model.returnCodes);
    case "connack": case "ack": return 4;
    case "empty": return 2;
  }
}

/** Encodes the model with our codec at `position`; returns the codec's result. */
export function encodeOurs(model: Model, buffer: Uint8Array, position: number): number {
  switch (model.kind) {
    case "connect": return encodeConnect(buffer, position, model.options);
    case "publish": return encodePublish(buffer, position, model.options);
    case "subscribe": return encodeSubscribe(buffer, position, model.packetId, model.filters, model.qos);
    case "unsubscribe": return encodeUnsubscribe(buffer, position, model.packetId, model.filters);
    case "connack": return encodeConnack(buffer, position, model.sessionPresent, model.returnCode);
    case "suback": return encodeSuback(buffer, position, model.packetId, model.returnCodes);
    case "ack": return encodeAck(buffer, position, model.type, model.packetId);
    case "empty": return encodeEmpty(buffer, position, model.type);
  }
}

function peerConnect(options: ConnectOptions): mqttPacket.IConnectPacket {
  const level = options.protocolLevel ?? C.PROTOCOL_LEVEL_311;
  const packet: mqttPacket.IConnectPacket = {
    cmd: "connect",
    protocolId: level === C.PROTOCOL_LEVEL_31 ? "MQIsdp" : "MQTT",
    protocolVersion: level === C.PROTOCOL_LEVEL_31 ? 3 : 4,
    clientId: options.clientId,
    clean: options.cleanSession,
    keepalive: options.keepalive,
  };
  if (options.will !== undefined) {
    const will = options.will;
    packet.will = { topic: will.topic, payload: toBuffer(will.payload), qos: will.qos as mqttPacket.QoS, retain: will.retain };
  }
  if (options.username !== undefined) packet.username = options.username;
  if (options.password !== undefined) packet.password = toBuffer(options.password);
  return packet;
}

/** The same packet as an mqtt-packet object, ready for `generate`. */
export function toPeer(model: Model): mqttPacket.Packet {
  switch (model.kind) {
    case "connect": return peerConnect(model.options);
    case "publish": {
      const o = model.options;
      const packet: mqttPacket.IPublishPacket = { cmd: "publish", topic: o.topic, payload: toBuffer(o.payload), qos: o.qos as mqttPacket.QoS, dup: o.dup, retain: o.retain };
      if (o.qos > 0) packet.messageId = o.packetId;
      return packet;
    }
    case "subscribe":
      return { cmd: "subscribe", messageId: model.packetId, subscriptions: model.filters.map((topic, index) => ({ topic, qos: model.qos[index] as mqttPacket.QoS })) };
    case "unsubscribe": return { cmd: "unsubscribe", messageId: model.packetId, unsubscriptions: model.filters.slice() };
    case "connack": return { cmd: "connack", sessionPresent: model.sessionPresent, returnCode: model.returnCode };
    case "suback": return { cmd: "suback", messageId: model.packetId, granted: model.returnCodes.slice() };
    case "ack": return { cmd: ACK_NAMES[model.type]!, messageId: model.packetId } as mqttPacket.Packet;
    case "empty": return { cmd: EMPTY_NAMES[model.type]! } as mqttPacket.Packet;
  }
}

function canonicalWill(will: Will): Record<string, unknown> {
  return { topic: will.topic, payload: hex(will.payload), qos: will.qos, retain: will.retain };
}

/** A comparable, printable form: byte fields as hex, absent fields absent, ignored fields dropped. */
export function canonical(model: Model): Record<string, unknown> {
  switch (model.kind) {
    case "connect": {
      const o = model.options;
      const out: Record<string, unknown> = { kind: "connect", level: o.protocolLevel ?? C.PROTOCOL_LEVEL_311, clientId: o.clientId, cleanSession: o.cleanSession, keepalive: o.keepalive };
      if (o.will !== undefined) out["will"] = canonicalWill(o.will);
      if (o.username !== undefined) out["username"] = o.username;
      if (o.password !== undefined) out["password"] = hex(o.password);
      return out;
    }
    case "publish": {
      const o = model.options;
      return { kind: "publish", topic: o.topic, payload: hex(o.payload), qos: o.qos, dup: o.dup, retain: o.retain, packetId: o.qos > 0 ? o.packetId : 0 };
    }
    case "subscribe": return { kind: "subscribe", packetId: model.packetId, subscriptions: model.filters.map((topic, index) => ({ topic, qos: model.qos[index] })) };
    case "unsubscribe": return { kind: "unsubscribe", packetId: model.packetId, filters: model.filters };
    case "connack": return { kind: "connack", sessionPresent: model.sessionPresent, returnCode: model.returnCode };
    case "suback": return { kind: "suback", packetId: model.packetId, returnCodes: model.returnCodes };
    case "ack": return { kind: "ack", type: model.type, packetId: model.packetId };
    case "empty": return { kind: "empty", type: model.type };
  }
}

function span(buffer: Uint8Array, start: number, end: number): string {
  return Buffer.from(buffer.subarray(start, end)).toString("hex");
}

function readConnect(buffer: Uint8Array, record: PacketRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: "connect", level: record.protocolLevel, clientId: readUtf8(buffer, record.clientIdStart, record.clientIdEnd),
    cleanSession: record.cleanSession, keepalive: record.keepalive,
  };
  if (record.willTopicStart >= 0) {
    out["will"] = {
      topic: readUtf8(buffer, record.willTopicStart, record.willTopicEnd),
      payload: span(buffer, record.willPayloadStart, record.willPayloadEnd), qos: record.willQos, retain: record.willRetain,
    };
  }
  if (record.usernameStart >= 0) out["username"] = readUtf8(buffer, record.usernameStart, record.usernameEnd);
  if (record.passwordStart >= 0) out["password"] = span(buffer, record.passwordStart, record.passwordEnd);
  return out;
}

/** Reads a decoded record back into the canonical form (the inverse of `canonical` after a decode). */
export function readRecord(buffer: Uint8Array, record: PacketRecord): Record<string, unknown> {
  switch (record.type) {
    case C.CONNECT: return readConnect(buffer, record);
    case C.PUBLISH:
      return {
        kind: "publish", topic: readUtf8(buffer, record.topicStart, record.topicEnd), payload: span(buffer, record.payloadStart, record.payloadEnd),
        qos: record.qos, dup: record.dup, retain: record.retain, packetId: record.qos > 0 ? record.packetId : 0,
      };
    case C.SUBSCRIBE: return { kind: "subscribe", packetId: record.packetId, subscriptions: readSubscriptions(buffer, record) };
    case C.UNSUBSCRIBE: return { kind: "unsubscribe", packetId: record.packetId, filters: readUnsubscriptions(buffer, record) };
    case C.CONNACK: return { kind: "connack", sessionPresent: record.sessionPresent, returnCode: record.returnCode };
    case C.SUBACK: return { kind: "suback", packetId: record.packetId, returnCodes: Array.from(buffer.subarray(record.payloadStart, record.payloadEnd)) };
    case C.PUBACK: case C.PUBREC: case C.PUBREL: case C.PUBCOMP: case C.UNSUBACK:
      return { kind: "ack", type: record.type, packetId: record.packetId };
    default: return { kind: "empty", type: record.type };
  }
}
