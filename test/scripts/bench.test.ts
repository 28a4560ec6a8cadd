/**
 * Smoke test of `scripts/bench.ts --quick --json`: it runs, and every line is
 * a result object with the documented fields. No timing assertions.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BOARD_IDS, BOARDS } from "../../boards/index.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("scripts/bench.ts --quick --json", function () {
  this.timeout(120_000);

  it("prints one well-formed JSON result per line", function () {
    const environment = { ...process.env };
    delete environment["NODE_OPTIONS"];
    const output = execFileSync(process.execPath, ["--import", "tsx", "scripts/bench.ts", "--quick", "--json"], { cwd: ROOT, encoding: "utf8", env: environment });
    const lines = output.trim().split("\n");
    assert.ok(lines.length >= 10, `expected at least 10 result lines, got ${lines.length}`);
    const names = new Set<string>();
    for (const line of lines) {
      const result = JSON.parse(line) as Record<string, unknown>;
      for (const field of ["name", "unit", "peer"]) assert.equal(typeof result[field], "string", `${field} in ${line}`);
      for (const field of ["ours", "peerValue", "ratio"]) {
        assert.ok(typeof result[field] === "number" && Number.isFinite(result[field]) && (result[field] as number) > 0, `${field} in ${line}`);
      }
      if ("lowerIsBetter" in result) {
        assert.equal(result["lowerIsBetter"], true, line);
        assert.ok(Math.abs((result["ratio"] as number) - (result["peerValue"] as number) / (result["ours"] as number)) < 1e-9, `ratio = peer/ours in ${line}`);
      } else {
        assert.ok(Math.abs((result["ratio"] as number) - (result["ours"] as number) / (result["peerValue"] as number)) < 0.01 * (result["ratio"] as number), `ratio = ours/peer in ${line}`);
      }
      names.add(`${result["name"]} [${result["unit"]}] vs ${result["peer"]}`);
    }
    assert.equal(names.size, lines.length, "each (name, unit, peer) appears once");
    assert.ok(lines.some((line) => (JSON.parse(line) as { unit: string }).unit === "bytes"), "a size row");
    const budgets = lines.map((line) => JSON.parse(line) as { name: string; unit: string; ours: number; peer: string; peerValue: number });
    for (const board of BOARD_IDS) {
      const bytes = budgets.find((row) => row.name === `bundle bytes, relay-only example node, ${board}`);
      assert.ok(bytes !== undefined && bytes.unit === "bytes" && bytes.peerValue === BOARDS[board]!.bundleBudget, `the ${board} budget row`);
      const heap = budgets.find((row) => row.name === `heap variables online (emulator estimate), relay-only example node, ${board}`);
      assert.ok(heap !== undefined && heap.peerValue === BOARDS[board]!.heap.variables, `the ${board} heap row`);
    }
  });
});
