/**
 * Every task kind end to end (reference §1.3, §2.3–§2.12, §4.5, §4.6, §1.6): the exact arguments
 * each task function receives, the files made, job counts, ordering. Expectations marked
 * "compared with Ruffus 2.8.4" were produced by running the same pipeline with Python Ruffus 2.8.4
 * (/usr/bin/python3, recording the arguments of every task function; tuples became arrays and the
 * temp dir became "<cwd>"); the others are ports of Ruffus's own tests, named where they are.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import {
  Pipeline,
  RuffusError,
  addInputs,
  activeIf,
  files,
  follows,
  formatter,
  inputs,
  merge,
  mkdir,
  originate,
  outputFrom,
  pipelineGetTaskNames,
  pipelineRun,
  posttask,
  product,
  regex,
  split,
  suffix,
  touchFile,
  transform,
  type Task,
} from "ruffus";
import { exists, inTempDir, read, write } from "../helpers.ts";
import { Recorder, touchAll } from "./fixtures-kinds.ts";

const run0 = { verbose: 0 } as const;

/** Files (not directories) in `dir`, sorted. */
function filesIn(dir = "."): string[] {
  return readdirSync(dir)
    .filter((f) => statSync(`${dir}/${f}`).isFile() && !f.startsWith(".ruffus_history"))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// originate
// ---------------------------------------------------------------------------------------------

describe("originate", () => {
  test("one job per output element; a nested element is one job with a list output; extras verbatim (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const o = p.originate({ task: rec.fn("orig", "orig"), output: ["a.1", ["b.1", "b.2"], "c.1"], extras: ["x", 7] });
      p.transform({ task: rec.fn("t"), input: o, filter: suffix(".1"), output: ".t" });
      p.originate({ task: rec.fn("single", "orig"), output: "s.1" });
      const summary = await p.run(run0);
      assert.deepEqual(rec.of("orig"), [["a.1", "x", 7], [["b.1", "b.2"], "x", 7], ["c.1", "x", 7]]);
      // Downstream, each originate job is one input element, sorted by Python str():
      // "['b.1', 'b.2']" < "a.1" because '[' < 'a'. suffix() uses the element's first string.
      assert.deepEqual(rec.of("t"), [[["b.1", "b.2"], "b.t"], ["a.1", "a.t"], ["c.1", "c.t"]]);
      assert.deepEqual(rec.of("single"), [["s.1"]]);
      assert.equal(summary.jobsRun, 7);
      assert.equal(summary.jobsUptodate, 0);
      assert.deepEqual(summary.tasksRun, ["p::orig", "p::single", "p::t"]); // single is ready at once, t after orig
      assert.deepEqual(filesIn(), ["a.1", "a.t", "b.1", "b.2", "b.t", "c.1", "c.t", "s.1"]);

      rec.clear();
      const again = await p.run(run0);
      assert.equal(again.jobsRun, 0);
      assert.equal(again.jobsUptodate, 7);
      assert.deepEqual(rec.calls, []);
    });
  });

  test("an originate job runs again only for its missing output", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      p.originate({ task: rec.fn("orig", "orig"), output: ["a.1", "b.1"] });
      await p.run(run0);
      unlinkSync("b.1");
      rec.clear();
      const s = await p.run(run0);
      assert.deepEqual(rec.of("orig"), [["b.1"]]);
      assert.equal(s.jobsRun, 1);
      assert.equal(s.jobsUptodate, 1);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// transform
// ---------------------------------------------------------------------------------------------

describe("transform", () => {
  test("suffix() with outputDir: output and extras are made from outputDir/basename; a string without \\1 is verbatim (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("b.csv");
      const p = new Pipeline("p");
      p.mkdir("od");
      p.transform({ task: rec.fn("sfx_outdir"), input: ["b.csv"], filter: suffix(".csv"), output: ".out", extras: [String.raw`\1.extra`, "verbatim"], outputDir: "od" }).follows("mkdir");
      const s = await p.run(run0);
      assert.deepEqual(rec.of("sfx_outdir"), [["b.csv", "od/b.out", "od/b.extra", "verbatim"]]);
      assert.ok(exists("od/b.out"));
      assert.equal(s.jobsRun, 2); // the mkdir job and the transform job
    });
  });

  test("suffix(): list outputs, \\1 inside output and extras, inputs that do not match are skipped (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["b.csv", "banana.csv", "a.txt"]) write(f);
      const p = new Pipeline("p");
      p.transform({
        task: rec.fn("sfx_plain"),
        input: ["b.csv", "banana.csv", "a.txt"],
        filter: suffix(".csv"),
        output: [String.raw`\1.o1`, String.raw`my_\1.o2`],
        extras: [String.raw`Compiling \1`],
      });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("sfx_plain"), [
        ["b.csv", ["b.o1", "my_b.o2"], "Compiling b"],
        ["banana.csv", ["banana.o1", "my_banana.o2"], "Compiling banana"],
      ]);
      assert.equal(s.jobsRun, 2);
    });
  });

  test("regex(): Python re.sub semantics — searched, every match replaced, the rest kept; groups \\1, \\g<1>, \\g<0> (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["a.txt", "banana.csv", "c.txt", "z.dat"]) write(f);
      const p = new Pipeline("p");
      p.transform({ task: rec.fn("rx_all"), input: ["a.txt", "banana.csv"], filter: regex("a"), output: "X" });
      p.transform({
        task: rec.fn("rx_grp"),
        input: ["a.txt", "c.txt", "z.dat"],
        filter: regex(String.raw`(.+)\.txt$`),
        output: String.raw`\1.out`,
        extras: [String.raw`\1`, String.raw`\g<1>-\g<0>`],
      });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("rx_all"), [["a.txt", "X.txt"], ["banana.csv", "bXnXnX.csv"]]);
      assert.deepEqual(rec.of("rx_grp"), [["a.txt", "a.out", "a", "a-a.txt"], ["c.txt", "c.out", "c", "c-c.txt"]]);
      assert.equal(s.jobsRun, 4);
    });
  });

  test("formatter(): absolute {path}, basename, ext, subdir, subpath, named and numbered groups (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      touchAll(["sub/dir/x.y.txt", "a.txt", "c.txt", "b.csv"]);
      const p = new Pipeline("p");
      p.transform({
        task: rec.fn("fmt"),
        input: ["sub/dir/x.y.txt"],
        filter: formatter(String.raw`(?P<stem>[^/]+)\.txt$`),
        output: "{path[0]}/{basename[0]}.fmt",
        extras: ["{path[0]}|{basename[0]}|{ext[0]}|{subdir[0][0]}|{subpath[0][1]}|{stem[0]}|{1[0]}|{0[0]}"],
      });
      // Two regexes: regex i is matched against the i-th string of the job's input; a job whose
      // second string does not match is skipped.
      p.transform({
        task: rec.fn("fmt2"),
        input: [["a.txt", "sub/dir/x.y.txt"], ["c.txt", "b.csv"]],
        filter: formatter(String.raw`\.txt$`, "(?P<D>dir)/"),
        output: "{basename[0]}.{basename[1]}.fmt2",
        extras: ["{D[1]}"],
      });
      // suffix() looks at the first string only.
      p.transform({ task: rec.fn("first_string"), input: [["b.csv", "a.txt"]], filter: suffix(".csv"), output: ".fs" });
      await p.run(run0);
      assert.deepEqual(rec.of("fmt"), [["sub/dir/x.y.txt", "<cwd>/sub/dir/x.y.fmt", "<cwd>/sub/dir|x.y|.txt|dir|<cwd>/sub|x.y|x.y|x.y.txt"]]);
      assert.deepEqual(rec.of("fmt2"), [[["a.txt", "sub/dir/x.y.txt"], "a.x.y.fmt2", "dir"]]);
      assert.deepEqual(rec.of("first_string"), [[["b.csv", "a.txt"], "b.fs"]]);
    });
  });

  test("one job per input; only out-of-date jobs run again", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["a.1", "b.1", "c.1"]) write(f);
      const p = new Pipeline("p");
      p.transform({ task: rec.fn("t"), input: "*.1", filter: suffix(".1"), output: ".2" });
      assert.equal((await p.run(run0)).jobsRun, 3);
      unlinkSync("b.2");
      rec.clear();
      const s = await p.run(run0);
      assert.deepEqual(rec.of("t"), [["b.1", "b.2"]]);
      assert.equal(s.jobsRun, 1);
      assert.equal(s.jobsUptodate, 2);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// split / subdivide / merge
