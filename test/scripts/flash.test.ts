import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, buildBundle, type BuildRequest } from "../../scripts/build/build.ts";
import { AFTER_UPLOAD, BOOT_FILE, espruinoArguments } from "../../scripts/flash/flash.ts";
import { DEFAULT_BAUD, parseFlashArguments } from "../../scripts/flash/options.ts";

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mote-flash-test-"));
  tempDirs.push(dir);
  return dir;
}

function runFlash(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", ROOT + "scripts/flash.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

const WRITE_LINE = /^require\("Storage"\)\.write\("([^"]*)",atob\("([A-Za-z0-9+/=]*)"\),(\d+)(?:,(\d+))?\)$/;

/** Decodes an upload written by the espruino tools, independently of scripts/flash. */
function decodeUpload(text: string): { names: Set<string>; bytes: Buffer; declaredLength: number; rest: string[] } {
  const names = new Set<string>();
  const parts: Buffer[] = [];
  const rest: string[] = [];
  let declaredLength = -1;
  let offset = 0;
  for (const line of text.split("\n")) {
    const match = WRITE_LINE.exec(line);
    if (match === null) {
      if (line !== "") rest.push(line);
      continue;
    }
    const [, name, base64, at, total] = match;
    names.add(name!);
    assert.equal(Number(at), offset, `write at ${at}, expected the next offset ${offset}`);
    if (offset === 0) {
      assert.ok(total !== undefined, "the first write declares the file's length");
      declaredLength = Number(total);
    } else {
      assert.equal(total, undefined, "only the first write declares the length");
    }
    const part = Buffer.from(base64!, "base64");
    parts.push(part);
    offset += part.length;
  }
  return { names, bytes: Buffer.concat(parts), declaredLength, rest };
}

