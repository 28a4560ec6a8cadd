/**
 * The CONNECT packet a client sends, built where its fields are known: on
 * the host (the build, the tests, the simulator), never on a device. A
 * client's CONNECT never changes, so createClient (client.ts) takes it
 * finished, as a binary string, with its keepalive and clean session flag
 * beside it (connectSettings), and a device bundle carries no CONNECT
 * encoder nor code to read the packet back: the full node's build encodes it from the node description and
 * embeds it (scripts/build/build.ts, `MOTE_CLIENT`). Host only: this file
 * imports the error names (errors.ts).
 */
import { connectLength, encodeConnect } from "./encode.ts";
import { errorName } from "./errors.ts";
import type { ConnectOptions } from "./packets.ts";

/**
 * `options` as a CONNECT packet (3.1), a binary string for ClientOptions
 * `connect` (the bytes of encodeConnect, encode.ts: its strings are text,
 * written as UTF-8); throws an Error naming the codec's refusal (ERR_VALUE,
 * ERR_QOS, …) and the client id when a field is invalid. Never names the
 * password.
 */
export function connectPacket(options: ConnectOptions): string {
  const length = connectLength(options);
  const buffer = new Uint8Array(length < 0 ? 0 : length);
  const end = length < 0 ? length : encodeConnect(buffer, 0, options);
  if (end < 0) throw new Error(`mqtt: invalid connect options (${errorName(end)}), client id ${JSON.stringify(options.clientId)}`);
  let packet = "";
  for (const byte of buffer) packet += String.fromCharCode(byte);
  return packet;
}

/**
 * The settings createClient (client.ts, ClientOptions) takes from a CONNECT, made together
 * so that they agree: the packet (connectPacket, which throws on an invalid
 * field), its keepalive in milliseconds and its clean session flag.
 */
export function connectSettings(options: ConnectOptions): { connect: string; keepalive: number; cleanSession: boolean } {
  return { connect: connectPacket(options), keepalive: options.keepalive * 1000, cleanSession: options.cleanSession };
}
