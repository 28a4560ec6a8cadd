import assert from "node:assert/strict";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { cleanUp, environment, plain, server } from "./helpers.ts";
import { TEST_CERT, TEST_KEY } from "./fixtures/tls-cert.ts";

describe("tls sockets", () => {
  let secure: tls.Server | null = null;
  afterEach(async () => {
    await cleanUp();
    if (secure !== null) await new Promise<void>((resolve) => secure!.close(() => resolve()));
    secure = null;
  });

  async function echoServer(): Promise<number> {
    secure = tls.createServer({ key: TEST_KEY, cert: TEST_CERT }, (socket) => {
      socket.on("error", () => {});
      socket.on("data", (data) => socket.end(Buffer.concat([Buffer.from("echo:"), data])));
    });
    await new Promise<void>((resolve) => secure!.listen(0, "127.0.0.1", resolve));
    return (secure.address() as AddressInfo).port;
  }

  it("connects over TLS, checking the server against the given CA, and exchanges binary strings", async () => {
    const port = await echoServer();
    const env = environment("esp32");
    env.run('require("Wifi").connect("mote-net", {});');
    await env.runFor(2000);
    env.run(`var got = ""; var events = [];
      var s = require("tls").connect({host: "127.0.0.1", port: ${port}, ca: ${JSON.stringify(TEST_CERT)}}, function () { events.push("connect"); s.write("\\x01\\xff"); });
      s.on("data", function (d) { got += d; });
      s.on("close", function (hadError) { events.push("close " + hadError); });`);
    assert.ok(await env.runUntil(() => env.run("events.length") === 2, { within: 2000 }));
    assert.equal(env.run("got"), "echo:\u0001\u00ff");
    assert.deepEqual(plain(env.run("events")), ["connect", "close false"]);
  });

  it("reports a failed handshake as error -13", async () => {
    const { port } = await server((socket) => socket.end("not tls\r\n"));
    const env = environment("linux");
    env.run(`var events = []; var s = require("tls").connect({host: "127.0.0.1", port: ${port}});
      s.on("error", function (e) { events.push("error " + e.code + " " + e.message); });
      s.on("close", function (hadError) { events.push("close " + hadError); });`);
    assert.ok(await env.runUntil(() => env.run("events.length") === 2, { within: 2000 }));
    assert.deepEqual(plain(env.run("events")), ["error -13 SSL handshake failed", "close true"]);
  });
});
