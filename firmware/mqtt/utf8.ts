/**
 * UTF-8 for MQTT strings (1.5.3) without TextEncoder / TextDecoder, which
 * Espruino lacks. JavaScript strings are UTF-16: a surrogate pair becomes one
 * 4-byte sequence; a lone surrogate cannot be encoded.
 */
import { ERR_MALFORMED_UTF8, ERR_NULL_CHARACTER } from "./constants.ts";

/** Bytes that UTF-8 needs for one code point: 1..4 (1 for anything below 0x80, negatives included). */
export function codePointSize(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/**
 * Encodes a JavaScript string as UTF-8 at `position` and returns the position
 * after it; with `buffer` null it only measures. ERR_MALFORMED_UTF8 for a lone
 * surrogate [MQTT-1.5.3-1]; ERR_NULL_CHARACTER for U+0000 when `rejectNull`
 * (MQTT strings [MQTT-1.5.3-2]; payloads and passwords are binary and may hold it).
 * Surrogate pairs become 4-byte sequences. Writing needs no capacity check
 * from here: the encoders measure first.
 */
export function encodeUtf8(buffer: Uint8Array | null, position: number, text: string, rejectNull: boolean): number {
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (!code && rejectNull) return ERR_NULL_CHARACTER;
    if (code >> 11 == 0x1B) {
      const low = text.charCodeAt(++index);
      if (code > 0xDBFF || low >> 10 != 0x37) return ERR_MALFORMED_UTF8;
      code = (code << 10) + low - 0x35FDC00;
    }
    const size = codePointSize(code);
    let shift = size * 6 - 6;
    if (!buffer) position += size;
    else {
      buffer[position++] = size > 1 ? 0xFF << 8 - size | code >> shift : code;
      while (shift) buffer[position++] = 0x80 | code >> (shift -= 6) & 0x3F;
    }
  }
  return position;
}

/** UTF-8 byte length of a JavaScript string; ERR_MALFORMED_UTF8 for a lone surrogate [MQTT-1.5.3-1], ERR_NULL_CHARACTER for U+0000 [MQTT-1.5.3-2]. */
export function utf8Length(text: string): number {
  return encodeUtf8(null, 0, text, true);
}

/**
 * Writes `text` as UTF-8 at `position` (capacity already checked by the caller
 * via utf8Length); returns the new position. Surrogate pairs -> 4-byte sequences.
 */
export function writeUtf8(buffer: Uint8Array, position: number, text: string): number {
  return encodeUtf8(buffer, position, text, false);
}

/**
 * The code point whose UTF-8 sequence starts at `index` (and ends before
 * `end`), or ERR_MALFORMED_UTF8 for a stray continuation byte, an overlong
 * form, a truncated sequence, a surrogate or anything above U+10FFFF [MQTT-1.5.3-1].
 */
export function readCodePoint(buffer: Uint8Array, index: number, end: number): number {
  let code = buffer[index];
  let count = code < 0x80 ? 0 : code < 0xC2 ? -1 : code < 0xE0 ? 1 : code < 0xF0 ? 2 : 3;
  if (count < 0 || index + count >= end) return ERR_MALFORMED_UTF8;
  const minimum = count < 2 ? 0 : 1 << 5 * count + 1;
  code &= 0x7F >> count;
  while (count--) {
    const next = buffer[++index];
    if ((next & 0xC0) != 0x80) return ERR_MALFORMED_UTF8;
    code = code << 6 | next & 0x3F;
  }
  return code < minimum || code > 0x10FFFF || code >> 11 == 0x1B ? ERR_MALFORMED_UTF8 : code;
}

/**
 * 0 when [start,end) is well-formed UTF-8 per [MQTT-1.5.3-1] (no overlongs, no
 * surrogates D800-DFFF, nothing above U+10FFFF, no truncated sequence) without
 * U+0000 [MQTT-1.5.3-2]; else ERR_MALFORMED_UTF8 / ERR_NULL_CHARACTER,
 * whichever comes first.
 */
export function checkUtf8(buffer: Uint8Array, start: number, end: number): number {
  while (start < end) {
    const code = readCodePoint(buffer, start, end);
    if (code <= 0) return code || ERR_NULL_CHARACTER;
    start += codePointSize(code);
  }
  return 0;
}

/** The JSON escape \uXXXX for one UTF-16 code unit. */
function escapeUnit(unit: number): string {
  return "\\u" + (unit + 0x10000).toString(16).slice(1);
}

/**
 * Decodes well-formed UTF-8 [start,end) into a JavaScript string (4-byte
 * sequences become surrogate pairs on V8, one character on Espruino). Check
 * with checkUtf8 first: each ill-formed byte becomes one meaningless
 * character. Allocates the string.
 *
 * Bytes 0x01..0x7F alone are the string's characters as they are. Anything
 * else builds an ASCII JSON string literal and parses it once: Espruino's
 * String.fromCharCode keeps only the low 8 bits, and its `+=` of a string
 * holding characters above U+00FF appends that string's raw UTF-8 bytes,
 * while JSON.parse of \uXXXX escapes gives the right string on both interpreters.
 */
export function readUtf8(buffer: Uint8Array, start: number, end: number): string {
  let text = "";
  let index = start;
  while (index < end && buffer[index] - 1 >>> 0 < 0x7F) text += String.fromCharCode(buffer[index++]);
  if (index == end) return text;
  let source = "\"";
  while (start < end) {
    const code = readCodePoint(buffer, start, end);
    start += codePointSize(code);
    source += code > 0x1F && code < 0x7F && code != 0x22 && code != 0x5C ? String.fromCharCode(code)
      : code < 0x10000 ? escapeUnit(code) : escapeUnit(0xD7C0 + (code >> 10)) + escapeUnit(0xDC00 | code & 0x3FF);
  }
  return JSON.parse(source + "\"") as string;
}
