/**
 * The fleet summary as a person reads it (`npm run sim` prints it at the
 * end) and the verdict: a run fails when any QoS 1 report was lost, a node
 * threw, or the subscriber got a report no node produced.
 */
import type { Latency, QosSummary } from "./ledger.ts";
import type { FleetSummary } from "./fleet.ts";
import { FAULT_KINDS } from "./plan.ts";

function ms(value: number | null): string {
  return value === null ? "-" : value < 10 ? value.toFixed(1) : Math.round(value).toString();
}

function latencyLine(label: string, latency: Latency): string {
  return `${label}: p50 ${ms(latency.p50)} ms, p99 ${ms(latency.p99)} ms, max ${ms(latency.max)} ms (${latency.count} acknowledged)`;
}

function qosRow(label: string, counts: QosSummary): string {
  const cells = [counts.produced, counts.refused, counts.acknowledged, counts.received, counts.duplicates, counts.lost, counts.outOfOrder];
  return [label.padEnd(6), ...cells.map((cell) => String(cell).padStart(9))].join(" ");
}

/** What went wrong, one line each; empty when the run passed. */
export function failures(summary: FleetSummary): string[] {
  const found: string[] = [];
  if (summary.qos1.lost > 0) {
    const examples = summary.lostExamples.slice(0, 5).map((example) => `${example.node} ${example.reports.join(" ")}`).join("; ");
    found.push(`${summary.qos1.lost} QoS 1 report(s) lost (node boot:seq): ${examples}`);
  }
  if (summary.nodeErrors > 0) found.push(`${summary.nodeErrors} uncaught exception(s) in the nodes`);
  if (summary.unknown > 0) found.push(`${summary.unknown} telemetry message(s) received that no node was seen producing`);
  return found;
}

/** The summary table. */
export function formatSummary(summary: FleetSummary): string {
  const faults = FAULT_KINDS.filter((kind) => summary.faults[kind] > 0).map((kind) => `${kind} ${summary.faults[kind]}`);
  const memory = summary.memory;
  const lines = [
    `${summary.nodes} node(s), ${summary.board} bundle ${summary.bundleBytes} bytes, broker ${summary.broker}`,
    `simulated ${summary.duration} s (+ ${Math.round(summary.drained)} s drain) in ${summary.realSeconds.toFixed(1)} s real; CPU ${(summary.cpu * 100).toFixed(0)}% of a core`,
    `faults: ${faults.length == 0 ? "none" : faults.join(", ")}; reconnects ${summary.reconnects}, restarts ${summary.restarts}`,
    "",
    "QoS     produced   refused    acked  received    dupes      lost  reordered",
    qosRow("0", summary.qos0),
    qosRow("1", summary.qos1),
    "",
    latencyLine("publish to PUBACK (node's clock)", summary.ackVirtual),
    latencyLine("publish to PUBACK (real time)", summary.ackReal),
    `reports: ${summary.rate.virtual.toFixed(1)}/s simulated, ${summary.rate.real.toFixed(1)}/s real`,
    `memory per node: ${memory.variablesAverage} heap variables (max ${memory.variablesMax} of ${memory.variablesTotal}, ${memory.variablesSampled} sampled), ${(memory.hostBytesPerNode / 1048576).toFixed(1)} MB on the host`,
  ];
  const found = failures(summary);
  lines.push("", found.length == 0 ? "PASS: no QoS 1 report lost" : found.map((line) => "FAIL: " + line).join("\n"));
  return lines.join("\n");
}
