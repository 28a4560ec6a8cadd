/**
 * UTF-8 without TextEncoder: lengths, encoding and decoding checked against
 * Node's Buffer over every code point, and validation against the well-formed
 * UTF-8 table of RFC 3629 / Unicode (via a fatal TextDecoder) [MQTT-1.5.3-1],
 * with U+0000 refused [MQTT-1.5.3-2].
 */
import { strict as assert } from "node:assert";
import { Buffer } from "node:buffer";
import * as C from "../../../firmware/mqtt/constants.ts";
import { errorName } from "../../../firmware/mqtt/errors.ts";
import { checkUtf8, readUtf8, utf8Length, writeUtf8 } from "../../../firmware/mqtt/utf8.ts";

function hex(bytes: ArrayLike<number>): string {
  return Buffer.from(Array.from(bytes)).toString("hex");
}

function encode(text: string): string {
  const length = utf8Length(text);
  assert.ok(length >= 0, `utf8Length(${JSON.stringify(text)}) = ${errorName(length)}`);
  const buffer = new Uint8Array(length + 2).fill(0xa5);
  assert.equal(writeUtf8(buffer, 1, text), 1 + length, "writeUtf8 position");
  assert.deepEqual([buffer[0], buffer[length + 1]], [0xa5, 0xa5], "wrote outside its bytes");
  return hex(buffer.subarray(1, 1 + length));
}

function check(bytes: number[]): string {
  const buffer = new Uint8Array([0x41, ...bytes, 0x41]);
  return errorName(checkUtf8(buffer, 1, 1 + bytes.length));
}

const strict = new TextDecoder("utf-8", { fatal: true });

