/**
 * The directions a device never uses: decoding what a client sends, encoding
 * what a broker sends. For tests, tools and the simulator; device bundles
 * import nothing from here, so it tree-shakes out.
 */
import {
  CONNACK, CONNECT, DISCONNECT, ERR_BUFFER_TOO_SMALL, ERR_CONNACK, ERR_CONNECT_FLAGS, ERR_NO_FILTERS,
  ERR_PACKET_ID, ERR_PROTOCOL, ERR_QOS, ERR_STRING_LENGTH, ERR_SUBACK_RETURN_CODE, ERR_TRAILING_BYTES,
  ERR_TRUNCATED, PINGREQ, SUBACK, SUBSCRIBE, UNSUBSCRIBE,
} from "./constants.ts";
import { decodeBrokerBody, decodeFixedHeader, readField, readPacketId, readU16 } from "./decode.ts";
import { remainingLengthSize, writeRemainingLength, writeU16 } from "./encode.ts";
import type { PacketRecord } from "./packets.ts";
import { checkTopic } from "./topic.ts";
import { checkUtf8, readUtf8 } from "./utf8.ts";

/** Protocol name bytes by level: "MQIsdp" for 3 (MQTT 3.1), "MQTT" for 4 [MQTT-3.1.2-1]. */
const PROTOCOL_NAMES: Record<number, string> = { 3: "MQIsdp", 4: "MQTT" };

/** CONNECT variable header and payload (3.1.2, 3.1.3). */
function decodeConnect(buffer: Uint8Array, position: number, end: number, record: PacketRecord): number {
  const nameEnd = readField(buffer, position, end, true);
  if (nameEnd < 0) return nameEnd;
  if (nameEnd + 4 > end) return ERR_STRING_LENGTH;
  const level = buffer[nameEnd];
  const flags = buffer[nameEnd + 1];
  const name = PROTOCOL_NAMES[level] ?? "";
  // [MQTT-3.1.2-1] protocol name, [MQTT-3.1.2-2] protocol level
  let known = name.length == nameEnd - position - 2;
  for (let index = 0; known && index < name.length; index++) known = buffer[position + 2 + index] == name.charCodeAt(index);
  if (!known) return ERR_PROTOCOL;
  // [MQTT-3.1.2-3] reserved flag
  if (flags & 1) return ERR_CONNECT_FLAGS;
  // [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15] will QoS and retain need the will flag
  if (!(flags & 4) && flags & 0x38) return ERR_CONNECT_FLAGS;
  // [MQTT-3.1.2-14] will QoS 3
  if ((flags & 0x18) == 0x18) return ERR_QOS;
  // [MQTT-3.1.2-22] password without user name (allowed by MQTT 3.1)
  if (level == 4 && (flags & 0xC0) == 0x40) return ERR_CONNECT_FLAGS;
  record.protocolLevel = level;
  record.cleanSession = (flags & 2) != 0;
  record.keepalive = readU16(buffer, nameEnd + 2);
  record.willQos = flags >> 3 & 3;
  record.willRetain = (flags & 0x20) != 0;
  record.willTopicStart = record.willTopicEnd = record.willPayloadStart = record.willPayloadEnd = -1;
  record.usernameStart = record.usernameEnd = record.passwordStart = record.passwordEnd = -1;
  position = nameEnd + 4;
  // [MQTT-3.1.3-3], [MQTT-3.1.3-4] client id, UTF-8, first; may be empty [MQTT-3.1.3-6]
  let fieldEnd = readField(buffer, position, end, true);
  if (fieldEnd < 0) return fieldEnd;
  record.clientIdStart = position + 2;
  record.clientIdEnd = position = fieldEnd;
  if (flags & 4) {
    // [MQTT-3.1.2-9] will topic and message present; a topic name (4.7), then [MQTT-3.1.3-10] UTF-8: the encoders' order
    fieldEnd = readField(buffer, position, end, false);
    if (fieldEnd < 0) return fieldEnd;
    const topicError = checkTopic(buffer, position + 2, fieldEnd, false) || checkUtf8(buffer, position + 2, fieldEnd);
    if (topicError) return topicError;
    record.willTopicStart = position + 2;
    record.willTopicEnd = position = fieldEnd;
    fieldEnd = readField(buffer, position, end, false);
    if (fieldEnd < 0) return fieldEnd;
    record.willPayloadStart = position + 2;
    record.willPayloadEnd = position = fieldEnd;
  }
  if (flags & 0x80) {
    // [MQTT-3.1.2-19] user name present, [MQTT-3.1.3-11] UTF-8
    fieldEnd = readField(buffer, position, end, true);
    if (fieldEnd < 0) return fieldEnd;
    record.usernameStart = position + 2;
    record.usernameEnd = position = fieldEnd;
  }
  if (flags & 0x40) {
    // [MQTT-3.1.2-21] password present: binary data
    fieldEnd = readField(buffer, position, end, false);
    if (fieldEnd < 0) return fieldEnd;
    record.passwordStart = position + 2;
    record.passwordEnd = position = fieldEnd;
  }
  // [MQTT-3.1.4-1] nothing after the last field
  return position < end ? ERR_TRAILING_BYTES : end;
}

