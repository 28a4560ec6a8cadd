/**
 * The node description's JSON Schema (schema/node.schema.json) and ajv's
 * errors against it turned into the build's message style: the field path
 * (`broker.port`, `sensors[0].pin`), the value, and what is allowed, all
 * derived from the schema so the schema stays the one source. Secrets are
 * shown as `<hidden>`, never by value.
 */
import { readFileSync } from "node:fs";
import { Ajv2020, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";

/** schema/node.schema.json, by path from the repository root. */
export const NODE_SCHEMA_FILE = new URL("../../schema/node.schema.json", import.meta.url);

/** Field paths whose values are secrets: never printed. */
export const SECRET_PATHS: readonly string[] = ["wifi.password", "broker.password"];

/** One problem: the field path and the whole message, which starts with the path. */
export interface SchemaProblem {
  path: string;
  message: string;
}

type SchemaNode = AnySchemaObject;

/** Reads the node schema; a fresh copy per call, so callers may not share state through it. */
export function readNodeSchema(): SchemaNode {
  return JSON.parse(readFileSync(NODE_SCHEMA_FILE, "utf8")) as SchemaNode;
}

/**
 * Compiles a schema with ajv (draft 2020-12, strict, every error at once).
 * The editor-only keywords the schema carries (VS Code's patternErrorMessage
 * and deprecationMessage) are registered as annotations.
 */
export function compileSchema(schema: SchemaNode): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  ajv.addKeyword({ keyword: "deprecationMessage", schemaType: "string" });
  return ajv.compile(schema);
}

/** `/sensors/0/pin` as `sensors[0].pin`. */
export function fieldPath(pointer: string): string {
  let path = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path += /^\d+$/.test(part) ? `[${part}]` : path === "" ? part : `.${part}`;
  }
  return path;
}

/** A child path: `broker` + `port` is `broker.port`. */
export function childPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** A value as messages show it: JSON, `<hidden>` for a secret path or any nested password, shortened past 80 characters. */
export function showValue(path: string, value: unknown): string {
  if (SECRET_PATHS.includes(path)) return "<hidden>";
  const text = JSON.stringify(value, (key, nested: unknown) => (key === "password" ? "<hidden>" : nested)) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Follows a local `$ref` (`#/$defs/name`) to the schema it names. */
function resolve(schema: SchemaNode | undefined, root: SchemaNode): SchemaNode | undefined {
  const ref = schema?.["$ref"];
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let node: unknown = root;
  for (const key of ref.slice(2).split("/")) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as SchemaNode | undefined;
}

function orList(words: readonly string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

const ARTICLES: Record<string, string> = { string: "a string", number: "a number", integer: "an integer", boolean: "true or false", object: "an object", array: "an array", null: "null" };

function range(noun: string, minimum: unknown, maximum: unknown): string {
  if (typeof minimum === "number" && typeof maximum === "number") return `${noun} from ${minimum} to ${maximum}`;
  if (typeof minimum === "number") return `${noun} of at least ${minimum}`;
  if (typeof maximum === "number") return `${noun} of at most ${maximum}`;
  return noun;
}

/** What a schema allows, as the phrase after "is not allowed; ": "expected an integer from 1 to 65535". */
export function expectation(node: SchemaNode | undefined, root: SchemaNode): string {
  const schema = resolve(node, root);
  if (schema === undefined) return "expected nothing here";
  if (typeof schema["patternErrorMessage"] === "string") return schema["patternErrorMessage"];
  const choices = schema["enum"];
  if (Array.isArray(choices)) {
    return choices.every((choice) => typeof choice === "number") ? `expected ${orList(choices.map(String))}` : `expected one of ${choices.map(String).join(", ")}`;
  }
  const type = schema["type"];
  if (Array.isArray(type)) return `expected ${orList(type.map((each: string) => ARTICLES[each] ?? each))}`;
  switch (type) {
    case "integer":
    case "number":
      return `expected ${range(ARTICLES[type]!, schema["minimum"], schema["maximum"])}`;
    case "string": {
      const { minLength, maxLength } = schema;
      if (typeof minLength === "number" && typeof maxLength === "number") return `expected a string of ${minLength}-${maxLength} characters`;
      if (typeof maxLength === "number") return `expected a string of at most ${maxLength} characters`;
      if (typeof minLength === "number") return `expected a string of at least ${minLength} characters`;
      return "expected a string";
    }
    case "object": {
      const fields = Object.keys(schema["properties"] ?? {});
      return fields.length === 0 ? "expected an object" : `expected an object with ${fields.join(", ")}`;
    }
    case "array": {
      const items = resolve(schema["items"] as SchemaNode | undefined, root);
      return items?.["title"] === undefined ? "expected an array" : `expected an array of ${String(items["title"]).toLowerCase()} objects`;
    }
    case "boolean":
      return "expected true or false";
    default:
      return "expected a value the schema allows";
  }
}

/**
 * ajv's errors as build problems, one per field and fault, deduplicated.
 * `special` may supply the message for a path instead (null: the usual one).
 */
export function schemaProblems(
  validate: ValidateFunction,
  root: SchemaNode,
  data: unknown,
  special: (path: string, value: unknown) => string | null = () => null,
): SchemaProblem[] {
  if (validate(data)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string): void => {
    if (seen.has(message)) return;
    seen.add(message);
    problems.push({ path, message });
  };
  for (const error of (validate.errors ?? []) as ErrorObject[]) {
    const base = fieldPath(error.instancePath);
    const parent = error.parentSchema;
    if (error.keyword === "additionalProperties") {
      const path = childPath(base, String(error.params["additionalProperty"]));
      add(path, `${path}: unknown field; allowed: ${Object.keys(parent?.["properties"] ?? {}).join(", ")}`);
    } else if (error.keyword === "required") {
      const key = String(error.params["missingProperty"]);
      const path = childPath(base, key);
      add(path, `${path}: missing; ${expectation(parent?.["properties"]?.[key] as SchemaNode | undefined, root)}`);
    } else {
      const own = special(base, error.data);
      add(base, `${base}: ${own ?? `${showValue(base, error.data)} is not allowed; ${expectation(parent, root)}`}`);
    }
  }
  return problems;
}
