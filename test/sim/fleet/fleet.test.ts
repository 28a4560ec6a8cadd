/**
 * The fleet simulator end to end: 20 nodes (the example node's esp32 bundle)
 * through a simulated hour of every fault kind against a real broker, with an
 * independent MQTT.js subscriber whose count the summary must match; the
 * per-node bundle copy against a real build; and `npm run sim`'s verdict
 * (exit code) on a run that loses QoS 1 reports and one that does not.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tokenizer } from "acorn";
import type { MqttClient as PeerClient } from "mqtt";
import { buildBundle, EXAMPLE_NODE, ROOT } from "../../../scripts/build/build.ts";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { preferredBroker, startAedes, type Broker } from "../../../sim/brokers.ts";
import { buildTemplate, fleetNodeId, nodeCode, PLACEHOLDER_CONNECT, PLACEHOLDER_ID, runFleet, type FleetSummary } from "../../../sim/fleet/fleet.ts";
import { Ledger, reportKey } from "../../../sim/fleet/ledger.ts";
import { readFaultPlan } from "../../../sim/fleet/plan.ts";
import { failures, formatSummary } from "../../../sim/fleet/report.ts";
import { brokerTitle, reportBroker } from "../../support/broker-report.ts";
import { Opened, connectPeer, waitFor } from "../../firmware/mqtt/integration-kit.ts";

/** Whether two scripts have the same tokens, identifiers renamed one-to-one; the first difference otherwise. */
function sameUpToRenaming(first: string, second: string): { difference: string | null; tokens: number } {
  const options = { ecmaVersion: "latest" as const };
  const tokens = (code: string) => [...tokenizer(code, options)].map((token) => ({ type: token.type, value: (token as unknown as { value: unknown }).value }));
  const left = tokens(first);
  const right = tokens(second);
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const a = left[index];
    const b = right[index];
    if (a === undefined || b === undefined || a.type !== b.type) return { difference: `token ${index}: ${a?.type.label} vs ${b?.type.label}`, tokens: index };
    if (a.type.label == "name") {
      const name = String(a.value);
      const other = String(b.value);
      if ((forward.get(name) ?? other) !== other || (backward.get(other) ?? name) !== name) return { difference: `token ${index}: ${name} renamed both ${forward.get(name) ?? name} and ${other}`, tokens: index };
      forward.set(name, other);
      backward.set(other, name);
    } else if (String(a.value) !== String(b.value)) return { difference: `token ${index}: ${String(a.value)} vs ${String(b.value)}`, tokens: index };
  }
  return { difference: null, tokens: left.length };
}

const NODES = 20;
const HOUR = 3600;

describe("fleet simulator: one build, an id per node", () => {
  it("gives each node the bundle its own id would build", async function () {
    this.timeout(60000);
    const template = await buildTemplate({});
    const id = fleetNodeId("example", 7, 20);
    assert.equal(id, "example-07");
    const description = JSON.parse(readFileSync(EXAMPLE_NODE, "utf8")) as Record<string, unknown>;
    const file = join(mkdtempSync(join(tmpdir(), "mote-fleet-")), "node.json");
    writeFileSync(file, JSON.stringify({ ...description, id }));
    const own = await buildBundle({ board: "esp32", nodeFile: file });
    const copy = nodeCode(template, id);
    assert.ok(!copy.includes(PLACEHOLDER_ID) && !copy.includes(PLACEHOLDER_CONNECT));
    // esbuild picks short names by the output's character frequencies, which the id changes: same code up to a renaming.
    const renamed = sameUpToRenaming(copy, own.code);
    assert.equal(renamed.difference, null, `the copy differs from the build for ${id}: ${renamed.difference}`);
    assert.ok(renamed.tokens > 5000);
    const long = fleetNodeId("a-very-long-node-identifier-here", 999, 1000);
    assert.ok(long.length <= 32 && long.startsWith("a-very-long-node") && long.endsWith("-999"), long);
  });

  it("checks that what the nodes publish fits the send buffer with the fleet's ids, not the template's placeholder", async function () {
    this.timeout(60000);
    const description = JSON.parse(readFileSync(ROOT + "test/firmware/node/node-e2e-esp8266.json", "utf8")) as Record<string, unknown>;
    const file = join(mkdtempSync(join(tmpdir(), "mote-fleet-")), "node.json");
    // the placeholder id is longer than "bench-7", and would not fit
    assert.ok(PLACEHOLDER_ID.length > "bench-7".length + 10);
    writeFileSync(file, JSON.stringify(description));
    assert.ok((await buildTemplate({ nodeFile: file, nodes: 10, budget: 100000 })).code.includes(PLACEHOLDER_ID));
    writeFileSync(file, JSON.stringify({ ...description, id: "a-very-long-node-identifier-here" }));
    await assert.rejects(buildTemplate({ nodeFile: file, nodes: 10, budget: 100000 }), /node "a-very-long-node-identifier-he-9" on board esp8266: its telemetry report can reach \d+ bytes/);
  });
});

