/**
 * A scripted Transport for the MQTT client's unit tests (STYLE.md point 12).
 * It records every packet the client sends, decoded with the broker-side
 * codec into plain objects and one-line summaries, lets the test play the
 * broker (open, accept, deliver chunks as bytes or binary strings, split
 * anywhere, drop the link), sets `pending()` for back-pressure, and notes
 * every breach of the Transport contract (a send on a closed link, ...).
 * Broker packets are built with the codec: connack, publishPacket, ack, suback, empty.
 */
import { Buffer } from "node:buffer";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodePacket, encodeConnack, encodeSuback, readSubscriptions, readUnsubscriptions } from "../../../firmware/mqtt/broker.ts";
import { encodeAck, encodeEmpty, encodePublish } from "../../../firmware/mqtt/encode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import type { PublishOptions } from "../../../firmware/mqtt/packets.ts";
import type { Clock, Transport, TransportEvents } from "../../../firmware/mqtt/transport.ts";
import { readUtf8 } from "../../../firmware/mqtt/utf8.ts";

/** Packet type names by number (2.2.1). */
export const TYPE_NAMES = ["", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
  "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT"];

/** One packet the client sent, as plain data. Fields a type does not carry are absent. */
export interface SentPacket {
  type: string;
  /** Clock time of the send, in milliseconds. */
  at: number;
  /** One-line summary, e.g. `PUBLISH q1 #3 dup t/a "x"` (see `summarize`). */
  summary: string;
  packetId?: number;
  topic?: string;
  payload?: string;
  qos?: number;
  dup?: boolean;
  retain?: boolean;
  clientId?: string;
  cleanSession?: boolean;
  keepalive?: number;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: number; retain: boolean };
  subscriptions?: { topic: string; qos: number }[];
  filters?: string[];
}

/** Where the fake link is: never opened, opening (open called), open (accepted), closed. */
export type LinkState = "idle" | "opening" | "open" | "closed";

const NO_EVENTS: TransportEvents = { onOpen() {}, onData() {}, onDrain() {}, onClose() {} };

function text(buffer: Uint8Array, start: number, end: number): string {
  return Buffer.from(buffer.subarray(start, end)).toString("utf8");
}

/** `PUBLISH q1 #3 dup retain t/a "x"`, `PUBACK #3`, `SUBSCRIBE #4 a/+:1`, `CONNECT mote-1`, `PINGREQ`. */
function summarize(packet: SentPacket): string {
  const id = packet.packetId ? ` #${packet.packetId}` : "";
  switch (packet.type) {
    case "PUBLISH":
      return `PUBLISH q${packet.qos}${id}${packet.dup ? " dup" : ""}${packet.retain ? " retain" : ""} ${packet.topic} ${JSON.stringify(packet.payload)}`;
    case "SUBSCRIBE":
      return `SUBSCRIBE${id} ${packet.subscriptions!.map((entry) => `${entry.topic}:${entry.qos}`).join(" ")}`;
    case "UNSUBSCRIBE":
      return `UNSUBSCRIBE${id} ${packet.filters!.join(" ")}`;
    case "CONNECT":
      return `CONNECT ${packet.clientId}`;
    default:
      return packet.type + id;
  }
}

