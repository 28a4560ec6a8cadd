/**
 * The node's WiFi join and watchdog, end to end: the esp32 and esp8266
 * bundles the build makes from firmware/node-main.ts, booted in the
 * emulated interpreter (whose Wifi behaves as each port's does, see
 * sim/espruino/modules/wifi.ts) with the broker address routed to a real
 * broker on loopback and an MQTT.js peer watching (mosquitto when
 * installed, and aedes). node-watchdog.json (a DHT22, QoS 1 telemetry every
 * 10 s, offlineMinutes 1) for the watchdog and a wrong WiFi password;
 * node-e2e.json and node-e2e-esp8266.json (offlineMinutes 5) for an access
 * point that appears late and one that goes away for a while. Reboots are
 * seen through the environment: a new interpreter, the Storage file
 * `mote.boot`, the `boot` field of the telemetry.
 */
import assert from "node:assert/strict";
import { buildBundle, ROOT, type BuildResult } from "../../../scripts/build/build.ts";
import { BOOT_FILE, WIFI_JOIN_TIMEOUT } from "../../../firmware/node/app.ts";
import { decodeEntry } from "../../../firmware/node/flash-queue.ts";
import { availableBrokers } from "../../../sim/brokers.ts";
import type { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";
import type { Station } from "../../../sim/espruino/modules/wifi.ts";
import { NetworkModel, type NetworkOptions } from "../../../sim/espruino/network.ts";
import { brokerTitle } from "../../support/broker-report.ts";
import { brokerSuite } from "../../support/broker-suite.ts";
import { runUntilHeld } from "../../sim/espruino/helpers.ts";
import { attachExampleModels, boardHardware, bootNode, buildNode, ESP32_WIRING, ESP8266_WIRING, type Wiring } from "./e2e-kit.ts";

const WATCHDOG_NODE = ROOT + "test/firmware/node/node-watchdog.json";
const EXAMPLE_NODE = ROOT + "test/firmware/node/node-e2e.json";
const EXAMPLE_NODE_ESP8266 = ROOT + "test/firmware/node/node-e2e-esp8266.json";

/** The Espruino network's default join delay (sim/espruino/network.ts), ms. */
const JOIN_DELAY = 1500;

interface Bench {
  env: EspruinoEnvironment;
  network: NetworkModel;
  /** Telemetry the peer received, as [boot, seq], in arrival order. */
  reports: [number, number][];
  /** Status payloads the peer received (not the retained one replayed on subscribing). */
  statuses: string[];
}

/** Storage files whose name starts with `prefix`, chunks included. */
function flashNames(env: EspruinoEnvironment, prefix: string): string[] {
  return env.storage.names().filter((name) => name.startsWith(prefix));
}

/** Telemetry reports the flash queue holds, as [boot, seq]: each segment `mq.*` read whole (its chunks in order, up to the first 0xFF). */
function reportsInFlash(env: EspruinoEnvironment): [number, number][] {
  const found: [number, number][] = [];
  const chunks = flashNames(env, "mq.").sort((a, b) => a.localeCompare(b) || a.charCodeAt(a.length - 1) - b.charCodeAt(b.length - 1));
  const segments = new Map<string, string>();
  for (const name of chunks) segments.set(name.slice(0, -1), (segments.get(name.slice(0, -1)) ?? "") + env.storage.read(name)!);
  for (const contents of segments.values()) {
    const end = contents.indexOf("\xff");
    for (const line of (end < 0 ? contents : contents.slice(0, end)).split("\n")) {
      const message = line ? decodeEntry(line, "") : null;
      if (message) {
        const body = JSON.parse(message.payload as string) as { boot: number; seq: number };
        found.push([body.boot, body.seq]);
      }
    }
  }
  return found;
}

/** Records the virtual time of every call to `Wifi[method]` ("connect", "disconnect") the running interpreter makes from now on. */
function spyOnWifi(env: EspruinoEnvironment, calls: number[], method = "connect"): void {
  const station = env.interpreter.station as Station;
  const original = station.module[method] as (...args: unknown[]) => unknown;
  station.module[method] = env.interpreter.realm.bridge((args, self) => {
    calls.push(env.clock.now());
    return original.apply(self, Array.from(args));
  });
}

/** Virtual times of the running interpreter's calls to `Wifi.connect` and `Wifi.disconnect` from now on. */
function watchWifi(env: EspruinoEnvironment): { calls: number[]; leaves: number[] } {
  const calls: number[] = [];
  const leaves: number[] = [];
  spyOnWifi(env, calls);
  spyOnWifi(env, leaves, "disconnect");
  return { calls, leaves };
}

/** Counts the Wifi module's `disconnected` events in the running interpreter (read it with `env.run("disconnectedEvents")`). */
function countDisconnected(env: EspruinoEnvironment): void {
  env.run('var disconnectedEvents = 0; require("Wifi").on("disconnected", function () { disconnectedEvents++; });');
}

/** Reports in the order they first arrived (one resent after a reconnection counted once). */
function firstArrivals(reports: [number, number][]): [number, number][] {
  const seen: [number, number][] = [];
  for (const report of reports) if (!seen.some((each) => each[0] == report[0] && each[1] == report[1])) seen.push(report);
  return seen;
}

/** [1, 2, …, last]. */
function upTo(last: number): number[] {
  return Array.from({ length: last }, (_, index) => index + 1);
}

for (const kind of availableBrokers()) {
  describe(brokerTitle("node WiFi join and watchdog end to end in the emulated ESP32 and ESP8266", kind), function () {
    this.timeout(120000);
    let watchdogBundle: BuildResult;
    let example: BuildResult;
    let exampleEsp8266: BuildResult;
    const suite = brokerSuite(kind, async () => {
      watchdogBundle = await buildNode("esp32", WATCHDOG_NODE);
      example = await buildBundle({ board: "esp32", nodeFile: EXAMPLE_NODE, budget: 100000 });
      exampleEsp8266 = await buildNode("esp8266", EXAMPLE_NODE_ESP8266);
      return `node resilience e2e; bundle ${watchdogBundle.total} B`;
    });

    /** Subscribes a peer to the node's topics, then boots `build` with the models of node-e2e.json's parts, on a network made with `network`. */
    async function start(build: BuildResult, network: NetworkOptions = {}, wiring: Wiring = ESP32_WIRING): Promise<Bench> {
      const base = "mote/" + build.node.id;
      const peer = await suite.peer("resilience-peer");
      const bench: Bench = { env: undefined as unknown as EspruinoEnvironment, network: new NetworkModel(network), reports: [], statuses: [] };
      peer.on("message", (topic, payload, packet) => {
        if (packet.retain) return;
        if (topic == base + "/telemetry") {
          const body = JSON.parse(payload.toString()) as { boot: number; seq: number };
          bench.reports.push([body.boot, body.seq]);
        }
        if (topic == base + "/status") bench.statuses.push(payload.toString());
      });
      await peer.subscribeAsync(base + "/#", { qos: 1 });
      const hardware = boardHardware(build);
      attachExampleModels(hardware, wiring);
      bench.env = bootNode(suite, build, hardware, { network: bench.network }).env;
      return bench;
    }

    /** Boots `build` as `start` does, on a network with the access point up, and runs it until two reports arrived. */
    async function startOnline(build: BuildResult, wiring: Wiring = ESP32_WIRING): Promise<Bench> {
      const bench = await start(build, {}, wiring);
      await until(bench, () => bench.reports.length >= 2, 20000, "two reports while online");
      return bench;
    }

    /** Runs the node until `condition` holds, for at most `within` virtual ms, letting real time pass too (the broker and the peer run in it). */
    async function until(bench: Bench, condition: () => boolean, within: number, what: string): Promise<void> {
      await runUntilHeld(bench.env, condition, within, () => `${what} by ${bench.env.clock.now()} ms; reports: ${JSON.stringify(bench.reports)}; status: ${JSON.stringify(bench.statuses)}`);
    }

    it("reboots after offlineMinutes without the access point, and once it is back sends the offline telemetry of both boots in (boot, seq) order", async () => {
      const bench = await startOnline(watchdogBundle);
      const { env } = bench;
      assert.equal(bench.statuses.at(-1), "online");
      assert.equal(env.storage.read(BOOT_FILE), "1");

      const first = env.interpreter;
      env.network.drop();
      const lost = env.clock.now();
      await until(bench, () => env.interpreter !== first, 3 * 60000, "a reboot");
      const rebooted = env.clock.now();
      // The watchdog looks every minute (offlineMinutes 1): the first look at least a minute after the loss.
      assert.ok(rebooted - lost >= 60000 && rebooted - lost < 120000 + 1000, `lost at ${lost} ms, rebooted at ${rebooted} ms`);
      assert.equal(env.storage.read(BOOT_FILE), "2", "the new boot counted");
      const producedBeforeReboot = Math.floor((rebooted - 1000) / 10000) + 1;
      const offline = reportsInFlash(env).filter((report) => report[0] == 1).map((report) => report[1]).sort((a, b) => a - b);
      const lastOnline = Math.max(...bench.reports.map((report) => report[1]));
      assert.deepEqual(offline.filter((seq) => seq > lastOnline), upTo(producedBeforeReboot).filter((seq) => seq > lastOnline), "the reports of the outage are in flash");

      await env.runFor(20000);
      assert.deepEqual(env.errors, []);
      env.network.restore();
      await until(bench, () => bench.reports.some((report) => report[0] == 2 && report[1] >= 8), 3 * 60000, "boot 2 reports online");
      assert.equal(bench.statuses.at(-1), "online");

      const firstArrivals: [number, number][] = [];
      for (const report of bench.reports) if (!firstArrivals.some((seen) => seen[0] == report[0] && seen[1] == report[1])) firstArrivals.push(report);
      const ordered = [...firstArrivals].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(firstArrivals, ordered, "in (boot, seq) order");
      assert.deepEqual(firstArrivals.filter((report) => report[0] == 1).map((report) => report[1]), upTo(producedBeforeReboot), "every report of boot 1");
      const boot2 = firstArrivals.filter((report) => report[0] == 2).map((report) => report[1]);
      assert.deepEqual(boot2, upTo(boot2.length), "every report of boot 2 so far, the ones made before WiFi came back included");
      assert.ok(boot2.length >= 8);
    });

    it("keeps retrying an absent access point with growing delays, no error, and comes online when it appears", async () => {
      const bench = await start(example, { up: false });
      const { env } = bench;
      const calls = [0];
      spyOnWifi(env, calls);
      const first = env.interpreter;
      await env.runFor(200000);
      assert.deepEqual(env.errors, []);
      assert.equal(env.interpreter, first, "offlineMinutes is 5");
      // The ESP32 (2v29) never answers a failed join: each attempt ends at the join timeout; the next follows 2, 4, 8, … s later.
      assert.deepEqual(calls.slice(1).map((at, index) => at - calls[index]!), [2000, 4000, 8000, 16000].map((wait) => wait + WIFI_JOIN_TIMEOUT));
      assert.equal(bench.statuses.length, 0);

      env.network.restore();
      await until(bench, () => bench.statuses.at(-1) == "online" && bench.reports.length > 0, 70000, "online once the access point is there");
      assert.equal(env.interpreter, first, "no reboot");
    });

    it("keeps retrying with a wrong WiFi password without an error, rebooted by the watchdog, until the password matches", async () => {
      const saved = process.env["MOTE_WIFI_PASSWORD"];
      process.env["MOTE_WIFI_PASSWORD"] = "wrong horse";
      let wrong: BuildResult;
      try {
        wrong = await buildBundle({ board: "esp32", nodeFile: WATCHDOG_NODE, budget: 100000 });
      } finally {
        if (saved === undefined) delete process.env["MOTE_WIFI_PASSWORD"];
        else process.env["MOTE_WIFI_PASSWORD"] = saved;
      }
      assert.equal(wrong.node.wifi?.password, "wrong horse");
      const bench = await start(wrong, { password: "correct horse" });
      const { env } = bench;
      const calls = [0];
      spyOnWifi(env, calls);
      const first = env.interpreter;
      await env.runFor(59000);
      assert.deepEqual(env.errors, []);
      assert.deepEqual(calls, [0, WIFI_JOIN_TIMEOUT + 2000], "AUTH_FAIL, never answered on the ESP32: retried 2 s after the join timeout");
      await env.runFor(2000);
      assert.notEqual(env.interpreter, first, "never online: the watchdog reboots after offlineMinutes");
      assert.equal(env.storage.read(BOOT_FILE), "2");
      await env.runFor(5 * 60000);
      assert.deepEqual(env.errors, []);
      assert.equal(bench.statuses.length, 0, "never reached the broker");
      assert.ok(Number(env.storage.read(BOOT_FILE)) >= 6, `a reboot a minute: boot ${env.storage.read(BOOT_FILE)}`);

      env.network.password = "wrong horse";
      await until(bench, () => bench.statuses.at(-1) == "online" && bench.reports.length > 0, 70000, "online once the password matches");
    });

    /** Waits until the reports go on past the outage (`extra` more than were made by now), then checks that every report of boot 1 arrived, in order, with no reboot. */
    async function resumed(bench: Bench, interpreter: unknown, extra: number): Promise<void> {
      const madeByNow = Math.floor((bench.env.clock.now() - 1000) / 10000) + 1;
      await until(bench, () => bench.statuses.at(-1) == "online" && bench.reports.some((report) => report[1] >= madeByNow + extra), 3 * 60000, "reports after the outage");
      assert.equal(bench.env.interpreter, interpreter, "no reboot");
      const arrived = firstArrivals(bench.reports);
      assert.deepEqual(arrived.map((report) => report[0]), arrived.map(() => 1));
      assert.deepEqual(arrived.map((report) => report[1]), upTo(arrived.length), "every report, those of the outage included, in order");
    }

    it("ESP32: after a drop the node rejoins by itself (the station does not), the client resumes and the reports of the outage arrive", async () => {
      const bench = await startOnline(example);
      const { env } = bench;
      const first = env.interpreter;
      const { calls, leaves } = watchWifi(env);
      env.network.drop();
      const lost = env.clock.now();
      await env.runFor(60000);
      assert.deepEqual(env.errors, []);
      // 2 s after the drop; that attempt is never answered and ends at the join timeout; the next 4 s later.
      assert.deepEqual(calls.map((at) => at - lost), [2000, 2000 + WIFI_JOIN_TIMEOUT + 4000]);
      assert.deepEqual(leaves.map((at) => at - lost), [2000 + WIFI_JOIN_TIMEOUT]);
      env.network.restore();
      await resumed(bench, first, 2);
      assert.equal(calls.length, 3, "joined at the next attempt");
    });

    it("ESP8266: a short drop is rejoined by the SDK: the node calls neither connect nor disconnect, and the client resumes", async () => {
      const bench = await startOnline(exampleEsp8266, ESP8266_WIRING);
      const { env } = bench;
      const first = env.interpreter;
      const { calls, leaves } = watchWifi(env);
      env.network.drop();
      await env.runFor(1000);
      env.network.restore();
      await resumed(bench, first, 2);
      assert.deepEqual([...calls, ...leaves], [], "the SDK rejoined within the node's 2 s wait");
    });

    // 30 s, not longer: the ESP8266's client queue (4 × its 512-byte send buffer) holds about four of this node's reports, and a QoS 1 report it refuses never reaches the flash queue.
    it("ESP8266: through a longer drop the node connects once per backoff, not on each of the SDK's disconnected events, and everything arrives after", async () => {
      const bench = await startOnline(exampleEsp8266, ESP8266_WIRING);
      const { env } = bench;
      const first = env.interpreter;
      const { calls, leaves } = watchWifi(env);
      countDisconnected(env);
      env.network.drop();
      const lost = env.clock.now();
      await env.runFor(30000);
      assert.deepEqual(env.errors, []);
      // Each connect fails after the join delay with the callback's error; the node leaves (stopping the SDK's retries) and tries again 4, 8 s later.
      assert.deepEqual(calls.map((at) => at - lost), [2000, 7500, 17000]);
      assert.deepEqual(leaves.map((at) => at - lost), calls.map((at) => at - lost + JOIN_DELAY));
      assert.equal(env.run("disconnectedEvents"), 5, "the drop, one SDK retry before the node's first connect, one per connect");
      env.network.restore();
      await resumed(bench, first, 2);
      assert.deepEqual(calls.map((at) => at - lost), [2000, 7500, 17000, 34500], "joined at the next attempt");
    });
  });
}
