import assert from "node:assert/strict";
import fc from "fast-check";
import { VirtualClock, followRealTime } from "../../sim/clock.ts";

/** The clock's rules written the slow, obvious way: scan every timer for the next one. */
class ReferenceClock {
  time = 0;
  private nextId = 1;
  private sequence = 0;
  timers: { id: number; due: number; interval: number; sequence: number; name: string; action?: () => void }[] = [];
  add(name: string, delay: number, interval: number, action?: () => void): number {
    this.timers.push({ id: this.nextId, due: this.time + delay, interval, sequence: this.sequence++, name, ...(action ? { action } : {}) });
    return this.nextId++;
  }
  clear(id: number): void {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  }
  advanceTo(target: number, fired: string[]): void {
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.due - b.due || a.sequence - b.sequence)[0];
      if (next === undefined || next.due > target) break;
      this.time = Math.max(this.time, next.due);
      if (next.interval > 0) {
        next.due += next.interval;
        next.sequence = this.sequence++;
      } else this.clear(next.id);
      fired.push(`${next.name}@${this.time}`);
      next.action?.();
    }
    this.time = Math.max(this.time, target);
  }
}

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

  it("fires the same timers at the same times as a scan-everything reference, through random adds, clears and advances", () => {
    type Op =
      | { op: "timeout" | "interval"; delay: number }
      | { op: "clear"; pick: number }
      | { op: "advance"; by: number }
      | { op: "chain"; delay: number; then: number }
      | { op: "selfclear"; every: number; times: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant("chain" as const), delay: fc.integer({ min: 0, max: 50 }), then: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ op: fc.constant("selfclear" as const), every: fc.integer({ min: 1, max: 20 }), times: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ op: fc.constantFrom("timeout" as const, "interval" as const), delay: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ op: fc.constant("clear" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("advance" as const), by: fc.integer({ min: 0, max: 120 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const clock = new VirtualClock();
        const reference = new ReferenceClock();
        const fired: string[] = [];
        const expected: string[] = [];
        const ids: [number, number][] = [];
        ops.forEach((step, index) => {
          if (step.op == "advance") {
            clock.advanceTo(clock.now() + step.by);
            reference.advanceTo(reference.time + step.by, expected);
          } else if (step.op == "clear") {
            if (ids.length == 0) return;
            const [ours, theirs] = ids[step.pick % ids.length]!;
            clock.clear(ours);
            reference.clear(theirs);
          } else if (step.op == "chain") {
            // A timeout whose callback schedules another: timers added while the clock runs.
            const name = `c${index}`;
            const ours = clock.setTimeout(() => {
              fired.push(`${name}@${clock.now()}`);
              clock.setTimeout(() => fired.push(`${name}+@${clock.now()}`), step.then);
            }, step.delay);
            const theirs = reference.add(name, step.delay, 0, () => reference.add(`${name}+`, step.then, 0));
            ids.push([ours, theirs]);
          } else if (step.op == "selfclear") {
            // An interval that clears itself from its own callback after `times` runs.
            const name = `s${index}`;
            let ours = 0;
            let oursLeft = step.times;
            ours = clock.setInterval(() => {
              fired.push(`${name}@${clock.now()}`);
              if (--oursLeft == 0) clock.clear(ours);
            }, step.every);
            let theirs = 0;
            let theirsLeft = step.times;
            theirs = reference.add(name, step.every, step.every, () => {
              if (--theirsLeft == 0) reference.clear(theirs);
            });
            ids.push([ours, theirs]);
          } else {
            const name = `t${index}`;
            const interval = step.op == "interval" ? Math.max(1, step.delay) : 0;
            const callback = () => fired.push(`${name}@${clock.now()}`);
            const ours = interval > 0 ? clock.setInterval(callback, step.delay) : clock.setTimeout(callback, step.delay);
            ids.push([ours, reference.add(name, step.delay, interval)]);
          }
          assert.equal(clock.pending, reference.timers.length);
          assert.equal(clock.nextDue(), reference.timers.length == 0 ? undefined : Math.min(...reference.timers.map((timer) => timer.due)));
        });
        assert.deepEqual(fired, expected);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
