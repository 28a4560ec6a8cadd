/**
 * Command handling against real HAL drivers on the test rig: every accepted
 * payload drives the pin as it should and yields the state payload; every
 * rejected one leaves the pin alone and yields well-formed ASCII error JSON.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ActuatorConfig } from "../../../firmware/config.ts";
import { ERR_MALFORMED_UTF8 } from "../../../firmware/mqtt/constants.ts";
import {
  ERR_EMPTY,
  ERR_NOT_COMMANDABLE,
  ERR_NOT_JSON,
  ERR_NOT_ON_OFF,
  ERR_NOT_PERCENT,
  ERR_TOO_LONG,
  MAX_COMMAND_LENGTH,
  applyCommand,
  commandError,
  handleCommand,
  parseCommand,
  readCommand,
  type CommandOutcome,
} from "../../../firmware/node/commands.ts";
import { commandTopic, nodeTopic } from "../../../firmware/node/topics.ts";
import { DigitalOutput } from "../../../hal/digital-output.ts";
import { PwmOutput } from "../../../hal/pwm-output.ts";
import { rig, type Rig } from "../../hal/rig.ts";

const ASCII_JSON = /^[\x20-\x7e]*$/;

/** A node with a relay (active low, as most relay modules), an LED and a PWM fan. */
const PARTS: ActuatorConfig[] = [
  { name: "relay", type: "relay", pin: "D13", espruino: "D13", qos: 1, options: { activeLow: true } },
  { name: "led", type: "led", pin: "D2", espruino: "D2", qos: 1 },
  { name: "fan", type: "pwm", pin: "D14", espruino: "D14", qos: 1 },
];

interface Bench {
  bench: Rig;
  relay: DigitalOutput;
  led: DigitalOutput;
  fan: PwmOutput;
  outcome: CommandOutcome;
}

function setUp(): Bench {
  const bench = rig();
  return {
    bench,
    relay: new DigitalOutput(bench.io, bench.pin("D13"), { activeLow: true }),
    led: new DigitalOutput(bench.io, bench.pin("D2")),
    fan: new PwmOutput(bench.io, bench.pin("D14")),
    outcome: { index: -2, state: "?", error: "?" },
  };
}

/** The on/off parts with their HAL object and the pin level that means "on". */
function switches(setup: Bench): { name: string; output: DigitalOutput; pin: string; onLevel: boolean }[] {
  return [
    { name: "relay", output: setup.relay, pin: "D13", onLevel: false },
    { name: "led", output: setup.led, pin: "D2", onLevel: true },
  ];
}

/** Asserts an error outcome: well-formed ASCII JSON naming the actuator, the reason and the (cut) input. */
function assertError(outcome: CommandOutcome, actuator: string, reason: string, payload: string): void {
  assert.equal(outcome.state, "");
  assert.match(outcome.error, ASCII_JSON, outcome.error);
  assert.deepEqual(JSON.parse(outcome.error), { error: `${actuator}: ${reason}`, input: payload.slice(0, 64) });
}

const ON_FORMS = ["ON", "on", "On", " ON\n", "\tOn ", "1", "true", "TRUE", " True ", '{"state":"ON"}', '{"state": "on"}', ' { "state" : true } ', '{"state":true,"brightness":3}'];
const OFF_FORMS = ["OFF", "off", "oFf", " OFF\r\n", "0", "false", "FALSE", '{"state":"OFF"}', '{"state":false}'];
const SWITCH_REJECTS: [string, string][] = [
  ["", "empty payload"],
  ["   \t\n", "empty payload"],
  ["ONN", "expected ON, OFF or TOGGLE"],
  ["O N", "expected ON, OFF or TOGGLE"],
  ["2", "expected ON, OFF or TOGGLE"],
  ["yes", "expected ON, OFF or TOGGLE"],
  ["50", "expected ON, OFF or TOGGLE"],
  ['"ON"', "expected ON, OFF or TOGGLE"],
  ["[1]", "expected ON, OFF or TOGGLE"],
  ["TOGGLE!", "expected ON, OFF or TOGGLE"],
  ["SWITCHON", "expected ON, OFF or TOGGLE"],
  ["\u00d6N", "expected ON, OFF or TOGGLE"],
  ['{"state":"MAYBE"}', "expected ON, OFF or TOGGLE"],
  ['{"state":1}', "expected ON, OFF or TOGGLE"],
  ['{"state":null}', "expected ON, OFF or TOGGLE"],
  ['{"value":100}', "expected ON, OFF or TOGGLE"],
  ["{}", "expected ON, OFF or TOGGLE"],
  ["{", "not JSON"],
  ['{"state":"ON"', "not JSON"],
  ['{"state":"ON"} x', "not JSON"],
  ['{"state":ON}', "not JSON"],
  // a `__proto__` key crashes Espruino 2v29 when the parsed object is read: refused unparsed
  ['{"__proto__":1,"state":"ON"}', "not JSON"],
  ['{"__proto__":{"state":"ON"}}', "not JSON"],
  // nor spelt with escapes (2v29 takes \x and octal escapes too): any backslash is refused, no command needs one
  ['{"__pr\\u006fto__":"x","state":"ON"}', "not JSON"],
  ['{"\\u005f_proto__":null}', "not JSON"],
  ['{"__pr\\x6fto__":1}', "not JSON"],
  ['{"state":"\\u004fN"}', "not JSON"],
  ["O".repeat(MAX_COMMAND_LENGTH + 1), "longer than 256 characters"],
];

