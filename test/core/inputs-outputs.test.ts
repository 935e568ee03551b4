/**
 * How inputs are resolved and outputs handed on (reference §2.1, §2.6, §2.7, §2.9): tasks,
 * functions, pipelines, outputFrom(), globs, nested lists and runtimeParameter() in inputs;
 * sorting by Python str(); the flattening of split/subdivide outputs; the "single job, single
 * output" rule; addInputs()/inputs() and extras substitution; inactive tasks.
 *
 * Expectations marked "compared with Ruffus 2.8.4" were produced by running the same pipeline with
 * Python Ruffus 2.8.4 (/usr/bin/python3), recording the arguments each task function received
 * (tuples became arrays, the temp dir "<cwd>"). Where a job's input files would not exist, the
 * Python run had Ruffus's input-exists check disabled; here the files are created instead.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import {
  MissingRuntimeParameterError,
  Pipeline,
  RethrownJobError,
  RuffusError,
  addInputs,
  formatter,
  inputs,
  mkdir,
  outputFrom,
  regex,
  runtimeParameter,
  suffix,
  transform,
  pipelineRun,
} from "ruffus";
import { exists, inTempDir, read, write } from "../helpers.ts";
import { Recorder, touchAll } from "./fixtures-kinds.ts";

const run0 = { verbose: 0 } as const;

// ---------------------------------------------------------------------------------------------
// §2.1 Resolving the input argument
// ---------------------------------------------------------------------------------------------

describe("input resolution (§2.1)", () => {
  test("tasks and globs: replaced by their files at top level, spliced in-line inside lists; other values kept (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      touchAll(["x.txt", "this", "test1.1", "test1.2", "test12", "that1", "that2"]);
      const p = new Pipeline("p");
      const t1 = p.originate({ task: rec.fn("t1", "orig"), output: ["t1b", "t1a"] });
      const t2 = p.originate({ task: rec.fn("t2", "orig"), output: ["t2"] });
      p.merge({ task: rec.fn("m_globs"), input: [["test1.*"], "test?2", 3], output: "m1" });
      p.merge({ task: rec.fn("m_tasks"), input: [t2, t1], output: "m2" });
      p.merge({ task: rec.fn("m_nested"), input: [t1, [1, "this", ["that*", 5]], [[t2]]], output: "m3" });
      p.merge({ task: rec.fn("m_top_task"), input: t1, output: "m4" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("m_globs"), [[[["test1.1", "test1.2"], "test12", 3], "m1"]]);
      assert.deepEqual(rec.of("m_tasks"), [[["t2", "t1a", "t1b"], "m2"]]);
      assert.deepEqual(rec.of("m_nested"), [[["t1a", "t1b", [1, "this", ["that1", "that2", 5]], [["t2"]]], "m3"]]);
      assert.deepEqual(rec.of("m_top_task"), [[["t1a", "t1b"], "m4"]]);
      assert.equal(s.jobsRun, 3 + 4);
    });
  });

  test("each top-level element is one job's input, sorted by Python str(); elements without any string are skipped (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      touchAll(["this", "that1", "that2"]);
      const p = new Pipeline("p");
      const t1 = p.originate({ task: rec.fn("t1", "orig"), output: ["t1b", "t1a"] });
      const t2 = p.originate({ task: rec.fn("t2", "orig"), output: ["t2"] });
      p.transform({ task: rec.fn("tr_nested"), input: [t1, [1, "this", ["that*", 5]], [[t2]], 42, [7, [null]]], filter: formatter(), output: "{basename[0]}.tr" });
      const s = await p.run(run0);
      // str([1, 'this', ...]) < str([['t2']]) < 't1a' < 't1b'  ('1' < '[' < 't')
      assert.deepEqual(rec.of("tr_nested"), [
        [[1, "this", ["that1", "that2", 5]], "this.tr"],
        [[["t2"]], "t2.tr"],
        ["t1a", "t1a.tr"],
        ["t1b", "t1b.tr"],
      ]);
      assert.equal(s.jobsRun, 3 + 4);
    });
  });

  test("outputFrom(): strings are task names; one argument is the task itself; several are spliced in-line inside a list; non-strings pass through (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("x.txt");
      const p = new Pipeline("p");
      p.originate({ task: rec.fn("t1", "orig"), output: ["t1b", "t1a"] });
      p.originate({ task: rec.fn("t2", "orig"), output: ["t2"] });
      p.merge({ task: rec.fn("m_of"), input: ["x.txt", outputFrom("t2", "t1"), 9], output: "m5" });
      p.merge({ task: rec.fn("m_of1"), input: outputFrom("t1"), output: "m6" });
      p.merge({ task: rec.fn("m_of_nonstr"), input: outputFrom("t2", ["t1", 7], 5), output: "m7" });
      await p.run(run0);
      assert.deepEqual(rec.of("m_of"), [[["x.txt", "t2", "t1a", "t1b", 9], "m5"]]);
      assert.deepEqual(rec.of("m_of1"), [[["t1a", "t1b"], "m6"]]);
      assert.deepEqual(rec.of("m_of_nonstr"), [[["t2", ["t1a", "t1b", 7], 5], "m7"]]);
    });
  });

  test("a plain string is a file name, never a task name", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("t1", "a file called t1");
      const p = new Pipeline("p");
      p.originate({ task: rec.fn("t1", "orig"), output: ["made.by.t1"] });
      p.merge({ task: rec.fn("m"), input: ["t1"], output: "m.out" });
      await p.run(run0);
      assert.deepEqual(rec.of("m"), [[["t1"], "m.out"]]);
    });
  });

  test("task functions as inputs (alone and in a list) become parents", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const makeA = rec.fn("makeA", "orig");
      const makeB = rec.fn("makeB", "orig");
      p.originate({ task: makeA, output: ["a.1", "a2.1"] });
      p.originate({ task: makeB, output: ["b.1"] });
      p.transform({ task: rec.fn("fromFn"), input: makeA, filter: suffix(".1"), output: ".2" });
      p.merge({ task: rec.fn("fromFns"), input: [makeB, makeA], output: "all" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("fromFn"), [["a.1", "a.2"], ["a2.1", "a2.2"]]);
      assert.deepEqual(rec.of("fromFns"), [[["b.1", "a.1", "a2.1"], "all"]]);
      assert.equal(s.jobsRun, 3 + 2 + 1);
      // fromFns ran after both parents
      const order = rec.order();
      assert.ok(order.indexOf("fromFns") > order.indexOf("makeA") && order.indexOf("fromFns") > order.indexOf("makeB"));
    });
  });

  test("a pipeline as input stands for its tail tasks: at top level replaced by their files, inside a list spliced in-line (one tail: compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const sub = new Pipeline("sub");
      const s1 = sub.originate({ task: rec.fn("s1", "orig"), output: ["s.1"] });
      const s2 = sub.transform({ task: rec.fn("s2"), input: s1, filter: suffix(".1"), output: ".2" });
      sub.originate({ task: rec.fn("s3", "orig"), output: ["not.a.tail"] });
      const other = sub.originate({ task: rec.fn("s4", "orig"), output: ["tail.b"] });
      sub.setTailTasks([s2, other]);
      const p = new Pipeline("p");
      p.merge({ task: rec.fn("gather"), input: sub, output: "all" });
      p.merge({ task: rec.fn("gather_list"), input: ["x", sub], output: "all2" });
      const sub1 = new Pipeline("sub1");
      sub1.setTailTasks([sub1.originate({ task: rec.fn("o1", "orig"), output: ["one.1", "one.2"] })]);
      p.merge({ task: rec.fn("gather1"), input: sub1, output: "all3" });
      p.merge({ task: rec.fn("gather_list1"), input: ["x", sub1], output: "all4" });
      write("x");
      const s = await p.run(run0);
      assert.deepEqual(rec.of("gather1"), [[["one.1", "one.2"], "all3"]]);
      assert.deepEqual(rec.of("gather_list1"), [[["x", "one.1", "one.2"], "all4"]]);
      // Two tail tasks: both stand for the pipeline, spliced like two tasks written in the list.
      // (Ruffus 2.8.4 zips input references with the tasks they resolve to, so a pipeline with two
      // tail tasks gives only the first one's files, ["s.2"] and ["x", "s.2"] — a bug.)
      assert.deepEqual(rec.of("gather"), [[["s.2", "tail.b"], "all"]]);
      assert.deepEqual(rec.of("gather_list"), [[["x", "s.2", "tail.b"], "all2"]]);
      assert.ok(!s.tasksRun.includes("sub::s3")); // not needed by p
      assert.deepEqual(rec.of("s3"), []);
    });
  });

  test("globs are expanded when the task's jobs are made, after its parents ran (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.in");
      const p = new Pipeline("p");
      const m = p.split({
        task: async function mk(i: unknown, o: string[]) {
          rec.calls.push(["mk", [i, [...o]]]);
          for (const n of ["x", "y"]) write(n + ".made");
        },
        input: null,
        output: "*.made",
      });
      p.transform({ task: rec.fn("glob_after"), input: "*.made", filter: suffix(".made"), output: ".used" }).follows(m);
      p.merge({ task: rec.fn("glob_merge"), input: ["*.made", "a.in"], output: "globs.merged" }).follows(m);
      const s = await p.run(run0);
      assert.deepEqual(rec.of("mk"), [[null, []]]);
      assert.deepEqual(rec.of("glob_after"), [["x.made", "x.used"], ["y.made", "y.used"]]);
      assert.deepEqual(rec.of("glob_merge"), [[["x.made", "y.made", "a.in"], "globs.merged"]]);
      assert.equal(s.jobsRun, 1 + 2 + 1);
    });
  });

  test("test_runtime_data.py: runtimeParameter('a') is replaced by runtimeData.a", async () => {
    await inTempDir(async () => {
      const t = "test_runtime_data/";
      const runtimeFiles = [t + "a.3"];
      const chain = async (infile: string, outfile: string) => {
        const text = (infile ? read(infile) : "") + JSON.stringify(infile) + " -> " + JSON.stringify(outfile) + "\n";
        writeFileSync(outfile, text);
      };
      const p = new Pipeline("test");
      const task1 = p.originate({
        task: async function task1(outfile: string) {
          writeFileSync(outfile, "    -> " + JSON.stringify(outfile) + "\n");
        },
        output: [t + "a.1", ...runtimeFiles],
      }).follows(mkdir(t));
      const task2 = p.transform({ task: chain, name: "task2", input: task1, filter: suffix(".1"), output: ".2" });
      const task3 = p.transform({ task: chain, name: "task3", input: task2, filter: suffix(".2"), output: ".3" });
      const seen: unknown[] = [];
      p.transform({
        task: async function task4(i: string, o: string) {
          seen.push([i, o]);
          await chain(i, o);
        },
        input: runtimeParameter("a"),
        filter: suffix(".3"),
        output: ".4",
      }).follows(task3);
      await p.run({ ...run0, runtimeData: { a: runtimeFiles } });
      for (const f of ["a.1", "a.2", "a.3", "a.4"]) assert.ok(exists(t + f), f);
      assert.deepEqual(seen, [[t + "a.3", t + "a.4"]]);
      // a.3 is made by task1 and then rewritten by task3 (a.2 -> a.3) before task4 reads it.
      assert.equal(read(t + "a.4"), `    -> "${t}a.1"\n"${t}a.1" -> "${t}a.2"\n"${t}a.2" -> "${t}a.3"\n"${t}a.3" -> "${t}a.4"\n`);
    });
  });

  test("runtimeParameter inside a list is spliced like a task", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      touchAll(["r1", "r2", "fixed"]);
      const p = new Pipeline("p");
      p.merge({ task: rec.fn("m"), input: ["fixed", runtimeParameter("more")], output: "m.out" });
      await p.run({ ...run0, runtimeData: { more: ["r1", "r2"] } });
      assert.deepEqual(rec.of("m"), [[["fixed", "r1", "r2"], "m.out"]]);
    });
  });

  test("a missing runtime parameter: run() and printout() reject naming the task and the parameter", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("p");
      p.transform({ task: async function task4(_i: string, _o: string) {}, input: runtimeParameter("a"), filter: suffix(".3"), output: ".4" });
      const check = (e: unknown): boolean => {
        assert.ok(e instanceof RethrownJobError, String(e));
        assert.equal(e.failures.length, 1);
        assert.equal(e.failures[0].task, "p::task4");
        const err = e.failures[0].error as Error & { cause?: unknown };
        // Ruffus: "The inputs of this task depends on the runtime parameter 'a' which is missing"
        assert.match(err.message, /runtime parameter 'a'.*missing/s);
        assert.ok(err instanceof MissingRuntimeParameterError || err.cause instanceof MissingRuntimeParameterError);
        return true;
      };
      await assert.rejects(p.run(run0), check);
      await assert.rejects(p.printout({ verbose: 3 }), check);
      await assert.rejects(p.run({ ...run0, runtimeData: { b: [] } }), check);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Sorting and how outputs are handed on (§2.9)
// ---------------------------------------------------------------------------------------------

describe("outputs handed to the next task (§2.9)", () => {
  test("a task's outputs are sorted by str — 10.txt before 2.txt — while originate jobs run in the order written (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.in");
      write("b.in");
      const p = new Pipeline("p");
      const s = p.originate({ task: rec.fn("nums", "orig"), output: ["2.txt", "10.txt", "1.txt"] });
      p.transform({ task: rec.fn("nums_t"), input: s, filter: suffix(".txt"), output: ".n" });
      p.merge({ task: rec.fn("nums_m"), input: s, output: "nums.merged" });
      p.transform({ task: rec.fn("literal_sort"), input: ["b.in", "a.in", ["a.in", "b.in"]], filter: suffix(".in"), output: ".ls" });
      await p.run(run0);
      assert.deepEqual(rec.of("nums"), [["2.txt"], ["10.txt"], ["1.txt"]]);
      assert.deepEqual(rec.of("nums_t"), [["1.txt", "1.n"], ["10.txt", "10.n"], ["2.txt", "2.n"]]);
      assert.deepEqual(rec.of("nums_m"), [[["1.txt", "10.txt", "2.txt"], "nums.merged"]]);
      assert.deepEqual(rec.of("literal_sort"), [[["a.in", "b.in"], "a.ls"], ["a.in", "a.ls"], ["b.in", "b.ls"]]);
    });
  });

  test("split/subdivide outputs are flattened (one downstream job per file); a transform's list output stays one element (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("start");
      const p = new Pipeline("p");
      // doc/faq.rst: split("start.input", ("first_output.txt", "second_output.txt")) → two downstream jobs
      const sp = p.split({ task: rec.fn("sp"), input: "start", output: ["first_output.txt", "second_output.txt"] });
      p.transform({ task: rec.fn("after_sp"), input: sp, filter: suffix(".txt"), output: ".x" });
      const tr = p.transform({ task: rec.fn("tr"), input: ["start"], filter: formatter(), output: ["one.txt", "two.txt"] });
      p.transform({ task: rec.fn("after_tr"), input: tr, filter: suffix(".txt"), output: ".y" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("sp"), [["start", ["first_output.txt", "second_output.txt"]]]);
      assert.deepEqual(rec.of("after_sp"), [["first_output.txt", "first_output.x"], ["second_output.txt", "second_output.x"]]);
      assert.deepEqual(rec.of("after_tr"), [[["one.txt", "two.txt"], "one.y"]]);
      assert.equal(s.jobsRun, 1 + 2 + 1 + 1);
    });
  });

  test("the single-job-single-output rule: files/split/merge fed by one single-output task get the bare string; elsewhere a list (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const t1 = p.files({ task: rec.fn("task1"), input: null, output: "a.1" });
      const t2 = p.transform({ task: rec.fn("task2"), input: t1, filter: regex(".+"), output: "b.1" });
      const m = p.merge({ task: rec.fn("m"), input: ["a.1"], output: "m.1" }).follows(t1);
      p.files({ task: rec.fn("files_of_merge"), input: m, output: "m.2" });
      p.split({ task: rec.fn("split_of_merge"), input: m, output: "m.3" });
      p.merge({ task: rec.fn("merge_of_merge"), input: m, output: "m.4" });
      p.merge({ task: rec.fn("merge_of_merge_in_list"), input: [m], output: "m.5" });
      p.transform({ task: rec.fn("transform_of_merge"), input: m, filter: suffix(".1"), output: ".6" });
      p.files({ task: rec.fn("files_of_t2"), input: t2, output: "t2.files" });
      p.merge({ task: rec.fn("merge_of_t2"), input: t2, output: "t2.merge" });
      // a transform of one non-glob string is single-output too
      const ts = p.transform({ task: rec.fn("t_single"), input: "a.1", filter: suffix(".1"), output: ".ts" }).follows(t1);
      p.merge({ task: rec.fn("merge_of_tsingle"), input: ts, output: "ts.merge" });
      // ...but not a transform of a list
      const tl = p.transform({ task: rec.fn("t_list"), input: ["a.1"], filter: suffix(".1"), output: ".tl" }).follows(t1);
      p.merge({ task: rec.fn("merge_of_tlist"), input: tl, output: "tl.merge" });
      p.files({ task: rec.fn("files_of_tlist"), input: tl, output: "tl.files" });
      // a single-job parallel: its "output" is its second parameter
      const par1 = p.parallel({ task: rec.fn("par_single", "none"), params: ["A", 1] });
      p.merge({ task: rec.fn("merge_of_parallel"), input: par1, output: "par.merge" });
      await p.run(run0);
      const expected: Record<string, unknown[][]> = {
        task1: [[null, "a.1"]],
        task2: [["a.1", "b.1"]],
        m: [[["a.1"], "m.1"]],
        files_of_merge: [["m.1", "m.2"]],
        split_of_merge: [["m.1", "m.3"]],
        merge_of_merge: [["m.1", "m.4"]],
        merge_of_merge_in_list: [[["m.1"], "m.5"]],
        transform_of_merge: [["m.1", "m.6"]],
        files_of_t2: [["b.1", "t2.files"]],
        merge_of_t2: [["b.1", "t2.merge"]],
        t_single: [["a.1", "a.ts"]],
        merge_of_tsingle: [["a.ts", "ts.merge"]],
        t_list: [["a.1", "a.tl"]],
        merge_of_tlist: [[["a.tl"], "tl.merge"]],
        files_of_tlist: [[["a.tl"], "tl.files"]],
        par_single: [["A", 1]],
        merge_of_parallel: [[1, "par.merge"]],
      };
      for (const [name, calls] of Object.entries(expected)) assert.deepEqual(rec.of(name), calls, name);
    });
  });

  test("the single-output rule follows a chain of transforms; a job list's task input; product and originate keep lists (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      for (const f of ["a.in", "b.in", "x"]) write(f);
      const p = new Pipeline("p");
      const t1 = p.files({ task: rec.fn("f1"), input: null, output: "a.1" });
      const t2 = p.transform({ task: rec.fn("t2"), input: t1, filter: suffix(".1"), output: ".2" });
      const t3 = p.transform({ task: rec.fn("t3"), input: t2, filter: suffix(".2"), output: ".3" });
      p.files({ task: rec.fn("files_of_t3"), input: t3, output: "t3.files" });
      p.split({ task: rec.fn("split_of_t3"), input: t3, output: "t3.split" });
      const m = p.merge({ task: rec.fn("m"), input: ["a.in", "b.in"], output: "m.1" });
      p.product({ task: rec.fn("prod_of_merge"), input: m, filter: formatter(), input2: ["x"], filter2: formatter(), output: "{basename[0][0]}_{basename[1][0]}.prod" });
      p.files({ task: rec.fn("files_joblist_task"), jobs: [[t1, "jl.out", 1], [null, "jl2.out"]] });
      const o1 = p.originate({ task: rec.fn("o1", "orig"), output: ["only.1"] });
      p.merge({ task: rec.fn("merge_of_orig1"), input: o1, output: "o1.merge" });
      p.files({ task: rec.fn("files_of_orig1"), input: o1, output: "o1.files" });
      await p.run(run0);
      const expected: Record<string, unknown[][]> = {
        t3: [["a.2", "a.3"]],
        files_of_t3: [["a.3", "t3.files"]],
        split_of_t3: [["a.3", "t3.split"]],
        prod_of_merge: [[["m.1", "x"], "m_x.prod"]],
        files_joblist_task: [["a.1", "jl.out", 1], [null, "jl2.out"]],
        merge_of_orig1: [[["only.1"], "o1.merge"]],
        files_of_orig1: [[["only.1"], "o1.files"]],
      };
      for (const [name, calls] of Object.entries(expected)) assert.deepEqual(rec.sortedOf(name), calls, name);
    });
  });

  test("outputs of an inactive task are []: omitted from list inputs, no jobs downstream (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const ina = p.originate({ task: rec.fn("inactive", "orig"), output: ["i.1"] }).activeIf(false);
      const act = p.originate({ task: rec.fn("active", "orig"), output: ["k.1"] });
      p.merge({ task: rec.fn("merge_inactive"), input: [ina, act], output: "ia.merge" });
      p.transform({ task: rec.fn("transform_of_inactive"), input: ina, filter: suffix(".1"), output: ".2" });
      p.merge({ task: rec.fn("merge_only_inactive"), input: ina, output: "only_inactive.merge" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("inactive"), []);
      assert.deepEqual(rec.of("merge_inactive"), [[["k.1"], "ia.merge"]]);
      assert.deepEqual(rec.of("transform_of_inactive"), []);
      assert.deepEqual(rec.of("merge_only_inactive"), [[[], "only_inactive.merge"]]);
      assert.equal(s.jobsRun, 3);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// §2.7 addInputs / inputs
// ---------------------------------------------------------------------------------------------

describe("addInputs() and inputs() (§2.7)", () => {
  /** Every file any job below names as input. */
  function inputFiles(): void {
    touchAll([
      "1.c", "2.c", "a.txt", "f0.test", "f1.test", "glob_a.y", "glob_b.y", "1.h", "universal.h", "1.py", "docs.rst",
      "f0.testwhat", "f1.testwhat", "a.testwhat", "x.h", "1.hh", "od/1.h", "k",
    ]);
  }

  test("the observed examples: add_inputs(a, b) appends, add_inputs([a, b]) appends one list, inputs([a, b]) replaces (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      inputFiles();
      const p = new Pipeline("p");
      p.transform({ task: rec.fn("ai_args"), input: ["1.c"], filter: suffix(".c"), addInputs: addInputs(String.raw`\1.h`, "universal.h"), output: ".o1" });
      p.transform({ task: rec.fn("ai_list"), input: ["1.c"], filter: suffix(".c"), addInputs: addInputs([String.raw`\1.h`, "universal.h"]), output: ".o2" });
      p.transform({ task: rec.fn("inp_list"), input: ["1.c"], filter: suffix(".c"), replaceInputs: inputs([String.raw`\1.py`, "docs.rst"]), output: ".o3" });
      p.transform({ task: rec.fn("ai_rx"), input: ["f0.test", "f1.test"], filter: regex(String.raw`(.*)\.test`), addInputs: addInputs(String.raw`\1.testwhat`), output: [String.raw`\1.output1`, String.raw`\1.output2`] });
      p.transform({ task: rec.fn("inp_rx"), input: ["f0.test", "f1.test"], filter: regex(String.raw`(.*)\.test`), replaceInputs: inputs(String.raw`\1.testwhat`), output: [String.raw`\1.output3`, String.raw`\1.output4`] });
      p.transform({ task: rec.fn("inp_verbatim"), input: ["f0.test", "f1.test"], filter: suffix(".test"), replaceInputs: inputs("a.testwhat"), output: ".o5" });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("ai_args"), [[["1.c", "1.h", "universal.h"], "1.o1"]]);
      assert.deepEqual(rec.of("ai_list"), [[["1.c", ["1.h", "universal.h"]], "1.o2"]]);
      assert.deepEqual(rec.of("inp_list"), [[["1.py", "docs.rst"], "1.o3"]]);
      assert.deepEqual(rec.of("ai_rx"), [[["f0.test", "f0.testwhat"], ["f0.output1", "f0.output2"]], [["f1.test", "f1.testwhat"], ["f1.output1", "f1.output2"]]]);
      assert.deepEqual(rec.of("inp_rx"), [["f0.testwhat", ["f0.output3", "f0.output4"]], ["f1.testwhat", ["f1.output3", "f1.output4"]]]);
      assert.deepEqual(rec.of("inp_verbatim"), [["a.testwhat", "f0.o5"], ["a.testwhat", "f1.o5"]]);
      assert.equal(s.jobsRun, 1 + 1 + 1 + 2 + 2 + 2);
    });
  });

  test("tasks and globs inside addInputs()/inputs() are resolved (and the tasks become parents) (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      inputFiles();
      const p = new Pipeline("p");
      const t2 = p.originate({ task: rec.fn("t2", "orig"), output: ["d.1", "c.1"] });
      p.transform({ task: rec.fn("ai_task_glob"), input: ["1.c", "2.c"], filter: regex("(.+)"), addInputs: addInputs(t2, "glob_*.y"), output: String.raw`\1.o6` });
      p.transform({ task: rec.fn("inp_task_glob"), input: ["1.c", "2.c"], filter: regex("(.+)"), replaceInputs: inputs([String.raw`\1`, t2, "glob_*.y"]), output: String.raw`\1.o7` });
      const s = await p.run(run0);
      assert.deepEqual(rec.of("ai_task_glob"), [
        [["1.c", "c.1", "d.1", "glob_a.y", "glob_b.y"], "1.c.o6"],
        [["2.c", "c.1", "d.1", "glob_a.y", "glob_b.y"], "2.c.o6"],
      ]);
      assert.deepEqual(rec.of("inp_task_glob"), [
        [["1.c", "c.1", "d.1", "glob_a.y", "glob_b.y"], "1.c.o7"],
        [["2.c", "c.1", "d.1", "glob_a.y", "glob_b.y"], "2.c.o7"],
      ]);
      assert.equal(s.tasksRun[0], "p::t2");
    });
  });

  test("named forms: addInputs as indicator or bare array, replaceInputs as indicator or bare value; with outputDir and formatter (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      inputFiles();
      const p = new Pipeline("p");
      p.transform({ task: rec.fn("named_ai"), input: ["1.c"], filter: suffix(".c"), addInputs: addInputs(String.raw`\1.h`), output: ".o8" });
      // Ruffus: add_inputs=(r"\1.h", "x.h") — a bare tuple; a bare *list* crashes Ruffus 2.8.4 with a TypeError.
      p.transform({ task: rec.fn("named_ai_bare"), input: ["1.c"], filter: suffix(".c"), addInputs: [String.raw`\1.h`, "x.h"], output: ".o9" });
      p.transform({ task: rec.fn("named_ri"), input: ["1.c"], filter: suffix(".c"), replaceInputs: inputs(String.raw`\1.h`), output: ".o10" });
      p.transform({ task: rec.fn("named_ri_bare"), input: ["1.c"], filter: suffix(".c"), replaceInputs: String.raw`\1.hh`, output: ".o11" });
      p.transform({ task: rec.fn("outdir_ai"), input: ["1.c"], filter: suffix(".c"), addInputs: addInputs(String.raw`\1.h`), output: ".o12", extras: [String.raw`\1.x`], outputDir: "od" });
      p.transform({ task: rec.fn("fmt_ai"), input: ["1.c"], filter: formatter(), addInputs: addInputs("{basename[0]}.h", "{path[0]}/k"), output: "{basename[0]}.o13" });
      await p.run(run0);
      assert.deepEqual(rec.of("named_ai"), [[["1.c", "1.h"], "1.o8"]]);
      assert.deepEqual(rec.of("named_ai_bare"), [[["1.c", "1.h", "x.h"], "1.o9"]]);
      assert.deepEqual(rec.of("named_ri"), [["1.h", "1.o10"]]);
      assert.deepEqual(rec.of("named_ri_bare"), [["1.hh", "1.o11"]]);
      assert.deepEqual(rec.of("outdir_ai"), [[["1.c", "od/1.h"], "od/1.o12", "od/1.x"]]);
      assert.deepEqual(rec.of("fmt_ai"), [[["1.c", "1.h", "<cwd>/k"], "1.o13"]]);
    });
  });

  test("subdivide with addInputs: each job's input is [file, added]; its own output glob (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      touchAll(["a.in", "b.in", "a.extra", "b.extra"]);
      const p = new Pipeline("p");
      p.subdivide({
        task: async function subd_ai(i: string[], o: string[], prefix: string) {
          rec.calls.push(["subd_ai", [i, [...o], prefix]]);
          write(prefix + ".1.piece");
        },
        input: ["a.in", "b.in"],
        filter: formatter(),
        addInputs: addInputs("{basename[0]}.extra"),
        output: "{basename[0]}.*.piece",
        extras: ["{basename[0]}"],
      });
      await p.run(run0);
      assert.deepEqual(rec.of("subd_ai"), [[["a.in", "a.extra"], [], "a"], [["b.in", "b.extra"], [], "b"]]);
    });
  });

  test("decorator style: positional addInputs()/inputs() between filter and output", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      inputFiles();
      transform(["1.c"], suffix(".c"), addInputs(String.raw`\1.h`, "universal.h"), ".d1")(rec.fn("dec_ai"));
      transform(["1.c"], suffix(".c"), inputs([String.raw`\1.py`, "docs.rst"]), ".d2", "extra")(rec.fn("dec_inp"));
      await pipelineRun(run0);
      assert.deepEqual(rec.of("dec_ai"), [[["1.c", "1.h", "universal.h"], "1.d1"]]);
      assert.deepEqual(rec.of("dec_inp"), [[["1.py", "docs.rst"], "1.d2", "extra"]]);
    });
  });

  test("inputs() with more than one argument: the task declaration is refused, naming the task (test_inputs_with_multiple_args_raising_exception.py)", async () => {
    await inTempDir(async () => {
      const refused = (e: unknown): boolean =>
        e instanceof RuffusError && /task_2/.test((e as Error).message) && /inputs\(\) expects a single argument/.test((e as Error).message);
      const p = new Pipeline("test");
      const task_2 = async function task_2(_i: unknown, _o: unknown) {};
      assert.throws(() => p.transform({ task: task_2, input: null, filter: regex("b"), replaceInputs: inputs("a", "b"), output: "task_1.output" }), refused);
      assert.throws(() => p.transform({ task: task_2, name: "task_2", input: null, filter: regex("b"), replaceInputs: inputs(), output: "x" }), refused);
      // decorator style: positional inputs(a, b)
      assert.throws(() => transform(null, regex("b"), inputs("a", "b"), "task_1.output")(task_2), refused);
    });
  });

  test("test_transform_inputs.py: inputs((\\1, task2, glob)) gives each job its file, task2's outputs and the glob's matches", async () => {
    await inTempDir(async () => {
      const t = "test_transform_inputs/";
      write("test_transform_inputs.py");
      const touch = async (_i: unknown, o: string) => writeFileSync(o, "");
      const p = new Pipeline("test");
      const task1 = p.files({ task: touch, name: "task1", jobs: [[null, t + "a.1"], [null, t + "b.1"]] }).follows(mkdir(t));
      const task2 = p.files({ task: touch, name: "task2", jobs: [[null, t + "c.1"], [null, t + "d.1"]] }).follows(mkdir(t));
      const task3 = p.transform({
        task: async function task3(i: string[], o: string) {
          writeFileSync(o, [...i].sort().join(","));
        },
        input: task1,
        filter: regex("(.+)"),
        replaceInputs: inputs([String.raw`\1`, task2, "test_transform_inputs.*y"]),
        output: String.raw`\1.output`,
      });
      p.merge({
        task: async function task4(i: string[], o: string) {
          writeFileSync(o, [...i].sort().map((f) => f + ":" + readFileSync(f, "utf8") + ";").join(""));
        },
        input: task3,
        output: t + "final.output",
      });
      await p.run({ ...run0, targetTasks: ["task4"], multithread: 10 });
      assert.equal(
        read(t + "final.output"),
        `${t}a.1.output:test_transform_inputs.py,${t}a.1,${t}c.1,${t}d.1;${t}b.1.output:test_transform_inputs.py,${t}b.1,${t}c.1,${t}d.1;`,
      );
    });
  });

  test("test_transform_add_inputs.py: add_inputs(task2, glob) keeps the job's own file first", async () => {
    await inTempDir(async () => {
      const t = "test_transform_add_inputs/";
      write("test_transform_inputs.py");
      const touch = async (_i: unknown, o: string) => writeFileSync(o, "");
      const p = new Pipeline("test");
      const task1 = p.files({ task: touch, name: "task1", jobs: [[null, t + "a.1"], [null, t + "b.1"]] }).follows(mkdir(t));
      const task2 = p.files({ task: touch, name: "task2", jobs: [[null, t + "c.1"], [null, t + "d.1"]] }).follows(mkdir(t));
      const received: unknown[] = [];
      const task3 = p.transform({
        task: async function task3_add_inputs(i: string[], o: string) {
          received.push(i);
          writeFileSync(o, [...i].sort().join(","));
        },
        input: task1,
        filter: regex("(.+)"),
        addInputs: addInputs(task2, "test_transform_inputs.*y"),
        output: String.raw`\1.output`,
      });
      p.merge({
        task: async function task4(i: string[], o: string) {
          writeFileSync(o, [...i].sort().map((f) => f + ":" + readFileSync(f, "utf8") + ";").join(""));
        },
        input: task3,
        output: t + "final.output",
      });
      await p.run({ ...run0, multithread: 10 });
      assert.equal(
        read(t + "final.output"),
        `${t}a.1.output:${t}a.1,${t}c.1,${t}d.1,test_transform_inputs.py;${t}b.1.output:${t}b.1,${t}c.1,${t}d.1,test_transform_inputs.py;`,
      );
      assert.deepEqual(
        received.map((r) => (r as string[])[0]).sort(),
        [t + "a.1", t + "b.1"],
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------
// §2.6 Extras
// ---------------------------------------------------------------------------------------------

describe("extras (§2.6)", () => {
  test("substituted like outputs, recursing into arrays but not objects; non-strings untouched (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.txt");
      const p = new Pipeline("p");
      p.transform({
        task: rec.fn("extras_rx"),
        input: ["a.txt"],
        filter: regex(String.raw`(.+)\.txt`),
        output: String.raw`\1.out`,
        extras: [String.raw`\1`, 7, [String.raw`\1.x`, { k: String.raw`\1` }], [String.raw`\1`, null]],
      });
      p.transform({
        task: rec.fn("extras_fmt"),
        input: ["a.txt"],
        filter: formatter(),
        output: "{basename[0]}.fout",
        extras: ["{basename[0]}", ["{ext[0]}", { k: "{ext[0]}" }], 3.5, true, null],
      });
      await p.run(run0);
      assert.deepEqual(rec.of("extras_rx"), [["a.txt", "a.out", "a", 7, ["a.x", { k: String.raw`\1` }], ["a", null]]]);
      assert.deepEqual(rec.of("extras_fmt"), [["a.txt", "a.fout", "a", [".txt", { k: "{ext[0]}" }], 3.5, true, null]]);
    });
  });

  test("originate, split, merge and files pass extras verbatim (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      write("a.txt");
      const p = new Pipeline("p");
      p.merge({ task: rec.fn("extras_merge"), input: ["a.txt"], output: "merge.out", extras: [String.raw`\1`, "{basename[0]}"] });
      p.originate({ task: rec.fn("extras_orig", "orig"), output: ["o.1"], extras: [String.raw`\1`, "{basename[0]}"] });
      p.split({ task: rec.fn("extras_split"), input: ["a.txt"], output: "sp.out", extras: [String.raw`\1`] });
      p.files({ task: rec.fn("extras_files"), input: "a.txt", output: "files.out", extras: [String.raw`\1`, "{basename[0]}"] });
      await p.run(run0);
      assert.deepEqual(rec.of("extras_merge"), [[["a.txt"], "merge.out", String.raw`\1`, "{basename[0]}"]]);
      assert.deepEqual(rec.of("extras_orig"), [["o.1", String.raw`\1`, "{basename[0]}"]]);
      assert.deepEqual(rec.of("extras_split"), [[["a.txt"], "sp.out", String.raw`\1`]]);
      assert.deepEqual(rec.of("extras_files"), [["a.txt", "files.out", String.raw`\1`, "{basename[0]}"]]);
    });
  });

  test("each job gets its own copy of the extras (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      write("a.txt");
      write("b.txt");
      const seen: unknown[] = [];
      const shared = { n: 0 };
      const list: unknown[] = ["keep"];
      const p = new Pipeline("p");
      p.transform({
        task: async function mutate(_i: string, o: string, l: unknown[]) {
          seen.push(structuredClone(l));
          l.push("mutated");
          write(o);
        },
        input: ["a.txt", "b.txt"],
        filter: suffix(".txt"),
        output: ".out",
        extras: [list, shared],
      });
      await p.run(run0);
      assert.deepEqual(seen, [["keep"], ["keep"]]);
      assert.deepEqual(list, ["keep"]);
    });
  });
});
