/**
 * Regular-expression constructs that Espruino 2v29 gets wrong, measured on
 * its Linux build. Quantifiers: `x?` never matches as optional (`/^ab?$/` fails on "a"
 * and on "ab"), `{n,m}` fails (`/^a{1,2}$/` on "aa"), and any quantifier
 * after a group fails (`/^a(b)*$/` on "abb"). `*` and `+` after a character,
 * a class or `.` work. This scans one pattern's source, skipping escapes
 * and character classes; it is a tiny tokenizer, not a regular expression.
 */

/** The first unsupported quantifier in `pattern` as a short description, or null. */
export function unsupportedQuantifier(pattern: string): string | null {
  let inClass = false;
  let previous = "";
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (character === "\\") {
      index++;
      previous = "atom";
      continue;
    }
    if (inClass) {
      if (character === "]") {
        inClass = false;
        previous = "atom";
      }
      continue;
    }
    if (character === "[") {
      inClass = true;
      continue;
    }
    if (character === "(") {
      if (pattern[index + 1] === "?") index++;
      previous = "open";
      continue;
    }
    const quantifier = character === "?" || character === "*" || character === "+" || (character === "{" && /[0-9]/.test(pattern[index + 1] ?? ""));
    if (quantifier && (previous === "atom" || previous === "group")) {
      if (previous === "group") return `\`${character}\` after a group`;
      if (character === "?") return "`?` (optional)";
      if (character === "{") return "`{n,m}`";
    }
    if (quantifier) {
      previous = "quantifier";
      continue;
    }
    previous = character === ")" ? "group" : character === "|" || character === "^" ? "open" : "atom";
  }
  return null;
}

/**
 * The code of a class member's escape `\\<letter>…` at `index` (the
 * backslash), and its length; null for a class escape (`\\d`, `\\w`, `\\s`
 * and their capitals). `\\xHH` and `\\uHHHH` need all their hex digits (else
 * the letter stands for itself, as in JavaScript); `\\b` in a class is
 * backspace (8) in JavaScript and the letter b on Espruino, both below 0x80.
 */
function escapeCode(pattern: string, index: number): { code: number; length: number } | null {
  const letter = pattern[index + 1] ?? "";
  const digits = letter === "x" ? 2 : letter === "u" ? 4 : 0;
  const hex = pattern.slice(index + 2, index + 2 + digits);
  if (digits && /^[0-9A-Fa-f]+$/.test(hex) && hex.length === digits) return { code: parseInt(hex, 16), length: 2 + digits };
  if (/[dDwWsS]/.test(letter)) return null;
  const named: Record<string, number> = { "0": 0, b: 8, n: 10, r: 13, t: 9, v: 11, f: 12 };
  return { code: named[letter] ?? letter.charCodeAt(0), length: 2 };
}

/**
 * The first character-class range of `pattern` that runs from below 0x80
 * to 0x80 or above (`\x00-\xff`), or null. Espruino 2v29 matches such a
 * range wrongly, as if its bytes were signed: `/[^\x00-\xff]/` matches
 * "x" and `/[\x01-\x80]/` does not match "a" (both on its Linux build
 * with the ESP8266's layout and on the stock one), while `/[^\x00-\x7f]/`
 * and `/[\x80-\xff]/` are right. A range within each half is.
 */
export function brokenClassRange(pattern: string): string | null {
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (!inClass) {
      if (character === "\\") index++;
      else if (character === "[") {
        inClass = true;
        if (pattern[index + 1] === "^") index++;
      }
      continue;
    }
    if (character === "]") {
      inClass = false;
      continue;
    }
    const start = character === "\\" ? escapeCode(pattern, index) : { code: character.charCodeAt(0), length: 1 };
    if (start === null) {
      index++;
      continue;
    }
    const dash = index + start.length;
    if (pattern[dash] !== "-" || pattern[dash + 1] === "]" || dash + 1 >= pattern.length) {
      index += start.length - 1;
      continue;
    }
    const end = pattern[dash + 1] === "\\" ? escapeCode(pattern, dash + 1) : { code: pattern.charCodeAt(dash + 1), length: 1 };
    if (end === null) {
      index = dash + 1;
      continue;
    }
    if (start.code < 0x80 && end.code >= 0x80) return pattern.slice(index, dash + 1 + end.length);
    index = dash + end.length;
  }
  return null;
}
