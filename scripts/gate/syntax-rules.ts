/**
 * Syntax Espruino cannot run and esbuild (target es2015) leaves in place:
 * each check looks at one node and its ancestors, nothing else.
 */
import type * as acorn from "acorn";
import { staticName, type RuleContext } from "./bundle-ast.ts";
import { brokenClassRange, unsupportedQuantifier } from "./regex-quantifiers.ts";

const PATTERNS: ReadonlySet<string> = new Set(["ObjectPattern", "ArrayPattern"]);
const FUNCTIONS: ReadonlySet<string> = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

function insidePattern(ancestors: readonly acorn.AnyNode[]): boolean {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    if (PATTERNS.has(ancestors[i]!.type)) return true;
  }
  return false;
}

function isParameter(node: acorn.Node, parent: acorn.AnyNode | undefined): boolean {
  return !!parent && FUNCTIONS.has(parent.type) && (parent as acorn.Function).params.includes(node as acorn.Pattern);
}

function describeTag(tag: acorn.Expression, context: RuleContext): string {
  if (tag.type === "Identifier") return context.originalName(tag);
  if (tag.type === "MemberExpression" && tag.object.type === "Identifier") {
    return `${context.originalName(tag.object)}.${staticName(tag.property, tag.computed) ?? "[...]"}`;
  }
  return "a tag expression";
}

