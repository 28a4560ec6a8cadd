/**
 * Device code for the HAL-in-the-emulator test: the drivers over the
 * Espruino backend (hal/espruino.ts), exactly as a board would run them,
 * printing each sample as one JSON line. Checked by tsconfig.device.json.
 */
import { createBme280 } from "../../../../hal/bme280.ts";
import { createDht22 } from "../../../../hal/dht22.ts";
import { DigitalOutput } from "../../../../hal/digital-output.ts";
import { createDs18b20 } from "../../../../hal/ds18b20.ts";
import { espruinoIo } from "../../../../hal/espruino.ts";
import type { Readings, Sample } from "../../../../hal/sensor.ts";

const io = espruinoIo();
const relay = new DigitalOutput(io, D26, { activeLow: true });
const dht = createDht22(io, D4);
const thermometer = createDs18b20(io, new OneWire(D5));
I2C1.setup({ scl: D22, sda: D21 });
const climate = createBme280(io, I2C1);

function report(name: string): (sample: Sample<Readings>) => void {
  return function (sample: Sample<Readings>) {
    console.log(name + " " + JSON.stringify(sample));
  };
}

relay.write(true);
setTimeout(function () {
  dht.sample(report("dht22"));
  thermometer.sample(report("ds18b20"));
  climate.sample(report("bme280"));
}, 100);
