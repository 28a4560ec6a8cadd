/**
 * Espruino's byte handling: binary strings (one char per byte, 0..255) are
 * how the interpreter passes bytes around, and `E.toString` /
 * `E.toUint8Array` join their arguments by fixed rules (measured on 2v29):
 * a string is taken char by char, a number is one byte (`& 255`), an array
 * or typed array contributes each element the same way, an ArrayBuffer its
 * bytes, and `{data, count}` repeats `data` `count` times.
 */

/** A binary string of the given bytes. */
export function bytesToBinary(bytes: ArrayLike<number>): string {
  let result = "";
  const chunk = 8192;
  for (let start = 0; start < bytes.length; start += chunk) {
    const end = Math.min(bytes.length, start + chunk);
    const part: number[] = [];
    for (let index = start; index < end; index++) part.push(bytes[index]! & 255);
    result += String.fromCharCode(...part);
  }
  return result;
}

/**
 * The bytes Espruino puts on the wire or in flash for a string: one byte per
 * char when every char is below 256 (a plain Espruino string), otherwise the
 * UTF-8 encoding (Espruino 2v29 keeps such strings as UTF-8).
 */
export function stringToBytes(text: string): Uint8Array {
  let wide = false;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 255) {
      wide = true;
      break;
    }
  }
  if (wide) return new Uint8Array(Buffer.from(text, "utf8"));
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return bytes;
}

/** {@link stringToBytes} as a binary string. */
export function toWireString(text: string): string {
  return bytesToBinary(stringToBytes(text));
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

function appendValue(value: unknown, out: number[]): void {
  if (value === undefined || value === null) return;
  if (typeof value === "string") {
    for (let index = 0; index < value.length; index++) out.push(value.charCodeAt(index) & 255);
  } else if (typeof value === "number" || typeof value === "boolean") {
    out.push(Number(value) & 255);
  } else if (isArrayBuffer(value)) {
    for (const byte of new Uint8Array(value)) out.push(byte);
  } else if (ArrayBuffer.isView(value) && !(Object.prototype.toString.call(value) === "[object DataView]")) {
    const items = value as unknown as ArrayLike<number>;
    for (let index = 0; index < items.length; index++) out.push(Number(items[index]) & 255);
  } else if (Array.isArray(value)) {
    for (const item of value) appendValue(item, out);
  } else if (typeof value === "object") {
    const repeat = value as { data?: unknown; count?: unknown };
    const count = Number(repeat.count ?? 1);
    for (let index = 0; index < count; index++) appendValue(repeat.data, out);
  }
}

/** The bytes `E.toUint8Array(...values)` holds. */
export function joinBytes(values: ArrayLike<unknown>): number[] {
  const out: number[] = [];
  for (let index = 0; index < values.length; index++) appendValue(values[index], out);
  return out;
}

/**
 * `E.toString(...values)`: one string argument comes back unchanged (a UTF-8
 * string stays one), anything else is joined into a binary string.
 */
export function joinBinary(values: ArrayLike<unknown>): string {
  if (values.length === 1 && typeof values[0] === "string") return values[0];
  return bytesToBinary(joinBytes(values));
}

/** `E.asUTF8`: decodes a binary string holding UTF-8 into a string of characters. */
export function decodeUtf8(binary: string): string {
  return Buffer.from(binary, "latin1").toString("utf8");
}

/** UTF-8 bytes of a string, as a binary string (what MQTT puts on the wire). */
export function encodeUtf8(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}
