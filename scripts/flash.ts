/**
 * `npm run flash -- [--board esp32|esp8266] --port /dev/ttyUSB0 [--baud 115200] [--node FILE] [--budget BYTES]`
 * `npm run flash -- [--board esp32|esp8266] --dry-run --out FILE [--node FILE] [--budget BYTES]`
 * Builds the full node for the board (--board, else the description's
 * `board`, else esp32), failing as `npm run build` does on a bad
 * description, a gate violation or an exceeded budget, writes it to the
 * board's `.bootcde` Storage file with the `espruino` command-line tools and
 * restarts the interpreter so it runs. A dry run connects to nothing and
 * writes the exact upload to FILE. `--board linux` is refused: the Linux build
 * runs `espruino dist/linux.js` and has nothing to flash.
 */
import { overBudgetMessage, type BuildResult } from "./build/build.ts";
import { formatSizeTable } from "./build/size-table.ts";
import { FlashError, estimateUploadSeconds, flashBoard } from "./flash/flash.ts";
import { parseFlashArguments } from "./flash/options.ts";
import { formatViolations } from "./gate/index.ts";

function printBuild(board: string, build: BuildResult): void {
  console.log(`\n${build.board.title}: node "${build.node.id}"`);
  console.log(formatSizeTable(board, build.sizes, build.total, build.budget));
  if (build.violations.length > 0) {
    console.error(`\nEspruino compatibility gate: ${build.violations.length} problem(s) in the ${board} bundle:`);
    console.error(formatViolations(build.violations));
  }
  const over = overBudgetMessage(build);
  if (over !== null) console.error(`\n${over}`);
}

async function main(): Promise<number> {
  const options = parseFlashArguments(process.argv.slice(2));
  const dryRun = options.out !== undefined;
  const result = await flashBoard(options, {
    onBuilt: (build) => {
      printBuild(options.board, build);
      if (!dryRun) {
        console.log(`\nsending ${build.total} bytes to .bootcde on ${options.port} (about ${estimateUploadSeconds(build.total)} s at the tools' throttled rate)`);
      }
    },
    onOutput: (text, stream) => {
      if (!dryRun) process[stream].write(text);
    },
  });
  if (!result.build.ok) {
    printBuild(options.board, result.build);
    console.error(`\nnothing was sent to ${dryRun ? options.out : options.port}`);
    return 1;
  }
  if (dryRun) {
    console.log(`wrote ${options.out}: the upload of ${result.build.total} bytes to .bootcde, as \`espruino ${result.espruinoArgs.join(" ")}\` writes it`);
  } else {
    console.log(`\nflashed ${result.build.total} bytes to .bootcde on ${options.port} and restarted it with load()`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A real upload has already shown the tools' output as it came.
    const streamed = error instanceof FlashError && !process.argv.includes("--dry-run");
    console.error(streamed ? `\n${error.reason}` : error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
