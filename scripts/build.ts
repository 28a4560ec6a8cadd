/**
 * `npm run build -- [--board esp32|esp8266|linux] [--node FILE] [--budget BYTES]`
 * Writes dist/<board>.js (and its source map) for each board asked for (all
 * boards when --board is absent), prints a size table per bundle, and exits
 * non-zero on an invalid description, a gate violation or a bundle over budget.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { BOARD_IDS } from "../boards/index.ts";
import { ROOT, buildBundle, type BuildRequest } from "./build/build.ts";
import { describedBoard, readDescription } from "./build/node-description.ts";
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
  const boardFromNode = values.node === undefined ? undefined : describedBoard(readDescription(values.node));
  const boards = values.board !== undefined ? [values.board] : boardFromNode !== undefined ? [boardFromNode] : BOARD_IDS;
  let failed = false;
  for (const board of boards) {
    const request: BuildRequest = { board };
    if (values.node !== undefined) request.nodeFile = values.node;
    if (values.budget !== undefined) {
      const budget = Number(values.budget);
      if (!Number.isInteger(budget) || budget <= 0) throw new Error(`--budget: "${values.budget}" is not allowed; expected a whole number of bytes`);
      request.budget = budget;
    }
    const result = await buildBundle(request);
    console.log(`\n${result.board.title}: node "${result.node.id}"`);
    console.log(formatSizeTable(board, result.sizes, result.total, result.budget));
    if (result.violations.length > 0) {
      console.error(`\nEspruino compatibility gate: ${result.violations.length} problem(s) in the ${board} bundle:`);
      console.error(formatViolations(result.violations));
    }
    if (result.total > result.budget) {
      console.error(`\n${board}: the bundle is ${result.total} bytes, over the board's budget of ${result.budget} bytes`);
    }
    if (!result.ok) {
      failed = true;
      continue;
    }
    mkdirSync(ROOT + "dist", { recursive: true });
    writeFileSync(`${ROOT}dist/${board}.js`, result.code);
    writeFileSync(`${ROOT}dist/${board}.js.map`, result.map);
    console.log(`wrote dist/${board}.js`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
