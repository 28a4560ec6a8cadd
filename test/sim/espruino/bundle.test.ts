import assert from "node:assert/strict";
import { buildBundle } from "../../../scripts/build/build.ts";
import { cleanUp, environment } from "./helpers.ts";

/** The device bundle for a board, from the real build (which must pass its gate and budget). */
async function deviceBundle(board: string): Promise<string> {
  const built = await buildBundle({ board });
  assert.ok(built.ok, `the ${board} build failed its gate or budget`);
  return built.code;
}

describe("a real Mote device bundle in the emulator", function () {
  this.timeout(20000);
  afterEach(cleanUp);

  for (const [board, total] of [["linux", 40000], ["esp32", 16000], ["esp8266", 1600]] as const) {
    it(`boots on ${board} and prints its boot line`, async () => {
      const code = await deviceBundle(board);
      const env = environment(board);
      env.boot(code);
      await env.runFor(100);
      assert.deepEqual(env.errors, []);
      const line = env.output.find((text) => text.startsWith("mote "));
      assert.ok(line !== undefined, `no boot line in ${JSON.stringify(env.output)}`);
      const match = new RegExp(`^mote example on ${board}: .* (\\d+) of ${total} variables free$`).exec(line);
      assert.ok(match !== null, line);
      assert.ok(Number(match[1]) < total && Number(match[1]) > total - 1000, line);
    });
  }
});
