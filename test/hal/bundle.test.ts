/**
 * Proves the HAL runs on Espruino as far as the build can tell: an entry that
 * wires every driver to Espruino's own globals is bundled with the device
 * esbuild configuration and passed through the compatibility gate.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForEspruino } from "../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../scripts/gate/index.ts";

const HAL = fileURLToPath(new URL("../../hal/", import.meta.url));

/** Device code as a node would write it: Espruino globals, every driver, every verb. */
const ENTRY = `
import { espruinoIo } from "${HAL}espruino.ts";
import { AnalogInput } from "${HAL}analog-input.ts";
import { createBme280 } from "${HAL}bme280.ts";
import { createDht22 } from "${HAL}dht22.ts";
import { createDigitalInput } from "${HAL}digital-input.ts";
import { DigitalOutput } from "${HAL}digital-output.ts";
import { createDs18b20, findDs18b20 } from "${HAL}ds18b20.ts";
import { PwmOutput } from "${HAL}pwm-output.ts";

declare const D4: any, D5: any, D12: any, D13: any, D14: any, D25: any, D32: any, I2C1: any, OneWire: any;
const io = espruinoIo();
const report = (name: string) => (result: any) => console.log(name, JSON.stringify(result));
I2C1.setup({ scl: D22, sda: D21 });
const bus = new OneWire(D4);
const sensors = [
  createDht22(io, D5),
  createDs18b20(io, bus, { rom: findDs18b20(bus)[0] || "" }),
  createBme280(io, I2C1, { address: 0x76 }),
  new AnalogInput(io, D32, { scale: 2, unit: "V" }),
];
const button = createDigitalInput(io, D12, { longPress: 1000 });
button.listen((kind, active, seconds) => console.log(kind, active, seconds));
const relay = new DigitalOutput(io, D13, { activeLow: true });
const fan = new PwmOutput(io, D14, { frequency: 25000 });
setInterval(() => {
  sensors[0]!.sample(report("dht22"));
  sensors[1]!.sample(report("ds18b20"));
  sensors[2]!.sample(report("bme280"));
  sensors[3]!.sample(report("analog"));
  button.sample(report("button"));
  relay.write(!relay.state);
  fan.write(fan.state + 10);
}, 5000);
declare const D21: any, D22: any;
`;

describe("HAL bundle", () => {
  it("bundles every driver over the Espruino backend with zero gate violations", async () => {
    const directory = mkdtempSync(join(tmpdir(), "mote-hal-"));
    const entry = join(directory, "entry.ts");
    writeFileSync(entry, ENTRY);
    const bundle = await bundleForEspruino({ entry });
    const violations = checkBundle(bundle.code, bundle.map);
    assert.deepEqual(violations, [], formatViolations(violations));
    const inputs = Object.keys(bundle.metafile.inputs);
    for (const file of ["espruino", "analog-input", "bme280", "bme280-calibration", "crc8", "deliver", "dht22", "digital-input", "digital-output", "ds18b20", "pwm-output"]) {
      assert.ok(inputs.some((input) => input.endsWith(`hal/${file}.ts`)), `${file}.ts is in the bundle`);
    }
    assert.ok(bundle.code.length < 12000, `the whole HAL bundles to ${bundle.code.length} bytes`);
  });
});
