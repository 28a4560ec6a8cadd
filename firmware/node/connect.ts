/**
 * The node's CONNECT, from its description: client id (`broker.clientId`,
 * else the node id), clean session, keepalive KEEPALIVE (60 s), the last will
 * `offline` retained at QoS 1 on the status topic (README, "Topic layout"),
 * and the credentials when given. Encoded on the host: by the build, which
 * embeds the packet in a device bundle's client settings (`MOTE_CLIENT`,
 * scripts/build/build.ts), and in Node by clientOptions (app.ts), so the
 * device never carries a CONNECT encoder nor these fields of the node.
 */
import type { NodeConfig } from "../config.ts";
import { connectPacket, connectSettings } from "../mqtt/connect.ts";
import type { ConnectOptions } from "../mqtt/packets.ts";
import { KEEPALIVE } from "./constants.ts";
import { OFFLINE, statusTopic } from "./topics.ts";

/** The CONNECT fields for `config`, as described in the file comment. */
export function nodeConnectOptions(config: NodeConfig): ConnectOptions {
  const broker = config.broker;
  const connect: ConnectOptions = {
    clientId: broker.clientId || config.id,
    cleanSession: true,
    keepalive: KEEPALIVE,
    will: { topic: statusTopic(config.topicPrefix, config.id), payload: OFFLINE, qos: 1, retain: true },
  };
  if (broker.username !== null) connect.username = broker.username;
  if (broker.username !== null && broker.password !== null) connect.password = broker.password;
  return connect;
}

/** The CONNECT packet for `config` (a binary string); throws naming the invalid field's error and the client id, never the password. */
export function nodeConnectPacket(config: NodeConfig): string {
  return connectPacket(nodeConnectOptions(config));
}

/** The client's settings from the CONNECT for `config` (connectSettings): the packet, its keepalive and clean session flag. */
export function nodeConnectSettings(config: NodeConfig): ReturnType<typeof connectSettings> {
  return connectSettings(nodeConnectOptions(config));
}
