/**
 * Runs the `espruino` command-line tools (npm package `espruino`) as a child
 * process, captures what they print, and bounds how long they may take.
 *
 * Facts about the tools (0.1.67) that shape this file, read in
 * node_modules/espruino/bin/espruino-cli.js:
 * - they exit 0 even when the port cannot be opened ("Unable to connect!" on
 *   stderr), so success is judged from the output, not the exit code;
 * - `--storage fn:file` splits at every ":" and `-o` wants a name containing
 *   ".js", so callers pass short relative names and run the tools in a
 *   scratch directory (a Windows path such as C:\… would otherwise break);
 * - with a port and neither a file nor `-e`, they become an interactive
 *   terminal; stdin is /dev/null here, so that case ends at once instead of
 *   hanging.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Absolute path of the tools' command-line script (the package's `bin.espruino`). */
export function espruinoCliPath(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("espruino/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: { espruino: string } };
  return join(dirname(manifestPath), manifest.bin.espruino);
}

/** How to run the tools once. */
export interface EspruinoRun {
  args: readonly string[];
  /** Working directory; relative file arguments are read from and written to it. */
  cwd: string;
  /** The tools are stopped and the run fails after this many milliseconds. */
  timeoutMs: number;
  /**
   * Once stdout contains `marker`, the run ends successfully at most `ms`
   * milliseconds later even if the tools are still listening (they wait for
   * 500 ms of quiet from the board, which a chatty program never gives).
   */
  settle?: { marker: string; ms: number };
  /** Called with each piece of output as it arrives (for live progress). */
  onOutput?: (text: string, stream: "stdout" | "stderr") => void;
}

/** What a run printed. `stopped` is true when it was ended by `settle`. */
export interface EspruinoOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stopped: boolean;
}

/** Runs the tools; rejects on a failure to start or on the time limit, with what they printed. */
export function runEspruinoCli(run: EspruinoRun): Promise<EspruinoOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [espruinoCliPath(), ...run.args], {
      cwd: run.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let stopped = false;
    let timedOut = false;
    let settleTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, run.timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      stdout += text;
      run.onOutput?.(text, "stdout");
      if (run.settle !== undefined && settleTimer === undefined && stdout.includes(run.settle.marker)) {
        settleTimer = setTimeout(() => {
          stopped = true;
          stop();
        }, run.settle.ms);
      }
    });
    child.stderr.on("data", (text: string) => {
      stderr += text;
      run.onOutput?.(text, "stderr");
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      clearTimeout(settleTimer);
      reject(new Error(`espruino: could not run ${espruinoCliPath()}: ${error.message}`));
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      clearTimeout(settleTimer);
      if (timedOut && !stopped) {
        reject(new Error(`espruino: no result after ${run.timeoutMs / 1000} s; stopped it. Its output:\n${(stdout + stderr).trim()}`));
        return;
      }
      resolve({ exitCode, stdout, stderr, stopped });
    });
  });
}
