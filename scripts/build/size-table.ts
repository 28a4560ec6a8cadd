/**
 * The build's size report: bytes each source module contributes to a bundle
 * (from esbuild's metafile) and the total against the board's budget.
 */
import type { Metafile } from "esbuild";

/** One row of the size table. */
export interface ModuleSize {
  /** Source path as esbuild names it (relative to the working folder). */
  module: string;
  bytes: number;
}

/** Bytes per input module of the (single) output, largest first. */
export function moduleSizes(metafile: Metafile): ModuleSize[] {
  const rows: ModuleSize[] = [];
  for (const output of Object.values(metafile.outputs)) {
    for (const [module, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput > 0) rows.push({ module, bytes: input.bytesInOutput });
    }
  }
  return rows.sort((a, b) => b.bytes - a.bytes || a.module.localeCompare(b.module));
}

/** Renders the table: one row per module, then the total, the budget and what is left. */
export function formatSizeTable(boardId: string, rows: ModuleSize[], total: number, budget: number): string {
  const width = Math.max(24, ...rows.map((row) => row.module.length));
  const lines = [`${"module".padEnd(width)}  ${"bytes".padStart(7)}`];
  for (const row of rows) lines.push(`${row.module.padEnd(width)}  ${String(row.bytes).padStart(7)}`);
  lines.push(`${"-".repeat(width)}  -------`);
  lines.push(`${`total (dist/${boardId}.js)`.padEnd(width)}  ${String(total).padStart(7)}`);
  const left = budget - total;
  const verdict = left >= 0 ? `${left} left` : `${-left} OVER BUDGET`;
  lines.push(`${`budget (${boardId})`.padEnd(width)}  ${String(budget).padStart(7)}  ${verdict} (${((100 * total) / budget).toFixed(1)} % used)`);
  return lines.join("\n");
}
