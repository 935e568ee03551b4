/**
 * Finding tasks and graph errors (reference §1.5, §2.8, §3.8): targets by Task, function, name,
 * "pipeline::name" and whole pipelines; unknown names with a suggestion; ambiguous functions;
 * cycles; regexes that match nothing; bad group references. Texts marked "compared with Ruffus
 * 2.8.4" were produced by running the same pipeline with Python Ruffus 2.8.4.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import {
  CircularDependencyError,
  FatalMatchError,
  Pipeline,
  RethrownJobError,
  RuffusError,
  TaskLookupError,
  outputFrom,
  regex,
  suffix,
  type Task,
} from "ruffus";
import { exists, inTempDir, memoryLogger } from "../helpers.ts";

const RULE = "_".repeat(40);

async function touch(path: string): Promise<void> {
  await writeFile(path, "");
}

/** Task names listed by a verbose-1 printout, in order. */
function listed(printout: string): string[] {
  return [...printout.matchAll(/^Task = '([^']+)'/gm)].map((m) => m[1]);
}

/** p: make_start -> to_middle -> summarise; q: other1 -> other2 (tail), lonely. */
function twoPipelines(): { p: Pipeline; q: Pipeline; start: Task; middle: Task; summary: Task; other2: Task } {
  const p = new Pipeline("p");
  const start = p.originate({ task: async function make_start(o: string) { await touch(o); }, output: ["a.start"] });
  const middle = p.transform({
    task: async function to_middle(_i: string, o: string) { await touch(o); },
    input: start,
    filter: suffix(".start"),
    output: ".middle",
  });
  const summary = p.merge({ task: async function summarise(_i: string[], o: string) { await touch(o); }, input: middle, output: "all.summary" });
  const q = new Pipeline("q");
  const other1 = q.originate({ task: async function other1(o: string) { await touch(o); }, output: ["q.1"] });
  const other2 = q.transform({ task: async function other2(_i: string, o: string) { await touch(o); }, input: other1, filter: suffix(".1"), output: ".2" });
  q.originate({ task: async function lonely(o: string) { await touch(o); }, output: ["lonely.1"] });
  q.setTailTasks([other2]);
  return { p, q, start, middle, summary, other2 };
}

async function lookupError(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof TaskLookupError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.ok(e instanceof RuffusError);
    assert.equal(e.message, message);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

test("targets by Task, by function, by name and by 'pipeline::name' are the same task", async () => {
  await inTempDir(async () => {
    const { p, middle } = twoPipelines();
    for (const target of [middle, middle.func!, "to_middle", "p::to_middle", ["to_middle"]]) {
      assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: target as never })), ["p::make_start", "p::to_middle"], String(target));
    }
    const summary = await p.run({ verbose: 0, targetTasks: "p::to_middle" });
    assert.deepEqual(summary.tasksRun, ["p::make_start", "p::to_middle"]);
    assert.ok(exists("a.middle") && !exists("all.summary"));
  });
});

test("a task of another pipeline by 'pipeline::name', or by its bare name when unique", async () => {
  await inTempDir(async () => {
    const { p } = twoPipelines();
    assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: "q::other2" })), ["q::other1", "q::other2"]);
    assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: "other2" })), ["q::other1", "q::other2"]);
  });
});

test("a whole pipeline as target means all its tasks (not just its tail); as input, its tail tasks", async () => {
  await inTempDir(async () => {
    const { p, q } = twoPipelines();
    const all = ["q::other1", "q::other2", "q::lonely"];
    assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: q })).sort(), [...all].sort());
    assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: "q" })).sort(), [...all].sort());
    const s = await p.run({ verbose: 0, targetTasks: [q] });
    assert.deepEqual([...s.tasksRun].sort(), [...all].sort());
    assert.ok(exists("lonely.1") && exists("q.2") && !exists("a.start"));

    // As an input, a pipeline stands for its tail tasks only.
    const r = new Pipeline("r");
    r.merge({ task: async function gather(_i: string[], o: string) { await touch(o); }, input: q, output: "gathered" });
    const text = await r.printout({ verbose: 3 });
    assert.ok(text.includes("Task = 'r::gather'\n       Job  = [[q.2]\n             -> gathered]\n"), text);
  });
});