/** Decodes one whole client packet into a SentPacket. */
function describePacket(buffer: Uint8Array, at: number): SentPacket {
  const record = createPacketRecord();
  const end = decodePacket(buffer, 0, buffer.length, record);
  if (end != buffer.length) {
    const summary = `INVALID ${errorName(end)} ${Buffer.from(buffer).toString("hex")}`;
    return { type: "INVALID", at, summary };
  }
  const packet: SentPacket = { type: TYPE_NAMES[record.type]!, at, summary: "" };
  switch (record.type) {
    case C.CONNECT:
      packet.clientId = text(buffer, record.clientIdStart, record.clientIdEnd);
      packet.cleanSession = record.cleanSession;
      packet.keepalive = record.keepalive;
      if (record.usernameStart >= 0) packet.username = text(buffer, record.usernameStart, record.usernameEnd);
      if (record.passwordStart >= 0) packet.password = text(buffer, record.passwordStart, record.passwordEnd);
      if (record.willTopicStart >= 0) {
        packet.will = {
          topic: text(buffer, record.willTopicStart, record.willTopicEnd), payload: text(buffer, record.willPayloadStart, record.willPayloadEnd),
          qos: record.willQos, retain: record.willRetain,
        };
      }
      break;
    case C.PUBLISH:
      packet.topic = readUtf8(buffer, record.topicStart, record.topicEnd);
      packet.payload = text(buffer, record.payloadStart, record.payloadEnd);
      packet.qos = record.qos;
      packet.dup = record.dup;
      packet.retain = record.retain;
      if (record.qos) packet.packetId = record.packetId;
      break;
    case C.SUBSCRIBE:
      packet.packetId = record.packetId;
      packet.subscriptions = readSubscriptions(buffer, record);
      break;
    case C.UNSUBSCRIBE:
      packet.packetId = record.packetId;
      packet.filters = readUnsubscriptions(buffer, record);
      break;
    case C.PUBACK: case C.PUBREC: case C.PUBREL: case C.PUBCOMP:
      packet.packetId = record.packetId;
      break;
    default:
      break;
  }
  packet.summary = summarize(packet);
  return packet;
}

/** A fake transport: the test plays the network and the broker. */
export class FakeTransport implements Transport {
  events: TransportEvents = NO_EVENTS;
  /** Where the link is now. */
  link: LinkState = "idle";
  /** Every `open` call, in order. */
  readonly opens: { host: string; port: number; at: number }[] = [];
  /** Number of `close` calls. */
  closes = 0;
  /** Every packet the client sent, in order, since the last `take`. */
  sent: SentPacket[] = [];
  /** Bytes the client sent over the whole test. */
  bytesSent = 0;
  /** What `pending()` returns. */
  pendingBytes = 0;
  /** When true, every send adds its bytes to `pendingBytes` (a socket that does not drain until `drain()`). */
  holdSends = false;
  /** Breaches of the Transport contract by the client (sends while not open, ...); a test expects none. */
  readonly violations: string[] = [];
  private readonly clock: Clock | null;
  private partial: number[] = [];

  constructor(clock: Clock | null = null) {
    this.clock = clock;
  }

  open(host: string, port: number): void {
    if (this.link == "opening" || this.link == "open") this.violations.push(`open while ${this.link}`);
    this.opens.push({ host, port, at: this.now() });
    this.link = "opening";
    this.partial = [];
  }

  send(buffer: Uint8Array, start: number, end: number): void {
    if (this.link != "open") this.violations.push(`send while ${this.link}: ${Buffer.from(buffer.subarray(start, end)).toString("hex")}`);
    if (!(start >= 0 && end > start && end <= buffer.length)) this.violations.push(`send range [${start}, ${end}) of ${buffer.length}`);
    this.bytesSent += end - start;
    if (this.holdSends) this.pendingBytes += end - start;
    for (let index = start; index < end; index++) this.partial.push(buffer[index]!);
    this.frame();
  }

  /** Takes a binary string (one char per byte) exactly as `send` takes those bytes; a char above 0xFF is a breach. */
  sendString(data: string): void {
    const wide = /[^\x00-\xff]/.exec(data);
    if (wide) this.violations.push(`sendString char ${wide[0].charCodeAt(0)} at ${wide.index}: not a binary string`);
    const bytes = Buffer.from(data, "latin1");
    this.send(bytes, 0, bytes.length);
  }

  pending(): number {
    return this.pendingBytes;
  }

  close(): void {
    this.closes++;
    this.link = "closed";
  }

  /** The connection comes up: `onOpen`. */
  accept(): void {
    this.expectLink("opening", "accept");
    this.link = "open";
    this.events.onOpen();
  }

  /** The connection is refused, reset or closed by the broker: `onClose`. */
  drop(): void {
    if (this.link != "opening" && this.link != "open") throw new Error(`fake transport: drop while ${this.link}`);
    this.link = "closed";
    this.events.onClose();
  }

  /** Everything pending has left: `pendingBytes` to 0, then `onDrain`. */
  drain(): void {
    this.pendingBytes = 0;
    this.events.onDrain();
  }

  /** Delivers the packets as one chunk. */
  deliver(...packets: Uint8Array[]): void {
    this.deliverChunks([concat(...packets)]);
  }

