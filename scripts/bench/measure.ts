/**
 * What a benchmark suite returns, and the one way we time things: after a
 * warm-up, ours and the peer run alternately in equal-length batches for
 * several rounds, and each side's median ops/s is kept. Interleaving spreads
 * thermal, JIT and GC drift over both sides instead of one.
 */
import { performance } from "node:perf_hooks";

/** One row of the report. `ratio` > 1 means we are better, whichever the direction. */
export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  /** What we compare with, e.g. "mqtt-packet 9.0.2 generate". */
  peer: string;
  peerValue: number;
  /** ours / peer; peer / ours when `lowerIsBetter`. */
  ratio: number;
  lowerIsBetter?: true;
}

/** Run settings shared by every suite. */
export interface BenchSettings {
  /** A fast smoke run: short warm-up, few short rounds (numbers are noisy). */
  quick: boolean;
}

/** A group of related measurements; later suites register in ./suites.ts. */
export interface BenchSuite {
  name: string;
  /** Runs only when named with `--suite` (it takes minutes). */
  optional?: true;
  run(settings: BenchSettings): Promise<BenchResult[]>;
}

/** Runs the operation `iterations` times and returns something derived from the results, so nothing is optimised away. */
export type Batch = (iterations: number) => number;

let sink = 0;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timeBatch(batch: Batch, iterations: number): number {
  const start = performance.now();
  sink = (sink + batch(iterations)) | 0;
  return performance.now() - start;
}

/** Runs growing batches for at least `milliseconds` (one-time setup such as mqtt-packet's number cache, then JIT tiers). */
function warm(batch: Batch, milliseconds: number): void {
  const start = performance.now();
  let iterations = 16;
  while (performance.now() - start < milliseconds) {
    timeBatch(batch, iterations);
    if (iterations < 1 << 20) iterations *= 2;
  }
}

/** Iterations that take about `milliseconds`. */
function calibrate(batch: Batch, milliseconds: number): number {
  let iterations = 16;
  for (;;) {
    const elapsed = timeBatch(batch, iterations);
    if (elapsed >= milliseconds / 4 || iterations >= 1 << 28) {
      return Math.max(1, Math.round((iterations * milliseconds) / Math.max(elapsed, 0.001)));
    }
    iterations *= 4;
  }
}

/** Median ops/s of ours and of the peer, measured interleaved. */
export function compareThroughput(ours: Batch, peer: Batch, settings: BenchSettings): { ours: number; peer: number } {
  const warmMilliseconds = settings.quick ? 60 : 400;
  const batchMilliseconds = settings.quick ? 10 : 100;
  const rounds = settings.quick ? 3 : 9;
  warm(ours, warmMilliseconds);
  warm(peer, warmMilliseconds);
  const oursIterations = calibrate(ours, batchMilliseconds);
  const peerIterations = calibrate(peer, batchMilliseconds);
  const oursRates: number[] = [];
  const peerRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    oursRates.push((oursIterations * 1000) / timeBatch(ours, oursIterations));
    peerRates.push((peerIterations * 1000) / timeBatch(peer, peerIterations));
  }
  return { ours: median(oursRates), peer: median(peerRates) };
}

/** A throughput row (ops/s, higher is better). */
export function throughputResult(name: string, peer: string, ours: Batch, peerBatch: Batch, settings: BenchSettings): BenchResult {
  const rates = compareThroughput(ours, peerBatch, settings);
  return { name, unit: "ops/s", ours: Math.round(rates.ours), peer, peerValue: Math.round(rates.peer), ratio: rates.ours / rates.peer };
}

/** A row where less is better (bytes, latency). */
export function lowerIsBetterResult(name: string, unit: string, ours: number, peer: string, peerValue: number): BenchResult {
  return { name, unit, ours, peer, peerValue, ratio: peerValue / ours, lowerIsBetter: true };
}