// ---------------------------------------------------------------------------------------------

describe("split", () => {
  test("a glob output is expanded to the files on disk before the job (stale ones included) and again after it (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("in.txt");
      write("x.chunk"); // stale file from an "earlier run"
      const p = new Pipeline("p");
      const s = p.split({
        task: async function splitter(i: string, o: string[]) {
          rec.calls.push(["splitter", [i, [...o]]]);
          for (const f of o) unlinkSync(f);
          for (const n of [1, 2, 10]) write(`${n}.chunk`);
        },
        input: "in.txt",
        output: "*.chunk",
      });
      p.transform({ task: rec.fn("after_split"), input: s, filter: suffix(".chunk"), output: ".t" });
      const summary = await p.run(run0);
      assert.deepEqual(rec.of("splitter"), [["in.txt", ["x.chunk"]]]);
      // Downstream sees the files the job made, each one job, sorted by str (10 before 2).
      assert.deepEqual(rec.of("after_split"), [["1.chunk", "1.t"], ["10.chunk", "10.t"], ["2.chunk", "2.t"]]);
      assert.equal(summary.jobsRun, 4);
      assert.ok(!exists("x.chunk") && !exists("x.t"));

      rec.clear();
      await p.run({ ...run0, forcedtorunTasks: ["splitter"] });
      assert.deepEqual(rec.of("splitter"), [["in.txt", ["1.chunk", "10.chunk", "2.chunk"]]]);
      assert.deepEqual(rec.of("after_split"), [["1.chunk", "1.t"], ["10.chunk", "10.t"], ["2.chunk", "2.t"]]);
    });
  });

  test("a list output [flag, glob]: the glob part is empty before the first run; downstream skips the flag (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("in.txt");
      const p = new Pipeline("p");
      const s2 = p.split({
        task: async function split2(i: string, o: string[]) {
          rec.calls.push(["split2", [i, [...o]]]);
          for (const n of ["a", "b"]) write(`f.${n}.fa`);
          write("f.success");
        },
        input: "in.txt",
        output: ["f.success", "f.*.fa"],
      });
      p.transform({ task: rec.fn("after_split2"), input: s2, filter: suffix(".fa"), output: ".aln" });
      const summary = await p.run(run0);
      assert.deepEqual(rec.of("split2"), [["in.txt", ["f.success"]]]);
      assert.deepEqual(rec.of("after_split2"), [["f.a.fa", "f.a.aln"], ["f.b.fa", "f.b.aln"]]);
      assert.equal(summary.jobsRun, 3);
      const again = await p.run(run0);
      assert.equal(again.jobsRun, 0);
      assert.equal(again.jobsUptodate, 3);
    });
  });

  test("split(input, regex(...), output, extras) works as subdivide (README; Ruffus raises TypeError — same jobs as Ruffus 2.8.4's subdivide)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.in");
      write("b.in");
      const p = new Pipeline("p");
      const body = (name: string) =>
        async function (i: string, o: string[], prefix: string) {
          rec.calls.push([name, [i, [...o], prefix]]);
          for (const n of [1, 2]) write(`${prefix}.${n}.part`);
        };
      const sd = p.split({
        name: "subd_rx",
        task: body("subd_rx"),
        input: ["b.in", "a.in"],
        filter: regex(String.raw`(.+)\.in$`),
        output: String.raw`\1.*.part`,
        extras: [String.raw`\1`],
      });
      p.merge({ task: rec.fn("after_subd_rx"), input: sd, output: "all.parts" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("subd_rx"), [["a.in", [], "a"], ["b.in", [], "b"]]);
      assert.deepEqual(rec.of("after_subd_rx"), [[["a.1.part", "a.2.part", "b.1.part", "b.2.part"], "all.parts"]]);
      assert.equal(s.jobsRun, 3);
    });
  });

  test("decorator style split(input, regex(...), output) is subdivide too", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.in");
      const seen: unknown[][] = [];
      const f = split(["a.in"], regex(String.raw`(.+)\.in$`), String.raw`\1.*.part`, String.raw`\1`)(async function splitRx(i: string, o: string[], prefix: string) {
        seen.push([i, [...o], prefix]);
        write(`${prefix}.1.part`);
      });
      merge(f, "all.parts")(rec.fn("gather"));
      await pipelineRun(run0);
      assert.deepEqual(seen, [["a.in", [], "a"]]);
      assert.deepEqual(rec.of("gather"), [[["a.1.part"], "all.parts"]]);
    });
  });
});

describe("subdivide", () => {
  test("one job per input, each with its own output glob; downstream gets every produced file flattened (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.in");
      write("b.in");
      const p = new Pipeline("p");
      const sd = p.subdivide({
        task: async function subd(i: string, o: string[], prefix: string) {
          rec.calls.push(["subd", [i, [...o], prefix]]);
          for (const n of [1, 2]) write(`${prefix}.${n}.part`);
        },
        input: ["b.in", "a.in"],
        filter: formatter(),
        output: "{basename[0]}.*.part",
        extras: ["{basename[0]}"],
      });
      p.transform({ task: rec.fn("after_subd"), input: sd, filter: suffix(".part"), output: ".p2" });
      p.merge({ task: rec.fn("merge_subd"), input: sd, output: "subd.all" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("subd"), [["a.in", [], "a"], ["b.in", [], "b"]]);
      assert.deepEqual(rec.of("after_subd"), [
        ["a.1.part", "a.1.p2"],
        ["a.2.part", "a.2.p2"],
        ["b.1.part", "b.1.p2"],
        ["b.2.part", "b.2.p2"],
      ]);
      assert.deepEqual(rec.of("merge_subd"), [[["a.1.part", "a.2.part", "b.1.part", "b.2.part"], "subd.all"]]);
      assert.equal(s.jobsRun, 2 + 4 + 1);
    });
  });
});

