/**
 * Says which broker a test ran against: in the describe title (so it shows in
 * every report, passing or failing) and as a printed line when the broker
 * starts (so the port is in the log next to any failure).
 */
import type { Broker, BrokerKind } from "../../sim/brokers.ts";

/** A describe title naming the broker, e.g. "MQTT client QoS 1 stress [broker: mosquitto 2.0.11]". */
export function brokerTitle(title: string, kind: BrokerKind): string {
  return `${title} [broker: ${kind.name}]`;
}

/** Prints "broker: <name> on 127.0.0.1:<port> (<what>)" indented under mocha's spec output. */
export function reportBroker(broker: Broker, what: string): void {
  console.log(`      broker: ${broker.name} on ${broker.host}:${broker.port} (${what})`);
}
