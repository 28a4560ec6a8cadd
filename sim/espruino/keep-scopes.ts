/**
 * Makes V8 keep closure scopes the way Espruino does, so the heap estimate
 * (./memory.ts) can count them. Espruino keeps a function call's whole scope
 * (every parameter and local) for as long as any function created in it
 * lives; V8 keeps only the variables some inner function references, and the
 * inspector (./memory-scopes.ts) sees only those. So the code the emulator
 * runs gets, in every scope that creates a function (a function body, a
 * block, a catch clause, a for head, a switch), a never-called function that
 * names all of that scope's variables:
 *
 *     function (a, b) { (function __moteKeepScope(){a,b,c}); let c = 1; return () => c; }
 *
 * (an arrow with an expression body gets `(function __moteKeepScope(){a,b}, body)`),
 * which makes V8 context-allocate them all. Behaviour is unchanged (the function
 * is only created, never called; it goes in after any directive prologue); the
 * text is not: positions in the code no longer match the bundle's source map,
 * which is why the emulator inserts it only when asked (`keepScopes`). The
 * estimate leaves the inserted functions and their text out ({@link insertedLength}).
 *
 * Not covered: a block's `let`/`const` when no function is created in that
 * block (V8 drops that block's variables when it exits; whether Espruino keeps
 * them in the function's scope is not modelled), and a `for` head's variables
 * when the loop body is not a block.
 */
import * as acorn from "acorn";
import { analyze, type Scope } from "eslint-scope";
import type { Program as EstreeProgram } from "estree";

/** The name of every inserted function (./memory.ts leaves them out). */
export const KEEP_FUNCTION_NAME = "__moteKeepScope";

/** Scopes that are not a function of their own: their variables live in a block of the enclosing function. */
const BLOCK_SCOPES = new Set(["block", "catch", "for", "switch", "with"]);

/** Names a scope cannot hand to an inner function: `arguments` would be the inserted function's own. */
const UNREFERENCEABLE = new Set(["arguments", KEEP_FUNCTION_NAME]);

/** Text to put in at one position; `order` sorts insertions at one position (closing parentheses first). */
interface Insertion {
  at: number;
  order: number;
  text: string;
}

interface Ranged {
  start: number;
  end: number;
}

/**
 * `code` with a scope-keeping function in every scope that creates a function
 * and has variables (see the file comment); `code` itself when it does not
 * parse (running it then throws the interpreter's own error).
 */
export function keepScopes(code: string): string {
  let program: acorn.Program;
  try {
    program = acorn.parse(code, { ecmaVersion: "latest", sourceType: "script", ranges: true });
  } catch {
    return code;
  }
  const manager = analyze(program as unknown as EstreeProgram, { ecmaVersion: 2022, sourceType: "script" });
  const byPosition = new Map<number, Set<string>>();
  const insertions: Insertion[] = [];
  for (const scope of manager.scopes) {
    if (scope.type !== "function" && !BLOCK_SCOPES.has(scope.type)) continue;
    const names = scope.variables.map((variable) => variable.name).filter((name) => !UNREFERENCEABLE.has(name));
    if (names.length === 0 || !createsFunction(scope)) continue;
    const block = scope.block as unknown as acorn.AnyNode;
    if (block.type === "ArrowFunctionExpression" && block.expression) {
      const body = block.body as unknown as Ranged;
      insertions.push({ at: body.start, order: 2, text: `(${keepFunction(names)},` }, { at: body.end, order: 0, text: ")" });
      continue;
    }
    const at = statementPosition(block);
    if (at === null) continue;
    const merged = byPosition.get(at.position) ?? new Set<string>();
    if (merged.size === 0) insertions.push({ at: at.position, order: 1, text: at.afterDirective ? ";" : "" });
    for (const name of names) merged.add(name);
    byPosition.set(at.position, merged);
  }
  insertions.sort((a, b) => a.at - b.at || a.order - b.order);
  let result = "";
  let from = 0;
  for (const insertion of insertions) {
    let text = insertion.text;
    if (insertion.order === 1) text += `(${keepFunction([...byPosition.get(insertion.at)!])});`;
    result += code.slice(from, insertion.at) + text;
    from = insertion.at;
  }
  return result + code.slice(from);
}

/** Characters {@link keepScopes} put into `source` (the text of a function or a program). */
export function insertedLength(source: string): number {
  if (!source.includes(KEEP_FUNCTION_NAME)) return 0;
  let total = 0;
  for (const match of source.matchAll(INSERTED)) total += match[0].length + (match[1] === "," ? 1 : 0);
  return total;
}

const INSERTED = new RegExp(`;?\\(function ${KEEP_FUNCTION_NAME}\\(\\)\\{[^}]*\\}(\\);|,)`, "g");

function keepFunction(names: readonly string[]): string {
  return `function ${KEEP_FUNCTION_NAME}(){${names.join(",")}}`;
}

/** Whether a function (or class) is created anywhere inside `scope`. */
function createsFunction(scope: Scope): boolean {
  return scope.childScopes.some((child) => !BLOCK_SCOPES.has(child.type) || createsFunction(child));
}

/** Where a statement can go so it is inside `block`'s scope, or null where none fits. */
function statementPosition(block: acorn.AnyNode): { position: number; afterDirective: boolean } | null {
  switch (block.type) {
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      return bodyStart(block.body as acorn.BlockStatement);
    case "BlockStatement":
      return { position: block.start + 1, afterDirective: false };
    case "CatchClause":
      return { position: block.body.start + 1, afterDirective: false };
    case "ForStatement":
    case "ForInStatement":
    case "ForOfStatement":
      return block.body.type === "BlockStatement" ? { position: block.body.start + 1, afterDirective: false } : null;
    case "SwitchStatement": {
      const first = block.cases[0];
      if (first === undefined) return null;
      return { position: first.consequent[0]?.start ?? first.end, afterDirective: false };
    }
    default:
      return null;
  }
}

/** Just inside a function body, after its directive prologue (`"use strict"` must stay first). */
function bodyStart(body: acorn.BlockStatement): { position: number; afterDirective: boolean } {
  let last: acorn.Statement | null = null;
  for (const statement of body.body) {
    if (statement.type !== "ExpressionStatement" || statement.directive === undefined) break;
    last = statement;
  }
  return last === null ? { position: body.start + 1, afterDirective: false } : { position: last.end, afterDirective: true };
}
