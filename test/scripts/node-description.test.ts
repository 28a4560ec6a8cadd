import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOARD_IDS, BOARDS } from "../../boards/index.ts";
import { EXAMPLE_NODE, ROOT, buildBundle } from "../../scripts/build/build.ts";
import { checkDescription, DescriptionError, loadNode, readDescription } from "../../scripts/build/node-description.ts";
import { DRIVER_TYPES } from "../../scripts/build/part-types.ts";
import { compileSchema, readNodeSchema, schemaProblems } from "../../scripts/build/schema-problems.ts";
import { readSecrets, secretsFileFor } from "../../scripts/build/secrets.ts";

const WIFI_SECRET = "wifi-Secret-7f3a9";
const BROKER_SECRET = "broker-Secret-c41d2";

/** A directory holding `node.json` (and `node.secrets.json` when given); returns the description's path. */
function nodeDir(description: unknown, secrets?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "mote-node-"));
  writeFileSync(join(dir, "node.json"), JSON.stringify(description));
  if (secrets !== undefined) writeFileSync(join(dir, "node.secrets.json"), typeof secrets === "string" ? secrets : JSON.stringify(secrets));
  return join(dir, "node.json");
}

function problemsOf(description: Record<string, unknown>, board = "esp32"): string {
  try {
    checkDescription("node.json", { id: "n", broker: { host: "b" }, ...description }, BOARDS[board]!);
  } catch (error) {
    assert.ok(error instanceof DescriptionError, String(error));
    return error.problems.join("\n");
  }
  assert.fail("the description was accepted");
}

describe("node description: the schema", () => {
  const schema = readNodeSchema();

  it("compiles with ajv in strict mode", () => {
    assert.equal(typeof compileSchema(schema), "function");
  });

  it("lists the boards and each role's drivers that the build knows", () => {
    assert.deepEqual(schema["properties"].board.enum, [...BOARD_IDS]);
    for (const [role, definition] of [["sensors", "sensor"], ["actuators", "actuator"]] as const) {
      const known = Object.keys(DRIVER_TYPES).filter((type) => DRIVER_TYPES[type]!.role === role).sort();
      assert.deepEqual(schema["$defs"][definition].properties.type.enum, known, role);
    }
  });

  it("gives every property a title and a description, and closes every object", () => {
    const visit = (node: Record<string, unknown>, where: string): void => {
      if (node["type"] === "object" && node["properties"] !== undefined) assert.equal(node["additionalProperties"], false, where);
      for (const [key, property] of Object.entries((node["properties"] ?? {}) as Record<string, Record<string, unknown>>)) {
        const target = typeof property["$ref"] === "string" ? schema["$defs"][property["$ref"].split("/").pop()!] : property;
        assert.ok(typeof target.title === "string" && typeof target.description === "string", `${where}.${key}`);
        visit(target, `${where}.${key}`);
      }
    };
    visit(schema, "#");
    visit(schema["$defs"].sensor, "sensor");
    visit(schema["$defs"].actuator, "actuator");
  });

  it("accepts the example, which names the schema", () => {
    const example = readDescription(EXAMPLE_NODE) as Record<string, unknown>;
    assert.equal(example["$schema"], "../schema/node.schema.json");
    assert.deepEqual(schemaProblems(compileSchema(schema), schema, example), []);
  });
});

