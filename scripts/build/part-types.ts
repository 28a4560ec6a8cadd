/**
 * The drivers a node description can name and what each needs from its pins,
 * checked against the board file so that a driver on a pin that cannot serve
 * it fails the build, with the pin, the board and the reason. Pin facts come
 * from boards/ (datasheets cited there); two facts are the Espruino port's:
 * ESP32 ADC2 cannot be read while WiFi is on (and Espruino's ESP32 port reads
 * ADC1 only, boards/ESP32.py), and a watch needs an interrupt-capable pin.
 */
import type { Board, PinCapabilities } from "../../boards/board.ts";
import { BME280_ADDRESS, BME280_ADDRESS_ALTERNATE } from "../../hal/constants.ts";

/** What a driver needs from a pin. */
export type PinNeed = "input" | "output" | "pwm" | "interrupt" | "adc";

/** One driver type of the description. */
export interface DriverType {
  /** The list the part belongs in. */
  role: "sensors" | "actuators";
  /** "pin": one pin of its own; "onewire": a pin shared with other 1-Wire parts; "i2c": the SDA/SCL pair shared with other I2C parts. */
  bus: "pin" | "onewire" | "i2c";
  /** What the pin (or each bus pin) must do. */
  needs: readonly PinNeed[];
  /** 7-bit I2C addresses the chip can answer at, the first being the default. */
  addresses?: readonly number[];
}

/** Every driver type, by the name a description uses. */
export const DRIVER_TYPES: Readonly<Record<string, DriverType>> = {
  "analog": { role: "sensors", bus: "pin", needs: ["adc"] },
  "bme280": { role: "sensors", bus: "i2c", needs: ["input", "output"], addresses: [BME280_ADDRESS, BME280_ADDRESS_ALTERNATE] },
  "button": { role: "sensors", bus: "pin", needs: ["input", "interrupt"] },
  "dht22": { role: "sensors", bus: "pin", needs: ["input", "output", "interrupt"] },
  "ds18b20": { role: "sensors", bus: "onewire", needs: ["input", "output"] },
  "led": { role: "actuators", bus: "pin", needs: ["output"] },
  "pwm": { role: "actuators", bus: "pin", needs: ["output", "pwm"] },
  "reed": { role: "sensors", bus: "pin", needs: ["input", "interrupt"] },
  "relay": { role: "actuators", bus: "pin", needs: ["output"] },
};

/** Driver names, sorted, for messages. */
export const DRIVER_NAMES: readonly string[] = Object.keys(DRIVER_TYPES).sort();

/** A pin as messages name it: its label, plus the GPIO when Espruino calls it something else (`D0 (GPIO16)`). */
export function describePin(label: string, capabilities: PinCapabilities): string {
  return label === capabilities.espruino ? label : `${label} (GPIO${capabilities.gpio})`;
}

/** Why a pin cannot serve `need` on `board`, or null when it can. */
export function unmetNeed(need: PinNeed, capabilities: PinCapabilities, board: Board): string | null {
  const note = capabilities.note === undefined ? "" : ` (${capabilities.note})`;
  switch (need) {
    case "input":
      return capabilities.input ? null : `is not a digital input${note}`;
    case "output":
      return capabilities.output ? null : `cannot drive an output${capabilities.note === undefined ? " (input only)" : note}`;
    case "pwm":
      return capabilities.pwm ? null : `has no PWM output${note}`;
    case "interrupt":
      return capabilities.interrupt ? null : `has no interrupts for setWatch${note}`;
    case "adc":
      if (capabilities.adc === null) return "has no ADC";
      if (capabilities.adc.unit === 2 && board.network === "wifi") {
        return "is on ADC2, which cannot be read while WiFi is on (Espruino's ESP32 port reads ADC1 only)";
      }
      return null;
  }
}

/** Labels of the board's pins that serve every need, in board order. */
export function pinsServing(needs: readonly PinNeed[], board: Board): string[] {
  return Object.entries(board.pins)
    .filter(([, capabilities]) => needs.every((need) => unmetNeed(need, capabilities, board) === null))
    .map(([label]) => label);
}

/** The first problem of putting driver `type` on pin `label`, as a sentence after "`where`.pin: ", or null. */
export function pinProblem(type: string, label: string, board: Board): string | null {
  const driver = DRIVER_TYPES[type];
  const capabilities = board.pins[label];
  if (driver === undefined || capabilities === undefined) return null;
  for (const need of driver.needs) {
    const reason = unmetNeed(need, capabilities, board);
    if (reason === null) continue;
    const allowed = pinsServing(driver.needs, board);
    const choice = allowed.length === 0 ? `board ${board.id} has no such pin` : `allowed: ${allowed.join(", ")}`;
    return `${describePin(label, capabilities)} on board ${board.id} ${reason}; ${type} needs ${needsPhrase(driver.needs)}; ${choice}`;
  }
  return null;
}

function needsPhrase(needs: readonly PinNeed[]): string {
  const words: Record<PinNeed, string> = { input: "a digital input", output: "an output", pwm: "PWM", interrupt: "interrupts", adc: "an ADC" };
  const listed = needs.map((need) => words[need]);
  return listed.length < 2 ? listed.join("") : `${listed.slice(0, -1).join(", ")} and ${listed[listed.length - 1]}`;
}
