/**
 * Property tests with mqtt-packet 9 as the oracle, per packet family:
 * our bytes equal `generate`'s byte for byte, our decoders read
 * mqtt-packet's bytes back into the same packet, and encode -> decode
 * round-trips. Seeded: set MOTE_FC_SEED to replay another seed (fast-check
 * prints the seed and path of any failure).
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import * as mqttPacket from "mqtt-packet";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { decodePacket } from "../../../firmware/mqtt/broker.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { PACKETS } from "./arbitraries.ts";
import { FROM_BROKER, canonical, encodeOurs, modelType, ourLength, readRecord, toPeer } from "./model.ts";
import type { Model } from "./model.ts";

const RUNS = 500;
const BASE_SEED = Number(process.env["MOTE_FC_SEED"] ?? 0x6d6f7465);
const SENTINEL = 0xa5;

function parameters(index: number): fc.Parameters<[Model, number]> {
  return { numRuns: RUNS, seed: (BASE_SEED + index * 7919) | 0 };
}

function named(code: number): string {
  return code < 0 ? `${code} (${errorName(code)})` : String(code);
}

const offset = fc.integer({ min: 0, max: 9 });

describe("mqtt codec properties (oracle: mqtt-packet)", function () {
  Object.keys(PACKETS).forEach((family, index) => {
    const packet = PACKETS[family]!;

    describe(family, function () {
      it(`encodes byte for byte as mqtt-packet generate (${RUNS} runs)`, function () {
        fc.assert(
          fc.property(packet, offset, (model, position) => {
            const expected = mqttPacket.generate(toPeer(model));
            assert.equal(ourLength(model), expected.length, "length function");
            const buffer = new Uint8Array(position + expected.length + 7).fill(SENTINEL);
            const end = encodeOurs(model, buffer, position);
            assert.equal(named(end), named(position + expected.length), "returned position");
            assert.equal(Buffer.from(buffer.subarray(position, end)).toString("hex"), expected.toString("hex"));
            for (let index = 0; index < position; index++) assert.equal(buffer[index], SENTINEL, "wrote before position");
            for (let index = end; index < buffer.length; index++) assert.equal(buffer[index], SENTINEL, "wrote after the packet");
          }),
          parameters(index * 4),
        );
      });

      it(`decodes mqtt-packet's bytes into the same packet (${RUNS} runs)`, function () {
        const record = createPacketRecord();
        fc.assert(
          fc.property(packet, offset, (model, position) => {
            const bytes = mqttPacket.generate(toPeer(model));
            const buffer = new Uint8Array(position + bytes.length + 5).fill(SENTINEL);
            buffer.set(bytes, position);
            const end = position + bytes.length;
            assert.equal(named(decodePacket(buffer, position, end, record)), named(end), "decodePacket");
            assert.equal(record.type, modelType(model));
            assert.equal(record.packetLength, bytes.length, "record.packetLength");
            assert.deepEqual(readRecord(buffer, record), canonical(model));
            if (FROM_BROKER.includes(record.type)) {
              assert.equal(named(decodeFromBroker(buffer, position, end, record)), named(end), "decodeFromBroker");
              assert.deepEqual(readRecord(buffer, record), canonical(model));
            } else {
              assert.equal(named(decodeFromBroker(buffer, position, end, record)), named(C.ERR_UNEXPECTED_TYPE), "decodeFromBroker");
            }
          }),
          parameters(index * 4 + 1),
        );
      });

      it(`round-trips encode -> decode through one reused record (${RUNS} runs)`, function () {
        const record = createPacketRecord();
        fc.assert(
          fc.property(packet, offset, (model, position) => {
            const buffer = new Uint8Array(position + ourLength(model) + 3);
            const end = encodeOurs(model, buffer, position);
            assert.ok(end > position, `encode returned ${named(end)}`);
            assert.equal(named(decodePacket(buffer, position, end, record)), named(end));
            assert.deepEqual(readRecord(buffer, record), canonical(model));
            const peer = mqttPacket.parser();
            let parsed = 0;
            peer.on("packet", () => parsed++);
            peer.on("error", (error: Error) => assert.fail(`mqtt-packet rejects our bytes: ${error.message}`));
            peer.parse(Buffer.from(buffer.subarray(position, end)));
            assert.equal(parsed, 1, "mqtt-packet parses our bytes as one packet");
          }),
          parameters(index * 4 + 2),
        );
      });

      it(`rejects every short buffer and every truncation (${RUNS} runs)`, function () {
        const record = createPacketRecord();
        fc.assert(
          fc.property(packet, fc.nat(), (model, cut) => {
            const length = ourLength(model);
            const full = new Uint8Array(length);
            assert.equal(encodeOurs(model, full, 0), length);
            const capacity = cut % length;
            assert.equal(named(encodeOurs(model, new Uint8Array(capacity), 0)), named(C.ERR_BUFFER_TOO_SMALL), `capacity ${capacity}`);
            assert.equal(named(encodeOurs(model, new Uint8Array(length + 2), 3)), named(C.ERR_BUFFER_TOO_SMALL), "position near the end");
            assert.equal(named(decodePacket(full, 0, capacity, record)), named(C.ERR_TRUNCATED), `decodePacket with end ${capacity}`);
            if (FROM_BROKER.includes(modelType(model))) {
              assert.equal(named(decodeFromBroker(full, 0, capacity, record)), named(C.ERR_TRUNCATED), `decodeFromBroker with end ${capacity}`);
            }
          }),
          parameters(index * 4 + 3),
        );
      });
    });
  });
});
