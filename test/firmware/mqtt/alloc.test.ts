/**
 * Zero allocation, measured: a child node process with a 1 MB semi-space runs
 * 1,000,000 encode+decode cycles of a telemetry PUBLISH (QoS 1, 30-char topic,
 * 64-byte payload) and of a PUBACK and must see no garbage collection. The
 * same harness on a loop that allocates a small array per cycle must see some,
 * so a silent harness cannot pass for a clean codec.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

interface ChildReport { cycles: number; publish: number; ack: number; checksum: number }

const CYCLES = 1_000_000;

describe("mqtt codec allocation (child node, --max-semi-space-size=1)", function () {
  this.timeout(60_000);
  let directory = "";
  let script = "";

  before(async function () {
    directory = mkdtempSync(join(tmpdir(), "mote-alloc-"));
    script = join(directory, "alloc-child.mjs");
    await esbuild.build({
      entryPoints: [fileURLToPath(new URL("./alloc-child.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: script,
      logLevel: "silent",
    });
  });

  after(function () {
    if (directory !== "") rmSync(directory, { recursive: true, force: true });
  });

  function runChild(mode: "codec" | "allocating"): ChildReport {
    const environment = { ...process.env };
    delete environment["NODE_OPTIONS"];
    const output = execFileSync(process.execPath, ["--max-semi-space-size=1", "--expose-gc", script, mode, String(CYCLES)], { encoding: "utf8", env: environment });
    return JSON.parse(output.trim()) as ChildReport;
  }

  it("encodePublish + decodeFromBroker and encodeAck + decodeFromBroker: 1,000,000 cycles each, no GC", function () {
    const report = runChild("codec");
    assert.equal(report.cycles, CYCLES);
    assert.deepEqual({ publish: report.publish, ack: report.ack }, { publish: 0, ack: 0 }, "garbage collections during the measured loops");
  });

  it("the same harness reports GC when each cycle allocates a small array", function () {
    const report = runChild("allocating");
    assert.ok(report.publish > 0, `no GC seen in the allocating PUBLISH loop: ${JSON.stringify(report)}`);
    assert.ok(report.ack > 0, `no GC seen in the allocating PUBACK loop: ${JSON.stringify(report)}`);
  });
});
