import assert from "node:assert/strict";
import type net from "node:net";
import { seededRandom } from "../../../sim/espruino/random.ts";
import { cleanUp, closedPort, environment, eventually, plain, server } from "./helpers.ts";
import type { EspruinoEnvironment } from "../../../sim/espruino/environment.ts";

/** Joins the emulated board to its WiFi network. */
async function joinWifi(env: EspruinoEnvironment): Promise<void> {
  env.run('require("Wifi").connect("mote-net", {}, function (error) { if (error) throw error; });');
  await env.runFor(2000);
}

function collect(socket: net.Socket): Buffer[] {
  const received: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => received.push(chunk));
  return received;
}

describe("net sockets over real loopback TCP", () => {
  afterEach(cleanUp);

  it("sends a Uint8Array as its decimal text and strings one byte per char", async () => {
    let received: Buffer[] = [];
    const { port } = await server((socket) => (received = collect(socket)));
    const env = environment("linux");
    env.run(`var s = require("net").connect({host: "127.0.0.1", port: ${port}}, function () {
      s.write(new Uint8Array([48, 5, 0])); s.write("|\\xff\\x00\\xe9|"); s.write(12);
    });`);
    await env.runFor(50);
    await eventually(() => Buffer.concat(received).length === 13);
    assert.deepEqual([...Buffer.concat(received)], [...Buffer.from("48,5,0|", "latin1"), 0xff, 0x00, 0xe9, 0x7c, 0x31, 0x32]);
  });

  it("delivers received bytes as binary strings in several chunks that reassemble exactly", async () => {
    const random = seededRandom(7);
    const bytes = Buffer.from(Array.from({ length: 3000 }, () => Math.floor(random() * 256)));
    const { port } = await server((socket) => socket.write(bytes));
    const env = environment("linux");
    env.run(`var chunks = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}});
      s.on("data", function (data) { chunks.push(data); });`);
    assert.ok(await env.runUntil(() => (env.run("chunks.join('').length") as number) === 3000, { within: 5000 }));
    const chunks = plain(env.run("chunks")) as string[];
    assert.ok(chunks.length >= 6, `${chunks.length} chunks`);
    assert.ok(chunks.every((chunk) => typeof chunk === "string" && chunk.length >= 1 && chunk.length <= 536));
    assert.ok(new Set(chunks.map((chunk) => chunk.length)).size > 2, "chunk sizes vary");
    assert.deepEqual(Buffer.from(chunks.join(""), "latin1"), bytes);
  });

  it("throws from connect on the Linux board when the connection is refused", async () => {
    const port = await closedPort();
    const env = environment("linux");
    assert.throws(() => env.run(`require("net").connect({host: "127.0.0.1", port: ${port}})`), (error: Error) => error.constructor.name === "InternalError" && error.message === "Unable to create socket");
    assert.equal(env.output[0], "ERROR: Connect failed (err 111)");
  });

  it("emits error, end, then close(true) on ESP32 when the connection is refused", async () => {
    const port = await closedPort();
    const env = environment("esp32");
    await joinWifi(env);
    env.run(`var events = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}}, function () { events.push("connect"); });
      s.on("error", function (e) { events.push("error " + e.code + " " + e.message); });
      s.on("end", function () { events.push("end"); });
      s.on("close", function (hadError) { events.push("close " + hadError); });`);
    await env.runFor(100);
    assert.deepEqual(plain(env.run("events")), ["error -9 connection reset", "end", "close true"]);
  });

  it("emits connect then drain, sends queued writes 536 bytes per idle loop, then drain again", async () => {
    let received: Buffer[] = [];
    const { port } = await server((socket) => (received = collect(socket)));
    const env = environment("linux");
    env.run(`var events = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}}, function () { events.push("connect"); });
      s.on("drain", function () { events.push("drain@" + (getTime() - 1735689600).toFixed(3)); });`);
    await env.runFor(10);
    assert.deepEqual(plain(env.run("events")), ["connect", "drain@0.000"]);
    env.run('s.write(new Array(5001).join("x"));');
    const socket = env.interpreter.tracked()[0] as unknown as { queuedBytes: number };
    assert.equal(socket.queuedBytes, 5000);
    env.clock.advance(0);
    assert.equal(socket.queuedBytes, 5000 - 536);
    await env.runFor(50, { step: 1 });
    await eventually(() => Buffer.concat(received).length === 5000);
    assert.deepEqual(plain(env.run("events")), ["connect", "drain@0.000", "drain@0.019"]);
  });

  it("closes with end then close(false) after end(), and the server sees the end", async () => {
    let ended = false;
    const { port } = await server((socket) => socket.resume().on("end", () => (ended = true)));
    const env = environment("linux");
    env.run(`var events = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}}, function () { s.end("bye"); });
      s.on("end", function () { events.push("end"); });
      s.on("close", function (hadError) { events.push("close " + hadError); });`);
    await env.runFor(50);
    assert.deepEqual(plain(env.run("events")), ["end", "close false"]);
    await eventually(() => ended);
  });

  it("reports a server that closes as end then close(false), after the data it sent", async () => {
    const { port } = await server((socket) => socket.end("last words"));
    const env = environment("linux");
    env.run(`var events = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}});
      s.on("data", function (d) { events.push("data"); });
      s.on("end", function () { events.push("end"); });
      s.on("close", function (hadError) { events.push("close " + hadError); });`);
    await env.runFor(100);
    const events = plain(env.run("events")) as string[];
    assert.deepEqual(events.slice(-2), ["end", "close false"]);
    assert.ok(events.slice(0, -2).every((event) => event === "data") && events.length > 2);
  });

  it("routes the node's broker address to a server on loopback", async () => {
    let received: Buffer[] = [];
    const { port } = await server((socket) => (received = collect(socket)));
    const env = environment("linux");
    env.network.route("192.168.1.10", 1883, { host: "127.0.0.1", port });
    env.run('var s = require("net").connect({host: "192.168.1.10", port: 1883}, function () { s.write("hello"); });');
    await env.runFor(20);
    await eventually(() => Buffer.concat(received).toString() === "hello");
  });

  it("holds virtual time still while a prompt reply is in flight", async () => {
    const { port } = await server((socket) => socket.on("data", (data) => socket.write(data)));
    const env = environment("esp8266");
    await joinWifi(env);
    env.run(`var times = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}}, function () { times.push(getTime()); s.write("ping"); });
      s.on("data", function () { if (times.length === 1) times.push(getTime()); });`);
    await env.runFor(1000);
    const times = plain(env.run("times")) as number[];
    assert.equal(times.length, 2);
    assert.equal(times[1], times[0]);
  });

  it("fails open sockets when WiFi drops and refuses connects while it is down (ESP32)", async () => {
    const { port } = await server(() => {});
    const env = environment("esp32");
    await joinWifi(env);
    env.run(`var events = []; var s = require("net").connect({host: "127.0.0.1", port: ${port}}, function () { events.push("connect"); });
      s.on("error", function (e) { events.push("error " + e.code); });
      s.on("close", function (hadError) { events.push("close " + hadError); });
      require("Wifi").on("disconnected", function (details) { events.push("wifi " + details.msg); });`);
    await env.runFor(20);
    env.network.drop();
    await env.runFor(20);
    assert.deepEqual(plain(env.run("events")), ["connect", "wifi BEACON_TIMEOUT", "error -9", "close true"]);
    env.run(`var again = []; var t = require("net").connect({host: "127.0.0.1", port: ${port}}, function () { again.push("connect"); });
      t.on("error", function (e) { again.push("error " + e.code + " " + e.message); });
      t.on("close", function (hadError) { again.push("close " + hadError); });`);
    await env.runFor(20);
    assert.deepEqual(plain(env.run("again")), ["error -4 no route", "close true"]);
  });

  it("throws from connect on Linux while the network is down", () => {
    const env = environment("linux");
    env.network.drop();
    assert.throws(() => env.run('require("net").connect({host: "127.0.0.1", port: 1883})'), /Unable to create socket/);
  });

  it("closes sockets silently on reboot: the server sees the connection go", async () => {
    let closed = false;
    const { port } = await server((socket) => socket.on("close", () => (closed = true)));
    const env = environment("linux");
    env.run(`var s = require("net").connect({host: "127.0.0.1", port: ${port}});`);
    await env.runFor(20);
    env.reboot();
    await eventually(() => closed);
    assert.equal(env.io.openSockets, 0);
  });
});
