/**
 * The fleet simulator behind `npm run sim`: N nodes, each running the built
 * bundle in its own emulated Espruino (own realm, flash, WiFi, hardware with
 * device models), all on one virtual clock, against one real broker (the
 * embedded aedes, mosquitto started here, or one named by URL), through a
 * timeline of faults (./plan.ts), with the books kept by ./ledger.ts.
 *
 * One build serves every node: the node description is built once with a
 * placeholder id (and client id), which each node's copy replaces with its
 * own (`<id>-<n>`); outside the CONNECT packet, replaced whole, the id
 * appears only in the node's base topic (`MOTE_TOPIC`) and, with discovery,
 * in the description the build bakes in, so the copy is the bundle that id
 * would build, up to the short names
 * esbuild picks (it ranks them by the output's character frequencies; a
 * test checks the two are the same tokens under a one-to-one renaming).
 *
 * Time runs as fast as the host allows: between clock steps real I/O settles
 * (sim/espruino/io.ts: virtual time stands still while a connect or a write
 * is in flight) and, up to a second of real time, until the broker answered
 * every request the nodes sent (CONNECT, QoS 1 PUBLISH, SUBSCRIBE, PINGREQ,
 * seen by decoding their socket bytes), so a reply lands at the virtual
 * millisecond of its request however busy the host (at the step's end, up
 * to `quantum` ms later, for a request made inside a step); the clock then jumps to the next timer, at least `quantum`
 * ms and at most `maxStep` ms ahead. After `duration` the books close to new
 * reports, every fault is lifted, and the fleet runs on (at most `drain`
 * virtual seconds) until every QoS 1 report produced has reached the
 * subscriber, which then gets a few real seconds to take in what is in
 * flight.
 *
 * The subscriber is MQTT.js with a persistent session (clean: false) on
 * `<prefix>/+/telemetry` at QoS 1, so the broker keeps its messages across
 * its own restarts (aedes keeps its persistence across restarts here,
 * mosquitto runs with persistence on).
 */
import { randomBytes } from "node:crypto";
import { transformSync } from "esbuild";
import { connect, type MqttClient } from "mqtt";
import * as mqttPacket from "mqtt-packet";
import type { NodeConfig } from "../../firmware/config.ts";
import { nodeConnectPacket } from "../../firmware/node/connect.ts";
import { telemetryTopic } from "../../firmware/node/topics.ts";
import { asciiJson, boardById, buildBundle, EXAMPLE_NODE } from "../../scripts/build/build.ts";
import { checkMessagesFit } from "../../scripts/build/message-fit.ts";
import { describedBoard, loadNode, readDescription } from "../../scripts/build/node-description.ts";
import { formatViolations } from "../../scripts/gate/index.ts";
import { availableBrokers, startAedes, startMosquitto, type Broker } from "../brokers.ts";
import { VirtualClock } from "../clock.ts";
import { EspruinoEnvironment } from "../espruino/environment.ts";
import { CHUNK_BYTES } from "../espruino/modules/socket.ts";
import type { Interpreter } from "../espruino/interpreter.ts";
import { settle, type IoActivity } from "../espruino/io.ts";
import { NetworkModel, type Endpoint, type NetworkTap } from "../espruino/network.ts";
import { seededRandom } from "../espruino/random.ts";
import { Hardware } from "../hardware/index.ts";
import { attachModels } from "../live/models.ts";
import { parseBrokerUrl } from "../live/simulation.ts";
import { Ledger, reportKey, type LedgerSummary } from "./ledger.ts";
import { FAULT_KINDS, planEvents, type FaultEvent, type FaultKind, type FaultPlan } from "./plan.ts";

/** The id the shared build carries, replaced in each node's copy. */
export const PLACEHOLDER_ID = "zzmotefleetplaceholderzz";
/** The CONNECT packet the shared build carries (in MOTE_CLIENT), replaced in each node's copy by the node's own: its length fields change with the id. */
export const PLACEHOLDER_CONNECT = "zzmotefleetconnectzz";

