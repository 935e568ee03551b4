import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pathDecomposition } from "../../src/patterns/path-decomposition.ts";
import { abspath, basename, join, normpath, split, splitext } from "../../src/patterns/posix-path.ts";

describe("pathDecomposition: Ruffus test_ruffus_utility.py Test_path_decomposition", () => {
  const cases: [string, ReturnType<typeof pathDecomposition>][] = [
    ["/a/b/c/d/filename.txt", { basename: "filename", ext: ".txt", subpath: ["/a/b/c/d", "/a/b/c", "/a/b", "/a", "/"], subdir: ["d", "c", "b", "a", "/"], path: "/a/b/c/d" }],
    ["//a/filename.txt", { basename: "filename", ext: ".txt", subpath: ["//a", "//"], path: "//a", subdir: ["a", "//"] }],
    ["filename.txt", { basename: "filename", ext: ".txt", subpath: [], path: "", subdir: [] }],
    ["/filename.txt", { basename: "filename", ext: ".txt", path: "/", subpath: ["/"], subdir: ["/"] }],
    ["a/b/filename.txt", { basename: "filename", ext: ".txt", subpath: ["a/b", "a"], path: "a/b", subdir: ["b", "a"] }],
    ["/a/b/*.txt", { basename: "*", ext: ".txt", path: "/a/b", subpath: ["/a/b", "/a", "/"], subdir: ["b", "a", "/"] }],
    ["/a/b/.txt", { basename: ".txt", ext: "", path: "/a/b", subpath: ["/a/b", "/a", "/"], subdir: ["b", "a", "/"] }],
    ["/a/b/filename", { basename: "filename", ext: "", path: "/a/b", subpath: ["/a/b", "/a", "/"], subdir: ["b", "a", "/"] }],
    ["/a/b/filename.", { basename: "filename", ext: ".", path: "/a/b", subpath: ["/a/b", "/a", "/"], subdir: ["b", "a", "/"] }],
    ["/a/b/", { basename: "", ext: "", path: "/a/b", subpath: ["/a/b", "/a", "/"], subdir: ["b", "a", "/"] }],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(pathDecomposition(input), expected));
  }

  test("empty string: path is '' (Ruffus returns a list there) and subpath is []", () => {
    assert.deepEqual(pathDecomposition(""), { basename: "", ext: "", path: "", subdir: [], subpath: [] });
  });
});