test("a pipeline without tail tasks used as an input says how to fix it", async () => {
  await inTempDir(async () => {
    const q = new Pipeline("q");
    q.originate({ task: async function one(o: string) { await touch(o); }, output: ["q.1"] });
    const r = new Pipeline("r");
    r.merge({ task: async function gather(_i: string[], o: string) { await touch(o); }, input: q, output: "gathered" });
    await lookupError(
      r.printout({ verbose: 1 }),
      "Pipeline q has no tail tasks defined. Which task do you mean when you specify the whole pipeline as a dependency? Call setTailTasks([...]) on it.",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Unknown names
// ---------------------------------------------------------------------------------------------

test("an unknown target name: not a pipelined task, with the closest name suggested", async () => {
  await inTempDir(async () => {
    const { p } = twoPipelines();
    await lookupError(
      p.printout({ verbose: 1, targetTasks: "smmarise" }),
      "Target task 'smmarise' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'summarise'?",
    );
    await lookupError(
      p.run({ verbose: 0, targetTasks: ["to_middle", "Summarise_"] }),
      "Target task 'Summarise_' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'summarise'?",
    );
    await lookupError(
      p.run({ verbose: 0, forcedtorunTasks: "to_midle" }),
      "Forced to run task 'to_midle' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'to_middle'?",
    );
    await lookupError(
      p.printout({ verbose: 1, targetTasks: "q::othr2" }),
      "Target task 'q::othr2' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'q::other2'?",
    );
    // Nothing close: no suggestion.
    await lookupError(
      p.printout({ verbose: 1, targetTasks: "zzzzzzzz" }),
      "Target task 'zzzzzzzz' is not a pipelined task in ruffus. Is it spelt correctly?",
    );
    assert.ok(!exists("a.start"), "nothing ran");
  });
});

test("an unknown name in follows() or outputFrom() is reported when the pipeline is run or printed, naming the task that wrote it", async () => {
  await inTempDir(async () => {
    const { p, summary } = twoPipelines();
    summary.follows("make_strat");
    await lookupError(
      p.printout({ verbose: 1 }),
      "Task 'p::summarise': follows() task 'make_strat' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'make_start'?",
    );
    Pipeline.clearAll();
    const p2 = new Pipeline("p2");
    p2.originate({ task: async function make_start(o: string) { await touch(o); }, output: ["a.start"] });
    p2.merge({ task: async function gather(_i: string[], o: string) { await touch(o); }, input: outputFrom("make_starts"), output: "g" });
    await lookupError(
      p2.run({ verbose: 0 }),
      "Task 'p2::gather': Input task 'make_starts' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'make_start'?",
    );
  });
});

test("a misspelt name of a task in another pipeline suggests 'pipeline::name'", async () => {
  // 'other2' alone finds q::other2 (unique in another pipeline), so 'othr2' is one letter away
  // from a name that works; the suggestion should not depend on writing the 'q::' prefix.
  await inTempDir(async () => {
    const { p } = twoPipelines();
    await assert.rejects(p.printout({ verbose: 1, targetTasks: "othr2" }), (e: unknown) => {
      assert.ok(e instanceof TaskLookupError);
      assert.match(e.message, /^Target task 'othr2' is not a pipelined task in ruffus\. Is it spelt correctly\? Did you mean '(q::)?other2'\?$/);
      return true;
    });
  });
});

test("a plain function that is not a task, given as target", async () => {
  // Ruffus 2.8.4 fails here with a NameError (reference §9.1); we say what is wrong.
  await inTempDir(async () => {
    const { p } = twoPipelines();
    await lookupError(
      p.printout({ verbose: 1, targetTasks: function not_a_task() {} }),
      "Target task: function not_a_task(...) is not a ruffus task. Declare it with a Pipeline method or a decorator-style function first.",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Ambiguous functions
// ---------------------------------------------------------------------------------------------

test("a function used by two tasks is ambiguous as target, as input and in getTask", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("p");
    async function shared(o: string) {
      await touch(o);
    }
    p.originate({ name: "first", task: shared, output: ["a.1"] });
    p.originate({ name: "second", task: shared, output: ["b.1"] });
    const msg = "Function shared(...) is used by multiple tasks ('p::first', 'p::second'). Which one do you mean? Refer to the Task object or its name instead.";
    await lookupError(p.printout({ verbose: 1, targetTasks: shared }), msg);
    assert.throws(() => p.getTask(shared), (e: unknown) => e instanceof TaskLookupError && e.message === msg);
    // By name each task is found.
    assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: "second" })), ["p::second"]);
    p.merge({ task: async function gather(_i: string[], o: string) { await touch(o); }, input: shared, output: "g" });
    await lookupError(p.run({ verbose: 0 }), `Task 'p::gather': ${msg}`);
    assert.ok(!exists("a.1") && !exists("b.1"), "nothing ran");
  });
});

// ---------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------

async function rejectsWithCycle(promise: Promise<unknown>, members: string[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof CircularDependencyError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.ok(e instanceof RuffusError);
    assert.deepEqual([...e.tasks].sort(), [...members].sort());
    assert.match(e.message, /^Circular dependencies found in the pipeline involving one or more of \(('[^']+'(, )?)+\)$/);
    for (const m of members) assert.ok(e.message.includes(`'${m}'`), e.message);
    return true;
  });
}

test("a 2-cycle (t1 follows t2 follows t1) rejects run() and printout(), naming exactly t1 and t2", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const up = p.originate({ task: async function upstream(o: string) { await touch(o); }, output: ["u.1"] });
    const t1 = p.follows({ task: function t1() {}, parents: [up] });
    const t2 = p.follows({ task: function t2() {}, parents: [t1] });
    t1.follows(t2);
    p.follows({ task: function downstream() {}, parents: [t2] });
    await rejectsWithCycle(p.run({ verbose: 0 }), ["t1", "t2"]);
    await rejectsWithCycle(p.printout({ verbose: 1 }), ["t1", "t2"]);
    await rejectsWithCycle(p.printout({ verbose: 4, targetTasks: "downstream" }), ["t1", "t2"]);
    assert.ok(!exists("u.1"), "nothing ran");
  });
});

test("a 3-cycle through names and inputs names its three tasks and no others", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const up = p.originate({ task: async function upstream(o: string) { await touch(o); }, output: ["u.1"] });
    const t1 = p.transform({ task: async function t1(_i: unknown, o: string) { await touch(o); }, input: [up, outputFrom("t3")], filter: suffix(".1"), output: ".t1" });
    const t2 = p.transform({ task: async function t2(_i: string, o: string) { await touch(o); }, input: t1, filter: suffix(".t1"), output: ".t2" });
    p.transform({ task: async function t3(_i: string, o: string) { await touch(o); }, input: t2, filter: suffix(".t2"), output: ".t3" });
    p.follows({ task: function downstream() {}, parents: ["t3"] });
    p.follows({ task: function unrelated() {} });
    await rejectsWithCycle(p.run({ verbose: 0 }), ["t1", "t2", "t3"]);
    await rejectsWithCycle(p.printout({ verbose: 1 }), ["t1", "t2", "t3"]);
    // A target outside the cycle is unaffected.
    assert.deepEqual(listed(await p.printout({ verbose: 1, targetTasks: "unrelated" })), ["unrelated"]);
  });
});

