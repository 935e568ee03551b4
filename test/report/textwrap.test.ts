/**
 * `fill(text, width, subsequentIndent)` must equal Python's
 * `textwrap.fill(text, width=width, subsequent_indent=subsequentIndent)`, which Ruffus applies to
 * every printout line (reference §1.8). Every expected value below was produced by running
 * Python 3.11's textwrap.fill on the same arguments (the Python that runs Ruffus 2.8.4 here).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fill } from "../../src/report/textwrap.ts";

/** [text, width, subsequent indent, textwrap.fill(text, width=width, subsequent_indent=indent)] */
const CASES: [string, number, string, string][] = [
  ["Task = 'make_start'", 100, " ".repeat(15), "Task = 'make_start'"],
  ["", 100, " ".repeat(15), ""],
  ["   ", 100, " ".repeat(15), ""],
  ["hello world", 5, "", "hello\nworld"],
  ["hello world", 11, "", "hello world"],
  ["hello world", 10, "  ", "hello\n  world"],
  ["Missing files [/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start, /data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start, /data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start]", 100, " ".repeat(15), "Missing files [/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start,\n               /data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start,\n               /data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start]"],
  ["       Job  = [[.../seven/job1.a.start, test_verbosity/job1.b.start, .../seven/job1.a.output.1]", 60, " ".repeat(15), "       Job  = [[.../seven/job1.a.start,\n               test_verbosity/job1.b.start,\n               .../seven/job1.a.output.1]"],
  ["Make missing directories [/tmp/tmpdd51ns6r/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]", 100, " ".repeat(15), "Make missing directories\n               [/tmp/tmpdd51ns6r/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/sev\n               en]"],
  ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 100, " ".repeat(15), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n               aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n               aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
  ["x bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb y", 100, " ".repeat(15), "x bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n               bbbbbbbbbbbbbbbbbbbbbb y"],
  ["well-known hyphen-separated words-are-split at-hyphens", 20, " ".repeat(4), "well-known hyphen-\n    separated words-\n    are-split at-\n    hyphens"],
  ["self-explanatory", 8, "", "self-exp\nlanatory"],
  ["a-b-c-d-e-f-g-h", 5, "", "a-b-\nc-d-\ne-f-\ng-h"],
  ["--option --verbose=3 -v -- x", 10, "", "--option -\n-verbose=3\n-v -- x"],
  ["123-456-789 abc-def", 6, "", "123-\n456-\n789\nabc-\ndef"],
  ["mkdir-like-name-with-many-hyphens/and/slashes/in-it.txt", 30, "   ", "mkdir-like-name-with-many-\n   hyphens/and/slashes/in-\n   it.txt"],
  ["    leading spaces kept on the first line only", 20, "  ", "    leading spaces\n  kept on the first\n  line only"],
  ["trailing spaces are dropped      ", 15, "", "trailing spaces\nare dropped"],
  ["tabs\tare\texpanded\tto\tspaces", 20, "", "tabs    are\nexpanded        to\nspaces"],
  ["\tleading tab", 30, "", "        leading tab"],
  ["new\nlines\ninside\nbecome spaces", 12, "  ", "new lines\n  inside\n  become\n  spaces"],
  ["carriage\rreturn and\fform feed\u000bvertical", 15, "", "carriage return\nand form feed\nvertical"],
  ["two  spaces  between  words  kept  when  they  fit", 18, "", "two  spaces\nbetween  words\nkept  when  they\nfit"],
  ["         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing", 100, " ".repeat(15), "         Job needs update: : Directories\n               'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing"],
  ["Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before into_dirs \"", 100, " ".repeat(15), "Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before\n               into_dirs \""],
  ["Task = \"mkdir(<function make_start at 0x7fd8814644a0>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before into_dirs \"", 100, " ".repeat(15), "Task = \"mkdir(<function make_start at 0x7fd8814644a0>,   formatter(),\n               '{path[0]}/{basename[0]}.dir')   before into_dirs \""],
  ["word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word ", 30, ">> ", "word word word word word word\n>> word word word word word\n>> word word word word word\n>> word word word word word\n>> word word word word word\n>> word word word word word\n>> word word word word word\n>> word word word word"],
  ["averyveryverylongword short", 10, "...", "averyveryv\n...erylong\n...word\n...short"],
  ["short averyveryverylongword", 10, "...", "short aver\n...yveryve\n...rylongw\n...ord"],
  ["exactly ten", 11, "", "exactly ten"],
  ["exactlyten!", 11, "", "exactlyten!"],
  ["abc def ghi", 3, "", "abc\ndef\nghi"],
  ["a b c d e f", 1, "", "a\nb\nc\nd\ne\nf"],
  ["ends with hyphen-", 10, "", "ends with\nhyphen-"],
  ["-starts with hyphen", 10, "", "-starts\nwith\nhyphen"],
  ["em—dash and en–dash text-here", 12, "", "em—dash and\nen–dash\ntext-here"],
  ["unicode éàü words-with-accents ünïcödé", 12, " ", "unicode éàü\n words-with-\n accents\n ünïcödé"],
  ["one.two.three/four_five-six 7-8-9", 9, "", "one.two.t\nhree/four\n_five-six\n7-8-9"],
  ["[a.start, b.start] -> [a.middle, b.middle], extra_value, another-extra-value", 40, " ".repeat(6), "[a.start, b.start] -> [a.middle,\n      b.middle], extra_value, another-\n      extra-value"],
  ["x", 1, "", "x"],
  ["  \n  spaces and newline at start", 20, " ", "     spaces and\n newline at start"],
  ["end with newline\n", 30, "", "end with newline"],
  ["a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-", 10, "", "a-a-a-a-a-\na-a-a-a-a-\na-a-a-a-a-\na-a-a-a-a-"],
  ["Input files: * 25 Nov 2026 10:15:54.25: a.start", 25, " ".repeat(4), "Input files: * 25 Nov\n    2026 10:15:54.25:\n    a.start"],
  ["don't stop-believing it's e-mail", 9, "", "don't\nstop-\nbelieving\nit's\ne-mail"],
  ["hyphen--double and ---triple", 8, "", "hyphen--\ndouble\nand ---t\nriple"],
  ["x-ray e-mail", 4, "", "x-\nray \ne-\nmail"],
  ["file-123-456.txt abc", 6, "", "file-\n123-\n456.tx\nt abc"],
  ["ab-cd ef-gh", 4, "", "ab-\ncd\nef-\ngh"],
  ["a\tb\tc", 100, "", "a       b       c"],
  ["col1\tcol22\tc", 100, "", "col1    col22   c"],
  ["pre-1970 and 2-3-4", 5, "", "pre-\n1970\nand\n2-3-4"],
  ["word--word", 6, "", "word--\nword"],
];

test("the table has enough cases", () => {
  assert.ok(CASES.length >= 30);
});

for (const [text, width, indent, expected] of CASES) {
  test(`fill(${JSON.stringify(text.length > 60 ? text.slice(0, 57) + "..." : text)}, ${width}, ${JSON.stringify(indent)}) equals Python's textwrap.fill`, () => {
    assert.equal(fill(text, width, indent), expected);
  });
}

test("the subsequent indent defaults to none", () => {
  assert.equal(fill("hello world", 5), "hello\nworld");
});
