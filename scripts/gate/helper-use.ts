/**
 * esbuild prepends runtime helpers (object spread, private fields, async...)
 * that have no TypeScript behind them. A finding inside one is reported where
 * the TypeScript first uses that helper, following helper-to-helper uses.
 */
import type * as acorn from "acorn";
import type { Scope, Variable } from "eslint-scope";
import type { Node as EstreeNode } from "estree";
import { asNode, type BundleAst } from "./bundle-ast.ts";

/** The scope holding the bundle's top-level code: the IIFE's function when there is one. */
function topScope(ast: BundleAst): Scope | null {
  const body = ast.program.body;
  const first = body[0];
  if (body.length === 1 && first?.type === "ExpressionStatement" && first.expression.type === "CallExpression") {
    const callee = first.expression.callee;
    if (callee.type === "ArrowFunctionExpression" || callee.type === "FunctionExpression") {
      return ast.scopes.acquire(callee as unknown as EstreeNode) ?? ast.scopes.globalScope;
    }
  }
  return ast.scopes.globalScope;
}

function contains(node: unknown, offset: number): boolean {
  const { start, end } = node as acorn.Node;
  return start <= offset && offset < end;
}

/**
 * Finds the earliest mapped use of the top-level binding (helper) whose
 * declaration contains `offset`; null when `offset` is not inside one or no
 * use is mapped.
 */
export function helperUseSite(ast: BundleAst, offset: number, isMapped: (node: acorn.Node) => boolean): acorn.Node | null {
  const scope = topScope(ast);
  if (!scope) return null;
  const helperAt = (at: number): Variable | undefined =>
    scope.variables.find((variable) => variable.defs.some((def) => contains(def.node, at)));
  const start = helperAt(offset);
  if (!start) return null;
  const seen = new Set<Variable>([start]);
  const queue: Variable[] = [start];
  let best: acorn.Node | null = null;
  for (let variable = queue.shift(); variable; variable = queue.shift()) {
    for (const reference of variable.references) {
      if (reference.init) continue;
      const identifier = asNode(reference);
      if (isMapped(identifier)) {
        if (!best || identifier.start < best.start) best = identifier;
        continue;
      }
      const next = helperAt(identifier.start);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return best;
}
