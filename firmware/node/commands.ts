/**
 * Commands to actuators, received on `<prefix>/<node>/<actuator>/set`
 * (topics.ts). Each payload is parsed into a value, and only a valid value
 * reaches the actuator: a bad command changes nothing and is answered on the
 * node's error topic instead.
 *
 * Accepted payloads (surrounding whitespace ignored, words in any case):
 *
 * - relay, led (hal/digital-output.ts): `ON`, `OFF`, `TOGGLE`, `1`, `0`,
 *   `true`, `false`; JSON `{"state": "ON"|"OFF"|"TOGGLE"}` or
 *   `{"state": true|false}`.
 * - pwm (hal/pwm-output.ts): a percentage `0`..`100` written as digits with
 *   an optional fraction (`50`, `12.5`; no sign, exponent or hex), `ON` (100),
 *   `OFF` (0); JSON `{"value": n}` with n a JSON number. Not `brightness`:
 *   Home Assistant's JSON lights mean 0..255 by it. Values are rounded to
 *   0.01 %, finer than any board's PWM, so that the state payload prints the
 *   same on Espruino as on Node (Espruino prints about 12 significant digits).
 *
 * A payload is its bytes, as the client hands it (a binary string: one
 * char per byte), and must be UTF-8. Out of range is an error, never
 * clamped. Payloads longer than {@link MAX_COMMAND_LENGTH} bytes are refused
 * unread. JSON is only tried on a payload that starts with `{` and ends
 * with `}`; Espruino's JSON.parse is
 * laxer than V8's (single quotes, trailing commas), so such a payload may be
 * accepted on a device and be "not JSON" on Node.
 */
import type { PartConfig } from "../config.ts";
import { char } from "../mqtt/char.ts";
import { checkText } from "../mqtt/text.ts";
import { COMMAND_SUFFIX, OFF, ON, commandActuator } from "./topics.ts";
import {
  ERR_EMPTY, ERR_NOT_COMMANDABLE, ERR_NOT_JSON, ERR_NOT_ON_OFF, ERR_NOT_PERCENT, ERR_NOT_UTF8, ERR_TOO_LONG, ERR_UNKNOWN_ACTUATOR, ERROR_INPUT_LENGTH, MAX_COMMAND_LENGTH,
} from "./constants.ts";

/** The pwm driver's build switch (scripts/build/build.ts): false drops the percentage parsing, as no actuator of the node can take it. */
declare const MOTE_DRIVER_PWM: boolean | undefined;

/**
 * The limits (MAX_COMMAND_LENGTH, ERROR_INPUT_LENGTH) and the error codes of
 * {@link parseCommand} (values are < 0; {@link handleCommand}'s error message names them)
 * live in constants.ts, which imports nothing, so that esbuild writes them
 * into the code instead of keeping a heap variable for each.
 */
export {
  ERR_EMPTY, ERR_NOT_COMMANDABLE, ERR_NOT_JSON, ERR_NOT_ON_OFF, ERR_NOT_PERCENT, ERR_NOT_UTF8, ERR_TOO_LONG, ERR_UNKNOWN_ACTUATOR, ERROR_INPUT_LENGTH, MAX_COMMAND_LENGTH,
} from "./constants.ts";

/** An on/off actuator (relay, led): `state` true while on. */
export interface SwitchActuator {
  readonly state: boolean;
  write(value: boolean): void;
}

/** A percentage actuator (pwm): `state` 0..100. */
export interface LevelActuator {
  readonly state: number;
  write(percent: number): void;
}

/** The HAL object behind an actuator part; its part's `type` says which. */
export type CommandActuator = SwitchActuator | LevelActuator;

/** What one command did. Allocate one per node and pass it to every call. */
export interface CommandOutcome {
  /** Index of the addressed actuator in the node's list; -1 when the topic names none. */
  index: number;
  /** After success: the state payload to publish retained on the actuator's `…/state` (`ON`/`OFF`, or the percentage); "" after an error. */
  state: string;
  /** After an error: `{"error":"<actuator>: <reason>","input":"<payload>"}` (JSON as UTF-8 bytes) for the node's `…/error`; "" after success. */
  error: string;
}

/** `value` rounded to 0.01 when it is a number from 0 to 100, else ERR_NOT_PERCENT. */
function checkPercent(value: unknown): number {
  if (typeof value != "number" || !(value >= 0 && value <= 100)) return ERR_NOT_PERCENT;
  return value > 0 ? Math.round(value * 100) / 100 : 0;
}

