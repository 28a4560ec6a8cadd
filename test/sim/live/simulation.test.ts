/**
 * The live simulator (`npm start`): the example node on the embedded aedes,
 * in real time, driven through the Simulation API; and the front-end as a
 * child process with stdin, ended by `quit`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as net from "node:net";
import { connect } from "mqtt";
import { ROOT } from "../../../scripts/build/build.ts";
import { LOOPBACK } from "../../../sim/brokers.ts";
import { startSimulation, type Simulation } from "../../../sim/live/simulation.ts";
import { waitFor, within } from "../../firmware/mqtt/integration-kit.ts";

const BASE = "mote/example";

/** Whether a TCP connection to `port` on loopback is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: LOOPBACK, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code == "ECONNREFUSED"));
  });
}

describe("live simulator (npm start)", function () {
  this.timeout(15000);
  let simulation: Simulation | null = null;

  afterEach(async () => {
    await simulation?.stop();
    simulation = null;
  });

  it("comes up online with telemetry, obeys relay on, reports a bad payload, and frees its port on stop", async () => {
    const live = await startSimulation();
    simulation = live;
    const relayPin = live.hardware.pin("D5");
    await waitFor(() => live.status == "online" && live.telemetry !== null, 6000, () => live.view());
    assert.match(live.view(), /node online/);
    assert.equal(typeof live.telemetry!["uptime"], "number");
    assert.ok((live.telemetry!["heap"] as number) > 0, live.view());
    assert.match(live.view(), /uptime \d+s, heap \d+ variables free/);
    await waitFor(() => live.actuatorStates["relay"] == "OFF", 2000, () => live.view());
    const offLevel = relayPin.level;

    assert.equal(await live.command("relay on"), `published on to ${BASE}/relay/set`);
    await waitFor(() => live.actuatorStates["relay"] == "ON", 3000, () => live.view());
    assert.notEqual(relayPin.level, offLevel, "the relay pin flipped");
    assert.match(live.view(), /relay \[relay\]: ON/);

    const late = connect({ host: LOOPBACK, port: live.endpoint.port, protocolVersion: 4, clientId: "live-late", reconnectPeriod: 0 });
    try {
      const retained = new Promise<[string, string, boolean]>((resolve) => late.on("message", (topic, payload, packet) => resolve([topic, payload.toString(), packet.retain])));
      await within(new Promise((resolve) => late.once("connect", resolve)), 3000, "the late subscriber to connect");
      await late.subscribeAsync(`${BASE}/relay/state`, { qos: 1 });
      assert.deepEqual(await within(retained, 3000, "the retained relay state"), [`${BASE}/relay/state`, "ON", true]);
    } finally {
      await late.endAsync(true);
    }

    await live.command("relay banana");
    await waitFor(() => live.errors.some((line) => line.includes("banana")), 3000, () => live.view());
    assert.match(live.view(), /errors:\n {2}node: \{"error":"relay: expected ON, OFF or TOGGLE","input":"banana"\}/);
    assert.match(await live.command("lamp on"), /^unknown command "lamp on"; allowed: relay on\|off\|<payload>/);

    const port = live.endpoint.port;
    await live.stop();
    assert.equal(await refused(port), true, "nothing listens on the broker's port after stop()");
  });

  it("runs as npm start does: --command \"relay on\", the view on stdout, quit ends it with code 0", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", ROOT + "scripts/start.ts", "--command", "relay on"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await waitFor(() => output.includes("relay [relay]: ON"), 12000, () => "the view to show the relay ON; output:\n" + output.slice(-2000));
      child.stdin.write("quit\n");
      const [code, signal] = await within(exited, 3000, "the simulator to exit after quit");
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, output.slice(-2000));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
