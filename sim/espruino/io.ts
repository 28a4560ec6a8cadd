/**
 * How virtual time and real socket I/O interleave.
 *
 * Device code only ever runs from the {@link VirtualClock}: every socket
 * event is queued as a clock timer at the current virtual time and runs on
 * the next `advance` (even `advance(0)`), never re-entrantly from a Node
 * callback. Real I/O (TCP to a broker on loopback) takes real time, so a
 * test must give Node's event loop turns between clock steps.
 *
 * The model: **virtual time stands still while real I/O is in flight.**
 * {@link IoActivity} counts operations the interpreter is waiting on
 * (connects and TLS handshakes under way, bytes handed to the socket and not
 * yet written to the kernel) and remembers when the last I/O happened.
 * {@link settle} turns Node's event loop and delivers what arrived (at the
 * current virtual time) until nothing is in flight and nothing has happened
 * for `quietMs` of real time. So a broker's reply lands at the same virtual
 * millisecond as the request that caused it (zero network latency unless the
 * NetworkModel adds some), however slow the host is, and a virtual timeout
 * never fires because the host was busy. Data a server pushes unprompted
 * arrives at whatever virtual time the next settle happens.
 */
import type { VirtualClock } from "../clock.ts";

/** Real I/O the emulated interpreter is waiting on. */
export class IoActivity {
  private inFlight = 0;
  private last = performance.now();
  /** Open real sockets (while there are none, virtual time may jump ahead). */
  openSockets = 0;

  /** An operation started (a connect, a write handed to the socket). */
  begin(): void {
    this.inFlight++;
    this.touch();
  }

  /** An operation finished. */
  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.touch();
  }

  /** Something happened on a socket (data arrived, it closed). */
  touch(): void {
    this.last = performance.now();
  }

  /** Operations in flight. */
  get pending(): number {
    return this.inFlight;
  }

  /** Real milliseconds since the last I/O. */
  get idleFor(): number {
    return performance.now() - this.last;
  }
}

/** Tuning for {@link settle}. */
export interface SettleOptions {
  /** Real milliseconds without I/O after which the network counts as quiet (default 5). */
  quietMs?: number;
  /** Real milliseconds to wait at most, then go on regardless (default 5000). */
  maxWaitMs?: number;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Lets real I/O catch up without moving virtual time: turns Node's event
 * loop, running whatever became due at the current virtual time, until
 * nothing is in flight and the sockets have been quiet for `quietMs`.
 */
export async function settle(clock: VirtualClock, activities: readonly IoActivity[], options: SettleOptions = {}): Promise<void> {
  const quietMs = options.quietMs ?? 5;
  const deadline = performance.now() + (options.maxWaitMs ?? 5000);
  for (;;) {
    await nextTurn();
    clock.advance(0);
    const busy = activities.some((activity) => activity.pending > 0);
    const recent = activities.some((activity) => activity.openSockets > 0 && activity.idleFor < quietMs);
    if ((!busy && !recent) || performance.now() > deadline) return;
    if (!busy) await pause(1);
  }
}
