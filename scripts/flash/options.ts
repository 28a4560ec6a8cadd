/**
 * The flash command's options: parsed from the command line and checked, so a
 * mistake fails before anything is built or any port is opened, with a message
 * that names the option, the value and what is allowed.
 */
import { parseArgs } from "node:util";
import { BOARD_IDS } from "../../boards/index.ts";
import { chooseBoard, parseBudget } from "../build/build.ts";

/** Boards that run a bundle from their `.bootcde` Storage file. */
export const FLASHABLE_BOARDS: readonly string[] = ["esp32", "esp8266"];

/** The console speed of Espruino's ESP32 and ESP8266 builds, in baud. */
export const DEFAULT_BAUD = 115200;

export const FLASH_USAGE =
  "usage: npm run flash -- [--board esp32|esp8266] --port /dev/ttyUSB0 [--baud 115200] [--node FILE] [--budget BYTES]\n" +
  "       npm run flash -- [--board esp32|esp8266] --dry-run --out FILE [--node FILE] [--budget BYTES]\n" +
  "       (without --board: the description's board, else esp32)";

/** What to flash and where. Exactly one of `port` (a real upload) or `out` (a dry run) is set. */
export interface FlashOptions {
  /** --board, else the description's `board`, else esp32. */
  board: string;
  /** Node description file; the build's example node when absent. */
  nodeFile?: string;
  /** Overrides the board's bundle budget, in bytes (as the build's --budget). */
  budget?: number;
  /** Serial port (or anything `espruino -p` accepts, such as tcp://host:port). */
  port?: string;
  /** Serial speed in baud. */
  baud: number;
  /** Dry run: the file the upload is written to instead of a board. */
  out?: string;
}

/** A command-line mistake; the message says which option and what is allowed. */
export class FlashUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${FLASH_USAGE}`);
    this.name = "FlashUsageError";
  }
}

/**
 * Parses and checks the flash command's arguments (without the leading node
 * and script paths). Without --board it reads the description (the example
 * node when --node is absent) for its `board`.
 */
export function parseFlashArguments(argv: readonly string[]): FlashOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        board: { type: "string" },
        port: { type: "string" },
        baud: { type: "string" },
        node: { type: "string" },
        "dry-run": { type: "boolean" },
        out: { type: "string" },
        budget: { type: "string" },
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FlashUsageError(`${message}; allowed options: --board, --port, --baud, --node, --budget, --dry-run, --out`);
  }

  const board = chooseBoard(values.board, values.node);
  const source = values.board !== undefined ? "--board" : `the description's board`;
  if (board === "linux") {
    throw new FlashUsageError(
      `${source}: "linux" is not flashable: the Linux build is not a board but a program on the Pi; ` +
        `build it with \`npm run build -- --board linux\` and run \`espruino dist/linux.js\` there. ` +
        `Flashable boards: ${FLASHABLE_BOARDS.join(", ")}`,
    );
  }
  if (!FLASHABLE_BOARDS.includes(board)) {
    const known = BOARD_IDS.includes(board) ? "is not flashable" : "is not a board";
    throw new FlashUsageError(`${source}: "${board}" ${known}; allowed: ${FLASHABLE_BOARDS.join(", ")}`);
  }

  let baud = DEFAULT_BAUD;
  if (values.baud !== undefined) {
    baud = Number(values.baud);
    if (!/^[0-9]+$/.test(values.baud) || !Number.isSafeInteger(baud) || baud <= 0) {
      throw new FlashUsageError(`--baud: "${values.baud}" is not allowed; expected a whole number of baud, such as ${DEFAULT_BAUD}`);
    }
  }

  const options: FlashOptions = { board, baud };
  if (values.node !== undefined) options.nodeFile = values.node;
  if (values.budget !== undefined) {
    try {
      options.budget = parseBudget(values.budget);
    } catch (error) {
      throw new FlashUsageError((error as Error).message);
    }
  }

  if (values["dry-run"] === true) {
    if (values.out === undefined || values.out === "") throw new FlashUsageError("--dry-run needs --out FILE, the file the upload is written to");
    if (values.port !== undefined) throw new FlashUsageError(`--port: "${values.port}" is not allowed with --dry-run, which connects to nothing`);
    if (values.baud !== undefined) throw new FlashUsageError(`--baud: "${values.baud}" is not allowed with --dry-run, which connects to nothing`);
    options.out = values.out;
  } else {
    if (values.out !== undefined) throw new FlashUsageError(`--out: "${values.out}" is only allowed with --dry-run`);
    if (values.port === undefined || values.port === "") {
      throw new FlashUsageError("--port is required to flash a board, e.g. --port /dev/ttyUSB0 (or --dry-run --out FILE to connect to nothing)");
    }
    options.port = values.port;
  }
  return options;
}
