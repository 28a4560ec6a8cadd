/**
 * The node application's command outbox (firmware/node/app.ts `post`) in
 * Node, over a FakeTransport playing the broker on a VirtualClock: commands
 * change their actuator at once; the retained states and the error reports
 * they lead to are published by a timer after the packet that carried them,
 * one state per actuator however many commands, at most ERROR_BACKLOG
 * errors per burst (the rest counted as dropped).
 */
import assert from "node:assert/strict";
import type { NodeConfig } from "../../../firmware/config.ts";
import * as C from "../../../firmware/mqtt/constants.ts";
import { startNode } from "../../../firmware/node/app.ts";
import { ERROR_BACKLOG } from "../../../firmware/node/constants.ts";
import { ack, concat, connack, FakeTransport, publishPacket, type SentPacket } from "../mqtt/fake-transport.ts";
import { rig } from "../../hal/rig.ts";
import { memoryStorage } from "./memory-storage.ts";
import { rigPlatform } from "./rig-platform.ts";

const CONFIG: NodeConfig = {
  id: "n1", board: "esp32", wifi: null,
  broker: { host: "broker.test", port: 1883, tls: false, username: null, password: null, clientId: "n1" },
  topicPrefix: "mote", telemetry: { period: 60, qos: 1 }, sensors: [],
  actuators: [
    { name: "relay", type: "relay", pin: "D5", espruino: "D5", qos: 1 },
    { name: "lamp", type: "led", pin: "D18", espruino: "D18", qos: 1 },
  ],
  discovery: false, deepSleep: { enabled: false, awakeLimit: 30 }, watchdog: { offlineMinutes: 15 },
  buffers: { receive: 2048, send: 1024, socketQueue: 4096 },
};

/** The node online, with the broker acknowledging its QoS 1 publishes (while `acking`) and the initial states taken. */
function online() {
  const bench = rig("esp32");
  const transport = new FakeTransport(bench.clock);
  const node = startNode(CONFIG, rigPlatform(bench, { storage: memoryStorage(), wifi: null, transport: () => transport, reboot: () => assert.fail("no reboot here") }));
  const sent: SentPacket[] = [];
  const held: number[] = [];
  const control = { acking: true };
  /** Runs `ms` of virtual time, answering what the node sends (PUBACKs held back while not `control.acking`, sent once it is again). */
  function run(ms: number): void {
    const end = bench.clock.now() + ms;
    for (;;) {
      if (transport.link == "opening") {
        transport.accept();
        transport.deliver(connack());
      }
      // acknowledgements, then what the node sends in answer to them, until neither is left
      for (;;) {
        while (control.acking && held.length) transport.deliver(ack(C.PUBACK, held.shift()!));
        const packets = transport.take();
        if (!packets.length) break;
        for (const packet of packets) {
          sent.push(packet);
          if (packet.type == "PUBLISH" && packet.qos == 1) held.push(packet.packetId!);
        }
      }
      const due = bench.clock.nextDue();
      if (due === undefined || due > end) break;
      bench.clock.advanceTo(due);
    }
    bench.clock.advanceTo(end);
  }
  run(2000);
  const level = (pin: string) => bench.hardware.pin(pin).level;
  const published = (topic: string) => sent.filter((packet) => packet.type == "PUBLISH" && packet.topic == topic).map((packet) => packet.payload!);
  return { node, transport, sent, run, level, published, control, clock: bench.clock };
}

/** One chunk holding a QoS 1 PUBLISH per command, ids from 100. */
function burst(commands: [string, string][]): Uint8Array {
  return concat(...commands.map(([actuator, payload], index) => publishPacket({ topic: `mote/n1/${actuator}/set`, payload, qos: 1, packetId: 100 + index })));
}

