/**
 * Ruffus behaviour around the edges: clone() and indicator values, follows()
 * of a plain function, module functions over every pipeline, combinatorics with no jobs, error
 * texts, declaration-time checks. Each "compared with Ruffus 2.8.4" expectation comes from the same
 * pipeline written in Python and run with Ruffus 2.8.4.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Pipeline,
  addInputs,
  follows,
  formatter,
  graphviz,
  inputs,
  merge,
  originate,
  outputFrom,
  pipelineGetTaskNames,
  pipelinePrintout,
  pipelinePrintoutGraph,
  pipelineRun,
  regex,
  suffix,
  touchFile,
} from "ruffus";
import { exists, inTempDir, memoryLogger, write } from "../helpers.ts";
import { Recorder } from "./fixtures-kinds.ts";

const run0 = { verbose: 0 } as const;

describe("clone()", () => {
  test("Task objects inside outputFrom(), addInputs(), inputs() and nested lists point to the clone's tasks (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const a = p.originate({ task: rec.fn("make", "orig"), output: ["p.start"] });
      p.transform({ task: rec.fn("copy"), input: outputFrom(a), filter: suffix(".start"), output: ".copy" });
      p.transform({ task: rec.fn("addin"), input: outputFrom(a), filter: suffix(".start"), addInputs: addInputs(outputFrom(a)), output: ".add" });
      p.transform({ task: rec.fn("rep"), input: [a], filter: suffix(".start"), replaceInputs: inputs(outputFrom(a)), output: ".rep" });
      p.merge({ task: rec.fn("m"), input: [[a]], output: "m.out" });
      p.setHeadTasks([a]);
      const q = p.clone("q");
      q.setOutput({ output: ["q.start"] });
      await q.run(run0);
      const calls = rec.calls.filter((c) => c[0] !== "make").sort((x, y) => x[0].localeCompare(y[0]));
      assert.deepEqual(calls, [
        ["addin", [["q.start", "q.start"], "q.add"]],
        ["copy", ["q.start", "q.copy"]],
        ["m", [[["q.start"]], "m.out"]],
        ["rep", [["q.start"], "q.rep"]],
      ]);
    });
  });
});

describe("a plain function named in follows() or an input becomes a task of 'main'", () => {
  test("decorator style: listed, run before its follower, and every time (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      function helper(): void {
        calls.push("helper");
      }
      follows(helper)(originate(["b.1"])(async function b(o: string) {
        calls.push("b");
        write(o);
      }));
      assert.deepEqual(pipelineGetTaskNames(), ["b", "helper"]);
      const text = await pipelinePrintout({ verbose: 3 });
      assert.ok(text.includes("Task = 'helper'\nTask = 'b'\n"), text);
      await pipelineRun(run0);
      await pipelineRun(run0);
      assert.deepEqual(calls, ["helper", "b", "helper"]);
    });
  });

  test("Task.follows() in another pipeline: the task goes to 'main', px keeps its own (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      function helper(): void {
        calls.push("helper");
      }
      const px = new Pipeline("px");
      px.follows({ task: function b() { calls.push("b"); }, parents: [helper] });
      await px.run(run0);
      assert.deepEqual(calls, ["helper", "b"]);
      assert.deepEqual(px.getTaskNames(), ["b"]);
      assert.deepEqual(Pipeline.main.getTaskNames(), ["helper"]);
      assert.ok((await px.printout({ verbose: 3 })).includes("Task = 'helper'\nTask = 'px::b'\n"));
      // The function now names that task.
      assert.equal(px.getTask(helper), Pipeline.main.getTask("helper"));
    });
  });

  test("in an input it is a task without outputs (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const calls: string[] = [];
      function helper(): void {
        calls.push("helper");
      }
      merge(helper, "m.out")(rec.fn("m"));
      await pipelineRun(run0);
      assert.deepEqual(calls, ["helper"]);
      assert.deepEqual(rec.calls, [["m", [[], "m.out"]]]);
      assert.deepEqual(pipelineGetTaskNames(), ["m", "helper"]);
    });
  });
});

describe("module functions act on every pipeline", () => {
  const declare = (calls: string[]): Pipeline => {
    originate(["m.1"])(async function m(o: string) {
      calls.push("m");
      write(o);
    });
    const px = new Pipeline("px");
    const a = px.originate({ task: async function a(o: string) { calls.push("a"); write(o); }, output: ["a.1"] });
    px.transform({ task: async function b(_i: string, o: string) { calls.push("b"); write(o); }, input: a, filter: suffix(".1"), output: ".2" });
    return px;
  };

  test("pipelineGetTaskNames() and pipelineRun() see 'main' and px; pipeline: 'px' only px (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      declare(calls);
      assert.deepEqual(pipelineGetTaskNames(), ["m", "a", "b"]);
      assert.deepEqual(pipelineGetTaskNames({ pipeline: "px" }), ["a", "b"]);
      const s = await pipelineRun(run0);
      assert.deepEqual([...calls].sort(), ["a", "b", "m"]);
      assert.deepEqual(new Set(s.tasksRun), new Set(["m", "px::a", "px::b"]));
    });
    await inTempDir(async () => {
      const calls: string[] = [];
      declare(calls);
      await pipelineRun({ pipeline: "px", verbose: 0 });
      assert.deepEqual(calls, ["a", "b"]);
    });
    await inTempDir(async () => {
      const calls: string[] = [];
      declare(calls);
      await pipelineRun({ targetTasks: ["b"], verbose: 0 });
      assert.deepEqual(calls, ["a", "b"]);
    });
  });

  test("pipelinePrintout() and pipelinePrintoutGraph() cover every pipeline; Pipeline.main.run() still only main", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const px = declare(calls);
      const text = await pipelinePrintout({ verbose: 3 });
      for (const t of ["'m'", "'px::a'", "'px::b'"]) assert.ok(text.includes(`Task = ${t}`), text);
      assert.ok(!(await pipelinePrintout({ verbose: 3, pipeline: px })).includes("Task = 'm'"));
      const dot = String(await pipelinePrintoutGraph({ format: "dot" }));
      for (const t of ["m", "a", "b"]) assert.ok(dot.includes(`label="${t}"`), dot);
      await Pipeline.main.run(run0);
      assert.deepEqual(calls, ["m"]);
    });
  });

  test("an unknown pipeline is refused (compared with Ruffus 2.8.4: 'nope does not name a pipeline.')", async () => {
    await inTempDir(async () => {
      declare([]);
      await assert.rejects(pipelineRun({ pipeline: "nope", verbose: 0 }), {
        message: "pipelineRun(): pipeline 'nope' does not name a pipeline. Pipelines: 'main', 'px'.",
      });
    });
  });
});

describe("unknown option names", () => {
  test("run(), printout(), printoutGraph() and the module functions name the key and the closest valid one", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("p");
      p.originate({ task: async function a(o: string) { write(o); }, output: ["a.1"] });
      const bad = (o: object): never => o as never;
      await assert.rejects(p.run(bad({ multiThread: 2 })), (e: Error) => e.message.startsWith("run() has no option 'multiThread'. Did you mean 'multithread'? Its options are: targetTasks, "));
      await assert.rejects(p.run(bad({ target_tasks: ["a"] })), (e: Error) => e.message.startsWith("run() has no option 'target_tasks'. Did you mean 'targetTasks'?"));
      await assert.rejects(p.printout(bad({ verbos: 3 })), (e: Error) => e.message.startsWith("printout() has no option 'verbos'. Did you mean 'verbose'?"));
      await assert.rejects(p.printout(bad({ multithread: 3 })), (e: Error) => e.message.startsWith("printout() has no option 'multithread'. Its options are:"));
      await assert.rejects(p.printoutGraph(bad({ drawVerticaly: true })), (e: Error) => e.message.startsWith("printoutGraph() has no option 'drawVerticaly'. Did you mean 'drawVertically'?"));
      await assert.rejects(pipelineRun(bad({ multi_process: 2 })), (e: Error) => e.message.startsWith("pipelineRun() has no option 'multi_process'. Did you mean 'multiprocess'?"));
      await assert.rejects(pipelinePrintout(bad({ pipline: "p" })), (e: Error) => e.message.startsWith("pipelinePrintout() has no option 'pipline'. Did you mean 'pipeline'?"));
      assert.ok(!exists("a.1"), "nothing ran");
    });
  });
});

describe("combinatorics with no jobs", () => {
  const warningsOf = (log: ReturnType<typeof memoryLogger>): string[] => log.lines.filter((l) => l.startsWith("WARNING"));
  const head = "        No jobs were run because no file names matched.\n        Please make sure that the regular expression is correctly specified.\n";

  test("tupleSize 0, tupleSize above the input count: no jobs and Ruffus's warning; an empty input: neither (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      write("a.x");
      write("b.x");
      const rec = new Recorder();
      const p = new Pipeline("c");
      p.combinations({ task: rec.fn("c0"), input: ["a.x", "b.x"], filter: formatter(), tupleSize: 0, output: "k0" });
      p.combinationsWithReplacement({ task: rec.fn("w0"), input: ["a.x"], filter: formatter(), tupleSize: 0, output: "w0" });
      p.permutations({ task: rec.fn("p3"), input: ["a.x", "b.x"], filter: formatter(), tupleSize: 3, output: "{basename[0][0]}.p" });
      p.permutations({ task: rec.fn("pe"), input: [], filter: formatter(), tupleSize: 2, output: "{basename[0][0]}.e" });
      p.product({ task: rec.fn("pr"), input: ["a.x"], filter: formatter(), input2: [], filter2: formatter(), output: "{basename[0][0]}.q" });
      const log = memoryLogger();
      const s = await p.run({ verbose: 1, logger: log });
      assert.equal(s.jobsRun, 0);
      assert.deepEqual(rec.calls, []);
      assert.deepEqual(warningsOf(log), [
        `WARNING:     In Task 'c::c0':\n${head}        tupleSize 0 makes tuples of no inputs, and so no jobs. `,
        `WARNING:     In Task 'c::w0':\n${head}        tupleSize 0 makes tuples of no inputs, and so no jobs. `,
        `WARNING:     In Task 'c::p3':\n${head}        tupleSize 3 is more than the 2 inputs ('a.x', 'b.x'): they make no tuples. `,
      ]);
    });
  });

  test("a formatter matching no tuple names the pattern and the inputs", async () => {
    await inTempDir(async () => {
      for (const f of ["a.x", "b.x", "c.y"]) write(f);
      const p = new Pipeline("c");
      p.combinations({ task: () => {}, name: "nomatch", input: ["a.x", "b.x"], filter: formatter(String.raw`\.zz$`), tupleSize: 2, output: "{basename[0][0]}.o" });
      p.product({ task: () => {}, name: "prod", input: ["a.x", "b.x"], filter: formatter(), input2: ["c.y"], filter2: formatter("nope"), output: "{basename[1][0]}.o2" });
      const log = memoryLogger();
      await p.run({ verbose: 1, logger: log });
      assert.deepEqual(warningsOf(log), [
        `WARNING:     In Task 'c::nomatch':\n${head}        formatter('\\.zz$') matched none of the 2 inputs: 'a.x', 'b.x'. `,
        `WARNING:     In Task 'c::prod':\n${head}        No combination of the inputs matched: input 'a.x', 'b.x' with formatter(); input2 'c.y' with formatter('nope'). `,
      ]);
    });
  });
});

describe("a regex matching no input", () => {
  test("the default-verbosity warning names the pattern and a few of the names it was tried on (Ruffus prints only its two lines)", async () => {
    await inTempDir(async () => {
      const names = ["s1.fastq", "s2.fastq", "s3.fastq", "s4.fastq", "s5.fastq"];
      for (const f of names) write(f);
      const p = new Pipeline("r");
      p.transform({ task: () => {}, name: "align", input: "*.fastq", filter: regex(String.raw`(.+)\.fq$`), output: String.raw`\1.bam` });
      const log = memoryLogger();
      await p.run({ verbose: 1, logger: log });
      assert.deepEqual(log.lines.filter((l) => l.startsWith("WARNING")), [
        "WARNING:     In Task 'r::align':\n" +
          "        No jobs were run because no file names matched.\n" +
          "        Please make sure that the regular expression is correctly specified.\n" +
          String.raw`        regex('(.+)\.fq$') matched none of the 5 inputs: 's1.fastq', 's2.fastq', 's3.fastq' and 2 more. `,
      ]);
    });
  });
});

describe("error texts", () => {
  test("a misspelt 'pipeline::name' of the home pipeline gets a suggestion", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("p");
      p.originate({ task: async function summarise(o: string) { write(o); }, output: ["s"] });
      await assert.rejects(p.printout({ targetTasks: "p::sumarise" }), {
        name: "TaskLookupError",
        message: "Target task 'p::sumarise' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'p::summarise'?",
      });
    });
  });

  test("an unknown name in follows() names the task that wrote it", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("p");
      p.originate({ task: async function alignReads(o: string) { write(o); }, output: ["a.bam"] });
      p.follows({ task: function callVariants() {}, parents: ["alignRead"] });
      await assert.rejects(p.run(run0), {
        name: "TaskLookupError",
        message: "Task 'p::callVariants': follows() task 'alignRead' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'alignReads'?",
      });
    });
  });

  test("product() with input3/filter3 but no input2 says the sets are numbered without gaps", () => {
    Pipeline.clearAll();
    const p = new Pipeline("p");
    assert.throws(
      () => p.product({ task: function prod() {}, input: ["a.x"], filter: formatter(), input3: ["b.y"], filter3: formatter(), output: "{basename[0][0]}.o" }),
      {
        name: "TaskDeclarationError",
        message:
          "Task 'p::prod', argument 'input2': product() numbers its further input sets input2/filter2, input3/filter3, ... with none missing: got input3, filter3, but no input2/filter2.",
      },
    );
    Pipeline.clearAll();
  });

  test("touchFile(3) and graphviz('a', 'b') are refused when declared (Ruffus: TypeError 'Only named arguments expected')", () => {
    Pipeline.clearAll();
    const p = new Pipeline("p");
    const t = p.originate({ task: function make() {}, output: ["a"] });
    assert.throws(() => t.posttask(touchFile(3 as unknown as string)), {
      name: "TaskDeclarationError",
      message: `Task 'p::make', argument 'posttask': touchFile() takes file names (strings), e.g. touchFile("done.flag"), not 3.`,
    });
    const untyped = graphviz as unknown as (...a: unknown[]) => unknown;
    assert.throws(() => untyped("a", "b"), {
      name: "TypeError",
      message: `graphviz() takes one object of attributes, e.g. graphviz({ fillcolor: '"#FFCCCC"', shape: "box" }), not ("a", "b"). (Ruffus: "Only named arguments expected".)`,
    });
    assert.throws(() => t.graphviz("box" as never), { name: "TaskDeclarationError" });
    Pipeline.clearAll();
  });

  test("getTask() takes a pipeline with one tail task", () => {
    Pipeline.clearAll();
    const sub = new Pipeline("sub");
    const a = sub.originate({ task: function a() {}, output: ["a"] });
    const b = sub.originate({ task: function b() {}, output: ["b"] });
    const p = new Pipeline("p");
    sub.setTailTasks([a]);
    assert.equal(p.getTask(sub), a);
    sub.setTailTasks([a, b]);
    assert.throws(() => p.getTask(sub), {
      message: "Pipeline 'p': Pipeline(sub) names 2 tasks ('sub::a', 'sub::b'). Use sub.getTailTasks() for all of them, or name one task.",
    });
    Pipeline.clearAll();
  });
});

describe("Python 3.11 regex constructs in a filter", () => {
  test("scoped (?i:...), an atomic group and a possessive quantifier (compared with Python 3.11 re)", async () => {
    await inTempDir(async () => {
      for (const f of ["a.FASTQ", "b.fastq", "c.FastQ.gz"]) write(f);
      const rec = new Recorder();
      const p = new Pipeline("re");
      // Python re.subn gives a.FASTQ.bam, b.fastq.bam and no match for c.FastQ.gz; then c.uFastQ.gz.
      p.transform({ task: rec.fn("t"), input: "*", filter: regex(String.raw`^(?>[^.]+)\.(?i:fastq)$`), output: String.raw`\g<0>.bam` });
      p.transform({ task: rec.fn("u"), input: "*.gz", filter: regex(String.raw`^(\w++)\.`), output: String.raw`\1.u` });
      await p.run(run0);
      assert.deepEqual(rec.of("t"), [["a.FASTQ", "a.FASTQ.bam"], ["b.fastq", "b.fastq.bam"]]);
      assert.deepEqual(rec.of("u"), [["c.FastQ.gz", "c.uFastQ.gz"]]);
    });
  });
});

describe("Python glob semantics in inputs", () => {
  test("[!a]*.txt, [x].txt and a name holding only ']' (compared with Ruffus 2.8.4 / Python glob)", async () => {
    await inTempDir(async () => {
      for (const f of ["a.txt", "b.txt", "[x].txt", "x.txt", "a]b.txt"]) write(f);
      const rec = new Recorder();
      const p = new Pipeline("g");
      p.merge({ task: rec.fn("notA"), input: "[!a]*.txt", output: "notA.out" });
      p.merge({ task: rec.fn("set"), input: "[x].txt", output: "set.out" });
      p.merge({ task: rec.fn("bracket"), input: ["a]b.txt", "missing]x.txt"], output: "bracket.out" });
      await p.run(run0);
      assert.deepEqual(rec.of("notA"), [[["[x].txt", "b.txt", "x.txt"], "notA.out"]]);
      assert.deepEqual(rec.of("set"), [[["x.txt"], "set.out"]]);
      // Ruffus's is_glob counts ']', and glob.glob of a path without magic gives it when it exists.
      assert.deepEqual(rec.of("bracket"), [[["a]b.txt"], "bracket.out"]]);
    });
  });
});
