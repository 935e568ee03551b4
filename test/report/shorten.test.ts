/**
 * `shortenFilenames(value, nLevels, cwd)` must equal Ruffus's
 * `ruffus.ruffus_utility.shorten_filenames_encoder(value, nLevels)` run with the same current
 * directory, and `epochToText(ms)` Ruffus's `epoch_seconds_to_str(ms / 1000)` (reference §5.1,
 * §3.1). Every expected value below was produced by running those functions in Ruffus 2.8.4
 * (Python 3.11) with os.getcwd() == CWD; JavaScript arrays stand for Python lists, null for None.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { epochToText, shortenFilenames } from "../../src/report/shorten.ts";

const CWD = "/tmp/ruffus-shorten/project/run";
const LEVELS = [0, 1, 2, 4, -30, -60];

/** [value, [shorten_filenames_encoder(value, n) for n in LEVELS]] */
const CASES: [unknown, string[]][] = [
  ["a.txt", ["/tmp/ruffus-shorten/project/run/a.txt", "a.txt", "a.txt", "a.txt", "a.txt", "a.txt"]],
  ["dir/a.txt", ["/tmp/ruffus-shorten/project/run/dir/a.txt", "dir/a.txt", "dir/a.txt", "dir/a.txt", "dir/a.txt", "dir/a.txt"]],
  ["d1/d2/a.txt", ["/tmp/ruffus-shorten/project/run/d1/d2/a.txt", ".../a.txt", "d1/d2/a.txt", "d1/d2/a.txt", "d1/d2/a.txt", "d1/d2/a.txt"]],
  ["d1/d2/d3/d4/d5/a.txt", ["/tmp/ruffus-shorten/project/run/d1/d2/d3/d4/d5/a.txt", ".../a.txt", ".../d5/a.txt", ".../d3/d4/d5/a.txt", "d1/d2/d3/d4/d5/a.txt", "d1/d2/d3/d4/d5/a.txt"]],
  ["/abs/a.txt", ["/abs/a.txt", ".../a.txt", "/abs/a.txt", "/abs/a.txt", "/abs/a.txt", "/abs/a.txt"]],
  ["/a/b/c/d/e/f.txt", ["/a/b/c/d/e/f.txt", ".../f.txt", ".../e/f.txt", ".../c/d/e/f.txt", "/a/b/c/d/e/f.txt", "/a/b/c/d/e/f.txt"]],
  ["/tmp/ruffus-shorten/project/run/x/y/z/w.txt", ["/tmp/ruffus-shorten/project/run/x/y/z/w.txt", ".../w.txt", ".../z/w.txt", "x/y/z/w.txt", "x/y/z/w.txt", "x/y/z/w.txt"]],
  ["/tmp/ruffus-shorten/project/run/w.txt", ["/tmp/ruffus-shorten/project/run/w.txt", "w.txt", "w.txt", "w.txt", "w.txt", "w.txt"]],
  ["/tmp/ruffus-shorten/project/run/x/w.txt", ["/tmp/ruffus-shorten/project/run/x/w.txt", "x/w.txt", "x/w.txt", "x/w.txt", "x/w.txt", "x/w.txt"]],
  ["../sibling/dir/file.txt", ["/tmp/ruffus-shorten/project/sibling/dir/file.txt", ".../file.txt", ".../dir/file.txt", "../sibling/dir/file.txt", "../sibling/dir/file.txt", "../sibling/dir/file.txt"]],
  ["/tmp/ruffus-shorten/other/deeper/still/file.txt", ["/tmp/ruffus-shorten/other/deeper/still/file.txt", ".../file.txt", ".../still/file.txt", ".../other/deeper/still/file.txt", "<???> her/deeper/still/file.txt", "../../other/deeper/still/file.txt"]],
  ["./a/b/c.txt", ["/tmp/ruffus-shorten/project/run/a/b/c.txt", ".../c.txt", "a/b/c.txt", "./a/b/c.txt", "a/b/c.txt", "a/b/c.txt"]],
  ["a//b///c.txt", ["/tmp/ruffus-shorten/project/run/a/b/c.txt", ".../c.txt", "a/b/c.txt", "a/b/c.txt", "a/b/c.txt", "a/b/c.txt"]],
  ["dir/", ["/tmp/ruffus-shorten/project/run/dir", "dir", "dir/", "dir/", "dir", "dir"]],
  ["d1/d2/d3/", ["/tmp/ruffus-shorten/project/run/d1/d2/d3", ".../", "d1/d2/d3", "d1/d2/d3/", "d1/d2/d3", "d1/d2/d3"]],
  ["/", ["/", "/", "/", "/", "/", "/"]],
  ["", ["/tmp/ruffus-shorten/project/run", "", "", "", "", ""]],
  ["/a/long/path/to/oss/ruffus/ruffus/test/something.py", ["/a/long/path/to/oss/ruffus/ruffus/test/something.py", ".../something.py", ".../test/something.py", ".../ruffus/ruffus/test/something.py", "<???> /ruffus/test/something.py", "/a/long/path/to/oss/ruffus/ruffus/test/something.py"]],
  ["test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start", ["/tmp/ruffus-shorten/project/run/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start", ".../job1.a.start", ".../seven/job1.a.start", ".../five/six/seven/job1.a.start", "<???> ve/six/seven/job1.a.start", "<???> /lg/what/one/two/three/four/five/six/seven/job1.a.start"]],
  [["test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start", "test_verbosity/job1.b.start"], ["[/tmp/ruffus-shorten/project/run/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start, /tmp/ruffus-shorten/project/run/test_verbosity/job1.b.start]", "[.../job1.a.start, test_verbosity/job1.b.start]", "[.../seven/job1.a.start, test_verbosity/job1.b.start]", "[.../five/six/seven/job1.a.start, test_verbosity/job1.b.start]", "<???> t_verbosity/job1.b.start]", "<???> ve/six/seven/job1.a.start, test_verbosity/job1.b.start]"]],
  [["a.txt", ["d1/d2/d3/b.txt", [1, null]], 2.5], ["[/tmp/ruffus-shorten/project/run/a.txt, [/tmp/ruffus-shorten/project/run/d1/d2/d3/b.txt, [1, None]], 2.5]", "[a.txt, [.../b.txt, [1, None]], 2.5]", "[a.txt, [.../d3/b.txt, [1, None]], 2.5]", "[a.txt, [d1/d2/d3/b.txt, [1, None]], 2.5]", "<???> ./b.txt, [1, None]], 2.5]", "[a.txt, [d1/d2/d3/b.txt, [1, None]], 2.5]"]],
  [[], ["[]", "[]", "[]", "[]", "[]", "[]"]],
  [[[]], ["[[]]", "[[]]", "[[]]", "[[]]", "[[]]", "[[]]"]],
  [3, ["3", "3", "3", "3", "3", "3"]],
  [2.5, ["2.5", "2.5", "2.5", "2.5", "2.5", "2.5"]],
  [-7, ["-7", "-7", "-7", "-7", "-7", "-7"]],
  [null, ["None", "None", "None", "None", "None", "None"]],
  [true, ["True", "True", "True", "True", "True", "True"]],
  [false, ["False", "False", "False", "False", "False", "False"]],
  ["say \"hi\"", ["/tmp/ruffus-shorten/project/run/say 'hi'", "say 'hi'", "say 'hi'", "say 'hi'", "say 'hi'", "say 'hi'"]],
  ["it's", ["/tmp/ruffus-shorten/project/run/it's", "it's", "it's", "it's", "it's", "it's"]],
  ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", ["/tmp/ruffus-shorten/project/run/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "<???> xxxxxxxxxxxxxxxxxxxxx.txt", "<???> xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt"]],
  ["dir/sub/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", ["/tmp/ruffus-shorten/project/run/dir/sub/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", ".../xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "dir/sub/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "dir/sub/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt", "<???> xxxxxxxxxxxxxxxxxxxxx.txt", "<???> xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt"]],
  [["a b/c d/e f.txt", "tab\there/x/y/z"], ["[/tmp/ruffus-shorten/project/run/a b/c d/e f.txt, /tmp/ruffus-shorten/project/run/tab\there/x/y/z]", "[.../e f.txt, .../z]", "[a b/c d/e f.txt, .../y/z]", "[a b/c d/e f.txt, tab\there/x/y/z]", "<???> /e f.txt, tab\there/x/y/z]", "[a b/c d/e f.txt, tab\there/x/y/z]"]],
  ["/tmp/ruffus-shorten/project/run", ["/tmp/ruffus-shorten/project/run", ".", ".", "/tmp/ruffus-shorten/project/run", ".", "."]],
  ["/tmp/ruffus-shorten/project", ["/tmp/ruffus-shorten/project", "..", "..", "/tmp/ruffus-shorten/project", "..", ".."]],
  ["..", ["/tmp/ruffus-shorten/project", "..", "..", "..", "..", ".."]],
  ["../..", ["/tmp/ruffus-shorten", "../..", "../..", "../..", "../..", "../.."]],
  ["../../a/b/c/d", ["/tmp/ruffus-shorten/a/b/c/d", ".../d", ".../c/d", ".../a/b/c/d", "../../a/b/c/d", "../../a/b/c/d"]],
];