describe("commands: relay and led", () => {
  it("accepts every ON form: pin driven on (active low for the relay), state ON", () => {
    for (const form of ON_FORMS) {
      const setup = setUp();
      for (const part of switches(setup)) {
        assert.ok(applyCommand(part.name, part.name, part.output, form, setup.outcome), form);
        assert.deepEqual(setup.outcome, { index: -2, state: "ON", error: "" }, form);
        assert.equal(part.output.state, true);
        assert.equal(setup.bench.hardware.pin(part.pin).level, part.onLevel, `${part.name} ${form}`);
      }
    }
  });

  it("accepts every OFF form: pin driven off, state OFF", () => {
    for (const form of OFF_FORMS) {
      const setup = setUp();
      for (const part of switches(setup)) {
        part.output.write(true);
        assert.ok(applyCommand(part.name, part.name, part.output, form, setup.outcome), form);
        assert.deepEqual(setup.outcome, { index: -2, state: "OFF", error: "" }, form);
        assert.equal(setup.bench.hardware.pin(part.pin).level, !part.onLevel, `${part.name} ${form}`);
      }
    }
  });

  it("TOGGLE (any case, also as JSON) flips the state, twice back", () => {
    const setup = setUp();
    for (const part of switches(setup)) {
      const pin = setup.bench.hardware.pin(part.pin);
      assert.ok(applyCommand(part.name, part.name, part.output, "TOGGLE", setup.outcome));
      assert.equal(setup.outcome.state, "ON");
      assert.equal(pin.level, part.onLevel);
      assert.ok(applyCommand(part.name, part.name, part.output, " toggle ", setup.outcome));
      assert.equal(setup.outcome.state, "OFF");
      assert.equal(pin.level, !part.onLevel);
      assert.ok(applyCommand(part.name, part.name, part.output, '{"state":"Toggle"}', setup.outcome));
      assert.equal(setup.outcome.state, "ON");
      assert.equal(pin.level, part.onLevel);
    }
  });

  it("publishes the state again when a command does not change it", () => {
    const setup = setUp();
    assert.ok(applyCommand("led", "led", setup.led, "OFF", setup.outcome));
    assert.equal(setup.outcome.state, "OFF");
  });

  it("rejects everything else, leaving the pin as it was, with ASCII error JSON", () => {
    for (const [form, reason] of SWITCH_REJECTS) {
      for (const initial of [false, true]) {
        const setup = setUp();
        for (const part of switches(setup)) {
          part.output.write(initial);
          const pin = setup.bench.hardware.pin(part.pin);
          const levels: boolean[] = [];
          pin.onLevelChange((level) => levels.push(level));
          assert.equal(applyCommand(part.name, part.name, part.output, form, setup.outcome), false, JSON.stringify(form));
          assertError(setup.outcome, part.name, reason, form);
          assert.equal(part.output.state, initial);
          assert.equal(pin.level, initial === part.onLevel);
          assert.deepEqual(levels, [], "the pin never moved");
        }
      }
    }
  });

  it("takes a payload of exactly 256 characters (whitespace around a word)", () => {
    const setup = setUp();
    const payload = "ON" + " ".repeat(MAX_COMMAND_LENGTH - 2);
    assert.ok(applyCommand("led", "led", setup.led, payload, setup.outcome));
    assert.equal(setup.outcome.state, "ON");
    assert.equal(parseCommand("led", payload + " ", false), ERR_TOO_LONG);
  });
});

