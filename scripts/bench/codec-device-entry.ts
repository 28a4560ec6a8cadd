/**
 * Size-measurement entry: the codec as a client pulls it in (the device
 * part: the string encoders of send-string.ts, the constant PINGREQ and
 * DISCONNECT of empty-packets.ts, the framer and decoder of receive.ts and
 * the UTF-8 and topic checks of text.ts), kept alive through one global
 * array so the
 * minifier can drop nothing else and adds only a few bytes of its own.
 * Never flashed. The Uint8Array encoders and decoders (encode.ts,
 * decode.ts, framer.ts, utf8.ts, topic.ts) are the host's: no device bundle
 * imports them. Nor does any carry a CONNECT encoder: the client takes its
 * CONNECT ready-made, built on the host (firmware/mqtt/connect.ts; the
 * node's build embeds it in MOTE_CLIENT).
 */
import { createReceiver } from "../../firmware/mqtt/receive.ts";
import { DISCONNECT_STRING, PINGREQ_STRING } from "../../firmware/mqtt/empty-packets.ts";
import { ackString, publishString, subscribeString, unsubscribeString } from "../../firmware/mqtt/send-string.ts";

(globalThis as { mqttCodec?: unknown }).mqttCodec = [
  publishString, ackString, subscribeString, unsubscribeString, PINGREQ_STRING, DISCONNECT_STRING, createReceiver,
];
