/**
 * Seeded fuzz of the decoders and the framer: 100,000 inputs (random bytes,
 * and mqtt-packet's valid packets mutated), each decoded whole by
 * decodePacket and decodeFromBroker, and framed in random Uint8Array and
 * binary-string chunks. No exception, no hang, only positions or table
 * errors, and framed packets decode as they do in place. Set MOTE_FUZZ_SEED
 * to try another seed; a failure prints the input as hex.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import * as esbuild from "esbuild";
import type { FuzzReport, FuzzRequest } from "./fuzz-worker.ts";

const SEED = Number(process.env["MOTE_FUZZ_SEED"] ?? 0x4d515454);
const INPUTS = 100_000;
const HANG_MILLISECONDS = 15_000;

/** The worker, bundled by esbuild: worker threads do not inherit tsx's loader. */
async function bundleWorker(directory: string): Promise<string> {
  const script = join(directory, "fuzz-worker.cjs");
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("./fuzz-worker.ts", import.meta.url))],
    bundle: true, platform: "node", format: "cjs", target: "node20", outfile: script, logLevel: "silent",
  });
  return script;
}

function runWorker(script: string, mode: FuzzRequest["mode"]): Promise<FuzzReport> {
  const current = new SharedArrayBuffer(8 + 4096);
  const request: FuzzRequest = { mode, seed: SEED, count: INPUTS, current };
  const worker = new Worker(script, { workerData: request });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const header = new Int32Array(current, 0, 2);
      const input = Buffer.from(new Uint8Array(current, 8, Atomics.load(header, 1))).toString("hex");
      void worker.terminate();
      reject(new Error(`${mode}: no result after ${HANG_MILLISECONDS} ms; stuck on input #${Atomics.load(header, 0)} ${input} (seed ${SEED})`));
    }, HANG_MILLISECONDS);
    worker.once("message", (report: FuzzReport) => {
      clearTimeout(timer);
      resolve(report);
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe(`mqtt codec fuzz (seed ${SEED}, ${INPUTS} inputs)`, function () {
  this.timeout(HANG_MILLISECONDS + 5_000);
  let directory = "";
  let script = "";

  before(async function () {
    directory = mkdtempSync(join(tmpdir(), "mote-fuzz-"));
    script = await bundleWorker(directory);
  });

  after(function () {
    if (directory !== "") rmSync(directory, { recursive: true, force: true });
  });

  it("decodePacket and decodeFromBroker: positions or table errors, independent of surrounding bytes", async function () {
    const report = await runWorker(script, "whole");
    assert.deepEqual(report.failures, [], `seed ${SEED}`);
    assert.equal(report.inputs, INPUTS);
    assert.ok((report.outcomes["decoded"] ?? 0) > INPUTS / 20, `too few inputs decode (${JSON.stringify(report.outcomes)}): the fuzz is not reaching the decoders' depths`);
  });

  it("Framer: same packets and errors whole or chunked (Uint8Array and binary strings), packets decode as in place", async function () {
    const report = await runWorker(script, "framer");
    assert.deepEqual(report.failures, [], `seed ${SEED}`);
    assert.equal(report.inputs, INPUTS);
  });
});
