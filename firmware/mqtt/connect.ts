/**
 * The CONNECT packet a client sends, built where its fields are known: on
 * the host (the build, the tests, the simulator), never on a device. A
 * client's CONNECT never changes, so createClient (client.ts) takes it
 * finished, as a binary string, and a device bundle carries no CONNECT
 * encoder: the full node's build encodes it from the node description and
 * injects it (scripts/build/build.ts, `MOTE_CONNECT`). Host only: this file
 * imports the error names (errors.ts).
 */
import { errorName } from "./errors.ts";
import type { ConnectOptions } from "./packets.ts";
import { connectString } from "./send-string.ts";

/**
 * `options` as a CONNECT packet (3.1), a binary string for ClientOptions
 * `connect`; throws an Error naming the codec's refusal (ERR_VALUE,
 * ERR_QOS, …) and the client id when a field is invalid. Never names the
 * password.
 */
export function connectPacket(options: ConnectOptions): string {
  const packet = connectString(options);
  if (typeof packet != "string") throw new Error(`mqtt: invalid connect options (${errorName(packet)}), client id ${JSON.stringify(options.clientId)}`);
  return packet;
}
