/**
 * Fingerprints at checksum levels 2 and 3 are made from a task function's text as the runtime gives
 * it, after tsx's, Deno's or Bun's TypeScript transpiler; each prints the same source differently.
 * This file runs under Node, Bun and Deno with the same expected normalised texts, so that a history
 * written under one runtime is up to date under the others (test/runtime/same-results.test.ts runs
 * the pipelines). The second half checks that normalising keeps real changes apart.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { functionFingerprint, hashString, normaliseSource } from "../../src/core/fingerprint.ts";
import { portable, rewrittenByBun } from "./fixtures/functions.ts";

const ON_BUN = Boolean((globalThis as { Bun?: unknown }).Bun);
const text = (f: unknown): string => normaliseSource(Function.prototype.toString.call(f));

/** The normalised text of each fixture function, the same under every runtime. */
const PORTABLE: Record<string, string> = {
  arrow: "async ( input , output ) => writeFileSync ( output , readFileSync ( input , \"utf8\" ) . toUpperCase ( ) )",
  asyncFunction: "async function summarise ( inputs , output ) { const lines = [ ] for ( const f of inputs ) lines . push ( `[[\"\",\": \",\"\"],[\"f\",\"readFileSync ( f , \\\"utf8\\\" ) . length\"]] ) writeFileSync ( output , lines . join ( \"\\n\" ) + \"\\n\" ) }",
  withTypes: "function withTypes ( input , output , opts ) { const y = [ 1 , 2 , 3 ] if ( opts . n > 1 ) writeFileSync ( output , `[[\"\",\" \",\" \",\"\"],[\"input\",\"opts . label ?? \\\"none\\\"\",\"y . length\"]] ) return opts . n }",
  templates: "( output , n ) => { writeFileSync ( output , `[[\"value: \",\" `quoted` single \\\"double\\\"\"],[\"n * 2\"]] ) }",
  ifElse: "function ifElse ( i , o ) { if ( i . length > 3 ) writeFileSync ( o , \"long\" ) else writeFileSync ( o , \"short\" ) }",
  loops: "function loops ( xs ) { let n = 0 for ( let i = 0 ; i < xs . length ; i ++ ) n += xs [ i ] . length while ( n > 10 ) n -= 10 return n }",
  errors: "async function errors ( o ) { if ( existsSync ( o ) ) return try { writeFileSync ( o , \"x\" ) } catch ( err ) { throw Error ( `[[\"cannot write \",\": \",\"\"],[\"o\",\"err . message\"]] ) } }",
  literals: "function literals ( o ) { return [ { key : \"v\" , other : 1 , nested : { deep : true } } , [ 1000 , 1000 , 0.5 , 16 , 1000 ] , o ] }",
  callbacks: "text => text . split ( \",\" ) . map ( x => x . trim ( ) ) . filter ( x => x . length > 0 )",
  docstring: "function documented ( output ) { writeFileSync ( output , \"\" ) }",
};

/** Under Node and Deno; Bun inlines the constant (see the fixture). */
const NODE_AND_DENO: Record<string, string> = {
  singleUse: "function singleUse ( o ) { const m = { a : 1 } return [ m , o ] }",
  folded: "function folded ( i ) { const c = 2 * 3 return c + i }",
};

describe("function fingerprints: the same source gives the same fingerprint under every runtime", () => {
  for (const [name, expected] of Object.entries(PORTABLE)) {
    test(`${name}`, () => {
      assert.equal(text(portable[name]), expected);
      assert.equal(functionFingerprint(portable[name]), hashString(expected));
    });
  }
  for (const [name, expected] of Object.entries(NODE_AND_DENO)) {
    test(`${name} (Node and Deno)`, { skip: ON_BUN && "Bun's transpiler inlines a constant used once and folds constants: the fingerprint differs from Node's and Deno's (README, checksum levels)" }, () => {
      assert.equal(text(rewrittenByBun[name]), expected);
    });
  }
});

describe("function fingerprints: what normalising ignores, and what it keeps apart", () => {
  const same: [string, string][] = [
    ["(x) => { return x + 1; }", "x=>x+1"],
    ["function f(a, b) {\n  // note\n  return a + b; /* sum */\n}", "function f(a,b){return a+b}"],
    ["function f() { const a = 1, b = 2; g(a, b); }", "function f() { const a = 1; const b = 2; g(a, b) }"],
    ["function f(x) { if (x) { g(); } else { h(); } }", "function f(x) { if (x) g(); else h(); }"],
    ["() => [1, 2, 3,]", "() => [1, 2, 3]"],
    ["() => 'it\\'s'", '() => "it\'s"'],
    ["() => `a\\n${'b'}c`", '() => "a\\nbc"'],
    ["() => new Error('x')", "() => Error(\"x\")"],
    ["() => new Map()", "() => new Map"],
    ["() => ({ 'a': !0 })", "() => ({ a: true })"],
    ["function f(x) { if (x === void 0) return void 0; }", "function f(x) { if (x === undefined) return; }"],
  ];
  for (const [a, b] of same) {
    test(`the same: ${a}  ~  ${b}`, () => assert.equal(normaliseSource(a), normaliseSource(b)));
  }
  const different: [string, string][] = [
    ["function f(a) { if (a) { b(); c(); } }", "function f(a) { if (a) { b(); } c(); }"],
    ["function f(a, b) { if (a) { if (b) x(); } else y(); }", "function f(a, b) { if (a) { if (b) x(); else y(); } }"],
    ["(x) => x + 1", "(x) => x - 1"],
    ["(x) => x + 1", "(x) => x + 2"],
    ["(x) => write(x, 'a')", "(x) => write(x, 'b')"],
    ["(x) => write(x, 'a')", "(x) => write(x, a)"],
    ["(x) => a ? 'b' : c", "(x) => a ? b : c"],
    ["() => String.raw`\\d`", "() => String.raw`d`"],
    ["() => `${a}b`", "() => `${a} b`"],
    ["(x) => x.a", "(x) => x.b"],
    ["() => new X().y", "() => new X.y"],
    ["function f() { a(); b(); }", "function f() { b(); a(); }"],
  ];
  for (const [a, b] of different) {
    test(`different: ${a}  ≠  ${b}`, () => assert.notEqual(normaliseSource(a), normaliseSource(b)));
  }
});
