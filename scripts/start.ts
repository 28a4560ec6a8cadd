/**
 * `npm start`: the live simulator (sim/live/). Builds the example node (or
 * `--node FILE`) for the ESP32, starts the embedded aedes broker on a free
 * loopback port (or uses `--broker mqtt://host:port`), boots the node in
 * the emulated interpreter in real time and shows its state, redrawn every
 * second on a terminal (printed only when it changes otherwise). Commands
 * come one per line on stdin and from `--command TEXT` (repeatable, run once
 * the node is online); `quit`, Ctrl-C or the end of stdin ends everything
 * with exit code 0.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { startSimulation, type Simulation, type SimulationOptions } from "../sim/live/simulation.ts";

const USAGE = "usage: npm start -- [--node FILE] [--broker mqtt://host:port] [--command TEXT]...";
const REDRAW_MS = 1000;
const CHANGES_MS = 250;

function options(): SimulationOptions {
  const { values } = parseArgs({
    options: {
      node: { type: "string" },
      broker: { type: "string" },
      command: { type: "string", multiple: true },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const chosen: SimulationOptions = { commands: values.command ?? [] };
  if (values.node !== undefined) chosen.nodeFile = values.node;
  if (values.broker !== undefined) chosen.broker = values.broker;
  return chosen;
}

async function main(): Promise<void> {
  let chosen: SimulationOptions;
  try {
    chosen = options();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  let simulation: Simulation;
  try {
    simulation = await startSimulation(chosen);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const terminal = process.stdout.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: terminal ? process.stdout : undefined, terminal: terminal && process.stdin.isTTY === true });
  let shown = "";
  let ending = false;

  function draw(): void {
    if (ending) return;
    const view = simulation.view();
    if (terminal) {
      process.stdout.write("\x1b[H\x1b[2J" + view + "\n");
      lines.setPrompt("> ");
      lines.prompt(true);
    } else if (view != shown) {
      process.stdout.write(view + "\n\n");
    }
    shown = view;
  }

  async function end(): Promise<void> {
    if (ending) return;
    ending = true;
    clearInterval(timer);
    lines.close();
    await simulation.stop();
    if (terminal) process.stdout.write("\nstopped\n");
    process.exit(0);
  }

  const timer = setInterval(draw, terminal ? REDRAW_MS : CHANGES_MS);
  lines.on("line", (text) => {
    void simulation.command(text).then(() => {
      if (simulation.stopped) void end();
      else draw();
    });
  });
  lines.on("SIGINT", () => void end());
  lines.on("close", () => void end());
  process.on("SIGINT", () => void end());
  process.on("SIGTERM", () => void end());
  draw();
}

void main();
