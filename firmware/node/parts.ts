/**
 * The drivers (hal/) behind a node's sensors and actuators, created once at
 * boot from the parts the build put in the NodeConfig. Pins are resolved by
 * their Espruino names (`part.espruino`); DS18B20s on one pin share one
 * 1-Wire bus, I2C parts on one SDA/SCL pair share one I2C bus.
 *
 * Driver switches: the build (scripts/build/build.ts) defines each
 * `MOTE_DRIVER_*` below as true or false from the part types the node uses,
 * and esbuild drops a driver whose switch is false, with its module. Each
 * switch is read into a local constant at the very start of the function
 * that uses it: esbuild folds only such constants (not module-level ones, nor
 * ones after other statements). Node and the tests, with no define, get
 * every driver.
 */
import type { ActuatorConfig, SensorConfig } from "../config.ts";
import { AnalogInput, type AnalogInputOptions } from "../../hal/analog-input.ts";
import { createBme280, type Bme280Options } from "../../hal/bme280.ts";
import { createDht22, type Dht22Options } from "../../hal/dht22.ts";
import { createDigitalInput, type DigitalInputOptions } from "../../hal/digital-input.ts";
import { DigitalOutput, type DigitalOutputOptions } from "../../hal/digital-output.ts";
import { createDs18b20, type Ds18b20Options } from "../../hal/ds18b20.ts";
import type { I2CBus, OneWireBus } from "../../hal/io.ts";
import { PwmOutput, type PwmOutputOptions } from "../../hal/pwm-output.ts";
import type { Readings, SampleCallback } from "../../hal/sensor.ts";
import type { CommandActuator } from "./commands.ts";
import type { Platform } from "./platform.ts";

/** The state payload of an actuator (commands.ts, which publishes it after a command too). */
export { statePayload } from "./commands.ts";

declare const MOTE_DRIVER_ANALOG: boolean | undefined;
declare const MOTE_DRIVER_BME280: boolean | undefined;
declare const MOTE_DRIVER_DHT22: boolean | undefined;
declare const MOTE_DRIVER_DS18B20: boolean | undefined;
/** button, reed */
declare const MOTE_DRIVER_INPUT: boolean | undefined;
/** relay, led */
declare const MOTE_DRIVER_OUTPUT: boolean | undefined;
declare const MOTE_DRIVER_PWM: boolean | undefined;

/** What the node does with a sensor driver: take one sample. */
export interface PartSensor {
  sample(callback: SampleCallback<Readings>): void;
}

/**
 * Buses created so far, in one map: 1-Wire buses by Espruino pin name
 * (`D12`), I2C buses by `sda/scl` (`D4/D5`); the two kinds of key cannot
 * meet. One flat map because the node keeps it for its whole life: each
 * nested map would cost heap variables for good.
 */
export interface PartBuses {
  [key: string]: OneWireBus | I2CBus;
}

/** An empty set of buses for {@link createSensor}. */
export function createBuses(): PartBuses {
  return {};
}

/** The driver for a sensor part; throws naming the part for a driver type it does not know (the build rejects those first). */
export function createSensor(part: SensorConfig, platform: Platform, buses: PartBuses): PartSensor {
  const ANALOG = typeof MOTE_DRIVER_ANALOG == "undefined" || MOTE_DRIVER_ANALOG;
  const BME280 = typeof MOTE_DRIVER_BME280 == "undefined" || MOTE_DRIVER_BME280;
  const DHT22 = typeof MOTE_DRIVER_DHT22 == "undefined" || MOTE_DRIVER_DHT22;
  const DS18B20 = typeof MOTE_DRIVER_DS18B20 == "undefined" || MOTE_DRIVER_DS18B20;
  const INPUT = typeof MOTE_DRIVER_INPUT == "undefined" || MOTE_DRIVER_INPUT;
  const io = platform.io;
  // absent options stay undefined: each driver takes that as {}
  const options = part.options;
  const type = part.type;
  if (DHT22 && type == "dht22") return createDht22(io, platform.pin(part.espruino), options as Partial<Dht22Options> | undefined);
  if (INPUT && (type == "button" || type == "reed")) return createDigitalInput(io, platform.pin(part.espruino), options as Partial<DigitalInputOptions> | undefined);
  if (ANALOG && type == "analog") return new AnalogInput(io, platform.pin(part.espruino), options as Partial<AnalogInputOptions> | undefined);
  if (DS18B20 && type == "ds18b20") {
    let bus = buses[part.espruino] as OneWireBus | undefined;
    if (!bus) bus = buses[part.espruino] = platform.oneWire!(platform.pin(part.espruino));
    return createDs18b20(io, bus, options as Partial<Ds18b20Options> | undefined);
  }
  if (BME280 && type == "bme280") {
    const scl = part.espruinoScl || "";
    const key = part.espruino + "/" + scl;
    let bus = buses[key] as I2CBus | undefined;
    if (!bus) bus = buses[key] = platform.i2c!(platform.pin(part.espruino), platform.pin(scl));
    return createBme280(io, bus, options as Partial<Bme280Options> | undefined);
  }
  throw new Error("node: sensor " + part.name + " has driver type " + type + ", which this firmware lacks");
}

/**
 * The driver for an actuator part (relay, led: on/off; pwm: 0-100 %), in its
 * off state; throws naming the part for a driver type it does not know. The
 * build checks every part's type and turns a driver on only for a node with
 * a part of its types, so with one actuator driver in, every actuator is
 * that driver's: the type test and the error are left out of the bundle.
 */
export function createActuator(part: ActuatorConfig, platform: Platform): CommandActuator {
  const OUTPUT = typeof MOTE_DRIVER_OUTPUT == "undefined" || MOTE_DRIVER_OUTPUT;
  const PWM = typeof MOTE_DRIVER_PWM == "undefined" || MOTE_DRIVER_PWM;
  // absent options stay undefined, as in createSensor; with one driver, its pin resolved in the call (no local for it)
  if (OUTPUT && !PWM) return new DigitalOutput(platform.io, platform.pin(part.espruino), part.options as Partial<DigitalOutputOptions> | undefined);
  if (PWM && !OUTPUT) return new PwmOutput(platform.io, platform.pin(part.espruino), part.options as Partial<PwmOutputOptions> | undefined);
  const pin = platform.pin(part.espruino);
  if (OUTPUT && (part.type == "relay" || part.type == "led")) return new DigitalOutput(platform.io, pin, part.options as Partial<DigitalOutputOptions> | undefined);
  if (PWM && part.type == "pwm") return new PwmOutput(platform.io, pin, part.options as Partial<PwmOutputOptions> | undefined);
  throw new Error("node: actuator " + part.name + " has driver type " + part.type + ", which this firmware lacks");
}
