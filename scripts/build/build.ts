/**
 * Builds one device bundle: checks the node description (and its secrets) against the board,
 * bundles firmware/main.ts with esbuild for Espruino, runs the compatibility
 * gate on the result, and measures it against the board's budget.
 * Nothing is written here; the CLI (scripts/build.ts) writes what passes.
 */
import { fileURLToPath } from "node:url";
import { BOARDS, BOARD_IDS } from "../../boards/index.ts";
import type { Board } from "../../boards/board.ts";
import type { NodeConfig } from "../../firmware/config.ts";
import { bundleForEspruino } from "../espruino-esbuild.ts";
import { checkBundle, type GateViolation } from "../gate/index.ts";
import { loadNode } from "./node-description.ts";
import { moduleSizes, type ModuleSize } from "./size-table.ts";

/** The repository root (this file is scripts/build/build.ts). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_ENTRY = ROOT + "firmware/main.ts";
export const EXAMPLE_NODE = ROOT + "nodes/example.json";

/** What to build. */
export interface BuildRequest {
  board: string;
  /** Node description file; the example node when absent. */
  nodeFile?: string;
  /** Entry file; firmware/main.ts when absent (tests point it elsewhere). */
  entry?: string;
  /** Overrides the board's bundle budget, in bytes. */
  budget?: number;
}

/** What a build produced and found. `ok` is false on a gate violation or an exceeded budget. */
export interface BuildResult {
  board: Board;
  node: NodeConfig;
  code: string;
  map: string;
  violations: GateViolation[];
  sizes: ModuleSize[];
  total: number;
  budget: number;
  ok: boolean;
}

/** Looks a board up by id; throws naming the allowed ids. */
export function boardById(id: string): Board {
  const board = BOARDS[id];
  if (board === undefined) throw new Error(`--board: "${id}" is not a board; allowed: ${BOARD_IDS.join(", ")}`);
  return board;
}

/** Runs the whole build for one board, in memory. */
export async function buildBundle(request: BuildRequest): Promise<BuildResult> {
  const board = boardById(request.board);
  const nodeFile = request.nodeFile ?? EXAMPLE_NODE;
  const node = loadNode(nodeFile, board);
  const bundle = await bundleForEspruino({
    entry: request.entry ?? DEFAULT_ENTRY,
    define: { MOTE_NODE: JSON.stringify(node) },
  });
  const violations = checkBundle(bundle.code, bundle.map);
  const total = Buffer.byteLength(bundle.code);
  const budget = request.budget ?? board.bundleBudget;
  return {
    board,
    node,
    code: bundle.code,
    map: bundle.map,
    violations,
    sizes: moduleSizes(bundle.metafile),
    total,
    budget,
    ok: violations.length === 0 && total <= budget,
  };
}
