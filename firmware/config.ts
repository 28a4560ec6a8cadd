/**
 * The node as the device sees it: the part of the node description and the
 * board that the build bakes into the bundle (`MOTE_NODE`). The build
 * has validated every field before it gets here and filled in the defaults
 * of schema/node.schema.json. The bundle leaves out the fields that the
 * device never reads (scripts/build/build.ts `deviceNode`: `board`, `id`,
 * `topicPrefix`, `discovery` and `sensors` when unused, each part's `pin`;
 * the broker and the buffers, which only the client's settings and the
 * CONNECT packet that the build makes need) and those it gets as constants
 * in the code (`telemetry`, `watchdog`, `wifi`, `deepSleep`, each actuator's
 * `qos`: build.ts `descriptionDefines`), as the object stays on the heap for
 * the node's whole life. The WiFi password is in the code and the broker's
 * in that packet, as the device needs them: a bundle (dist/) is as secret
 * as the passwords themselves.
 */

/** One sensor or actuator as described: a name, a driver type, a pin, options. */
export interface PartConfig {
  name: string;
  type: string;
  pin: string;
  /** Espruino's name of `pin` (the board file's `espruino`, e.g. "D14" for the ESP8266's label D5): what the device resolves. */
  espruino: string;
  /** I2C parts only: Espruino's name of the SCL pin (`pin` and `espruino` are SDA's). */
  espruinoScl?: string;
  options?: Record<string, string | number | boolean>;
}

/** A sensor; each setting is present only when the description gives it, else the node's `telemetry` applies. */
export interface SensorConfig extends PartConfig {
  /** Seconds between readings, 1-86400; absent: `telemetry.period`. */
  period?: number;
  /** Publish before the period is up when a reading changes by more than this (the reading's unit); absent: only every period. */
  threshold?: number;
  /** QoS of its PUBLISH; absent: `telemetry.qos`. */
  qos?: 0 | 1;
}

/** An actuator. */
export interface ActuatorConfig extends PartConfig {
  /** QoS of the SUBSCRIBE to its command topic; default 1. */
  qos: 0 | 1 | 2;
}

/** What the firmware needs to know about the node. */
export interface NodeConfig {
  /** Node id: `[a-z0-9_-]`, 1-32 chars; the topic level and default MQTT client id. */
  id: string;
  /** Board id, e.g. `esp32`. */
  board: string;
  /** The network to join at boot; null on a board whose OS brings the network up (linux) or when the description has none (the board's saved WiFi settings apply). Password null: an open network. */
  wifi: { ssid: string; password: string | null } | null;
  /**
   * The broker: port default 1883, tls default false (only on boards with
   * Espruino's tls module), username and password null when not given (a
   * password only with a user name [MQTT-3.1.2-22]), clientId default the node id.
   */
  broker: { host: string; port: number; tls: boolean; username: string | null; password: string | null; clientId: string };
  /** First topic level(s), e.g. `mote`. */
  topicPrefix: string;
  /** Sensors' reading period in seconds (default 60) and PUBLISH QoS (default 1), unless a sensor says otherwise. */
  telemetry: { period: number; qos: 0 | 1 };
  sensors: SensorConfig[];
  actuators: ActuatorConfig[];
  /** Publish Home Assistant MQTT discovery messages; default false. */
  discovery: boolean;
  /** Sleep between telemetry periods (default false), staying awake at most `awakeLimit` seconds (default 30). */
  deepSleep: { enabled: boolean; awakeLimit: number };
  /** Minutes without a broker connection before the node resets itself; default 15. */
  watchdog: { offlineMinutes: number };
  /** Buffer sizes from the board file, in bytes. */
  buffers: { receive: number; send: number; socketQueue: number };
}
