/**
 * Whether what a node publishes fits its board's send buffer: the MQTT
 * client refuses (and counts as dropped) a PUBLISH larger than that, so a
 * node whose telemetry report outgrew it would run and never report. The
 * build checks it here, naming what to shorten.
 *
 * The telemetry report is estimated at its widest: every reading, and every
 * counter, at the most characters it can print as on the device (Espruino
 * 2v29 prints a number with up to 15 significant digits), so a report that
 * fits here fits all its life. Home Assistant discovery messages are
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
 * tenths from -40 to 80 (`-39.9`), DS18B20 sixteenths from -55 to 125
 * (`-54.9375`), BME280 hundredths (`1099.99` hPa, hal/bme280-calibration.ts),
 * analog any double (`-0.12345678901234`, and a sign and exponent spare),
 * button and reed `false`.
 */
export const READING_WIDTHS: Readonly<Record<string, number>> = { dht22: 5, ds18b20: 8, bme280: 7, analog: 20, button: 5, reed: 5 };

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
    const width = READING_WIDTHS[sensor.type] ?? 20;
    members.push(`${JSON.stringify(sensor.name)}:{${readings.map((reading) => `${JSON.stringify(reading)}:${number(width)}`).join(",")}}`);
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
