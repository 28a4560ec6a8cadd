/**
 * Text as a device holds it. On Espruino's ESP32 and ESP8266 builds a string
 * is bytes, and the device codec (send-string.ts, receive.ts) takes and gives
 * topics and payloads as their UTF-8 bytes, one char per byte; encode.ts and
 * decode.ts, the host's, take and give JavaScript text. These turn one into
 * the other so that tests can hold the two to the same packets.
 */
import { Buffer } from "node:buffer";
import type { PublishOptions } from "../../../firmware/mqtt/packets.ts";

/**
 * `text` as its UTF-8 bytes in a binary string. A lone surrogate, which
 * encode.ts refuses as ERR_MALFORMED_UTF8, becomes the 3 bytes UTF-8 forbids
 * for it (ED A0..BF 80..BF), which the device refuses with the same code.
 */
export function utf8Bytes(text: string): string {
  let bytes = "";
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    const low = text.charCodeAt(index + 1);
    if (code >> 10 == 0x36 && low >> 10 == 0x37) {
      code = 0x10000 + ((code & 0x3ff) << 10) + (low & 0x3ff);
      index++;
    }
    const units = code < 0x80 ? [code] : code < 0x800 ? [0xc0 | code >> 6, 0x80 | code & 63]
      : code < 0x10000 ? [0xe0 | code >> 12, 0x80 | code >> 6 & 63, 0x80 | code & 63]
      : [0xf0 | code >> 18, 0x80 | code >> 12 & 63, 0x80 | code >> 6 & 63, 0x80 | code & 63];
    bytes += String.fromCharCode(...units);
  }
  return bytes;
}

/** The text of UTF-8 `bytes` (a binary string). */
export function utf8Text(bytes: string): string {
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** `options` as a device passes them: the topic and a string payload as their UTF-8 bytes, a Uint8Array payload as its bytes: binary strings. */
export function deviceOptions(options: PublishOptions): PublishOptions {
  const payload = options.payload;
  return { ...options, topic: utf8Bytes(options.topic), payload: typeof payload == "string" ? utf8Bytes(payload) : String.fromCharCode(...payload) };
}
