/**
 * `npm run bench [-- --quick] [-- --json] [-- --suite <name>]`: runs every
 * registered suite (scripts/bench/suites.ts) but the optional ones (the
 * fleet, which takes minutes: `--suite fleet`) and prints a table, or with
 * `--json` one JSON object per line:
 * {"name","unit","ours","peer","peerValue","ratio"[,"lowerIsBetter":true]}.
 * `ratio` > 1 always means we do better. `--quick` is a smoke run: the
 * numbers are noisy.
 */
import { argv, stdout } from "node:process";
import type { BenchResult } from "./bench/measure.ts";
import { SUITES } from "./bench/suites.ts";

function formatValue(value: number, unit: string): string {
  if (unit === "ops/s") {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  }
  return value.toLocaleString("en-US");
}

/** "3.10x faster", or for a loss "0.48x (2.08x larger)". */
function formatRatio(result: BenchResult): string {
  const lower = result.lowerIsBetter === true;
  if (result.ratio >= 1) return `${result.ratio.toFixed(2)}x ${lower ? "smaller" : "faster"}`;
  return `${result.ratio.toFixed(2)}x (${(1 / result.ratio).toFixed(2)}x ${lower ? "larger" : "slower"})`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]): string => row.map((cell, column) => (column === 0 || column === row.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

function usage(): never {
  stdout.write("usage: tsx scripts/bench.ts [--quick] [--json] [--suite <name>]\n");
  process.exit(2);
}

async function main(): Promise<void> {
  const args = argv.slice(2);
  const json = args.includes("--json");
  const quick = args.includes("--quick");
  const suiteIndex = args.indexOf("--suite");
  const only = suiteIndex >= 0 ? args[suiteIndex + 1] : undefined;
  const known = args.filter((arg, index) => arg === "--json" || arg === "--quick" || arg === "--suite" || (suiteIndex >= 0 && index === suiteIndex + 1));
  if (known.length !== args.length || (suiteIndex >= 0 && only === undefined)) usage();
  const suites = SUITES.filter((suite) => (only === undefined && !suite.optional) || suite.name === only);
  if (suites.length === 0) usage();
  for (const suite of suites) {
    const results: BenchResult[] = await suite.run({ quick });
    if (json) {
      for (const result of results) stdout.write(JSON.stringify(result) + "\n");
      continue;
    }
    const rows = [["benchmark", "unit", "ours", "peer", "ratio", "peer measured"]];
    for (const result of results) {
      rows.push([result.name, result.unit, formatValue(result.ours, result.unit), formatValue(result.peerValue, result.unit), formatRatio(result), result.peer]);
    }
    stdout.write(`\n${suite.name}${quick ? " (quick: noisy)" : ""}; ratio > 1 means ours is better\n\n${table(rows)}\n`);
  }
}

await main();