const kind = preferredBroker();
describe(brokerTitle("fleet simulator: 20 nodes, a simulated hour, every fault kind", kind), function () {
  this.timeout(600000);
  const opened = new Opened();
  let broker: Broker;
  let peer: PeerClient;
  /** What the test's own subscriber received: per node, report keys in arrival order, with copies. */
  const arrivals = new Map<string, string[]>();
  let summary: FleetSummary;
  const ledger = new Ledger();

  before(async () => {
    broker = await kind.start({ persistence: true });
    opened.add(() => broker.stop());
    reportBroker(broker, "fleet e2e");
    peer = await connectPeer(opened, broker, `fleet-test-${process.pid}`, false);
    peer.on("message", (topic, payload) => {
      const node = topic.split("/")[1]!;
      const key = reportKey(payload.toString());
      if (key === null) return;
      if (!arrivals.has(node)) arrivals.set(node, []);
      arrivals.get(node)!.push(key);
    });
    await peer.subscribeAsync("mote/+/telemetry", { qos: 1 });
    summary = await runFleet({ nodes: NODES, duration: HOUR, plan: readFaultPlan(ROOT + "faults/every-fault.json"), brokerHandle: broker, ledger });
    console.log(formatSummary(summary).replace(/^/gm, "      "));
    // The test's subscriber is a second session: give it the time the fleet's observer had.
    await waitFor(() => ledger.nodeIds.every((node) => ledger.booked(node).every((report) => report.qos == 0 || report.refused || (arrivals.get(node) ?? []).includes(report.key))), 20000, () => "the test subscriber to receive every booked QoS 1 report");
  });
  after(() => opened.closeAll());

  it("ran every node through every fault kind and lost no QoS 1 report", () => {
    assert.deepEqual(failures(summary), []);
    assert.equal(summary.nodes, NODES);
    for (const count of Object.values(summary.faults)) assert.ok(count >= 1, JSON.stringify(summary.faults));
    assert.equal(summary.nodeErrors, 0);
    assert.equal(summary.qos1.lost, 0);
    assert.equal(summary.qos1.refused, 0);
    assert.equal(summary.qos1.outOfOrder, 0);
    // 20 nodes × 60 reports an hour, plus a first report after each of the 4 power-on restarts.
    assert.ok(summary.qos1.produced >= NODES * (HOUR / 60), `produced ${summary.qos1.produced}`);
    assert.equal(summary.qos1.acknowledged, summary.qos1.produced);
    assert.equal(summary.restarts, 4, "0.2 of 20 nodes lost power once");
    assert.ok(summary.reconnects >= NODES + 5 + 4, `a broker restart reconnects every node, a WiFi drop 5 and power losses 4 more: ${summary.reconnects}`);
    assert.ok(summary.ackVirtual.max! >= 200, "the latency fault shows in publish-to-PUBACK on the node's clock");
    assert.ok(summary.memory.variablesAverage > 500 && summary.memory.variablesAverage < summary.memory.variablesTotal);
  });

  it("counts what an independent subscriber received: every booked report, in production order per node", () => {
    let distinct = 0;
    for (const node of ledger.nodeIds) {
      const booked = ledger.booked(node);
      const got = arrivals.get(node) ?? [];
      const firsts = [...new Set(got)].filter((key) => booked.some((report) => report.key == key));
      distinct += firsts.length;
      const qos1 = booked.filter((report) => report.qos == 1).map((report) => report.key);
      assert.deepEqual(firsts.filter((key) => qos1.includes(key)), qos1, `node ${node}: first arrivals in (boot, seq) order, none missing`);
    }
    assert.equal(ledger.nodeIds.length, NODES);
    assert.equal(distinct, summary.qos1.received + summary.qos0.received);
    assert.equal(summary.qos1.received, summary.qos1.produced);
  });
});

