import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PatternSyntaxError } from "../../src/patterns/errors.ts";
import { filterRepr, formatter, isFileFilter, regex, suffix } from "../../src/patterns/indicators.ts";

// The constructors are typed for correct use; these casts reach the run-time checks a JavaScript caller meets.
const anySuffix = suffix as unknown as (...a: unknown[]) => unknown;
const anyRegex = regex as unknown as (...a: unknown[]) => unknown;
const anyFormatter = formatter as unknown as (...a: unknown[]) => unknown;

function throwsMessage(f: () => unknown, message: string): void {
  assert.throws(f, (e) => e instanceof PatternSyntaxError && e.message === message);
}

describe("indicator values are plain frozen data", () => {
  test("suffix", () => {
    const f = suffix(".fastq.gz");
    assert.deepEqual(f, { kind: "suffix", pattern: ".fastq.gz" });
    assert.ok(Object.isFrozen(f));
  });
  test("regex keeps the Python pattern text", () => {
    assert.deepEqual(regex(String.raw`(?P<x>.+)\.txt`), { kind: "regex", pattern: String.raw`(?P<x>.+)\.txt` });
  });
  test("a RegExp gives its source, its i/m/s flags as a leading (?ims), other flags dropped", () => {
    assert.deepEqual(regex(/a.b/gis), { kind: "regex", pattern: "(?is)a.b" });
    assert.deepEqual(regex(/x\/y/u), { kind: "regex", pattern: "x\\/y" });
    assert.deepEqual(formatter(/(?<s>\w+)\.txt$/m, null, undefined, "z"), { kind: "formatter", patterns: ["(?m)(?<s>\\w+)\\.txt$", null, null, "z"] });
  });
  test("formatter() with no argument", () => {
    assert.deepEqual(formatter(), { kind: "formatter", patterns: [] });
  });
});

describe("malformed indicators: Ruffus's messages (compared with Ruffus 2.8.4 compile_suffix/compile_regex/compile_formatter)", () => {
  test("suffix()", () => {
    throwsMessage(() => anySuffix(), "suffix() is malformed.\nsuffix(...) should be used to wrap a string matching the suffices of file names");
  });
  test("suffix with two strings (test_ruffus_utility.py)", () => {
    throwsMessage(
      () => anySuffix(".*", "o"),
      "suffix('('.*', 'o')') is malformed.\nsuffix(...) should only be used to wrap a single string matching the suffices of file names",
    );
  });
  test("suffix with a non-string", () => {
    throwsMessage(() => anySuffix(5), "suffix('(5,)') is malformed.\nsuffix(...) should only be used to wrap a single string matching the suffices of file names");
    throwsMessage(() => anySuffix(undefined), "suffix('(None,)') is malformed.\nsuffix(...) should only be used to wrap a single string matching the suffices of file names");
  });
  test("regex()", () => {
    throwsMessage(() => anyRegex(), "regex() is malformed\nregex(...) should only be used to wrap a single regular expression string");
  });
  test("regex with two strings (test_ruffus_utility.py)", () => {
    throwsMessage(() => anyRegex(".*", "o"), "regex('.*', 'o') is malformed\nregex(...) should only be used to wrap a single regular expression string");
  });
  test("regex with a non-string", () => {
    throwsMessage(() => anyRegex(5), "regex((5,)) is malformed\nregex(...) should only be used to wrap a single regular expression string");
  });
  test("uncompilable regex (test_ruffus_utility.py)", () => {
    throwsMessage(() => regex(".*)"), "regular expression regex('.*)') is malformed\n[re.error: (unbalanced parenthesis at position 2)]");
    throwsMessage(() => regex("(?P<1>a)"), "regular expression regex('(?P<1>a)') is malformed\n[re.error: (bad character in group name '1' at position 4)]");
    throwsMessage(
      () => regex("a\n("),
      "regular expression regex('a\n(') is malformed\n[re.error: (missing ), unterminated subpattern at position 2 (line 2, column 1))]",
    );
  });
  test("formatter with a non-string", () => {
    throwsMessage(() => anyFormatter(5), 'formatter(5,) is malformed\nformatter(...) should only be used to wrap regular expression strings or None (not "5")');
    throwsMessage(() => anyFormatter("a", 5), "formatter('a', 5) is malformed\nformatter(...) should only be used to wrap regular expression strings or None (not \"5\")");
    throwsMessage(
      () => anyFormatter(["a"]),
      "formatter(['a'],) is malformed\nformatter(...) should only be used to wrap regular expression strings or None (not \"['a']\")",
    );
  });
  test("formatter with an uncompilable regex", () => {
    throwsMessage(() => formatter("("), "in formatter('(',) \nregular expression \"(\" is malformed\n[re.error: (missing ), unterminated subpattern at position 0)]");
    throwsMessage(() => formatter(null, "["), "in formatter(None, '[') \nregular expression \"[\" is malformed\n[re.error: (unterminated character set at position 0)]");
  });
});

describe("isFileFilter", () => {
  test("accepts the three kinds, including hand-made objects of the same shape", () => {
    assert.ok(isFileFilter(suffix(".c")));
    assert.ok(isFileFilter(regex("a")));
    assert.ok(isFileFilter(formatter(null, "b")));
    assert.ok(isFileFilter({ kind: "formatter", patterns: [] }));
  });
  test("rejects everything else", () => {
    for (const x of [null, undefined, "suffix", { kind: "suffix" }, { kind: "suffix", pattern: 1 }, { kind: "formatter", patterns: [1] }, { kind: "glob", pattern: "*" }]) {
      assert.equal(isFileFilter(x), false, JSON.stringify(x));
    }
  });
});

describe("filterRepr (how messages print a filter)", () => {
  test("Python reprs", () => {
    assert.equal(filterRepr(suffix(".c")), "suffix('.c')");
    assert.equal(filterRepr(regex(String.raw`(.+)\.c`)), "regex('(.+)\\\\.c')");
    assert.equal(filterRepr(formatter("a", null)), "formatter('a', None)");
  });
});
