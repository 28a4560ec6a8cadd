/**
 * The live simulator behind `npm start`: one node, built from
 * firmware/node-main.ts for the ESP32 with a node description, running in
 * the emulated interpreter in real time against a real broker (the embedded
 * aedes on a free loopback port, or one named by URL), watched by an MQTT.js
 * subscriber on `<prefix>/<node>/#`, and driven by text commands.
 *
 * Time: a loop lets the virtual clock follow the wall clock through
 * {@link EspruinoEnvironment.runUntil}, which settles real I/O between
 * 10 ms steps (virtual time stands still while a connect or a write is in
 * flight; see sim/espruino/io.ts), so the node's timers fire when a real
 * board's would.
 */
import { connect, type MqttClient } from "mqtt";
import type { NodeConfig } from "../../firmware/config.ts";
import { buildBundle, EXAMPLE_NODE, type BuildResult } from "../../scripts/build/build.ts";
import { formatViolations } from "../../scripts/gate/index.ts";
import { startAedes, type Broker } from "../brokers.ts";
import { VirtualClock } from "../clock.ts";
import { EspruinoEnvironment } from "../espruino/environment.ts";
import { NetworkModel, type Endpoint } from "../espruino/network.ts";
import { Hardware } from "../hardware/index.ts";
import { attachModels } from "./models.ts";
import { renderView, type MessageLine, type ViewState } from "./view.ts";

/** What {@link startSimulation} runs. */
export interface SimulationOptions {
  /** Node description file (default nodes/example.json); built for the esp32 within its budget. */
  nodeFile?: string;
  /** `mqtt://host:port` of a broker to use instead of starting the embedded aedes. */
  broker?: string;
  /** Commands to run once the node is online (and has announced its actuators), in order. */
  commands?: string[];
}

/** Real milliseconds between the loop's turns. */
const LOOP_PAUSE = 10;
/** How long startup commands wait for the node to come online, real ms. */
const ONLINE_WAIT = 30000;
const KEPT_MESSAGES = 50;
const KEPT_LINES = 20;

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** The endpoint of an `mqtt://host:port` URL (port default 1883); throws naming the value otherwise. */
export function parseBrokerUrl(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--broker: "${url}" is not a URL; expected mqtt://host:port`);
  }
  if (parsed.protocol != "mqtt:" || parsed.hostname == "") throw new Error(`--broker: "${url}" is not allowed; expected mqtt://host:port`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: parsed.port == "" ? 1883 : Number(parsed.port) };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A running simulation (see the file comment); end it with {@link Simulation.stop}. */
export class Simulation {
  readonly node: NodeConfig;
  readonly env: EspruinoEnvironment;
  readonly hardware: Hardware;
  /** The broker the node and the viewer use. */
  readonly endpoint: Endpoint;
  /** Resolves when the startup commands have run (at once without any). */
  readonly ready: Promise<void>;
  private readonly base: string;
  private readonly broker: Broker | null;
  private readonly subscriber: MqttClient;
  private readonly received: MessageLine[] = [];
  private readonly errorLines: string[] = [];
  private readonly replyLines: string[] = [];
  private readonly states = new Map<string, string>();
  private lastStatus: string | null = null;
  private lastTelemetry: Record<string, unknown> | null = null;
  private heapUsed = 0;
  private reportedErrors = 0;
  private stopping: Promise<void> | null = null;
  private running = true;
  private readonly loop: Promise<void>;

  /** Use {@link startSimulation}. */
  constructor(bundle: BuildResult, endpoint: Endpoint, broker: Broker | null, subscriber: MqttClient, commands: readonly string[]) {
    this.node = bundle.node;
    this.endpoint = endpoint;
    this.broker = broker;
    this.subscriber = subscriber;
    this.base = `${bundle.node.topicPrefix}/${bundle.node.id}`;
    subscriber.on("message", (topic, payload, packet) => this.onMessage(topic, payload.toString(), packet.retain));
    const clock = new VirtualClock();
    clock.onError = (error) => this.addError("uncaught: " + describe(error));
    this.hardware = new Hardware(clock, bundle.board);
    attachModels(this.hardware, bundle.node);
    const wifi = bundle.node.wifi;
    const network = new NetworkModel(wifi ? { ssid: wifi.ssid, password: wifi.password } : {});
    network.route(bundle.node.broker.host, bundle.node.broker.port, endpoint);
    this.env = new EspruinoEnvironment({ board: bundle.board, clock, hardware: this.hardware, network, print: (line) => this.addReply("console: " + line) });
    this.env.boot(bundle.code);
    this.loop = this.run();
    this.ready = this.runStartup(commands);
  }