describe("merge", () => {
  test("one job over all inputs; a list-output transform feeds one [file, flag] pair per job (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("x.aln");
      write("y.aln");
      const p = new Pipeline("p");
      const t = p.transform({ task: rec.fn("pcid"), input: ["y.aln", "x.aln"], filter: suffix(".aln"), output: [".pcid", ".pcid_success"] });
      p.merge({ task: rec.fn("combine"), input: t, output: ["all.res", "all.res_success"], extras: ["extra1"] });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("pcid"), [["x.aln", ["x.pcid", "x.pcid_success"]], ["y.aln", ["y.pcid", "y.pcid_success"]]]);
      assert.deepEqual(rec.of("combine"), [[[["x.pcid", "x.pcid_success"], ["y.pcid", "y.pcid_success"]], ["all.res", "all.res_success"], "extra1"]]);
      assert.equal(s.jobsRun, 3);
      assert.deepEqual(rec.order(), ["pcid", "combine"]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// collate
// ---------------------------------------------------------------------------------------------

describe("collate", () => {
  test("regex: inputs with the same output are grouped, groups in sorted order (doc/decorators/collate.rst; compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["a.fish", "b.fish", "c.mammals", "d.mammals"]) write(f);
      const p = new Pipeline("p");
      p.collate({ task: rec.fn("coll_rx"), input: ["d.mammals", "a.fish", "c.mammals", "b.fish"], filter: regex(String.raw`.+\.(.+)$`), output: String.raw`\1.summary` });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("coll_rx"), [[["a.fish", "b.fish"], "fish.summary"], [["c.mammals", "d.mammals"], "mammals.summary"]]);
      assert.equal(s.jobsRun, 2);
      assert.deepEqual(filesIn().filter((f) => f.endsWith(".summary")), ["fish.summary", "mammals.summary"]);
    });
  });

  test("formatter: grouping is by output AND extras — different extras make separate jobs (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["a.fish", "b.fish", "c.mammals", "d.mammals"]) write(f);
      const p = new Pipeline("p");
      const input = ["d.mammals", "a.fish", "c.mammals", "b.fish"];
      p.collate({ task: rec.fn("coll_fmt"), input, filter: formatter(String.raw`\.(?P<KIND>[^.]+)$`), output: "{KIND[0]}.fsummary", extras: ["{basename[0]}"] });
      p.collate({ task: rec.fn("coll_fmt2"), input, filter: formatter(String.raw`\.(?P<KIND>[^.]+)$`), output: "{KIND[0]}.fsummary2", extras: ["{KIND[0]}"] });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("coll_fmt"), [
        [["a.fish"], "fish.fsummary", "a"],
        [["b.fish"], "fish.fsummary", "b"],
        [["c.mammals"], "mammals.fsummary", "c"],
        [["d.mammals"], "mammals.fsummary", "d"],
      ]);
      assert.deepEqual(rec.of("coll_fmt2"), [[["a.fish", "b.fish"], "fish.fsummary2", "fish"], [["c.mammals", "d.mammals"], "mammals.fsummary2", "mammals"]]);
      assert.equal(s.jobsRun, 6);
    });
  });

  test("add_inputs makes each grouped element [orig, added]; inputs() replaces, and identical replacements collapse (doc/decorators/collate.rst; compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["shark.fish", "tuna.fish", "fish.date_of_birth"]) write(f);
      const p = new Pipeline("p");
      p.collate({
        task: rec.fn("coll_add"),
        input: ["shark.fish", "tuna.fish"],
        filter: regex(String.raw`.+\.(.+)$`),
        addInputs: addInputs(String.raw`\1.date_of_birth`),
        output: String.raw`\1.asummary`,
      });
      p.collate({
        task: rec.fn("coll_inp"),
        input: ["shark.fish", "tuna.fish"],
        filter: regex(String.raw`.+\.(.+)$`),
        replaceInputs: inputs(String.raw`\1.date_of_birth`),
        output: String.raw`\1.isummary`,
      });
      await p.run(run0);
      assert.deepEqual(rec.of("coll_add"), [[[["shark.fish", "fish.date_of_birth"], ["tuna.fish", "fish.date_of_birth"]], "fish.asummary"]]);
      assert.deepEqual(rec.of("coll_inp"), [[["fish.date_of_birth"], "fish.isummary"]]);
    });
  });

  test("test_collate.py: split into *.animal then collate by species group; posttasks in order", async () => {
    await inTempDir(async () => {
      const species: Record<string, string[]> = { mammals: ["cow", "horse", "sheep"], reptiles: ["snake", "lizard", "crocodile"], fish: ["pufferfish"] };
      const t = "test_collate/";
      const jobs: unknown[] = [];
      const p = new Pipeline("test");
      const prepare = p.split({
        task: async function prepare_files(_no: unknown, outputs: string[]) {
          for (const f of outputs) unlinkSync(f);
          for (const [group, names] of Object.entries(species)) for (const n of names) writeFileSync(`${t}${n}.${group}.animal`, n + "\n");
        },
        input: null,
        output: t + "*.animal",
      })
        .follows(mkdir(t, t + "test"))
        .posttask(() => appendFileSync(t + "task.done", "Task 1 Done\n"));
      p.collate({
        task: async function summarise_by_grouping(infiles: string[], outfile: string) {
          jobs.push([infiles, outfile]);
          writeFileSync(outfile, infiles.map((i) => readFileSync(i, "utf8")).join(""));
        },
        input: prepare,
        filter: regex(String.raw`(.*/).*\.(.*)\.animal`),
        output: String.raw`\1\2.results`,
      }).posttask(() => appendFileSync(t + "task.done", "Task 2 Done\n"));
      const s = await p.run({ ...run0, multithread: 10 });
      for (const [group, names] of Object.entries(species)) {
        assert.equal(read(`${t}${group}.results`), [...names].sort().map((n) => n + "\n").join(""));
      }
      assert.equal(read(t + "task.done"), "Task 1 Done\nTask 2 Done\n");
      assert.equal(jobs.length, 3);
      assert.equal(s.jobsRun, 1 + 1 + 3); // mkdir, split, 3 collate jobs
    });
  });
});

// ---------------------------------------------------------------------------------------------
// product and the combinatorics
// ---------------------------------------------------------------------------------------------

/** g1 (a..d, declared in reverse), g2 (e, f), g3 (g, h) under w/, as in test_combinatorics.py. */
function combinatoricsInputs(p: Pipeline, rec: Recorder): { g1: Task; g2: Task; g3: Task } {
  const g1 = p.originate({ task: rec.fn("g1", "orig"), output: [..."dcba"].map((c) => `w/${c}_name.tmp1`) });
  const g2 = p.originate({ task: rec.fn("g2", "orig"), output: ["w/e_name.tmp1", "w/f_name.tmp1"] });
  const g3 = p.originate({ task: rec.fn("g3", "orig"), output: ["w/g_name.tmp1", "w/h_name.tmp1"] });
  return { g1, g2, g3 };
}

