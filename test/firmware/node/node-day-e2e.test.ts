/**
 * Issue #6's day: the esp32 and esp8266 bundles of the sensor node (a DHT22,
 * a DS18B20, a BME280, a button, a relay and an LED; telemetry every minute
 * at QoS 1) run a simulated day in the emulated board against a real broker
 * through a WiFi drop, a broker restart and a power loss
 * (day-faults.json), driven by the fleet simulator (sim/fleet/): every QoS 1
 * report produced arrives, in (boot, seq) order.
 */
import assert from "node:assert/strict";
import { ROOT } from "../../../scripts/build/build.ts";
import { preferredBroker, type Broker } from "../../../sim/brokers.ts";
import { runFleet } from "../../../sim/fleet/fleet.ts";
import { Ledger } from "../../../sim/fleet/ledger.ts";
import { readFaultPlan } from "../../../sim/fleet/plan.ts";
import { failures, formatSummary } from "../../../sim/fleet/report.ts";
import { brokerTitle, reportBroker } from "../../support/broker-report.ts";
import { ESP8266_SENSOR_NODE_CEILING } from "./e2e-kit.ts";

const DAY = 86400;
const kind = preferredBroker();

describe(brokerTitle("node: a simulated day through a WiFi drop, a broker restart and a power loss", kind), function () {
  this.timeout(600000);
  let broker: Broker;
  before(async () => {
    broker = await kind.start({ persistence: true });
    reportBroker(broker, "node day");
  });
  after(() => broker.stop());

  for (const board of ["esp32", "esp8266"]) {
    it(`${board}: every QoS 1 report of the day arrives, in order`, async () => {
      const ledger = new Ledger();
      const summary = await runFleet({
        nodeFile: ROOT + `test/firmware/node/node-day-${board}.json`,
        duration: DAY,
        plan: readFaultPlan(ROOT + "test/firmware/node/day-faults.json"),
        brokerHandle: broker,
        // The sensor node is over the board's bundle budget (see the README's budgets); the day is about behaviour.
        budget: 1_000_000,
        ledger,
        // The heap check below counts closure scopes as Espruino keeps them.
        keepScopes: true,
      });
      console.log(formatSummary(summary).replace(/^/gm, "      "));
      assert.deepEqual(failures(summary), []);
      assert.deepEqual(summary.faults, { "wifi-drop": 1, "broker-restart": 1, latency: 0, chunking: 0, "power-loss": 1 });
      assert.equal(summary.restarts, 1, "the power loss");
      assert.ok(summary.reconnects >= 3, `WiFi drop, broker restart, power loss: ${summary.reconnects} reconnects`);
      // A report a minute from 1 s after each start, less the two minutes without power (and a minute's phase shift at most).
      assert.ok(summary.qos1.produced >= DAY / 60 - 3, `produced ${summary.qos1.produced}`);
      assert.equal(summary.qos1.received, summary.qos1.produced);
      assert.equal(summary.qos1.refused, 0);
      assert.equal(summary.qos1.outOfOrder, 0);
      // The emulator does not enforce the heap bound (estimate, sim/espruino/memory.ts): the node must fit the
      // ESP32's; it is over the ESP8266's today, and must not grow there (ESP8266_SENSOR_NODE_CEILING).
      const ceiling = board == "esp8266" ? ESP8266_SENSOR_NODE_CEILING : summary.memory.variablesTotal - 1;
      assert.ok(summary.memory.variablesMax <= ceiling, `${summary.memory.variablesMax} heap variables at most, over ${ceiling} (the board has ${summary.memory.variablesTotal})`);
      const booked = ledger.booked(ledger.nodeIds[0]!).map((report) => report.key.split(":").map(Number));
      assert.deepEqual(new Set(booked.map(([boot]) => boot)).size, 2, "two boots: before and after the power loss");
      for (let index = 1; index < booked.length; index++) {
        const [boot, seq] = booked[index]!;
        const [lastBoot, lastSeq] = booked[index - 1]!;
        assert.ok(boot == lastBoot ? seq == lastSeq! + 1 : boot == lastBoot! + 1 && seq == 1, `reports numbered without gaps: ${lastBoot}:${lastSeq} then ${boot}:${seq}`);
      }
    });
  }
});