describe("fleet simulator: two fleets on one broker (one simulator per machine against a cluster)", function () {
  this.timeout(120000);
  it("each counts only its own nodes: nothing unknown, nothing lost", async () => {
    const broker = await startAedes({ persistence: true });
    try {
      const [first, second] = await Promise.all([
        runFleet({ nodes: 2, duration: 180, brokerHandle: broker }),
        runFleet({ nodeFile: ROOT + "test/sim/fleet/fast-node.json", nodes: 2, duration: 180, brokerHandle: broker }),
      ]);
      assert.deepEqual([first.unknown, second.unknown], [0, 0]);
      assert.deepEqual(failures(first).concat(failures(second)), []);
      assert.equal(first.qos1.received, first.qos1.produced);
      assert.equal(second.qos1.received, second.qos1.produced);
      assert.ok(second.qos1.produced > first.qos1.produced, "the fast nodes report every 5 s, the example every 60 s");
    } finally {
      await broker.stop();
    }
  });
});

describe("fleet simulator: overlapping faults", function () {
  this.timeout(120000);
  it("keeps a node offline from the first WiFi drop's start to the last one's end", async () => {
    const ledger = new Ledger();
    const summary = await runFleet({
      nodeFile: ROOT + "test/sim/fleet/fast-node.json",
      duration: 300,
      // 120 s offline at a report every 5 s: 24 reports, within what the node queues.
      plan: { faults: [{ at: 100, kind: "wifi-drop", for: 120 }, { at: 130, kind: "wifi-drop", for: 20 }] },
      ledger,
    });
    assert.deepEqual(failures(summary), []);
    const sent = ledger.booked(ledger.nodeIds[0]!).map((report) => report.sent!);
    assert.ok(sent.length > 55, `reports every 5 s: ${sent.length}`);
    assert.deepEqual(sent.filter((time) => time > 101000 && time < 220000), [], "nothing left the node while either drop was on");
    assert.ok(sent.filter((time) => time >= 220000 && time < 235000).length >= 20, "the backlog left once both were over");
  });
});

describe("npm run sim: summary and exit code", function () {
  this.timeout(180000);

  function sim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, ["--import", "tsx", ROOT + "scripts/sim.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 170000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  it("exits 0 with PASS when nothing was lost", () => {
    const run = sim("--nodes", "2", "--duration", "120");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^1 +\d+ +0 +\d+ +\d+ +0 +0 +0$/m);
    assert.match(run.stdout, /PASS: no QoS 1 report lost/);
  });

  it("loses nothing through an outage of 80 reports, 2.5 times the client's RAM queue: the flash queue keeps and feeds them", () => {
    const run = sim("--node", ROOT + "test/sim/fleet/fast-node.json", "--duration", "440", "--faults", ROOT + "test/sim/fleet/outage.json");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    // 400 s offline at one report per 5 s is 80 reports; the client queues 32, flash 128.
    const row = /^1 +(\d+) +(\d+) +(\d+) +(\d+) +\d+ +(\d+) +(\d+)$/m.exec(run.stdout);
    assert.ok(row, run.stdout);
    const [produced, refused, acknowledged, received, lost, reordered] = row.slice(1).map(Number);
    assert.ok(produced! >= 85, run.stdout);
    assert.deepEqual([refused, acknowledged, received, lost, reordered], [0, produced, produced, 0, 0], run.stdout);
  });

  it("exits 1 naming the lost reports when an outage outlasts the node's flash queue", () => {
    const run = sim("--node", ROOT + "test/sim/fleet/fast-node.json", "--duration", "940", "--faults", ROOT + "test/sim/fleet/lossy.json");
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const lost = /FAIL: (\d+) QoS 1 report\(s\) lost \(node boot:seq\): fast-0 /.exec(run.stdout);
    assert.ok(lost, run.stdout);
    // 900 s offline at one report per 5 s is 180 reports; flash keeps the last 128 (the client holds 32 of the oldest).
    assert.ok(Number(lost[1]) >= 20, run.stdout);
  });

  it("exits 2 naming the field of a bad plan", () => {
    const run = sim("--faults", ROOT + "test/sim/fleet/fast-node.json");
    assert.equal(run.status, 2);
    assert.match(run.stderr, /fast-node\.json: invalid fault plan:\n {2}- faults: missing/);
  });
});