  /** Delivers the packets as one binary string (one char per byte), as an Espruino socket does. */
  deliverString(...packets: Uint8Array[]): void {
    this.deliverChunks([binaryString(concat(...packets))]);
  }

  /** Delivers `bytes` cut at each offset in `cuts`, chunks given alternately as Uint8Array and binary string. */
  deliverSplit(bytes: Uint8Array, cuts: number[]): void {
    const chunks: (Uint8Array | string)[] = [];
    let start = 0;
    for (const cut of [...cuts, bytes.length]) {
      const piece = bytes.slice(start, cut);
      chunks.push(chunks.length % 2 ? binaryString(piece) : piece);
      start = cut;
    }
    this.deliverChunks(chunks);
  }

  /** Delivers raw chunks through `onData`, in order, each as a binary string (a Uint8Array converted, as a host transport does). */
  deliverChunks(chunks: (Uint8Array | string)[]): void {
    for (const chunk of chunks) {
      this.expectLink("open", "deliver");
      this.events.onData(typeof chunk == "string" ? chunk : binaryString(chunk));
    }
  }

  /** Returns the packets sent since the last call and forgets them. */
  take(): SentPacket[] {
    const packets = this.sent;
    this.sent = [];
    return packets;
  }

  /** Summaries of the packets sent since the last call (and forgets them). */
  takeSummaries(): string[] {
    return this.take().map((packet) => packet.summary);
  }

  private now(): number {
    return this.clock ? this.clock.now() : 0;
  }

  private expectLink(link: LinkState, action: string): void {
    if (this.link != link) throw new Error(`fake transport: ${action} while ${this.link}`);
  }

  /** Cuts what was sent into whole packets (the client may split or join them across sends). */
  private frame(): void {
    for (;;) {
      const bytes = this.partial;
      let length = 0;
      let multiplier = 1;
      let position = 1;
      let complete = false;
      while (!complete && position < bytes.length && position <= 4) {
        const next = bytes[position++]!;
        length += (next & 127) * multiplier;
        multiplier *= 128;
        complete = next < 128;
      }
      const total = position + length;
      if (!complete || bytes.length < total) return;
      this.sent.push(describePacket(Uint8Array.from(bytes.slice(0, total)), this.now()));
      this.partial = bytes.slice(total);
    }
  }
}

/** Joins byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(parts.flatMap((part) => Array.from(part)));
}

/** One char per byte, as Espruino's socket `data` events deliver. */
export function binaryString(bytes: ArrayLike<number>): string {
  let result = "";
  for (let index = 0; index < bytes.length; index++) result += String.fromCharCode(bytes[index]!);
  return result;
}

/** Runs an encoder on a scratch buffer and returns exactly the bytes it wrote; throws with the error name on failure. */
function build(encoder: (buffer: Uint8Array) => number, capacity = 4096): Uint8Array {
  const buffer = new Uint8Array(capacity);
  const end = encoder(buffer);
  if (end < 0) throw new Error(`fake broker: encoder failed with ${errorName(end)}`);
  return buffer.slice(0, end);
}

/** CONNACK (3.2). */
export function connack(sessionPresent = false, returnCode = 0): Uint8Array {
  return build((buffer) => encodeConnack(buffer, 0, sessionPresent, returnCode));
}

/** PUBLISH (3.3) from the broker; QoS 0, no retain, no dup unless given. */
export function publishPacket(options: Partial<PublishOptions> & { topic: string; payload: string | Uint8Array }): Uint8Array {
  const qos = options.qos ?? 0;
  return build((buffer) => encodePublish(buffer, 0, {
    topic: options.topic, payload: options.payload, qos, retain: options.retain ?? false, dup: options.dup ?? false, packetId: options.packetId ?? (qos ? 1 : 0),
  }), 300000);
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK (3.4-3.7, 3.11). */
export function ack(type: number, packetId: number): Uint8Array {
  return build((buffer) => encodeAck(buffer, 0, type, packetId));
}

/** SUBACK (3.9) with one return code per filter. */
export function suback(packetId: number, returnCodes: number[]): Uint8Array {
  return build((buffer) => encodeSuback(buffer, 0, packetId, returnCodes));
}

/** PINGRESP and the other packets without a body. */
export function empty(type: number): Uint8Array {
  return build((buffer) => encodeEmpty(buffer, 0, type));
}
