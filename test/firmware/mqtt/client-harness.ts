/**
 * One MQTT client over a FakeTransport and a VirtualClock, with its callbacks
 * recorded, for the client*.test.ts files. `checkHarnesses` (an afterEach in
 * each file) fails a test whose client broke the Transport contract or threw
 * out of a timer callback.
 */
import { strict as assert } from "node:assert";
import { createClient } from "../../../firmware/mqtt/client.ts";
import { connectSettings } from "../../../firmware/mqtt/connect.ts";
import type { ClientOptions, MqttClient } from "../../../firmware/mqtt/client.ts";
import type { ConnectOptions } from "../../../firmware/mqtt/packets.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { connack, FakeTransport } from "./fake-transport.ts";

/** The CONNECT fields of defaultOptions. */
export const DEFAULT_CONNECT: ConnectOptions = { clientId: "mote-1", cleanSession: true, keepalive: 10 };

/** Small, round options: keepalive 10 s, connect timeout 5 s, backoff 1 s .. 8 s without jitter. */
export function defaultOptions(): ClientOptions {
  return {
    host: "broker.test", port: 1883,
    ...connectSettings(DEFAULT_CONNECT),
    receiveBuffer: 256, sendBuffer: 256, socketQueue: 1024,
    inflightWindow: 4, queueMessages: 16, queueBytes: 1024,
    connectTimeout: 5000, reconnectMin: 1000, reconnectMax: 8000, jitter: 0,
  };
}

/** Option overrides; `connect` fields merge into the default CONNECT options. */
export type Overrides = Omit<Partial<ClientOptions>, "connect"> & { connect?: Partial<ConnectOptions> };

export interface Harness {
  client: MqttClient;
  transport: FakeTransport;
  clock: VirtualClock;
  options: ClientOptions;
  /** onConnect arguments (sessionPresent), in order. */
  connects: boolean[];
  /** onDisconnect reasons, in order. */
  disconnects: number[];
  /** onSubscribeFailed filters, in order. */
  failedFilters: string[];
  /** Exceptions thrown out of timer callbacks. */
  timerErrors: unknown[];
}

const live: Harness[] = [];

/** Merges overrides into the defaults; `connect` goes through connectSettings, which throws on an invalid field. */
export function makeOptions(overrides: Overrides = {}): ClientOptions {
  const defaults = defaultOptions();
  const { connect, ...rest } = overrides;
  return { ...defaults, ...connectSettings({ ...DEFAULT_CONNECT, ...connect }), ...rest } as ClientOptions;
}

/** An idle client (not started) with its fake transport and clock at 0. */
export function setup(overrides: Overrides = {}): Harness {
  const clock = new VirtualClock();
  const transport = new FakeTransport(clock);
  const options = makeOptions(overrides);
  const client = createClient(options, transport, clock);
  const harness: Harness = { client, transport, clock, options, connects: [], disconnects: [], failedFilters: [], timerErrors: [] };
  clock.onError = (error) => harness.timerErrors.push(error);
  client.onConnect = (sessionPresent) => harness.connects.push(sessionPresent);
  client.onDisconnect = (reason) => harness.disconnects.push(reason);
  client.onSubscribeFailed = (filter) => harness.failedFilters.push(filter);
  live.push(harness);
  return harness;
}

/** Starts (if idle), accepts the connection, answers CONNACK; returns what was sent before and right after it. */
export function connectReady(harness: Harness, sessionPresent = false): string[] {
  if (harness.transport.link == "idle") harness.client.start();
  harness.transport.accept();
  harness.transport.deliver(connack(sessionPresent, 0));
  return harness.transport.takeSummaries();
}

/** Drops the link and runs the backoff timer, so the client opens again (not yet accepted). */
export function dropAndReopen(harness: Harness): void {
  harness.transport.drop();
  const due = harness.clock.nextDue();
  assert.notEqual(due, undefined, "a reconnect is scheduled");
  harness.clock.advanceTo(due!);
  assert.equal(harness.transport.link, "opening");
}

/** afterEach: every client of the test kept the Transport contract and threw nothing out of a timer. */
export function checkHarnesses(): void {
  const harnesses = live.splice(0);
  for (const harness of harnesses) {
    assert.deepEqual(harness.transport.violations, [], "transport contract violations");
    assert.deepEqual(harness.timerErrors, [], "exceptions out of timer callbacks");
  }
}
