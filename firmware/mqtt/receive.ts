/**
 * What a client receives: the device receive path. The byte stream comes as
 * binary strings (one char per byte, 0..255: Espruino's sockets give these,
 * the host's transports convert), held only while a packet is incomplete,
 * and each complete packet is decoded as a broker sends it and delivered
 * once, in order. The same checks and ERR_* codes as Framer (framer.ts)
 * followed by decodeFromBroker (decode.ts), in less code: the host keeps
 * those two for its allocation-free Uint8Array API.
 *
 * Strings rather than a receive buffer, measured on Espruino 2v29 with the
 * ESP8266's 1,600 variables: a 512-byte Uint8Array allocated for the life
 * of the client held 44 of them while nothing was being received, and
 * copying each chunk into it took a JavaScript loop over every byte (about
 * 900 us per 100 bytes on the Linux build; a whole PUBLISH decoded by
 * `charCodeAt` for the header and `substr` for topic and payload, as here,
 * about 37: ESPRUINO.md "What is fast"). The
 * capacity still bounds a packet: one larger is ERR_PACKET_TOO_LARGE as soon
 * as its fixed header says so, before its bytes are kept.
 */
import {
  CONNACK, ERR_CONNACK, ERR_NO_FILTERS, ERR_PACKET_ID, ERR_PACKET_TOO_LARGE, ERR_PACKET_TYPE, ERR_QOS, ERR_REMAINING_LENGTH,
  ERR_RESERVED_FLAGS, ERR_STRING_LENGTH, ERR_SUBACK_RETURN_CODE, ERR_TRAILING_BYTES, ERR_UNEXPECTED_TYPE, PINGRESP, PUBLISH, SUBACK,
} from "./constants.ts";
import { topicError } from "./text.ts";

/**
 * The packet just received, as properties of the receiver that received it
 * (see `Receiver`); fields that its type does not carry, and every
 * field after an error, hold older or meaningless values. The names are the device bundle's own (scripts/espruino-esbuild.ts
 * shortens them), so they say whose they are.
 */
export interface Incoming {
  /** Packet type (2.2.1). */
  incomingType: number;
  /** PUBLISH at QoS 1 or 2, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK; 0 for a QoS 0 PUBLISH. */
  incomingId: number;
  /** PUBLISH. */
  incomingQos: number;
  incomingRetain: boolean;
  /** PUBLISH topic name: its UTF-8 bytes, a binary string. */
  incomingTopic: string;
  /** PUBLISH payload start in the string handed to `deliver`; it ends where the packet does, at the `result` handed with it. */
  incomingStart: number;
  /** CONNACK session present. */
  incomingSession: boolean;
  /** CONNACK return code; SUBACK first return code. */
  incomingCode: number;
}

/**
 * The receiving end of one connection: feeds one chunk, delivering every
 * packet it completes. Returns 0, or ERR_PACKET_TYPE (type 0 or 15, Table
 * 2.1), ERR_REMAINING_LENGTH (a 5th length byte, 2.2.3) or
 * ERR_PACKET_TOO_LARGE (over the capacity), after which the connection
 * must close: the receiver is spent (what it is fed next is read after
 * bytes it could not frame). A new connection takes a new receiver:
 * nothing of the old one's partial packet carries over. The function is
 * also the record of the packet it delivers (Incoming): no object besides
 * it, and its user can tell which receiver a packet came from without a
 * closure of its own.
 */
export type Receiver = ((chunk: string) => number) & Incoming;

/**
 * A receiver of packets of at most `capacity` bytes. `deliver` is called
 * once per complete packet with the decoded result (`end` or an ERR_*), the
 * packet (the receiver itself), and the string it lies in (offsets in
 * `packet` are into it).
 */
