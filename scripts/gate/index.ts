/**
 * The compatibility gate: every esbuild bundle passes through
 * {@link checkBundle} before it is written, and the build fails on any
 * violation. The rules and what Espruino does instead are in
 * ../../../shared/ESPRUINO.md; each rule id is stable, so a violation can be
 * looked up and discussed by name:
 *
 * - `parse-error`: the bundle does not parse at all
 * - `no-destructuring`, `no-default-params`, `no-rest`, `no-spread`,
 *   `no-computed-keys`, `no-labels`, `no-async-or-generator`,
 *   `no-tagged-template`, `no-private-members`, `no-new-target`, `no-bigint`:
 *   syntax Espruino cannot run (syntax-rules.ts)
 * - `no-extends-builtin`, `no-builtin-prototype`, `no-absent-builtin`:
 *   built-ins that are missing or behave differently (global-rules.ts)
 * - `no-global-shadow`: a top-level declaration that would replace one of
 *   Espruino's globals on the device (global-rules.ts)
 * - `no-use-before-define`, `no-loop-closure`: no hoisting, and loop-head
 *   bindings shared by closures (scope-rules.ts)
 */
import { fileURLToPath } from "node:url";
import type * as acorn from "acorn";
import * as walk from "acorn-walk";
import { findingAt, parseBundle, type BundleAst, type Finding, type RuleContext } from "./bundle-ast.ts";
import { checkGlobals, checkTopLevelNames } from "./global-rules.ts";
import { helperUseSite } from "./helper-use.ts";
import { checkScopes } from "./scope-rules.ts";
import { createLocator, type Locator } from "./source-map.ts";
import { checkSyntax } from "./syntax-rules.ts";

/** One construct Espruino does not run, at its TypeScript position when the source map has one. */
export interface GateViolation {
  /** Stable kebab-case rule id, e.g. `no-destructuring`. */
  rule: string;
  /** Names the construct and says what to write instead. */
  message: string;
  /** TypeScript file as in the map's `sources`, relative to the repository root when inside it; null when unmapped. */
  file: string | null;
  /** 1-based line and column in `file`; the bundle's own when `file` is null. */
  line: number;
  column: number;
  /** 1-based line and column in the bundle. */
  bundleLine: number;
  bundleColumn: number;
}

/** Where {@link checkBundle} resolves source paths. */
export interface GateOptions {
  /** Directory the map's `sources` are relative to (esbuild's outfile directory); default `process.cwd()`, as bundleForEspruino's outfile is relative to it. */
  sourcesDir?: string;
  /** Directory reported paths are made relative to; default the repository root. */
  root?: string;
}

const REPOSITORY_ROOT = fileURLToPath(new URL("../..", import.meta.url));

function collectFindings(ast: BundleAst, locator: Locator): Finding[] {
  const findings: Finding[] = [];
  const context: RuleContext = {
    ast,
    report(rule, node, message) {
      findings.push({ rule, message, at: findingAt(node) });
    },
    originalName(identifier) {
      const at = findingAt(identifier);
      return locator.nameAt(at.line, at.column) ?? identifier.name;
    },
    describeLocation(node) {
      const at = findingAt(node);
      const original = locator.locate(at.line, at.column);
      return original ? `${original.file}:${original.line}` : `bundle line ${at.line}`;
    },
  };
  walk.fullAncestor(ast.program, (node, _state, ancestors) => {
    checkSyntax(node, ancestors, context);
    checkGlobals(node, ancestors, context);
  });
  checkScopes(context);
  checkTopLevelNames(context);
  return findings;
}

function toViolation(finding: Finding, ast: BundleAst | null, locator: Locator): GateViolation {
  const { rule, at } = finding;
  let message = finding.message;
  let original = locator.locate(at.line, at.column);
  if (!original && ast) {
    const isMapped = (node: acorn.Node): boolean => {
      const nodeAt = findingAt(node);
      return locator.locate(nodeAt.line, nodeAt.column) !== null;
    };
    const use = helperUseSite(ast, at.start, isMapped);
    if (use) {
      const useAt = findingAt(use);
      original = locator.locate(useAt.line, useAt.column);
      message += " (found in an esbuild helper that this code makes esbuild add)";
    }
  }
  return {
    rule,
    message,
    file: original ? original.file : null,
    line: original ? original.line : at.line,
    column: (original ? original.column : at.column) + 1,
    bundleLine: at.line,
    bundleColumn: at.column + 1,
  };
}

function compareViolations(a: GateViolation, b: GateViolation): number {
  if (a.file !== b.file) return a.file === null ? 1 : b.file === null ? -1 : a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || a.bundleLine - b.bundleLine || a.bundleColumn - b.bundleColumn || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/**
 * Checks one bundle (`code`, with its v3 source `map` as JSON text; empty for
 * none) against everything Espruino cannot run. Returns the violations,
 * sorted by TypeScript position; empty means the bundle may be written.
 */
export function checkBundle(code: string, map: string, options: GateOptions = {}): GateViolation[] {
  const locator = createLocator(map, options.sourcesDir ?? process.cwd(), options.root ?? REPOSITORY_ROOT);
  let ast: BundleAst;
  try {
    ast = parseBundle(code);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const where = error as SyntaxError & { pos?: number; loc?: { line: number; column: number } };
    const at = { start: where.pos ?? 0, line: where.loc?.line ?? 1, column: where.loc?.column ?? 0 };
    return [toViolation({ rule: "parse-error", message: `the bundle does not parse: ${error.message}`, at }, null, locator)];
  }
  const seen = new Set<string>();
  const violations: GateViolation[] = [];
  for (const finding of collectFindings(ast, locator)) {
    const violation = toViolation(finding, ast, locator);
    const key = [finding.rule, finding.message, violation.file, violation.line, violation.column].join("\0");
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  return violations.sort(compareViolations);
}

/** One line per violation: `file:line:column: [rule] message` (`<bundle>` when unmapped). */
export function formatViolations(violations: readonly GateViolation[]): string {
  return violations
    .map((v) => `${v.file ?? "<bundle>"}:${v.line}:${v.column}: [${v.rule}] ${v.message}`)
    .join("\n");
}
