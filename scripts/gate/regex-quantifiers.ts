/**
 * Regular-expression quantifiers that Espruino 2v29 gets wrong, measured on
 * its Linux build: `x?` never matches as optional (`/^ab?$/` fails on "a"
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
