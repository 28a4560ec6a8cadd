/**
 * The one esbuild configuration for code that runs on the Espruino interpreter.
 * Every device bundle, gate fixture and size measurement goes through it, so
 * what the tests check is what gets flashed.
 *
 * Target ES2015 makes esbuild lower what it can and Espruino cannot parse
 * (`?.`, `**`, `||=`, `\u{…}`, object spread, class fields); the `supported`
 * overrides keep what Espruino runs natively and esbuild would otherwise
 * rewrite into longer code (`??`, `catch {}`), measured in
 * ../shared/espruino-feature-matrix.md. What esbuild cannot lower is
 * rejected afterwards by the gate (scripts/gate/).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { espruinoRootNames } from "./gate/builtins.ts";

/**
 * Device code compiles under its own tsconfig (ES2015 class-field semantics,
 * no "use strict" prologue: Espruino ignores it, so it would be 13 wasted
 * bytes), whatever tsconfig.json sits nearer to the entry.
 */
export const DEVICE_TSCONFIG = fileURLToPath(new URL("../tsconfig.device.json", import.meta.url));

export const ESPRUINO_TARGET = "es2015";

/** Modules built into the interpreter (or its board build): `require` finds them on the device, never in the bundle. */
export const ESPRUINO_MODULES = ["net", "tls", "Wifi", "Storage", "ESP32", "ESP8266", "Flash", "fs", "http", "crypto", "heatshrink", "timer", "dgram"];

export const ESPRUINO_SUPPORTED: Record<string, boolean> = {
  "nullish-coalescing": true,
  "optional-catch-binding": true,
  // ES2015 has `\u{1F600}` and esbuild prints astral characters that way; Espruino rejects it.
  "unicode-escapes": false,
};

/**
 * Property names that esbuild shortens in every device bundle (`mangleProps`):
 * the MQTT client's internals, which nothing outside a bundle reads and
 * nothing serializes. The received-packet record (`incoming…`, receive.ts),
 * the queued messages' `packetId` and `unsent` (client.ts; flash-queue.ts
 * builds messages inside the same bundle and stores only QoS and
 * payload), a subscription's `handler` (client.ts), and the Transport's
 * members but `open` and `close`, which Espruino's own objects also have
 * (transport.ts). Never add a name that
 * is read from outside the bundle (the simulator reads the global `mote`,
 * `client.counters` goes into telemetry as JSON, the options and public
 * members of the client are the application's API) or used as a quoted key.
 * A name is mangled everywhere in the bundle, so it must be one that only
 * these objects use (test/scripts/espruino-esbuild.test.ts checks the list
 * against the sources).
 */
export const DEVICE_PRIVATE_PROPERTIES = /^(?:incoming[A-Z][A-Za-z]*|packetId|unsent|handler|events|sendString|pending|onOpen|onData|onDrain|onClose)$/;

/**
 * The names shortened in the full node's bundle (scripts/build/build.ts), on
 * top of {@link DEVICE_PRIVATE_PROPERTIES}: the members of the MQTT client's
 * options and of the flash queue's options (the CONNECT's fields never reach
 * a device: the build encodes the packet), and the
 * client's `subscriptions` and `onSubscribeFailed`. There firmware/node/app.ts
 * makes and reads all of them inside the bundle, and the options objects
 * stay on the heap for the node's whole life (each name of 5 or more
 * characters costs a variable more than a short one; about 14 variables and
 * 320 bytes on the example node). Likewise the fields of the messages the
 * client queues, of the last will and of a subscription (`topic`, `payload`,
 * `retain`, `dup`, `handler`): a variable or more per queued message; the
 * flash queue writes only a message's QoS and payload to flash, never
 * these names, nor the segment id (`segment`) it marks each stored one with. And the client's and the flash queue's members that only app.ts uses (`onConnect`,
 * `onDisconnect`, `store`, `restore`, `subscribe`, `unsubscribe`, `flush`, `feed`, `load`, `waiting`);
 * at the console `mote.client.counters`, `mote.client.publish` and
 * `mote.report()` keep their names. And the node description's own keys
 * that only the node reads (`topicPrefix`, `telemetry`, `offlineMinutes`, …),
 * which the build embeds through {@link BundleRequest.values} so that its
 * keys are renamed too. And the private members of the drivers that keep
 * any (the PWM output's `analogOptions`), which each driver instance holds
 * for the node's whole life; not their options, nor `apply` (a Function
 * method). The sensors and the digital input keep their state in locals of
 * their constructor instead, which the minifier shortens by itself.
 * A bundle of the client alone keeps all of these: its
 * caller passes the options from outside. Never here: names that Espruino's
 * own modules read or have (`host`, `port`, `connect`, `password` of
 * net.connect and Wifi.connect, `deepSleep` of the ESP32 and ESP8266
 * modules), the driver options (`options`: passed to hal/ as they are), and
 * the keys of what the node publishes as JSON.
 */
