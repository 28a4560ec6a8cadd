/**
 * The compatibility gate on real esbuild bundles: each fixture in fixtures/
 * marks its offending lines with `// expect: <rule> <construct>` (several
 * joined by ` | `); the gate must report exactly those rules on exactly those
 * TypeScript lines, with a message naming the construct.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleForEspruino } from "../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations, type GateViolation } from "../../scripts/gate/index.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

interface Expectation {
  line: number;
  rule: string;
  construct: string;
}

const MARKER = "// expect: ";

function expectationsOf(source: string): Expectation[] {
  const expectations: Expectation[] = [];
  source.split("\n").forEach((text, index) => {
    const at = text.indexOf(MARKER);
    if (at < 0) return;
    for (const part of text.slice(at + MARKER.length).split(" | ")) {
      const space = part.indexOf(" ");
      expectations.push({ line: index + 1, rule: part.slice(0, space), construct: part.slice(space + 1).trim() });
    }
  });
  return expectations;
}

async function checkFixture(name: string, minify = true): Promise<{ file: string; violations: GateViolation[] }> {
  const entry = path.join(FIXTURES, `${name}.ts`);
  const bundle = await bundleForEspruino({ entry, minify });
  const file = path.relative(ROOT, entry).split(path.sep).join("/");
  return { file, violations: checkBundle(bundle.code, bundle.map) };
}

const ruleFixtures = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".ts") && name !== "clean.ts")
  .map((name) => name.slice(0, -".ts".length))
  .sort();

describe("compatibility gate", () => {
  describe("one fixture per rule, bundled and minified", () => {
    for (const name of ruleFixtures) {
      it(name, async () => {
        const expectations = expectationsOf(readFileSync(path.join(FIXTURES, `${name}.ts`), "utf8"));
        assert.ok(expectations.length > 0, `${name}.ts has no ${MARKER} markers`);
        const { file, violations } = await checkFixture(name);
        const report = formatViolations(violations);
        for (const expected of expectations) {
          const hit = violations.find((v) => v.rule === expected.rule && v.file === file && v.line === expected.line);
          assert.ok(hit, `expected [${expected.rule}] at ${file}:${expected.line}, got:\n${report}`);
          assert.ok(
            violations.some((v) => v.rule === expected.rule && v.line === expected.line && v.message.includes(expected.construct)),
            `no [${expected.rule}] message at line ${expected.line} names ${expected.construct}:\n${report}`,
          );
        }
        const unexpected = violations.filter((v) => !expectations.some((e) => e.rule === v.rule && e.line === v.line && v.file === file));
        assert.deepEqual(unexpected, [], `unexpected violations:\n${formatViolations(unexpected)}`);
      });
    }
  });

  describe("clean fixture (lookalikes Espruino runs)", () => {
    for (const minify of [true, false]) {
      it(`reports nothing ${minify ? "minified" : "unminified"}`, async () => {
        const { violations } = await checkFixture("clean", minify);
        assert.equal(formatViolations(violations), "");
      });
    }
  });

  describe("hand-written bundles (no source map)", () => {
    it("reports a bundle that does not parse as parse-error", () => {
      const violations = checkBundle("(()=>{\nvar = 1;\n})();", "");
      assert.equal(violations.length, 1);
      assert.equal(violations[0]!.rule, "parse-error");
      assert.match(violations[0]!.message, /does not parse/);
      assert.deepEqual([violations[0]!.file, violations[0]!.bundleLine], [null, 2]);
    });

    it("rejects raw #private members, BigInt literals and for-await that esbuild would have lowered", () => {
      const code = "(()=>{class A{#x=1;get(){return this.#x}}var b=1n;(async()=>{for await(const y of b);})()})();";
      const rules = checkBundle(code, "").map((v) => v.rule);
      assert.deepEqual(rules, ["no-private-members", "no-private-members", "no-bigint", "no-async-or-generator", "no-async-or-generator"]);
    });

    it("rejects a \\u{…} escape that esbuild would have written as a surrogate pair", () => {
      const code = '(()=>{var s="smile \\u{1F600}",t="\\uD83D\\uDE00";globalThis.x=s+t})();';
      const violations = checkBundle(code, "");
      assert.deepEqual(violations.map((v) => [v.rule, v.bundleColumn]), [["no-codepoint-escape", 13]]);
    });

    it("ignores locals named like built-ins, typeof guards and prototype writes", () => {
      const code = [
        "(function(){",
        "var Map=function(){};new Map();",
        "var Number={isInteger:function(){}};Number.isInteger(1);",
        "class Error{};class Failure extends Error{}",
        "var Array={prototype:{slice:1}};Array.prototype.slice;",
        "if(typeof Symbol!=='undefined')Uint8Array.prototype.extra=1;",
        "})();",
      ].join("\n");
      assert.equal(formatViolations(checkBundle(code, "")), "");
    });

    it("rejects top-level names that would replace Espruino's globals on the device, not the same names inside a function", () => {
      const violations = checkBundle("var D5=1,x=2;function onInit(){}let E=3;function f(){var D6=1,LED1=2;return D6+LED1}", "");
      assert.deepEqual(violations.map((v) => [v.rule, v.bundleColumn]), [["no-global-shadow", 5], ["no-global-shadow", 23], ["no-global-shadow", 37]]);
      assert.match(violations[0]!.message, /declares `D5`, which replaces Espruino's global/);
      assert.equal(formatViolations(checkBundle("(()=>{var D5=1;function onInit(){}})();", "")), "");
    });

    it("reports unmapped positions against the bundle", () => {
      const [violation] = checkBundle("(()=>{\n  var s = new Set();\n})();", "");
      assert.deepEqual(violation, {
        rule: "no-absent-builtin",
        message: violation!.message,
        file: null,
        line: 2,
        column: 15,
        bundleLine: 2,
        bundleColumn: 15,
      });
      assert.match(formatViolations([violation!]), /^<bundle>:2:15: \[no-absent-builtin\] `Set` does not exist on Espruino: /);
    });
  });

  it("formats violations as file:line:column: [rule] message", async () => {
    const { violations } = await checkFixture("no-default-params");
    assert.equal(
      formatViolations(violations),
      "test/gate/fixtures/no-default-params.ts:4:31: [no-default-params] default parameters are not supported by Espruino: " +
        "accept `undefined` and assign the default in the body (`if (x === undefined) x = 1`)",
    );
  });

  it("finds nothing in a 30 KB bundle of plain code", () => {
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) {
      parts.push(`function f${i}(a,b){var t=0;for(let k=0;k<a.length;k++){t+=a[k]*b}return g${i}(t,{x:a,y:b})}function g${i}(t,o){return o.x.length?t:${i}}`);
    }
    const code = `(()=>{${parts.join("")}})();`;
    assert.ok(code.length > 30_000);
    assert.deepEqual(checkBundle(code, ""), []);
  });
});
