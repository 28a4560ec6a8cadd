/**
 * Whether what a node publishes fits its board's send buffer: the MQTT
 * client refuses (and counts as dropped) a PUBLISH larger than that, so a
 * node whose telemetry report outgrew it would run and never report. The
 * build checks it here, naming what to shorten.
 *
 * The telemetry report is estimated at its widest: every reading, and every
 * counter, at the most characters it can print as on the device (Espruino
 * 2v29's JSON.stringify prints a double's integer digits and up to 11
 * decimals, {@link doubleWidth}), so a report that fits here fits for as
 * long as the counts keep to their widths: seven digits for `seq` and the
 * client's counters are ten million reports, 19 years at a 60-second
 * period but 116 days at a 1-second one, and most counters stay far
 * narrower than their width. Home Assistant discovery messages are
 * constant and built here as the node builds them.
 */
import type { Board } from "../../boards/board.ts";
import type { NodeConfig } from "../../firmware/config.ts";
import type { ClientCounters } from "../../firmware/mqtt/client.ts";
import { publishString } from "../../firmware/mqtt/send-string.ts";
import { clientOptions } from "../../firmware/node/app.ts";
import { DISCOVERY_PREFIX, SENSOR_READINGS, discoveryMessage, type DiscoveryMessage } from "../../firmware/node/discovery.ts";
import { telemetryTopic } from "../../firmware/node/topics.ts";

/**
 * The most characters one reading of each sensor driver prints as: DHT22
 * tenths from -80 to 80 (`-79.9`), DS18B20 sixteenths from -55 to 125
 * (`-54.9375`), BME280 hundredths (`-140.88` °C and `1312.82` hPa from the
 * widest raw values with the datasheet's calibration, hal/bme280-calibration.ts),
 * button and reed `false`. An analog input's depend on its options
 * ({@link analogWidth}); this entry is any double's.
 */
export const READING_WIDTHS: Readonly<Record<string, number>> = { dht22: 5, ds18b20: 8, bme280: 7, analog: 26, button: 5, reed: 5 };

/**
 * The most characters Espruino 2v29's JSON.stringify prints a double of
 * magnitude at most `bound` as (its Linux build): a sign, the integer
 * digits, a point and up to 11 decimals (`-9.60855197906`,
 * `-6811350.22640228271`, `-3341533333063.13427734375`: 26, the most of any
 * double; larger ones have fewer decimals or an exponent), and never under
 * 19, the exponent form that values under 1e-6 print as
 * (`-1.23456789012e-100`). Not 15 significant digits: a value of 10 million
 * and more is wider than that.
 */
export function doubleWidth(bound: number): number {
  // a little over, for the rounding of voltage × scale + offset at a power of ten
  const over = bound * (1 + 1e-9);
  if (!(over < 1e12)) return 26;
  return Math.max(19, 13 + (over < 1 ? 1 : String(Math.floor(over)).length));
}

/**
 * Width of an analog input's `reading` (hal/analog-input.ts): `voltage` is
 * the averaged analogRead (0..1) × `fullScale`, `value` that × `scale` +
 * `offset`, with the driver's defaults (3.3, 1, 0); any double's width when
 * an option is not a number.
 */
function analogWidth(options: Readonly<Record<string, unknown>>, reading: string): number {
  const option = (name: string, otherwise: number): number => (options[name] === undefined ? otherwise : typeof options[name] == "number" ? options[name] : NaN);
  const fullScale = Math.abs(option("fullScale", 3.3));
  const bound = reading == "voltage" ? fullScale : fullScale * Math.abs(option("scale", 1)) + Math.abs(option("offset", 0));
  return bound === bound ? doubleWidth(bound) : READING_WIDTHS["analog"]!;
}

/**
 * Characters of the report's own numbers at their widest: `boot` (a
 * deep-sleep node counts every wake: seven digits are 19 years of one a
 * minute), `seq`, `uptime` in seconds (nine digits, 31 years), `heap`, `rssi`
 * (`-100`), and each client counter.
 */
const BOOT_WIDTH = 7;
const SEQ_WIDTH = 7;
const UPTIME_WIDTH = 9;
const HEAP_WIDTH = 5;
const RSSI_WIDTH = 4;
const COUNTER_WIDTH = 7;
const COUNTERS: readonly (keyof ClientCounters)[] = [
  "sent", "received", "acknowledged", "resent", "dropped", "disconnects", "reconnects", "malformed", "unknownAcks", "duplicates", "handlerErrors",
];

/** Bytes of a PUBLISH (QoS 1: with a packet id) of `payload` on `topic`. */
function publishBytes(topic: string, payload: string): number {
  const packet = publishString({ topic, payload, qos: 1, retain: false, dup: false, packetId: 1 });
  if (typeof packet != "string") throw new Error(`build: no PUBLISH on ${topic}: codec error ${packet}`);
  return packet.length;
}

/**
 * The widest telemetry report of `node` (see the file comment) as a JSON
 * text of its length: the report's members in the node's order, each
 * number written as that many 9s (their characters are what counts).
 */
export function widestReport(node: NodeConfig, board: Board): string {
  const number = (width: number) => "9".repeat(width);
  const members = [`"boot":${number(BOOT_WIDTH)}`, `"seq":${number(SEQ_WIDTH)}`];
  for (const sensor of node.sensors) {
    const readings = SENSOR_READINGS[sensor.type] ?? [];
    const width = (reading: string) => (sensor.type == "analog" ? analogWidth(sensor.options ?? {}, reading) : READING_WIDTHS[sensor.type] ?? 26);
    members.push(`${JSON.stringify(sensor.name)}:{${readings.map((reading) => `${JSON.stringify(reading)}:${number(width(reading))}`).join(",")}}`);
  }
  members.push(`"uptime":${number(UPTIME_WIDTH)}`);
  if (board.network == "wifi") members.push(`"rssi":${number(RSSI_WIDTH)}`);
  members.push(`"heap":${number(HEAP_WIDTH)}`, `"mqtt":{${COUNTERS.map((counter) => `"${counter}":${number(COUNTER_WIDTH)}`).join(",")}}`);
  return `{${members.join(",")}}`;
}

/** Throws, naming the node, the board and what to shorten, when a message `node` publishes can be larger than the board's send buffer. */
export function checkMessagesFit(node: NodeConfig, board: Board): void {
  const send = clientOptions(node).sendBuffer;
  const where = `node "${node.id}" on board ${board.id}`;
  const topic = telemetryTopic(node.topicPrefix, node.id);
  const report = publishBytes(topic, widestReport(node, board));
  if (report > send) {
    throw new Error(`${where}: its telemetry report can reach ${report} bytes as a PUBLISH on ${topic} (every reading and counter at its widest), `
      + `over the board's send buffer of ${send}: use fewer sensors or shorter sensor names (${node.sensors.map((sensor) => sensor.name).join(", ")}), or a shorter topicPrefix or id`);
  }
  if (!node.discovery) return;
  const message: DiscoveryMessage = { topic: "", payload: "" };
  for (let index = 0; discoveryMessage(node, index, { discoveryPrefix: DISCOVERY_PREFIX, model: node.board }, message); index++) {
    const bytes = publishBytes(message.topic, message.payload);
    if (bytes > send) {
      throw new Error(`${where}: its Home Assistant discovery message on ${message.topic} is ${bytes} bytes, over the board's send buffer of ${send}: `
        + "use shorter part names, a shorter topicPrefix or id, or turn discovery off");
    }
  }
}
