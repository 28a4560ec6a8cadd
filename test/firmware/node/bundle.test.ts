/**
 * Proves topics.ts and discovery.ts run on Espruino as far as the build can
 * tell: an entry that uses them is bundled with the device esbuild
 * configuration and passed through the compatibility gate, then run in the
 * emulated interpreter, whose output must match the same calls on Node.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BOARDS } from "../../../boards/index.ts";
import { bundleForEspruino, type EspruinoBundle } from "../../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../../scripts/gate/index.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";
import { commandActuator, commandFilter, commandTopic, errorTopic, nodeTopic, stateTopic, statusTopic, telemetryTopic } from "../../../firmware/node/topics.ts";
import { NODE, OPTIONS, collect } from "./every-driver.ts";

const NODE_DIR = fileURLToPath(new URL("../../../firmware/node/", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../../firmware/config.ts", import.meta.url));

/** Device code as the node application would use it: every topic, then every discovery message. */
const ENTRY = `
import type { NodeConfig } from "${CONFIG}";
import { discoveryMessage } from "${NODE_DIR}discovery.ts";
import { commandActuator, commandFilter, commandTopic, errorTopic, nodeTopic, stateTopic, statusTopic, telemetryTopic } from "${NODE_DIR}topics.ts";

declare const MOTE_NODE: NodeConfig;
declare const MOTE_MODEL: string;
const prefix = MOTE_NODE.topicPrefix;
const id = MOTE_NODE.id;
console.log(statusTopic(prefix, id));
console.log(telemetryTopic(prefix, id));
console.log(errorTopic(prefix, id));
console.log(commandFilter(prefix, id));
for (let index = 0; index < MOTE_NODE.actuators.length; index++) {
  const name = MOTE_NODE.actuators[index]!.name;
  console.log(commandTopic(prefix, id, name) + " " + stateTopic(prefix, id, name) + " " + commandActuator(nodeTopic(prefix, id), commandTopic(prefix, id, name)));
}
const message = { topic: "", payload: "" };
const options = { discoveryPrefix: "homeassistant", model: MOTE_MODEL };
for (let index = 0; discoveryMessage(MOTE_NODE, index, options, message); index++) console.log(message.topic + " " + message.payload);
`;

/** What the entry prints, computed on Node. */
function expectedLines(): string[] {
  const prefix = NODE.topicPrefix;
  const id = NODE.id;
  const lines = [statusTopic(prefix, id), telemetryTopic(prefix, id), errorTopic(prefix, id), commandFilter(prefix, id)];
  for (const part of NODE.actuators) {
    lines.push(`${commandTopic(prefix, id, part.name)} ${stateTopic(prefix, id, part.name)} ${commandActuator(nodeTopic(prefix, id), commandTopic(prefix, id, part.name))}`);
  }
  for (const message of collect(NODE, OPTIONS)) lines.push(`${message.topic} ${message.payload}`);
  return lines;
}

/** Bytes each of the two modules adds to the minified bundle. */
function moduleBytes(bundle: EspruinoBundle): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const output of Object.values(bundle.metafile.outputs)) {
    for (const [input, contribution] of Object.entries(output.inputs)) {
      const name = /firmware\/node\/([a-z-]+)\.ts$/.exec(input);
      if (name) bytes[name[1]!] = contribution.bytesInOutput;
    }
  }
  return bytes;
}

describe("node topics and discovery bundle", () => {
  let bundle: EspruinoBundle;

  before(async () => {
    const directory = mkdtempSync(join(tmpdir(), "mote-node-"));
    const entry = join(directory, "entry.ts");
    writeFileSync(entry, ENTRY);
    bundle = await bundleForEspruino({ entry, define: { MOTE_NODE: JSON.stringify(NODE), MOTE_MODEL: JSON.stringify(OPTIONS.model) } });
  });

  it("bundles with zero gate violations, in a few kilobytes", () => {
    const violations = checkBundle(bundle.code, bundle.map);
    assert.deepEqual(violations, [], formatViolations(violations));
    const bytes = moduleBytes(bundle);
    assert.ok(bytes["discovery"]! > 0 && bytes["topics"]! > 0, JSON.stringify(bytes));
    assert.ok(bytes["discovery"]! + bytes["topics"]! < 2600, `discovery + topics add ${JSON.stringify(bytes)} bytes (2,364 when written)`);
  });

  it("prints in the emulated interpreter exactly what Node computes", () => {
    const env = new EspruinoEnvironment({ board: BOARDS["esp8266"]!, clock: new VirtualClock() });
    try {
      env.run(bundle.code, "entry.js");
      assert.deepEqual(env.errors, []);
      assert.deepEqual(env.output, expectedLines());
    } finally {
      env.dispose();
    }
  });
});