test("a task following itself by name is a cycle of one", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    p.follows({ task: function narcissus() {}, parents: ["narcissus"] });
    p.follows({ task: function bystander() {}, parents: ["narcissus"] });
    await rejectsWithCycle(p.printout({ verbose: 1 }), ["narcissus"]);
    await rejectsWithCycle(p.run({ verbose: 0 }), ["narcissus"]);
  });
});

// ---------------------------------------------------------------------------------------------
// A regex that matches no input
// ---------------------------------------------------------------------------------------------

function noMatchPipeline(): Pipeline {
  const p = new Pipeline("main");
  const make = p.originate({ task: async function make(o: string) { await touch(o); }, output: ["a.txt", "b.txt"] });
  p.transform({
    task: async function conv(_i: string, o: string) { await touch(o); },
    input: make,
    filter: regex(String.raw`(.+)\.csv$`),
    output: String.raw`\1.out`,
  });
  return p;
}

const NO_MATCH_HEAD = [
  "",
  RULE,
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make' ",
];

test("a regex matching no input: the run warns in a WARNING block naming the task (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const log = memoryLogger();
    const s = await noMatchPipeline().run({ verbose: 1, logger: log });
    assert.equal(s.jobsRun, 2);
    assert.deepEqual(log.lines, [
      ...NO_MATCH_HEAD,
      "Completed Task = 'make' ",
      "Task enters queue = 'conv' ",
      "Uptodate Task = 'conv'",
      "WARNING: " +
        "    In Task 'conv':\n" +
        "        No jobs were run because no file names matched.\n" +
        "        Please make sure that the regular expression is correctly specified.\n" +
        // Our line after Ruffus's: the pattern and the names it was tried on.
        String.raw`        regex('(.+)\.csv$') matched none of the 2 inputs: 'a.txt', 'b.txt'. `,
    ]);
    assert.ok(!exists("a.out") && !exists("b.out"));
  });
});

