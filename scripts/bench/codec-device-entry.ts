/**
 * Size-measurement entry: the codec as a client pulls it in (the device
 * part: the string encoders of send-string.ts but connectString, and the
 * framer and decoder of receive.ts, which use topic.ts and utf8.ts), kept alive through one global
 * array so the minifier can drop nothing else and adds only a few bytes of
 * its own. Never flashed. The Uint8Array encoders and decoders (encode.ts,
 * decode.ts, framer.ts) are the host's: no device bundle imports them. Nor
 * connectString: the client takes its CONNECT ready-made, built on the host
 * (firmware/mqtt/connect.ts; the node's build injects it as MOTE_CONNECT).
 */
import { createReceiver } from "../../firmware/mqtt/receive.ts";
import { ackString, emptyString, publishString, subscribeString, unsubscribeString } from "../../firmware/mqtt/send-string.ts";

(globalThis as { mqttCodec?: unknown }).mqttCodec = [
  publishString, ackString, subscribeString, unsubscribeString, emptyString, createReceiver,
];