/** A task function writing its first extra followed by a comma (the "prefixes" of test_combinatorics.py). */
function writePrefix(rec: Recorder, name: string) {
  const f = async (inputs: string[], output: string, prefixes: string, ...rest: unknown[]) => {
    rec.calls.push([name, structuredClone([inputs, output, prefixes, ...rest])]);
    writeFileSync(output, prefixes + ",");
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

/** The merge of test_combinatorics.py: concatenates its inputs in sorted order. */
async function mergeSorted(infiles: string[], outfile: string): Promise<void> {
  writeFileSync(outfile, [...infiles].sort().map((f) => readFileSync(f, "utf8")).join(""));
}

describe("product", () => {
  test("2 sets, decorator (positional) form: itertools.product order, nested {basename[i][j]} and {subdir[0][0][0]} (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async (dir) => {
      const rec = new Recorder();
      const p = Pipeline.main;
      const { g1, g2 } = combinatoricsInputs(p, rec);
      const fn = product(
        g1,
        formatter(".*/(?P<FILE_PART>.+).tmp1$"),
        g2,
        formatter(),
        "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.p2",
        "{basename[0][0][0]}{basename[1][0][0]}",
        "{subdir[0][0][0]}",
      )(rec.fn("prod2"));
      const s = await pipelineRun(run0);
      const expected: unknown[][] = [];
      for (const a of "abcd") for (const e of "ef") expected.push([[`w/${a}_name.tmp1`, `w/${e}_name.tmp1`], `<cwd>/w/${a}_name.${e}_name.p2`, a + e, "w"]);
      assert.deepEqual(rec.of("prod2"), expected);
      assert.equal(typeof fn, "function");
      assert.equal(s.jobsRun, 4 + 2 + 2 + 8);
      assert.ok(exists(`${dir}/w/d_name.f_name.p2`));
    });
  });

  test("3 sets with named input2/filter2/input3/filter3 (compared with Ruffus 2.8.4) and the merged prefixes of test_combinatorics.py", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const { g1, g2, g3 } = combinatoricsInputs(p, rec);
      const prod = p.product({
        task: writePrefix(rec, "prod3"),
        input: g1,
        filter: formatter(".*/(?P<FILE_PART>.+).tmp1$"),
        input2: g2,
        filter2: formatter(),
        input3: g3,
        filter3: formatter("tmp1$"),
        output: "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.{basename[2][0]}.p3",
        extras: ["{basename[0][0][0]}{basename[1][0][0]}{basename[2][0][0]}", "{subpath[0][0][0]}"],
      });
      p.merge({ task: mergeSorted, input: prod, output: "w/merged.results" });
      const s = await p.run(run0);
      const expected: unknown[][] = [];
      for (const a of "abcd")
        for (const e of "ef")
          for (const g of "gh") {
            expected.push([[`w/${a}_name.tmp1`, `w/${e}_name.tmp1`, `w/${g}_name.tmp1`], `<cwd>/w/${a}_name.${e}_name.${g}_name.p3`, a + e + g, "<cwd>/w"]);
          }
      assert.deepEqual(relCwdCalls(rec.of("prod3")), expected);
      assert.equal(read("w/merged.results"), "aeg,aeh,afg,afh,beg,beh,bfg,bfh,ceg,ceh,cfg,cfh,deg,deh,dfg,dfh,");
      assert.equal(s.jobsRun, 8 + 16 + 1);
    });
  });

  test("glob input sets; {X[1][0]} is a named group of the second set's file (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["p.a", "q.a", "r.b"]) write(f);
      const p = new Pipeline("p");
      p.product({ task: rec.fn("prod_glob"), input: "*.a", filter: formatter(), input2: "*.b", filter2: formatter(String.raw`(?P<X>r)\.b$`), output: "{basename[0][0]}{X[1][0]}.pg" });
      await p.run(run0);
      assert.deepEqual(rec.of("prod_glob"), [[["p.a", "r.b"], "pr.pg"], [["q.a", "r.b"], "qr.pg"]]);
    });
  });

  test("an empty input set means no jobs", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      write("a.1");
      p.product({ task: rec.fn("prod"), input: ["a.1"], filter: formatter(), input2: [], filter2: formatter(), output: "{basename[0][0]}.x" });
      const s = await p.run(run0);
      assert.deepEqual(rec.calls, []);
      assert.equal(s.jobsRun, 0);
    });
  });
});

function relCwdCalls(calls: unknown[][]): unknown[][] {
  const cwd = process.cwd();
  const fix = (v: unknown): unknown => (typeof v === "string" ? v.split(cwd).join("<cwd>") : Array.isArray(v) ? v.map(fix) : v);
  return calls.map((c) => fix(c) as unknown[]);
}

describe("permutations, combinations, combinationsWithReplacement", () => {
  const cases = [
    ["combinations", 2, "ab,ac,ad,bc,bd,cd,"],
    ["combinations", 3, "abc,abd,acd,bcd,"],
    ["permutations", 2, "ab,ac,ad,ba,bc,bd,ca,cb,cd,da,db,dc,"],
    ["permutations", 3, "abc,abd,acb,acd,adb,adc,bac,bad,bca,bcd,bda,bdc,cab,cad,cba,cbd,cda,cdb,dab,dac,dba,dbc,dca,dcb,"],
    ["combinationsWithReplacement", 2, "aa,ab,ac,ad,bb,bc,bd,cc,cd,dd,"],
    ["combinationsWithReplacement", 3, "aaa,aab,aac,aad,abb,abc,abd,acc,acd,add,bbb,bbc,bbd,bcc,bcd,bdd,ccc,ccd,cdd,ddd,"],
  ] as const;
  for (const [kind, k, merged] of cases) {
    test(`${kind}(${k}) of a,b,c,d: merged prefixes exactly as reference §2.10 / test_combinatorics.py`, async () => {
      await inTempDir(async () => {
        const rec = new Recorder();
        const p = new Pipeline("p");
        const { g1 } = combinatoricsInputs(p, rec);
        const output = k === 2 ? "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.tmp2" : "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.{basename[2][0]}.tmp2";
        const prefix = k === 2 ? "{basename[0][0][0]}{basename[1][0][0]}" : "{basename[0][0][0]}{basename[1][0][0]}{basename[2][0][0]}";
        const t = p[kind]({
          task: writePrefix(rec, kind),
          input: g1,
          filter: formatter(".*/(?P<FILE_PART>.+).tmp1$"),
          tupleSize: k,
          output,
          extras: [prefix, "{subpath[0][0][0]}", "{subdir[0][0][0]}"],
        });
        p.merge({ task: mergeSorted, input: t, output: "w/merged.results" });
        const s = await p.run({ ...run0, multithread: 100 });
        assert.equal(read("w/merged.results"), merged);
        const n = merged.split(",").length - 1;
        assert.equal(s.jobsRun, 4 + 2 + 2 + n + 1);
        assert.equal(rec.of(kind).length, n);
      });
    });
  }

  test("elements that are lists: {basename[i][j]} is file j of tuple position i (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["x.in", "y.in", "z.in"]) write(f);
      const p = new Pipeline("p");
      const t = p.transform({ task: rec.fn("pair"), input: "*.in", filter: suffix(".in"), output: [".l", ".r"] });
      p.combinations({ task: rec.fn("comb_lists"), input: t, filter: formatter(), tupleSize: 2, output: "{basename[0][0]}{basename[0][1]}_{basename[1][0]}{ext[1][1]}.cl", extras: ["{ext[0][1]}"] });
      await p.run(run0);
      assert.deepEqual(rec.of("comb_lists"), [
        [[["x.l", "x.r"], ["y.l", "y.r"]], "xx_y.r.cl", ".r"],
        [[["x.l", "x.r"], ["z.l", "z.r"]], "xx_z.r.cl", ".r"],
        [[["y.l", "y.r"], ["z.l", "z.r"]], "yy_z.r.cl", ".r"],
      ]);
    });
  });

  test("job arguments: the input is the tuple of chosen files, in itertools order (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const { g1 } = combinatoricsInputs(p, rec);
      p.permutations({ task: rec.fn("perm2"), input: g1, filter: formatter(".*/(?P<FILE_PART>.+).tmp1$"), tupleSize: 2, output: "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.perm2", extras: ["{basename[0][0][0]}{basename[1][0][0]}"] });
      p.combinations({ task: rec.fn("comb2"), input: g1, filter: formatter(), tupleSize: 2, output: "{path[0][0]}/{basename[0][0]}.{basename[1][0]}.comb2", extras: ["{basename[0][0][0]}{basename[1][0][0]}"] });
      p.combinationsWithReplacement({ task: rec.fn("cwr2"), input: g1, filter: formatter(), tupleSize: 2, output: "{path[0][0]}/{basename[0][0]}.{basename[1][0]}.cwr2", extras: ["{basename[0][0][0]}{basename[1][0][0]}"] });
      await p.run(run0);
      const job = (x: string, y: string, ext: string) => [[`w/${x}_name.tmp1`, `w/${y}_name.tmp1`], `<cwd>/w/${x}_name.${y}_name.${ext}`, x + y];
      assert.deepEqual(rec.of("perm2"), ["ab", "ac", "ad", "ba", "bc", "bd", "ca", "cb", "cd", "da", "db", "dc"].map(([x, y]) => job(x, y, "perm2")));
      assert.deepEqual(rec.of("comb2"), ["ab", "ac", "ad", "bc", "bd", "cd"].map(([x, y]) => job(x, y, "comb2")));
      assert.deepEqual(rec.of("cwr2"), ["aa", "ab", "ac", "ad", "bb", "bc", "bd", "cc", "cd", "dd"].map(([x, y]) => job(x, y, "cwr2")));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// files / parallel / follows-only
// ---------------------------------------------------------------------------------------------

describe("files", () => {
  test("test_files_decorator.py: single job, a list of jobs, files(task, out) receiving the bare string of a single-output task (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const t1 = p.files({ task: rec.fn("task1"), input: null, output: "a.1" });
      const t2 = p.transform({ task: rec.fn("task2"), input: t1, filter: regex(".+"), output: "b.1" });
      const t3 = p.files({ task: rec.fn("task3"), input: t2, output: "c.1" });
      const t4 = p.files({ task: rec.fn("task4"), jobs: [[null, "d.1"], [null, "e.1", "x", 3]] }).follows(t3);
      p.files({ task: rec.fn("task5"), input: t4, output: "f.1" });
      const s = await p.run({ ...run0, multithread: 10 });
      assert.deepEqual(rec.of("task1"), [[null, "a.1"]]);
      assert.deepEqual(rec.of("task2"), [["a.1", "b.1"]]);
      assert.deepEqual(rec.of("task3"), [["b.1", "c.1"]]);
      assert.deepEqual(rec.sortedOf("task4"), [[null, "d.1"], [null, "e.1", "x", 3]]);
      assert.deepEqual(rec.of("task5"), [[["d.1", "e.1"], "f.1"]]);
      assert.deepEqual(rec.order(), ["task1", "task2", "task3", "task4", "task5"]);
      assert.equal(s.jobsRun, 6);
      const again = await p.run(run0);
      assert.equal(again.jobsRun, 0);
      assert.equal(again.jobsUptodate, 6);
    });
  });

  test("decorator style files(mergeTask, 'c.1') receives the bare string output (test_files_decorator.py, test_posttask_merge.py)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("x.in");
      const m = merge(["x.in"], "b.1")(rec.fn("mergeTask"));
      files(m, "c.1")(rec.fn("after"));
      await pipelineRun(run0);
      assert.deepEqual(rec.of("mergeTask"), [[["x.in"], "b.1"]]);
      assert.deepEqual(rec.of("after"), [["b.1", "c.1"]]);
    });
  });

  test("a generator function of [input, output, ...extras] (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("g.in");
      write("h.in");
      const p = new Pipeline("p");
      p.files({
        task: rec.fn("task6"),
        jobs: function* gen() {
          for (const n of ["g", "h"]) yield [n + ".in", n + ".out", n.toUpperCase()];
        },
      });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("task6"), [["g.in", "g.out", "G"], ["h.in", "h.out", "H"]]);
      assert.equal(s.jobsRun, 2);
      const again = await p.run(run0);
      assert.equal(again.jobsRun, 0);
      assert.equal(again.jobsUptodate, 2);
    });
  });
});

