/**
 * Rules that need scope analysis: Espruino does not hoist (a function or `var`
 * used above its declaration, by code that runs right there, is not defined
 * yet), and closures created in a loop share the loop head's `let`/`const`.
 */
import type * as acorn from "acorn";
import type { Scope, Variable } from "eslint-scope";
import { asNode, scopeNode, type RuleContext } from "./bundle-ast.ts";

/** Scopes whose code runs later than the code around them (a call, a construction). */
const DEFERRED: ReadonlySet<Scope["type"]> = new Set(["function", "class-field-initializer", "class-static-block"]);

function first(nodes: acorn.Node[], kind: "function" | "var"): { start: number; node: acorn.Node; kind: "function" | "var" } {
  const node = nodes.reduce((a, b) => (b.start < a.start ? b : a));
  return { start: node.start, node, kind };
}

/** Where the declaration takes effect on Espruino, and what kind it is; null for bindings that are not function or `var` declarations. */
function declaration(variable: Variable): { start: number; node: acorn.Node; kind: "function" | "var" } | null {
  const defs = variable.defs;
  if (defs.length === 0) return null;
  if (defs.every((def) => def.type === "FunctionName" && def.node.type === "FunctionDeclaration")) {
    return first(defs.map((def) => def.node as unknown as acorn.Node), "function");
  }
  if (defs.every((def) => def.type === "Variable" && def.parent.kind === "var")) {
    return first(defs.map((def) => def.name as unknown as acorn.Node), "var");
  }
  return null;
}

function checkUseBeforeDefine(variable: Variable, context: RuleContext): void {
  const declared = declaration(variable);
  if (!declared) return;
  for (const reference of variable.references) {
    const identifier = asNode(reference);
    if (reference.init || identifier.start >= declared.start) continue;
    if (reference.from.variableScope !== variable.scope.variableScope) continue;
    const name = context.originalName(identifier);
    const where = context.describeLocation(declared.node);
    const message = declared.kind === "function"
      ? `function \`${name}\` is used before its declaration (${where}): Espruino does not hoist functions, so it is not defined yet here; declare it above this use (across modules: import order)`
      : `\`var ${name}\` is used before its declaration (${where}): Espruino does not hoist \`var\`, so it does not exist yet here (a write is lost); declare it above its first use`;
    context.report("no-use-before-define", identifier, message);
  }
}

/** The outermost function between a reference and the loop scope declaring its variable: the closure each iteration creates. */
function enclosingClosure(from: Scope, loopScope: Scope): Scope | null {
  let closure: Scope | null = null;
  for (let scope: Scope | null = from; scope && scope !== loopScope; scope = scope.upper) {
    if (DEFERRED.has(scope.type)) closure = scope;
  }
  return closure;
}

function checkLoopClosures(loopScope: Scope, context: RuleContext): void {
  const reported = new Set<string>();
  for (const variable of loopScope.variables) {
    for (const reference of variable.references) {
      const closure = enclosingClosure(reference.from, loopScope);
      if (!closure) continue;
      const node = scopeNode(closure);
      const name = context.originalName((variable.identifiers[0] ?? reference.identifier) as unknown as acorn.Identifier);
      const key = `${node.start}:${name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      context.report("no-loop-closure", node, `closure created in a loop captures \`${name}\` from the loop head: on Espruino every such closure sees the last value; pass \`${name}\` to a helper function that returns the closure, or copy it into a \`const\` declared in the loop body`);
    }
  }
}

/** Runs the hoisting and loop-closure rules over every scope of the bundle. */
export function checkScopes(context: RuleContext): void {
  for (const scope of context.ast.scopes.scopes) {
    for (const variable of scope.variables) checkUseBeforeDefine(variable, context);
    if (scope.type === "for") checkLoopClosures(scope, context);
  }
}