describe("flash", () => {
  after(() => {
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Dry-runs the flash command and checks that the upload decodes exactly to the bundle `buildBundle` makes for `request`. */
  async function dryRunMatchesBuild(args: string[], request: BuildRequest): Promise<void> {
    const out = join(tempDir(), "upload.txt");
    const run = runFlash(...args, "--dry-run", "--out", out);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const expected = Buffer.from((await buildBundle(request)).code, "utf8");
    const upload = decodeUpload(readFileSync(out, "latin1"));
    assert.deepEqual([...upload.names], [BOOT_FILE]);
    assert.equal(upload.declaredLength, expected.length);
    assert.ok(upload.bytes.equals(expected), "the decoded payload differs from the bundle");
    assert.deepEqual(upload.rest, [AFTER_UPLOAD.trim()]);
    assert.match(run.stdout, new RegExp(`wrote .*upload\\.txt: the upload of ${expected.length} bytes to \\.bootcde`));
  }

  it(`dry-runs esp32: the upload decodes exactly to the full node's bundle in ${BOOT_FILE}`, async () => {
    await dryRunMatchesBuild(["--board", "esp32"], { board: "esp32" });
  });

  it("dry-runs the description's board without --board (esp32 when it names none)", async () => {
    await dryRunMatchesBuild([], { board: "esp32" });
    assert.equal(parseFlashArguments(["--dry-run", "--out", "a.js"]).board, "esp32");
  });

  it("refuses esp8266 over a budget, sending nothing, and dry-runs it within its own", async () => {
    const out = join(tempDir(), "upload.js");
    const refused = runFlash("--board", "esp8266", "--dry-run", "--out", out, "--budget", "10000");
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /esp8266: the bundle of node "example" is \d+ bytes, over the budget given with --budget of 10000 bytes by \d+/);
    assert.match(refused.stderr, /nothing was sent to /);
    assert.equal(existsSync(out), false);
    await dryRunMatchesBuild(["--board", "esp8266"], { board: "esp8266" });
  });

  it("refuses the linux board, saying how it runs instead", () => {
    const run = runFlash("--board", "linux", "--dry-run", "--out", join(tempDir(), "upload.js"));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /--board: "linux" is not flashable/);
    assert.match(run.stderr, /espruino dist\/linux\.js/);
  });

  it("fails like the build on a bad node description and sends nothing", () => {
    const dir = tempDir();
    const nodeFile = join(dir, "node.json");
    writeFileSync(nodeFile, JSON.stringify({ id: "Bad Id" }));
    const out = join(dir, "upload.js");
    const run = runFlash("--board", "esp32", "--node", nodeFile, "--dry-run", "--out", out);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /node\.json/);
    assert.equal(existsSync(out), false);
  });

  it("rejects bad arguments naming the option and what is allowed", () => {
    const linuxNode = join(tempDir(), "pi.json");
    writeFileSync(linuxNode, JSON.stringify({ id: "pi", board: "linux", broker: { host: "b" } }));
    const cases: [string[], RegExp][] = [
      [["--node", linuxNode, "--port", "/dev/ttyUSB0"], /the description's board: "linux" is not flashable/],
      [["--board", "esp33", "--port", "/dev/ttyUSB0"], /--board: "esp33" is not a board; allowed: esp32, esp8266/],
      [["--board", "linux", "--port", "/dev/ttyUSB0"], /--board: "linux" is not flashable/],
      [["--board", "esp32"], /--port is required to flash a board/],
      [["--board", "esp32", "--dry-run"], /--dry-run needs --out FILE/],
      [["--board", "esp32", "--dry-run", "--out", "a.js", "--port", "/dev/ttyUSB0"], /--port: "\/dev\/ttyUSB0" is not allowed with --dry-run/],
      [["--board", "esp32", "--port", "/dev/ttyUSB0", "--out", "a.js"], /--out: "a\.js" is only allowed with --dry-run/],
      [["--board", "esp32", "--port", "/dev/ttyUSB0", "--baud", "fast"], /--baud: "fast" is not allowed; expected a whole number of baud/],
      [["--board", "esp32", "--port", "/dev/ttyUSB0", "--speed", "9600"], /Unknown option '--speed'.*allowed options: --board, --port/s],
      [["--board", "esp32", "--port", "/dev/ttyUSB0", "--budget", "1e4"], /--budget: "1e4" is not allowed; expected a whole number of bytes/],
      [["--board", "esp32", "stray"], /Unexpected argument 'stray'/],
    ];
    for (const [args, message] of cases) {
      assert.throws(() => parseFlashArguments(args), message, args.join(" "));
    }
  });

  it("exits 1 with the message on a bad argument", () => {
    const run = runFlash("--board", "esp32", "--baud", "-1");
    assert.equal(run.status, 1);
    assert.match(run.stderr, /--baud/);
    assert.match(run.stderr, /usage: npm run flash/);
  });

  it("fails with the tools' own message when the port cannot be opened", function () {
    this.timeout(30_000);
    const run = runFlash("--board", "esp32", "--port", "/dev/ttyMOTE-absent");
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /could not open \/dev\/ttyMOTE-absent/);
    assert.match(run.stderr, /Unable to connect!/);
  });

  it("sends to the port at the given speed, then restarts with load()", () => {
    const options = parseFlashArguments(["--board", "esp8266", "--port", "/dev/ttyUSB1"]);
    assert.equal(options.baud, DEFAULT_BAUD);
    assert.deepEqual(espruinoArguments(options, "esp8266.js", "after-upload.js", "upload.js"), [
      "--no-ble",
      "-p",
      "/dev/ttyUSB1",
      "-b",
      "115200",
      "--storage",
      ".bootcde:esp8266.js",
      "after-upload.js",
    ]);
    assert.equal(AFTER_UPLOAD, "load()\n");
    const slow = parseFlashArguments(["--board", "esp32", "--port", "COM3", "--baud", "9600", "--node", "nodes/example.json"]);
    assert.deepEqual(slow, { board: "esp32", baud: 9600, port: "COM3", nodeFile: "nodes/example.json" });
    assert.equal(parseFlashArguments(["--board", "esp8266", "--port", "COM3", "--budget", "30000"]).budget, 30000);
  });
});