describe("parallel", () => {
  test("a list of jobs and a generator: called as func(...params); they always run (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      p.parallel({ task: rec.fn("par_list", "none"), jobs: [["A", 1], ["B", 2, [3]]] });
      p.parallel({
        task: rec.fn("par_gen", "none"),
        jobs: function* gen() {
          for (let i = 0; i < 3; i++) yield [`job${i}`, i * i];
        },
      });
      p.parallel({ task: rec.fn("par_one", "none"), params: ["only", null] });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("par_list"), [["A", 1], ["B", 2, [3]]]);
      assert.deepEqual(rec.of("par_gen"), [["job0", 0], ["job1", 1], ["job2", 4]]);
      assert.deepEqual(rec.of("par_one"), [["only", null]]);
      assert.equal(s.jobsRun, 6);
      rec.clear();
      const again = await p.run(run0);
      // Every job again. (Ruffus 2.8.4 calls a generator function once, at declaration, so a second
      // pipeline_run finds it exhausted and runs no par_gen job; we call it for every run.)
      assert.deepEqual(rec.of("par_list"), [["A", 1], ["B", 2, [3]]]);
      assert.deepEqual(rec.of("par_gen"), [["job0", 0], ["job1", 1], ["job2", 4]]);
      assert.equal(again.jobsRun, 6);
      assert.equal(again.jobsUptodate, 0);
    });
  });
});

