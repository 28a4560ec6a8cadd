/**
 * Size-measurement entry: the codec as a client pulls it in (the device
 * part), kept alive through one global array so the minifier can drop nothing
 * else and adds only a few bytes of its own. Never flashed.
 */
import { connectLength, encodeAck, encodeConnect, encodeEmpty, encodePublish, encodeSubscribe, encodeUnsubscribe, publishLength } from "../../firmware/mqtt/encode.ts";
import { decodeFromBroker } from "../../firmware/mqtt/decode.ts";
import { Framer } from "../../firmware/mqtt/framer.ts";
import { readUtf8 } from "../../firmware/mqtt/utf8.ts";

(globalThis as { mqttCodec?: unknown }).mqttCodec = [
  encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeUnsubscribe, encodeEmpty,
  connectLength, publishLength, decodeFromBroker, Framer, readUtf8,
];