/** What {@link runFleet} runs. */
export interface FleetOptions {
  /** Node description (default nodes/example.json); its board unless `board` is given. */
  nodeFile?: string;
  board?: string;
  /** Number of nodes (default 1). */
  nodes?: number;
  /** `aedes` (embedded, the default), `mosquitto` (started here), or `mqtt://host:port`. */
  broker?: string;
  /** A running broker to use instead (the caller stops it); broker-restart faults restart it. */
  brokerHandle?: Broker;
  /** Simulated seconds (default 600). */
  duration?: number;
  plan?: FaultPlan;
  /** Where the plan came from, for messages. */
  planSource?: string;
  /** Smallest clock step in virtual ms (default: 1 up to 50 nodes, 20 above). */
  quantum?: number;
  /** Largest clock step in virtual ms (default 1000). */
  maxStep?: number;
  /** Most virtual seconds to run on after `duration` for reports still on their way (default 600). */
  drain?: number;
  /** Overrides the bundle budget (the default is the board's). */
  budget?: number;
  /** The books to keep (a test reads them afterwards); a new one by default. */
  ledger?: Ledger;
  /** Called about every second of real time while running. */
  onProgress?: (progress: FleetProgress) => void;
  /** Keep closure scopes whole in every node, so the memory figures count what Espruino keeps (see sim/espruino/keep-scopes.ts; parses each node's code once more at boot). */
  keepScopes?: boolean;
}

/** Where a run is. */
export interface FleetProgress {
  virtualSeconds: number;
  produced: number;
  received: number;
  phase: "run" | "drain";
}

/** What a run found: the ledger's counts and latencies plus the run's own figures. */
export interface FleetSummary extends LedgerSummary {
  nodes: number;
  board: string;
  broker: string;
  bundleBytes: number;
  /** Simulated seconds run (without the drain) and drained. */
  duration: number;
  drained: number;
  realSeconds: number;
  /** Faults started, by kind. */
  faults: Record<FaultKind, number>;
  /** MQTT connections the nodes opened beyond one each. */
  reconnects: number;
  /** Power-ons beyond the first boot (power losses, watchdog resets). */
  restarts: number;
  /** Uncaught exceptions in the nodes (must be 0). */
  nodeErrors: number;
  memory: {
    /** Heap variables in use per node, estimated by the emulator (average and largest of those sampled). */
    variablesAverage: number;
    variablesMax: number;
    variablesSampled: number;
    /** The board's heap, in variables. */
    variablesTotal: number;
    /** Host bytes per emulated node (resident set growth / nodes). */
    hostBytesPerNode: number;
  };
  /** Host CPU time over real time (1 = one core busy). */
  cpu: number;
  /** Reports produced per simulated second and per real second. */
  rate: { virtual: number; real: number };
}

/** Packets a node sends that the broker answers, and the answers. */
const REQUESTS = new Set(["connect", "subscribe", "unsubscribe", "pingreq", "pubrel", "pubrec"]);
const REPLIES = new Set(["connack", "suback", "unsuback", "pingresp", "puback", "pubrec", "pubrel", "pubcomp"]);
/** Virtual ms a node's heap estimate (`process.memory()`, in every report) is reused: estimating walks the realm. */
const MEMORY_REFRESH_MS = 60000;
/**
 * How the fleet settles real I/O between clock steps: until every write is
 * handed to the kernel, not until the sockets are quiet (a thousand nodes
 * are never quiet); the wait for replies is the fleet's own (HOLD_MS).
 */
const SETTLE = { quietMs: 0, maxWaitMs: 2000 };
/** Longest real time virtual time waits for the broker's replies, ms. */
const HOLD_MS = 1000;

/** One socket's decoders: what the node sent, what arrived for it, what it was handed. */
interface TapParsers {
  sent: mqttPacket.Parser;
  arrived: mqttPacket.Parser;
  received: mqttPacket.Parser;
  /** Requests on this socket still waiting for their reply. */
  awaiting: number;
}

