/**
 * The byte forms Espruino's bus functions accept (`I2C.writeTo`,
 * `OneWire.write`), as E.toUint8Array reads them: numbers (low 8 bits),
 * strings (one byte per char code), arrays and typed arrays (recursively),
 * ArrayBuffers, and `{data, count}` repeats.
 */

function collect(value: unknown, out: number[]): void {
  if (typeof value === "number" || typeof value === "boolean") {
    out.push(Number(value) & 255);
  } else if (typeof value === "string") {
    for (let index = 0; index < value.length; index++) out.push(value.charCodeAt(index) & 255);
  } else if (value instanceof ArrayBuffer) {
    for (const byte of new Uint8Array(value)) out.push(byte);
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    for (const item of value as ArrayLike<unknown> & Iterable<unknown>) collect(item, out);
  } else if (typeof value === "object" && value !== null && "data" in value) {
    const repeat = value as { data: unknown; count?: unknown };
    const count = repeat.count === undefined ? 1 : Number(repeat.count);
    for (let time = 0; time < count; time++) collect(repeat.data, out);
  }
}

/** Flattens Espruino's data arguments into bytes. */
export function toBytes(values: readonly unknown[]): Uint8Array {
  const out: number[] = [];
  for (const value of values) collect(value, out);
  return new Uint8Array(out);
}