/**
 * `text` as a percentage when it is digits with an optional fraction (`7`,
 * `12.5`), else ERR_NOT_PERCENT. Scanned by hand: Espruino 2v29's regular
 * expressions get `^[0-9]+(\.[0-9]+)?$` wrong (no match for `12.5` or `12`).
 */
function parseDecimal(text: string): number {
  let dot = -1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code == 46 && dot < 0 && index > 0 && index < text.length - 1) dot = index;
    else if (code < 48 || code > 57) return ERR_NOT_PERCENT;
  }
  return checkPercent(parseFloat(text));
}

/**
 * Parses a command for an actuator of driver type `type` (`relay`, `led`,
 * `pwm`). `current` is the actuator's state, for `TOGGLE`. Returns the value
 * to write (relay, led: 1 on, 0 off; pwm: 0..100) or an `ERR_*` code < 0;
 * ERR_NOT_COMMANDABLE for another type, except where the pwm driver is
 * switched off (MOTE_DRIVER_PWM false), which parses it as a relay's.
 * Never throws.
 */
export function parseCommand(type: string, payload: string, current: boolean | number): number {
  const PWM = typeof MOTE_DRIVER_PWM == "undefined" || MOTE_DRIVER_PWM;
  const level = PWM && type == "pwm";
  if (payload.length > MAX_COMMAND_LENGTH) return ERR_TOO_LONG;
  // ASCII (U+0000 too) is UTF-8: one native test before the JavaScript loop over each byte (about 5 ms for 254 bytes on the Linux build)
  if (/[^\x00-\x7f]/.test(payload) && checkText(payload, 0, payload.length)) return ERR_NOT_UTF8;
  // without the pwm driver, a node's bundle is handed relays and LEDs only (app.ts passes the node's actuators, whose types the build checked): no type to refuse
  if (PWM && !level && type != "relay" && type != "led") return ERR_NOT_COMMANDABLE;
  /* The payload trimmed, then for JSON its `state` (not trimmed): the on/off word. */
  let text = payload.trim();
  if (!text) return ERR_EMPTY;
  if (text[0] == "{") {
    let parsed: { [key: string]: unknown } | false | undefined;
    try {
      // a `__proto__` key crashes Espruino 2v29 when the parsed object is read (an internal ASSERT, then exit):
      // refused unparsed, as anyone who may publish a command must not be able to stop the node. So is any
      // backslash, with which the key can be spelt otherwise (`"__pr\u006fto__"`; 2v29 also takes `\x6f` and
      // octal escapes there); no command needs one. And a text whose last character is not "}". One regular
      // expression for the three (2v29 matches the alternation and `$` as V8 does: checked on its Linux build)
      parsed = !/__proto__|\\|[^}]$/.test(text) && JSON.parse(text) as { [key: string]: unknown };
    } catch {}
    // false: refused unparsed; undefined too: Espruino 2v29's JSON.parse returns it, without throwing, for a "-" with no digits ({"state":-});
    // else an object, as the text is in braces
    if (!parsed) return ERR_NOT_JSON;
    if (level) return checkPercent(parsed["value"]);
    const state = parsed["state"];
    // true or false: 1 or 0
    if (typeof state != "string") return state === !!state ? +state : ERR_NOT_ON_OFF;
    text = state;
  } else if (level) {
    const upper = text.length <= 3 ? text.toUpperCase() : "";
    return upper == ON ? 100 : upper == OFF ? 0 : parseDecimal(text);
  }
  // off words, then on words, then TOGGLE (`current` flipped): an array literal, which lives only during this call; no upper-case copy of a text longer than any word
  const at = [OFF, "0", "FALSE", ON, "1", "TRUE", "TOGGLE"].indexOf(text.length > 6 ? "" : text.toUpperCase());
  return at < 0 ? ERR_NOT_ON_OFF : +(at > 2 && (at < 6 || !current));
}

/**
 * The error topic's message: `{"error":"<actuator>: <reason>","input":"<payload>"}`,
 * the payload cut to {@link ERROR_INPUT_LENGTH} bytes (not inside a UTF-8
 * sequence). `actuator` and `payload` are bytes, as received; what is UTF-8
 * goes into the JSON as it is (JSON text is UTF-8), other bytes above 0x7F
 * as \u00XX escapes, so the message is UTF-8 whatever came in. `"`, `\`
 * and controls are escaped, hex in capitals as Espruino writes it. Built by
 * hand: Espruino's JSON.stringify would escape each byte above 0x7F, and
 * V8's none.
 */