/** SUBSCRIBE (`subscribe`) or UNSUBSCRIBE variable header and filter list (3.8.2-3.8.3, 3.10.2-3.10.3). */
function decodeFilters(buffer: Uint8Array, position: number, end: number, record: PacketRecord, subscribe: boolean): number {
  // [MQTT-2.3.1-1] non-zero packet identifier
  position = readPacketId(buffer, position, end, record);
  if (position < 0) return position;
  // [MQTT-3.8.3-3], [MQTT-3.10.3-2] at least one filter
  if (position == end) return ERR_NO_FILTERS;
  record.payloadStart = position;
  record.payloadEnd = end;
  while (position < end) {
    // 4.7.1 wildcard placement, [MQTT-4.7.3-1] not empty, then [MQTT-3.8.3-1], [MQTT-3.10.3-1] UTF-8: the encoders' order
    const filterEnd = readField(buffer, position, end, false);
    if (filterEnd < 0) return filterEnd;
    const filterError = checkTopic(buffer, position + 2, filterEnd, true) || checkUtf8(buffer, position + 2, filterEnd);
    if (filterError) return filterError;
    position = filterEnd;
    if (subscribe) {
      if (position >= end) return ERR_STRING_LENGTH;
      // [MQTT-3.8.3-4] QoS byte: bits 7-2 reserved, QoS 3 malformed
      if (buffer[position++] > 2) return ERR_QOS;
    }
  }
  return end;
}

/** Decodes the body of any of the 14 types: client-bound ones as decodeFromBroker does. */
function decodeAnyBody(buffer: Uint8Array, position: number, end: number, record: PacketRecord): number {
  const type = record.type;
  if (type == CONNECT) return decodeConnect(buffer, position, end, record);
  if (type == SUBSCRIBE || type == UNSUBSCRIBE) return decodeFilters(buffer, position, end, record, type == SUBSCRIBE);
  // 3.12.1, 3.14.1: no variable header, no payload
  if (type == PINGREQ || type == DISCONNECT) return position < end ? ERR_TRAILING_BYTES : end;
  return decodeBrokerBody(buffer, position, end, record);
}

/**
 * Decodes the one packet starting at `start` (bytes available up to `end`),
 * any of the 14 packet types (both directions). Same return convention as
 * decodeFromBroker; CONNECT, SUBSCRIBE and UNSUBSCRIBE fill the record too.
 * Allocates nothing.
 */
export function decodePacket(buffer: Uint8Array, start: number, end: number, record: PacketRecord): number {
  const position = decodeFixedHeader(buffer, start, end, record);
  if (position < 0) return position;
  const packetEnd = start + record.packetLength;
  return packetEnd > end ? ERR_TRUNCATED : decodeAnyBody(buffer, position, packetEnd, record);
}

/** Writes CONNACK (3.2): 4 bytes; ERR_CONNACK for a return code other than 0..5 (3.2.2.3). */
export function encodeConnack(buffer: Uint8Array, position: number, sessionPresent: boolean, returnCode: number): number {
  if ((returnCode & 7) !== returnCode || returnCode > 5) return ERR_CONNACK;
  if (position + 4 > buffer.length) return ERR_BUFFER_TOO_SMALL;
  buffer[position] = CONNACK << 4;
  buffer[position + 1] = 2;
  buffer[position + 2] = sessionPresent ? 1 : 0;
  buffer[position + 3] = returnCode;
  return position + 4;
}

/** Whole SUBACK bytes, or ERR_NO_FILTERS for no codes, ERR_SUBACK_RETURN_CODE for one not 0, 1, 2, 0x80 [MQTT-3.9.3-2]. */
export function subackLength(returnCodes: number[]): number {
  if (!returnCodes.length) return ERR_NO_FILTERS;
  for (const code of returnCodes) {
    if (code !== 0 && code !== 1 && code !== 2 && code !== 0x80) return ERR_SUBACK_RETURN_CODE;
  }
  const remaining = 2 + returnCodes.length;
  return 1 + remainingLengthSize(remaining) + remaining;
}

/** Writes SUBACK (3.9): packet id, one return code per filter of the SUBSCRIBE [MQTT-3.8.4-5]. */
export function encodeSuback(buffer: Uint8Array, position: number, packetId: number, returnCodes: number[]): number {
  const length = subackLength(returnCodes);
  if (length < 0) return length;
  if ((packetId & 65535) !== packetId || !packetId) return ERR_PACKET_ID;
  if (position + length > buffer.length) return ERR_BUFFER_TOO_SMALL;
  buffer[position] = SUBACK << 4;
  position = writeU16(buffer, writeRemainingLength(buffer, position + 1, 2 + returnCodes.length), packetId);
  for (const code of returnCodes) buffer[position++] = code;
  return position;
}

/** Subscriptions of a decoded SUBSCRIBE (allocates; tools only). */
export function readSubscriptions(buffer: Uint8Array, record: PacketRecord): { topic: string; qos: number }[] {
  const subscriptions: { topic: string; qos: number }[] = [];
  for (let position = record.payloadStart; position < record.payloadEnd;) {
    const filterEnd = position + 2 + readU16(buffer, position);
    subscriptions.push({ topic: readUtf8(buffer, position + 2, filterEnd), qos: buffer[filterEnd] });
    position = filterEnd + 1;
  }
  return subscriptions;
}

/** Filters of a decoded UNSUBSCRIBE (allocates; tools only). */
export function readUnsubscriptions(buffer: Uint8Array, record: PacketRecord): string[] {
  const filters: string[] = [];
  for (let position = record.payloadStart; position < record.payloadEnd;) {
    const filterEnd = position + 2 + readU16(buffer, position);
    filters.push(readUtf8(buffer, position + 2, filterEnd));
    position = filterEnd;
  }
  return filters;
}
