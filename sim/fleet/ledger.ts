/**
 * The fleet simulator's books: every telemetry report a node produced (seen
 * by wrapping the node's `client.publish` inside the emulated interpreter),
 * its first transmission and its PUBACK (seen on the wire, decoded by
 * mqtt-packet from the node's socket bytes), and every copy a subscriber on
 * the broker received. A report is named by its node and the (boot, seq)
 * pair the firmware puts in each report.
 *
 * From these: per QoS, how many were produced, refused by the node (its
 * queue full), acknowledged, received at least once, duplicated, lost
 * (produced, never received), and, for QoS 1, how many first arrivals came
 * out of production order; publish-to-acknowledgement latency from the first
 * transmission to the PUBACK, in virtual ms (what the node's clock saw,
 * including added latency and queueing while offline) and real ms (what the
 * host and broker took).
 */

/** One report a node produced. */
interface Produced {
  qos: number;
  /** Position in the node's production order. */
  order: number;
  refused: boolean;
  sentVirtual: number | null;
  sentReal: number | null;
  acked: boolean;
  received: number;
}

/** Counts for one QoS level. */
export interface QosSummary {
  produced: number;
  /** Refused by the node's client (queue full, too large): never sent. */
  refused: number;
  /** QoS 1: a PUBACK came back for it. */
  acknowledged: number;
  /** Received at least once by the subscriber. */
  received: number;
  /** Copies received beyond the first. */
  duplicates: number;
  /** Produced and never received (refused ones included). */
  lost: number;
  /** First arrivals that came after a report the same node produced later (QoS 1 only; 0 means in order per node). */
  outOfOrder: number;
}

/** Percentiles of a latency sample, ms (null when there was none). */
export interface Latency {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** What the ledger found. */
export interface LedgerSummary {
  qos0: QosSummary;
  qos1: QosSummary;
  /** Telemetry the subscriber received that no node was seen producing (must be 0). */
  unknown: number;
  /** First transmission to PUBACK, virtual ms. */
  ackVirtual: Latency;
  /** First transmission to PUBACK, real ms. */
  ackReal: Latency;
  /** Per node with a QoS 1 loss: its id and the lost (boot, seq) pairs, at most 10 each. */
  lostExamples: { node: string; reports: string[] }[];
}

/** A (boot, seq) pair as `boot:seq`, or null when the payload is not a numbered report. */
export function reportKey(payload: string): string | null {
  try {
    const report = JSON.parse(payload) as { boot?: unknown; seq?: unknown };
    if (typeof report.boot != "number" || typeof report.seq != "number") return null;
    return report.boot + ":" + report.seq;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length == 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.length == 0 ? null : sorted[sorted.length - 1]! };
}

function emptyQos(): QosSummary {
  return { produced: 0, refused: 0, acknowledged: 0, received: 0, duplicates: 0, lost: 0, outOfOrder: 0 };
}

/** The books of one fleet run; see the file comment. */
export class Ledger {
  private readonly nodes = new Map<string, Map<string, Produced>>();
  /** Per node, report keys in the order of their first arrival. */
  private readonly arrivals = new Map<string, string[]>();
  private readonly ackVirtual: number[] = [];
  private readonly ackReal: number[] = [];
  private unknownReceived = 0;
  /** Reports produced after the books closed, by node: their copies are neither counted nor unknown. */
  private readonly late = new Set<string>();
  /** While false, new productions are not booked (the drain after the run's end). */
  open = true;

  private producedBy(node: string): Map<string, Produced> {
    let reports = this.nodes.get(node);
    if (reports === undefined) {
      reports = new Map();
      this.nodes.set(node, reports);
      this.arrivals.set(node, []);
    }
    return reports;
  }