// [path, path_decomposition, normpath, split, splitext, abspath with cwd "/cwd/x"]:
// every expectation was produced by Ruffus 2.8.4 / Python 3.11 posixpath (compared with Ruffus 2.8.4).
const PYTHON_TABLE: [string, ReturnType<typeof pathDecomposition>, string, [string, string], [string, string], string][] = [
  ["/a/b/c/d/filename.txt", {"basename": "filename", "ext": ".txt", "path": "/a/b/c/d", "subdir": ["d", "c", "b", "a", "/"], "subpath": ["/a/b/c/d", "/a/b/c", "/a/b", "/a", "/"]}, "/a/b/c/d/filename.txt", ["/a/b/c/d", "filename.txt"], ["/a/b/c/d/filename", ".txt"], "/a/b/c/d/filename.txt"],
  ["//a/filename.txt", {"basename": "filename", "ext": ".txt", "path": "//a", "subdir": ["a", "//"], "subpath": ["//a", "//"]}, "//a/filename.txt", ["//a", "filename.txt"], ["//a/filename", ".txt"], "//a/filename.txt"],
  ["filename.txt", {"basename": "filename", "ext": ".txt", "path": "", "subdir": [], "subpath": []}, "filename.txt", ["", "filename.txt"], ["filename", ".txt"], "/cwd/x/filename.txt"],
  ["/filename.txt", {"basename": "filename", "ext": ".txt", "path": "/", "subdir": ["/"], "subpath": ["/"]}, "/filename.txt", ["/", "filename.txt"], ["/filename", ".txt"], "/filename.txt"],
  ["a/b/filename.txt", {"basename": "filename", "ext": ".txt", "path": "a/b", "subdir": ["b", "a"], "subpath": ["a/b", "a"]}, "a/b/filename.txt", ["a/b", "filename.txt"], ["a/b/filename", ".txt"], "/cwd/x/a/b/filename.txt"],
  ["/a/b/*.txt", {"basename": "*", "ext": ".txt", "path": "/a/b", "subdir": ["b", "a", "/"], "subpath": ["/a/b", "/a", "/"]}, "/a/b/*.txt", ["/a/b", "*.txt"], ["/a/b/*", ".txt"], "/a/b/*.txt"],
  ["/a/b/.txt", {"basename": ".txt", "ext": "", "path": "/a/b", "subdir": ["b", "a", "/"], "subpath": ["/a/b", "/a", "/"]}, "/a/b/.txt", ["/a/b", ".txt"], ["/a/b/.txt", ""], "/a/b/.txt"],
  ["/a/b/filename", {"basename": "filename", "ext": "", "path": "/a/b", "subdir": ["b", "a", "/"], "subpath": ["/a/b", "/a", "/"]}, "/a/b/filename", ["/a/b", "filename"], ["/a/b/filename", ""], "/a/b/filename"],
  ["/a/b/filename.", {"basename": "filename", "ext": ".", "path": "/a/b", "subdir": ["b", "a", "/"], "subpath": ["/a/b", "/a", "/"]}, "/a/b/filename.", ["/a/b", "filename."], ["/a/b/filename", "."], "/a/b/filename."],
  ["/a/b/", {"basename": "", "ext": "", "path": "/a/b", "subdir": ["b", "a", "/"], "subpath": ["/a/b", "/a", "/"]}, "/a/b", ["/a/b", ""], ["/a/b/", ""], "/a/b"],
  ["./", {"basename": "", "ext": "", "path": ".", "subdir": ["."], "subpath": ["."]}, ".", [".", ""], ["./", ""], "/cwd/x"],
  ["/.", {"basename": ".", "ext": "", "path": "/", "subdir": ["/"], "subpath": ["/"]}, "/", ["/", "."], ["/.", ""], "/"],
  [".", {"basename": ".", "ext": "", "path": "", "subdir": [], "subpath": []}, ".", ["", "."], [".", ""], "/cwd/x"],
  ["..", {"basename": "..", "ext": "", "path": "", "subdir": [], "subpath": []}, "..", ["", ".."], ["..", ""], "/cwd"],
  ["../a", {"basename": "a", "ext": "", "path": "..", "subdir": [".."], "subpath": [".."]}, "../a", ["..", "a"], ["../a", ""], "/cwd/a"],
  ["./a/b.txt", {"basename": "b", "ext": ".txt", "path": "./a", "subdir": ["a", "."], "subpath": ["./a", "."]}, "a/b.txt", ["./a", "b.txt"], ["./a/b", ".txt"], "/cwd/x/a/b.txt"],
  ["./a/../b.txt", {"basename": "b", "ext": ".txt", "path": ".", "subdir": ["."], "subpath": ["."]}, "b.txt", ["./a/..", "b.txt"], ["./a/../b", ".txt"], "/cwd/x/b.txt"],
  ["a/./b//c/", {"basename": "", "ext": "", "path": "a/b/c", "subdir": ["c", "b", "a"], "subpath": ["a/b/c", "a/b", "a"]}, "a/b/c", ["a/./b//c", ""], ["a/./b//c/", ""], "/cwd/x/a/b/c"],
  ["///a/b", {"basename": "b", "ext": "", "path": "/a", "subdir": ["a", "/"], "subpath": ["/a", "/"]}, "/a/b", ["///a", "b"], ["///a/b", ""], "/a/b"],
  ["////", {"basename": "", "ext": "", "path": "/", "subdir": ["/"], "subpath": ["/"]}, "/", ["////", ""], ["////", ""], "/"],
  ["//", {"basename": "", "ext": "", "path": "//", "subdir": ["//"], "subpath": ["//"]}, "//", ["//", ""], ["//", ""], "//"],
  ["/", {"basename": "", "ext": "", "path": "/", "subdir": ["/"], "subpath": ["/"]}, "/", ["/", ""], ["/", ""], "/"],
  ["a/", {"basename": "", "ext": "", "path": "a", "subdir": ["a"], "subpath": ["a"]}, "a", ["a", ""], ["a/", ""], "/cwd/x/a"],
  ["a//", {"basename": "", "ext": "", "path": "a", "subdir": ["a"], "subpath": ["a"]}, "a", ["a", ""], ["a//", ""], "/cwd/x/a"],
  ["./a/", {"basename": "", "ext": "", "path": "./a", "subdir": ["a", "."], "subpath": ["./a", "."]}, "a", ["./a", ""], ["./a/", ""], "/cwd/x/a"],
  ["x.tar.gz", {"basename": "x.tar", "ext": ".gz", "path": "", "subdir": [], "subpath": []}, "x.tar.gz", ["", "x.tar.gz"], ["x.tar", ".gz"], "/cwd/x/x.tar.gz"],
  ["..txt", {"basename": "..txt", "ext": "", "path": "", "subdir": [], "subpath": []}, "..txt", ["", "..txt"], ["..txt", ""], "/cwd/x/..txt"],
  ["a/..txt", {"basename": "..txt", "ext": "", "path": "a", "subdir": ["a"], "subpath": ["a"]}, "a/..txt", ["a", "..txt"], ["a/..txt", ""], "/cwd/x/a/..txt"],
  ["a..b", {"basename": "a.", "ext": ".b", "path": "", "subdir": [], "subpath": []}, "a..b", ["", "a..b"], ["a.", ".b"], "/cwd/x/a..b"],
  ["/a/b/../../..", {"basename": "", "ext": "", "path": "/", "subdir": ["/"], "subpath": ["/"]}, "/", ["/a/b/../..", ".."], ["/a/b/../../..", ""], "/"],
  ["a\\b.txt", {"basename": "a\\b", "ext": ".txt", "path": "", "subdir": [], "subpath": []}, "a\\b.txt", ["", "a\\b.txt"], ["a\\b", ".txt"], "/cwd/x/a\\b.txt"],
  ["./../x", {"basename": "x", "ext": "", "path": "./..", "subdir": ["..", "."], "subpath": ["./..", "."]}, "../x", ["./..", "x"], ["./../x", ""], "/cwd/x"],
  [".hidden.txt", {"basename": ".hidden", "ext": ".txt", "path": "", "subdir": [], "subpath": []}, ".hidden.txt", ["", ".hidden.txt"], [".hidden", ".txt"], "/cwd/x/.hidden.txt"],
  ["/a/b/./", {"basename": "", "ext": "", "path": "/a/b", "subdir": ["b", "a", "/"], "subpath": ["/a/b", "/a", "/"]}, "/a/b", ["/a/b/.", ""], ["/a/b/./", ""], "/a/b"],
  ["./.", {"basename": ".", "ext": "", "path": ".", "subdir": ["."], "subpath": ["."]}, ".", [".", "."], ["./.", ""], "/cwd/x"],
  ["...", {"basename": "...", "ext": "", "path": "", "subdir": [], "subpath": []}, "...", ["", "..."], ["...", ""], "/cwd/x/..."],
];