interface FleetNode {
  id: string;
  index: number;
  env: EspruinoEnvironment;
  network: NetworkModel;
  telemetry: string;
  /** Packet id of a QoS 1 report in flight → its key. */
  inFlight: Map<number, string>;
  /** Faults of each kind on now (they may overlap). */
  active: Partial<Record<FaultKind, number>>;
  sockets: Set<number>;
  powerOns: number;
  off: boolean;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function startBroker(broker: string): Promise<{ broker: Broker | null; endpoint: Endpoint; name: string }> {
  if (broker == "aedes") {
    const started = await startAedes({ persistence: true });
    return { broker: started, endpoint: { host: started.host, port: started.port }, name: started.name };
  }
  if (broker == "mosquitto") {
    if (!availableBrokers().some((kind) => kind.name.startsWith("mosquitto"))) throw new Error("--broker mosquitto: mosquitto is not installed (Debian: apt-get install mosquitto); allowed: aedes, mosquitto, mqtt://host:port");
    const started = await startMosquitto({ persistence: true });
    return { broker: started, endpoint: { host: started.host, port: started.port }, name: started.name };
  }
  if (!broker.startsWith("mqtt:")) throw new Error(`--broker: "${broker}" is not allowed; expected aedes, mosquitto or mqtt://host:port`);
  const endpoint = parseBrokerUrl(broker);
  return { broker: null, endpoint, name: `${endpoint.host}:${endpoint.port}` };
}

/** The fleet's node `id` from the description `loaded`: `id` as node id and, if it sets one, as client id. */
function fleetNode(loaded: NodeConfig, id: string): NodeConfig {
  return { ...loaded, id, broker: { ...loaded.broker, clientId: loaded.broker.clientId ? id : "" } };
}

/** Node `id`'s copy of the fleet's bundle: its id, and its own CONNECT packet, printed as esbuild prints it in a build (in backticks when that is shorter). */
export function nodeCode(template: { code: string; node: NodeConfig }, id: string): string {
  const printed = transformSync("x=" + asciiJson(nodeConnectPacket(fleetNode(template.node, id))), { minify: true, charset: "ascii" }).code;
  const connect = printed.slice(2).replace(/;?\n$/, "");
  return template.code.split(PLACEHOLDER_ID).join(id).split(JSON.stringify(PLACEHOLDER_CONNECT)).join(connect);
}

/** Builds the node description once for the fleet: the placeholder as id (and client id, if it sets one) and as CONNECT packet. */
export async function buildTemplate(options: FleetOptions): Promise<{ code: string; node: NodeConfig }> {
  const nodeFile = options.nodeFile ?? EXAMPLE_NODE;
  const board = boardById(options.board ?? describedBoard(readDescription(nodeFile)) ?? "esp32");
  const loaded = loadNode(nodeFile, board);
  const node = fleetNode(loaded, PLACEHOLDER_ID);
  // what the nodes publish must fit the board's send buffer with their own ids (all of one length), not the placeholder's
  const count = options.nodes ?? 1;
  checkMessagesFit(fleetNode(loaded, fleetNodeId(loaded.id, count - 1, count)), board);
  const build = await buildBundle({ board: board.id, node, connect: PLACEHOLDER_CONNECT, messagesChecked: true, ...(options.budget === undefined ? {} : { budget: options.budget }) });
  if (build.violations.length > 0) throw new Error(`the bundle breaks the compatibility gate:\n${formatViolations(build.violations)}`);
  if (!build.ok) throw new Error(`the ${board.id} bundle is ${build.total} bytes, over its budget of ${build.budget}; pass a larger budget to simulate it anyway`);
  return { code: build.code, node: loaded };
}

/** Node `index`'s id: the description's id (cut to fit) and the index, e.g. `example-007`. */
export function fleetNodeId(base: string, index: number, nodes: number): string {
  const number = String(index).padStart(String(Math.max(0, nodes - 1)).length, "0");
  return base.slice(0, 31 - number.length) + "-" + number;
}

/** Runs a fleet (see the file comment) and returns its summary; everything it started is stopped. */
export async function runFleet(options: FleetOptions = {}): Promise<FleetSummary> {
  const count = options.nodes ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`--nodes: ${count} is not allowed; expected an integer >= 1`);
  const duration = options.duration ?? 600;
  if (!(duration > 0)) throw new Error(`--duration: ${duration} is not allowed; expected simulated seconds > 0`);
  const events = options.plan ? planEvents(options.plan, count, options.planSource) : [];
  if (events.some((event) => event.kind == "broker-restart") && !options.brokerHandle && options.broker?.startsWith("mqtt:")) throw new Error("the fault plan restarts the broker, which needs a broker the simulator runs (--broker aedes or mosquitto)");
  const template = await buildTemplate(options);
  const board = boardById(options.board ?? template.node.board);
  const handle = options.brokerHandle;
  const started = handle ? { broker: handle, endpoint: { host: handle.host, port: handle.port }, name: handle.name } : await startBroker(options.broker ?? "aedes");
  const fleet = new FleetRun(options, template, board.id, started.broker, !handle, started.endpoint, started.name, count, events);
  try {
    return await fleet.run(duration);
  } finally {
    await fleet.stop();
  }
}

