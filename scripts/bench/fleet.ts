/**
 * Fleet suite (issue #7): a thousand emulated nodes, each reporting QoS 1
 * telemetry every second (nodes/fleet-1s.json), against mosquitto when it is
 * installed (the embedded aedes otherwise), for a simulated minute through
 * the fleet simulator (sim/fleet/). Minutes of real time, so it runs only
 * when asked for: `npm run bench -- --suite fleet` (`--quick`: 100 nodes,
 * 10 simulated seconds).
 *
 * The rows set each figure against what it is measured by: reports received
 * per real second against the rate the fleet produces them per simulated
 * second (a ratio of 1 is real time), the share of QoS 1 reports that
 * arrived (1 is none lost), publish-to-PUBACK p99 in real time against the
 * telemetry period, heap variables per node against the board's heap. The
 * whole summary (host memory per node, CPU) goes to stderr.
 */
import { ROOT } from "../build/build.ts";
import { availableBrokers } from "../../sim/brokers.ts";
import { runFleet } from "../../sim/fleet/fleet.ts";
import { formatSummary } from "../../sim/fleet/report.ts";
import { lowerIsBetterResult, type BenchResult, type BenchSuite } from "./measure.ts";

export const fleetSuite: BenchSuite = {
  name: "fleet",
  optional: true,
  async run(settings): Promise<BenchResult[]> {
    const nodes = settings.quick ? 100 : 1000;
    const duration = settings.quick ? 10 : 60;
    const broker = availableBrokers()[0]!.name.startsWith("mosquitto") ? "mosquitto" : "aedes";
    const summary = await runFleet({ nodeFile: ROOT + "nodes/fleet-1s.json", nodes, duration, broker });
    process.stderr.write(formatSummary(summary) + "\n");
    const produced = summary.qos1.produced;
    const received = summary.qos1.received / summary.realSeconds;
    const perSimulated = produced / duration;
    const delivered = produced == 0 ? 0 : summary.qos1.received / produced;
    const label = `${nodes} nodes, QoS 1 every 1 s, ${summary.broker}`;
    return [
      { name: `fleet ${label}: reports received per real s`, unit: "msg/s", ours: received, peer: "produced per simulated s (ratio 1 = real time)", peerValue: perSimulated, ratio: received / perSimulated },
      { name: `fleet ${label}: QoS 1 reports delivered`, unit: "share", ours: delivered, peer: "all produced", peerValue: 1, ratio: delivered },
      lowerIsBetterResult(`fleet ${label}: publish to PUBACK p99, real time`, "ms", summary.ackReal.p99 ?? Infinity, "the telemetry period", 1000),
      lowerIsBetterResult(`fleet ${label}: heap variables per node`, "variables", summary.memory.variablesAverage, `${summary.board} heap`, summary.memory.variablesTotal),
    ];
  },
};