test("a regex matching no input: at verbose 4 the warning lists each substitution failure (compared with Ruffus 2.8.4)", async () => {
  // Ruffus lists the failures in Python set order (varies between runs); we list them in input order.
  await inTempDir(async () => {
    const log = memoryLogger();
    await noMatchPipeline().run({ verbose: 4, logger: log });
    assert.deepEqual(log.lines, [
      ...NO_MATCH_HEAD,
      "    Job  = [None -> a.txt] ...\n        Missing file [a.txt] ",
      "    Job  = [None -> b.txt] ...\n        Missing file [b.txt] ",
      "    Job  = [None -> a.txt] completed",
      "    Job  = [None -> b.txt] completed",
      "Completed Task = 'make' ",
      "Task enters queue = 'conv' ",
      "Uptodate Task = 'conv'",
      "WARNING: " +
        "    In Task 'conv':\n" +
        "        No jobs were run because no file names matched.\n" +
        "        Please make sure that the regular expression is correctly specified.\n" +
        String.raw`        regex('(.+)\.csv$') matched none of the 2 inputs: 'a.txt', 'b.txt'.` +
        "\n" +
        "        Job Warning: Input substitution failed:\n" +
        String.raw`          File 'a.txt' does not match regex('(.+)\.csv$') and pattern '\1.out'` +
        "\n" +
        "        Job Warning: Input substitution failed:\n" +
        String.raw`          File 'b.txt' does not match regex('(.+)\.csv$') and pattern '\1.out' `,
    ]);
  });
});

test("a regex matching no input: printout says '!!! No jobs for this task.' with the failures (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const conv = [
      "Task = 'conv'",
      "       !!! No jobs for this task.",
      "       Are you sure there is not a error in your code / regular expression?",
      "       Job Warning: Input substitution failed:",
      "                    Do your regular expressions match the corresponding Input?",
      String.raw`         File 'a.txt' does not match regex('(.+)\.csv$') and pattern '\1.out'`,
      "       Job Warning: Input substitution failed:",
      "                    Do your regular expressions match the corresponding Input?",
      String.raw`         File 'b.txt' does not match regex('(.+)\.csv$') and pattern '\1.out'`,
      "",
    ];
    const p = noMatchPipeline();
    assert.equal(
      await p.printout({ verbose: 3 }),
      [
        "",
        RULE,
        "Tasks which will be run:",
        "",
        "Task = 'make'",
        "       Job  = [None",
        "             -> a.txt]",
        "         Job needs update",
        "       Job  = [None",
        "             -> b.txt]",
        "         Job needs update",
        "",
        ...conv,
        RULE,
        "",
      ].join("\n"),
    );
    assert.ok((await p.printout({ verbose: 4 })).includes(["", ...conv, RULE, ""].join("\n")));
    // At verbose 1 and 2 the task is only named.
    assert.deepEqual(listed(await p.printout({ verbose: 2 })), ["make", "conv"]);
  });
});