function wellFormed(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe("utf8", function () {
  it("encodes 1-, 2-, 3- and 4-byte sequences at every length boundary", function () {
    const samples: [string, string][] = [
      ["A", "41"], ["\u007f", "7f"], ["\u0080", "c280"], ["é", "c3a9"], ["\u07ff", "dfbf"], ["\u0800", "e0a080"],
      ["€", "e282ac"], ["\ud7ff", "ed9fbf"], ["\ue000", "ee8080"], ["\uffff", "efbfbf"], ["\u{10000}", "f0908080"],
      ["\u{1F600}", "f09f9880"], ["\u{10FFFF}", "f48fbfbf"], ["a/é/€/\u{1F600}", "612fc3a92fe282ac2ff09f9880"],
    ];
    for (const [text, bytes] of samples) {
      assert.equal(encode(text), bytes, JSON.stringify(text));
      assert.equal(utf8Length(text), bytes.length / 2);
      const buffer = Buffer.from(bytes, "hex");
      assert.equal(check(Array.from(buffer)), errorName(0), `checkUtf8 ${bytes}`);
      assert.equal(readUtf8(new Uint8Array(buffer), 0, buffer.length), text, `readUtf8 ${bytes}`);
    }
    assert.equal(encode(""), "");
    assert.equal(readUtf8(new Uint8Array(0), 0, 0), "");
  });

  it("matches Buffer for every code point from U+0001 to U+10FFFF, and round-trips surrogate pairs", function () {
    for (let first = 1; first <= 0x10ffff; first += 0x1000) {
      const points: number[] = [];
      for (let point = first; point < first + 0x1000 && point <= 0x10ffff; point++) {
        if (point < 0xd800 || point > 0xdfff) points.push(point);
      }
      const text = String.fromCodePoint(...points);
      const expected = Buffer.from(text, "utf8");
      const buffer = new Uint8Array(utf8Length(text));
      assert.equal(buffer.length, expected.length, `length from U+${first.toString(16)}`);
      writeUtf8(buffer, 0, text);
      assert.ok(Buffer.from(buffer).equals(expected), `bytes from U+${first.toString(16)}`);
      assert.equal(checkUtf8(buffer, 0, buffer.length), 0, `checkUtf8 from U+${first.toString(16)}`);
      assert.ok(readUtf8(buffer, 0, buffer.length) === text, `readUtf8 from U+${first.toString(16)}`);
    }
  });

  it("refuses overlong forms", function () {
    for (const bytes of [[0xc0, 0x80], [0xc0, 0xaf], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xe0, 0x9f, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf0, 0x8f, 0xbf, 0xbf]]) {
      assert.equal(check(bytes), "ERR_MALFORMED_UTF8", hex(bytes));
    }
  });

  it("refuses surrogates encoded in UTF-8 (ED A0 80 .. ED BF BF) and accepts their neighbours", function () {
    for (const bytes of [[0xed, 0xa0, 0x80], [0xed, 0xaf, 0xbf], [0xed, 0xb0, 0x80], [0xed, 0xbf, 0xbf], [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]]) {
      assert.equal(check(bytes), "ERR_MALFORMED_UTF8", hex(bytes));
    }
    assert.equal(check([0xed, 0x9f, 0xbf]), errorName(0), "U+D7FF");
    assert.equal(check([0xee, 0x80, 0x80]), errorName(0), "U+E000");
  });

  it("refuses code points above U+10FFFF and bytes F5..FF", function () {
    for (const bytes of [[0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xf7, 0xbf, 0xbf, 0xbf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff]]) {
      assert.equal(check(bytes), "ERR_MALFORMED_UTF8", hex(bytes));
    }
  });

  it("refuses truncated sequences, stray continuation bytes and a lead byte followed by ASCII", function () {
    for (const bytes of [[0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xbf], [0x61, 0x80], [0xe2, 0x41, 0xac], [0xf0, 0x9f, 0x41, 0x80]]) {
      assert.equal(check(bytes), "ERR_MALFORMED_UTF8", hex(bytes));
    }
    const cut = new Uint8Array([0xe2, 0x82, 0xac]);
    assert.equal(errorName(checkUtf8(cut, 0, 2)), "ERR_MALFORMED_UTF8", "a sequence cut by `end` is truncated");
  });

  it("refuses U+0000 in bytes and in strings [MQTT-1.5.3-2]", function () {
    assert.equal(check([0x00]), "ERR_NULL_CHARACTER");
    assert.equal(check([0x61, 0x00, 0x62]), "ERR_NULL_CHARACTER");
    assert.equal(errorName(utf8Length("a\u0000")), "ERR_NULL_CHARACTER");
    assert.equal(errorName(utf8Length("\u0000")), "ERR_NULL_CHARACTER");
  });

  it("refuses lone surrogates in JavaScript strings [MQTT-1.5.3-1]", function () {
    for (const text of ["\ud800", "\udbff", "\udc00", "\udfff", "a\ud800b", "x\ud83d", "\ude00\ud83d", "\ud83d\ud83d\ude00"]) {
      assert.equal(errorName(utf8Length(text)), "ERR_MALFORMED_UTF8", JSON.stringify(text));
    }
    assert.equal(utf8Length("\ud83d\ude00"), 4, "a proper pair is fine");
  });

  it("agrees with a fatal TextDecoder on 50,000 random byte strings (U+0000 aside)", function () {
    let state = 0x2545f491;
    const next = (): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const alphabet = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xf8, 0xff];
    for (let sample = 0; sample < 50000; sample++) {
      const bytes = new Uint8Array(1 + (next() % 6)).map(() => (next() & 1 ? alphabet[next() % alphabet.length]! : next() & 0xff));
      const expected = !wellFormed(bytes) ? C.ERR_MALFORMED_UTF8 : bytes.includes(0) ? C.ERR_NULL_CHARACTER : 0;
      const actual = checkUtf8(bytes, 0, bytes.length);
      if (expected === 0 || actual === 0) assert.equal(errorName(actual), errorName(expected), hex(bytes));
      else assert.ok(actual < 0, hex(bytes));
      if (actual === 0) assert.equal(readUtf8(bytes, 0, bytes.length), strict.decode(bytes), `readUtf8 ${hex(bytes)}`);
    }
  });
});
