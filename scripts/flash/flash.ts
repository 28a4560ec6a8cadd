/**
 * Flashes one board: builds its bundle (scripts/build/build.ts), writes it to
 * the board's `.bootcde` Storage file with the `espruino` command-line tools,
 * and restarts the interpreter so the new bundle runs. A dry run connects to
 * nothing and writes the exact upload to a file instead.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildBundle, type BuildRequest, type BuildResult } from "../build/build.ts";
import { runEspruinoCli, type EspruinoOutput } from "./espruino-cli.ts";
import type { FlashOptions } from "./options.ts";

/** The Storage file Espruino runs at every boot. */
export const BOOT_FILE = ".bootcde";

/**
 * What the board is told after the upload. `load()` restarts the interpreter
 * and runs `.bootcde` as at power-up, without a hardware reset, so the serial
 * link stays open and the tools echo the node's first lines; it is the same
 * soft restart the Espruino tools append themselves when they save code to
 * flash (plugins/saveOnSend.js). It is given to the tools as a file rather
 * than with `-e` on purpose: with a file they send `reset();` before
 * anything else (their RESET_BEFORE_SEND default, which `-e` alone turns
 * off), so the running program's timers and sockets are stopped before its
 * Storage file is replaced. Without either, the tools would open an
 * interactive terminal instead of exiting.
 */
export const AFTER_UPLOAD = "load()\n";

/** The tools' throttled rate over a UART console: 19 bytes every 50 ms (core/serial.js). */
const THROTTLED_BYTES_PER_SECOND = 19 / 0.05;
/** The tools' payload per `Storage.write` line (core/utils.js CHUNKSIZE), each followed by a 250 ms pause. */
const STORAGE_CHUNK_BYTES = 384;

/** A rough upload time for `bytes` of bundle through the tools' throttled serial writes, in seconds. */
export function estimateUploadSeconds(bytes: number): number {
  const lines = Math.ceil(bytes / STORAGE_CHUNK_BYTES);
  const sentCharacters = Math.ceil(bytes / 3) * 4 + lines * 60;
  return Math.ceil(sentCharacters / THROTTLED_BYTES_PER_SECOND + lines * 0.25);
}

/** What a flash did. `uploaded` is false when the build failed (see `build`), in which case nothing was sent. */
export interface FlashResult {
  build: BuildResult;
  uploaded: boolean;
  /** The tools' arguments (file names relative to their scratch directory). */
  espruinoArgs: string[];
  /** What the tools printed. */
  output: string;
}

/** Progress and limits; all optional. */
export interface FlashHooks {
  /** Live output from the tools and progress notes. */
  onOutput?: (text: string, stream: "stdout" | "stderr") => void;
  /** Called with a passing build before anything is sent. */
  onBuilt?: (build: BuildResult) => void;
  /** Overrides the time limit for the tools, in milliseconds. */
  timeoutMs?: number;
}

/** The tools' arguments: a dry run writes the upload to `upload.js`; a real one sends it to the port. */
export function espruinoArguments(options: FlashOptions, bundleFile: string, afterFile: string, uploadFile: string): string[] {
  const storage = ["--storage", `${BOOT_FILE}:${bundleFile}`];
  if (options.out !== undefined) return ["-n", ...storage, "-o", uploadFile, afterFile];
  if (options.port === undefined) throw new Error("--port is required to flash a board");
  // --no-ble: opening a port makes the tools list every transport, and their
  // Bluetooth one needs D-Bus (it crashes without it) and scans for seconds.
  return ["--no-ble", "-p", options.port, "-b", String(options.baud), ...storage, afterFile];
}

/** The upload failed; `reason` says how, `printed` is what the tools printed (also in the message). */
export class FlashError extends Error {
  constructor(
    readonly reason: string,
    readonly printed: string,
  ) {
    super(`${reason}. The espruino tools printed:\n${printed.trim()}`);
    this.name = "FlashError";
  }
}

function failure(reason: string, output: EspruinoOutput): FlashError {
  return new FlashError(reason, output.stdout + output.stderr);
}

/** Builds and flashes (or dry-runs) one board; throws with the tools' own message when the upload fails. */
export async function flashBoard(options: FlashOptions, hooks: FlashHooks = {}): Promise<FlashResult> {
  const request: BuildRequest = { board: options.board };
  if (options.nodeFile !== undefined) request.nodeFile = options.nodeFile;
  if (options.budget !== undefined) request.budget = options.budget;
  const build = await buildBundle(request);
  if (!build.ok) return { build, uploaded: false, espruinoArgs: [], output: "" };
  hooks.onBuilt?.(build);

  const scratch = mkdtempSync(join(tmpdir(), "mote-flash-"));
  try {
    const bundleFile = `${options.board}.js`;
    const afterFile = "after-upload.js";
    const uploadFile = "upload.js";
    writeFileSync(join(scratch, bundleFile), build.code);
    writeFileSync(join(scratch, afterFile), AFTER_UPLOAD);
    const espruinoArgs = espruinoArguments(options, bundleFile, afterFile, uploadFile);
    const run = {
      args: espruinoArgs,
      cwd: scratch,
      timeoutMs: hooks.timeoutMs ?? (options.out !== undefined ? 60_000 : 60_000 + 2000 * estimateUploadSeconds(build.total)),
      settle: { marker: "Upload Complete", ms: 3000 },
      ...(hooks.onOutput !== undefined ? { onOutput: hooks.onOutput } : {}),
    };
    const output = await runEspruinoCli(run);
    const printed = output.stdout + output.stderr;
    if (output.exitCode !== 0 && !output.stopped) throw failure(`espruino exited with code ${output.exitCode}`, output);

    if (options.out !== undefined) {
      const written = join(scratch, uploadFile);
      if (!existsSync(written)) throw failure("espruino wrote no upload file", output);
      copyFileSync(written, resolve(options.out));
      return { build, uploaded: false, espruinoArgs, output: printed };
    }
    if (/Unable to connect|Unable to open device|serial: Port .* not found/.test(output.stderr)) throw failure(`could not open ${options.port}`, output);
    if (/upload failed/i.test(output.stderr)) throw failure(`the upload to ${options.port} failed`, output);
    if (!output.stdout.includes("Upload Complete")) throw failure(`the upload to ${options.port} did not complete`, output);
    return { build, uploaded: true, espruinoArgs, output: printed };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
