import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../scripts/build/build.ts";
import { bundleForEspruino, DEVICE_PRIVATE_PROPERTIES, javascriptLiteral, NODE_PRIVATE_PROPERTIES } from "../../scripts/espruino-esbuild.ts";
import { checkBundle } from "../../scripts/gate/index.ts";

async function bundleOf(source: string, define?: Record<string, string>) {
  const entry = join(mkdtempSync(join(tmpdir(), "mote-esbuild-")), "entry.ts");
  writeFileSync(entry, source);
  const bundle = await bundleForEspruino(define === undefined ? { entry } : { entry, define });
  return { bundle, violations: checkBundle(bundle.code, bundle.map) };
}

describe("esbuild settings for Espruino", () => {
  it("leaves require() of the interpreter's own modules to its global require, without esbuild's Proxy shim", async () => {
    const { bundle, violations } = await bundleOf('declare function require(name: string): any;\n(globalThis as any).net = require("net");\n(globalThis as any).storage = require("Storage");\n');
    assert.deepEqual(violations, []);
    assert.match(bundle.code, /\(0,global\.require\)\("net"\)/);
    assert.match(bundle.code, /\(0,global\.require\)\("Storage"\)/);
    assert.doesNotMatch(bundle.code, /Proxy/);
  });

  it("writes astral characters as surrogate pairs, never \\u{…}", async () => {
    const { bundle, violations } = await bundleOf('(globalThis as any).smile = "\\u{1F600}";\n');
    assert.deepEqual(violations, []);
    assert.ok(bundle.code.includes("\\uD83D\\uDE00"), bundle.code);
  });

  it("adds no \"use strict\" prologue (Espruino ignores it) and keeps ?? as is", async () => {
    const { bundle } = await bundleOf("export function pick(a: number | undefined): number { return a ?? 3; }\n(globalThis as any).pick = pick;\n");
    assert.doesNotMatch(bundle.code, /use strict/);
    assert.match(bundle.code, /\?\?3/);
  });

  it("drops code behind a define'd switch that is the first statement of a function", async () => {
    const source = [
      "declare const MOTE_QOS2: boolean | undefined;",
      "export function make(x: number): number {",
      '  const enabled = typeof MOTE_QOS2 == "undefined" || MOTE_QOS2;',
      "  if (enabled && x > 1) return x * 77777;",
      "  return x;",
      "}",
      "(globalThis as any).make = make;",
      "",
    ].join("\n");
    assert.match((await bundleOf(source)).bundle.code, /77777/);
    assert.doesNotMatch((await bundleOf(source, { MOTE_QOS2: "false" })).bundle.code, /77777/);
  });

  it("shortens only the device-private property names, which no device source quotes", async () => {
    const { bundle, violations } = await bundleOf([
      "const message = { topic: \"t\", packetId: 7, unsent: true, incomingQos: 1, counters: { sent: 1 } };",
      "(globalThis as any).message = message;",
      "(globalThis as any).read = () => message.packetId + message.incomingQos;",
    ].join("\n"));
    assert.deepEqual(violations, []);
    for (const name of ["packetId", "unsent", "incomingQos"]) assert.doesNotMatch(bundle.code, new RegExp(name), bundle.code);
    for (const name of ["topic", "counters", "sent"]) assert.match(bundle.code, new RegExp(name), bundle.code);
    const quoted: string[] = [];
    for (const folder of ["firmware", "hal", "boards"]) {
      for (const file of readdirSync(ROOT + folder, { recursive: true }) as string[]) {
        if (!file.endsWith(".ts")) continue;
        const source = readFileSync(`${ROOT}${folder}/${file}`, "utf8");
        for (const match of source.matchAll(/["'](\w+)["']/g)) {
          if (NODE_PRIVATE_PROPERTIES.test(match[1]!)) quoted.push(`${folder}/${file}: ${match[0]}`);
        }
      }
    }
    assert.deepEqual(quoted, [], "a quoted name is not shortened, so it would no longer match the property");
  });

  it("shortens the node-only names (client and flash-queue options) only when asked, keeping every device-private one", async () => {
    const source = [
      "const options = { jitter: 60, receiveBuffer: 256, segmentMessages: 8, packetId: 1, host: \"h\" };",
      "(globalThis as any).options = options;",
      "(globalThis as any).read = () => options.jitter + options.receiveBuffer + options.segmentMessages + options.packetId;",
    ].join("\n");
    const plain = (await bundleOf(source)).bundle.code;
    for (const name of ["jitter", "receiveBuffer", "segmentMessages"]) assert.match(plain, new RegExp(name), plain);
    const entry = join(mkdtempSync(join(tmpdir(), "mote-esbuild-")), "entry.ts");
    writeFileSync(entry, source);
    const node = (await bundleForEspruino({ entry, privateProperties: NODE_PRIVATE_PROPERTIES })).code;
    for (const name of ["jitter", "receiveBuffer", "segmentMessages", "packetId"]) assert.doesNotMatch(node, new RegExp(name), node);
    assert.match(node, /host/);
    for (const name of ["packetId", "unsent", "incomingQos", "onClose"]) assert.ok(NODE_PRIVATE_PROPERTIES.test(name) && DEVICE_PRIVATE_PROPERTIES.test(name), name);
    for (const name of ["host", "port", "connect", "password", "deepSleep", "options", "name", "counters", "publish", "report", "apply", "activeLow", "address", "filter", "state", "units", "sample"]) {
      assert.ok(!NODE_PRIVATE_PROPERTIES.test(name), name);
    }
  });

  it("writes compile-time values as JavaScript with unquoted keys, so that their private keys are shortened with the code", async () => {
    assert.equal(javascriptLiteral({ a: [1, "x", null, true], "b-c": { d: 2 } }), '{a:[1,"x",null,true],"b-c":{d:2}}');
    const entry = join(mkdtempSync(join(tmpdir(), "mote-esbuild-")), "entry.ts");
    writeFileSync(entry, "declare const MOTE_NODE: { topicPrefix: string; host: string };\n(globalThis as any).read = () => MOTE_NODE.topicPrefix + MOTE_NODE.host;\n");
    const bundle = await bundleForEspruino({ entry, values: { MOTE_NODE: { topicPrefix: "mote", host: "10.0.0.1" } }, privateProperties: NODE_PRIVATE_PROPERTIES });
    assert.deepEqual(checkBundle(bundle.code, bundle.map), []);
    assert.doesNotMatch(bundle.code, /topicPrefix/, bundle.code);
    assert.match(bundle.code, /host:"10\.0\.0\.1"/, bundle.code);
    const read = new Function("globalThis", bundle.code + "; return globalThis.read();") as (target: object) => string;
    assert.equal(read({}), "mote10.0.0.1");
  });
});
