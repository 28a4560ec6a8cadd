import assert from "node:assert/strict";
import vm from "node:vm";
import { insertedLength, KEEP_FUNCTION_NAME, keepScopes } from "../../../sim/espruino/keep-scopes.ts";

/** Programs whose last expression is a value to compare before and after the transform. */
const PROGRAMS = [
  `function f(a, b) { "use strict"; var big = "x"; return function () { return this === undefined ? a : 0; }; } f(1, 2)()`,
  `function f(a) { "use strict"\n var unused = 1; return function () { return this === undefined && a; }; } f(3)()`,
  `var add = (a, b) => () => a + 1; var pair = (a) => ({ a: a }); add(1, 2)() + pair(4).a`,
  `function k() { var out = []; try { throw 1; } catch (e) { let q = e + 1; out.push(() => q); }
     for (let i = 0; i < 3; i++) { let j = i * 2; out.push(() => j); }
     switch (out.length) { case 0: case 4: let z = 9; out.push(() => z); }
     return out.map((f) => f()).join(); } k()`,
  `class A { constructor(x) { var unused = x; this.get = () => x; } } new A(5).get()`,
  `function args() { var copy = arguments[0]; return function () { return copy; }; } args(6)()`,
];

describe("keepScopes: whole closure scopes for the heap estimate", () => {
  for (const program of PROGRAMS) {
    it(`keeps the result and reports its own text: ${program.slice(0, 40).replace(/\s+/g, " ")}…`, () => {
      const kept = keepScopes(program);
      assert.deepEqual(vm.runInNewContext(kept), vm.runInNewContext(program));
      assert.ok(kept.includes(KEEP_FUNCTION_NAME));
      assert.equal(insertedLength(kept), kept.length - program.length);
    });
  }

  it("names every variable of a scope that creates a function, never `arguments`", () => {
    assert.equal(keepScopes("function f(a) { var b = arguments; return function () {}; }"),
      `function f(a) {(function ${KEEP_FUNCTION_NAME}(){a,b}); var b = arguments; return function () {}; }`);
    assert.equal(keepScopes("var g = (a, b) => () => a;"), `var g = (a, b) => (function ${KEEP_FUNCTION_NAME}(){a,b},() => a);`);
  });

  it("leaves scopes that create no function, and code that does not parse, as they are", () => {
    const plain = "function f(a) { var b = a + 1; { let c = b; b = c; } return b; }";
    assert.equal(keepScopes(plain), plain);
    assert.equal(keepScopes("function ("), "function (");
  });
});
