/**
 * Python glob semantics of input and output globs (src/runtime/python-glob.ts), compared with
 * CPython 3.11's glob.glob (the Python Ruffus 2.8.4 runs on): each row is a pattern, the sorted result
 * of glob.glob(pattern) in the fixture directory below and, where it differs, of
 * glob.glob(pattern, recursive=True), which is what we implement for `**` (a listed difference).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fnmatchToRegExp, pythonGlob } from "../../src/runtime/python-glob.ts";

const FILES = [
  "a.txt", "b.txt", "c.txt", "ab.txt", "[x].txt", "x.txt", "a]b.txt", "!a.txt", "-.txt", "^a.txt", ".hidden.txt",
  "sub/a.txt", "sub/b.md", "sub/deep/z.txt", ".hid/h.txt", "d.dir/q.txt", "a[b.txt", "a\\b.txt", "x/y", "a-b.txt",
  "&x", "n\nl", "é1", "aé.txt", "ê2",
];

/** [pattern, glob.glob(pattern), glob.glob(pattern, recursive=True) when different]. */
const TABLE: [string, string[], string[]?][] = [
  ["*.txt", ["!a.txt", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "x.txt"]],
  ["[!a]*.txt", ["!a.txt", "-.txt", "[x].txt", "^a.txt", "b.txt", "c.txt", "x.txt"]],
  ["[x].txt", ["x.txt"]],
  ["a]b.txt", ["a]b.txt"]],
  ["[a]]b.txt", ["a]b.txt"]],
  ["[]]*", []],
  ["[!]]*", ["!a.txt", "&x", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "d.dir", "dangling", "link", "n\nl", "sub", "x", "x.txt", "é1", "ê2"]],
  ["[a-c].txt", ["a.txt", "b.txt", "c.txt"]],
  ["[c-a].txt", []],
  ["[a-].txt", ["-.txt", "a.txt"]],
  ["[-a].txt", ["-.txt", "a.txt"]],
  ["[!a-c]*.txt", ["!a.txt", "-.txt", "[x].txt", "^a.txt", "x.txt"]],
  ["[^a]*", ["^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt"]],
  ["[!]", []],
  ["a[b.txt", ["a[b.txt"]],
  ["a[!b].txt", ["aé.txt"]],
  ["*", ["!a.txt", "&x", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "d.dir", "dangling", "link", "n\nl", "sub", "x", "x.txt", "é1", "ê2"]],
  ["?.txt", ["-.txt", "a.txt", "b.txt", "c.txt", "x.txt"]],
  [".*", [".hid", ".hidden.txt"]],
  ["*/*.txt", ["d.dir/q.txt", "link/a.txt", "sub/a.txt"]],
  ["*/", ["d.dir/", "link/", "sub/", "x/"]],
  ["s*/", ["sub/"]],
  ["sub/*", ["sub/a.txt", "sub/b.md", "sub/deep"]],
  ["sub/**", ["sub/a.txt", "sub/b.md", "sub/deep"], ["sub/", "sub/a.txt", "sub/b.md", "sub/deep", "sub/deep/z.txt"]],
  ["**/*.txt", ["d.dir/q.txt", "link/a.txt", "sub/a.txt"], ["!a.txt", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "d.dir/q.txt", "link/a.txt", "link/deep/z.txt", "sub/a.txt", "sub/deep/z.txt", "x.txt"]],
  ["link/*", ["link/a.txt", "link/b.md", "link/deep"]],
  ["dangling", ["dangling"]],
  ["dang*", ["dangling"]],
  ["nowhere*", []],
  ["[\\]b.txt", []],
  ["a\\b.txt", ["a\\b.txt"]],
  ["a[\\]b.txt", ["a\\b.txt"]],
  ["*/deep/*", ["link/deep/z.txt", "sub/deep/z.txt"]],
  ["sub/deep/z.txt", ["sub/deep/z.txt"]],
  ["./*.txt", ["./!a.txt", "./-.txt", "./[x].txt", "./^a.txt", "./a-b.txt", "./a.txt", "./a[b.txt", "./a\\b.txt", "./a]b.txt", "./ab.txt", "./aé.txt", "./b.txt", "./c.txt", "./x.txt"]],
  ["../fx/a*.txt", ["../fx/a-b.txt", "../fx/a.txt", "../fx/a[b.txt", "../fx/a\\b.txt", "../fx/a]b.txt", "../fx/ab.txt", "../fx/aé.txt"]],
  ["**", ["!a.txt", "&x", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "d.dir", "dangling", "link", "n\nl", "sub", "x", "x.txt", "é1", "ê2"], ["!a.txt", "&x", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "d.dir", "d.dir/q.txt", "dangling", "link", "link/a.txt", "link/b.md", "link/deep", "link/deep/z.txt", "n\nl", "sub", "sub/a.txt", "sub/b.md", "sub/deep", "sub/deep/z.txt", "x", "x.txt", "x/y", "é1", "ê2"]],
  ["x*", ["x", "x.txt"]],
  ["[ab]*.txt", ["a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt"]],
  ["[!!]*.txt", ["-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "x.txt"]],
  ["a**.txt", ["a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt"]],
  ["*.TXT", []],
  ["sub//a.txt", ["sub//a.txt"]],
  ["sub//*", ["sub/a.txt", "sub/b.md", "sub/deep"]],
  ["[a-c-e].txt", ["-.txt", "a.txt", "b.txt", "c.txt"]],
  ["[!a-z].txt", ["-.txt"]],
  [".hid/*", [".hid/h.txt"]],
  [".h*/*", [".hid/h.txt"]],
  ["*/h.txt", []],
  ["sub/**/*.txt", ["sub/deep/z.txt"], ["sub/a.txt", "sub/deep/z.txt"]],
  ["**/", ["d.dir/", "link/", "sub/", "x/"], ["d.dir/", "link/", "link/deep/", "sub/", "sub/deep/", "x/"]],
  ["[a-]b.txt", ["ab.txt"]],
  ["[!-]*.txt", ["!a.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "x.txt"]],
  ["*[", []],
  ["a[]b.txt", []],
  ["[[]x].txt", ["[x].txt"]],
  ["[&]*", ["&x"]],
  ["*\n*", ["n\nl"]],
  ["é*", ["é1"]],
  ["?é.txt", ["aé.txt"]],
  ["[é-ê]*", ["é1", "ê2"]],
  ["no/such/*", []],
  ["sub/[ab].*", ["sub/a.txt", "sub/b.md"]],
  ["*.t?t", ["!a.txt", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "x.txt"]],
  ["*a*b*", ["a-b.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt"]],
  ["d.dir/*", ["d.dir/q.txt"]],
  ["x/y", ["x/y"]],
  ["x/y/", []],
  ["sub/deep/", ["sub/deep/"]],
  ["*/deep/", ["link/deep/", "sub/deep/"]],
  ["[!.]*", ["!a.txt", "&x", "-.txt", "[x].txt", "^a.txt", "a-b.txt", "a.txt", "a[b.txt", "a\\b.txt", "a]b.txt", "ab.txt", "aé.txt", "b.txt", "c.txt", "d.dir", "dangling", "link", "n\nl", "sub", "x", "x.txt", "é1", "ê2"]],
  ["?hid", []],
];

function fixture(): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), "ruffus-glob-"));
  const dir = join(root, "fx");
  for (const f of FILES) {
    const path = join(dir, f);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, "");
  }
  symlinkSync("sub", join(dir, "link"));
  symlinkSync("nowhere", join(dir, "dangling"));
  return { root, dir };
}

