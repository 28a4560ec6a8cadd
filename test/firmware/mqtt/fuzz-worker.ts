/**
 * Runs the fuzz in a worker thread so that a decoder or framer stuck in a
 * loop can be stopped and named: before each input, the worker copies it into
 * shared memory; on a timeout the test prints that input.
 */
import { Buffer } from "node:buffer";
import { parentPort, workerData } from "node:worker_threads";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { buildCorpus, nextInput, Random } from "./fuzz-inputs.ts";
import { FramerCheck, checkWhole } from "./fuzz-checks.ts";

/** What the test sends the worker. */
export interface FuzzRequest { mode: "whole" | "framer"; seed: number; count: number; current: SharedArrayBuffer }
/** What the worker sends back. */
export interface FuzzReport { inputs: number; failures: string[]; outcomes: Record<string, number> }

const MAX_FAILURES = 5;

function fuzz(request: FuzzRequest): FuzzReport {
  const header = new Int32Array(request.current, 0, 2);
  const bytes = new Uint8Array(request.current, 8);
  const corpus = buildCorpus(request.seed, 600, 400);
  const inputs = new Random(request.seed);
  const checks = new Random(request.seed ^ 0x5eed);
  const framers = [new FramerCheck(64), new FramerCheck(512), new FramerCheck(4096)];
  const report: FuzzReport = { inputs: 0, failures: [], outcomes: {} };
  for (let index = 0; index < request.count && report.failures.length < MAX_FAILURES; index++) {
    const input = nextInput(inputs, corpus);
    Atomics.store(header, 0, index);
    Atomics.store(header, 1, Math.min(input.length, bytes.length));
    bytes.set(input.subarray(0, bytes.length));
    try {
      if (request.mode === "whole") {
        const outcome = checkWhole(checks, input);
        const key = outcome.result > 0 ? "decoded" : errorName(outcome.result);
        report.outcomes[key] = (report.outcomes[key] ?? 0) + 1;
      } else {
        framers[index % framers.length]!.check(checks, input);
      }
    } catch (error) {
      report.failures.push(`input #${index} ${Buffer.from(input).toString("hex")}\n  ${(error as Error).message}`);
    }
    report.inputs++;
  }
  return report;
}

parentPort!.postMessage(fuzz(workerData as FuzzRequest));