const PERCENT_FORMS: [string, number, string][] = [
  ["50", 0.5, "50"],
  ["0", 0, "0"],
  ["100", 1, "100"],
  ["007", 0.07, "7"],
  [" 12.5\n", 0.125, "12.5"],
  ["33.3", 0.333, "33.3"],
  ["99.99", 0.9999, "99.99"],
  ["100.000", 1, "100"],
  ["12.345", 0.1235, "12.35"],
  ["0.001", 0, "0"],
  ["ON", 1, "100"],
  ["on", 1, "100"],
  [" Off ", 0, "0"],
  ['{"value":42}', 0.42, "42"],
  ['{"value": 12.5}', 0.125, "12.5"],
  ['{"value":1e1}', 0.1, "10"],
  ['{"value":-0}', 0, "0"],
];
const PERCENT_REJECTS: [string, string][] = [
  ["", "empty payload"],
  [" ", "empty payload"],
  ["101", "expected a number from 0 to 100"],
  ["100.01", "expected a number from 0 to 100"],
  ["-1", "expected a number from 0 to 100"],
  ["-0", "expected a number from 0 to 100"],
  ["+5", "expected a number from 0 to 100"],
  [".5", "expected a number from 0 to 100"],
  ["5.", "expected a number from 0 to 100"],
  ["1e2", "expected a number from 0 to 100"],
  ["0x10", "expected a number from 0 to 100"],
  ["50%", "expected a number from 0 to 100"],
  ["5 0", "expected a number from 0 to 100"],
  ["12,5", "expected a number from 0 to 100"],
  ["NaN", "expected a number from 0 to 100"],
  ["Infinity", "expected a number from 0 to 100"],
  ["TOGGLE", "expected a number from 0 to 100"],
  ["true", "expected a number from 0 to 100"],
  ["\u00d6N", "expected a number from 0 to 100"],
  ['{"value":"50"}', "expected a number from 0 to 100"],
  ['{"value":150}', "expected a number from 0 to 100"],
  ['{"value":-1}', "expected a number from 0 to 100"],
  ['{"value":null}', "expected a number from 0 to 100"],
  ['{"brightness":50}', "expected a number from 0 to 100"],
  ['{"state":"ON"}', "expected a number from 0 to 100"],
  ["{value:50}", "not JSON"],
  ['{"__proto__":1,"value":50}', "not JSON"],
  ['{"__pr\\u006fto__":1,"value":50}', "not JSON"],
  ["9".repeat(300), "longer than 256 characters"],
];

describe("commands: pwm", () => {
  it("accepts percentages (integer or decimal, rounded to 0.01), ON, OFF and {\"value\": n}", () => {
    for (const [form, duty, state] of PERCENT_FORMS) {
      const setup = setUp();
      setup.fan.write(60);
      assert.ok(applyCommand("fan", "pwm", setup.fan, form, setup.outcome), form);
      assert.deepEqual(setup.outcome, { index: -2, state, error: "" }, form);
      assert.equal(setup.fan.state, Number(state));
      assert.ok(Math.abs(setup.bench.hardware.pin("D14").pwm!.duty - duty) < 1e-9, `${form}: duty ${setup.bench.hardware.pin("D14").pwm!.duty}`);
    }
  });

  it("rejects everything else, out of range included (never clamped), leaving the duty cycle", () => {
    for (const [form, reason] of PERCENT_REJECTS) {
      const setup = setUp();
      setup.fan.write(60);
      assert.equal(applyCommand("fan", "pwm", setup.fan, form, setup.outcome), false, form);
      assertError(setup.outcome, "fan", reason, form);
      assert.equal(setup.fan.state, 60);
      assert.equal(setup.bench.hardware.pin("D14").pwm!.duty, 0.6);
    }
  });
});