/** Checks one node for destructuring, default/rest parameters, spread, computed keys, labels, async/generators, tagged templates, `#private`, `new.target`, BigInt literals, `.length` assignments and regular-expression quantifiers Espruino gets wrong. */
export function checkSyntax(node: acorn.AnyNode, ancestors: readonly acorn.AnyNode[], context: RuleContext): void {
  const parent = ancestors[ancestors.length - 2];
  switch (node.type) {
    case "ObjectPattern":
    case "ArrayPattern":
      if (!insidePattern(ancestors)) {
        const kind = node.type === "ObjectPattern" ? "object" : "array";
        context.report("no-destructuring", node, `${kind} destructuring is not supported by Espruino: read each property or element into its own variable (\`const a = x.a\`)`);
      }
      return;
    case "AssignmentPattern":
      if (isParameter(node, parent)) {
        context.report("no-default-params", node, "default parameters are not supported by Espruino: accept `undefined` and assign the default in the body (`if (x === undefined) x = 1`)");
      }
      return;
    case "RestElement":
      if (!insidePattern(ancestors)) {
        context.report("no-rest", node, "rest parameters (`...args`) are not supported by Espruino: take an array parameter, or read `arguments`");
      }
      return;
    case "SpreadElement": {
      if (parent?.type === "CallExpression" && parent.callee.type === "Super" && node.argument.type === "Identifier" && node.argument.name === "arguments") {
        context.report("no-spread", node, "call spread `super(...arguments)` (esbuild writes it for a subclass with field initialisers and no constructor) is not supported by Espruino: write the constructor and its `super(...)` call explicitly");
        return;
      }
      const where = parent?.type === "CallExpression" ? "call" : parent?.type === "NewExpression" ? "`new`" : parent?.type === "ObjectExpression" ? "object" : "array";
      context.report("no-spread", node, `${where} spread (\`...x\`) is not supported by Espruino: use \`concat\`, \`fn.apply(null, args)\` or explicit arguments`);
      return;
    }
    case "Property":
      if (node.computed && parent?.type === "ObjectExpression") {
        context.report("no-computed-keys", node, "computed property keys (`{[k]: v}`) are not supported by Espruino: create the object, then assign `obj[k] = v`");
      }
      return;
    case "MethodDefinition":
    case "PropertyDefinition":
      if (node.computed) {
        context.report("no-computed-keys", node, "computed class member names (`[k]() {}`) are not supported by Espruino: use a plain name");
      }
      if (node.key.type === "PrivateIdentifier") {
        context.report("no-private-members", node, `\`#${node.key.name}\` private members are not supported by Espruino: use a TypeScript \`private\` member`);
      }
      return;
    case "LabeledStatement":
      context.report("no-labels", node, `labelled statement \`${context.originalName(node.label)}:\` (and its labelled break/continue) is not supported by Espruino: use a flag variable or move the loop into a function and \`return\``);
      return;
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      if (node.async || node.generator) {
        const kind = node.async && node.generator ? "async generator" : node.async ? "async function" : "generator function";
        context.report("no-async-or-generator", node, `${kind} is not supported by Espruino (esbuild lowers async/await and for-await to generators): use Promise \`then\` chains or callbacks, and explicit state instead of \`yield\``);
      }
      return;
    case "ForOfStatement":
      if (node.await) {
        context.report("no-async-or-generator", node, "`for await` is not supported by Espruino: chain Promise `then` calls");
      }
      return;
    case "TaggedTemplateExpression":
      context.report("no-tagged-template", node, `tagged template (\`${describeTag(node.tag, context)}\`...\`\`) is not supported by Espruino: call a function with a plain string or template literal`);
      return;
    case "MemberExpression":
      if (node.property.type === "PrivateIdentifier") {
        context.report("no-private-members", node, `\`#${node.property.name}\` private members are not supported by Espruino: use a TypeScript \`private\` member`);
      }
      return;
    case "AssignmentExpression":
      if (node.left.type === "MemberExpression" && staticName(node.left.property, node.left.computed) === "length") {
        context.report("no-length-assignment", node, "assigning `.length` does not truncate on Espruino (it throws \"Assignment to a constant\" for a let/const array and does nothing for a var): use `array.splice(0, array.length)` or `array.splice(n, array.length - n)`");
      }
      return;
    case "MetaProperty":
      context.report("no-new-target", node, `\`${node.meta.name}.${node.property.name}\` is not supported by Espruino: pass what you need as a constructor argument`);
      return;
    case "Literal":
      if (node.bigint !== undefined) {
        context.report("no-bigint", node, `BigInt literal \`${node.bigint}n\` is not supported by Espruino: use numbers (exact integers up to 2^53) or two 32-bit halves`);
      }
      if (node.regex !== undefined) {
        const quantifier = unsupportedQuantifier(node.regex.pattern);
        if (quantifier !== null) {
          context.report("no-broken-regex", node, `regular expression /${node.regex.pattern}/ uses ${quantifier}, which Espruino 2v29 matches wrongly: spell the alternatives out (\`/^(ab|a)$/\`), use \`*\`/\`+\` on single characters or classes only, or check in a loop`);
        }
        const range = brokenClassRange(node.regex.pattern);
        if (range !== null) {
          context.report("no-broken-regex", node, `regular expression /${node.regex.pattern}/ has the class range \`${range}\`, from below 0x80 to above it, which Espruino 2v29 matches wrongly (\`/[^\\x00-\\xff]/\` matches "x"): split it at 0x7F, \`[\\x00-\\x7f\\x80-\\xff]\``);
        }
        // measured on 2v29: /\u0041/ and /[\u0041]/ do not match "A" (the escape is read as the letters), /\x41/ does
        if (/\\u/.test(node.regex.pattern.replace(/\\\\/g, ""))) {
          context.report("no-regex-unicode-escape", node, `regular expression /${node.regex.pattern}/ uses a \`\\uXXXX\` escape, which Espruino 2v29 reads as the letters u, X, X, X, X: use \`\\xXX\` (its strings are bytes), e.g. \`/[^\\x01-\\x7e]/\` for "not printable ASCII"`);
        }
      }
      if (typeof node.value === "string" && node.raw?.includes("\\u{")) {
        context.report("no-codepoint-escape", node, "a `\\u{…}` escape is not supported by Espruino (\"Invalid escape sequence\"): write the surrogate pair `\\uD83D\\uDE00` (the build's esbuild settings do this for you)");
      }
      return;
    default:
      return;
  }
}
