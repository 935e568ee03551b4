import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mapStrings, stringsIn } from "../../src/patterns/flatten.ts";
import { formatterArgsText } from "../../src/patterns/formatter-replace.ts";
import { pyFloatRepr, pyRepr, pyStr, pyStrRepr, pyTupleRepr } from "../../src/patterns/py-repr.ts";

describe("stringsIn: Ruffus get_strings_in_flattened_sequence (test_ruffus_utility.py)", () => {
  const d = { four: 4 };
  const cases: [unknown, string[]][] = [
    ["one", ["one"]],
    [["one", "two"], ["one", "two"]],
    [["one", 1, "two"], ["one", "two"]],
    [["one", [1, ["two"]]], ["one", "two"]],
    [["one", [1, ["two"], "three"]], ["one", "two", "three"]],
    [["one", [1, [d, "two"], "three"]], ["one", "two", "three"]],
    [null, []],
    [undefined, []],
    [[], []],
    [[1, 2, 3, d], []],
    [{ a: "not searched" }, []],
    [new Set(["s", ["t"]]), ["s", "t"]],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input) ?? String(input), () => assert.deepEqual(stringsIn(input), expected));
});

describe("mapStrings: Ruffus apply_func_to_sequence (test_ruffus_utility.py)", () => {
  test("recurses into arrays and sets, leaves dicts and other values", () => {
    const dict = { 1: 2 };
    const result = mapStrings([["saf", "sdfasf", 1], 2, new Set([2, "odd"]), dict, [["sadf", 3]]], (s) => "#".repeat(s.length));
    assert.deepEqual(result, [["###", "######", 1], 2, new Set([2, "###"]), { 1: 2 }, [["####", 3]]]);
    assert.equal((result as unknown[])[3], dict);
  });
  test("a bare string is mapped, other scalars returned", () => {
    assert.equal(mapStrings("ab", (s) => s.toUpperCase()), "AB");
    assert.equal(mapStrings(null, () => "x"), null);
  });
});

describe("Python reprs (compared with CPython 3.11 repr/ascii)", () => {
  const strings: [string, string, string][] = [
    ["a", "'a'", "'a'"],
    ["it's", `"it's"`, `"it's"`],
    ['say "hi"', `'say "hi"'`, `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`, `'both \\' and "'`],
    ["back\\slash", "'back\\\\slash'", "'back\\\\slash'"],
    ["nl\n", "'nl\\n'", "'nl\\n'"],
    ["\x00\x1f\x7f", "'\\x00\\x1f\\x7f'", "'\\x00\\x1f\\x7f'"],
    ["\x85\xa0é", "'\\x85\\xa0é'", "'\\x85\\xa0\\xe9'"],
    ["\u2028\u200b\ufeff", "'\\u2028\\u200b\\ufeff'", "'\\u2028\\u200b\\ufeff'"],
    ["😀", "'😀'", "'\\U0001f600'"],
    ["\u0378", "'\\u0378'", "'\\u0378'"],
  ];
  for (const [s, repr, ascii] of strings) {
    test(`repr/ascii of ${JSON.stringify(s)}`, () => {
      assert.equal(pyStrRepr(s), repr);
      assert.equal(pyStrRepr(s, true), ascii);
    });
  }
  test("floats", () => {
    assert.deepEqual([1e16, 1e-5, 0.0001, 1.5e300, 123456789012345678.5, -0, NaN, 2.5e-7, 1.5].map(pyFloatRepr), [
      "1e+16", "1e-05", "0.0001", "1.5e+300", "1.2345678901234568e+17", "-0.0", "nan", "2.5e-07", "1.5",
    ]);
  });
  test("containers, None, booleans", () => {
    assert.equal(pyRepr(new Map<unknown, unknown>([["a", null], [1, true], [2, [1, "x"]]])), "{'a': None, 1: True, 2: [1, 'x']}");
    assert.equal(pyRepr(new Set()), "set()");
    assert.equal(pyRepr(new Set(["a"])), "{'a'}");
    assert.equal(pyRepr({ k: undefined }), "{'k': None}");
    assert.equal(pyStr(["a", 1]), "['a', 1]");
    assert.equal(pyStr("a"), "a");
  });
  test("tuples", () => {
    assert.equal(pyTupleRepr([]), "()");
    assert.equal(pyTupleRepr([1]), "(1,)");
    assert.equal(pyTupleRepr([1, "2"]), "(1, '2')");
  });
  test("Ruffus parameter_list_as_string of formatter arguments", () => {
    assert.equal(formatterArgsText(["a\\.txt", null]), "'a\\\\.txt', None");
    assert.equal(formatterArgsText([]), "");
  });
});