describe("commands: error messages", () => {
  it("writes a character above U+FFFF as its surrogate pair, as an Espruino build with Unicode support holds it (one character, charCodeAt its code point)", () => {
    // "a\u{1F600}b\u{10FFFF}" as such a build holds it: 4 characters; V8 has no such string, so a stand-in with the methods quoteAscii uses
    const codes = [0x61, 0x1f600, 0x62, 0x10ffff];
    const espruinoString = { length: codes.length, charCodeAt: (index: number) => codes[index], charAt: (index: number) => String.fromCodePoint(codes[index]!) };
    const error = commandError("led", "r", espruinoString as unknown as string);
    assert.equal(error, '{"error":"led: r","input":"a\\uD83D\\uDE00b\\uDBFF\\uDFFF"}');
    assert.equal(JSON.parse(error).input, "a\u{1F600}b\u{10FFFF}");
  });

  it("escapes non-ASCII input as \\u00XX (capitals, as Espruino), quotes and controls too", () => {
    const setup = setUp();
    applyCommand("relay", "relay", setup.relay, "\u00d6N", setup.outcome);
    assert.equal(setup.outcome.error, '{"error":"relay: expected ON, OFF or TOGGLE","input":"\\u00D6N"}');
    assert.equal(commandError("led", "r", 'a"b\\c\u0001\u007f\u00ff\u20ac\ud83d'), '{"error":"led: r","input":"a\\"b\\\\c\\u0001\\u007F\\u00FF\\u20AC\\uD83D"}');
    assert.deepEqual(JSON.parse(commandError("led", "r", 'a"b\\c\u0001\u007f\u00ff\u20ac')), { error: "led: r", input: 'a"b\\c\u0001\u007f\u00ff\u20ac' });
  });

  it("quotes at most 64 characters of the payload", () => {
    const setup = setUp();
    const payload = "\u00e9".repeat(300);
    applyCommand("led", "led", setup.led, payload, setup.outcome);
    assert.equal(setup.outcome.error, `{"error":"led: longer than 256 characters","input":"${"\\u00E9".repeat(64)}"}`);
    assert.equal(setup.led.state, false);
  });

  it("never throws, returns a value in range or an error code, for any string", () => {
    fc.assert(
      fc.property(fc.constantFrom("relay", "led", "pwm"), fc.oneof(fc.string(), fc.json(), fc.string({ unit: "binary" })), fc.boolean(), (type, payload, current) => {
        const value = parseCommand(type, payload, current);
        if (value >= 0) assert.ok(type == "pwm" ? value <= 100 : value == 0 || value == 1);
        else assert.ok(value >= ERR_NOT_COMMANDABLE && value <= ERR_EMPTY);
        const message = commandError(type, "r", payload);
        assert.match(message, ASCII_JSON);
        assert.equal(JSON.parse(message).input, payload.slice(0, 64));
      }),
    );
    assert.equal(parseCommand("relay", "{", false), ERR_NOT_JSON);
    assert.equal(parseCommand("relay", "x", true), ERR_NOT_ON_OFF);
    assert.equal(parseCommand("pwm", "x", 0), ERR_NOT_PERCENT);
    assert.equal(parseCommand("dht22", "ON", false), ERR_NOT_COMMANDABLE);
  });
});

describe("commands: dispatch by topic", () => {
  const base = nodeTopic("mote", "kitchen");

  it("finds the actuator the set topic names and reports its index", () => {
    const setup = setUp();
    const actuators = [setup.relay, setup.led, setup.fan];
    assert.ok(handleCommand(base, commandTopic("mote", "kitchen", "fan"), "75", PARTS, actuators, setup.outcome));
    assert.deepEqual(setup.outcome, { index: 2, state: "75", error: "" });
    assert.equal(setup.bench.hardware.pin("D14").pwm!.duty, 0.75);
    assert.ok(handleCommand(base, commandTopic("mote", "kitchen", "relay"), "ON", PARTS, actuators, setup.outcome));
    assert.deepEqual(setup.outcome, { index: 0, state: "ON", error: "" });
    assert.equal(setup.bench.hardware.pin("D13").level, false, "active low: on is low");
    assert.equal(handleCommand(base, commandTopic("mote", "kitchen", "led"), "75", PARTS, actuators, setup.outcome), false);
    assert.equal(setup.outcome.index, 1);
    assertError(setup.outcome, "led", "expected ON, OFF or TOGGLE", "75");
  });

  it("an unknown actuator is an error, and nothing moves", () => {
    const setup = setUp();
    const actuators = [setup.relay, setup.led, setup.fan];
    assert.equal(handleCommand(base, commandTopic("mote", "kitchen", "heater"), "ON", PARTS, actuators, setup.outcome), false);
    assert.equal(setup.outcome.index, -1);
    assertError(setup.outcome, "heater", "unknown actuator", "ON");
    assert.equal(handleCommand(base, "mote/kitchen/set", "ON", PARTS, actuators, setup.outcome), false);
    assertError(setup.outcome, "mote/kitchen/set", "unknown actuator", "ON");
    assert.equal(handleCommand(base, "mote/kitchen/r\u00e9lay/set", "ON", PARTS, actuators, setup.outcome), false);
    assert.match(setup.outcome.error, /"r\\u00E9lay: unknown actuator"/);
    assert.deepEqual([setup.relay.state, setup.led.state, setup.fan.state], [false, false, 0]);
    assert.equal(setup.bench.hardware.pin("D13").level, true);
    assert.equal(setup.bench.hardware.pin("D2").level, false);
  });
  it("a payload that is not UTF-8 (the decoder's error instead of text) is an error, and nothing moves", () => {
    const setup = setUp();
    const actuators = [setup.relay, setup.led, setup.fan];
    assert.equal(handleCommand(base, commandTopic("mote", "kitchen", "relay"), -10, PARTS, actuators, setup.outcome), false);
    assert.equal(setup.outcome.index, 0);
    assertError(setup.outcome, "relay", "not UTF-8", "");
    assert.equal(handleCommand(base, commandTopic("mote", "kitchen", "heater"), -10, PARTS, actuators, setup.outcome), false);
    assertError(setup.outcome, "heater", "unknown actuator", "");
    assert.deepEqual([setup.relay.state, setup.led.state, setup.fan.state], [false, false, 0]);
    assert.equal(setup.bench.hardware.pin("D13").level, true);
  });
});

