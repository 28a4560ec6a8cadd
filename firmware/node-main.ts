/**
 * Device entry point of the full node: builds the {@link Platform} from
 * Espruino's globals and modules and starts the node the build baked in
 * (`MOTE_NODE`, injected by scripts/build/build.ts); the 1-Wire and I2C bus makers only in a
 * build with a driver that uses them (`MOTE_DRIVER_DS18B20`, `MOTE_DRIVER_BME280`), and only
 * until the node has made its drivers. Runs top to bottom at boot, so everything
 * is declared before it is called. With `MOTE_DEEP_SLEEP` the platform also
 * gets `deepSleep` (ESP32.deepSleep / ESP8266.deepSleep, integer
 * microseconds: the ESP8266 throws on anything else) and `woke` (ESP32 wake
 * cause 4, the timer; ESP8266 reset reason "deep sleep").
 */
import type { NodeConfig } from "./config.ts";
import type { HalPin, I2CBus, OneWireBus } from "../hal/io.ts";
import { createEspruinoTransport, espruinoClock } from "./mqtt/espruino-transport.ts";
import { startNode, type RunningNode } from "./node/app.ts";
import type { NodeStorage, Platform } from "./node/platform.ts";

/** The node, without the fields the device never reads (scripts/build/build.ts `deviceNode`). */
declare const MOTE_NODE: NodeConfig;
/** The board's id, a string constant that esbuild folds the comparisons below with. */
declare const MOTE_BOARD: string;
declare const MOTE_DEEP_SLEEP: boolean | undefined;
declare const MOTE_DRIVER_DS18B20: boolean | undefined;
declare const MOTE_DRIVER_BME280: boolean | undefined;

const wifi = MOTE_BOARD == "linux" ? null : require("Wifi");

const platform: Platform = {
  // the global object is the Io, as hal/espruino.ts espruinoIo() explains; taken here as it is, checked by the compiler the same, with no function in the bundle
  io: global,
  pin(name: string): HalPin {
    const pin = (global as unknown as { [name: string]: Pin | undefined })[name];
    if (pin === undefined) throw new Error("node: no pin " + name + " on this board");
    return pin;
  },
  storage: require("Storage") as unknown as NodeStorage,
  wifi,
  transport: createEspruinoTransport,
  clock: espruinoClock,
  memory: () => process.memory().free,
  rssi(): number | null {
    const rssi = MOTE_BOARD == "linux" ? null : wifi!.getDetails().rssi;
    return typeof rssi == "number" ? rssi : null;
  },
  reboot: () => E.reboot(),
  memoryFailed: () => E.getErrorFlags().indexOf("MEMORY") >= 0,
};

if (typeof MOTE_DRIVER_DS18B20 == "undefined" || MOTE_DRIVER_DS18B20) platform.oneWire = (pin: HalPin): OneWireBus => new OneWire(pin as Pin) as unknown as OneWireBus;
if (typeof MOTE_DRIVER_BME280 == "undefined" || MOTE_DRIVER_BME280) {
  platform.i2c = function (sda: HalPin, scl: HalPin): I2CBus {
    const bus = new I2C();
    bus.setup({ sda: sda as Pin, scl: scl as Pin });
    return bus as unknown as I2CBus;
  };
}

if (typeof MOTE_DEEP_SLEEP != "undefined" && MOTE_DEEP_SLEEP) {
  const esp8266 = MOTE_BOARD == "esp8266";
  platform.woke = esp8266 ? require("ESP8266").getResetInfo().reason == "deep sleep" : require("ESP32").getWakeupCause() == 4;
  platform.deepSleep = function (milliseconds: number): void {
    (esp8266 ? require("ESP8266") : require("ESP32")).deepSleep((milliseconds * 1000) | 0);
  };
}

/** The running node as the global `mote`: at the Espruino console `mote.report()` publishes now, `mote.client.counters` shows the MQTT counters (the simulator reads it too). */
(global as unknown as { mote: RunningNode }).mote = startNode(MOTE_NODE, platform);

/* The bus makers serve only the drivers startNode has just made: the node keeps `platform` for its life, and these two would hold about 12 heap variables in it. */
if (typeof MOTE_DRIVER_DS18B20 == "undefined" || MOTE_DRIVER_DS18B20) delete platform.oneWire;
if (typeof MOTE_DRIVER_BME280 == "undefined" || MOTE_DRIVER_BME280) delete platform.i2c;
