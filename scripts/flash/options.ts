/**
 * The flash command's options: parsed from the command line and checked, so a
 * mistake fails before anything is built or any port is opened, with a message
 * that names the option, the value and what is allowed.
 */
import { parseArgs } from "node:util";
import { BOARD_IDS } from "../../boards/index.ts";

/** Boards that run a bundle from their `.bootcde` Storage file. */
export const FLASHABLE_BOARDS: readonly string[] = ["esp32", "esp8266"];

/** The console speed of Espruino's ESP32 and ESP8266 builds, in baud. */
export const DEFAULT_BAUD = 115200;

export const FLASH_USAGE =
  "usage: npm run flash -- --board esp32|esp8266 --port /dev/ttyUSB0 [--baud 115200] [--node FILE]\n" +
  "       npm run flash -- --board esp32|esp8266 --dry-run --out FILE [--node FILE]";

/** What to flash and where. Exactly one of `port` (a real upload) or `out` (a dry run) is set. */
export interface FlashOptions {
  board: string;
  /** Node description file; the build's example node when absent. */
  nodeFile?: string;
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

/** Parses and checks the flash command's arguments (without the leading node and script paths). */
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
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FlashUsageError(`${message}; allowed options: --board, --port, --baud, --node, --dry-run, --out`);
  }

  const board = values.board;
  if (board === undefined) throw new FlashUsageError(`--board is required; allowed: ${FLASHABLE_BOARDS.join(", ")}`);
  if (board === "linux") {
    throw new FlashUsageError(
      `--board: "linux" is not flashable: the Linux build is not a board but a program on the Pi; ` +
        `build it with \`npm run build -- --board linux\` and run \`espruino dist/linux.js\` there. ` +
        `Flashable boards: ${FLASHABLE_BOARDS.join(", ")}`,
    );
  }
  if (!FLASHABLE_BOARDS.includes(board)) {
    const known = BOARD_IDS.includes(board) ? "is not flashable" : "is not a board";
    throw new FlashUsageError(`--board: "${board}" ${known}; allowed: ${FLASHABLE_BOARDS.join(", ")}`);
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
