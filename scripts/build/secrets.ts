/**
 * The node's passwords, which never come from a committed file: from the
 * environment (MOTE_WIFI_PASSWORD, MOTE_BROKER_PASSWORD) or from the untracked
 * `<description>.secrets.json` next to the description, the environment
 * winning. A secret's value never appears in a message, only `<hidden>`.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { compileSchema, readNodeSchema, schemaProblems } from "./schema-problems.ts";

/** The node's passwords; absent when neither source has one. */
export interface Secrets {
  wifiPassword?: string;
  brokerPassword?: string;
}

/** Where a secret lives: its field path, its environment variable. */
const SECRET_FIELDS = [
  { section: "wifi", path: "wifi.password", variable: "MOTE_WIFI_PASSWORD", key: "wifiPassword" },
  { section: "broker", path: "broker.password", variable: "MOTE_BROKER_PASSWORD", key: "brokerPassword" },
] as const;

/** The secrets file for a description: `nodes/garden.json` → `nodes/garden.secrets.json`. */
export function secretsFileFor(descriptionFile: string): string {
  return join(dirname(descriptionFile), `${basename(descriptionFile, extname(descriptionFile))}.secrets.json`);
}

/** Problems for passwords written into the description itself: each must move out. */
export function passwordsInDescription(descriptionFile: string, description: Record<string, unknown>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const field of SECRET_FIELDS) {
    const section = description[field.section];
    if (typeof section === "object" && section !== null && "password" in section) {
      problems.push({
        path: field.path,
        message: `${field.path}: a password does not belong in the description, which is committed; move it to the environment variable ${field.variable} or to ${secretsFileFor(descriptionFile)} (untracked)`,
      });
    }
  }
  return problems;
}

/** The secrets file's schema: the node schema's two password fields and nothing else. */
function secretsSchema(): Record<string, unknown> {
  const node = readNodeSchema();
  const section = (name: "wifi" | "broker") => ({
    title: node["properties"][name]["title"],
    type: "object",
    additionalProperties: false,
    properties: { password: node["properties"][name]["properties"]["password"] },
  });
  return { type: "object", additionalProperties: false, properties: { wifi: section("wifi"), broker: section("broker") } };
}

/**
 * Reads the secrets for a description from `environment` and the secrets file,
 * the environment winning per field (an empty variable counts as unset).
 * Returns the secrets and the problems found, none of which shows a value.
 */
export function readSecrets(descriptionFile: string, environment: Readonly<Record<string, string | undefined>>): { secrets: Secrets; problems: string[] } {
  const schema = secretsSchema();
  const validate = compileSchema(schema);
  const secrets: Secrets = {};
  const problems: string[] = [];
  const file = secretsFileFor(descriptionFile);
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      problems.push(`${file}: not valid JSON (the parser's message is withheld, as it may quote a secret)`);
    }
    if (parsed !== undefined) {
      const found = schemaProblems(validate, schema, parsed);
      for (const problem of found) problems.push(`${file}: ${problem.message}`);
      if (found.length === 0) {
        const sections = parsed as Record<string, { password?: string } | undefined>;
        for (const field of SECRET_FIELDS) {
          const value = sections[field.section]?.password;
          if (value !== undefined) secrets[field.key] = value;
        }
      }
    }
  }
  for (const field of SECRET_FIELDS) {
    const value = environment[field.variable];
    if (value === undefined || value === "") continue;
    const found = schemaProblems(validate, schema, { [field.section]: { password: value } });
    for (const problem of found) problems.push(`${field.variable}: ${problem.message}`);
    if (found.length === 0) secrets[field.key] = value;
  }
  return { secrets, problems };
}
