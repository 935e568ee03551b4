import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FatalMatchError, NoMatchError, PatternSyntaxError } from "../../src/patterns/errors.ts";
import { formatter, regex, suffix } from "../../src/patterns/indicators.ts";
import { compileFilter, jobSubstituter, nestedSubstituter } from "../../src/patterns/substitute.ts";
import type { FileFilter } from "../../src/patterns/types.ts";

const CWD = "/tmp/proj";

function sub(f: FileFilter, files: readonly string[], outputDir?: string) {
  return jobSubstituter(compileFilter(f), files, { cwd: CWD, outputDir });
}

function fails(f: () => unknown, cls: typeof NoMatchError | typeof FatalMatchError, message: string): void {
  assert.throws(f, (e) => e instanceof cls && e.message === message);
}

type Expected = { ok: unknown } | { err: "NoMatchError" | "FatalMatchError"; msg: string };

// [filter, input file names, output|extra, pattern value, output_dir, expected]: each expectation is what
// Ruffus 2.8.4's t_suffix/t_regex/t_formatter_file_names_transform returned (substitute_output_files for
// "output", substitute for "extra") when run in /tmp/proj; tuples shown as arrays (compared with Ruffus 2.8.4).
const RUFFUS_CASES: [(string | null)[], string[], "output" | "extra", unknown, string | null, Expected][] = [
  [["suffix", ".csv"], ["b.csv", "a.txt"], "output", ".out", null, {"ok": "b.out"}],
  [["suffix", ".csv"], ["b.csv"], "output", [".out", ["\\1.x", {"k": "\\1"}], 7, null], null, {"ok": ["b.out", ["b.x", {"k": "\\1"}], 7, null]}],
  [["suffix", ".csv"], ["b.csv"], "extra", [".out", ["\\1.x", {"k": "\\1"}], 7, null], null, {"ok": [".out", ["b.x", {"k": "\\1"}], 7, null]}],
  [["suffix", ".csv"], ["b.csv"], "output", ".out", "od", {"ok": "od/b.out"}],
  [["suffix", ".csv"], ["b.csv"], "extra", ["\\1.extra", "verbatim"], "od", {"ok": ["od/b.extra", "verbatim"]}],
  [["suffix", ".csv"], ["/w/a.csv"], "extra", "orig_dir=\\1", "/w/od/", {"ok": "orig_dir=/w/od/a"}],
  [["suffix", ".c"], ["1.c"], "extra", ["\\1.h", "universal.h"], null, {"ok": ["1.h", "universal.h"]}],
  [["suffix", ".c"], ["1.x"], "output", "\\1.o", null, {"err": "NoMatchError", "msg": "File '1.x' does not match suffix('.c') and pattern '\\1.o'"}],
  [["suffix", ".c"], ["1.x"], "extra", "\\1.o", null, {"err": "NoMatchError", "msg": "File '1.x' does not match regex('.c') and pattern '\\1.o'\n\n"}],
  [["suffix", ".c"], ["1.x"], "extra", "verbatim", null, {"err": "NoMatchError", "msg": "File '1.x' does not match regex('.c') and pattern 'verbatim'\n\n"}],
  [["suffix", ""], ["a.txt"], "output", ".o", null, {"ok": "a.txt.o.o"}],
  [["suffix", ".c"], ["a.c"], "output", "\\g<0>", null, {"ok": "aa.c"}],
  [["suffix", "[x].c"], ["a[x].c"], "output", ".o", null, {"ok": "a.o"}],
  [["regex", "(.+)\\.txt"], ["a.txt"], "extra", ["\\1", 7, ["\\1.x", {"k": "\\1"}], ["\\1", null]], null, {"ok": ["a", 7, ["a.x", {"k": "\\1"}], ["a", null]]}],
  [["regex", "a"], ["a.txt"], "output", "X", null, {"ok": "X.txt"}],
  [["regex", "a"], ["banana.csv"], "output", "X", null, {"ok": "bXnXnX.csv"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.test"], "extra", "\\1.testwhat", null, {"ok": "DIR/f0.testwhat"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.test"], "output", ["\\1.output1", "\\1.output2"], null, {"ok": ["DIR/f0.output1", "DIR/f0.output2"]}],
  [["regex", "(.*)\\.test"], ["DIR/f0.testx"], "output", "\\1.o", null, {"ok": "DIR/f0.ox"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.x"], "output", "\\1.o", null, {"err": "NoMatchError", "msg": "File 'DIR/f0.x' does not match regex('(.*)\\.test') and pattern '\\1.o'\n\n"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.x"], "output", "\\2.o", null, {"err": "FatalMatchError", "msg": "File 'DIR/f0.x' does not match regex('(.*)\\.test') and pattern '\\2.o':\n\tinvalid group reference 2 at position 1\n"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.test"], "output", "\\2.o", null, {"err": "FatalMatchError", "msg": "File 'DIR/f0.test' does not match regex('(.*)\\.test') and pattern '\\2.o':\n\tinvalid group reference 2 at position 1\n"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.test"], "output", "\\g<name>.o", null, {"err": "FatalMatchError", "msg": "File 'DIR/f0.test' does not match regex('(.*)\\.test') and pattern '\\g<name>.o':\n\tunknown group name 'name'\n"}],
  [["regex", "(?P<name>.*)\\.test"], ["DIR/f0.test"], "output", "\\g<name>.o", null, {"ok": "DIR/f0.o"}],
  [["regex", "(.*)\\.test"], ["DIR/f0.test"], "output", "\\q", null, {"err": "FatalMatchError", "msg": "File 'DIR/f0.test' does not match regex('(.*)\\.test') and pattern '\\q':\n\tbad escape \\q at position 0\n"}],
  [["formatter"], ["a.txt", "b.csv"], "output", "constant.out", null, {"ok": "constant.out"}],
  [["formatter", "\\.txt$"], ["b.csv"], "output", "constant.out", null, {"ok": "constant.out"}],
  [["formatter", "\\.txt$"], ["b.csv"], "output", "{basename[0]}", null, {"err": "NoMatchError", "msg": "Unmatched field {basename} in '{basename[0]}' where\n  input =  ['b.csv'],\n  filter = formatter('\\\\.txt$'). Possible substitutions= [], {}."}],
  [["formatter", "(?P<stem>[^/]+)\\.txt$"], ["sub/dir/x.y.txt"], "output", "{path[0]}|{basename[0]}|{ext[0]}|{subdir[0][0]}|{subpath[0][1]}|{stem[0]}|{1[0]}|{0[0]}", null, {"ok": "/tmp/proj/sub/dir|x.y|.txt|dir|/tmp/proj/sub|x.y|x.y|x.y.txt"}],
  [["formatter", "(?P<stem>[^/]+)\\.txt$"], ["sub/dir/x.y.txt"], "output", "{subdir[0]}", null, {"ok": "['dir', 'sub', 'proj', 'tmp', '/']"}],
  [["formatter", "(?P<stem>[^/]+)\\.txt$"], ["a.txt", "b.csv"], "output", "{stem[1]}", null, {"err": "NoMatchError", "msg": "Unmatched field {1} in '{stem[1]}' where\n  input =  ['a.txt', 'b.csv'],\n  filter = formatter('(?P<stem>[^/]+)\\\\.txt$'). Possible substitutions= [{0: 'a.txt'}, {0: 'a'}], {'basename': {0: 'a', 1: 'b'}, 'ext': {0: '.txt', 1: '.csv'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/'], 1: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/'], 1: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj', 1: '/tmp/proj'}, 'stem': {0: 'a'}}."}],
  [["formatter", null, "(b)"], ["a.txt", "b.csv"], "output", "{1}", null, {"ok": "{1: 'b'}"}],
  [["formatter", null, "(b)"], ["a.txt", "b.csv"], "extra", ["{basename}", 5, {"x": "{y}"}], null, {"ok": ["{0: 'a', 1: 'b'}", 5, {"x": "{y}"}]}],
  [["formatter", null, "(b)"], ["a.txt", "b.csv"], "output", "{subdir[0][9]}", null, {"err": "NoMatchError", "msg": "Unmatched field {list index out of range} in '{subdir[0][9]}' where\n  input =  ['a.txt', 'b.csv'],\n  filter = formatter(None, '(b)'). Possible substitutions= [{1: 'b'}, {1: 'b'}], {'basename': {0: 'a', 1: 'b'}, 'ext': {0: '.txt', 1: '.csv'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/'], 1: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/'], 1: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj', 1: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{basename[0][9]}", null, {"err": "NoMatchError", "msg": "Unmatched field {string index out of range} in '{basename[0][9]}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{basename['0']}", null, {"err": "NoMatchError", "msg": "Unmatched field {0} in '{basename['0']}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{basename[\"\"]}", null, {"err": "NoMatchError", "msg": "Unmatched field {} in '{basename[\"\"]}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{basename[x]}", null, {"err": "NoMatchError", "msg": "Unmatched field {x} in '{basename[x]}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{}", null, {"err": "NoMatchError", "msg": "Unmatched field {Replacement index 0 out of range for positional args tuple} in '{}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{3}", null, {"err": "NoMatchError", "msg": "Unmatched field {Replacement index 3 out of range for positional args tuple} in '{3}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "{a}}", null, {"err": "NoMatchError", "msg": "Unmatched field {a} in '{a}}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "echo {dynamic_message} > {some_file}", null, {"err": "NoMatchError", "msg": "Unmatched field {dynamic_message} in 'echo {dynamic_message} > {some_file}' where\n  input =  ['a.txt'],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: 'a'}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], ["a.txt"], "output", "echo {{dynamic_message}} > {basename[0]}", null, {"ok": "echo {dynamic_message} > a"}],
  [["formatter", "(?P<basename>\\d+)\\..+"], ["/a/b/c/sample1.bam"], "output", "{basename[0]}|{0[0]}|{1[0]}", null, {"ok": "1|1.bam|1"}],
  [["formatter", "(.*)(?P<id>\\d+)\\..+", "(.*)(?P<id>\\d+)\\..+"], ["/a/b/c/sample1.bam", "dbsnp15.vcf", "/test.txt"], "output", "{id[0]}{id[1]}{basename[2]}", null, {"ok": "15test"}],
  [["formatter", "(.*)(?P<id>\\d+)\\..+", "(.*)(?P<id>\\d+)\\..+", "x"], ["/a/b/c/sample1.bam", "dbsnp15.vcf"], "output", "{id[0]}{id[1]}", null, {"ok": "15"}],
  [["formatter", "(a)?(b)?"], ["/b"], "output", "{1[0]}|{2[0]}", null, {"err": "NoMatchError", "msg": "Unmatched field {Replacement index 1 out of range for positional args tuple} in '{1[0]}|{2[0]}' where\n  input =  ['/b'],\n  filter = formatter('(a)?(b)?'). Possible substitutions= [{0: ''}], {'basename': {0: 'b'}, 'ext': {0: ''}, 'subpath': {0: ['/']}, 'subdir': {0: ['/']}, 'path': {0: '/'}}."}],
  [["formatter", "(a)?(b)?c"], ["/ac"], "output", "{1[0]}|{2[0]}", null, {"err": "NoMatchError", "msg": "Unmatched field {Replacement index 2 out of range for positional args tuple} in '{1[0]}|{2[0]}' where\n  input =  ['/ac'],\n  filter = formatter('(a)?(b)?c'). Possible substitutions= [{0: 'ac'}, {0: 'a'}], {'basename': {0: 'ac'}, 'ext': {0: ''}, 'subpath': {0: ['/']}, 'subdir': {0: ['/']}, 'path': {0: '/'}}."}],
  [["formatter", "(a)?(b)?c"], ["/ac"], "output", "{2[0]}", null, {"err": "NoMatchError", "msg": "Unmatched field {Replacement index 2 out of range for positional args tuple} in '{2[0]}' where\n  input =  ['/ac'],\n  filter = formatter('(a)?(b)?c'). Possible substitutions= [{0: 'ac'}, {0: 'a'}], {'basename': {0: 'ac'}, 'ext': {0: ''}, 'subpath': {0: ['/']}, 'subdir': {0: ['/']}, 'path': {0: '/'}}."}],
  [["formatter", "x(?P<n>y)?"], ["/x"], "output", "{n[0]}", null, {"err": "NoMatchError", "msg": "Unmatched field {n} in '{n[0]}' where\n  input =  ['/x'],\n  filter = formatter('x(?P<n>y)?'). Possible substitutions= [{0: 'x'}], {'basename': {0: 'x'}, 'ext': {0: ''}, 'subpath': {0: ['/']}, 'subdir': {0: ['/']}, 'path': {0: '/'}}."}],
  [["formatter", "x"], ["/x"], "output", "{0[0]}", null, {"ok": "x"}],
  [["formatter", "x(?P<n>y)?"], ["/x"], "output", "{0[0]}", null, {"ok": "x"}],
  [["formatter"], ["it's.txt"], "output", "{nope}", null, {"err": "NoMatchError", "msg": "Unmatched field {nope} in '{nope}' where\n  input =  [\"it's.txt\"],\n  filter = formatter(). Possible substitutions= [], {'basename': {0: \"it's\"}, 'ext': {0: '.txt'}, 'subpath': {0: ['/tmp/proj', '/tmp', '/']}, 'subdir': {0: ['proj', 'tmp', '/']}, 'path': {0: '/tmp/proj'}}."}],
  [["formatter"], [], "output", "{basename[0]}", null, {"err": "NoMatchError", "msg": "Unmatched field {basename} in '{basename[0]}' where\n  input =  [],\n  filter = formatter(). Possible substitutions= [], {}."}],
  [["formatter"], [], "output", "const", null, {"ok": "const"}],
];

describe("jobSubstituter agrees with Ruffus 2.8.4", () => {
  for (const [[kind, ...args], files, mode, pattern, outputDir, expected] of RUFFUS_CASES) {
    test(`${kind}(${args.join(", ")}) ${JSON.stringify(files)} ${mode} ${JSON.stringify(pattern)}${outputDir ? ` output_dir=${outputDir}` : ""}`, () => {
      const f = kind === "suffix" ? suffix(args[0] as string) : kind === "regex" ? regex(args[0] as string) : formatter(...args);
      const s = sub(f, files, outputDir ?? undefined);
      const run = (): unknown => (mode === "output" ? s.output(pattern) : s.extra(pattern));
      if ("ok" in expected) assert.deepEqual(run(), expected.ok);
      else fails(run, expected.err === "NoMatchError" ? NoMatchError : FatalMatchError, expected.msg);
    });
  }
});

describe("suffix() (reference §2.3)", () => {
  test("output: '.o', '\\1.o' are the same; 'my_path/\\1.o' keeps the directory inside", () => {
    const s = sub(suffix(".c"), ["src/1.c"]);
    assert.equal(s.output(".o"), "src/1.o");
    assert.equal(s.output(String.raw`\1.o`), "src/1.o");
    assert.equal(s.output(String.raw`my_path/\1.o`), "my_path/src/1.o");
  });
  test("only the first input string drives substitution (observed: ['b.csv', 'a.txt'] -> b.out)", () => {
    assert.equal(sub(suffix(".csv"), ["b.csv", "a.txt"]).output(".out"), "b.out");
  });
  test("extras: verbatim strings stay, \\1 is substituted (add_inputs(r'\\1.h', 'universal.h'))", () => {
    assert.deepEqual(sub(suffix(".c"), ["1.c"]).extra([String.raw`\1.h`, "universal.h"]), ["1.h", "universal.h"]);
    assert.equal(sub(suffix(".c"), ["1.c"]).extra(String.raw`Compiling \1`), "Compiling 1");
  });
  test("a non-matching extra says regex('.csv'), a non-matching output says suffix('.csv')", () => {
    const s = sub(suffix(".csv"), ["b.txt"]);
    fails(() => s.output(".out"), NoMatchError, "File 'b.txt' does not match suffix('.csv') and pattern '.out'");
    fails(() => s.extra("x"), NoMatchError, "File 'b.txt' does not match regex('.csv') and pattern 'x'\n\n");
  });
  test("output_dir replaces the directory before substitution, for outputs and extras (observed)", () => {
    const s = sub(suffix(".csv"), ["in/b.csv"], "od");
    assert.equal(s.output(".out"), "od/b.out");
    assert.deepEqual(s.extra([String.raw`\1.extra`, "verbatim"]), ["od/b.extra", "verbatim"]);
  });
  test("a bad group in an output names the file and the suffix (Ruffus lets a bare re.error escape here)", () => {
    fails(
      () => sub(suffix(".csv"), ["a/b.csv"]).output(String.raw`\2.o`),
      FatalMatchError,
      "File 'a/b.csv' does not match suffix('.csv') and pattern '\\2.o':\n\tinvalid group reference 2 at position 6\n",
    );
  });
});

describe("regex() (reference §2.4)", () => {
  test("every match is replaced, text outside the matches is kept (observed)", () => {
    assert.equal(sub(regex("a"), ["a.txt"]).output("X"), "X.txt");
    assert.equal(sub(regex("a"), ["banana.csv"]).output("X"), "bXnXnX.csv");
  });
  test("test_N_x_M_and_collate.py: the unmatched directory prefix is kept", () => {
    const s = sub(regex(String.raw`simulation_results/(\d+).\d+.simulation_res`), ["/wd/simulation_results/000.001.simulation_res"]);
    assert.equal(s.output(String.raw`\1.mean`), "/wd/000.mean");
  });
  test("doc/decorators/transform.rst: regex(r'.c$'), '.o' maps 1.c to 1.o", () => {
    assert.equal(sub(regex(".c$"), ["1.c"]).output(".o"), "1.o");
  });
  test("extras: arrays recurse, plain objects and non-strings are left alone, sets are rebuilt (observed)", () => {
    const s = sub(regex(String.raw`(.+)\.txt`), ["a.txt"]);
    const dict = { k: String.raw`\1` };
    const out = s.extra([String.raw`\1`, 7, [String.raw`\1.x`, dict], [String.raw`\1`, null]]) as unknown[];
    assert.deepEqual(out, ["a", 7, ["a.x", { k: "\\1" }], ["a", null]]);
    assert.equal((out[2] as unknown[])[1], dict, "the very same object");
    assert.deepEqual(s.extra(new Set([String.raw`\1`, "x"])), new Set(["a", "x"]));
  });
  test("test_regex_error_messages.py: bad group numbers and names are fatal", () => {
    const s = sub(regex(String.raw`(.*)\.test`), ["DIR/f0.test"]);
    fails(() => s.output(String.raw`\2.o`), FatalMatchError, "File 'DIR/f0.test' does not match regex('(.*)\\.test') and pattern '\\2.o':\n\tinvalid group reference 2 at position 1\n");
    fails(() => s.output(String.raw`\g<name>.o`), FatalMatchError, "File 'DIR/f0.test' does not match regex('(.*)\\.test') and pattern '\\g<name>.o':\n\tunknown group name 'name'\n");
  });
  test("a control character \\x01 (a sloppy-mode \"\\1\") is fatal and explains the JavaScript fix", () => {
    const hint =
      "The special regular expression characters \\1 and \\2 need to be 'escaped' in JavaScript. " +
      "The easiest option is to use String.raw`\\1_in_a string\\2`, or to double the backslashes: \"\\\\1_in_a string\\\\2\". " +
      "See https://docs.python.org/3/library/re.html#re.sub.";
    fails(() => sub(suffix(".c"), ["1.c"]).output("\x01.o"), FatalMatchError, `['\\1.o'] ${hint}`);
    fails(() => sub(regex("(.)"), ["1.c"]).extra(["ok", "a\x02b"]), FatalMatchError, `['a\\2b'] ${hint}`);
  });
  test("regex() from a RegExp honours its flags", () => {
    assert.equal(sub(regex(/(.+)\.TXT$/i), ["a.txt"]).output(String.raw`\1.csv`), "a.csv");
  });
});

describe("formatter() (reference §2.5)", () => {
  test("regexes see absolute paths; {path[0]} is absolute; named groups and numbers (observed)", () => {
    const s = sub(formatter(String.raw`(?P<stem>[^/]+)\.txt$`), ["sub/dir/x.y.txt"]);
    assert.equal(
      s.output("{path[0]}|{basename[0]}|{ext[0]}|{subdir[0][0]}|{subpath[0][1]}|{stem[0]}|{1[0]}|{0[0]}"),
      "/tmp/proj/sub/dir|x.y|.txt|dir|/tmp/proj/sub|x.y|x.y|x.y.txt",
    );
  });
  test("{subdir[0]} renders the Python list repr (observed)", () => {
    assert.equal(sub(formatter(), ["sub/dir/x.txt"]).output("{subdir[0]}"), "['dir', 'sub', 'proj', 'tmp', '/']");
  });
  test("a regex anchored on the relative name never matches (it sees the absolute path)", () => {
    const s = sub(formatter("^sub/"), ["sub/x.txt"]);
    assert.throws(() => s.output("{basename[0]}"), NoMatchError);
  });
  test("a template with no field never fails, even when the regex does not match (observed)", () => {
    const s = sub(formatter(String.raw`\.txt$`), ["b.csv"]);
    assert.equal(s.output("constant.out"), "constant.out");
  });
  test("if the regex of any input fails, no input has components (compared with Ruffus 2.8.4)", () => {
    fails(
      () => sub(formatter("a", "zzz"), ["a.txt", "b.txt"]).output("{basename[0]}"),
      NoMatchError,
      "Unmatched field {basename} in '{basename[0]}' where\n  input =  ['a.txt', 'b.txt'],\n  filter = formatter('a', 'zzz'). Possible substitutions= [], {}.",
    );
  });
  test("a named group overrides the path component of the same name", () => {
    assert.equal(sub(formatter(String.raw`(?P<basename>\d+)\..+`), ["/a/b/c/sample1.bam"]).output("{basename[0]}"), "1");
  });
  test("test_file_name_parameters.py test_formatter", () => {
    const s = sub(formatter(String.raw`/(?P<name>\w+).test$`), ["/DIR/f0.test"]);
    assert.deepEqual(s.output(["{path[0]}/{name[0]}.output1{ext[0]}", "{path[0]}/{name[0]}.output2"]), ["/DIR/f0.output1.test", "/DIR/f0.output2"]);
    assert.equal(s.extra("{path[0]}/{name[0]}.output3"), "/DIR/f0.output3");
  });
  test("test_transform_formatter.py: single braces in extras are fields", () => {
    const s = sub(formatter(), ["a.txt"]);
    assert.throws(() => s.extra("echo {dynamic_message} > {some_file}"), (e) => e instanceof NoMatchError && e.message.startsWith("Unmatched field {dynamic_message} in 'echo {dynamic_message} > {some_file}' where\n"));
    assert.equal(s.extra("echo {{dynamic_message}} > {basename[0]}"), "echo {dynamic_message} > a");
  });
  test("a malformed template (not a missing field) is fatal", () => {
    fails(() => sub(formatter(), ["a.txt"]).output("{basename[0]"), FatalMatchError, "Malformed formatter pattern '{basename[0]':\n\tValueError: expected '}' before end of string");
  });
  test("errors are lazy: building the substituter never throws", () => {
    const s = sub(formatter("nomatch"), ["a.txt"]);
    assert.equal(s.output(7), 7);
    assert.throws(() => s.output("{basename[0]}"), NoMatchError);
  });
});

describe("nestedSubstituter: product() and combinatorics (reference §2.5, test_combinatorics.py)", () => {
  const FILE_PART = compileFilter(formatter(".*/(?P<FILE_PART>.+).tmp1$"));
  const nested = nestedSubstituter([FILE_PART, compileFilter(formatter())], [["d/a.tmp1"], ["d/e.tmp1", "x.y"]], { cwd: CWD });
  // Possible substitutions part of the message, as Ruffus 2.8.4 printed it for these inputs in /tmp/proj.
  const possible =
    "Possible substitutions= [{0: {0: '/tmp/proj/d/a.tmp1'}}, {0: {0: 'a'}}], {'basename': {0: {0: 'a'}, 1: {0: 'e', 1: 'x'}}, " +
    "'ext': {0: {0: '.tmp1'}, 1: {0: '.tmp1', 1: '.y'}}, 'subpath': {0: {0: ['/tmp/proj/d', '/tmp/proj', '/tmp', '/']}, 1: {0: ['/tmp/proj/d', '/tmp/proj', '/tmp', '/'], 1: ['/tmp/proj', '/tmp', '/']}}, " +
    "'subdir': {0: {0: ['d', 'proj', 'tmp', '/']}, 1: {0: ['d', 'proj', 'tmp', '/'], 1: ['proj', 'tmp', '/']}}, 'path': {0: {0: '/tmp/proj/d'}, 1: {0: '/tmp/proj/d', 1: '/tmp/proj'}}, 'FILE_PART': {0: {0: 'a'}}}.";
  const where = "where\n  input =  [['d/a.tmp1'], ['d/e.tmp1', 'x.y']],\n  filter = formatter(formatter('.*/(?P<FILE_PART>.+).tmp1$'), formatter()). ";

  test("{x[i][j]}: set i, file j; a third index reaches into the string", () => {
    assert.equal(
      nested.output("{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.{basename[1][1]}|{basename[0][0][0]}|{subpath[0][0][0]}|{subdir[0][0][0]}|{0[0][0]}|{1[0][0]}"),
      "/tmp/proj/d/a.e.x|a|/tmp/proj/d|d|/tmp/proj/d/a.tmp1|a",
    );
  });
  test("{path[2][0]} with two sets -> Unmatched field {2}", () => {
    fails(() => nested.output("{path[2][0]}"), NoMatchError, `Unmatched field {2} in '{path[2][0]}' ${where}${possible}`);
  });
  test("{path[0][0][1000]} -> Unmatched field {string index out of range}", () => {
    fails(() => nested.extra("{path[0][0][1000]}"), NoMatchError, `Unmatched field {string index out of range} in '{path[0][0][1000]}' ${where}${possible}`);
  });
  test("misspelt group -> Unmatched field {FILEPART}", () => {
    assert.throws(() => nested.output("{FILEPART[0][0]}"), (e) => e instanceof NoMatchError && e.message.startsWith("Unmatched field {FILEPART} in '{FILEPART[0][0]}' where"));
  });

  test("test_file_name_parameters.py product: a non-matching second set skips the job", () => {
    const a = compileFilter(formatter(String.raw`(?:.+/)?(?P<ID>\w+)\.(.+)`));
    const b = compileFilter(formatter(String.raw`(?:.+/)?(?P<ID>\w+)\.(test2)`));
    const ok = nestedSubstituter([a, b], [["/t/a.test1"], ["/t/c.test2"]], { cwd: CWD });
    assert.equal(ok.output(String.raw`{path[0][0]}/{ID[0][0]}.{1[1][0]}.output`), "/t/a.c.output");
    assert.deepEqual(ok.extra(["{path[0][0]}/{basename[0][0]}.testwhat1", "{path[1][0]}/{basename[1][0]}.testwhat2"]), ["/t/a.testwhat1", "/t/c.testwhat2"]);
    const skipped = nestedSubstituter([a, b], [["/t/a.test1"], ["/t/e.ignore"]], { cwd: CWD });
    fails(
      () => skipped.output(String.raw`{path[0][0]}/{ID[0][0]}.{1[1][0]}.output`),
      NoMatchError,
      "Unmatched field {1} in '{path[0][0]}/{ID[0][0]}.{1[1][0]}.output' where\n  input =  [['/t/a.test1'], ['/t/e.ignore']],\n" +
        "  filter = formatter(formatter('(?:.+/)?(?P<ID>\\\\w+)\\\\.(.+)'), formatter('(?:.+/)?(?P<ID>\\\\w+)\\\\.(test2)')). " +
        "Possible substitutions= [{0: {0: '/t/a.test1'}}, {0: {0: 'a'}}, {0: {0: 'test1'}}], {'basename': {0: {0: 'a'}}, 'ext': {0: {0: '.test1'}}, " +
        "'subpath': {0: {0: ['/t', '/']}}, 'subdir': {0: {0: ['t', '/']}}, 'path': {0: {0: '/t'}}, 'ID': {0: {0: 'a'}}}.",
    );
  });
  test("formatting a whole level prints nested dict reprs (compared with Ruffus 2.8.4)", () => {
    const n = nestedSubstituter([compileFilter(formatter("(x)")), compileFilter(formatter())], [["a.x"], ["b.y"]], { cwd: CWD });
    assert.equal(n.output("{1}|{1[0]}|{1[0][0]}"), "{0: {0: 'x'}}|{0: 'x'}|x");
  });
  test("an empty set gives no components for it (compared with Ruffus 2.8.4)", () => {
    const n = nestedSubstituter([compileFilter(formatter()), compileFilter(formatter())], [[], ["b.y"]], { cwd: CWD });
    assert.throws(() => n.output("{basename[0][0]}"), (e) => e instanceof NoMatchError && e.message.startsWith("Unmatched field {0} in '{basename[0][0]}' where\n  input =  [[], ['b.y']],"));
    assert.equal(n.output("{basename[1][0]}"), "b");
  });
  test("the number of filters must match the number of sets; filters must be formatters", () => {
    assert.throws(() => nestedSubstituter([FILE_PART], [["a"], ["b"]], { cwd: CWD }), /Logic Error/);
    assert.throws(() => nestedSubstituter([compileFilter(suffix(".c"))], [["a.c"]], { cwd: CWD }), PatternSyntaxError);
  });
});

describe("compileFilter", () => {
  test("re-validates hand-made filters with Ruffus's messages", () => {
    assert.throws(
      () => compileFilter({ kind: "regex", pattern: "(" }),
      (e) => e instanceof PatternSyntaxError && e.message === "regular expression regex('(') is malformed\n[re.error: (missing ), unterminated subpattern at position 0)]",
    );
  });
  test("keeps the filter and compiles once", () => {
    const f = formatter("a", null);
    const c = compileFilter(f);
    assert.equal(c.filter, f);
    assert.equal(c.regexes.length, 2);
    assert.equal(c.regexes[1], null);
  });
});
