import assert from "node:assert/strict";
import { cleanUp, environment, plain } from "./helpers.ts";

describe("Espruino globals", () => {
  afterEach(cleanUp);

  it("E.toString joins strings, numbers as bytes, arrays, typed arrays and ArrayBuffers (values measured on 2v29)", () => {
    const env = environment("linux");
    assert.equal(env.run('E.toString("ab", 65, [66, 67], new Uint8Array([68, 69]), new Uint8Array([70]).buffer)'), "abABCDEF");
    assert.equal(env.run("E.toString(300)"), ",");
    assert.equal(env.run("E.toString([300, 1])"), ",\u0001");
    assert.equal(env.run('E.toString({data: "x", count: 3})'), "xxx");
    assert.equal(env.run("E.toString(new Uint8Array([0, 255, 128]))"), "\u0000\u00ff\u0080");
  });

  it("E.toUint8Array makes a realm Uint8Array of the same bytes", () => {
    const env = environment("linux");
    assert.equal(env.run('E.toUint8Array("AB", 67, [68], {data: [69], count: 2}).join()'), "65,66,67,68,69,69");
    assert.equal(env.run('E.toUint8Array("\\xff\\x00") instanceof Uint8Array'), true);
  });

  it("String() of a Uint8Array is its decimal text, as on Espruino", () => {
    const env = environment("linux");
    assert.equal(env.run("String(new Uint8Array([48, 5, 0]))"), "48,5,0");
  });

  it("E.getSizeOf matches the Linux build's counts", () => {
    const env = environment("linux");
    const sizes = env.run(`[E.getSizeOf({a: 1, b: "hello"}), E.getSizeOf([1, 2, 3]), E.getSizeOf("hello world this is long string"),
      E.getSizeOf(new Uint8Array(1)), E.getSizeOf(new Uint8Array(40)), E.getSizeOf(new Uint8Array(1000)), E.getSizeOf({}), E.getSizeOf([1.5])].join()`);
    assert.equal(sizes, "4,4,2,3,4,41,1,3");
  });

  it("console.log prints as Espruino does", () => {
    const env = environment("linux");
    env.run(`console.log("x", 1, [1, "a"], null, undefined, true);
      console.log({a: 1, b: "s", c: [1, 2], d: new Uint8Array([1, 2])});
      console.log(123.456, 1 / 3, [1.5], {}, []);
      console.log({a: {b: {c: {d: 1}}}});
      print("printed", 3);
      console.log(new Error("oops"));`);
    assert.deepEqual(env.output, [
      'x 1 [ 1, \n  "a"\n ] null undefined true',
      '{ "a": 1, \n  "b": "s", \n  "c": [ 1, 2 ], \n  "d": new Uint8Array([1, 2])\n }',
      "123.456 0.33333333333 [ 1.5 ] {  } [  ]",
      '{ \n  "a": { \n    "b": { \n      "c": { "d": 1 }\n     }\n   }\n }',
      "printed 3",
      "Error: Error: oops",
    ]);
  });

  it("process reports Espruino's version, the board and a memory report", () => {
    for (const [board, name, total] of [["esp32", "ESP32", 16000], ["esp8266", "ESP8266_4MB", 1600], ["linux", "LINUX", 40000]] as const) {
      const env = environment(board);
      assert.equal(env.run("process.version"), "2v29");
      assert.equal(env.run("process.env.BOARD"), name);
      const memory = plain(env.run("process.memory()")) as Record<string, number>;
      assert.equal(memory["total"], total);
      assert.equal(memory["free"]! + memory["usage"]!, total);
      assert.ok(memory["usage"]! > 30 && memory["usage"]! < 200, `usage ${memory["usage"]}`);
      assert.ok("gc" in memory && "history" in memory && "blocksize" in memory);
      assert.ok(!("gc" in (plain(env.run("process.memory(false)")) as object)));
    }
  });

  it("getTime() is seconds on the virtual clock: since power-on on boards, wall time on Linux", () => {
    const board = environment("esp32");
    board.clock.advance(2500);
    assert.equal(board.run("getTime()"), 2.5);
    board.run("setTime(1000)");
    board.clock.advance(500);
    assert.equal(board.run("getTime()"), 1000.5);
    const linux = environment("linux", { unixTimeAtZero: 1_000_000 });
    linux.clock.advance(250);
    assert.equal(linux.run("getTime()"), 1000.25);
  });

  it("has btoa, atob, global and globalThis", () => {
    const env = environment("linux");
    assert.equal(env.run('btoa("hi") + atob("aGk=")'), "aGk=hi");
    assert.equal(env.run("global === globalThis && global === this"), true);
  });

  it("require throws as Espruino for unknown modules; Wifi exists on boards only", () => {
    const linux = environment("linux");
    assert.throws(() => linux.run('require("Foo")'), (error: Error) => error.message === 'Module "Foo" not found');
    assert.throws(() => linux.run('require("Wifi")'), (error: Error) => error.message === 'Module "Wifi" not found');
    assert.equal(linux.run('require("net") === require("net")'), true);
    const esp32 = environment("esp32");
    assert.equal(esp32.run('typeof require("Wifi").connect'), "function");
    assert.equal(esp32.run('typeof require("ESP32").deepSleep'), "function");
    assert.throws(() => esp32.run('require("ESP8266")'), /not found/);
    const esp8266 = environment("esp8266");
    assert.throws(() => esp8266.run('require("tls")'), /not found/);
  });

  it("require loads a module stored in Storage", () => {
    const env = environment("linux");
    env.storage.write("greet", 'exports.hello = function (name) { return "hello " + name; };');
    assert.equal(env.run('require("greet").hello("mote")'), "hello mote");
  });

  it("E.asUTF8 decodes UTF-8 bytes; E.isUTF8 tells wide strings", () => {
    const env = environment("linux");
    assert.equal(env.run('E.asUTF8("\\xc3\\xa9")'), "\u00e9");
    assert.equal(env.run('E.isUTF8("ab")'), false);
  });
});