describe("node description: fields, defaults and bounds", () => {
  it("fills every default into what the firmware gets", () => {
    const node = checkDescription("node.json", { id: "n", broker: { host: "b" }, sensors: [{ name: "bell", type: "button", pin: "D0" }], actuators: [{ name: "relay", type: "relay", pin: "D13" }] }, BOARDS["esp32"]!);
    assert.deepEqual(node.broker, { host: "b", port: 1883, tls: false, username: null, password: null, clientId: "n" });
    assert.equal(node.wifi, null);
    assert.equal(node.topicPrefix, "mote");
    assert.deepEqual(node.telemetry, { period: 60, qos: 1 });
    assert.equal(node.discovery, false);
    assert.deepEqual(node.deepSleep, { enabled: false, awakeLimit: 30 });
    assert.deepEqual(node.watchdog, { offlineMinutes: 15 });
    assert.deepEqual(node.sensors, [{ name: "bell", type: "button", pin: "D0", espruino: "D0" }]);
    assert.deepEqual(node.actuators, [{ name: "relay", type: "relay", pin: "D13", espruino: "D13", qos: 1 }]);
  });

  it("accepts deep sleep on esp32 and esp8266 for a sensor node", () => {
    for (const board of ["esp32", "esp8266"]) {
      const node = checkDescription("node.json", {
        id: "n", board, wifi: { ssid: "home" }, broker: { host: "b" }, telemetry: { period: 2147 },
        sensors: [{ name: "soil", type: "analog", pin: board == "esp32" ? "D32" : "A0", qos: 0 }], deepSleep: { enabled: true },
      }, BOARDS[board]!);
      assert.deepEqual(node.deepSleep, { enabled: true, awakeLimit: 30 });
    }
  });

  it("refuses deep sleep where it cannot work, naming the field", () => {
    const problems = (description: Record<string, unknown>, board = "esp32"): string => {
      try {
        checkDescription("node.json", { id: "n", board, wifi: { ssid: "home" }, broker: { host: "b" }, deepSleep: { enabled: true }, ...description }, BOARDS[board]!);
      } catch (error) {
        return (error as Error).message;
      }
      return assert.fail("accepted");
    };
    assert.match(problems({}, "linux"), /^ {2}- deepSleep\.enabled: true is not allowed on board linux, whose Espruino build has no deep sleep; allowed on: esp32, esp8266$/m);
    assert.match(
      problems({ actuators: [{ name: "pump", type: "relay", pin: "D13" }] }),
      /^ {2}- actuators: 1 given; none allowed with deepSleep\.enabled: true \(outputs lose their level while the chip sleeps and commands sent meanwhile are never seen\); remove them or set deepSleep\.enabled to false$/m,
    );
    assert.match(
      problems({ telemetry: { period: 3600 } }),
      /^ {2}- telemetry\.period: 3600 is not allowed with deepSleep\.enabled: true; expected 1-2147 seconds \(ESP32\.deepSleep and ESP8266\.deepSleep take a 32-bit count of microseconds\)$/m,
    );
    const schedules = problems({ sensors: [{ name: "soil", type: "analog", pin: "D32", period: 30 }, { name: "tank", type: "analog", pin: "D33", threshold: 0.1 }] });
    assert.match(schedules, /^ {2}- sensors\[0\]\.period: not allowed with deepSleep\.enabled: true \(each wake samples every sensor once and publishes one report\); remove it$/m);
    assert.match(schedules, /^ {2}- sensors\[1\]\.threshold: not allowed with deepSleep\.enabled: true/m);
    assert.doesNotMatch(problems({ telemetry: { period: 3600 } }, "esp32"), /actuators|sensors/);
  });

  it("passes every given field through", () => {
    const node = checkDescription("node.json", {
      id: "n", board: "esp32", wifi: { ssid: "home" },
      broker: { host: "b", port: 8883, tls: true, username: "u", clientId: "Node_1" },
      topicPrefix: "home/garden", telemetry: { period: 300, qos: 0 }, discovery: true,
      deepSleep: { enabled: false, awakeLimit: 10 }, watchdog: { offlineMinutes: 60 },
      sensors: [{ name: "soil", type: "analog", pin: "D32", period: 30, threshold: 0.5, qos: 0 }],
      actuators: [{ name: "lamp", type: "led", pin: "D2", qos: 2 }],
    }, BOARDS["esp32"]!, { wifiPassword: WIFI_SECRET, brokerPassword: BROKER_SECRET });
    assert.deepEqual(node.wifi, { ssid: "home", password: WIFI_SECRET });
    assert.deepEqual(node.broker, { host: "b", port: 8883, tls: true, username: "u", password: BROKER_SECRET, clientId: "Node_1" });
    assert.deepEqual(node.telemetry, { period: 300, qos: 0 });
    assert.equal(node.discovery, true);
    assert.deepEqual(node.deepSleep, { enabled: false, awakeLimit: 10 });
    assert.deepEqual(node.watchdog, { offlineMinutes: 60 });
    assert.deepEqual(node.sensors[0], { name: "soil", type: "analog", pin: "D32", espruino: "D32", period: 30, threshold: 0.5, qos: 0 });
    assert.equal(node.actuators[0]!.qos, 2);
  });

  it("leaves WiFi out on linux, whose OS brings the network up", () => {
    assert.equal(checkDescription("node.json", { id: "n", wifi: { ssid: "home" }, broker: { host: "b" } }, BOARDS["linux"]!, { wifiPassword: WIFI_SECRET }).wifi, null);
  });

  it("rejects each field out of its bounds, naming the path, the value and what is allowed", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: "N!" }, /^id: "N!" is not allowed; expected 1-32 characters of a-z, 0-9, _ or -$/m],
      [{ board: "esp31" }, /^board: "esp31" is not allowed; expected one of esp32, esp8266, linux$/m],
      [{ wifi: {} }, /^wifi\.ssid: missing; expected a string of 1-32 characters$/m],
      [{ wifi: { ssid: "x".repeat(33) } }, /^wifi\.ssid: "x{33}" is not allowed; expected a string of 1-32 characters$/m],
      [{ broker: {} }, /^broker\.host: missing; expected a host name or IP address/m],
      [{ broker: { host: "mqtt://b" } }, /^broker\.host: "mqtt:\/\/b" is not allowed; expected a host name or IP address/m],
      [{ broker: { host: "b", port: 0 } }, /^broker\.port: 0 is not allowed; expected an integer from 1 to 65535$/m],
      [{ broker: { host: "b", port: 70000 } }, /^broker\.port: 70000 is not allowed; expected an integer from 1 to 65535$/m],
      [{ broker: { host: "b", tls: "yes" } }, /^broker\.tls: "yes" is not allowed; expected true or false$/m],
      [{ broker: { host: "b", clientId: "x".repeat(65) } }, /^broker\.clientId: "x{65}" is not allowed; expected 1-64 characters of 0-9, a-z, A-Z, _ or -/m],
      [{ broker: { host: "b", clientId: "a b" } }, /^broker\.clientId: "a b" is not allowed/m],
      [{ topicPrefix: "home/#" }, /^topicPrefix: "home\/#" is not allowed; expected topic levels of printable ASCII without \+, # or a leading\/trailing \/$/m],
      [{ topicPrefix: "home/" }, /^topicPrefix: "home\/" is not allowed/m],
      [{ topicPrefix: "caf\u00e9" }, /^topicPrefix: "caf\u00e9" is not allowed; expected topic levels of printable ASCII/m],
      [{ telemetry: { period: 0 } }, /^telemetry\.period: 0 is not allowed; expected an integer from 1 to 86400$/m],
      [{ telemetry: { period: 86401 } }, /^telemetry\.period: 86401 is not allowed; expected an integer from 1 to 86400$/m],
      [{ telemetry: { qos: 2 } }, /^telemetry\.qos: 2 is not allowed; expected 0 or 1$/m],
      [{ sensors: [{ name: "a", type: "button", pin: "D0", period: 1.5 }] }, /^sensors\[0\]\.period: 1\.5 is not allowed; expected an integer from 1 to 86400$/m],
      [{ sensors: [{ name: "a", type: "button", pin: "D0", threshold: -1 }] }, /^sensors\[0\]\.threshold: -1 is not allowed; expected a number of at least 0$/m],
      [{ sensors: [{ name: "a", type: "button", pin: "D0", qos: 2 }] }, /^sensors\[0\]\.qos: 2 is not allowed; expected 0 or 1$/m],
      [{ sensors: [{ name: "A", type: "button", pin: "D0" }] }, /^sensors\[0\]\.name: "A" is not allowed; expected 1-32 characters/m],
      [{ sensors: [{ type: "button", pin: "D0" }] }, /^sensors\[0\]\.name: missing; expected 1-32 characters/m],
      [{ sensors: [{ name: "a", type: "button", pin: 5 }] }, /^sensors\[0\]\.pin: 5 is not allowed; expected a string$/m],
      [{ actuators: [{ name: "a", type: "relay", pin: "D13", qos: 3 }] }, /^actuators\[0\]\.qos: 3 is not allowed; expected 0, 1 or 2$/m],
      [{ discovery: "yes" }, /^discovery: "yes" is not allowed; expected true or false$/m],
      [{ deepSleep: { awakeLimit: 10 } }, /^deepSleep\.enabled: missing; expected true or false$/m],
      [{ deepSleep: { enabled: true, awakeLimit: 301 } }, /^deepSleep\.awakeLimit: 301 is not allowed; expected an integer from 1 to 300$/m],
      [{ watchdog: { offlineMinutes: 0 } }, /^watchdog\.offlineMinutes: 0 is not allowed; expected an integer from 1 to 1440$/m],
      [{ watchdog: { offlineMinutes: 1441 } }, /^watchdog\.offlineMinutes: 1441 is not allowed; expected an integer from 1 to 1440$/m],
    ];
    for (const [fields, expected] of cases) assert.match(problemsOf(fields), expected, JSON.stringify(fields));
  });

  it("rejects unknown fields at every level, listing the allowed ones", () => {
    assert.match(problemsOf({ brokr: {} }), /^brokr: unknown field; allowed: \$schema, id, board, wifi, broker, topicPrefix, telemetry, sensors, actuators, discovery, deepSleep, watchdog$/m);
    assert.match(problemsOf({ broker: { host: "b", user: "u" } }), /^broker\.user: unknown field; allowed: host, port, tls, username, password, clientId$/m);
    assert.match(problemsOf({ sensors: [{ name: "a", type: "button", pin: "D0" }, { name: "b", tipe: "reed", pin: "D4" }] }),
      /^sensors\[1\]\.tipe: unknown field; allowed: name, type, pin, options, period, threshold, qos$/m);
    assert.match(problemsOf({ actuators: [{ name: "a", type: "relay", pin: "D13", period: 5 }] }), /^actuators\[0\]\.period: unknown field; allowed: name, type, pin, options, qos$/m);
    assert.match(problemsOf({ telemetry: { interval: 5 } }), /^telemetry\.interval: unknown field; allowed: period, qos$/m);
  });

  it("reports schema and board problems together, the schema's first, each once", () => {
    const text = problemsOf({ id: "N", broker: { host: "b", port: 0 }, actuators: [{ name: "a", type: "relay", pin: 7 }, { name: "b", type: "relay", pin: "D34" }] });
    assert.deepEqual(text.split("\n").map((line) => line.slice(0, line.indexOf(":"))), ["id", "broker.port", "actuators[0].pin", "actuators[1].pin"]);
  });

  it("rejects a sensor named like a field of the telemetry report, and a name two parts share", () => {
    for (const field of ["boot", "seq", "uptime", "rssi", "heap", "mqtt"]) {
      assert.match(problemsOf({ sensors: [{ name: field, type: "button", pin: "D4" }] }),
        new RegExp(`^sensors\\[0\\]\\.name: "${field}" is not allowed; the telemetry report has its own boot, seq, uptime, rssi, heap, mqtt`, "m"));
    }
    assert.match(problemsOf({ sensors: [{ name: "door", type: "button", pin: "D4" }], actuators: [{ name: "door", type: "relay", pin: "D5" }] }),
      /^actuators\[0\]\.name: "door" is already the name of sensors\[0\]; every sensor and actuator needs its own/m);
    assert.equal(checkDescription("node.json", { id: "n", broker: { host: "b" }, actuators: [{ name: "seq", type: "relay", pin: "D5" }] }, BOARDS["esp32"]!).actuators[0]!.name, "seq", "an actuator's name is a topic level only");
  });

  it("allows TLS only on boards with Espruino's tls module", () => {
    assert.match(problemsOf({ broker: { host: "b", tls: true } }, "esp8266"),
      /^broker\.tls: true is not allowed on board esp8266, whose Espruino build has no tls module; allowed on: esp32, linux$/m);
    for (const board of ["esp32", "linux"]) {
      assert.equal(checkDescription("node.json", { id: "n", broker: { host: "b", tls: true } }, BOARDS[board]!).broker.tls, true);
    }
  });

  it("builds the example for every board", () => {
    for (const board of BOARD_IDS) assert.equal(loadNode(EXAMPLE_NODE, BOARDS[board]!, {}).id, "example");
  });
});