class FleetRun {
  readonly clock = new VirtualClock();
  readonly ledger: Ledger;
  readonly nodes: FleetNode[] = [];
  private readonly ids = new Set<string>();
  private observer: MqttClient | null = null;
  private get observerTopic(): string {
    return telemetryTopic(this.template.node.topicPrefix, "+");
  }
  private readonly parsers = new Map<number, TapParsers>();
  /** Requests the nodes sent whose reply has not arrived yet, over all sockets. */
  private awaiting = 0;
  private readonly faults = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  private brokerDown = false;
  /** Broker restarts under way (they may overlap). */
  private brokerFaults = 0;
  private nodeErrors = 0;

  constructor(
    private readonly options: FleetOptions,
    private readonly template: { code: string; node: NodeConfig },
    private readonly boardId: string,
    private readonly broker: Broker | null,
    private readonly ownsBroker: boolean,
    private readonly endpoint: Endpoint,
    private readonly brokerName: string,
    private readonly count: number,
    private readonly events: FaultEvent[],
  ) {
    this.clock.onError = (error) => {
      this.nodeErrors++;
      console.error("fleet: uncaught in a timer:", error);
    };
    this.ledger = options.ledger ?? new Ledger();
  }

  async run(duration: number): Promise<FleetSummary> {
    await this.startObserver();
    const rssBefore = process.memoryUsage().rss;
    for (let index = 0; index < this.count; index++) this.boot(index);
    const cpuStart = process.cpuUsage();
    const realStart = performance.now();
    const start = this.clock.now();
    const end = start + duration * 1000;
    await this.runUntil(end, () => false, "run");
    this.ledger.open = false;
    await this.liftFaults();
    const drainLimit = end + (this.options.drain ?? 600) * 1000;
    await this.runUntil(drainLimit, () => this.ledger.outstanding == 0, "drain");
    const quietSince = performance.now();
    while (this.ledger.outstanding > 0 && performance.now() - quietSince < 5000) await delay(50);
    const realSeconds = (performance.now() - realStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const rssAfter = process.memoryUsage().rss;
    const sampled = this.sampleVariables();
    const summary = this.ledger.summary();
    const produced = summary.qos0.produced + summary.qos1.produced;
    let connections = 0;
    let powerOns = 0;
    for (const node of this.nodes) {
      connections += node.sockets.size;
      powerOns += node.powerOns;
      this.nodeErrors += node.env.errors.length;
    }
    return {
      ...summary,
      nodes: this.count,
      board: this.boardId,
      broker: this.brokerName,
      bundleBytes: Buffer.byteLength(this.template.code),
      duration,
      drained: (this.clock.now() - end) / 1000,
      realSeconds,
      faults: this.faults,
      reconnects: Math.max(0, connections - this.count),
      restarts: Math.max(0, powerOns - this.count),
      nodeErrors: this.nodeErrors,
      memory: {
        variablesAverage: sampled.length == 0 ? 0 : Math.round(sampled.reduce((sum, value) => sum + value, 0) / sampled.length),
        variablesMax: sampled.length == 0 ? 0 : Math.max(...sampled),
        variablesSampled: sampled.length,
        variablesTotal: boardById(this.boardId).heap.variables,
        hostBytesPerNode: Math.max(0, Math.round((rssAfter - rssBefore) / this.count)),
      },
      cpu: (cpu.user + cpu.system) / 1000 / (realSeconds * 1000),
      rate: { virtual: produced / duration, real: produced / realSeconds },
    };
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) node.env.dispose();
    const observer = this.observer;
    if (observer) {
      // Its session is persistent: without the subscription a shared broker queues nothing more for it.
      await Promise.race([observer.unsubscribeAsync(this.observerTopic).catch(() => {}), delay(2000)]);
      await new Promise<void>((resolve) => observer.end(true, {}, () => resolve()));
    }
    if (this.ownsBroker) await this.broker?.stop();
  }

