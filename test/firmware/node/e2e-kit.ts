/**
 * What the node's end-to-end tests (node-*-e2e.test.ts) share: bundles built
 * from the node files here and passed by the gate, an MQTT.js peer that keeps
 * what it receives, the models of node-e2e.json's parts, and a node booted in
 * the emulated interpreter with its broker address routed to the suite's
 * broker on loopback.
 */
import assert from "node:assert/strict";
import type { MqttClient as PeerClient } from "mqtt";
import { buildBundle, type BuildResult } from "../../../scripts/build/build.ts";
import { formatViolations } from "../../../scripts/gate/index.ts";
import { LOOPBACK } from "../../../sim/brokers.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { Bme280Model } from "../../../sim/devices/bme280.ts";
import { ButtonModel } from "../../../sim/devices/button.ts";
import { Dht22Model } from "../../../sim/devices/dht22.ts";
import { Ds18b20Model } from "../../../sim/devices/ds18b20.ts";
import type { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";
import { NetworkModel } from "../../../sim/espruino/network.ts";
import { Hardware } from "../../../sim/hardware/index.ts";
import type { BrokerSuite } from "../../support/broker-suite.ts";
import { environment } from "../../sim/espruino/helpers.ts";

/**
 * Heap variables the six-part sensor node may hold on the ESP8266, by the
 * emulator's estimate (sim/espruino/memory.ts). Not the board's limit,
 * which the estimate runs below (README, "Measured figures": about 1,236
 * estimated in this test since session 10's client and driver work, when
 * Espruino 2v29 built with the ESP8266's 1,600 variables first ran it,
 * at about 1,300 of its own with about 220 to spare; 1,345 since session
 * 9's size work, when that build ran out of memory at its first report and
 * a 2,047-variable build ran it at about 1,410; 1,420 since the device
 * codec took text as bytes and the drivers' units left their prototypes,
 * 1,485 once the receive path held no buffer, 1,645 before, 1,890 with
 * bundles wrapped in a function). A ceiling a little above today's figure,
 * so that the estimate cannot grow unnoticed.
 */
export const ESP8266_SENSOR_NODE_CEILING = 1260;

/** The broker host of every node file here (port 1883). */
export const BROKER_HOST = "192.168.1.10";

/** The bundle the build makes for `board` from `nodeFile` (bytes budget 100,000), asserted free of gate violations. */
export async function buildNode(board: string, nodeFile: string): Promise<BuildResult> {
  const build = await buildBundle({ board, nodeFile, budget: 100000 });
  assert.deepEqual(build.violations, [], formatViolations(build.violations));
  return build;
}

/** A message a peer received, its payload as UTF-8 text. */
export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A peer (clean session) subscribed to `topics` at QoS 1, and every message it receives from then on. */
export async function watch(suite: BrokerSuite, clientId: string, topics: string | string[]): Promise<{ peer: PeerClient; received: Received[] }> {
  const peer = await suite.peer(clientId);
  const received: Received[] = [];
  peer.on("message", (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await peer.subscribeAsync(topics, { qos: 1 });
  return { peer, received };
}

/** Espruino names of the pins of node-e2e.json's parts (the ESP8266 file uses the board's labels: D5 is GPIO14, …). */
export interface Wiring {
  dht22: string;
  ds18b20: string;
  button: string;
  relay: string;
}

export const ESP32_WIRING: Wiring = { dht22: "D4", ds18b20: "D5", button: "D27", relay: "D26" };
export const ESP8266_WIRING: Wiring = { dht22: "D14", ds18b20: "D12", button: "D13", relay: "D16" };

/** Empty pins of `build`'s board on a new virtual clock, for the models a test attaches. */
export function boardHardware(build: BuildResult): Hardware {
  return new Hardware(new VirtualClock(), build.board);
}

/** Attaches models of node-e2e.json's inputs (DHT22 23.4 °C 56.7 %RH, DS18B20 18.25 °C, BME280 21.5 °C 1001.3 hPa 40 %RH, a button) on `wiring`; returns the button. */
export function attachExampleModels(hardware: Hardware, wiring: Wiring): ButtonModel {
  hardware.attachLine(wiring.dht22, new Dht22Model({ temperature: 23.4, humidity: 56.7 }));
  hardware.attachOneWire(wiring.ds18b20, new Ds18b20Model({ temperature: 18.25 }));
  hardware.attachI2C(new Bme280Model({ temperature: 21.5, pressure: 1001.3, humidity: 40 }));
  const button = new ButtonModel();
  hardware.attachLine(wiring.button, button);
  return button;
}

/** A node running in the emulated interpreter. */
export interface BootedNode {
  env: EspruinoEnvironment;
  network: NetworkModel;
}

/**
 * Boots `build` on `hardware` (its clock too) in an emulated interpreter whose network (`network`, a new one by
 * default) routes the broker host to the suite's broker; `keepScopes` where a test reads the heap estimate.
 */
export function bootNode(suite: BrokerSuite, build: BuildResult, hardware: Hardware, options: { network?: NetworkModel; keepScopes?: boolean } = {}): BootedNode {
  const network = options.network ?? new NetworkModel();
  network.route(BROKER_HOST, 1883, { host: LOOPBACK, port: suite.broker().port });
  const env = environment(build.board.id, { clock: hardware.clock, hardware, network, keepScopes: options.keepScopes ?? false });
  env.boot(build.code);
  return { env, network };
}