test("glob patterns give what Python 3.11 glob.glob gives (compared with Ruffus 2.8.4's Python)", () => {
  const { root, dir } = fixture();
  try {
    for (const [pattern, plain, recursive] of TABLE) {
      assert.deepEqual(pythonGlob(pattern, dir), recursive ?? plain, `pattern ${JSON.stringify(pattern)}`);
    }
    // An absolute pattern keeps its form too.
    assert.deepEqual(pythonGlob(join(dir, "[!a]*.txt"), "/"), ["!a.txt", "-.txt", "[x].txt", "^a.txt", "b.txt", "c.txt", "x.txt"].map((f) => join(dir, f)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("fnmatch translation: sets, ranges and stars as fnmatch.translate reads them (compared with Python 3.11 fnmatch)", () => {
  // [pattern, name, fnmatch.fnmatchcase(name, pattern)]
  const cases: [string, string, boolean][] = [
    ["[!a]*", "abc", false],
    ["[!a]*", "bcd", true],
    ["[b-a!x]", "y", true],
    ["[b-a!x]", "x", false],
    ["[b-a!]", "q", true],
    ["[!b-a]", "q", true],
    ["[z-a]", "m", false],
    ["[a-c-e]", "-", true],
    ["[a-c-e]", "d", false],
    ["[]-]", "]", true],
    ["[]-]", "-", true],
    ["[\\d]", "d", true],
    ["[\\d]", "1", false],
    ["*a*a*a*a*a*a*a*a*a*b", "a".repeat(60), false],
    ["x*y*z", "x\ny\nz", true],
  ];
  for (const [pattern, name, expected] of cases) assert.equal(fnmatchToRegExp(pattern).test(name), expected, `${pattern} ~ ${JSON.stringify(name)}`);
});