export function createReceiver(capacity: number, deliver: (result: number, packet: Receiver, bytes: string) => void): Receiver {
  /** Bytes of the packet not yet complete, between chunks. */
  let held = "";
  // set before `decode` first runs; decode sets every field that its packet type carries before `deliver` reads it
  let packet: Receiver;

  /**
   * Decodes the packet [start, end) of `bytes` whose variable header is at
   * `position`, as decodeFromBroker does (decode.ts): returns `end` or its ERR_*.
   */
  function decode(bytes: string, start: number, position: number, end: number): number {
    // one short name for the many reads (fewer bytes in the bundle than a `charCodeAt` each)
    const byte = (index: number) => bytes.charCodeAt(index);
    const type = byte(start) >> 4;
    const flags = byte(start) & 15;
    const qos = flags >> 1 & 3;
    let next = position;
    packet.incomingType = type;
    if (type == PUBLISH) {
      // [MQTT-3.3.1-4] both QoS bits set
      if (qos > 2) return ERR_QOS;
      // [MQTT-3.3.1-2] DUP on QoS 0
      if ((flags & 14) == 8) return ERR_RESERVED_FLAGS;
      // [MQTT-3.3.2-1] a topic name inside the packet
      next += 2 + (byte(position) << 8 | byte(position + 1));
      if (next > end) return ERR_STRING_LENGTH;
      // the topic's bytes, checked as checkTopic then checkUtf8 (topic.ts, utf8.ts) check them on the host
      const topic = bytes.substring(position + 2, next);
      const error = topicError(topic);
      if (error) return error;
      packet.incomingTopic = topic;
      packet.incomingQos = qos;
      packet.incomingRetain = !!(flags & 1);
    }
    // [MQTT-2.2.2-1], [MQTT-2.2.2-2]: 0b0010 for PUBREL [MQTT-3.6.1-1], SUBSCRIBE [MQTT-3.8.1-1], UNSUBSCRIBE [MQTT-3.10.1-1], else 0
    else if (flags != (0x540 >> type & 1) << 1) return ERR_RESERVED_FLAGS;
    // CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, PINGRESP; the rest are client-to-server only
    else if (!(0x2AF4 >> type & 1)) return ERR_UNEXPECTED_TYPE;
    // 3.13.1: remaining length 0; 3.2.1, 3.4.1-3.7.1, 3.11.1: remaining length 2
    else if (type == PINGRESP ? position < end : 0x8F4 >> type & 1 && end - position != 2) return ERR_TRAILING_BYTES;
    packet.incomingId = 0;
    // [MQTT-2.3.1-1] a non-zero packet id: PUBLISH at QoS 1 and 2, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK
    if (type == PUBLISH ? qos : 0xAF0 >> type & 1) {
      if (next + 2 > end) return ERR_STRING_LENGTH;
      packet.incomingId = byte(next) << 8 | byte(next + 1);
      if (!packet.incomingId) return ERR_PACKET_ID;
      next += 2;
    }
    packet.incomingStart = next;
    if (type == SUBACK) {
      // [MQTT-3.8.4-5] one return code per filter, and a SUBSCRIBE has at least one
      if (next == end) return ERR_NO_FILTERS;
      // [MQTT-3.9.3-2] only 0x00, 0x01, 0x02, 0x80
      for (packet.incomingCode = byte(next); next < end; next++) if (byte(next) > 2 && byte(next) != 0x80) return ERR_SUBACK_RETURN_CODE;
    }
    if (type == CONNACK) {
      // 3.2.2.1: acknowledge flags bits 7-1 reserved; 3.2.2.3: return codes 6-255 reserved
      if (byte(position) > 1 || byte(position + 1) > 5) return ERR_CONNACK;
      packet.incomingSession = byte(position) == 1;
      packet.incomingCode = byte(position + 1);
    }
    return end;
  }

  return packet = function (chunk: string): number {
    // the chunk itself when nothing is held (the usual case): a concatenation would copy it
    const bytes = held ? held + chunk : chunk;
    let start = 0;
    // each whole packet: its fixed header (2.2), then the rest
    while (start < bytes.length) {
      let position = start + 1;
      let length = 0;
      let next = 128;
      // 2.2.1 Table 2.1: 0 and 15 reserved
      if (!((bytes.charCodeAt(start) >> 4) % 15)) return ERR_PACKET_TYPE;
      while (next > 127) {
        // 2.2.3: at most four length bytes
        if (position > start + 4) return ERR_REMAINING_LENGTH;
        if (position >= bytes.length) break;
        next = bytes.charCodeAt(position++);
        length += (next & 127) << 7 * (position - start - 2);
      }
      length += position;
      if (next > 127) break;
      if (length - start > capacity) return ERR_PACKET_TOO_LARGE;
      if (length > bytes.length) break;
      deliver(decode(bytes, start, position, length), packet, bytes);
      start = length;
    }
    held = bytes.substring(start);
    return 0;
  } as Receiver;
}