  /** The node's last status payload (`online`, `offline`), or null before one arrived. */
  get status(): string | null {
    return this.lastStatus;
  }

  /** The last telemetry report, parsed, or null. */
  get telemetry(): Record<string, unknown> | null {
    return this.lastTelemetry;
  }

  /** Each actuator's last retained state payload, by name. */
  get actuatorStates(): Record<string, string> {
    return Object.fromEntries(this.states);
  }

  /** Messages seen on the node's topics, oldest first (the last {@link KEPT_MESSAGES}). */
  get messages(): readonly MessageLine[] {
    return this.received;
  }

  /** Error lines: the node's error topic, uncaught exceptions in the node, failed commands. */
  get errors(): readonly string[] {
    return this.errorLines;
  }

  /** Whether {@link stop} has been called. */
  get stopped(): boolean {
    return !this.running;
  }

  /** Runs one command (see {@link renderView}'s last line) and returns what it did; never throws. */
  async command(text: string): Promise<string> {
    const reply = await this.execute(text.trim());
    if (reply !== "") this.addReply(`> ${text.trim()}: ${reply}`);
    return reply;
  }

  /** The screen (./view.ts) for the current state. */
  view(): string {
    return renderView(this.viewState());
  }

  /** Ends everything: the node (environment disposed), the viewer, the embedded broker (its port freed). Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    this.running = false;
    await this.loop;
    this.env.dispose();
    await this.subscriber.endAsync(true).catch(() => {});
    await this.broker?.stop();
  }

  private async execute(text: string): Promise<string> {
    if (!this.running) return "the simulation has stopped";
    const words = text.split(/\s+/);
    const first = (words[0] ?? "").toLowerCase();
    const rest = text.slice(words[0]!.length).trim();
    if (text == "") return "";
    if (first == "quit" || first == "exit") {
      await this.stop();
      return "stopped";
    }
    if (first == "help") return "commands: <actuator> on|off|<payload> (publishes to its set topic), wifi drop, wifi restore, broker restart, quit";
    if (first == "wifi" && (rest == "drop" || rest == "restore")) {
      if (rest == "drop") this.env.network.drop();
      else this.env.network.restore();
      return rest == "drop" ? "the access point is gone" : "the access point is back";
    }
    if (first == "broker" && rest == "restart") {
      if (this.broker === null) return this.fail("broker restart: only the embedded broker can be restarted (this one came from --broker)");
      await this.broker.restart();
      return `${this.broker.name} restarted on port ${this.broker.port}`;
    }
    const actuator = this.node.actuators.find((each) => each.name == words[0]);
    if (actuator !== undefined && rest != "") {
      const topic = `${this.base}/${actuator.name}/set`;
      try {
        await this.subscriber.publishAsync(topic, rest, { qos: 1 });
      } catch (error) {
        return this.fail(`${text}: publish failed: ${describe(error)}`);
      }
      this.refreshHeap();
      return `published ${rest} to ${topic}`;
    }
    const names = this.node.actuators.map((each) => each.name);
    return this.fail(`unknown command "${text}"; allowed: ${names.map((name) => name + " on|off|<payload>").concat(["wifi drop", "wifi restore", "broker restart", "help", "quit"]).join(", ")}`);
  }

  private fail(message: string): string {
    this.addError(message);
    return message;
  }

  private async runStartup(commands: readonly string[]): Promise<void> {
    if (commands.length == 0) return;
    const end = performance.now() + ONLINE_WAIT;
    const announced = (): boolean => this.lastStatus == "online" && this.node.actuators.every((each) => this.states.has(each.name));
    while (this.running && !announced() && performance.now() < end) await delay(20);
    await delay(100);
    for (const text of commands) if (this.running) await this.command(text);
  }

  /** Lets virtual time follow real time (see the file comment) until stopped. */
  private async run(): Promise<void> {
    const clock = this.env.clock;
    const realStart = performance.now() - clock.now();
    while (this.running) {
      try {
        await this.env.runUntil(() => !this.running, { until: performance.now() - realStart, step: 10 });
      } catch (error) {
        this.addError("simulator: " + describe(error));
      }
      while (this.reportedErrors < this.env.errors.length) this.addError("uncaught: " + describe(this.env.errors[this.reportedErrors++]));
      await delay(LOOP_PAUSE);
    }
  }

