/**
 * QoS 2 commands reach our client's handler exactly once through broker
 * restarts: our client subscribes at QoS 2 with a persistent session, MQTT.js
 * publishes numbered commands in bursts with the broker restarted after each
 * burst (deliveries to our client still in flight), and at a few commands the
 * link dies after our client received the PUBLISH but before its PUBREC left,
 * so the broker must send it again and our client must not deliver it twice.
 *
 * A ledger reads the wire with mqtt-packet (an independent decoder) and counts
 * the QoS 2 flows the broker started for each command: a PUBLISH whose packet
 * id is not in an open flow starts one, a PUBREL ends it. The client must
 * deliver exactly once per flow, whatever the broker does; with a broker that
 * keeps QoS 2 exact (BrokerKind.exactQos2) there must be exactly one flow per
 * command, so exactly one delivery. aedes is not: it is not restarted, and
 * the flows it starts again are reported. After a reconnection aedes also
 * sends, now and then, a new command under a packet id whose QoS 2 flow is
 * still open (PUBLISH seen, no PUBREL since), which [MQTT-2.3.1-2] forbids.
 * A receiver must take such a PUBLISH for the one it has not released and not
 * deliver it [MQTT-4.3.3-2], so that command is lost at any compliant client:
 * the ledger records it, and the test asks that the client dropped it and
 * that only such commands are missing.
 */
import { strict as assert } from "node:assert";
import * as mqttPacket from "mqtt-packet";
import { STATE_READY } from "../../../firmware/mqtt/client-constants.ts";
import { availableBrokers, type Broker } from "../../../sim/brokers.ts";
import { brokerTitle, reportBroker } from "../../support/broker-report.ts";
import { connectPeer, createTestClient, delay, Opened, testOptions, waitFor, type TestTransport } from "./integration-kit.ts";

const COMMANDS = 300;
const BURSTS = 6;
/**
 * QoS 2 publishes MQTT.js keeps in flight. mosquitto 2.0.11 completes every
 * QoS 2 PUBLISH from a 3.1.1 client but silently drops those beyond its
 * max_inflight_messages (20) in flight at once, so the commander stays under it.
 */
const PUBLISHER_WINDOW = 10;
/** Commands whose PUBLISH reaches our client and whose PUBREC never leaves (the link dies first). */
const CUT_AT = new Set([17, 64, 133, 201, 288]);

/** Command number of a payload "cmd:<n>;", 0 for anything else. */
function commandOf(payload: string): number {
  return Number(/^cmd:(\d+);$/.exec(payload)?.[1] ?? 0);
}

/** Reads what the broker sends our client, counts QoS 2 flows per command, and cuts the link at CUT_AT. */
class FlowLedger {
  readonly flows = new Uint8Array(COMMANDS + 1);
  readonly cut = new Set<number>();
  /** Commands the broker sent under a packet id still open for another command. */
  readonly reused = new Set<number>();
  /** Open QoS 2 flows: packet id to the command that started it. */
  private readonly open = new Map<number, number>();
  private parser = mqttPacket.parser();

  constructor(private readonly transport: TestTransport) {
    const events = transport.events;
    transport.events = {
      ...events,
      onOpen: () => {
        this.parser = mqttPacket.parser();
        this.parser.on("packet", (packet) => this.read(packet));
        events.onOpen();
      },
      onData: (chunk) => {
        this.parser.parse(Buffer.from(chunk, "latin1"));
        events.onData(chunk);
      },
    };
  }

  private read(packet: mqttPacket.Packet): void {
    if (packet.cmd === "connack" && !packet.sessionPresent) this.open.clear();
    if (packet.cmd === "pubrel") this.open.delete(packet.messageId!);
    if (packet.cmd !== "publish" || packet.qos !== 2) return;
    const command = commandOf((packet.payload as Buffer).toString("latin1"));
    const opened = this.open.get(packet.messageId!);
    if (opened !== undefined) {
      if (opened !== command) this.reused.add(command);
      return;
    }
    this.open.set(packet.messageId!, command);
    this.flows[command]!++;
    if (CUT_AT.has(command) && !this.cut.has(command)) {
      this.cut.add(command);
      this.transport.cutBeforeReply();
    }
  }
}

