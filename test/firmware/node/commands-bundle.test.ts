/**
 * Proves commands.ts runs on Espruino as far as the build can tell: an entry
 * that drives a relay, an LED and a PWM output through handleCommand over
 * Espruino's own globals is bundled with the device esbuild configuration
 * and passed through the compatibility gate, then run in the emulated
 * interpreter, whose outcomes and pin levels must match Node's on the rig.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BOARDS } from "../../../boards/index.ts";
import type { ActuatorConfig } from "../../../firmware/config.ts";
import { handleCommand, type CommandOutcome } from "../../../firmware/node/commands.ts";
import { commandTopic, nodeTopic } from "../../../firmware/node/topics.ts";
import { DigitalOutput } from "../../../hal/digital-output.ts";
import { PwmOutput } from "../../../hal/pwm-output.ts";
import { bundleForEspruino, type EspruinoBundle } from "../../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../../scripts/gate/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";
import { Hardware } from "../../../sim/hardware/index.ts";
import { rig } from "../../hal/rig.ts";
import { utf8Bytes } from "../mqtt/device-text.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const PARTS: ActuatorConfig[] = [
  { name: "relay", type: "relay", pin: "D13", espruino: "D13", qos: 1 },
  { name: "led", type: "led", pin: "D2", espruino: "D2", qos: 1 },
  { name: "fan", type: "pwm", pin: "D14", espruino: "D14", qos: 1 },
];
const BASE = nodeTopic("mote", "kitchen");

/** [actuator, payload as text]: accepted and rejected forms, in an order that leaves every pin moved. */
const TEXT_COMMANDS: [string, string][] = [
  ["relay", "ON"],
  ["relay", " toggle "],
  ["relay", '{"state":"TOGGLE"}'],
  ["relay", "\u00d6N"],
  ["relay", "{"],
  ["relay", "x".repeat(300)],
  ["led", "true"],
  ["led", '{"state":false}'],
  ["led", "1"],
  ["led", "\u0001\"\\\u007f\u00e9"],
  ["led", "\u20ac".repeat(70)],
  ["fan", "12.5"],
  ["fan", "12.345"],
  ["fan", '{"value":33.3}'],
  ["fan", "101"],
  ["fan", "-1"],
  ["fan", '{"brightness":5}'],
  ["fan", "ON"],
  ["fan", "99.99"],
  ["heater", "ON"],
];
/** The same with each payload as the client hands it, its UTF-8 bytes; then bytes that are not UTF-8. */
const COMMANDS: [string, string][] = [...TEXT_COMMANDS.map(([name, payload]): [string, string] => [name, utf8Bytes(payload)]), ["relay", "O\u00c3("], ["led", "\u00ff"]];

/** Device code as the node application would use it: one outcome record, one call per message. */
const ENTRY = `
import { espruinoIo } from "${ROOT}hal/espruino.ts";
import { DigitalOutput } from "${ROOT}hal/digital-output.ts";
import { PwmOutput } from "${ROOT}hal/pwm-output.ts";
import type { ActuatorConfig } from "${ROOT}firmware/config.ts";
import { handleCommand } from "${ROOT}firmware/node/commands.ts";
import { commandTopic, nodeTopic } from "${ROOT}firmware/node/topics.ts";

declare const D2: any, D13: any, D14: any;
declare const MOTE_PARTS: ActuatorConfig[];
declare const MOTE_COMMANDS: [string, string][];
const io = espruinoIo();
const actuators = [new DigitalOutput(io, D13), new DigitalOutput(io, D2), new PwmOutput(io, D14)];
const base = nodeTopic("mote", "kitchen");
const outcome = { index: -1, state: "", error: "" };
for (let index = 0; index < MOTE_COMMANDS.length; index++) {
  const ok = handleCommand(base, commandTopic("mote", "kitchen", MOTE_COMMANDS[index]![0]), MOTE_COMMANDS[index]![1], MOTE_PARTS, actuators, outcome);
  console.log(ok + " " + outcome.index + " " + outcome.state + " " + outcome.error);
}
`;

describe("commands bundle", () => {
  let bundle: EspruinoBundle;

  before(async () => {
    const directory = mkdtempSync(join(tmpdir(), "mote-commands-"));
    const entry = join(directory, "entry.ts");
    writeFileSync(entry, ENTRY);
    bundle = await bundleForEspruino({ entry, define: { MOTE_PARTS: JSON.stringify(PARTS), MOTE_COMMANDS: JSON.stringify(COMMANDS) } });
  });

  it("bundles with zero gate violations, commands.ts in about a kilobyte", () => {
    const violations = checkBundle(bundle.code, bundle.map);
    assert.deepEqual(violations, [], formatViolations(violations));
    let bytes = 0;
    for (const output of Object.values(bundle.metafile.outputs)) {
      for (const [input, contribution] of Object.entries(output.inputs)) if (input.endsWith("firmware/node/commands.ts")) bytes = contribution.bytesInOutput;
    }
    assert.ok(bytes > 0 && bytes < 2000, `commands.ts adds ${bytes} bytes (1,798 when written)`);
  });

  it("gives in the emulated interpreter the outcomes and pin levels Node gives on the rig", () => {
    const bench = rig();
    const actuators = [new DigitalOutput(bench.io, bench.pin("D13")), new DigitalOutput(bench.io, bench.pin("D2")), new PwmOutput(bench.io, bench.pin("D14"))];
    const outcome: CommandOutcome = { index: -1, state: "", error: "" };
    const expected = COMMANDS.map(([name, payload]) => {
      const ok = handleCommand(BASE, commandTopic("mote", "kitchen", name), payload, PARTS, actuators, outcome);
      return `${ok} ${outcome.index} ${outcome.state} ${outcome.error}`;
    });
    const clock = new VirtualClock();
    const hardware = new Hardware(clock, BOARDS["esp32"]!);
    const env = new EspruinoEnvironment({ board: BOARDS["esp32"]!, clock, hardware });
    try {
      env.run(bundle.code, "entry.js");
      assert.deepEqual(env.errors, []);
      assert.deepEqual(env.output, expected);
      for (const pin of ["D13", "D2"]) assert.equal(hardware.pin(pin).level, bench.hardware.pin(pin).level, pin);
      assert.deepEqual(hardware.pin("D14").pwm, bench.hardware.pin("D14").pwm);
      assert.deepEqual([hardware.pin("D13").level, hardware.pin("D2").level, Math.round(hardware.pin("D14").pwm!.duty * 10000)], [true, true, 9999]);
    } finally {
      env.dispose();
    }
  });
});