describe("node description: secrets", () => {
  const esp32 = BOARDS["esp32"]!;
  const withSecrets = { id: "n", wifi: { ssid: "home" }, broker: { host: "b", username: "u" } };

  it("rejects passwords in the description, saying where they go, never showing them", () => {
    const file = nodeDir({ id: "n", wifi: { ssid: "home", password: WIFI_SECRET }, broker: { host: "b", username: "u", password: BROKER_SECRET } });
    assert.throws(() => loadNode(file, esp32, {}), (error: unknown) => {
      assert.ok(error instanceof DescriptionError);
      assert.doesNotMatch(error.message, new RegExp(`${WIFI_SECRET}|${BROKER_SECRET}`));
      assert.match(error.message, /wifi\.password: a password does not belong in the description, which is committed; move it to the environment variable MOTE_WIFI_PASSWORD or to .*node\.secrets\.json \(untracked\)/);
      assert.match(error.message, /broker\.password: .*move it to the environment variable MOTE_BROKER_PASSWORD/);
      return true;
    });
    assert.doesNotMatch(problemsOf({ wifi: { ssid: "home", password: 12345678 } }), /12345678/);
  });

  it("reads the secrets file next to the description, and the environment over it", () => {
    const file = nodeDir(withSecrets, { wifi: { password: "from-file-wifi" }, broker: { password: "from-file-broker" } });
    assert.equal(secretsFileFor(file), file.replace(/node\.json$/, "node.secrets.json"));
    assert.deepEqual(readSecrets(file, {}), { secrets: { wifiPassword: "from-file-wifi", brokerPassword: "from-file-broker" }, problems: [] });
    const node = loadNode(file, esp32, { MOTE_WIFI_PASSWORD: WIFI_SECRET, MOTE_BROKER_PASSWORD: "" });
    assert.deepEqual(node.wifi, { ssid: "home", password: WIFI_SECRET });
    assert.equal(node.broker.password, "from-file-broker", "an empty variable counts as unset");
    assert.equal(loadNode(nodeDir(withSecrets), esp32, { MOTE_BROKER_PASSWORD: BROKER_SECRET }).broker.password, BROKER_SECRET);
    assert.deepEqual(loadNode(nodeDir(withSecrets), esp32, {}).wifi, { ssid: "home", password: null });
  });

  it("rejects a bad secrets file or variable without showing the values", () => {
    const bad = readSecrets(nodeDir(withSecrets, { wifi: { password: 12345, ssid: "x" }, broker: { password: WIFI_SECRET.repeat(5000) } }), { MOTE_WIFI_PASSWORD: BROKER_SECRET.repeat(10) });
    const text = bad.problems.join("\n");
    assert.match(text, /node\.secrets\.json: wifi\.ssid: unknown field; allowed: password/);
    assert.match(text, /node\.secrets\.json: wifi\.password: <hidden> is not allowed; expected a string of 1-64 characters/);
    assert.match(text, /node\.secrets\.json: broker\.password: <hidden> is not allowed; expected a string of at most 65535 characters/);
    assert.match(text, /^MOTE_WIFI_PASSWORD: wifi\.password: <hidden> is not allowed; expected a string of 1-64 characters$/m);
    assert.doesNotMatch(text, /12345|Secret/);
    const malformed = readSecrets(nodeDir(withSecrets, `{ "wifi": { "password": "${WIFI_SECRET}" `), {});
    assert.match(malformed.problems.join("\n"), /node\.secrets\.json: not valid JSON \(the parser's message is withheld/);
    assert.doesNotMatch(malformed.problems.join("\n"), /Secret/);
    assert.throws(() => loadNode(nodeDir({ id: "n", broker: { host: "b", port: 0 } }, "{"), esp32, {}), /broker\.port: 0[^]*not valid JSON/);
  });

  it("rejects a broker password without a user name [MQTT-3.1.2-22]", () => {
    assert.throws(() => loadNode(nodeDir({ id: "n", broker: { host: "b" } }), esp32, { MOTE_BROKER_PASSWORD: BROKER_SECRET }),
      /broker\.password: <hidden> is set without broker\.username; MQTT 3\.1\.1 sends a password only with a user name \[MQTT-3\.1\.2-22\]/);
  });

  it("bakes the secrets into the bundle, which the device needs", async () => {
    const nodeFile = nodeDir(withSecrets, { broker: { password: BROKER_SECRET } });
    const previous = process.env["MOTE_WIFI_PASSWORD"];
    process.env["MOTE_WIFI_PASSWORD"] = WIFI_SECRET;
    try {
      const result = await buildBundle({ board: "esp32", nodeFile });
      assert.ok(result.code.includes(WIFI_SECRET) && result.code.includes(BROKER_SECRET));
    } finally {
      if (previous === undefined) delete process.env["MOTE_WIFI_PASSWORD"];
      else process.env["MOTE_WIFI_PASSWORD"] = previous;
    }
  });

  it("npm run build never prints a secret, built or refused", () => {
    const build = (nodeFile: string, ...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", ROOT + "scripts/build.ts", "--node", nodeFile, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, MOTE_WIFI_PASSWORD: WIFI_SECRET },
    });
    const secret = new RegExp(`${WIFI_SECRET}|${BROKER_SECRET}`);
    // --budget 1: the whole build runs and prints its table, but nothing is written to dist/.
    const built = build(nodeDir({ ...withSecrets, board: "esp32" }, { broker: { password: BROKER_SECRET } }), "--budget", "1");
    assert.equal(built.status, 1, built.stderr);
    assert.match(built.stdout, /node "n"[^]*total/);
    assert.doesNotMatch(built.stdout + built.stderr, secret);
    const refused = build(nodeDir({ ...withSecrets, board: "esp32", broker: { host: "b", password: BROKER_SECRET } }, { wifi: { password: 7 } }));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /broker\.password: a password does not belong in the description/);
    assert.match(refused.stderr, /wifi\.password: <hidden> is not allowed/);
    assert.doesNotMatch(refused.stdout + refused.stderr, secret);
  });

  it("keeps every secrets file out of git", () => {
    assert.match(readFileSync(ROOT + ".gitignore", "utf8"), /^\*\.secrets\.json$/m);
  });
});
