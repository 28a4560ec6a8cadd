/**
 * Real MQTT brokers on 127.0.0.1 for the integration tests and the client
 * benchmark: mosquitto (Debian's package, a child process with a config file
 * in a temp dir) when it is installed, and aedes (in this process) always.
 * Each listens on a free loopback port, restarts on the same port keeping
 * sessions and queued QoS 1/2 messages when asked to (mosquitto's persistence
 * file, saved at shutdown; aedes's persistence instance, handed to the next
 * instance), and reports when a client's connection ends, so a test can wait
 * until the broker has seen a disconnect.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as net from "node:net";
import { tmpdir, userInfo } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { Aedes } from "aedes";
import aedesPersistence from "aedes-persistence";

/** The only address brokers listen on and tests connect to. */
export const LOOPBACK = "127.0.0.1";

const START_TIMEOUT = 5000;
const STOP_TIMEOUT = 5000;

export interface BrokerOptions {
  /** Keep sessions, subscriptions and queued QoS 1/2 messages across `restart()`. */
  persistence: boolean;
}

/** A running broker. */
export interface Broker {
  /** Name and version, e.g. "mosquitto 2.0.11". */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Stops the broker (its connections drop without DISCONNECT), starts it again on the same port, and resolves when the port accepts. */
  restart(): Promise<void>;
  /** The first half of a restart: stops the broker (connections drop without DISCONNECT); {@link launch} starts it again. */
  halt(): Promise<void>;
  /** Starts a halted broker again on the same port; resolves when the port accepts. */
  launch(): Promise<void>;
  /** Stops the broker for good and removes its files; safe to call twice. */
  stop(): Promise<void>;
  /** Resolves the next time (after this call) the broker reports that client `clientId`'s connection ended; rejects after `timeout` ms. */
  waitForDisconnect(clientId: string, timeout: number): Promise<void>;
}

/** A broker that can be started here. */
export interface BrokerKind {
  /** Name and version. */
  name: string;
  /**
   * Whether the broker keeps QoS 2 exactly once across a subscriber's
   * reconnections and its own persistent restarts. mosquitto does. aedes
   * 1.2.0 does not: after a reconnection it sends again, as new flows, QoS 2
   * messages whose flow had completed (PUBREL sent, PUBCOMP received), and a
   * restart with its persistence handed over loses a few. An MQTT.js
   * subscriber sees the same (link cuts: 3 duplicates of 300; 6 restarts: 27
   * duplicates and 4 lost of 300). Now and then, after a reconnection, it
   * also sends a new message under a packet id whose QoS 2 flow is still
   * open, against [MQTT-2.3.1-2]; a compliant receiver takes it for the
   * unreleased one and does not deliver it [MQTT-4.3.3-2] (6 runs in 30
   * under load, with 60 link cuts in 300 commands).
   */
  exactQos2: boolean;
  start(options: BrokerOptions): Promise<Broker>;
}

/** Children still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A port nobody listens on now: listen on port 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, LOOPBACK);
  await once(server, "listening");
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  await once(server, "close");
  return port;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Resolves once a TCP connection to `port` succeeds; polls every 20 ms for at most START_TIMEOUT. */
async function waitForPort(port: number, alive: () => void): Promise<void> {
  for (let attempt = 0; attempt * 20 < START_TIMEOUT; attempt++) {
    alive();
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: LOOPBACK, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (accepted) return;
    await delay(20);
  }
  throw new Error(`broker: nothing accepts connections on ${LOOPBACK}:${port} after ${START_TIMEOUT} ms`);
}

/** Listeners for "disconnect" events, with a bounded wait. */
class Disconnects extends EventEmitter {
  wait(clientId: string, timeout: number, brokerName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const listener = (id: string): void => {
        if (id !== clientId) return;
        clearTimeout(timer);
        this.off("disconnect", listener);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off("disconnect", listener);
        reject(new Error(`${brokerName} did not report a disconnect of ${clientId} within ${timeout} ms`));
      }, timeout);
      this.on("disconnect", listener);
    });
  }
}

/** The mosquitto executable (on PATH, or in /usr/sbin, /usr/local/sbin) and its version; null when not installed or it does not run. */
function findMosquitto(): { executable: string; version: string } | null {
  const directories = (process.env["PATH"] ?? "").split(delimiter).concat(["/usr/sbin", "/usr/local/sbin"]);
  const executable = directories.map((directory) => join(directory, "mosquitto")).find((path) => path.startsWith("/") && existsSync(path));
  if (executable === undefined) return null;
  const result = spawnSync(executable, ["-h"], { encoding: "utf8", timeout: 5000 });
  const version = /mosquitto version (\S+)/.exec(`${result.stdout}${result.stderr}`)?.[1];
  return version === undefined ? null : { executable, version };
}

/** The installed aedes version (its package.json is not in its exports map, so found next to its entry). */
function aedesVersion(): string {
  const entry = createRequire(import.meta.url).resolve("aedes");
  return (JSON.parse(readFileSync(join(dirname(entry), "package.json"), "utf8")) as { version: string }).version;
}

/**
 * A line of mosquitto 2.0's log (log_type notice) saying a client's connection
 * ended: a DISCONNECT, a closed or failed socket, a keepalive timeout, a
 * takeover, or a protocol error.
 */
const MOSQUITTO_GONE = /^\d+: (?:Client (\S+) (?:disconnected|closed its connection|has exceeded timeout|already connected)|Socket error on client (\S+),)/;

