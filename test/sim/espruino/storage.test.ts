import assert from "node:assert/strict";
import { VirtualClock } from "../../../sim/clock.ts";
import { FlashStorage } from "../../../sim/espruino/modules/storage.ts";
import { cleanUp, environment, plain } from "./helpers.ts";

describe("Storage", () => {
  afterEach(cleanUp);

  it("creates a sized file filled with 0xFF and writes parts of it (values measured on 2v29)", () => {
    const env = environment("linux");
    env.run('var f = require("Storage"); f.write("a", "Hello", 0, 14);');
    assert.equal(env.run('f.read("a")'), "Hello" + "\u00ff".repeat(9));
    env.run('f.write("a", " ", 5); f.write("a", "World!!!", 6);');
    assert.equal(env.run('f.read("a")'), "Hello World!!!");
    assert.throws(() => env.run('f.write("a", "XX", 13)'), /Too much data for file size/);
    assert.throws(() => env.run('f.write("a", "x", 1)'), /File already written with different data/);
    assert.throws(() => env.run('f.write("nofile", "X", 3)'), /Unable to find or create file/);
    assert.throws(() => env.run('f.write("e", "")'), /Can't create zero length file/);
    env.run('f.write("a", " ", 0);');
    assert.equal(env.run('f.read("a")'), " ");
  });

  it("reads parts, stores arrays as bytes, objects as JSON, numbers as one byte, wide strings as UTF-8", () => {
    const env = environment("linux");
    env.run(`var f = require("Storage"); f.write("a", "Hello World!!!");
      f.write("o", {x: 1, y: "\\u00e9"}); f.write("arr", [65, 66, 300]); f.write("u8", new Uint8Array([67, 68])); f.write("n", 123); f.write("u", "\\u0100");`);
    assert.deepEqual(plain(env.run('[f.read("a", 6, 5), f.read("a", 6), f.read("a", 100), f.read("a", 0, 0)]')), ["World", "World!!!", "", "Hello World!!!"]);
    assert.equal(env.run('f.read("o")'), '{"x":1,"y":"\\u00E9"}');
    assert.equal(env.run('f.read("arr")'), "AB,");
    assert.equal(env.run('f.read("u8")'), "CD");
    assert.equal(env.run('f.read("n")'), "{");
    assert.equal(env.run('f.read("u")'), "\u00c4\u0080");
    assert.equal(env.run('f.read("missing")'), undefined);
  });

  it("writes JSON in Espruino's compact form and reads it back", () => {
    const env = environment("linux");
    env.run('var f = require("Storage"); f.writeJSON("j", {a: [1, 2], b: "x\\u00e9", "a b": 1, c: [true, null, "\\n\\u0001"], d: undefined});');
    assert.equal(env.run('f.read("j")'), '{a:[1,2],b:"x\\u00E9","a b":1,c:[true,null,"\\n\\1"]}');
    assert.deepEqual(plain(env.run('f.readJSON("j")')), { a: [1, 2], b: "x\u00e9", "a b": 1, c: [true, null, "\n\u0001"] });
    env.run('f.write("bad", "{x:");');
    assert.throws(() => env.run('f.readJSON("bad")'), /Expecting valid value, got EOF/);
    assert.equal(env.run('f.readJSON("bad", true)'), undefined);
    assert.equal(env.run('f.readJSON("missing")'), undefined);
  });

  it("lists by substring or RegExp, erases, cuts names to 28 characters", () => {
    const env = environment("linux");
    env.run('var f = require("Storage"); ["a", "arr", "bad", "zz"].forEach(function (n) { f.write(n, "1"); }); f.write("abcdefghijklmnopqrstuvwxyz0123456789", "x");');
    assert.deepEqual(plain(env.run('f.list("a")')), ["a", "arr", "bad", "abcdefghijklmnopqrstuvwxyz01"]);
    assert.deepEqual(plain(env.run("f.list(/^a/)")), ["a", "arr", "abcdefghijklmnopqrstuvwxyz01"]);
    env.run('f.erase("arr"); f.erase("nothing");');
    assert.deepEqual(plain(env.run("f.list()")), ["a", "bad", "zz", "abcdefghijklmnopqrstuvwxyz01"]);
  });

  it("accounts 32 bytes per file plus its size rounded to 4, keeps trash until compact()", () => {
    const env = environment("linux");
    const capacity = env.board.storageBytes;
    env.run('var f = require("Storage"); f.write("a", "Hello", 0, 14);');
    assert.equal(env.run("f.getFree()"), capacity - 48);
    env.run('f.write("a", " ", 0); f.erase("a");');
    assert.equal(env.run("f.getFree()"), capacity - 48 - 36);
    env.run("f.compact();");
    assert.equal(env.run("f.getFree()"), capacity);
    assert.throws(() => env.run(`f.write("big", "x", 0, ${capacity})`), /Unable to find or create file/);
  });

  it("survives a reboot and a new environment given the same flash", () => {
    const clock = new VirtualClock();
    const flash = new FlashStorage(196608);
    const first = environment("esp8266", { clock, storage: flash });
    first.run('require("Storage").writeJSON("state", {count: 41});');
    first.reboot();
    assert.equal(first.run('require("Storage").readJSON("state").count + 1'), 42);
    first.dispose();
    const second = environment("esp8266", { clock, storage: flash });
    assert.equal(second.run('require("Storage").readJSON("state").count'), 41);
  });
});
