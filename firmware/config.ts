/**
 * The node as the device sees it: the part of the node description and the
 * board that the build bakes into the bundle (esbuild `define`). The build
 * has validated every field before it gets here.
 */

/** One sensor or actuator as described: a name, a driver type, a pin, options. */
export interface PartConfig {
  name: string;
  type: string;
  pin: string;
  options?: Record<string, string | number | boolean>;
}

/** What the firmware needs to know about the node. */
export interface NodeConfig {
  /** Node id: `[a-z0-9_-]`, 1-32 chars; the topic level and MQTT client id. */
  id: string;
  /** Board id, e.g. `esp32`. */
  board: string;
  broker: { host: string; port: number };
  /** First topic level(s), e.g. `mote`. */
  topicPrefix: string;
  sensors: PartConfig[];
  actuators: PartConfig[];
  /** Buffer sizes from the board file, in bytes. */
  buffers: { receive: number; send: number; socketQueue: number };
}
