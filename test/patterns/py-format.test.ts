import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PythonError } from "../../src/patterns/errors.ts";
import { pyFormat } from "../../src/patterns/py-format.ts";

// JSON cannot hold a dict with int keys; {"__map__": [[key, value], ...]} stands for one (a Map here).
function fromJson(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(fromJson);
  if (x !== null && typeof x === "object") {
    const o = x as Record<string, unknown>;
    if ("__map__" in o) return new Map((o.__map__ as [unknown, unknown][]).map(([k, v]) => [k, fromJson(v)]));
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromJson(v)]));
  }
  return x;
}

// [template, args, kwargs, result | [Python exception type, str(exception), str(exception.args[0])]]:
// every expectation is what CPython 3.11 `template.format(*args, **kwargs)` produced.
const PYTHON_CASES: [string, unknown[], Record<string, unknown>, string | [string, string, string]][] = [
  ["{a", [], {}, ["ValueError", "expected '}' before end of string", "expected '}' before end of string"]],
  ["{", [], {}, ["ValueError", "Single '{' encountered in format string", "Single '{' encountered in format string"]],
  ["}", [], {}, ["ValueError", "Single '}' encountered in format string", "Single '}' encountered in format string"]],
  ["a}b", [], {}, ["ValueError", "Single '}' encountered in format string", "Single '}' encountered in format string"]],
  ["{0[}", ["abc"], {}, ["ValueError", "expected '}' before end of string", "expected '}' before end of string"]],
  ["{0[]}", ["abc"], {}, ["ValueError", "Empty attribute in format string", "Empty attribute in format string"]],
  ["{0]}", ["abc"], {}, ["KeyError", "'0]'", "0]"]],
  ["{0.}", ["abc"], {}, ["ValueError", "Empty attribute in format string", "Empty attribute in format string"]],
  ["{0[0]x}", ["abc"], {}, ["ValueError", "Only '.' or '[' may follow ']' in format field specifier", "Only '.' or '[' may follow ']' in format field specifier"]],
  ["{0!}", ["abc"], {}, ["ValueError", "unmatched '{' in format spec", "unmatched '{' in format spec"]],
  ["{0!x}", ["abc"], {}, ["ValueError", "Unknown conversion specifier x", "Unknown conversion specifier x"]],
  ["{0!rr}", ["abc"], {}, ["ValueError", "expected ':' after conversion specifier", "expected ':' after conversion specifier"]],
  ["{0!r:>7}", ["abc"], {}, "  'abc'"],
  ["{:{}}", ["abc", "x"], {}, ["ValueError", "Unknown format code 'x' for object of type 'str'", "Unknown format code 'x' for object of type 'str'"]],
  ["{:{}}", ["abc", "5"], {}, "abc  "],
  ["{0:{1:{2}}}", ["abc", "s", ""], {}, ["ValueError", "Max string recursion exceeded", "Max string recursion exceeded"]],
  ["{0}{}", ["a"], {}, ["ValueError", "cannot switch from manual field specification to automatic field numbering", "cannot switch from manual field specification to automatic field numbering"]],
  ["{}{0}", ["a"], {}, ["ValueError", "cannot switch from automatic field numbering to manual field specification", "cannot switch from automatic field numbering to manual field specification"]],
  ["{}{}", ["a", "b"], {}, "ab"],
  ["{}{}{}", ["a", "b"], {}, ["IndexError", "Replacement index 2 out of range for positional args tuple", "Replacement index 2 out of range for positional args tuple"]],
  ["{[0]}", ["abc"], {}, "a"],
  ["{0[:]}", ["abc"], {}, ["TypeError", "string indices must be integers, not 'str'", "string indices must be integers, not 'str'"]],
  ["{ 0}", ["abc"], {}, ["KeyError", "' 0'", " 0"]],
  ["{0 }", ["abc"], {}, ["KeyError", "'0 '", "0 "]],
  ["{a b}", [], {"a b": 1}, "1"],
  ["{0:05}", ["abc"], {}, "abc00"],
  ["{0:<05}", ["abc"], {}, "abc00"],
  ["{0:=5}", ["abc"], {}, ["ValueError", "'=' alignment not allowed in string format specifier", "'=' alignment not allowed in string format specifier"]],
  ["{0:+5}", ["abc"], {}, ["ValueError", "Sign not allowed in string format specifier", "Sign not allowed in string format specifier"]],
  ["{0:#5}", ["abc"], {}, ["ValueError", "Alternate form (#) not allowed in string format specifier", "Alternate form (#) not allowed in string format specifier"]],
  ["{0:,}", ["abc"], {}, ["ValueError", "Cannot specify ',' with 's'.", "Cannot specify ',' with 's'."]],
  ["{0:5d}", ["abc"], {}, ["ValueError", "Unknown format code 'd' for object of type 'str'", "Unknown format code 'd' for object of type 'str'"]],
  ["{0:.2}", ["abc"], {}, "ab"],
  ["{0:x<7.3}", ["abcdef"], {}, "abcxxxx"],
  ["{0:^6}", ["abc"], {}, " abc  "],
  ["{0:^7}", ["abc"], {}, "  abc  "],
  ["{0:é^6}", ["abc"], {}, "éabcéé"],
  ["{0:{{}}}", ["abc"], {}, ["ValueError", "Invalid format specifier '{}' for object of type 'str'", "Invalid format specifier '{}' for object of type 'str'"]],
  ["{{}}", [], {}, "{}"],
  ["{0:}}", ["abc"], {}, ["ValueError", "Single '}' encountered in format string", "Single '}' encountered in format string"]],
  ["{!r}", ["abc"], {}, "'abc'"],
  ["{0!a}", ["é😀"], {}, "'\\xe9\\U0001f600'"],
  ["{0!s:}", ["abc"], {}, "abc"],
  ["{0:s}", ["abc"], {}, "abc"],
  ["{0:ss}", ["abc"], {}, ["ValueError", "Invalid format specifier 'ss' for object of type 'str'", "Invalid format specifier 'ss' for object of type 'str'"]],
  ["{0[0][1]}", ["abc"], {}, ["IndexError", "string index out of range", "string index out of range"]],
  ["{k}", [], {"k": ["p", "q"]}, "['p', 'q']"],
  ["{k[1]}", [], {"k": ["p", "q"]}, "q"],
  ["{k[x]}", [], {"k": ["p", "q"]}, ["TypeError", "list indices must be integers or slices, not str", "list indices must be integers or slices, not str"]],
  ["{k[-1]}", [], {"k": ["p", "q"]}, ["TypeError", "list indices must be integers or slices, not str", "list indices must be integers or slices, not str"]],
  ["{k[2]}", [], {"k": ["p", "q"]}, ["IndexError", "list index out of range", "list index out of range"]],
  ["{d[0]}", [], {"d": {"__map__": [[0, "z"], ["x", "y"]]}}, "z"],
  ["{d[x]}", [], {"d": {"__map__": [[0, "z"], ["x", "y"]]}}, "y"],
  ["{d[1]}", [], {"d": {"__map__": [[0, "z"], ["x", "y"]]}}, ["KeyError", "1", "1"]],
  ["{d['x']}", [], {"d": {"__map__": [[0, "z"], ["x", "y"]]}}, ["KeyError", "\"'x'\"", "'x'"]],
  ["{d}", [], {"d": {"__map__": [[0, "z"], ["x", [1, null, true]]]}}, "{0: 'z', 'x': [1, None, True]}"],
  ["{n[0]}", [], {"n": null}, ["TypeError", "'NoneType' object is not subscriptable", "'NoneType' object is not subscriptable"]],
  ["{n}", [], {"n": null}, "None"],
  ["{n:5}", [], {"n": null}, ["TypeError", "unsupported format string passed to NoneType.__format__", "unsupported format string passed to NoneType.__format__"]],
  ["{l:5}", [], {"l": ["a"]}, ["TypeError", "unsupported format string passed to list.__format__", "unsupported format string passed to list.__format__"]],
  ["{t}", [], {"t": true}, "True"],
  ["{t:5}", [], {"t": true}, "    1"],
  ["{f}", [], {"f": 1.5}, "1.5"],
  ["{f:.2f}", [], {"f": 1.5}, "1.50"],
  ["{f:10.3e}", [], {"f": 12345.678}, " 1.235e+04"],
  ["{f:%}", [], {"f": 0.25}, "25.000000%"],
  ["{f:+08.2f}", [], {"f": -3.14159}, "-0003.14"],
  ["{i:5}", [], {"i": 42}, "   42"],
  ["{i:05}", [], {"i": -42}, "-0042"],
  ["{i:x}", [], {"i": 255}, "ff"],
  ["{i:#X}", [], {"i": 255}, "0XFF"],
  ["{i:,}", [], {"i": 1234567}, "1,234,567"],
  ["{i:_}", [], {"i": 1234567}, "1_234_567"],
  ["{i:_b}", [], {"i": 37}, "10_0101"],
  ["{i:010,}", [], {"i": 1234}, "00,001,234"],
  ["{i:<6}|", [], {"i": 42}, "42    |"],
  ["{i:^6}|", [], {"i": 42}, "  42  |"],
  ["{i:=+6}|", [], {"i": 42}, "+   42|"],
  ["{i:.2}", [], {"i": 42}, ["ValueError", "Precision not allowed in integer format specifier", "Precision not allowed in integer format specifier"]],
  ["{i:c}", [], {"i": 65}, "A"],
  ["{i:,s}", [], {"i": 5}, ["ValueError", "Cannot specify ',' with 's'.", "Cannot specify ',' with 's'."]],
  ["{i:,_}", [], {"i": 5}, ["ValueError", "Cannot specify both ',' and '_'.", "Cannot specify both ',' and '_'."]],
  ["{i:.}", [], {"i": 5}, ["ValueError", "Format specifier missing precision", "Format specifier missing precision"]],
  ["{0:\u0000<3}", ["abc"], {}, "abc"],
  ["{0::<5}", ["abc"], {}, "abc::"],
  ["{0:{<3}", ["abc"], {}, ["ValueError", "unmatched '{' in format spec", "unmatched '{' in format spec"]],
  ["{0[0]!r}", ["abc"], {}, "'a'"],
  ["{0.x}", ["abc"], {}, ["AttributeError", "'str' object has no attribute 'x'", "'str' object has no attribute 'x'"]],
  ["{0[0].x}", ["abc"], {}, ["AttributeError", "'str' object has no attribute 'x'", "'str' object has no attribute 'x'"]],
  ["{0[0]}.{0[1]}", ["ab"], {}, "a.b"],
  ["{0:%}", ["abc"], {}, ["ValueError", "Unknown format code '%' for object of type 'str'", "Unknown format code '%' for object of type 'str'"]],
  ["{0[1e3]}", ["abc"], {}, ["TypeError", "string indices must be integers, not 'str'", "string indices must be integers, not 'str'"]],
  ["{0[01]}", ["abc"], {}, "b"],
  ["{00}", ["abc"], {}, "abc"],
  ["{٣}", ["abc"], {}, ["IndexError", "Replacement index 3 out of range for positional args tuple", "Replacement index 3 out of range for positional args tuple"]],
  ["{0[٣]}", ["abcdef"], {}, "d"],
  ["{a{b}", [], {}, ["ValueError", "unexpected '{' in field name", "unexpected '{' in field name"]],
  ["{0[a}]}", [{"__map__": [["a}", 5]]}], {}, "5"],
  ["{0[a:]}", [{"__map__": [["a:", 5]]}], {}, "5"],
  ["{0!r", [5], {}, ["ValueError", "unmatched '{' in format spec", "unmatched '{' in format spec"]],
  ["{0!", [5], {}, ["ValueError", "end of string while looking for conversion specifier", "end of string while looking for conversion specifier"]],
  ["{0:", [5], {}, ["ValueError", "unmatched '{' in format spec", "unmatched '{' in format spec"]],
  ["{nope}", [], {}, ["KeyError", "'nope'", "nope"]],
  ["{nope} }", [], {}, ["KeyError", "'nope'", "nope"]],
  ["} {nope}", [], {}, ["ValueError", "Single '}' encountered in format string", "Single '}' encountered in format string"]],
  ["{3}", ["a"], {}, ["IndexError", "Replacement index 3 out of range for positional args tuple", "Replacement index 3 out of range for positional args tuple"]],
  ["{}", [], {}, ["IndexError", "Replacement index 0 out of range for positional args tuple", "Replacement index 0 out of range for positional args tuple"]],
  ["{basename[0]}", [], {"basename": {"__map__": [[0, "a"]]}}, "a"],
  ["{basename[1]}", [], {"basename": {"__map__": [[0, "a"]]}}, ["KeyError", "1", "1"]],
  ["{basename[0][9]}", [], {"basename": {"__map__": [[0, "a"]]}}, ["IndexError", "string index out of range", "string index out of range"]],
  ["{subdir[0][9]}", [], {"subdir": {"__map__": [[0, ["a", "/"]]]}}, ["IndexError", "list index out of range", "list index out of range"]],
  ["{subdir[0]}", [], {"subdir": {"__map__": [[0, ["a", "/"]]]}}, "['a', '/']"],
  ["{subdir[0][x]}", [], {"subdir": {"__map__": [[0, ["a", "/"]]]}}, ["TypeError", "list indices must be integers or slices, not str", "list indices must be integers or slices, not str"]],
  ["{0!x:}", ["a"], {}, ["ValueError", "Unknown conversion specifier x", "Unknown conversion specifier x"]],
  ["{0!é}", ["a"], {}, ["ValueError", "Unknown conversion specifier \\xe9", "Unknown conversion specifier \\xe9"]],
  ["{0:{1}}", ["abc", "^9"], {}, "   abc   "],
  ["{0:{}}", ["a", "b"], {}, ["ValueError", "cannot switch from manual field specification to automatic field numbering", "cannot switch from manual field specification to automatic field numbering"]],
  ["{0:.0}", ["abc"], {}, ""],
  ["{0:10.}", ["abc"], {}, ["ValueError", "Format specifier missing precision", "Format specifier missing precision"]],
  ["{s}", [], {"s": "it's"}, "it's"],
  ["{s!r}", [], {"s": "it's"}, "\"it's\""],
  ["{s!r}", [], {"s": "a\\b\n"}, "'a\\\\b\\n'"],
];

