import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checkFaultPlan, FaultPlanError, planEvents, readFaultPlan, type FaultPlan } from "../../../sim/fleet/plan.ts";

function problems(value: unknown): string[] {
  try {
    checkFaultPlan(value, "plan.json");
  } catch (error) {
    assert.ok(error instanceof FaultPlanError, String(error));
    return error.problems;
  }
  return assert.fail("the plan was accepted");
}

describe("fault plans", () => {
  it("accepts the shipped plan, which has every fault kind", () => {
    const plan = readFaultPlan("faults/every-fault.json");
    assert.deepEqual(new Set(plan.faults.map((fault) => fault.kind)), new Set(["wifi-drop", "broker-restart", "latency", "chunking", "power-loss"]));
    assert.ok(JSON.parse(readFileSync("faults/every-fault.json", "utf8")).$schema.endsWith("fault-plan.schema.json"));
  });

  it("names the field, the value and what is allowed for every problem", () => {
    assert.deepEqual(problems({ faults: [{ at: -1, kind: "flood" }] }), [
      'faults[0].at: -1 is not allowed; expected a number of at least 0',
      'faults[0].kind: "flood" is not allowed; expected one of wifi-drop, broker-restart, latency, chunking, power-loss',
    ]);
    assert.deepEqual(problems({ faults: [{ at: 1, kind: "wifi-drop", nodes: 2 }] }), [
      'faults[0].nodes: 2 is not allowed; expected "all", a fraction of the nodes (above 0, at most 1) or a list of node indexes from 0',
    ]);
    assert.deepEqual(problems({ faults: [{ at: 1, kind: "latency" }, { at: 1, kind: "chunking", for: 5 }, { at: 2, kind: "broker-restart", nodes: "all", ms: 3 }] }), [
      "faults[0].for: missing; a latency needs how long it lasts, in seconds (a number >= 0)",
      "faults[0].ms: missing; a latency fault needs the milliseconds to add (an integer from 0 to 60000)",
      "faults[1].bytes: missing; a chunking fault needs the largest piece in bytes (an integer from 1 to 536)",
      "faults[2]: ms and jitter are only allowed on a latency fault, not on broker-restart",
      "faults[2].nodes: a broker-restart affects every node; remove nodes",
    ]);
    assert.match(problems({ faults: [], extra: 1 })[0]!, /^extra: unknown field; allowed: /);
  });

  it("turns faults into start and end events in time order, on the nodes chosen", () => {
    const plan: FaultPlan = { seed: 3, faults: [
      { at: 10, kind: "power-loss", nodes: [4, 1, 1] },
      { at: 5, kind: "wifi-drop", for: 5, nodes: "all" },
      { at: 10, kind: "latency", for: 1.5, ms: 100, jitter: 20, nodes: 0.5 },
    ] };
    const events = planEvents(plan, 6);
    assert.deepEqual(events.map((event) => [event.at, event.kind, event.begins]), [
      [5000, "wifi-drop", true],
      [10000, "wifi-drop", false],
      [10000, "power-loss", true],
      [10000, "latency", true],
      [10000, "power-loss", false],
      [11500, "latency", false],
    ]);
    assert.deepEqual(events[0]!.nodes, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(events[2]!.nodes, [1, 4]);
    const half = events[3]!.nodes;
    assert.equal(half.length, 3);
    assert.deepEqual(planEvents(plan, 6)[3]!.nodes, half, "the seed makes the choice repeatable");
    assert.equal(events[3]!.ms, 100);
    assert.equal(events[3]!.jitter, 20);
    assert.throws(() => planEvents({ faults: [{ at: 0, kind: "power-loss", nodes: [9] }] }, 3), /faults\[0\]\.nodes: \[9\] not in this fleet; allowed: node indexes 0 to 2/);
  });
});