/** [ms, epoch_seconds_to_str(ms / 1000)] */
const DATES: [number, string][] = [
  [0, "01 Jan 1970 00:00:00.00"],
  [1000, "01 Jan 1970 00:00:01.00"],
  [1500, "01 Jan 1970 00:00:01.50"],
  [86399990, "01 Jan 1970 23:59:59.99"],
  [1700000000000, "14 Nov 2023 22:13:20.00"],
  [1700000000125, "14 Nov 2023 22:13:20.12"],
  [1700000000375, "14 Nov 2023 22:13:20.38"],
  [1700000000994, "14 Nov 2023 22:13:20.99"],
  [1700000000996, "14 Nov 2023 22:13:20.00"],
  [1764079554250, "25 Nov 2025 14:05:54.25"],
  [1764079554254, "25 Nov 2025 14:05:54.25"],
  [951782400000, "29 Feb 2000 00:00:00.00"],
  [4102444800500, "01 Jan 2100 00:00:00.50"],
  [1234567890123.456, "13 Feb 2009 23:31:30.12"],
  [1700000000005, "14 Nov 2023 22:13:20.01"],
  [1700000000015, "14 Nov 2023 22:13:20.02"],
  [1700000000025, "14 Nov 2023 22:13:20.03"],
];

for (const [value, expected] of CASES) {
  test(`shortenFilenames(${JSON.stringify(value)}) at n = ${LEVELS.join(", ")} equals Ruffus's shorten_filenames_encoder`, () => {
    assert.deepEqual(
      LEVELS.map((n) => shortenFilenames(value, n, CWD)),
      expected,
    );
  });
}