export function commandError(actuator: string, reason: string, payload: string): string {
  let message = '{"error":"';
  // one loop for both texts, the error (never cut) and then the payload: shorter than a local function called twice
  for (let at = 0, text = actuator + ": " + reason; at < 2; at++, text = payload) {
    let end = text.length;
    if (at && end > ERROR_INPUT_LENGTH) for (end = ERROR_INPUT_LENGTH; (text.charCodeAt(end) & 0xC0) == 0x80 && end > ERROR_INPUT_LENGTH - 3;) end--;
    // the bytes as they are when they are UTF-8, else each byte above 0x7F escaped
    const utf8 = !checkText(text, 0, end);
    for (let index = 0; index < end; index++) {
      const code = text.charCodeAt(index);
      // each byte as char(code): on Espruino's Linux build (Unicode support) charAt of a byte above 0x7F is a character, which `+=` writes as its UTF-8
      message += code == 34 || code == 92 ? "\\" + char(code)
        : code > 31 && code < 127 || code > 127 && utf8 ? char(code)
        : "\\u" + (0x10000 + code).toString(16).slice(1).toUpperCase(); // four digits
    }
    message += at ? '"}' : '","input":"';
  }
  return message;
}

/** The state payload of an actuator: `ON`/`OFF`, or the percentage for pwm. */
export function statePayload(type: string, actuator: CommandActuator): string {
  const PWM = typeof MOTE_DRIVER_PWM == "undefined" || MOTE_DRIVER_PWM;
  return PWM && type == "pwm" ? "" + actuator.state : actuator.state ? ON : OFF;
}

/**
 * Handles a message on the node's command subscription (`topic` and
 * `payload` its bytes, as the client hands them): `base` is
 * `nodeTopic(prefix, node)` (topics.ts), `parts[i]` the config of the actuator `actuators[i]`.
 * Finds the actuator `topic` addresses ({@link commandActuator}) and sets
 * `outcome.index` to it (-1 for none). Returns true after writing the
 * actuator, with `outcome.state` set (published even when the state did not
 * change, so the sender sees it); false with `outcome.error` set and the
 * actuator untouched, also when the name is no actuator of the node
 * (`<name>: unknown actuator`).
 */
export function handleCommand(base: string, topic: string, payload: string, parts: readonly PartConfig[], actuators: readonly CommandActuator[], outcome: CommandOutcome): boolean {
  const PWM = typeof MOTE_DRIVER_PWM == "undefined" || MOTE_DRIVER_PWM;
  const name = commandActuator(base, topic);
  // from the last part down; names are unique (the build checks) and never empty, so "" (no actuator named) finds none
  let index = name ? parts.length : 0;
  while (index-- && parts[index]!.name != name);
  outcome.index = index;
  outcome.state = outcome.error = "";
  const actuator = actuators[index]!;
  const value = index < 0 ? ERR_UNKNOWN_ACTUATOR : parseCommand(parts[index]!.type, payload, actuator.state);
  if (value < 0) {
    /* The reasons, by ~code (ERR_EMPTY first), are an array literal in here, not a module constant: it exists only while a bad command is answered, where a module constant would hold about 28 heap variables for good. One for each code parseCommand can return and ERR_UNKNOWN_ACTUATOR; without the pwm driver, nothing gives ERR_NOT_PERCENT or ERR_NOT_COMMANDABLE. */
    outcome.error = commandError(name || topic, ["empty payload", "longer than 256 bytes", "not JSON", "expected ON, OFF or TOGGLE", PWM ? "expected a number from 0 to 100" : "", "unknown actuator", PWM ? "takes no commands" : "", "not UTF-8"][~value], payload);
    return false;
  }
  if (PWM && parts[index]!.type == "pwm") (actuator as LevelActuator).write(value);
  else (actuator as SwitchActuator).write(value == 1);
  outcome.state = statePayload(parts[index]!.type, actuator);
  return true;
}

/**
 * Applies `payload` to the actuator `name` of driver type `type`, as
 * {@link handleCommand} does with a message on the actuator's own command
 * topic (`name` is an actuator name: no `/`). Leaves `outcome.index` alone.
 * Not in a node's bundle: the node only calls handleCommand, and every
 * function in the bundle is held on the heap for good.
 */
export function applyCommand(name: string, type: string, actuator: CommandActuator, payload: string, outcome: CommandOutcome): boolean {
  const index = outcome.index;
  const part: PartConfig = { name: name, type: type, pin: "", espruino: "" };
  const done = handleCommand("node", "node/" + name + COMMAND_SUFFIX, payload, [part], [actuator], outcome);
  outcome.index = index;
  return done;
}
