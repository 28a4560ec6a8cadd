/**
 * The HAL's drivers over the Espruino backend, bundled as for a board and run
 * inside the emulated interpreter (its realm lacks what Espruino lacks), with
 * device models on the emulated pins and buses: the whole path a flashed node
 * takes, minus the silicon.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { BOARDS } from "../../../boards/index.ts";
import { bundleForEspruino } from "../../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../../scripts/gate/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { Bme280Model } from "../../../sim/devices/bme280.ts";
import { Dht22Model } from "../../../sim/devices/dht22.ts";
import { Ds18b20Model } from "../../../sim/devices/ds18b20.ts";
import { Hardware } from "../../../sim/hardware/index.ts";
import { cleanUp, environment } from "./helpers.ts";

const ENTRY = fileURLToPath(new URL("./device/hal-node.ts", import.meta.url));

interface Line {
  ok: boolean;
  readings?: Record<string, number>;
  error?: string;
}

function samples(output: readonly string[]): Record<string, Line> {
  const found: Record<string, Line> = {};
  for (const text of output) {
    const space = text.indexOf(" ");
    if (space > 0 && text.startsWith("{", space + 1)) found[text.slice(0, space)] = JSON.parse(text.slice(space + 1)) as Line;
  }
  return found;
}

async function runNode(models: { dht22: Dht22Model; ds18b20: Ds18b20Model; bme280: Bme280Model }) {
  const bundle = await bundleForEspruino({ entry: ENTRY });
  assert.deepEqual(checkBundle(bundle.code, bundle.map), [], formatViolations(checkBundle(bundle.code, bundle.map)));
  const clock = new VirtualClock();
  const hardware = new Hardware(clock, BOARDS.esp32!);
  hardware.attachLine("D4", models.dht22);
  hardware.attachOneWire("D5", models.ds18b20);
  hardware.attachI2C(models.bme280);
  const env = environment("esp32", { clock, hardware });
  env.boot(bundle.code);
  await env.runFor(2000);
  assert.deepEqual(env.errors, []);
  return { env, hardware, found: samples(env.output) };
}

describe("HAL drivers inside the emulated interpreter (esp32)", function () {
  this.timeout(20000);
  afterEach(cleanUp);

  it("reads a DHT22, a DS18B20 and a BME280 and drives an active-low relay", async () => {
    const { hardware, found } = await runNode({
      dht22: new Dht22Model({ temperature: -10.1, humidity: 55.5 }),
      ds18b20: new Ds18b20Model({ temperature: -10.125 }),
      bme280: new Bme280Model({ temperature: 21.5, pressure: 1001.3, humidity: 40 }),
    });
    assert.deepEqual(found["dht22"], { ok: true, readings: { temperature: -10.1, humidity: 55.5 } });
    assert.deepEqual(found["ds18b20"], { ok: true, readings: { temperature: -10.125 } });
    const climate = found["bme280"];
    assert.ok(climate?.ok, JSON.stringify(climate));
    assert.ok(Math.abs(climate.readings!["temperature"]! - 21.5) < 0.05, JSON.stringify(climate));
    assert.ok(Math.abs(climate.readings!["pressure"]! - 1001.3) < 0.1, JSON.stringify(climate));
    assert.ok(Math.abs(climate.readings!["humidity"]! - 40) < 0.5, JSON.stringify(climate));
    assert.equal(hardware.pin("D26").level, false, "relay on = pin low (active low)");
  });

  it("reports absent devices as sample errors, nothing thrown", async () => {
    const dht22 = new Dht22Model({});
    const ds18b20 = new Ds18b20Model({});
    const bme280 = new Bme280Model({});
    dht22.fault = "absent";
    ds18b20.fault = "absent";
    bme280.fault = "absent";
    const { found } = await runNode({ dht22, ds18b20, bme280 });
    assert.deepEqual(found["dht22"], { ok: false, error: "absent" });
    assert.deepEqual(found["ds18b20"], { ok: false, error: "absent" });
    assert.deepEqual(found["bme280"], { ok: false, error: "absent" });
  });
});