describe("follows-only tasks", () => {
  test("run once with no arguments after every parent (task, function, name), and again on every run", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const a = p.originate({ task: rec.fn("a", "orig"), output: ["a.1"] });
      const bFn = rec.fn("b", "orig");
      p.originate({ task: bFn, output: ["b.1"] });
      p.parallel({ task: rec.fn("c", "none"), params: [1] });
      p.follows({ task: rec.fn("after", "none"), parents: [a, bFn, "c"] });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("after"), [[]]);
      assert.equal(rec.calls[rec.calls.length - 1][0], "after");
      assert.equal(s.jobsRun, 4);
      rec.clear();
      const again = await p.run(run0);
      assert.deepEqual(rec.order(), ["c", "after"]);
      assert.equal(again.jobsRun, 2);
      assert.equal(again.jobsUptodate, 2);
    });
  });

  test("decorator style: a function with only follows() is a task that runs after its parent", async () => {
    await inTempDir(async () => {
      const order: string[] = [];
      const first = originate("x.1")(async function first(o: string) {
        order.push("first");
        write(o);
      });
      const last = follows(first)(function last() {
        order.push("last");
      });
      await pipelineRun(run0);
      assert.deepEqual(order, ["first", "last"]);
      assert.equal(typeof last, "function");
      last(); // still an ordinary function
      assert.deepEqual(order, ["first", "last", "last"]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// mkdir
// ---------------------------------------------------------------------------------------------

describe("mkdir", () => {
  test("test_mkdir.py: task.mkdir() plain and filter forms, p.mkdir(), follows(mkdir()) — all made before the task (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const g = p.split({ task: rec.fn("gen"), input: 1, output: [..."ab"].map((c) => `w/${c}_name.tmp1`) }).follows(mkdir("w"));
      const subdirs = () => readdirSync("w").filter((d) => statSync(`w/${d}`).isDirectory()).sort();
      p.transform({
        task: async function check_transform(i: string, o: string) {
          rec.calls.push(["check_transform", [i, o.split(process.cwd()).join("<cwd>"), subdirs()]]);
          writeFileSync(o, "");
        },
        input: g,
        filter: formatter(),
        output: "{path[0]}/{basename[0]}.dir/{basename[0]}.tmp2",
      })
        .mkdir("w/test1")
        .mkdir("w/test2")
        .mkdir(g, formatter(), ["{path[0]}/{basename[0]}.dir", 3, "{path[0]}/{basename[0]}.dir2"]);
      const md = p.mkdir("w/plain1", "w/plain2");
      const mf = p.mkdir({ input: g, filter: formatter(), output: "{path[0]}/{basename[0]}.fdir" });
      p.follows({
        task: async function after_mkdirs() {
          rec.calls.push(["after_mkdirs", [readdirSync("w").sort()]]);
        },
        parents: [md, mf, mkdir("w/viafollows")],
      });
      await p.run(run0);
      const allDirs = ["a_name.dir", "a_name.dir2", "a_name.fdir", "b_name.dir", "b_name.dir2", "b_name.fdir", "plain1", "plain2", "test1", "test2", "viafollows"];
      // Ruffus runs check_transform after all mkdir tasks (its own and, by set order, the others).
      // Here only its own directories are guaranteed to exist when it runs:
      for (const [i, c] of ["a", "b"].entries()) {
        const [inp, out, dirs] = rec.of("check_transform")[i] as [string, string, string[]];
        assert.equal(inp, `w/${c}_name.tmp1`);
        assert.equal(out, `<cwd>/w/${c}_name.dir/${c}_name.tmp2`);
        for (const d of ["a_name.dir", "a_name.dir2", "b_name.dir", "b_name.dir2", "test1", "test2"]) assert.ok(dirs.includes(d), d);
      }
      assert.deepEqual(rec.of("after_mkdirs"), [[[...allDirs, "a_name.tmp1", "b_name.tmp1"].sort()]]);
      assert.deepEqual(subdirs(), allDirs);
      const names = p.getTaskNames();
      for (const n of ["mkdir", "mkdir # 2", "mkdir('w/test1')   before check_transform ", "mkdir('w/test2') #2   before check_transform ", "mkdir('w/viafollows')   before after_mkdirs "]) {
        assert.ok(names.includes(n), `${n} in ${JSON.stringify(names)}`);
      }
      // Up to date once the directories exist.
      const again = await p.run(run0);
      assert.deepEqual(again.tasksRun, ["p::after_mkdirs"]);
    });
  });

  test("mkdir(['a', 'b']) and mkdir('a', 'b') make every directory (intermediate ones too) in one job", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("p");
      const seen: boolean[] = [];
      p.follows({
        task: function user() {
          seen.push(existsSync("x/y/z") && existsSync("q") && existsSync("r") && existsSync("s/t"));
        },
        parents: [mkdir(["x/y/z", "q"])],
      }).mkdir("r", "s/t");
      const s = await p.run(run0);
      assert.deepEqual(seen, [true]);
      for (const d of ["x/y/z", "q", "r", "s/t"]) assert.ok(statSync(d).isDirectory(), d);
      assert.equal(s.jobsRun, 3);
    });
  });

  test("a file in the way of a directory is an error", async () => {
    await inTempDir(async () => {
      write("out");
      const p = new Pipeline("p");
      p.originate({ task: async (o: string) => write(o), output: ["out/a"], name: "make" }).follows(mkdir("out"));
      await assert.rejects(p.run(run0), (e: unknown) => e instanceof RuffusError && /out.*already exists but as a file, not a directory/s.test((e as Error).message));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// posttask, activeIf
// ---------------------------------------------------------------------------------------------

describe("posttask", () => {
  test("test_posttask_merge.py: four posttasks write in task order; files() after merge gets one file name", async () => {
    await inTempDir(async () => {
      const t = "test_posttask_merge/";
      const testFile = t + "task.done";
      const jobsPerTask = 50;
      touchAll(t + "original.fa");
      const doWrite = (what: string) => () => appendFileSync(testFile, what);
      const received: unknown[] = [];
      const p = new Pipeline("test");
      const splitTask = p.split({
        task: async function split_fasta_file(_input: string, outputs: string[]) {
          const [flag, ...files] = outputs;
          for (const f of files) unlinkSync(f);
          for (let i = 0; i < jobsPerTask; i++) writeFileSync(`${t}files.split.${String(i).padStart(3, "0")}.fa`, "");
          writeFileSync(flag, "");
        },
        input: t + "original.fa",
        output: [t + "files.split.success", t + "files.split.*.fa"],
      }).posttask(doWrite(`Split into ${jobsPerTask} files\n`));
      p.transform({
        task: async function align_sequences(_i: string, o: string) {
          writeFileSync(o, o + "\n");
        },
        input: splitTask,
        filter: suffix(".fa"),
        output: ".aln",
      }).posttask(doWrite("Sequences aligned\n"));
      p.transform({
        task: async function percentage_identity(_i: string, [out, flag]: string[]) {
          writeFileSync(out, out + "\n");
          writeFileSync(flag, "");
        },
        input: outputFrom("align_sequences"),
        filter: suffix(".aln"),
        output: [".pcid", ".pcid_success"],
      }).posttask(doWrite("%Identity calculated\n"));
      const combine = p.merge({
        task: async function combine_results(inputs: [string, string][], output: string) {
          writeFileSync(output, inputs.map(([inp]) => readFileSync(inp, "utf8")).join(""));
        },
        input: outputFrom("percentage_identity"),
        output: t + "all.combine_results",
      }).posttask(doWrite("Results recombined\n"));
      const postMerge = p.files({
        task: async function post_merge_check(i: string, o: string) {
          received.push(i);
          writeFileSync(o, readFileSync(i, "utf8"));
        },
        input: combine,
        output: t + "check_all_is.well",
      });
      p.files({
        task: async function post_post_merge_check(i: string, o: string) {
          received.push(i);
          writeFileSync(o, readFileSync(i, "utf8"));
        },
        input: postMerge,
        output: t + "check_all_is.weller",
      });
      const s = await p.run({ ...run0, multithread: 50 });
      assert.equal(read(testFile), `Split into ${jobsPerTask} files\nSequences aligned\n%Identity calculated\nResults recombined\n`);
      assert.deepEqual(received, [t + "all.combine_results", t + "check_all_is.well"]);
      assert.equal(read(t + "check_all_is.weller").split("\n").length - 1, jobsPerTask);
      assert.equal(s.jobsRun, 1 + 50 + 50 + 1 + 1 + 1);
    });
  });

  test("touchFile() posttask and functions run in the order given; decorator posttask stacks", async () => {
    await inTempDir(async () => {
      const order: string[] = [];
      const f = posttask(
        () => order.push(`p1:${exists("flag")}`),
        touchFile("flag"),
        () => order.push(`p2:${exists("flag")}`),
      )(originate(["a.1"])(async function make(o: string) {
        order.push("job");
        write(o);
      }));
      await pipelineRun(run0);
      assert.deepEqual(order, ["job", "p1:false", "p2:true"]);
      assert.equal(typeof f, "function");
    });
  });
});

/** The helper of test_active_if.py, line for line. */
function activeIfHelper(infiles: unknown, outfiles: unknown): void {
  const ins = Array.isArray(infiles) ? infiles : [infiles];
  const outs = Array.isArray(outfiles) ? outfiles : [outfiles];
  let text = "";
  let preambleLen = 0;
  let infile: unknown = null;
  for (infile of ins) {
    if (infile) {
      for (const line of readFileSync(infile as string, "utf8").split(/(?<=\n)/)) {
        if (!line) continue;
        text += line;
        preambleLen = Math.max(preambleLen, line.length - line.trimStart().length);
      }
    }
  }
  const preamble = text.length ? " ".repeat(preambleLen + 4) : "";
  for (const o of outs) writeFileSync(o as string, text + preamble + JSON.stringify(infile ?? null) + " -> " + JSON.stringify(o) + "\n");
}

describe("activeIf", () => {
  const expectedActive = `null -> "test_active_if/a.1"
    "test_active_if/a.1" -> "test_active_if/a.2"
null -> "test_active_if/a.1"
    "test_active_if/a.1" -> "test_active_if/a.3"
        "test_active_if/a.3" -> "test_active_if/a.4"
null -> "test_active_if/b.1"
    "test_active_if/b.1" -> "test_active_if/b.2"
null -> "test_active_if/b.1"
    "test_active_if/b.1" -> "test_active_if/b.3"
        "test_active_if/b.3" -> "test_active_if/b.4"
            "test_active_if/b.4" -> "test_active_if/summary.5"
`;
  const expectedInactive = `null -> "test_active_if/a.1"
    "test_active_if/a.1" -> "test_active_if/a.2"
        "test_active_if/a.2" -> "test_active_if/a.4"
null -> "test_active_if/b.1"
    "test_active_if/b.1" -> "test_active_if/b.2"
        "test_active_if/b.2" -> "test_active_if/b.4"
            "test_active_if/b.4" -> "test_active_if/summary.5"
`;

  function build(flag: { active: boolean }): { p: Pipeline; seen: string[] } {
    const seen: string[] = [];
    const p = new Pipeline("test");
    const task1 = p.originate({
      task: async function task1(outfile: string, extra: string) {
        seen.push(`task1:${extra}`);
        activeIfHelper(null, outfile);
      },
      output: ["test_active_if/a.1", "test_active_if/b.1"],
      extras: ["an extra_parameter"],
    }).follows(mkdir("test_active_if"));
    const task2 = p.transform({ task: async function task2(i: string, o: string) { activeIfHelper(i, o); }, input: task1, filter: suffix(".1"), output: ".2" });
    const task3 = p.transform({
      task: async function task3(i: string, o: string) {
        seen.push("task3");
        activeIfHelper(i, o);
      },
      input: task1,
      filter: suffix(".1"),
      output: ".3",
    }).activeIf(() => flag.active);
    const task4 = p.collate({ task: async function task4(i: string[], o: string) { activeIfHelper(i, o); }, input: [task2, task3], filter: regex(String.raw`(.+)\.[23]`), output: String.raw`\1.4` });
    p.merge({ task: async function task5(i: string[], o: string) { activeIfHelper(i, o); }, input: task4, output: "test_active_if/summary.5" });
    return { p, seen };
  }

  test("test_active_if.py, active: the collate gets .2 and .3 files", async () => {
    await inTempDir(async () => {
      const { p, seen } = build({ active: true });
      const s = await p.run({ ...run0, multithread: 50 });
      assert.equal(read("test_active_if/summary.5"), expectedActive);
      assert.equal(seen.filter((x) => x === "task3").length, 2);
      assert.equal(s.jobsRun, 1 + 2 + 2 + 2 + 2 + 1);
    });
  });

  test("test_active_if.py, inactive: the task never runs and its output is []", async () => {
    await inTempDir(async () => {
      const { p, seen } = build({ active: false });
      const s = await p.run({ ...run0, multithread: 50 });
      assert.equal(read("test_active_if/summary.5"), expectedInactive);
      assert.ok(!seen.includes("task3"));
      assert.ok(!exists("test_active_if/a.3"));
      assert.ok(!s.tasksRun.includes("test::task3"));
      assert.equal(s.jobsRun, 1 + 2 + 2 + 2 + 1);
    });
  });

  test("the check is evaluated at the start of every run; decorator activeIf(false) too", async () => {
    await inTempDir(async () => {
      const flag = { active: false };
      const { p } = build(flag);
      await p.run(run0);
      assert.equal(read("test_active_if/summary.5"), expectedInactive);
      flag.active = true;
      await p.run(run0);
      assert.equal(read("test_active_if/summary.5"), expectedActive);

      const calls: string[] = [];
      activeIf(false)(originate("never.1")(function never() {
        calls.push("never");
      }));
      await pipelineRun(run0);
      assert.deepEqual(calls, []);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Decorator style
// ---------------------------------------------------------------------------------------------

describe("decorator style", () => {
  test("registers into the 'main' pipeline, returns the function unchanged, usable as an input; modifiers stack in any order", async () => {
    await inTempDir(async () => {
      const log: unknown[] = [];
      async function makeStart(out: string, extra: string) {
        log.push(["makeStart", out, extra]);
        write(out, "start");
      }
      const r1 = originate(["a.start", "b.start"], "xtra")(makeStart);
      assert.equal(r1, makeStart);

      const toMiddle = transform(makeStart, suffix(".start"), ".middle", "extra_value")(async function toMiddle(i: string, o: string, extra: string) {
        log.push(["toMiddle", i, o, extra]);
        write(o, read(i) + "+middle");
      });
      // posttask before the action decorator, follows after it: same task.
      async function summarise(inputs: string[], output: string) {
        log.push(["summarise", inputs, output]);
        write(output, inputs.map(read).join(","));
      }
      const r2 = follows(makeStart)(merge(toMiddle, "all.summary")(posttask(() => log.push("post"))(summarise)));
      assert.equal(r2, summarise);

      assert.deepEqual(pipelineGetTaskNames(), ["makeStart", "toMiddle", "summarise"]);
      assert.equal(Pipeline.main.getTask(summarise).displayName, "summarise");
      const s = await pipelineRun(run0);
      assert.deepEqual(log, [
        ["makeStart", "a.start", "xtra"],
        ["makeStart", "b.start", "xtra"],
        ["toMiddle", "a.start", "a.middle", "extra_value"],
        ["toMiddle", "b.start", "b.middle", "extra_value"],
        ["summarise", ["a.middle", "b.middle"], "all.summary"],
        "post",
      ]);
      assert.equal(read("all.summary"), "start+middle,start+middle");
      assert.deepEqual(s.tasksRun, ["makeStart", "toMiddle", "summarise"]);
      assert.equal(s.jobsRun, 5);

      // The function is still an ordinary function.
      await makeStart("direct.start", "y");
      assert.equal(read("direct.start"), "start");
    });
  });

  test("two action decorators on one function are refused ('Duplicate task')", async () => {
    await inTempDir(async () => {
      const f = transform(["a.1"], suffix(".1"), ".2")(async function twice(_i: string, _o: string) {});
      assert.throws(() => merge(["a.1"], "all")(f), (e: unknown) => e instanceof RuffusError && /Duplicate task/.test((e as Error).message));
    });
  });

  test("a decorated function given as input of an OOP task of another pipeline resolves to the main-pipeline task (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const start = originate(["m.1", "n.1"])(rec.fn("start", "orig"));
      const q = new Pipeline("q");
      q.transform({ task: rec.fn("useIt"), input: start, filter: suffix(".1"), output: ".2" });
      await q.run(run0);
      assert.deepEqual(rec.of("useIt"), [["m.1", "m.2"], ["n.1", "n.2"]]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Sub-pipelines, clone, lookup
// ---------------------------------------------------------------------------------------------

describe("sub-pipelines", () => {
  const tempdir = "test_subpipeline";

  async function task_originate(o: string) {
    writeFileSync(o, "");
  }
  async function task_m_to_1(i: string[], o: string) {
    let text = "";
    for (const f of [...i].sort()) text += f + "=" + readFileSync(f, "utf8") + "; ";
    writeFileSync(o, text);
  }
  async function task_1_to_1(i: string, o: string) {
    writeFileSync(o, i + "+" + readFileSync(i, "utf8"));
  }

  function makePipeline1(name: string, startingFileNames: string[]): Pipeline {
    const tp = new Pipeline(name);
    tp.originate({ task: task_originate, output: startingFileNames })
      .follows(mkdir(tempdir), mkdir(tempdir + "/testdir", tempdir + "/testdir2"))
      .posttask(touchFile(tempdir + "/testdir/whatever.txt"));
    tp.transform({
      task: task_m_to_1,
      name: "add_input",
      input: task_originate, // looked up from the function, unique in this pipeline
      filter: regex("(.+)"),
      addInputs: addInputs(tempdir + "/testdir/whatever.txt"),
      output: String.raw`\1.22`,
    });
    tp.transform({ task: task_1_to_1, name: "22_to_33", input: outputFrom("add_input"), filter: suffix(".22"), output: ".33" });
    const tail = tp.transform({ task: task_1_to_1, name: "33_to_44", input: tp.getTask("22_to_33"), filter: suffix(".33"), output: ".44" });
    tp.setTailTasks([tail]);
    tp.setHeadTasks([tp.getTask(task_originate)]);
    return tp;
  }

  function makePipeline2(name = "pipeline2"): Pipeline {
    const tp = new Pipeline(name);
    tp.transform({ task: task_1_to_1, name: "44_to_55", input: null, filter: suffix(".44"), output: ".55" });
    tp.merge({ task: task_m_to_1, input: tp.getTask("44_to_55"), output: tempdir + "/final.output" });
    tp.setTailTasks([tp.getTask(task_m_to_1)]);
    tp.setHeadTasks([tp.getTask("44_to_55")]);
    return tp;
  }

  test("test_subpipeline.py: two instances, a clone with setOutput, joined by setInput([p1a, p1b, p1c]) into a second pipeline", async () => {
    await inTempDir(async () => {
      const p1a = makePipeline1("pipeline1a", ["a.1", "b.1"].map((s) => `${tempdir}/${s}`));
      const p1b = makePipeline1("pipeline1b", ["c.1", "d.1"].map((s) => `${tempdir}/${s}`));
      const p1c = p1b.clone("pipeline1c");
      p1c.setOutput({ output: [] });
      p1c.setOutput({ output: ["e.1", "f.1"].map((s) => `${tempdir}/${s}`) });
      const p2 = makePipeline2();
      p2.setInput({ input: [p1a, p1b, p1c] });
      const s = await p2.run({ ...run0, multithread: 10 });

      const expected = [..."abcdef"]
        .map((c) => `${tempdir}/${c}.1.55=${tempdir}/${c}.1.44+${tempdir}/${c}.1.33+${tempdir}/${c}.1.22+${tempdir}/${c}.1=; ${tempdir}/testdir/whatever.txt=; ; `)
        .join("");
      assert.equal(read(`${tempdir}/final.output`), expected);
      // 3 pipelines x (2 mkdir + 2 originate + 3 x 2 transforms) + 6 + 1
      assert.equal(s.jobsRun, 3 * (2 + 2 + 6) + 6 + 1);
      assert.ok(s.tasksRun.includes("pipeline1c::33_to_44"));
      assert.ok(s.tasksRun.includes("pipeline2::task_m_to_1"));
      // The clone keeps the task names and its references point at its own tasks.
      assert.deepEqual(p1c.getTaskNames(), p1b.getTaskNames());
      assert.notEqual(p1c.getTask("33_to_44"), p1b.getTask("33_to_44"));
      assert.equal(p1c.getTask("33_to_44").pipeline, p1c);
      assert.deepEqual(p1c.getTailTasks(), [p1c.getTask("33_to_44")]);
      assert.deepEqual(p1c.getHeadTasks(), [p1c.getTask("task_originate")]);
    });
  });

  test("setInput on a pipeline without head tasks, setOutput on a non-originate task: errors", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("nohead");
      const t = p.transform({ task: task_1_to_1, input: null, filter: suffix(".1"), output: ".2" });
      assert.throws(() => p.setInput({ input: ["x.1"] }), (e: unknown) => e instanceof RuffusError && /has no head tasks/.test((e as Error).message));
      assert.throws(() => t.setOutput({ output: ["x"] }), /Can only set output for originate tasks/);
      assert.throws(() => t.setInput({ inputx: 1 } as never), /Unexpected argument name/);
    });
  });

  test("Task.setInput replaces a task's input; product setInput({input, input2})", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["a.1", "b.1", "x.1", "y.2"]) write(f);
      const p = new Pipeline("p");
      p.transform({ task: rec.fn("t"), input: ["a.1"], filter: suffix(".1"), output: ".t" }).setInput({ input: ["b.1"] });
      p.product({ task: rec.fn("prod"), input: ["a.1"], filter: formatter(), input2: ["b.1"], filter2: formatter(), output: "{basename[0][0]}_{basename[1][0]}.prod" }).setInput({
        input: ["x.1"],
        input2: ["y.2"],
      });
      await p.run(run0);
      assert.deepEqual(rec.of("t"), [["b.1", "b.t"]]);
      assert.deepEqual(rec.of("prod"), [[["x.1", "y.2"], "x_y.prod"]]);
    });
  });

  test("a clone resolves names in follows() and outputFrom() to its own tasks (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("orig");
      const a = p.originate({ task: rec.fn("A", "orig"), output: ["a.1"] });
      p.merge({ task: rec.fn("B"), input: outputFrom("A"), output: "b.out" });
      p.follows({ task: rec.fn("C", "none"), parents: ["A"] });
      p.setHeadTasks([a]);
      const c = p.clone("copy");
      c.setOutput({ output: ["c.1"] });
      const s = await c.run(run0);
      assert.deepEqual(rec.calls, [["A", ["c.1"]], ["B", [["c.1"], "b.out"]], ["C", []]]);
      assert.deepEqual(new Set(s.tasksRun), new Set(["copy::A", "copy::B", "copy::C"]));
      assert.ok(!exists("a.1"));
    });
  });

  test("a clone runs independently of its original (own outputs, own up-to-date state)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("orig");
      const o = p.originate({ task: rec.fn("make", "orig"), output: ["o.1"] });
      p.transform({ task: rec.fn("step"), input: o, filter: suffix(".1"), output: ".2" });
      p.setHeadTasks([o]);
      const c = p.clone("copy");
      c.setOutput({ output: ["c.1"] });
      const s1 = await c.run(run0);
      assert.deepEqual(rec.calls, [["make", ["c.1"]], ["step", ["c.1", "c.2"]]]);
      assert.deepEqual(s1.tasksRun, ["copy::make", "copy::step"]);
      assert.ok(!exists("o.1"));
      rec.clear();
      await p.run(run0);
      assert.deepEqual(rec.calls, [["make", ["o.1"]], ["step", ["o.1", "o.2"]]]);
    });
  });
});

describe("lookup by 'pipeline::task'", () => {
  test("in getTask, outputFrom(), follows() and targetTasks", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const q = new Pipeline("q");
      const other = q.originate({ task: rec.fn("other", "orig"), output: ["q1.txt", "q2.txt"] });
      q.originate({ task: rec.fn("unrelated", "orig"), output: ["u.txt"] });
      const p = new Pipeline("p");
      p.merge({ task: rec.fn("gather"), input: outputFrom("q::other"), output: "all.txt" });
      p.follows({ task: rec.fn("later", "none"), parents: ["q::unrelated"] });
      assert.equal(p.getTask("q::other"), other);
      assert.equal(q.getTask("other"), other);
      const s = await p.run(run0);
      assert.deepEqual(rec.of("gather"), [[["q1.txt", "q2.txt"], "all.txt"]]);
      assert.deepEqual(new Set(s.tasksRun), new Set(["q::other", "q::unrelated", "p::gather", "p::later"]));
      assert.ok(rec.calls.findIndex((c) => c[0] === "unrelated") < rec.calls.findIndex((c) => c[0] === "later"));
      rec.clear();
      unlinkSync("all.txt");
      const t = await p.run({ ...run0, targetTasks: ["p::gather"] });
      assert.deepEqual(t.tasksRun, ["p::gather"]);
      assert.deepEqual(rec.order(), ["gather"]);
    });
  });
});
