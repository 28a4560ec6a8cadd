/**
 * A node with every driver type (and an analog input with a non-ASCII unit,
 * and a hyphenated sensor name), its discovery messages collected, and what
 * the drivers really produce, read from driver instances on the test rig.
 */
import type { NodeConfig } from "../../../firmware/config.ts";
import { discoveryMessage, type DiscoveryMessage, type DiscoveryOptions } from "../../../firmware/node/discovery.ts";
import { AnalogInput } from "../../../hal/analog-input.ts";
import { BME280_UNITS } from "../../../hal/bme280.ts";
import { DHT22_UNITS } from "../../../hal/dht22.ts";
import { DIGITAL_INPUT_UNITS } from "../../../hal/digital-input.ts";
import { DS18B20_UNITS } from "../../../hal/ds18b20.ts";
import { rig } from "../../hal/rig.ts";

export const NODE: NodeConfig = {
  id: "greenhouse",
  board: "esp8266",
  wifi: null,
  broker: { host: "192.168.1.10", port: 1883, tls: false, username: null, password: null, clientId: "greenhouse" },
  topicPrefix: "mote",
  telemetry: { period: 60, qos: 1 },
  sensors: [
    { name: "climate", type: "dht22", pin: "D5", espruino: "D14" },
    { name: "water", type: "ds18b20", pin: "D6", espruino: "D12" },
    { name: "air", type: "bme280", pin: "D2", espruino: "D4", espruinoScl: "D5", options: { sda: "D2", scl: "D1", address: 0x76 } },
    { name: "battery", type: "analog", pin: "A0", espruino: "A0", options: { scale: 2 } },
    { name: "soil-ec", type: "analog", pin: "A0", espruino: "A0", options: { unit: "\u00b5S/cm", scale: 1000 } },
    { name: "door", type: "reed", pin: "D7", espruino: "D13" },
    { name: "button", type: "button", pin: "D3", espruino: "D0" },
  ],
  actuators: [
    { name: "pump", type: "relay", pin: "D0", espruino: "D16", qos: 1 },
    { name: "lamp", type: "led", pin: "D4", espruino: "D2", qos: 1 },
    { name: "fan", type: "pwm", pin: "D8", espruino: "D15", qos: 1 },
  ],
  discovery: true,
  deepSleep: { enabled: false, awakeLimit: 30 },
  watchdog: { offlineMinutes: 15 },
  buffers: { receive: 1024, send: 512, socketQueue: 1024 },
};

export const OPTIONS: DiscoveryOptions = { discoveryPrefix: "homeassistant", model: "NodeMCU / Wemos D1 mini (4 MB)" };

/** Every message, pulled by index until discoveryMessage says there are no more. */
export function collect(config: NodeConfig, options: DiscoveryOptions): DiscoveryMessage[] {
  const messages: DiscoveryMessage[] = [];
  const message: DiscoveryMessage = { topic: "", payload: "" };
  for (let index = 0; discoveryMessage(config, index, options, message); index++) messages.push({ topic: message.topic, payload: message.payload });
  return messages;
}

/** The units of a driver of `type` configured with `options`: its module's constant (the analog input's, configurable, from a real instance on the rig). */
export function driverUnits(type: string, options: Record<string, unknown> = {}): Record<string, string> {
  const bench = rig("esp32");
  switch (type) {
    case "dht22":
      return { ...DHT22_UNITS };
    case "ds18b20":
      return { ...DS18B20_UNITS };
    case "bme280":
      return { ...BME280_UNITS };
    case "analog":
      return { ...new AnalogInput(bench.io, bench.pin("D32"), options).units };
    case "button":
    case "reed":
      return { ...DIGITAL_INPUT_UNITS };
  }
  throw new Error("no sensor driver " + type);
}
