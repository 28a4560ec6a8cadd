/**
 * How Espruino prints values with `console.log` / `print` (a port of the
 * rules in Espruino's jswrap_json.c, `JSON_SOME_NEWLINES | JSON_PRETTY |
 * JSON_SHOW_OBJECT_NAMES`): top-level strings raw, nested strings quoted,
 * `[ 1, 2 ]` on one line until an item is not a number, `{ "a": 1 }` with
 * quoted keys, typed arrays as `new Uint8Array([1, 2])`, functions as
 * `function (a,b) {…}`, instances of global classes prefixed with the class
 * name (`Error: Error: boom`), floats with up to 11 decimals.
 */

/** What the printer asks the interpreter. */
export interface FormatHooks {
  /** The global name holding a constructor, if any (for `Name: {…}`). */
  globalName?: (constructor: unknown) => string | undefined;
  /** How to print an object that is not plain device data (a Pin prints as `D5`), or undefined. */
  describe?: (value: object) => string | undefined;
}

/** Espruino's number printing: integers as is, up to 11 decimals otherwise. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return Object.is(value, -0) ? "0" : String(value);
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21 || Math.abs(value) < 1e-6) return String(value);
  return value.toFixed(11).replace(/0+$/, "").replace(/\.$/, "");
}

/** A string as Espruino quotes it (`%q`). */
export function quote(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index]!;
    if (char === '"' || char === "\\") out += "\\" + char;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 32 || (code >= 127 && code < 256)) out += "\\x" + code.toString(16).toUpperCase().padStart(2, "0");
    else if (code >= 256) out += "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
    else out += char;
  }
  return out + '"';
}

function needsNewLine(value: unknown): boolean {
  return !(value === undefined || value === null || typeof value === "number" || typeof value === "boolean");
}

function newLine(indent: number): string {
  return "\n" + "  ".repeat(indent);
}

function formatFunction(fn: (...args: unknown[]) => unknown): string {
  const source = Function.prototype.toString.call(fn);
  if (source.includes("[native code]") || source.includes("return host(arguments, this)")) return "function () { [native code] }";
  let parameters: string;
  let body: string;
  const arrow = /^(?:\(([^)]*)\)|([\w$]+))\s*=>\s*([\s\S]*)$/.exec(source);
  if (arrow !== null) {
    parameters = arrow[1] ?? arrow[2] ?? "";
    const rest = arrow[3]!.trim();
    body = rest.startsWith("{") && rest.endsWith("}") ? rest.slice(1, -1).trim() : "return " + rest;
  } else {
    const classic = /^[^(]*\(([^)]*)\)\s*\{([\s\S]*)\}\s*$/.exec(source);
    if (classic === null) return "function () {}";
    parameters = classic[1]!;
    body = classic[2]!.trim();
  }
  const names = parameters.split(",").map((name) => name.trim()).filter((name) => name !== "").join(",");
  return body.includes("\n") ? `function (${names}) {\n  ${body}\n}` : `function (${names}) {${body}}`;
}

function typedArrayName(value: object): string | undefined {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return /Array$/.test(tag) && tag !== "Array" ? tag : undefined;
}

function formatBytes(name: string, items: ArrayLike<number>, suffix: string): string {
  let allZero = true;
  for (let index = 0; index < items.length; index++) if (items[index] !== 0) allZero = false;
  if (allZero && suffix === "") return `new ${name}(${items.length})`;
  const parts: string[] = [];
  for (let index = 0; index < items.length; index++) parts.push(formatNumber(Number(items[index])));
  return `new ${name}([${parts.join(", ")}])${suffix}`;
}

function formatNested(value: unknown, indent: number, hooks: FormatHooks, seen: Set<object>): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "function") return formatFunction(value as (...args: unknown[]) => unknown);
  if (typeof value !== "object") return String(value);
  if (seen.has(value)) return " ... ";
  seen.add(value);
  try {
    if (Array.isArray(value)) return formatArray(value, indent, hooks, seen);
    const tag = Object.prototype.toString.call(value);
    if (tag === "[object ArrayBuffer]") return formatBytes("Uint8Array", new Uint8Array(value as ArrayBuffer), ".buffer");
    const typed = typedArrayName(value);
    if (typed !== undefined) return formatBytes(typed, value as ArrayLike<number>, "");
    return formatObject(value, indent, hooks, seen);
  } finally {
    seen.delete(value);
  }
}

function formatArray(items: unknown[], indent: number, hooks: FormatHooks, seen: Set<object>): string {
  let out = "[ ";
  let pendingNewLine = false;
  for (let index = 0; index < items.length; index++) {
    if (index > 0) out += ", ";
    const item = items[index];
    const itemNeedsNewLine = needsNewLine(item);
    if (pendingNewLine || itemNeedsNewLine) out += newLine(indent + 1);
    out += formatNested(item, indent + 1, hooks, seen);
    pendingNewLine = itemNeedsNewLine;
  }
  if (pendingNewLine) out += newLine(indent);
  return out + " ]";
}

function formatObject(value: object, indent: number, hooks: FormatHooks, seen: Set<object>): string {
  const described = hooks.describe?.(value);
  if (described !== undefined) return described;
  const prototype = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
  const name = prototype === null ? undefined : hooks.globalName?.(prototype.constructor);
  let prefix = "";
  if (name !== undefined && name !== "Object") {
    const text = String(value);
    if (text !== "[object Object]") return name + ": " + text;
    prefix = name + ": ";
  }
  let out = prefix + "{ ";
  let pendingNewLine = false;
  let sinceNewLine = 0;
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    sinceNewLine++;
    if (!first) out += ", ";
    const itemNeedsNewLine = needsNewLine(item);
    if (sinceNewLine > 4) pendingNewLine = true;
    if (pendingNewLine || itemNeedsNewLine) {
      out += newLine(indent + 1);
      sinceNewLine = 0;
    }
    out += quote(key) + ": " + formatNested(item, indent + 1, hooks, seen);
    first = false;
    pendingNewLine = itemNeedsNewLine;
  }
  if (pendingNewLine) out += newLine(indent);
  return out + " }";
}

/** One value as `console.log` prints it: strings raw, anything else in Espruino's pretty JSON-like form. */
export function formatValue(value: unknown, hooks: FormatHooks = {}): string {
  if (typeof value === "string") return value;
  return formatNested(value, 0, hooks, new Set());
}

/** A whole `console.log(...values)` line (values separated by spaces). */
export function formatLine(values: ArrayLike<unknown>, hooks: FormatHooks = {}): string {
  const parts: string[] = [];
  for (let index = 0; index < values.length; index++) parts.push(formatValue(values[index], hooks));
  return parts.join(" ");
}