  private async startObserver(): Promise<void> {
    const topic = this.observerTopic;
    const observer = connect(`mqtt://${this.endpoint.host}:${this.endpoint.port}`, { clientId: "mote-sim-" + randomBytes(4).toString("hex"), clean: false, reconnectPeriod: 250, connectTimeout: 5000 });
    this.observer = observer;
    const levels = topic.split("/").length;
    observer.on("message", (name, payload) => {
      const parts = name.split("/");
      // Other fleets may share the broker (one simulator per machine against a cluster): only this fleet's nodes count.
      if (parts.length == levels && this.ids.has(parts[levels - 2]!)) this.ledger.received(parts[levels - 2]!, payload.toString("latin1"));
    });
    await new Promise<void>((resolve, reject) => {
      observer.once("error", reject);
      observer.once("connect", () => {
        observer.off("error", reject);
        observer.on("error", () => {});
        observer.subscribe(topic, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
      });
    });
  }

  private boot(index: number): void {
    const base = this.template.node;
    const id = fleetNodeId(base.id, index, this.count);
    const board = boardById(this.boardId);
    const hardware = new Hardware(this.clock, board);
    attachModels(hardware, base);
    const network = new NetworkModel(base.wifi ? { ssid: base.wifi.ssid, password: base.wifi.password } : {});
    network.route(base.broker.host, base.broker.port, this.endpoint);
    const node: FleetNode = { id, index, env: undefined as unknown as EspruinoEnvironment, network, telemetry: telemetryTopic(base.topicPrefix, id), inFlight: new Map(), active: {}, sockets: new Set(), powerOns: 0, off: false };
    network.tap = this.tap(node);
    node.env = new EspruinoEnvironment({
      board, clock: this.clock, hardware, network,
      random: seededRandom(index + 1),
      memoryRefreshMs: MEMORY_REFRESH_MS,
      keepScopes: this.options.keepScopes ?? false,
      print: () => {},
      onPowerOn: (interpreter) => this.instrument(node, interpreter),
    });
    this.nodes.push(node);
    this.ids.add(id);
    node.env.boot(nodeCode(this.template, id));
  }

  /**
   * Wraps the node's `mote.client.publish` (QoS 0 reports) and
   * `mote.queue.add` (QoS 1 reports go through the flash queue, which
   * refuses none: it refuses only a payload that is not a report's JSON) on
   * the global node-main.ts sets, to book each report it produces.
   */
  private instrument(node: FleetNode, interpreter: Interpreter): void {
    type Publish = (...args: unknown[]) => number;
    type Add = (payload: unknown, qos: unknown) => void;
    const mote = interpreter.realm.global["mote"] as { client?: { publish: Publish }; queue?: { add: Add } } | undefined;
    const client = mote?.client;
    const queue = mote?.queue;
    if (!client || !queue) return;
    node.powerOns++;
    // A new boot numbers its packets from 1 again: ids in flight before it name nothing now.
    node.inFlight.clear();
    const publish = client.publish;
    const add = queue.add;
    const ledger = this.ledger;
    client.publish = function (topic: unknown, payload: unknown, qos: unknown, retain: unknown): number {
      const result = publish.call(client, topic, payload, qos, retain);
      if (topic === node.telemetry && typeof payload == "string") ledger.produced(node.id, payload, Number(qos), result);
      return result;
    };
    queue.add = function (payload: unknown, qos: unknown): void {
      if (typeof payload == "string" && reportKey(payload) !== null) ledger.produced(node.id, payload, Number(qos), 0);
      add.call(queue, payload, qos);
    };
  }

  /** Decodes the node's socket bytes with mqtt-packet to see reports leave and their PUBACKs return. */
  private tap(node: FleetNode): NetworkTap {
    const parsers = this.parsers;
    const clock = this.clock;
    const ledger = this.ledger;
    const open = (socket: number): TapParsers => {
      let entry = parsers.get(socket);
      if (entry === undefined) {
        const sent = mqttPacket.parser({ protocolVersion: 4 });
        const arrived = mqttPacket.parser({ protocolVersion: 4 });
        const received = mqttPacket.parser({ protocolVersion: 4 });
        const tapped: TapParsers = { sent, arrived, received, awaiting: 0 };
        sent.on("packet", (packet) => {
          if (REQUESTS.has(packet.cmd) || (packet.cmd == "publish" && packet.qos)) {
            tapped.awaiting++;
            this.awaiting++;
          }
          if (packet.cmd != "publish" || !packet.qos) return;
          // Any QoS 1 PUBLISH takes its packet id: a PUBACK for it must not count for a report that had the id before.
          if (packet.messageId !== undefined) node.inFlight.delete(packet.messageId);
          if (packet.topic != node.telemetry) return;
          const key = reportKey(Buffer.from(packet.payload as Buffer).toString("latin1"));
          if (key === null || packet.messageId === undefined) return;
          node.inFlight.set(packet.messageId, key);
          ledger.sent(node.id, key, clock.now(), performance.now());
        });
        received.on("packet", (packet) => {
          if (packet.cmd != "puback" || packet.messageId === undefined) return;
          const key = node.inFlight.get(packet.messageId);
          if (key === undefined) return;
          node.inFlight.delete(packet.messageId);
          ledger.acknowledged(node.id, key, clock.now(), performance.now());
        });
        arrived.on("packet", (packet) => {
          if (!REPLIES.has(packet.cmd) || tapped.awaiting == 0) return;
          tapped.awaiting--;
          this.awaiting--;
        });
        sent.on("error", () => {});
        arrived.on("error", () => {});
        received.on("error", () => {});
        entry = tapped;
        parsers.set(socket, entry);
        node.sockets.add(socket);
      }
      return entry;
    };
    return {
      sent: (socket, data) => void open(socket).sent.parse(Buffer.from(data, "latin1")),
      arrived: (socket, data) => void open(socket).arrived.parse(Buffer.from(data, "latin1")),
      received: (socket, data) => void open(socket).received.parse(Buffer.from(data, "latin1")),
      closed: (socket) => {
        const entry = parsers.get(socket);
        if (entry === undefined) return;
        this.awaiting -= entry.awaiting;
        parsers.delete(socket);
      },
    };
  }

  private async runUntil(limit: number, done: () => boolean, phase: "run" | "drain"): Promise<void> {
    const quantum = this.options.quantum ?? (this.count > 50 ? 20 : 1);
    const maxStep = this.options.maxStep ?? 1000;
    const ios: IoActivity[] = this.nodes.map((node) => node.env.io);
    let lastProgress = performance.now();
    for (;;) {
      await settle(this.clock, ios, SETTLE);
      // The broker's replies to what the nodes just sent arrive at this virtual time (no latency unless a fault adds some).
      const holding = performance.now();
      while (this.awaiting > 0 && !this.brokerDown && performance.now() - holding < HOLD_MS) {
        await delay(1);
        await settle(this.clock, ios, SETTLE);
      }
      while (phase == "run" && this.events.length > 0 && this.events[0]!.at <= this.clock.now()) {
        await this.apply(this.events.shift()!);
        await settle(this.clock, ios, SETTLE);
      }
      const now = this.clock.now();
      if (performance.now() - lastProgress > 1000) {
        lastProgress = performance.now();
        this.options.onProgress?.({ virtualSeconds: now / 1000, produced: this.ledger.producedCount, received: this.ledger.receivedCount, phase });
      }
      if (now >= limit || done()) return;
      const nextEvent = phase == "run" && this.events.length > 0 ? this.events[0]!.at : Infinity;
      const due = this.clock.nextDue() ?? Infinity;
      this.clock.advanceTo(Math.min(limit, nextEvent, now + maxStep, Math.max(due, now + quantum)));
    }
  }

  private async apply(event: FaultEvent): Promise<void> {
    if (event.begins) this.faults[event.kind]++;
    if (event.kind == "broker-restart") {
      // Overlapping restarts: down at the first start, up at the last end.
      this.brokerFaults += event.begins ? 1 : -1;
      if (event.begins && !this.brokerDown) {
        this.brokerDown = true;
        await this.broker!.halt();
      } else if (this.brokerFaults == 0 && this.brokerDown) {
        this.brokerDown = false;
        await this.broker!.launch();
      }
      return;
    }
    for (const index of event.nodes) {
      const node = this.nodes[index]!;
      // Overlapping faults of a kind on a node: on from the first start (the latest start sets latency and chunk size) to the last end.
      const active = (node.active[event.kind] ?? 0) + (event.begins ? 1 : -1);
      node.active[event.kind] = active;
      if (!event.begins && active > 0) continue;
      switch (event.kind) {
        case "wifi-drop":
          if (event.begins) node.network.drop();
          else node.network.restore();
          break;
        case "latency":
          node.network.latencyMs = event.begins ? event.ms : 0;
          node.network.jitterMs = event.begins ? event.jitter : 0;
          break;
        case "chunking":
          node.network.chunkBytes = event.begins ? event.bytes : CHUNK_BYTES;
          break;
        case "power-loss":
          if (event.begins && !node.off) {
            node.off = true;
            node.env.powerOff();
          } else if (!event.begins && node.off) {
            node.off = false;
            node.env.reboot();
          }
          break;
      }
    }
  }

  /** Ends every fault still on at the end of the run (the drain runs on a healthy network). */
  private async liftFaults(): Promise<void> {
    this.brokerFaults = 0;
    for (const node of this.nodes) {
      node.active = {};
      node.network.restore();
      node.network.latencyMs = 0;
      node.network.jitterMs = 0;
      node.network.chunkBytes = CHUNK_BYTES;
      if (node.off) {
        node.off = false;
        node.env.reboot();
      }
    }
    if (this.brokerDown) {
      this.brokerDown = false;
      await this.broker!.launch();
    }
    this.events.length = 0;
  }

  /** Heap variables of up to 20 nodes, spread over the fleet (the estimate walks each realm). */
  private sampleVariables(): number[] {
    const step = Math.max(1, Math.floor(this.nodes.length / 20));
    const values: number[] = [];
    for (let index = 0; index < this.nodes.length; index += step) {
      const node = this.nodes[index]!;
      if (!node.off) values.push(node.env.variablesUsed);
    }
    return values;
  }
}