describe("pyFormat agrees with CPython 3.11 str.format", () => {
  for (const [template, args, kwargs, expected] of PYTHON_CASES) {
    test(`${JSON.stringify(template)} ${JSON.stringify(args)} ${JSON.stringify(kwargs)}`, () => {
      const run = (): string => pyFormat(template, fromJson(args) as unknown[], fromJson(kwargs) as Record<string, unknown>);
      if (typeof expected === "string") assert.equal(run(), expected);
      else {
        const [type, message, arg0] = expected;
        assert.throws(run, (e) => e instanceof PythonError && e.pythonType === type && e.message === message && e.arg0 === arg0);
      }
    });
  }
});

describe("pyFormat with JavaScript values", () => {
  test("plain objects act as dicts with string keys", () => {
    assert.equal(pyFormat("{d[k]} {d[0]} {d}", [], { d: { k: "v", 0: "zero" } }), "v zero {'0': 'zero', 'k': 'v'}");
  });
  test("undefined and null format as None; nested arrays as Python lists", () => {
    assert.equal(pyFormat("{0} {1} {2}", [undefined, null, [["a"], []]], {}), "None None [['a'], []]");
  });
  test("a missing name is a KeyError whose arg0 is the bare name (what Ruffus prints)", () => {
    assert.throws(
      () => pyFormat("{stem[0]}", [], {}),
      (e) => e instanceof PythonError && e.pythonType === "KeyError" && e.message === "'stem'" && e.arg0 === "stem",
    );
  });
  test("a Map with number keys is indexed by {x[0]}, a string key stays a string", () => {
    const m = new Map<string | number, string>([[0, "int"], ["0x", "str"]]);
    assert.equal(pyFormat("{m[0]}|{m[0x]}", [], { m }), "int|str");
  });
});
