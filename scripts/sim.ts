/**
 * `npm run sim`: the fleet simulator (sim/fleet/). N nodes built from one
 * description run in emulated Espruino interpreters against a real broker
 * through an optional fault plan, as fast as the host allows; at the end a
 * summary (schema and semantics: sim/fleet/fleet.ts, ledger.ts). Exit code
 * 1 when a QoS 1 report was lost (or a node threw), 2 on bad arguments or a
 * run that could not start.
 */
import { parseArgs } from "node:util";
import { runFleet, type FleetOptions } from "../sim/fleet/fleet.ts";
import { FaultPlanError, readFaultPlan } from "../sim/fleet/plan.ts";
import { failures, formatSummary } from "../sim/fleet/report.ts";

const USAGE = "usage: npm run sim -- [--node FILE] [--board B] [--nodes N] [--broker aedes|mosquitto|mqtt://host:port] [--duration S] [--faults PLAN] [--budget BYTES] [--quantum MS] [--json]";

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() == "" || !Number.isFinite(value)) throw new Error(`--${name}: "${text}" is not a number`);
  return value;
}

function options(): { fleet: FleetOptions; json: boolean } {
  const { values } = parseArgs({
    options: {
      node: { type: "string" },
      board: { type: "string" },
      nodes: { type: "string" },
      broker: { type: "string" },
      duration: { type: "string" },
      faults: { type: "string" },
      budget: { type: "string" },
      quantum: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const fleet: FleetOptions = {};
  if (values.node !== undefined) fleet.nodeFile = values.node;
  if (values.board !== undefined) fleet.board = values.board;
  if (values.broker !== undefined) fleet.broker = values.broker;
  const nodes = number("nodes", values.nodes);
  if (nodes !== undefined) fleet.nodes = nodes;
  const duration = number("duration", values.duration);
  if (duration !== undefined) fleet.duration = duration;
  const budget = number("budget", values.budget);
  if (budget !== undefined) fleet.budget = budget;
  const quantum = number("quantum", values.quantum);
  if (quantum !== undefined) fleet.quantum = quantum;
  if (values.faults !== undefined) {
    fleet.plan = readFaultPlan(values.faults);
    fleet.planSource = values.faults;
  }
  return { fleet, json: values.json === true };
}

async function main(): Promise<void> {
  let chosen: { fleet: FleetOptions; json: boolean };
  try {
    chosen = options();
  } catch (error) {
    console.error(error instanceof FaultPlanError ? error.message : `${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const interactive = process.stderr.isTTY === true;
  let logged = 0;
  chosen.fleet.onProgress = (progress) => {
    const line = `${progress.phase} ${progress.virtualSeconds.toFixed(0)} s simulated: ${progress.produced} reports produced, ${progress.received} received`;
    if (interactive) process.stderr.write("\r" + line + "\x1b[K");
    else if (performance.now() - logged >= 10000) {
      logged = performance.now();
      process.stderr.write(line + "\n");
    }
  };
  try {
    const summary = await runFleet(chosen.fleet);
    if (interactive) process.stderr.write("\r\x1b[K");
    console.log(chosen.json ? JSON.stringify(summary) : formatSummary(summary));
    process.exit(failures(summary).length == 0 ? 0 : 1);
  } catch (error) {
    console.error(error instanceof FaultPlanError ? error.message : (error as Error).message);
    process.exit(2);
  }
}

await main();