test("test_ruffus_utility.py: shorten_filenames_encoder('/a/long/path/to/oss/ruffus/ruffus/test/something.py', 4)", () => {
  assert.equal(shortenFilenames("/a/long/path/to/oss/ruffus/ruffus/test/something.py", 4, CWD), ".../ruffus/ruffus/test/something.py");
});

test("the current directory is the one given, not the process's", () => {
  assert.equal(shortenFilenames(CWD + "/x/y/z/w.txt", 4, CWD), "x/y/z/w.txt");
  assert.equal(shortenFilenames(CWD + "/x/y/z/w.txt", 4, "/elsewhere"), ".../x/y/z/w.txt");
  assert.equal(shortenFilenames("a.txt", 0, "/elsewhere/dir"), "/elsewhere/dir/a.txt");
});

for (const [ms, expected] of DATES) {
  test(`epochToText(${ms}) equals Ruffus's epoch_seconds_to_str(${ms / 1000})`, () => {
    assert.equal(epochToText(ms), expected);
  });
}

test("objects print as <Class> and dicts as Python's str(), never shortened (compared with Ruffus 2.8.4)", () => {
  // Python: class Foo: pass; shorten_filenames_encoder(Foo(), 2) == '<Foo>', and so on.
  class Foo {}
  assert.equal(shortenFilenames(new Foo(), 2, CWD), "<Foo>");
  assert.equal(shortenFilenames([new Foo(), { k: "v", n: 1 }], 2, CWD), "[<Foo>, {'k': 'v', 'n': 1}]");
  assert.equal(shortenFilenames({ q: 'say "hi"' }, 2, CWD), "{'q': 'say 'hi''}");
  assert.equal(shortenFilenames({ "a/b/c/d": 1 }, 1, CWD), "{'a/b/c/d': 1}");
});
