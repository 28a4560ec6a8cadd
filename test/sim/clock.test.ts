import assert from "node:assert/strict";
import { VirtualClock, followRealTime } from "../../sim/clock.ts";

describe("VirtualClock", () => {
  it("runs timers in due order, ties in creation order, each at its due time", () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    clock.advance(15);
    assert.deepEqual(seen, ["a@10"]);
    assert.equal(clock.now(), 15);
    clock.advance(100);
    assert.deepEqual(seen, ["a@10", "b@20", "c@20"]);
    assert.equal(clock.now(), 115);
  });

  it("repeats intervals and runs timers added by timers within the same advance", () => {
    const clock = new VirtualClock();
    const ticks: number[] = [];
    const id = clock.setInterval(() => {
      ticks.push(clock.now());
      if (ticks.length === 2) clock.setTimeout(() => ticks.push(-clock.now()), 5);
    }, 100);
    clock.advance(350);
    assert.deepEqual(ticks, [100, 200, -205, 300]);
    assert.ok(clock.clear(id));
    clock.advance(1000);
    assert.equal(ticks.length, 4);
    assert.equal(clock.pending, 0);
  });

  it("an interval can clear itself; clear of an unknown id is ignored", () => {
    const clock = new VirtualClock();
    let count = 0;
    const id: number = clock.setInterval(() => {
      count++;
      if (count === 3) clock.clear(id);
    }, 10);
    clock.advance(1000);
    assert.equal(count, 3);
    assert.equal(clock.clear(12345), false);
  });

  it("a throwing timer is reported and the clock goes on", () => {
    const clock = new VirtualClock();
    const errors: unknown[] = [];
    clock.onError = (error) => errors.push(error);
    let ran = false;
    clock.setTimeout(() => {
      throw new Error("boom");
    }, 1);
    clock.setTimeout(() => (ran = true), 2);
    clock.advance(5);
    assert.equal(errors.length, 1);
    assert.ok(ran);
  });

  it("a day of one-second intervals takes no real time to simulate", () => {
    const clock = new VirtualClock();
    let count = 0;
    clock.setInterval(() => count++, 1000);
    clock.advance(24 * 3600 * 1000);
    assert.equal(count, 86400);
  });

  it("follows real time when asked", async () => {
    const clock = new VirtualClock();
    let fired = false;
    clock.setTimeout(() => (fired = true), 20);
    const stop = followRealTime(clock, 5);
    await new Promise((resolve) => setTimeout(resolve, 80));
    stop();
    assert.ok(fired);
    assert.ok(clock.now() >= 20);
  });
});
