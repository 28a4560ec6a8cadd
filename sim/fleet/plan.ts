/**
 * Fault plans for the fleet simulator: a JSON timeline of faults
 * (schema/fault-plan.schema.json) checked with the same ajv messages as node
 * descriptions (field path, value, what is allowed), then resolved against
 * the fleet: each fault's `nodes` becomes a list of node indexes (a fraction
 * picks that share at random with the plan's seed), times become virtual
 * milliseconds, and each fault splits into the events that start and end it.
 */
import { readFileSync } from "node:fs";
import type { AnySchemaObject } from "ajv/dist/2020.js";
import { CHUNK_BYTES } from "../espruino/modules/socket.ts";
import { seededRandom } from "../espruino/random.ts";
import { compileSchema, schemaProblems } from "../../scripts/build/schema-problems.ts";

/** schema/fault-plan.schema.json. */
export const FAULT_PLAN_SCHEMA_FILE = new URL("../../schema/fault-plan.schema.json", import.meta.url);

export type FaultKind = "wifi-drop" | "broker-restart" | "latency" | "chunking" | "power-loss";
/** Every fault kind, in the order the summary lists them. */
export const FAULT_KINDS: readonly FaultKind[] = ["wifi-drop", "broker-restart", "latency", "chunking", "power-loss"];

/** One fault as the plan file writes it. */
export interface FaultSpec {
  at: number;
  kind: FaultKind;
  for?: number;
  nodes?: "all" | number | number[];
  ms?: number;
  jitter?: number;
  bytes?: number;
}

/** A plan file's contents. */
export interface FaultPlan {
  seed?: number;
  faults: FaultSpec[];
}

/** A fault's start or end, at a virtual time, for some nodes. */
export interface FaultEvent {
  /** Virtual ms from the start of the run. */
  at: number;
  kind: FaultKind;
  /** True for the start of the fault, false for its end. */
  begins: boolean;
  /** Node indexes (empty for broker-restart). */
  nodes: number[];
  /** latency: ms and jitter; chunking: bytes. */
  ms: number;
  jitter: number;
  bytes: number;
  /** Index of the fault in the plan. */
  fault: number;
  /** Order among events at the same time: ends of faults that lasted (0), starts (1), ends of instant faults (2). */
  rank: number;
}

/** A plan that does not fit the schema or the fleet; `problems` name the field, the value and what is allowed. */
export class FaultPlanError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid fault plan:\n  - ${problems.join("\n  - ")}`);
    this.name = "FaultPlanError";
  }
}

const NEEDS_DURATION: readonly FaultKind[] = ["wifi-drop", "latency", "chunking"];

/** Checks `value` against the schema and what each kind needs; throws a {@link FaultPlanError} listing every problem. */
export function checkFaultPlan(value: unknown, source: string): FaultPlan {
  const schema = JSON.parse(readFileSync(FAULT_PLAN_SCHEMA_FILE, "utf8")) as AnySchemaObject;
  const problems = schemaProblems(compileSchema(schema), schema, value, (path, found) =>
    /^faults\[\d+\]\.nodes$/.test(path) ? `${JSON.stringify(found)} is not allowed; expected "all", a fraction of the nodes (above 0, at most 1) or a list of node indexes from 0` : null,
  ).map((problem) => problem.message);
  if (problems.length > 0) throw new FaultPlanError(source, problems);
  const plan = value as FaultPlan;
  plan.faults.forEach((fault, index) => {
    const where = `faults[${index}]`;
    if (NEEDS_DURATION.includes(fault.kind) && fault.for === undefined) problems.push(`${where}.for: missing; a ${fault.kind} needs how long it lasts, in seconds (a number >= 0)`);
    if (fault.kind == "latency" && fault.ms === undefined) problems.push(`${where}.ms: missing; a latency fault needs the milliseconds to add (an integer from 0 to 60000)`);
    if (fault.kind == "chunking" && fault.bytes === undefined) problems.push(`${where}.bytes: missing; a chunking fault needs the largest piece in bytes (an integer from 1 to 536)`);
    if (fault.kind != "latency" && (fault.ms !== undefined || fault.jitter !== undefined)) problems.push(`${where}: ms and jitter are only allowed on a latency fault, not on ${fault.kind}`);
    if (fault.kind != "chunking" && fault.bytes !== undefined) problems.push(`${where}.bytes: only allowed on a chunking fault, not on ${fault.kind}`);
    if (fault.kind == "broker-restart" && fault.nodes !== undefined) problems.push(`${where}.nodes: a broker-restart affects every node; remove nodes`);
  });
  if (problems.length > 0) throw new FaultPlanError(source, problems);
  return plan;
}

/** Reads and checks a plan file; throws a {@link FaultPlanError} naming the file on any problem. */
export function readFaultPlan(file: string): FaultPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new FaultPlanError(file, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FaultPlanError(file, [`not JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return checkFaultPlan(value, file);
}

/** `count` distinct indexes below `total`, picked with `random`, in ascending order. */
function pick(total: number, count: number, random: () => number): number[] {
  const indexes = Array.from({ length: total }, (_, index) => index);
  for (let index = total - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [indexes[index], indexes[other]] = [indexes[other]!, indexes[index]!];
  }
  return indexes.slice(0, count).sort((a, b) => a - b);
}

/**
 * The plan's events for a fleet of `nodes` nodes, ordered by time (at the
 * same time: ends of faults that lasted, then starts, then ends of instant ones). Throws a {@link FaultPlanError} when a
 * fault names a node index the fleet does not have.
 */
export function planEvents(plan: FaultPlan, nodes: number, source = "fault plan"): FaultEvent[] {
  const random = seededRandom(plan.seed ?? 1);
  const events: FaultEvent[] = [];
  const problems: string[] = [];
  plan.faults.forEach((fault, index) => {
    const selector = fault.nodes ?? "all";
    let chosen: number[];
    if (fault.kind == "broker-restart") chosen = [];
    else if (selector == "all") chosen = Array.from({ length: nodes }, (_, node) => node);
    else if (typeof selector == "number") chosen = pick(nodes, Math.max(1, Math.round(selector * nodes)), random);
    else {
      const wrong = selector.filter((node) => node >= nodes);
      if (wrong.length > 0) problems.push(`faults[${index}].nodes: ${JSON.stringify(wrong)} not in this fleet; allowed: node indexes 0 to ${nodes - 1}`);
      chosen = [...new Set(selector)].sort((a, b) => a - b);
    }
    const start = Math.round(fault.at * 1000);
    const common = { kind: fault.kind, nodes: chosen, ms: fault.ms ?? 0, jitter: fault.jitter ?? 0, bytes: fault.bytes ?? CHUNK_BYTES, fault: index };
    const length = Math.round((fault.for ?? 0) * 1000);
    events.push({ ...common, at: start, begins: true, rank: 1 });
    events.push({ ...common, at: start + length, begins: false, rank: length > 0 ? 0 : 2 });
  });
  if (problems.length > 0) throw new FaultPlanError(source, problems);
  return events.sort((a, b) => a.at - b.at || a.rank - b.rank);
}
