/**
 * Shared parts of the client's integration tests (integration*.test.ts): our
 * client on the Node transport and real timers against a real broker,
 * MQTT.js as the independent peer, bounded waits, a seeded random source, and
 * one list of what a test opened so an afterEach hook closes all of it.
 */
import { connect, type MqttClient as PeerClient } from "mqtt";
import { createClient, type ClientOptions, type MqttClient } from "../../../firmware/mqtt/client.ts";
import { connectSettings } from "../../../firmware/mqtt/connect.ts";
import type { Clock } from "../../../firmware/mqtt/transport.ts";
import type { ConnectOptions } from "../../../firmware/mqtt/packets.ts";
import { NodeTransport, nodeClock } from "../../../sim/mqtt/node-transport.ts";

/** Where a client connects: a broker, a proxy or a fake server on 127.0.0.1. */
export interface Endpoint {
  host: string;
  port: number;
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Polls `condition` every 5 ms; rejects after `timeout` ms with `describe()` in the message. */
export async function waitFor(condition: () => boolean, timeout: number, describe: () => string): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${describe()}`);
    await delay(5);
  }
}

/** Rejects if `promise` has not settled after `timeout` ms. */
export async function within<T>(promise: Promise<T>, timeout: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms waiting for ${what}`)), timeout);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Everything a test opened, closed in reverse order by `closeAll` (afterEach). */
export class Opened {
  private readonly closers: (() => unknown)[] = [];

  add(close: () => unknown): void {
    this.closers.push(close);
  }

  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    while (this.closers.length > 0) {
      try {
        await this.closers.pop()!();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** nodeClock that remembers its pending timers, so cleanup can cancel whatever a client left scheduled. */
function trackedClock(opened: Opened): Clock {
  const pending = new Set<unknown>();
  opened.add(() => {
    for (const handle of pending) nodeClock.clearTimeout(handle);
  });
  return {
    now: nodeClock.now,
    setTimeout(callback, milliseconds) {
      const handle: unknown = nodeClock.setTimeout(() => {
        pending.delete(handle);
        callback();
      }, milliseconds);
      pending.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      pending.delete(handle);
      nodeClock.clearTimeout(handle);
    },
  };
}

/** NodeTransport that can also lose a connection between receiving and replying. */
export class TestTransport extends NodeTransport {
  private cut = false;

  override open(host: string, port: number): void {
    this.cut = false;
    super.open(host, port);
  }

  override send(buffer: Uint8Array, start: number, end: number): void {
    if (!this.cut) super.send(buffer, start, end);
  }

  override sendString(data: string): void {
    if (!this.cut) super.sendString(data);
  }

  /** From now on drops what is sent, and destroys the socket on the next turn: the link dies after a receipt, before any reply leaves. */
  cutBeforeReply(): void {
    this.cut = true;
    setImmediate(() => this.destroy());
  }
}

/** Our client with what happened to it. */
export interface TestClient {
  client: MqttClient;
  transport: TestTransport;
  /** sessionPresent of each accepted CONNACK. */
  connacks: boolean[];
  /** Reason of each ended connection (REASON_*). */
  reasons: number[];
}

/** Client options for loopback tests: 4 KiB buffers, a 32-message window, 50-400 ms backoff with jitter (Math.random). */
export function testOptions(endpoint: Endpoint, connectOptions: ConnectOptions, overrides: Partial<ClientOptions> = {}): ClientOptions {
  return {
    host: endpoint.host, port: endpoint.port, ...connectSettings(connectOptions),
    receiveBuffer: 4096, sendBuffer: 4096, socketQueue: 65536,
    inflightWindow: 32, queueMessages: 1000, queueBytes: 1 << 20,
    connectTimeout: 3000, reconnectMin: 50, reconnectMax: 400, jitter: 0.5,
    ...overrides,
  };
}

/** Creates our client (not started) over a NodeTransport; `opened` ends it, closes its socket and cancels its timers. */
export function createTestClient(opened: Opened, options: ClientOptions): TestClient {
  const transport = new TestTransport();
  const client = createClient(options, transport, trackedClock(opened));
  const connacks: boolean[] = [];
  const reasons: number[] = [];
  client.onConnect = (sessionPresent) => connacks.push(sessionPresent);
  client.onDisconnect = (reason) => reasons.push(reason);
  opened.add(() => transport.destroy());
  opened.add(() => client.end());
  return { client, transport, connacks, reasons };
}

/** An MQTT.js 5 client (MQTT 3.1.1, 50 ms reconnect period), connected; `opened` ends it. */
export async function connectPeer(opened: Opened, endpoint: Endpoint, clientId: string, clean: boolean): Promise<PeerClient> {
  const peer = connect({
    host: endpoint.host, port: endpoint.port, protocolVersion: 4, clientId, clean,
    reconnectPeriod: 50, connectTimeout: 3000, keepalive: 30,
  });
  peer.on("error", () => {});
  opened.add(() => peer.endAsync(true));
  await within(new Promise((resolve) => peer.once("connect", resolve)), 5000, `MQTT.js ${clientId} to connect`);
  return peer;
}
