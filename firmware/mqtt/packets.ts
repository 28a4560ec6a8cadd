/**
 * The shapes the codec reads and writes: encoder arguments and the one
 * reusable decode record. Types only, plus the record's factory.
 */

/** A will (last-will message) carried in CONNECT (3.1.2.5-3.1.2.7, 3.1.3.2-3.1.3.3). */
export interface Will {
  /** Topic name: non-empty, no wildcards. */
  topic: string;
  /** Binary message; a string is sent as its UTF-8 bytes. */
  payload: string | Uint8Array;
  /** 0, 1 or 2. */
  qos: number;
  retain: boolean;
}

/** What a client puts in its CONNECT (3.1). */
export interface ConnectOptions {
  /** UTF-8, at most 65,535 bytes; may be empty only with `cleanSession` at level 4 [MQTT-3.1.3-7]. */
  clientId: string;
  cleanSession: boolean;
  /** Seconds, an integer 0..65535; 0 turns keepalive off. */
  keepalive: number;
  /** 4 (default, "MQTT", 3.1.1) or 3 ("MQIsdp", 3.1). */
  protocolLevel?: number;
  username?: string;
  /** Binary; at level 4 only together with `username` [MQTT-3.1.2-22]. */
  password?: string | Uint8Array;
  will?: Will;
}

/** What a client puts in a PUBLISH (3.3). */
export interface PublishOptions {
  /** Topic name: non-empty, no wildcards [MQTT-3.3.2-2], [MQTT-4.7.3-1]. */
  topic: string;
  /** Application message; a string is sent as its UTF-8 bytes (U+0000 allowed). */
  payload: string | Uint8Array;
  /** 0, 1 or 2. */
  qos: number;
  retain: boolean;
  /** Only at QoS 1 or 2 [MQTT-3.3.1-2]. */
  dup: boolean;
  /** 1..65535; ignored at QoS 0. */
  packetId: number;
}

/** The fields of a fixed header (2.2), as the framer and every decoder read them. */
export interface FixedHeader {
  /** Packet type, 1..14. */
  type: number;
  /** Low nibble of the first byte. */
  flags: number;
  /** Whole packet in bytes, fixed header included. */
  packetLength: number;
}

/**
 * The part of the decode record that decodeFromBroker fills: what a client
 * receives. A client allocates only this (createClientRecord).
 */
export interface ClientPacketRecord extends FixedHeader {
  /** PUBLISH (0 at QoS 0), PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK. */
  packetId: number;
  /** PUBLISH. */
  qos: number;
  dup: boolean;
  retain: boolean;
  /** PUBLISH topic (UTF-8 bytes). */
  topicStart: number;
  topicEnd: number;
  /** PUBLISH payload; SUBACK return codes; SUBSCRIBE / UNSUBSCRIBE filter list bytes; unused by CONNECT. */
  payloadStart: number;
  payloadEnd: number;
  /** CONNACK. */
  sessionPresent: boolean;
  returnCode: number;
}

/**
 * One reusable decode record: decoders overwrite the fields that their packet
 * type uses and leave the others alone. Offsets index the buffer given to the
 * decoder; an absent optional field has start = end = -1.
 */
export interface PacketRecord extends ClientPacketRecord {
  /** CONNECT. */
  protocolLevel: number;
  cleanSession: boolean;
  keepalive: number;
  clientIdStart: number;
  clientIdEnd: number;
  willTopicStart: number;
  willTopicEnd: number;
  willPayloadStart: number;
  willPayloadEnd: number;
  /** 0 and false without a will. */
  willQos: number;
  willRetain: boolean;
  usernameStart: number;
  usernameEnd: number;
  passwordStart: number;
  passwordEnd: number;
}

/** A client's record (what decodeFromBroker fills), offsets at -1, numbers at 0; one per connection, at start. */
export function createClientRecord(): ClientPacketRecord {
  return {
    type: 0, flags: 0, packetLength: 0, packetId: 0, qos: 0, dup: false, retain: false,
    topicStart: -1, topicEnd: -1, payloadStart: -1, payloadEnd: -1, sessionPresent: false, returnCode: 0,
  };
}

/** A record with every offset at -1 and every number at 0; allocate one per connection, at start. */
export function createPacketRecord(): PacketRecord {
  return {
    type: 0, flags: 0, packetLength: 0, packetId: 0, qos: 0, dup: false, retain: false,
    topicStart: -1, topicEnd: -1, payloadStart: -1, payloadEnd: -1,
    sessionPresent: false, returnCode: 0,
    protocolLevel: 0, cleanSession: false, keepalive: 0, clientIdStart: -1, clientIdEnd: -1,
    willTopicStart: -1, willTopicEnd: -1, willPayloadStart: -1, willPayloadEnd: -1, willQos: 0, willRetain: false,
    usernameStart: -1, usernameEnd: -1, passwordStart: -1, passwordEnd: -1,
  };
}