  /** The node's client was asked to publish a report (`result` < 0: refused). */
  produced(node: string, payload: string, qos: number, result: number): void {
    const key = reportKey(payload);
    if (key === null) return;
    const reports = this.producedBy(node);
    if (!this.open) {
      if (!reports.has(key)) this.late.add(node + " " + key);
      return;
    }
    if (reports.has(key)) return;
    reports.set(key, { qos, order: reports.size, refused: result < 0, sentVirtual: null, sentReal: null, acked: false, received: 0 });
  }

  /** A PUBLISH of a report left the node (first transmission counts). */
  sent(node: string, key: string, virtual: number, real: number): void {
    const report = this.nodes.get(node)?.get(key);
    if (report === undefined || report.sentVirtual !== null) return;
    report.sentVirtual = virtual;
    report.sentReal = real;
  }

  /** A PUBACK for a report reached the node. */
  acknowledged(node: string, key: string, virtual: number, real: number): void {
    const report = this.nodes.get(node)?.get(key);
    if (report === undefined || report.acked) return;
    report.acked = true;
    if (report.sentVirtual !== null && report.sentReal !== null) {
      this.ackVirtual.push(virtual - report.sentVirtual);
      this.ackReal.push(real - report.sentReal);
    }
  }

  /** The subscriber received a copy of a node's report. */
  received(node: string, payload: string): void {
    const key = reportKey(payload);
    const report = key === null ? undefined : this.nodes.get(node)?.get(key);
    if (report === undefined) {
      if (key === null || !this.late.has(node + " " + key)) this.unknownReceived++;
      return;
    }
    if (report.received == 0) this.arrivals.get(node)!.push(key!);
    report.received++;
  }

  /** The ids of the nodes that produced reports. */
  get nodeIds(): string[] {
    return [...this.nodes.keys()];
  }

  /** The reports a node produced, in production order (refused ones included), with the virtual time each first left the node (null: never). */
  booked(node: string): { key: string; qos: number; refused: boolean; sent: number | null }[] {
    return [...(this.nodes.get(node) ?? new Map<string, Produced>())].map(([key, report]) => ({ key, qos: report.qos, refused: report.refused, sent: report.sentVirtual }));
  }

  /** QoS 1 reports produced (and not refused) that the subscriber has not received yet. */
  get outstanding(): number {
    let count = 0;
    for (const reports of this.nodes.values()) for (const report of reports.values()) if (report.qos > 0 && !report.refused && report.received == 0) count++;
    return count;
  }

  /** Reports produced so far, all QoS. */
  get producedCount(): number {
    let count = 0;
    for (const reports of this.nodes.values()) count += reports.size;
    return count;
  }

  /** Reports received at least once so far, all QoS. */
  get receivedCount(): number {
    let count = 0;
    for (const arrivals of this.arrivals.values()) count += arrivals.length;
    return count;
  }

  summary(): LedgerSummary {
    const byQos = [emptyQos(), emptyQos()];
    const lostExamples: { node: string; reports: string[] }[] = [];
    for (const [node, reports] of this.nodes) {
      const lost: string[] = [];
      for (const [key, report] of reports) {
        const counts = byQos[report.qos > 0 ? 1 : 0]!;
        counts.produced++;
        if (report.refused) counts.refused++;
        if (report.acked) counts.acknowledged++;
        if (report.received > 0) {
          counts.received++;
          counts.duplicates += report.received - 1;
        } else {
          counts.lost++;
          if (report.qos > 0) lost.push(key);
        }
      }
      let latest = -1;
      for (const key of this.arrivals.get(node)!) {
        const report = reports.get(key)!;
        if (report.qos == 0) continue;
        if (report.order < latest) byQos[1]!.outOfOrder++;
        else latest = report.order;
      }
      if (lost.length > 0) lostExamples.push({ node, reports: lost.slice(0, 10) });
    }
    return { qos0: byQos[0]!, qos1: byQos[1]!, unknown: this.unknownReceived, ackVirtual: latency(this.ackVirtual), ackReal: latency(this.ackReal), lostExamples };
  }
}
