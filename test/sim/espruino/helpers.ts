/**
 * Shared set-up for the emulated-interpreter tests: environments on a fresh
 * clock (disposed after each test) and real TCP servers on loopback.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { BOARDS } from "../../../boards/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { EspruinoEnvironment, type EnvironmentOptions } from "../../../sim/espruino/environment.ts";

const live: EspruinoEnvironment[] = [];
const servers: { instance: net.Server; sockets: net.Socket[] }[] = [];

/** A new environment for board `boardId` on its own clock; disposed by {@link cleanUp}. */
export function environment(boardId: string, options: Partial<EnvironmentOptions> = {}): EspruinoEnvironment {
  const env = new EspruinoEnvironment({ board: BOARDS[boardId]!, clock: options.clock ?? new VirtualClock(), ...options });
  live.push(env);
  return env;
}

/** A TCP server on 127.0.0.1 at a free port, closed by {@link cleanUp}. */
export async function server(onConnection: (socket: net.Socket) => void): Promise<{ port: number; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const instance = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    onConnection(socket);
  });
  servers.push({ instance, sockets });
  await new Promise<void>((resolve) => instance.listen(0, "127.0.0.1", resolve));
  return { port: (instance.address() as net.AddressInfo).port, sockets };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Waits for `condition` in real time (for what servers see). */
export async function eventually(condition: () => boolean, milliseconds = 2000): Promise<void> {
  const end = performance.now() + milliseconds;
  while (!condition()) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Runs `env` until `condition` holds, for at most `within` virtual ms, in slices of 100 virtual ms (steps of `step`)
 * with 1 ms of real time after each, so a broker and a peer that run in real time keep up; then asserts that the
 * interpreter reported no error and that `condition` held, with `describe()` as the message.
 */
export async function runUntilHeld(env: EspruinoEnvironment, condition: () => boolean, within: number, describe: () => string, step = 50): Promise<void> {
  const end = env.clock.now() + within;
  let held = false;
  while (!held && env.clock.now() < end) {
    held = await env.runUntil(condition, { until: Math.min(end, env.clock.now() + 100), step });
    if (!held) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.deepEqual(env.errors, []);
  assert.ok(held, describe());
}

/** Disposes every environment and closes every server (mocha afterEach). */
export async function cleanUp(): Promise<void> {
  for (const env of live.splice(0)) env.dispose();
  for (const { instance, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => instance.close(() => resolve()));
  }
}

/** A host copy of JSON-like realm data (realm arrays and objects have the realm's prototypes). */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
