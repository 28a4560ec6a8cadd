/**
 * The shape of an annotated byte fixture (see fixtures.ts) and a helper to write one.
 */
import { Buffer } from "node:buffer";
import type * as mqttPacket from "mqtt-packet";
import type { PacketRecord } from "../../../firmware/mqtt/packets.ts";

/** Record fields named by the prefix of their Start/End pair. */
export type SliceName = "topic" | "payload" | "clientId" | "willTopic" | "willPayload" | "username" | "password";

export interface Fixture {
  name: string;
  bytes: number[];
  /** Record fields the decoders must set (offsets go in `slices`). */
  fields: Partial<PacketRecord>;
  /** Content of each byte range (a string as UTF-8, or bytes); null: absent (start = end = -1). */
  slices: Partial<Record<SliceName, string | number[] | null>>;
  /** Our encoder writing the same packet at `position`. */
  encode: (buffer: Uint8Array, position: number) => number;
  /** The same packet for mqtt-packet's `generate`. */
  peer?: mqttPacket.Packet;
}

/** UTF-8 bytes of a string, to spread into a fixture. */
export function utf8(text: string): number[] {
  return Array.from(Buffer.from(text, "utf8"));
}