export const NODE_PRIVATE_PROPERTIES = new RegExp(DEVICE_PRIVATE_PROPERTIES.source.replace(")$",
  "|receiveBuffer|sendBuffer|inflightWindow|queueMessages|queueBytes|connectTimeout|reconnectMin|reconnectMax|jitter|keepalive|cleanSession" +
  "|segmentMessages|maxSegments|batchMessages|batchMilliseconds|segment|prefix|feed|load|waiting|subscriptions|onSubscribeFailed|topic|payload|retain|dup|handler|onConnect|onDisconnect|restore|subscribe|unsubscribe|store|flush" +
  "|topicPrefix|telemetry|period|sensors|actuators|espruino|espruinoScl|threshold|watchdog|offlineMinutes|buffers|receive|socketQueue|discovery|awakeLimit" +
  "|analogOptions)$"));

/** What one bundling run produced, in memory. */
export interface EspruinoBundle {
  /** The minified JavaScript, exactly as it would be uploaded. */
  code: string;
  /** The source map (v3 JSON text) from `code` back to the TypeScript. */
  map: string;
  /** esbuild's metafile: which input contributed how many output bytes. */
  metafile: esbuild.Metafile;
}

/** Options for {@link bundleForEspruino}. */
export interface BundleRequest {
  /** Entry file (TypeScript). */
  entry: string;
  /** Compile-time constants, as esbuild `define` (values are JavaScript source text). */
  define?: Record<string, string>;
  /** Minify (default true: that is what goes on a device). */
  minify?: boolean;
  /** Property names to shorten; default {@link DEVICE_PRIVATE_PROPERTIES}. */
  privateProperties?: RegExp;
  /**
   * Compile-time data by global name, written into the bundle as JavaScript
   * with unquoted keys (through a module that esbuild `inject`s where the
   * name is used), so that `privateProperties` renames its keys together
   * with the code that reads them: esbuild never renames the keys of a
   * `define`'s JSON.
   */
  values?: Record<string, unknown>;
}

/** `value` (JSON data) as JavaScript source whose object keys are unquoted where they are identifiers. */
export function javascriptLiteral(value: unknown): string {
  if (Array.isArray(value)) return "[" + value.map(javascriptLiteral).join(",") + "]";
  if (typeof value == "object" && value !== null) {
    const members = Object.entries(value).map(([key, item]) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)) + ":" + javascriptLiteral(item));
    return "{" + members.join(",") + "}";
  }
  return JSON.stringify(value);
}

const VALUES_NAMESPACE = "espruino-values";

