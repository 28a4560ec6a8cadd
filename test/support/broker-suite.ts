/**
 * A real broker for one describe block of tests that run emulated devices
 * against it (the node bundles, the client's device bundle): started once
 * before the tests and reported, stopped after them; after each test, the
 * peers it opened are closed and its emulated environments disposed.
 */
import assert from "node:assert/strict";
import type { MqttClient as PeerClient } from "mqtt";
import { LOOPBACK, type Broker, type BrokerKind } from "../../sim/brokers.ts";
import { Opened, connectPeer } from "../firmware/mqtt/integration-kit.ts";
import { cleanUp } from "../sim/espruino/helpers.ts";
import { reportBroker } from "./broker-report.ts";

/** The broker of a describe block and what its running test opened. */
export interface BrokerSuite {
  /** What the running test opened, closed after it. */
  readonly opened: Opened;
  /** The broker the block's before hook started. */
  broker(): Broker;
  /** An MQTT.js peer with a clean session on the broker, closed after the test. */
  peer(clientId: string): Promise<PeerClient>;
}

/**
 * Registers the hooks of the describe block it is called in: before the tests, `prepare()` (building what they run;
 * it returns what the broker line says), then a broker of `kind` without persistence, reported with that; after
 * each test, its peers closed and its environments disposed; after the tests, the broker stopped.
 */
export function brokerSuite(kind: BrokerKind, prepare: () => Promise<string>): BrokerSuite {
  const opened = new Opened();
  let running: Broker | undefined;

  before(async () => {
    const what = await prepare();
    running = await kind.start({ persistence: false });
    reportBroker(running, what);
  });

  after(async () => {
    await running?.stop();
  });

  afterEach(async () => {
    await opened.closeAll();
    await cleanUp();
  });

  const broker = (): Broker => running ?? assert.fail(`the ${kind.name} broker is not running: its before hook failed or has not run`);
  return {
    opened,
    broker,
    peer: (clientId) => connectPeer(opened, { host: LOOPBACK, port: broker().port }, clientId, true),
  };
}
