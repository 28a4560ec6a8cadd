/**
 * The PUBLISH fast paths take all-ASCII topics and payloads (encode: one
 * pass that checks while it copies, two characters per step; decode: one
 * loop over the topic bytes) and hand anything else to the general UTF-8 and
 * topic checks. These cases put one unusual character at every position of
 * short topics and payloads, odd and even, and require exactly what the
 * general path gives: mqtt-packet's bytes, or the error the general checks
 * name, with nothing written outside the packet's own bytes (encode-contract.ts).
 * readUtf8 has the same kind of ASCII path and gets the same treatment.
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as mqttPacket from "mqtt-packet";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { encodePublish, publishLength } from "../../../firmware/mqtt/encode.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { createClientRecord } from "../../../firmware/mqtt/packets.ts";
import type { PublishOptions } from "../../../firmware/mqtt/packets.ts";
import { checkTopic } from "../../../firmware/mqtt/topic.ts";
import { checkUtf8, readUtf8 } from "../../../firmware/mqtt/utf8.ts";
import { assertUntouchedOutside, publishRangeLength } from "./encode-contract.ts";

/** Characters that each leave the ASCII path (1- to 4-byte UTF-8, and the topic's forbidden ones). */
const UNUSUAL = ["\u007f", "\u0080", "\u00e9", "\u07ff", "\u0800", "\uffff", "\ud83d\ude00", "\ud800", "\udc00", "\u0000", "#", "+"];
const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 12];
const GARBAGE = 0xa5;

/** "ab…" of `length` characters with `character` at `index`. */
function withAt(length: number, index: number, character: string): string {
  const plain = "abcdefghijklmnop/".repeat(2).slice(0, length);
  return plain.slice(0, index) + character + plain.slice(index + 1);
}

function publish(topic: string, payload: string | Uint8Array): PublishOptions {
  return { topic, payload, qos: 1, retain: false, dup: false, packetId: 7 };
}

/** The error the general checks give for a topic name string, or 0. */
function topicError(topic: string): number {
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(topic)) return C.ERR_MALFORMED_UTF8;
  if (topic.includes("\u0000")) return C.ERR_NULL_CHARACTER;
  return checkTopic(topic, 0, topic.length, false);
}

function encodeBoth(options: PublishOptions): { result: number; bytes: string } {
  const buffer = new Uint8Array(128).fill(GARBAGE);
  const result = encodePublish(buffer, 3, options);
  if (result < 0) {
    assertUntouchedOutside(buffer, GARBAGE, 3, 3 + publishRangeLength(options), errorName(result));
    return { result, bytes: "" };
  }
  assert.equal(buffer[2], GARBAGE, "wrote before the packet");
  assert.equal(buffer[result], GARBAGE, "wrote after the packet");
  assert.equal(publishLength(options), result - 3, "publishLength");
  return { result, bytes: Buffer.from(buffer.subarray(3, result)).toString("hex") };
}

function peerHex(options: PublishOptions): string {
  const payload = typeof options.payload == "string" ? Buffer.from(options.payload, "utf8") : Buffer.from(options.payload);
  return mqttPacket.generate({ cmd: "publish", topic: options.topic, payload, qos: 1, retain: false, dup: false, messageId: 7 }).toString("hex");
}

describe("mqtt codec PUBLISH ASCII fast paths", function () {
  it("encode: one unusual topic character at any position gives mqtt-packet's bytes or the general error, writing nothing outside the packet on error", function () {
    let cases = 0;
    for (const length of LENGTHS) {
      for (let index = 0; index < length; index++) {
        for (const character of UNUSUAL) {
          const options = publish(withAt(length, index, character), "ok");
          const expected = topicError(options.topic);
          const encoded = encodeBoth(options);
          if (expected) assert.equal(errorName(encoded.result), errorName(expected), JSON.stringify(options.topic));
          else assert.equal(encoded.bytes, peerHex(options), JSON.stringify(options.topic));
          cases++;
        }
      }
    }
    assert.ok(cases > 500);
  });

  it("encode: one unusual payload character at any position gives mqtt-packet's bytes, or ERR_MALFORMED_UTF8 for a lone surrogate", function () {
    for (const length of [0, ...LENGTHS]) {
      for (let index = 0; index < length; index++) {
        for (const character of UNUSUAL) {
          const options = publish("a/b", withAt(length, index, character));
          const encoded = encodeBoth(options);
          if (/^[\ud800-\udfff]$/.test(character)) assert.equal(errorName(encoded.result), "ERR_MALFORMED_UTF8", JSON.stringify(options.payload));
          else assert.equal(encoded.bytes, peerHex(options), JSON.stringify(options.payload));
        }
      }
    }
  });

  it("encode: Uint8Array payloads of every small length are copied as they are", function () {
    for (let length = 0; length < 40; length++) {
      const payload = new Uint8Array(length).map((_, index) => (index * 91 + length) & 255);
      const options = publish("sensors/t", payload);
      assert.equal(encodeBoth(options).bytes, peerHex(options), `${length} bytes`);
    }
  });

  it("decode: one unusual topic byte at any position gives what checkUtf8 then checkTopic give", function () {
    const record = createClientRecord();
    for (const length of LENGTHS) {
      for (let index = 0; index < length; index++) {
        for (let byte = 0; byte < 256; byte++) {
          const topic = Buffer.from(withAt(length, index, "x"), "latin1");
          topic[index] = byte;
          const packet = Buffer.concat([Buffer.from([0x32, 2 + length + 2 + 1, 0, length]), topic, Buffer.from([0, 9, 0x5a])]);
          const bytes = new Uint8Array(packet);
          const expected = checkUtf8(bytes, 4, 4 + length) || checkTopic(bytes, 4, 4 + length, false);
          const result = decodeFromBroker(bytes, 0, bytes.length, record);
          assert.equal(errorName(result), errorName(expected || bytes.length), `byte ${byte} at ${index} of ${length}`);
          if (!expected) assert.deepEqual([record.topicStart, record.topicEnd, record.packetId, record.payloadStart], [4, 4 + length, 9, 6 + length]);
        }
      }
    }
  });

  it("readUtf8: one unusual character at any position reads back as Node decodes it", function () {
    for (const length of LENGTHS) {
      for (let index = 0; index < length; index++) {
        for (const character of UNUSUAL.filter((unusual) => !/^[\ud800-\udfff]$/.test(unusual)).concat("\"", "\\", "\n")) {
          const bytes = new Uint8Array(Buffer.from(`<${withAt(length, index, character)}>`, "utf8"));
          assert.equal(readUtf8(bytes, 1, bytes.length - 1), withAt(length, index, character), JSON.stringify(character));
        }
      }
    }
  });

  it("decode: an empty topic name is ERR_EMPTY_TOPIC", function () {
    const bytes = new Uint8Array([0x32, 5, 0, 0, 0, 9, 0x5a]);
    assert.equal(errorName(decodeFromBroker(bytes, 0, bytes.length, createClientRecord())), "ERR_EMPTY_TOPIC");
  });
});