  private onMessage(topic: string, payload: string, retain: boolean): void {
    if (!topic.startsWith(this.base + "/")) return;
    const suffix = topic.slice(this.base.length + 1);
    const direction = suffix.endsWith("/set") ? "in" : "out";
    this.received.push({ at: this.env.clock.now() / 1000, direction, topic, payload, retain });
    if (this.received.length > KEPT_MESSAGES) this.received.shift();
    if (suffix == "status") this.lastStatus = payload;
    else if (suffix == "error") this.addError("node: " + payload);
    else if (suffix == "telemetry") {
      try {
        this.lastTelemetry = JSON.parse(payload) as Record<string, unknown>;
      } catch {
        this.addError("telemetry is not JSON: " + payload);
      }
    } else if (suffix.endsWith("/state")) this.states.set(suffix.slice(0, -"/state".length), payload);
    this.refreshHeap();
  }

  private refreshHeap(): void {
    if (this.running) this.heapUsed = this.env.variablesUsed;
  }

  private addError(line: string): void {
    this.errorLines.push(line);
    if (this.errorLines.length > KEPT_LINES) this.errorLines.shift();
  }

  private addReply(line: string): void {
    this.replyLines.push(line);
    if (this.replyLines.length > KEPT_LINES) this.replyLines.shift();
  }

  private flashQueue(): { messages: number; files: number } {
    const files = new Set<string>();
    let messages = 0;
    for (const name of this.env.storage.names()) {
      if (!name.startsWith("mq.")) continue;
      files.add(name.slice(0, -1));
      const text = this.env.storage.read(name) ?? "";
      const end = text.indexOf("\xFF");
      // a line is the QoS digit and a report's JSON; one split across two chunks starts with both only in the first
      for (const line of (end < 0 ? text : text.slice(0, end)).split("\n")) if (/^[12]\{/.test(line)) messages++;
    }
    return { messages, files: files.size };
  }

  private viewState(): ViewState {
    const units: Record<string, string> = {};
    for (const sensor of this.node.sensors) {
      const unit = sensor.options?.["unit"];
      if (typeof unit == "string") units[sensor.name] = unit;
    }
    return {
      node: this.node.id,
      board: this.node.board,
      broker: this.broker ? `${this.broker.name} at mqtt://${this.endpoint.host}:${this.endpoint.port}` : `mqtt://${this.endpoint.host}:${this.endpoint.port}`,
      subscriber: this.subscriber.connected,
      status: this.lastStatus,
      wifiUp: this.env.network.up,
      sockets: this.env.io.openSockets,
      telemetry: this.lastTelemetry,
      units,
      actuators: this.node.actuators.map((each) => ({
        name: each.name,
        type: each.type,
        pin: each.espruino,
        state: this.states.get(each.name) ?? null,
        level: this.hardware.pin(each.espruino).level,
      })),
      flashQueue: this.flashQueue(),
      heap: { used: this.heapUsed, total: this.env.board.heap.variables },
      messages: this.received,
      errors: this.errorLines,
      replies: this.replyLines,
    };
  }
}

/**
 * Builds the node, starts the broker (unless `options.broker` names one),
 * connects the viewer and boots the node; resolves once the viewer is
 * subscribed. Throws (stopping what it started) on a failed build, a bad
 * `--broker` or a broker that cannot be reached within 5 s.
 */
export async function startSimulation(options: SimulationOptions = {}): Promise<Simulation> {
  const bundle = await buildBundle({ board: "esp32", nodeFile: options.nodeFile ?? EXAMPLE_NODE });
  if (!bundle.ok) {
    const problems = bundle.violations.length > 0 ? formatViolations(bundle.violations) : `the bundle is ${bundle.total} bytes, over the esp32 budget of ${bundle.budget}`;
    throw new Error(`build failed: ${problems}`);
  }
  const broker = options.broker === undefined ? await startAedes({ persistence: true }) : null;
  const endpoint = broker ? { host: broker.host, port: broker.port } : parseBrokerUrl(options.broker!);
  const subscriber = connect({
    host: endpoint.host, port: endpoint.port, protocolVersion: 4, clientId: `mote-viewer-${process.pid}`, clean: true,
    reconnectPeriod: 500, connectTimeout: 5000, keepalive: 30,
  });
  subscriber.on("error", () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker: no connection to mqtt://${endpoint.host}:${endpoint.port} within 5 s`)), 5000);
      subscriber.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await subscriber.subscribeAsync(`${bundle.node.topicPrefix}/${bundle.node.id}/#`, { qos: 1 });
  } catch (error) {
    await subscriber.endAsync(true).catch(() => {});
    await broker?.stop();
    throw error;
  }
  return new Simulation(bundle, endpoint, broker, subscriber, options.commands ?? []);
}
