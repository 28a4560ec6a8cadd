/**
 * `npm run build -- [--board esp32|esp8266|linux] [--node FILE] [--budget BYTES]`
 * Builds the full node (firmware/node-main.ts) for one board: --board, else
 * the description's `board`, else esp32. Prints the size table, writes
 * dist/<board>.js and its source map, and exits non-zero, writing nothing, on
 * an invalid description, a gate violation or a bundle over budget.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ROOT, buildBundle, chooseBoard, overBudgetMessage, parseBudget, type BuildRequest } from "./build/build.ts";
import { formatSizeTable } from "./build/size-table.ts";
import { formatViolations } from "./gate/index.ts";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      board: { type: "string" },
      node: { type: "string" },
      budget: { type: "string" },
    },
  });
  const board = chooseBoard(values.board, values.node);
  const request: BuildRequest = { board };
  if (values.node !== undefined) request.nodeFile = values.node;
  if (values.budget !== undefined) request.budget = parseBudget(values.budget);
  const result = await buildBundle(request);
  console.log(`\n${result.board.title}: node "${result.node.id}"`);
  console.log(formatSizeTable(board, result.sizes, result.total, result.budget));
  if (result.violations.length > 0) {
    console.error(`\nEspruino compatibility gate: ${result.violations.length} problem(s) in the ${board} bundle:`);
    console.error(formatViolations(result.violations));
  }
  const over = overBudgetMessage(result);
  if (over !== null) console.error(`\n${over}`);
  if (!result.ok) {
    console.error(`nothing was written to dist/`);
    return 1;
  }
  mkdirSync(ROOT + "dist", { recursive: true });
  writeFileSync(`${ROOT}dist/${board}.js`, result.code);
  writeFileSync(`${ROOT}dist/${board}.js.map`, result.map);
  console.log(`wrote dist/${board}.js`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
