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

  it("StorageFile: appends in 992-byte chunks, reads lines across them, ends at the first 0xFF (measured on 2v29)", () => {
    const env = environment("linux");
    env.run('var s = require("Storage"); var f = s.open("q1", "a"); for (var i = 0; i < 12; i++) f.write("x".repeat(99) + "\\n");');
    assert.deepEqual(plain(env.run("[f.getLength(), f.chunk, f.offset, s.read('q1\\1').length, s.read('q1\\2').length]")), [1200, 2, 208, 992, 992]);
    assert.deepEqual(plain(env.run('s.list(/q1/)')), ["q1\u0001"]);
    assert.deepEqual(plain(env.run('s.write("plain", "1"); [s.list(undefined, {sf: true}), s.list(undefined, {sf: false})]')), [["q1"], ["plain"]]);
    assert.equal(env.run('var r = s.open("q1", "r"), n = 0, l; while ((l = r.readLine()) !== undefined) { if (l.length == 100) n++; } n'), 12);
    assert.deepEqual(plain(env.run('var a = s.open("q1", "a"); [a.chunk, a.offset]')), [2, 208]);
    env.run('var g = s.open("ff", "a"); g.write("ab\\xffcd\\n"); g.write("ef\\n"); var rg = s.open("ff", "r");');
    assert.deepEqual(plain(env.run("[rg.readLine(), rg.readLine() === undefined]")), ["ab", true]);
    assert.deepEqual(plain(env.run('var m = s.open("none", "r"); [m.readLine() === undefined, m.read(5) === undefined, m.getLength()]')), [true, true, 0]);
    assert.equal(env.run('var k = s.open("num", "a"); k.write(123); k.write([1, 2]); k.write(""); s.open("num", "r").read(20)'), "1231,2");
  });

  it("StorageFile: modes, erase, and writes past one chunk (measured on 2v29)", () => {
    const env = environment("linux");
    env.run('var s = require("Storage"); var w = s.open("q", "a"); w.write("old\\n"); w = s.open("q", "w");');
    assert.equal(env.run('s.open("q", "r").readLine()'), undefined);
    env.run('w.write("new\\n");');
    assert.equal(env.run('s.open("q", "r").readLine()'), "new\n");
    assert.throws(() => env.run("w.readLine()"), /Can't read in this mode/);
    assert.throws(() => env.run('s.open("q", "x")'), /Invalid mode "x"/);
    assert.throws(() => env.run('s.open("big", "a").write("a".repeat(1500))'), /Too much data for file size/);
    assert.throws(() => env.run('var b = s.open("b2", "a"); b.write("x"); b.write("b".repeat(2500))'), /Too much data for file size/);
    assert.equal(env.run('var r = s.open("b2", "r"), t = 0, l; while ((l = r.read(700)) !== undefined) t += l.length; t'), 992);
    env.run("b.erase();");
    assert.deepEqual(plain(env.run('[s.list(/b2/), b.chunk, b.offset, b.mode]')), [[], 1, 0, 0]);
    assert.throws(() => env.run('b.write("q")'), /Can't write in this mode/);
    assert.equal(env.run('var e = s.open("e1", "a"); e.write("\\u00e9\\u0100"); s.open("e1", "r").read(10)'), "\u00c3\u00a9\u00c4\u0080");
  });
});