test("a regex matching some inputs: no warning; printout at 4 shows the failure, at 3 only the jobs (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const make = p.originate({ task: async function make(o: string) { await touch(o); }, output: ["a.txt", "b.csv"] });
    p.transform({ task: async function conv(_i: string, o: string) { await touch(o); }, input: make, filter: regex(String.raw`(.+)\.csv$`), output: String.raw`\1.out` });
    const v4 = await p.printout({ verbose: 4 });
    assert.ok(
      v4.includes(
        [
          "Task = 'conv'",
          "       Job  = [b.csv",
          "             -> b.out]",
          "         Job needs update: ...",
          "               Missing files [b.csv, b.out]",
          "       Job Warning: Input substitution failed:",
          "                    Do your regular expressions match the corresponding Input?",
          String.raw`         File 'a.txt' does not match regex('(.+)\.csv$') and pattern '\1.out'`,
          "",
          RULE,
        ].join("\n"),
      ),
      v4,
    );
    const v3 = await p.printout({ verbose: 3 });
    assert.ok(v3.includes("Task = 'conv'\n       Job  = [b.csv\n             -> b.out]\n         Job needs update\n\n" + RULE), v3);
    const log = memoryLogger();
    await p.run({ verbose: 4, logger: log });
    assert.deepEqual(log.lines.slice(-4), [
      "Task enters queue = 'conv' ",
      "    Job  = [b.csv -> b.out] ...\n        Missing file [b.out] ",
      "    Job  = [b.csv -> b.out] completed",
      "Completed Task = 'conv' ",
    ]);
    assert.ok(!log.lines.some((l) => l.startsWith("WARNING")));
  });
});

// ---------------------------------------------------------------------------------------------
// A bad group reference is fatal
// ---------------------------------------------------------------------------------------------

/** Walks `.failures[].error` and `.cause` looking for an instance of `cls`. */
function findInChain<T>(e: unknown, cls: new (...a: never[]) => T): T | undefined {
  const seen = new Set<unknown>();
  const stack = [e];
  while (stack.length) {
    const x = stack.pop();
    if (x === undefined || x === null || seen.has(x)) continue;
    seen.add(x);
    if (x instanceof cls) return x;
    if (x instanceof RethrownJobError) for (const f of x.failures) stack.push(f.error);
    if (typeof x === "object" && "cause" in x) stack.push((x as { cause: unknown }).cause);
  }
  return undefined;
}

const BAD_GROUP_MESSAGE = String.raw`File 'a.txt' does not match regex('(.+)\.txt$') and pattern '\2.out':` + "\n\tinvalid group reference 2 at position 1\n";

function badGroupPipeline(): Pipeline {
  const p = new Pipeline("main");
  const make = p.originate({ task: async function make(o: string) { await touch(o); }, output: ["a.txt", "b.txt"] });
  p.transform({ task: async function conv(_i: string, o: string) { await touch(o); }, input: make, filter: regex(String.raw`(.+)\.txt$`), output: String.raw`\2.out` });
  return p;
}

test("a bad group reference (\\2 with one group) makes run() reject with RethrownJobError wrapping the pattern error", async () => {
  await inTempDir(async () => {
    const log = memoryLogger();
    await assert.rejects(badGroupPipeline().run({ verbose: 1, logger: log }), (e: unknown) => {
      assert.ok(e instanceof RethrownJobError, `${(e as Error).name}: ${(e as Error).message}`);
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].task, "conv");
      const fatal = findInChain(e, FatalMatchError);
      assert.ok(fatal, "a FatalMatchError inside");
      assert.equal(fatal.message, BAD_GROUP_MESSAGE);
      assert.ok(e.message.includes("invalid group reference 2 at position 1"), e.message);
      return true;
    });
    // Unlike Ruffus (which runs 'make' first and fails on reaching 'conv'): the run stops before any
    // job, since the inputs 'make' will write are known and match.
    assert.deepEqual(log.lines.filter((l) => l.includes("Task")), []);
    assert.ok(!exists("a.txt") && !exists("a.out"));
  });
});

test("a bad group reference makes printout() reject with the FatalMatchError itself, naming the task", async () => {
  // As Ruffus's pipeline_printout, which raises fatal_error_input_file_does_not_match bare while
  // listing a task that will run (compared with Ruffus 2.8.4); run() wraps it in RethrownJobError.
  await inTempDir(async () => {
    await assert.rejects(badGroupPipeline().printout({ verbose: 3 }), (e: unknown) => {
      assert.ok(e instanceof FatalMatchError, `${(e as Error).name}: ${(e as Error).message}`);
      assert.equal(e.message, BAD_GROUP_MESSAGE);
      assert.equal(e.taskName, "conv");
      return true;
    });
    assert.ok(!exists("a.txt"), "printout runs nothing");
  });
});
