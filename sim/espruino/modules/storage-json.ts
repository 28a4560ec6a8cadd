/**
 * The JSON dialect of Espruino's `Storage.writeJSON` / `readJSON` (2v20 on,
 * measured on 2v29): keys without quotes when they are identifiers or
 * integers (`{a:[1,2],"a b":1,5:3}`), control characters as short escapes
 * (`"\n\1"`), characters above 126 as `\u00E9`. `readJSON` reads that and
 * plain JSON, and fails with Espruino's message (`Expecting valid value, got
 * EOF`).
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INTEGER = /^(0|[1-9]\d*)$/;

function escapeString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index]!;
    if (char === '"' || char === "\\") out += "\\" + char;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 8) out += "\\" + code;
    else if (code < 32) out += "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
    else if (code > 126) out += "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
    else out += char;
  }
  return out + '"';
}

/** Espruino's compact JSON of a value (functions and undefined members left out). */
export function writeCompactJson(value: unknown): string {
  if (value === null || value === undefined || typeof value === "function") return "null";
  if (typeof value === "string") return escapeString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "[" + value.map((item) => writeCompactJson(item)).join(",") + "]";
  if (ArrayBuffer.isView(value)) return writeCompactJson(Array.from(value as unknown as ArrayLike<number>));
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === "function") return writeCompactJson((toJson as () => unknown).call(value));
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined || typeof item === "function") continue;
    const name = IDENTIFIER.test(key) || INTEGER.test(key) ? key : escapeString(key);
    parts.push(name + ":" + writeCompactJson(item));
  }
  return "{" + parts.join(",") + "}";
}

/** Parses Espruino's JSON dialect (or plain JSON) into host values; throws Espruino's message on bad input. */
export function readCompactJson(text: string): unknown {
  let position = 0;
  const fail = (): never => {
    const rest = text.slice(position).trimStart();
    const got = rest === "" ? "EOF" : /^[A-Za-z_$]/.test(rest) ? "ID" : /^\d/.test(rest) ? "INT" : `'${rest[0]}'`;
    throw new Error(`Expecting valid value, got ${got}`);
  };
  const skip = (): void => {
    while (position < text.length && /\s/.test(text[position]!)) position++;
  };
  const readString = (): string => {
    const quote = text[position++];
    let out = "";
    while (position < text.length && text[position] !== quote) {
      const char = text[position++]!;
      if (char !== "\\") {
        out += char;
        continue;
      }
      const next = text[position++] ?? "";
      if (next === "n") out += "\n";
      else if (next === "r") out += "\r";
      else if (next === "t") out += "\t";
      else if (next === "b") out += "\b";
      else if (next === "f") out += "\f";
      else if (next === "x") {
        out += String.fromCharCode(parseInt(text.slice(position, position + 2), 16));
        position += 2;
      } else if (next === "u") {
        out += String.fromCharCode(parseInt(text.slice(position, position + 4), 16));
        position += 4;
      } else if (/[0-7]/.test(next)) out += String.fromCharCode(parseInt(next, 8));
      else out += next;
    }
    if (position >= text.length) fail();
    position++;
    return out;
  };
  const readValue = (): unknown => {
    skip();
    const char = text[position];
    if (char === undefined) return fail();
    if (char === '"' || char === "'") return readString();
    if (char === "[") {
      position++;
      const items: unknown[] = [];
      skip();
      while (text[position] !== "]") {
        items.push(readValue());
        skip();
        if (text[position] === ",") position++;
        else if (text[position] !== "]") fail();
        skip();
      }
      position++;
      return items;
    }
    if (char === "{") {
      position++;
      const result: Record<string, unknown> = {};
      skip();
      while (text[position] !== "}") {
        let key: string;
        if (text[position] === '"' || text[position] === "'") key = readString();
        else {
          const match = /^[\w$]+/.exec(text.slice(position));
          if (match === null) return fail();
          key = match[0];
          position += key.length;
        }
        skip();
        if (text[position++] !== ":") fail();
        result[key] = readValue();
        skip();
        if (text[position] === ",") position++;
        else if (text[position] !== "}") fail();
        skip();
      }
      position++;
      return result;
    }
    const number = /^-?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)/.exec(text.slice(position));
    if (number !== null) {
      position += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of [["true", true], ["false", false], ["null", null], ["undefined", undefined]] as const) {
      if (text.startsWith(word, position)) {
        position += word.length;
        return value;
      }
    }
    return fail();
  };
  const result = readValue();
  skip();
  if (position < text.length) fail();
  return result;
}
