/**
 * Parsing and scope analysis of one bundle, and the small vocabulary the rules
 * share: a finding (rule, node, message) before it is mapped back to
 * TypeScript, and questions about identifiers (is this the global?).
 */
import * as acorn from "acorn";
import { analyze, type Reference, type Scope, type ScopeManager } from "eslint-scope";
import type { Program as EstreeProgram } from "estree";

/** A parsed bundle: acorn AST (with locations) and eslint-scope's analysis of it. */
export interface BundleAst {
  program: acorn.Program;
  scopes: ScopeManager;
  /** Identifiers that name a global: unresolved references not declared at global level. */
  globalReferences: ReadonlySet<acorn.Node>;
}

/** One rule hit in bundle coordinates, before source mapping. */
export interface Finding {
  rule: string;
  message: string;
  /** Where in the bundle: a node's start offset and 1-based line / 0-based column. */
  at: { start: number; line: number; column: number };
}

/** What the rules receive besides the AST: where to report and how to name a binding. */
export interface RuleContext {
  ast: BundleAst;
  report(rule: string, node: acorn.Node, message: string): void;
  /** The TypeScript name of a (possibly minified) identifier, from the source map. */
  originalName(identifier: acorn.Node & { name: string }): string;
  /** `file:line` of a node in the TypeScript (or its bundle line when unmapped), for messages. */
  describeLocation(node: acorn.Node): string;
}

/** Parses a bundle as a script (an IIFE is one) and analyses its scopes. Throws acorn's SyntaxError. */
export function parseBundle(code: string): BundleAst {
  const program = acorn.parse(code, {
    ecmaVersion: "latest",
    sourceType: "script",
    locations: true,
    ranges: true,
  });
  const scopes = analyze(program as unknown as EstreeProgram, { ecmaVersion: 2022, sourceType: "script" });
  const globalScope = scopes.globalScope;
  const globalReferences = new Set<acorn.Node>();
  if (globalScope) {
    for (const reference of globalScope.through) {
      const declared = globalScope.set.get(reference.identifier.name);
      if (!declared || declared.defs.length === 0) globalReferences.add(asNode(reference));
    }
  }
  return { program, scopes, globalReferences };
}

/** The acorn node behind an eslint-scope reference (eslint-scope keeps acorn's own objects). */
export function asNode(reference: Reference): acorn.Identifier {
  return reference.identifier as unknown as acorn.Identifier;
}

/** The acorn node that created a scope. */
export function scopeNode(scope: Scope): acorn.AnyNode {
  return scope.block as unknown as acorn.AnyNode;
}

/** The name of a member or key: `a.b` and `a["b"]` give "b"; anything computed gives null. */
export function staticName(key: acorn.Node, computed: boolean): string | null {
  const node = key as acorn.AnyNode;
  if (!computed && node.type === "Identifier") return node.name;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  return null;
}

/** True when `node` is an identifier naming one of the globals in `names` (not a local binding of that name). */
export function isGlobal(ast: BundleAst, node: acorn.AnyNode | null | undefined, names: ReadonlySet<string>): node is acorn.Identifier {
  return !!node && node.type === "Identifier" && ast.globalReferences.has(node) && names.has(node.name);
}

/** Position of a node for a finding. */
export function findingAt(node: acorn.Node): Finding["at"] {
  const loc = node.loc;
  return { start: node.start, line: loc ? loc.start.line : 1, column: loc ? loc.start.column : node.start };
}