/** The Broker both kinds return: restart = halt then launch; stop (once) = halt then clean up. */
function brokerHandle(name: string, port: number, launch: () => Promise<void>, halt: () => Promise<void>, disconnects: Disconnects, cleanUp: () => Promise<void>): Broker {
  let stopped = false;
  return {
    name,
    host: LOOPBACK,
    port,
    async restart() {
      await halt();
      await launch();
    },
    halt,
    launch,
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      await cleanUp();
    },
    waitForDisconnect: (clientId, timeout) => disconnects.wait(clientId, timeout, name),
  };
}

/**
 * Starts mosquitto on a free port. Runs as the current user (root otherwise
 * drops to "mosquitto", which cannot write the temp dir); logs to stderr
 * (unbuffered, unlike a pipe on stdout), where disconnects are read from.
 * Persistence is saved at shutdown; restart is always SIGTERM, so nothing
 * acknowledged is lost.
 */
export async function startMosquitto(options: BrokerOptions): Promise<Broker> {
  const install = findMosquitto();
  if (!install) throw new Error("mosquitto is not installed (looked on PATH, /usr/sbin, /usr/local/sbin)");
  const { executable, version } = install;
  const directory = await mkdtemp(join(tmpdir(), "mote-mosquitto-"));
  const port = await freePort();
  const name = `mosquitto ${version}`;
  const configuration = join(directory, "mosquitto.conf");
  await writeFile(configuration, [
    `listener ${port} ${LOOPBACK}`,
    "allow_anonymous true",
    `user ${userInfo().username}`,
    `persistence ${options.persistence}`,
    `persistence_location ${directory}/`,
    "autosave_interval 0",
    "max_queued_messages 100000",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "",
  ].join("\n"));
  const disconnects = new Disconnects();
  const recentLog: string[] = [];
  let child: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const launched = spawn(executable, ["-c", configuration], { stdio: ["ignore", "ignore", "pipe"] });
    child = launched;
    running.add(launched);
    launched.once("exit", () => running.delete(launched));
    createInterface({ input: launched.stderr! }).on("line", (line) => {
      recentLog.push(line);
      if (recentLog.length > 40) recentLog.shift();
      const match = MOSQUITTO_GONE.exec(line);
      if (match) disconnects.emit("disconnect", match[1] ?? match[2]);
    });
    await waitForPort(port, () => {
      if (launched.exitCode !== null) throw new Error(`${name} exited with ${launched.exitCode}:\n${recentLog.join("\n")}`);
    });
  }

  async function halt(): Promise<void> {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = once(current, "exit");
    current.kill("SIGTERM");
    const timer = setTimeout(() => current.kill("SIGKILL"), STOP_TIMEOUT);
    await exited;
    clearTimeout(timer);
  }

  try {
    await launch();
  } catch (error) {
    await halt();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return brokerHandle(name, port, launch, halt, disconnects, () => rm(directory, { recursive: true, force: true }));
}

/**
 * Starts aedes with a net server on a free port. A restart closes the server
 * and the aedes instance (and any socket left) and starts a new instance on
 * the same port; with persistence, the new one gets the same persistence
 * instance, so sessions and queued messages survive. `refuse`: filters it
 * refuses to subscribe anyone to (SUBACK 0x80, through aedes's
 * authorizeSubscribe), as a broker with an access list does; mosquitto 2.0
 * cannot stand in here, as it grants every well-formed filter and applies
 * its ACL only when delivering.
 */
export async function startAedes(options: BrokerOptions, refuse: (filter: string) => boolean = () => false): Promise<Broker> {
  const port = await freePort();
  const name = `aedes ${aedesVersion()}`;
  const persistence = options.persistence ? aedesPersistence() : null;
  const disconnects = new Disconnects();
  const sockets = new Set<net.Socket>();
  let broker: Aedes | null = null;
  let server: net.Server | null = null;

  async function launch(): Promise<void> {
    const instance = await Aedes.createBroker(persistence ? { persistence } : {});
    instance.authorizeSubscribe = (_client, subscription, callback) => callback(null, subscription && refuse(subscription.topic) ? null : subscription);
    instance.on("clientDisconnect", (client) => disconnects.emit("disconnect", client.id));
    const listener = net.createServer((socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      instance.handle(socket);
    });
    broker = instance;
    server = listener;
    listener.listen(port, LOOPBACK);
    await once(listener, "listening");
  }

  async function halt(): Promise<void> {
    const instance = broker;
    const listener = server;
    broker = null;
    server = null;
    if (!instance || !listener) return;
    const closed = once(listener, "close");
    listener.close();
    await new Promise<void>((resolve) => instance.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  await launch();
  return brokerHandle(name, port, launch, halt, disconnects, async () => {});
}

/** mosquitto first when installed, then aedes (always): the brokers these tests can start. */
export function availableBrokers(): BrokerKind[] {
  const brokers: BrokerKind[] = [];
  const mosquitto = findMosquitto();
  if (mosquitto) brokers.push({ name: `mosquitto ${mosquitto.version}`, exactQos2: true, start: startMosquitto });
  brokers.push({ name: `aedes ${aedesVersion()}`, exactQos2: false, start: startAedes });
  return brokers;
}

/** The one broker for a test that needs just one: mosquitto when installed, aedes otherwise. */
export function preferredBroker(): BrokerKind {
  return availableBrokers()[0]!;
}