describe("commands: readCommand", () => {
  // payloads as the client hands them: the bytes as a binary string, one char per byte
  const utf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => typeof part == "string" ? Buffer.from(part, "utf8") : Buffer.from(part))).toString("latin1");

  it("reads 4 x 256 + 4 bytes at most, cut before the UTF-8 sequence that straddles the end", () => {
    assert.equal(readCommand(utf8("\u{1F600}".repeat(257))), "\u{1F600}".repeat(257));
    assert.equal(readCommand(utf8("a".repeat(1024) + "\u{1F600}x")), "a".repeat(1024) + "\u{1F600}");
    assert.equal(readCommand(utf8("a".repeat(1025) + "\u{1F600}")), "a".repeat(1025));
    assert.equal(readCommand(utf8("a".repeat(1027) + "\u00e9")), "a".repeat(1027));
    assert.equal(readCommand(bytes([0x4f, 0xc3, 0x28])), ERR_MALFORMED_UTF8);
  });

  it("a long run of continuation bytes is not UTF-8, not an empty payload (on Espruino 2v29, 2,000 bytes 0x80 were answered 'empty payload')", () => {
    assert.equal(readCommand(bytes(new Array(2000).fill(0x80))), ERR_MALFORMED_UTF8);
    assert.equal(readCommand(bytes("ON", new Array(1100).fill(0x80))), ERR_MALFORMED_UTF8);
    // a payload too long for a command whatever its bytes: read up to the cut, refused as too long
    assert.equal(readCommand(bytes("a".repeat(1025), new Array(5).fill(0x80))), "a".repeat(1025));
    const setup = setUp();
    const outcome = setup.outcome;
    assert.equal(handleCommand(nodeTopic("mote", "kitchen"), commandTopic("mote", "kitchen", "relay"), readCommand(bytes(new Array(2000).fill(0x80))), PARTS, [setup.relay, setup.led, setup.fan], outcome), false);
    assertError(outcome, "relay", "not UTF-8", "");
  });
});

describe("commands: parseCommand", () => {
  it("returns 1/0 for on/off, the percentage for pwm, codes < 0 for errors", () => {
    assert.equal(parseCommand("relay", "on", false), 1);
    assert.equal(parseCommand("relay", "TOGGLE", true), 0);
    assert.equal(parseCommand("led", "TOGGLE", false), 1);
    assert.equal(parseCommand("pwm", "12.5", 0), 12.5);
    assert.equal(parseCommand("pwm", "", 0), ERR_EMPTY);
  });

  it("a JSON text Espruino's JSON.parse returns undefined for is not JSON (2v29 gives undefined, no throw, for '{\"state\":-}': the node threw in its handler and answered nothing)", () => {
    const parse = JSON.parse;
    // V8 throws on these; stand in for Espruino 2v29, which returns undefined
    JSON.parse = (text: string) => (/:-[},]/.test(text) ? undefined : parse(text));
    try {
      assert.equal(parseCommand("relay", '{"state":-}', false), ERR_NOT_JSON);
      assert.equal(parseCommand("led", '{"state":"ON","x":-}', true), ERR_NOT_JSON);
      assert.equal(parseCommand("pwm", '{"value":-}', 0), ERR_NOT_JSON);
    } finally {
      JSON.parse = parse;
    }
  });
});
