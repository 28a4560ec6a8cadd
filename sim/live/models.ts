/**
 * Device models for a simulated node's sensors, so that each sensor of a
 * description answers with plausible values: a DHT22, a DS18B20 and a BME280
 * at room conditions, a button or reed contact at rest. Analog inputs read
 * whatever the pin holds (0 V). Returns the buttons so a front-end could
 * press them.
 */
import type { NodeConfig } from "../../firmware/config.ts";
import { Bme280Model } from "../devices/bme280.ts";
import { ButtonModel } from "../devices/button.ts";
import { Dht22Model } from "../devices/dht22.ts";
import { Ds18b20Model } from "../devices/ds18b20.ts";
import type { Hardware } from "../hardware/index.ts";

/** Attaches one model per sensor of `node` to `hardware`; returns the button and reed models by sensor name. */
export function attachModels(hardware: Hardware, node: NodeConfig): Map<string, ButtonModel> {
  const buttons = new Map<string, ButtonModel>();
  for (const sensor of node.sensors) {
    if (sensor.type == "dht22") hardware.attachLine(sensor.espruino, new Dht22Model({ temperature: 22.5, humidity: 48 }));
    else if (sensor.type == "ds18b20") hardware.attachOneWire(sensor.espruino, new Ds18b20Model({ temperature: 19.25 }));
    else if (sensor.type == "bme280") {
      const address = sensor.options?.["address"];
      const model = new Bme280Model({ temperature: 21.5, pressure: 1013.2, humidity: 45, ...(address === 0x77 ? { address: 0x77 as const } : {}) });
      if (sensor.espruinoScl === undefined) hardware.attachI2C(model);
      else hardware.attachI2C(model, { sda: sensor.espruino, scl: sensor.espruinoScl });
    } else if (sensor.type == "button" || sensor.type == "reed") {
      const button = new ButtonModel();
      hardware.attachLine(sensor.espruino, button);
      buttons.set(sensor.name, button);
    }
  }
  return buttons;
}