describe("node application: commands and the outbox", () => {
  it("a burst of commands in one packet: each is acknowledged and obeyed, one state per actuator (its last) follows", () => {
    const bench = online();
    assert.deepEqual(bench.published("mote/n1/relay/state"), ["OFF"]);
    assert.deepEqual(bench.published("mote/n1/lamp/state"), ["OFF"]);
    const commands: [string, string][] = [
      ["relay", "ON"], ["relay", "OFF"], ["lamp", "ON"], ["relay", "TOGGLE"], ["relay", "OFF"], ["relay", "ON"],
      ["lamp", "TOGGLE"], ["relay", "TOGGLE"], ["relay", "TOGGLE"], ["lamp", "ON"], ["relay", "OFF"], ["relay", "ON"],
    ];
    bench.sent.length = 0;
    bench.transport.deliver(burst(commands));
    // obeyed at once (the relay is active high here: ON drives the pin high), acknowledged at once, states not yet
    assert.equal(bench.level("D5"), true);
    assert.equal(bench.level("D18"), true);
    const acks = bench.transport.take();
    bench.sent.push(...acks);
    assert.deepEqual(acks.map((packet) => `${packet.type} ${packet.packetId}`), commands.map((_, index) => `PUBACK ${100 + index}`));
    bench.run(1000);
    assert.deepEqual(bench.published("mote/n1/relay/state"), ["ON"]);
    assert.deepEqual(bench.published("mote/n1/lamp/state"), ["ON"]);
    assert.ok(bench.sent.filter((packet) => packet.topic == "mote/n1/relay/state").every((packet) => packet.retain), "states are retained");
    assert.deepEqual(bench.published("mote/n1/error"), []);

    // the next command, in a packet of its own, gets its own state
    bench.transport.deliver(burst([["relay", "OFF"]]));
    bench.run(1000);
    assert.deepEqual(bench.published("mote/n1/relay/state"), ["ON", "OFF"]);
    assert.equal(bench.level("D5"), false);
  });

  it("commands in packets of their own while the broker does not acknowledge: one state per actuator waits, brought up to date; all arrive once the acknowledgements come", () => {
    const bench = online();
    bench.control.acking = false;
    bench.sent.length = 0;
    const words = ["ON", "OFF", "TOGGLE", "OFF", "ON", "OFF", "ON", "TOGGLE", "TOGGLE", "ON"];
    for (let index = 0; index < words.length; index++) {
      bench.transport.deliver(publishPacket({ topic: "mote/n1/relay/set", payload: words[index]!, qos: 1, packetId: 200 + index }));
      bench.run(100);
      // the in-flight window (4) sent, and at most one more waiting
      assert.ok(bench.node.client.queue.length <= 5, `${bench.node.client.queue.length} messages in the client after command ${index + 1}`);
    }
    assert.equal(bench.level("D5"), true);
    bench.control.acking = true;
    bench.run(1000);
    const states = bench.published("mote/n1/relay/state");
    assert.deepEqual(states.slice(0, 4), ["ON", "OFF", "ON", "OFF"], "the first four went out as they came (the window)");
    assert.equal(states.at(-1), "ON", `the last state published is the relay's: ${states.join(" ")}`);
    assert.ok(states.length <= 6, `${states.length} states for ${words.length} commands: ${states.join(" ")}`);
    assert.equal(bench.node.client.queue.length, 0);
  });

  it(`a burst of bad commands: ${ERROR_BACKLOG} errors are published, the rest counted as dropped, nothing changes`, () => {
    const bench = online();
    const droppedBefore = bench.node.client.counters.dropped;
    bench.sent.length = 0;
    const bad: [string, string][] = Array.from({ length: ERROR_BACKLOG + 3 }, (_, index) => ["relay", "bogus" + index]);
    bench.transport.deliver(burst(bad));
    bench.run(1000);
    const errors = bench.published("mote/n1/error").map((text) => JSON.parse(text) as { error: string; input: string });
    assert.deepEqual(errors.map((error) => error.input), bad.slice(0, ERROR_BACKLOG).map((command) => command[1]));
    assert.equal(errors[0]!.error, "relay: expected ON, OFF or TOGGLE");
    assert.equal(bench.node.client.counters.dropped - droppedBefore, 3);
    assert.deepEqual(bench.published("mote/n1/relay/state"), []);
    assert.equal(bench.level("D5"), false);
  });

  it("good and bad commands mixed: the state and the errors both go out, the errors in order", () => {
    const bench = online();
    bench.sent.length = 0;
    bench.transport.deliver(burst([["relay", "ON"], ["relay", "nope"], ["heater", "ON"], ["relay", "OFF"], ["relay", "TOGGLE"]]));
    bench.run(1000);
    assert.deepEqual(bench.published("mote/n1/relay/state"), ["ON"]);
    assert.deepEqual(bench.published("mote/n1/error").map((text) => (JSON.parse(text) as { input: string }).input), ["nope", "ON"]);
    assert.equal(bench.level("D5"), true);
  });
});