/** The esbuild plugin behind {@link BundleRequest.values}: one module `values:<name>` per value. */
function valuesPlugin(values: Record<string, unknown>): esbuild.Plugin {
  return {
    name: "espruino-values",
    setup(build) {
      build.onResolve({ filter: /^values:/ }, (args) => ({ path: args.path.slice("values:".length), namespace: VALUES_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: VALUES_NAMESPACE }, (args) => ({ contents: `export const ${args.path} = ${javascriptLiteral(values[args.path])};\n`, loader: "js" }));
    },
  };
}

/**
 * Makes esbuild keep its minified top-level names off Espruino's globals
 * (`E`, `D0`, `onInit`…), which the unwrapped bundle would otherwise replace
 * on the device: esbuild never gives a name to a binding when any file of the
 * bundle refers to a global of that name, even in code it drops, so the
 * entry gets a dead reference to each (no bytes in the bundle).
 */
function reserveRootNamesPlugin(entry: string): esbuild.Plugin {
  const file = path.resolve(entry);
  return {
    name: "espruino-reserve-root-names",
    setup(build) {
      build.onLoad({ filter: new RegExp("^" + file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "$") }, () => ({
        contents: readFileSync(file, "utf8") + "\nif (false) {\n  " + [...espruinoRootNames()].join(";\n  ") + ";\n}\n",
        loader: /\.[cm]?js$/.test(file) ? "js" : "ts",
      }));
    },
  };
}

/**
 * Bundles one entry for the interpreter: plain top-level statements (no
 * imports or exports remain), ASCII only, with an external source map.
 *
 * Not an IIFE: on Espruino every function made inside another function keeps
 * a link to that function's scope, and one made two functions deep a link to
 * an array of scopes (1 variable, and 1 per scope). Wrapping the bundle
 * added a level to every function: on Espruino 2v29 built with the ESP8266's
 * heap layout, the relay example used 1,446 variables online wrapped and
 * 1,224 unwrapped (peak through a broker outage with reports waiting: 1,545
 * and 1,310). The top-level names become globals of the device; the gate's
 * `no-global-shadow` rule keeps them off Espruino's own.
 */
export async function bundleForEspruino(request: BundleRequest): Promise<EspruinoBundle> {
  const result = await esbuild.build({
    entryPoints: [request.entry],
    bundle: true,
    write: false,
    outfile: "out.js",
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: ESPRUINO_TARGET,
    supported: ESPRUINO_SUPPORTED,
    minify: request.minify ?? true,
    mangleProps: request.privateProperties ?? DEVICE_PRIVATE_PROPERTIES,
    charset: "ascii",
    legalComments: "none",
    sourcemap: "external",
    sourcesContent: false,
    metafile: true,
    logLevel: "silent",
    tsconfig: DEVICE_TSCONFIG,
    // Espruino's require is a plain global function. Left as `require`, esbuild
    // would wrap it in a shim built on Proxy, which Espruino lacks; reached
    // through `global` (Espruino's name for the global object, as `globalThis`)
    // each call is printed `(0,global.require)(…)`, 4 bytes shorter than through `globalThis`.
    define: { require: "global.require", ...request.define },
    external: ESPRUINO_MODULES,
    inject: Object.keys(request.values ?? {}).map((name) => "values:" + name),
    plugins: [reserveRootNamesPlugin(request.entry), ...(request.values === undefined ? [] : [valuesPlugin(request.values)])],
  });
  let code = "";
  let map = "";
  for (const file of result.outputFiles) {
    if (file.path.endsWith(".map")) map = file.text;
    else code = file.text;
  }
  // the entry's own exports (a test fixture's, a size probe's) mean nothing on the device: the code stays, the statement goes
  code = code.replace(/export\s*\{[^}]*\};?\s*$/, "");
  // an ES module import or export left at the top level (a static import of an external) would not run on the device
  const moduleSyntax = /(?:^|[;}\n])(?:import\s*[{*\w"']|export\s*[{*\w])/.exec(code);
  if (moduleSyntax) throw new Error(`${request.entry}: the bundle keeps an ES module statement (${moduleSyntax[0].trim()}…): use globalThis.require for Espruino's modules`);
  return { code, map, metafile: result.metafile };
}
