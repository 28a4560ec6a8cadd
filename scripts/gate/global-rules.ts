/**
 * Built-ins Espruino lacks or exposes differently: absent globals and members,
 * `X.prototype.member` reads and `extends` of a built-in. A name only counts
 * when it resolves to the global; a local binding of the same name is fine.
 */
import type * as acorn from "acorn";
import { ABSENT_GLOBALS, ABSENT_METHODS, ABSENT_STATICS, BUILTIN_CONSTRUCTORS, espruinoRootNames } from "./builtins.ts";
import { isGlobal, staticName, type RuleContext } from "./bundle-ast.ts";

function isAssignmentTarget(node: acorn.Node, parent: acorn.AnyNode | undefined): boolean {
  return parent?.type === "AssignmentExpression" && parent.left === node;
}

/** The member expression `object.name` whose object is `node`, if `parent` is one. */
function memberOf(node: acorn.Node, parent: acorn.AnyNode | undefined): { member: acorn.MemberExpression; name: string } | null {
  if (parent?.type !== "MemberExpression" || parent.object !== node) return null;
  const name = staticName(parent.property, parent.computed);
  return name === null ? null : { member: parent, name };
}

function checkGlobalIdentifier(node: acorn.Identifier, ancestors: readonly acorn.AnyNode[], context: RuleContext): void {
  const parent = ancestors[ancestors.length - 2];
  const grandparent = ancestors[ancestors.length - 3];
  if (parent?.type === "UnaryExpression" && parent.operator === "typeof") return;
  if ((parent?.type === "ClassDeclaration" || parent?.type === "ClassExpression") && parent.superClass === node) return;
  if (node.name === "BigInt") {
    context.report("no-bigint", node, "BigInt is not supported by Espruino (esbuild lowers `1n` to `BigInt(\"1\")`): use numbers (exact integers up to 2^53) or two 32-bit halves");
    return;
  }
  const absent = ABSENT_GLOBALS.get(node.name);
  if (absent !== undefined) {
    context.report("no-absent-builtin", node, `\`${node.name}\` does not exist on Espruino: ${absent}`);
    return;
  }
  const member = memberOf(node, parent);
  if (!member) return;
  const qualified = `${node.name}.${member.name}`;
  const absentStatic = ABSENT_STATICS.get(qualified);
  if (absentStatic !== undefined) {
    if (grandparent?.type === "TaggedTemplateExpression" && grandparent.tag === member.member) return;
    context.report("no-absent-builtin", member.member, `\`${qualified}\` does not exist on Espruino: ${absentStatic}`);
    return;
  }
  if (member.name !== "prototype" || !BUILTIN_CONSTRUCTORS.has(node.name)) return;
  if (grandparent?.type !== "MemberExpression" || grandparent.object !== member.member) return;
  if (isAssignmentTarget(grandparent, ancestors[ancestors.length - 4])) return;
  const name = staticName(grandparent.property, grandparent.computed);
  const read = name === null ? "[...]" : `.${name}`;
  context.report("no-builtin-prototype", grandparent, `\`${node.name}.prototype${read}\` reads as undefined on Espruino (built-in methods exist on instances only): call it on an instance (\`[].slice.call(x)\`, \`obj.hasOwnProperty(k)\`)`);
}

/** Checks one node for absent built-ins, built-in prototype reads and classes extending a built-in. */
export function checkGlobals(node: acorn.AnyNode, ancestors: readonly acorn.AnyNode[], context: RuleContext): void {
  switch (node.type) {
    case "Identifier":
      if (context.ast.globalReferences.has(node)) checkGlobalIdentifier(node, ancestors, context);
      return;
    case "ClassDeclaration":
    case "ClassExpression":
      if (isGlobal(context.ast, node.superClass, BUILTIN_CONSTRUCTORS)) {
        context.report("no-extends-builtin", node, `\`class extends ${node.superClass.name}\` is not supported by Espruino (built-ins cannot be subclassed): wrap an instance, or throw \`new Error(message)\` with a code property`);
      }
      return;
    case "CallExpression": {
      const callee = node.callee;
      if (callee.type !== "MemberExpression") return;
      const name = staticName(callee.property, callee.computed);
      const absent = name === null ? undefined : ABSENT_METHODS.get(name);
      if (absent !== undefined) {
        context.report("no-absent-builtin", callee.property, `\`.${name}()\` does not exist on Espruino: ${absent}`);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * A bundle is not wrapped in a function (that would make every function a
 * closure over it, 1 to 3 heap variables more each), so its top-level
 * declarations become globals of the device: none may take the name of one
 * of Espruino's own. bundleForEspruino makes esbuild keep clear of them
 * (a dead reference to each in the entry); this is the check that it did.
 */
export function checkTopLevelNames(context: RuleContext): void {
  const globalScope = context.ast.scopes.globalScope;
  if (!globalScope) return;
  const rootNames = espruinoRootNames();
  for (const variable of globalScope.variables) {
    const definition = variable.defs[0];
    if (!definition || !rootNames.has(variable.name)) continue;
    context.report("no-global-shadow", definition.name as unknown as acorn.Node,
      `the bundle's top level declares \`${variable.name}\`, which replaces Espruino's global of that name on the device: rename it or move it into a function`);
  }
}