for (const kind of availableBrokers()) {
  const restart = kind.exactQos2;
  const through = restart ? "through broker restarts and link cuts" : "through link cuts (broker not exact at QoS 2: not restarted, its repeated flows reported)";
  describe(brokerTitle(`MQTT client: QoS 2 commands exactly once ${through}`, kind), function () {
    this.timeout(60_000);
    const opened = new Opened();
    let broker: Broker;

    before(async function () {
      broker = await kind.start({ persistence: true });
      reportBroker(broker, "persistence on");
    });
    afterEach(() => opened.closeAll());
    after(() => broker?.stop());

    it(`hands each of ${COMMANDS} commands to the handler once per QoS 2 flow, none lost`, async function () {
      const topic = "mote/node-7/command";
      const counts = new Uint8Array(COMMANDS + 1);
      const qosSeen = new Set<number>();
      let sentinel = 0;
      const { client, transport, reasons } = createTestClient(opened, testOptions(broker, { clientId: "mote-qos2-node", cleanSession: false, keepalive: 10 }));
      const ledger = new FlowLedger(transport);
      assert.equal(client.subscribe(topic, 2, (_topic, payload, _retain, qos) => {
        qosSeen.add(qos);
        if (payload === "end;") sentinel++;
        else counts[commandOf(payload)]!++;
      }), 0);
      client.start();
      await waitFor(() => client.state === STATE_READY && client.subscriptions[0]!.packetId === 0, 5000, () => "our client subscribed");

      const commander = await connectPeer(opened, broker, "mote-qos2-commander", true);
      let restarts = 0;
      for (let burst = 0; burst < BURSTS; burst++) {
        for (let group = 0; group < COMMANDS / BURSTS; group += PUBLISHER_WINDOW) {
          const pending: Promise<unknown>[] = [];
          for (let index = group; index < Math.min(group + PUBLISHER_WINDOW, COMMANDS / BURSTS); index++) {
            pending.push(commander.publishAsync(topic, `cmd:${1 + burst * (COMMANDS / BURSTS) + index};`, { qos: 2 }));
          }
          await Promise.all(pending);
        }
        if (!restart || burst === BURSTS - 1) continue;
        await broker.restart();
        restarts++;
        await waitFor(() => commander.connected, 5000, () => "MQTT.js to reconnect after the restart");
      }

      const commands = [...counts.keys()].slice(1);
      /** Delivered, or only ever sent under another command's open packet id. */
      const settled = (command: number) => counts[command]! > 0 || (ledger.flows[command] === 0 && ledger.reused.has(command));
      await waitFor(() => commands.every(settled), 20_000, () => {
        const missing = commands.filter((command) => !settled(command));
        return `every command at the handler (missing ${missing.slice(0, 10).join(",")}, ${missing.length} in all; ` +
          `QoS 2 flows started for them ${missing.slice(0, 10).map((command) => ledger.flows[command]).join(",")})`;
      });
      await commander.publishAsync(topic, "end;", { qos: 2 });
      await waitFor(() => sentinel > 0, 5000, () => "the sentinel after the last command");
      await delay(300);

      const counters = client.counters;
      const repeatedFlows = commands.filter((command) => ledger.flows[command]! > 1);
      console.log(`      ${kind.name}: ${COMMANDS} commands, ${restarts} restarts, ${ledger.cut.size} links cut before PUBREC; ` +
        `client received ${counters.received} PUBLISH packets, dropped ${counters.duplicates} QoS 2 duplicates, ${counters.disconnects} disconnects; ` +
        `broker started a second flow for ${repeatedFlows.length} commands${repeatedFlows.length ? ` (${repeatedFlows.slice(0, 8).join(",")}…)` : ""}, ` +
        `sent ${ledger.reused.size} under another command's open packet id${ledger.reused.size ? ` (${[...ledger.reused].join(",")})` : ""}`);
      const notOncePerFlow = commands.filter((command) => counts[command] !== ledger.flows[command]);
      assert.deepEqual(notOncePerFlow.map((command) => `cmd ${command}: ${counts[command]} deliveries, ${ledger.flows[command]} flows`), [],
        "delivered once per QoS 2 flow");
      if (kind.exactQos2) {
        assert.deepEqual([...ledger.reused], [], "no packet id reused while its flow is open");
        assert.deepEqual(commands.filter((command) => counts[command] !== 1), [], "each command handed to the handler exactly once");
      }
      assert.equal(counts[0], 0, "no unparsable command");
      assert.equal(sentinel, 1, "sentinel once");
      assert.deepEqual([...qosSeen], [2], "delivered at QoS 2");
      assert.equal(restarts, restart ? BURSTS - 1 : 0);
      // a planned cut happens where that command starts a flow; not where aedes only ever sent it under another's open id
      assert.deepEqual([...CUT_AT].filter((command) => !ledger.cut.has(command) && !(ledger.flows[command] === 0 && ledger.reused.has(command))), [],
        "every planned cut happened");
      assert.ok(counters.duplicates >= 1, `the broker sent a PUBLISH again after a lost PUBREC and the client dropped it (reasons ${reasons.join(",")})`);
      assert.equal(counters.handlerErrors, 0);
    });
  });
}