describe("pathDecomposition and posixpath against Python, edge cases", () => {
  for (const [input, parts, norm, sp, ext, abs] of PYTHON_TABLE) {
    test(JSON.stringify(input), () => {
      assert.deepEqual(pathDecomposition(input), parts);
      assert.equal(normpath(input), norm);
      assert.deepEqual(split(input), sp);
      assert.deepEqual(splitext(input), ext);
      assert.equal(abspath(input, "/cwd/x"), abs);
    });
  }
});

describe("posixpath helpers", () => {
  test("normpath keeps exactly two leading slashes, folds three or more", () => {
    assert.equal(normpath("//a//b"), "//a/b");
    assert.equal(normpath("///a"), "/a");
  });
  test("a backslash is an ordinary character", () => {
    assert.equal(normpath("a\\..\\b"), "a\\..\\b");
    assert.equal(basename("x\\y.txt"), "x\\y.txt");
  });
  test("join follows Python: an absolute part restarts, an empty head adds nothing", () => {
    assert.equal(join("od", "b.csv"), "od/b.csv");
    assert.equal(join("od/", "b.csv"), "od/b.csv");
    assert.equal(join("", "b.csv"), "b.csv");
    assert.equal(join("od", "/abs", "c"), "/abs/c");
  });
  test("abspath of '' is the working directory", () => {
    assert.equal(abspath("", "/w/d"), "/w/d");
    assert.equal(abspath("../x", "/w/d"), "/w/x");
  });
});
