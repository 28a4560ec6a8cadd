import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOARD_IDS, BOARDS } from "../../boards/index.ts";
import { ROOT, buildBundle } from "../../scripts/build/build.ts";
import { DescriptionError } from "../../scripts/build/node-description.ts";

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "mote-build-")), name);
  writeFileSync(file, text);
  return file;
}

function runBuild(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", ROOT + "scripts/build.ts", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("build", () => {
  for (const board of BOARD_IDS) {
    it(`bundles the example node for ${board} within budget and through the gate`, async () => {
      const result = await buildBundle({ board });
      assert.deepEqual(result.violations, []);
      assert.ok(result.ok);
      assert.ok(result.total > 0 && result.total <= BOARDS[board]!.bundleBudget);
      assert.ok(result.sizes.some((row) => row.module.endsWith("firmware/main.ts")));
      assert.equal(result.node.board, board);
      assert.deepEqual(result.node.buffers, BOARDS[board]!.buffers);
    });
  }

  it("fails on a bundle over the budget", async () => {
    const result = await buildBundle({ board: "esp8266", budget: 50 });
    assert.equal(result.ok, false);
    assert.ok(result.total > 50);
  });

  it("fails a deliberately bad firmware line with the rule and the TypeScript file:line", async () => {
    const entry = tempFile("bad.ts", ["// a bad line on line 3", "const pair = [1, 2];", "const [first, second] = pair;", "console.log(first + second);", ""].join("\n"));
    const result = await buildBundle({ board: "esp32", entry });
    assert.equal(result.ok, false);
    const violation = result.violations.find((v) => v.rule === "no-destructuring");
    assert.ok(violation, JSON.stringify(result.violations));
    assert.ok(violation.file?.endsWith("bad.ts"), String(violation.file));
    assert.equal(violation.line, 3);
  });

  it("rejects a description naming the field, the value and what is allowed", async () => {
    const nodeFile = tempFile("node.json", JSON.stringify({ id: "Bad Id", broker: { host: "b", port: 70000 }, actuators: [{ name: "relay", type: "relay", pin: "D34" }] }));
    await assert.rejects(buildBundle({ board: "esp32", nodeFile }), (error: unknown) => {
      assert.ok(error instanceof DescriptionError);
      const text = error.problems.join("\n");
      assert.match(text, /id: "Bad Id" is not allowed; expected 1-32 characters/);
      assert.match(text, /broker\.port: 70000 is not allowed; expected an integer from 1 to 65535/);
      assert.match(text, /actuators\[0\]\.pin: D34 on board esp32 cannot drive an output/);
      return true;
    });
  });

  it("rejects a pin the board does not have, listing the allowed ones", async () => {
    const nodeFile = tempFile("node.json", JSON.stringify({ id: "n", broker: { host: "b" }, actuators: [{ name: "relay", type: "relay", pin: "D26" }] }));
    await assert.rejects(buildBundle({ board: "esp8266", nodeFile }), /actuators\[0\]\.pin: "D26" is not a pin of board esp8266; allowed: D0, D1/);
  });

  it("npm run build writes dist/<board>.js and prints the size table", () => {
    const run = runBuild("--board", "esp8266");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /firmware\/main\.ts\s+\d+/);
    assert.match(run.stdout, /total \(dist\/esp8266\.js\)\s+\d+/);
    assert.match(run.stdout, /budget \(esp8266\)\s+12000\s+\d+ left/);
  });

  it("npm run build exits non-zero over budget and for an unknown board", () => {
    const over = runBuild("--board", "esp32", "--budget", "40");
    assert.equal(over.status, 1);
    assert.match(over.stderr, /over the board's budget of 40 bytes/);
    const unknown = runBuild("--board", "esp31");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /--board: "esp31" is not a board; allowed: esp32, esp8266, linux/);
  });
});
