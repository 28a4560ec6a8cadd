import assert from "node:assert/strict";
import { Ledger, reportKey } from "../../../sim/fleet/ledger.ts";

const report = (boot: number, seq: number) => JSON.stringify({ boot, seq, uptime: 1 });

describe("fleet ledger", () => {
  it("names reports by boot and seq", () => {
    assert.equal(reportKey(report(2, 7)), "2:7");
    assert.equal(reportKey('{"uptime":1}'), null);
    assert.equal(reportKey("not json"), null);
  });

  it("counts produced, refused, acknowledged, received, duplicates, lost and out-of-order per QoS", () => {
    const ledger = new Ledger();
    for (let seq = 1; seq <= 4; seq++) ledger.produced("a", report(1, seq), 1, 0);
    ledger.produced("a", report(1, 5), 1, -3);
    ledger.produced("a", report(1, 6), 0, 0);
    ledger.produced("a", report(1, 7), 0, 0);
    ledger.sent("a", "1:1", 100, 5000);
    ledger.sent("a", "1:1", 150, 5100);
    ledger.acknowledged("a", "1:1", 130, 5020);
    ledger.acknowledged("a", "1:1", 160, 5200);
    for (const seq of [1, 3, 2, 3, 1, 6]) ledger.received("a", report(1, seq));
    ledger.received("a", report(9, 9));
    assert.equal(ledger.outstanding, 1, "1:4 (1:5 was refused, it will never come)");
    const summary = ledger.summary();
    assert.deepEqual(summary.qos1, { produced: 5, refused: 1, acknowledged: 1, received: 3, duplicates: 2, lost: 2, outOfOrder: 1 });
    assert.deepEqual(summary.qos0, { produced: 2, refused: 0, acknowledged: 0, received: 1, duplicates: 0, lost: 1, outOfOrder: 0 });
    assert.equal(summary.unknown, 1);
    assert.deepEqual(summary.ackVirtual, { count: 1, p50: 30, p99: 30, max: 30 });
    assert.deepEqual(summary.ackReal, { count: 1, p50: 20, p99: 20, max: 20 });
    assert.deepEqual(summary.lostExamples, [{ node: "a", reports: ["1:4", "1:5"] }]);
  });

  it("books nothing produced after it closes, and does not call those reports unknown when they arrive", () => {
    const ledger = new Ledger();
    ledger.produced("a", report(1, 1), 1, 0);
    ledger.open = false;
    ledger.produced("a", report(1, 2), 1, 0);
    ledger.received("a", report(1, 2));
    ledger.received("a", report(1, 1));
    const summary = ledger.summary();
    assert.equal(summary.qos1.produced, 1);
    assert.equal(summary.qos1.lost, 0);
    assert.equal(summary.unknown, 0);
  });

  it("takes p50 and p99 as nearest-rank percentiles", () => {
    const ledger = new Ledger();
    for (let seq = 1; seq <= 200; seq++) {
      ledger.produced("a", report(1, seq), 1, 0);
      ledger.sent("a", "1:" + seq, 0, 0);
      ledger.acknowledged("a", "1:" + seq, seq, seq * 2);
    }
    const summary = ledger.summary();
    assert.deepEqual(summary.ackVirtual, { count: 200, p50: 100, p99: 198, max: 200 });
    assert.equal(summary.ackReal.p99, 396);
  });
});
