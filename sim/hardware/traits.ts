/**
 * What Espruino's port for each board does that the board file does not say:
 * ADC resolution and which ADC pins the port actually reads, the default PWM
 * frequency, the DAC pins, and how the hardware I2C driver reports errors.
 * Read from the Espruino sources (2v29): targets/esp32/jshardware.c,
 * jshardwareAnalog.c, jshardwarePWM.c, jshardwareI2c.c, boards/ESP32.py,
 * targets/esp8266/jshardware.c, targets/linux/jshardware.c.
 */
import type { Board, PinCapabilities } from "../../boards/board.ts";

/** How a hardware I2C port (I2C1) reports a missing acknowledge or a stuck bus. */
export type I2cErrorStyle = "esp32" | "esp8266" | "software";

/** Port behaviour of one board. */
export interface HardwareTraits {
  /** `analogRead` returns `raw / 2^bits` (ESP32: 12-bit ADC1, ESP8266: 10-bit). */
  adcBits: number;
  /** Volts at the board pin that read as full scale (ESP32 at 11 dB attenuation; NodeMCU A0 divider). */
  adcFullScaleVolts: number;
  /** Whether the port reads this pin's ADC (Espruino's ESP32 port reads ADC1 only: boards/ESP32.py). */
  readsAdc(pin: PinCapabilities): boolean;
  /** `analogWrite` frequency when none is given, in Hz; 0 when the port has no PWM (Linux). */
  pwmDefaultHz: number;
  /** Pins where `analogWrite` drives a DAC instead of PWM, by Espruino name (ESP32: D25, D26, even with `freq`). */
  dacPins: readonly string[];
  /** Error behaviour of I2C1 (and I2C2); `new I2C()` is always software I2C. */
  i2cErrors: I2cErrorStyle;
  /** Names of the hardware I2C ports the port defines. */
  i2cPorts: readonly string[];
  /** Supply voltage: a pin's digital level is high above half of it. */
  supplyVolts: number;
  /** `setWatch` makes the pin an input with pull-up whatever its mode (ESP32 jshPinWatch). */
  watchForcesPullup: boolean;
}

const ESP32: HardwareTraits = {
  adcBits: 12,
  adcFullScaleVolts: 3.3,
  readsAdc: (pin) => pin.adc !== null && pin.adc.unit === 1,
  pwmDefaultHz: 5000,
  dacPins: ["D25", "D26"],
  i2cErrors: "esp32",
  i2cPorts: ["I2C1", "I2C2"],
  supplyVolts: 3.3,
  watchForcesPullup: true,
};

const ESP8266: HardwareTraits = {
  adcBits: 10,
  adcFullScaleVolts: 3.3,
  readsAdc: (pin) => pin.adc !== null,
  pwmDefaultHz: 50,
  dacPins: [],
  i2cErrors: "esp8266",
  i2cPorts: ["I2C1"],
  supplyVolts: 3.3,
  watchForcesPullup: false,
};

const LINUX: HardwareTraits = {
  adcBits: 0,
  adcFullScaleVolts: 3.3,
  readsAdc: () => false,
  pwmDefaultHz: 0,
  dacPins: [],
  i2cErrors: "software",
  i2cPorts: ["I2C1"],
  supplyVolts: 3.3,
  watchForcesPullup: false,
};

/** The traits of a board's Espruino port; unknown boards get generic ones derived from the board file. */
export function traitsOf(board: Board): HardwareTraits {
  if (board.id === "esp32") return ESP32;
  if (board.id === "esp8266") return ESP8266;
  if (board.id === "linux") return LINUX;
  return { ...ESP32, readsAdc: (pin) => pin.adc !== null, dacPins: [], i2cErrors: "software", i2cPorts: ["I2C1"], watchForcesPullup: false };
}
