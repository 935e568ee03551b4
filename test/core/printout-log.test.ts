/**
 * Printout and run-log text for the reference pipeline of the Ruffus reference §5.1/§5.2:
 * originate(a.start, b.start) → transform(suffix(".start"), ".middle", "extra_value") → merge.
 * Expected texts were produced by running the same pipeline with Ruffus 2.8.4 (python3-ruffus),
 * with one deliberate difference: Ruffus prints the extras as the word `map` (a Python 3 bug);
 * we print them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, readFile } from "node:fs/promises";
import { ParameterGenerationError, Pipeline, RethrownJobError, suffix } from "ruffus";
import { inTempDir, memoryLogger, age } from "../helpers.ts";

function referencePipeline(): Pipeline {
  const p = new Pipeline("main");
  const start = p.originate({
    description: "Create the starting files",
    task: async function make_start(output: string) {
      "Create the starting files";
      await writeFile(output, "start");
    },
    output: ["a.start", "b.start"],
  });
  const middle = p.transform({
    task: async function to_middle(input: string, output: string, extra: string) {
      await writeFile(output, (await readFile(input, "utf8")) + extra);
    },
    input: start,
    filter: suffix(".start"),
    output: ".middle",
    extras: ["extra_value"],
  });
  p.merge({
    task: async function summarise(inputs: string[], output: string) {
      let s = "";
      for (const i of inputs) s += await readFile(i, "utf8");
      await writeFile(output, s);
    },
    input: middle,
    output: "all.summary",
  });
  return p;
}

const RULE = "_".repeat(40);

test("printout verbose 1 and 2 list the tasks (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    assert.equal(
      await p.printout({ verbose: 1 }),
      `\n${RULE}\nTasks which will be run:\n\nTask = 'make_start'\nTask = 'to_middle'\nTask = 'summarise'\n${RULE}\n`,
    );
    assert.equal(
      await p.printout({ verbose: 2 }),
      `\n${RULE}\nTasks which will be run:\n\nTask = 'make_start'\n    "Create the starting files"\nTask = 'to_middle'\nTask = 'summarise'\n${RULE}\n`,
    );
  });
});

test("printout verbose 3 lists jobs; verbose 4 says why (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    assert.equal(
      await p.printout({ verbose: 3 }),
      [
        "",
        RULE,
        "Tasks which will be run:",
        "",
        "Task = 'make_start'",
        '    "Create the starting files"',
        "       Job  = [None",
        "             -> a.start]",
        "         Job needs update",
        "       Job  = [None",
        "             -> b.start]",
        "         Job needs update",
        "",
        "Task = 'to_middle'",
        "       Job  = [a.start",
        "             -> a.middle, extra_value]",
        "         Job needs update",
        "       Job  = [b.start",
        "             -> b.middle, extra_value]",
        "         Job needs update",
        "",
        "Task = 'summarise'",
        "       Job  = [[a.middle, b.middle]",
        "             -> all.summary]",
        "         Job needs update",
        "",
        RULE,
        "",
      ].join("\n"),
    );
    const v4 = await p.printout({ verbose: 4 });
    assert.ok(v4.includes("         Job needs update: ...\n               Missing file [a.start]\n"), v4);
    assert.ok(v4.includes("         Job needs update: ...\n               Missing files [a.start, a.middle]\n"), v4);
    assert.ok(v4.includes("               Missing files [a.middle, b.middle, all.summary]\n"), v4);
    assert.equal(await p.printout({ verbose: 5 }), v4, "nothing is up to date, so 5 shows what 4 shows");
  });
});

test("run log at verbose 1, 3 and 4 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    const log = memoryLogger();
    const summary = await p.run({ verbose: 4, logger: log });
    assert.equal(summary.jobsRun, 5);
    assert.equal(await readFile("all.summary", "utf8"), "startextra_valuestartextra_value");
    assert.deepEqual(log.lines, [
      "",
      RULE,
      "Tasks which will be run:",
      "",
      "",
      "Task enters queue = 'make_start' ",
      "    Create the starting files",
      "    Job  = [None -> a.start] ...\n        Missing file [a.start] ",
      "    Job  = [None -> b.start] ...\n        Missing file [b.start] ",
      "    Job  = [None -> a.start] completed",
      "    Job  = [None -> b.start] completed",
      "Completed Task = 'make_start' ",
      "Task enters queue = 'to_middle' ",
      "    Job  = [a.start -> a.middle, extra_value] ...\n        Missing file [a.middle] ",
      "    Job  = [b.start -> b.middle, extra_value] ...\n        Missing file [b.middle] ",
      "    Job  = [a.start -> a.middle, extra_value] completed",
      "    Job  = [b.start -> b.middle, extra_value] completed",
      "Completed Task = 'to_middle' ",
      "Task enters queue = 'summarise' ",
      "    Job  = [[a.middle, b.middle] -> all.summary] ...\n        Missing file [all.summary] ",
      "    Job  = [[a.middle, b.middle] -> all.summary] completed",
      "Completed Task = 'summarise' ",
    ]);

    const again = memoryLogger();
    const s2 = await p.run({ verbose: 1, logger: again });
    assert.equal(s2.jobsRun, 0);
    assert.deepEqual(again.lines, [
      "",
      RULE,
      "Tasks which are up-to-date:",
      "",
      "",
      "Task = 'make_start'  ",
      "Task = 'to_middle'  ",
      "Task = 'summarise'  ",
      RULE,
      "",
      "",
      "",
      RULE,
      "Tasks which will be run:",
      "",
      "",
    ]);
  });
});

test("after touching one input, only its job and the merge run; printout verbose 5 shows the dates", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    await p.run({ verbose: 0 });
    age("a.start", -5); // five seconds in the future: newer than anything recorded
    const text = await p.printout({ verbose: 5 });
    const lines = text.split("\n");
    const i = lines.indexOf("Task = 'to_middle'");
    assert.ok(i > 0, text);
    assert.deepEqual(lines.slice(i + 1, i + 4), ["       Job  = [a.start", "             -> a.middle, extra_value]", "         Job needs update:"]);
    assert.equal(lines[i + 4], "         Input files:");
    assert.match(lines[i + 5], /^ {10}\* \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d\d: a\.start$/);
    assert.equal(lines[i + 6], "         Output files:");
    assert.match(lines[i + 7], /^ {10}\* .*: a\.middle$/);
    assert.ok(text.includes("Tasks which are up-to-date:\n\n\nTask = 'make_start'\n    \"Create the starting files\"\n\n" + RULE), text);
    const log = memoryLogger();
    const s = await p.run({ verbose: 3, logger: log });
    assert.equal(s.jobsRun, 2, "a.middle and all.summary");
    assert.ok(log.lines.includes("    Job  = [a.start -> a.middle, extra_value] completed"));
    assert.ok(!log.lines.some((l) => l.includes("b.middle, extra_value] completed")));
  });
});

// On Bun, whose transpiler drops the string from the function's source, it is read from this file.
test("a leading string in a task function is its description, like a Python docstring", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const start = p.originate({
      task: async function make_start(output: string) {
        "Create the starting files";
        await writeFile(output, "start");
      },
      output: ["a.start"],
    });
    const copy = async (input: string, output: string): Promise<void> => {
      'Copy each file';
      await writeFile(output, input);
    };
    p.transform({ task: copy, input: start, filter: suffix(".start"), output: ".copy" });
    p.transform({ task: copy, name: "given", description: "Given", input: start, filter: suffix(".start"), output: ".given" });
    const text = await p.printout({ verbose: 2 });
    assert.ok(text.includes(`Task = 'make_start'\n    "Create the starting files"\n`), text);
    assert.ok(text.includes(`Task = 'copy'\n    "Copy each file"\n`), text);
    assert.ok(text.includes(`Task = 'given'\n    "Given"\n`), text);
  });
});

// Compared with Ruffus 2.8.4: a task whose regex matches no input (and so has no jobs) is up to
// date, and each run warns about it first, at verbosity >= 1 — also at -v 3, where the up-to-date
// list is not shown. Ruffus's text starts with the Python declaration; ours names the task.
test("run log: a task with no jobs is warned about before the up-to-date list, at every run", async () => {
  await inTempDir(async () => {
    await writeFile("a.x", "");
    for (const verbose of [1, 3, 0]) {
      Pipeline.clearAll();
      const p = new Pipeline("demo");
      const none = p.transform({ name: "nomatch", task: () => {}, input: ["a.x"], filter: suffix(".zzz"), output: ".y" });
      p.parallel({ name: "after", task: () => {}, jobs: [["j"]] }).follows(none);
      const log = memoryLogger();
      await p.run({ verbose, logger: log });
      const warning =
        "WARNING:     In Task 'demo::nomatch':\n" +
        "        No jobs were run because no file names matched.\n" +
        "        Please make sure that the regular expression is correctly specified.\n" +
        "        suffix('.zzz') did not match the input 'a.x'. ";
      if (verbose === 0) assert.deepEqual(log.lines, []);
      else {
        assert.equal(log.lines.filter((l) => l.startsWith("WARNING")).length, 1, log.text());
        assert.equal(log.lines[0], warning);
        assert.equal(log.lines.indexOf(verbose === 1 ? "Tasks which are up-to-date:" : "Tasks which will be run:") > 0, true, log.text());
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Failure texts
// ---------------------------------------------------------------------------------------------

/** An error whose stack is fixed, so that whole texts can be compared. */
function fixedError(message: string): Error {
  const e = new Error(message);
  e.stack = `Error: ${message}\n    at t1 (pipeline.ts:9:9)`;
  return e;
}

function failingPipeline(bad: string[]): Pipeline {
  Pipeline.clearAll();
  const p = new Pipeline("main");
  const t0 = p.originate({ task: async function t0(o: string) { await writeFile(o, "x"); }, output: ["a.1", "b.1", "c.1"] });
  p.transform({
    task: async function t1(i: string, o: string) {
      if (bad.includes(i)) throw fixedError(`bad file ${i}`);
      await writeFile(o, "x");
    },
    input: t0,
    filter: suffix(".1"),
    output: ".2",
  });
  return p;
}

const BLOCK_A = [
  "    Exception #1",
  "      'Error(bad file a.1)' raised in ...",
  "       Task = t1",
  "       Job  = [a.1 -> a.2]",
  "    ",
  "      Error: bad file a.1",
  "          at t1 (pipeline.ts:9:9)",
].join("\n");

test("RethrownJobError's text has Ruffus's blank lines: four before the heading, two after each failure (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4 str(e): "\n    \n    \n    \nOriginal exceptions:\n\n    Exception #1\n ... \n    ValueError: bad file a.1\n    \n    \n    Exception #2 ... \n    \n    "
  await inTempDir(async () => {
    const err = (await failingPipeline(["a.1", "b.1"]).run({ verbose: 0, multithread: 3 }).catch((e) => e)) as RethrownJobError;
    assert.ok(err instanceof RethrownJobError);
    const blockB = BLOCK_A.replaceAll("a.1", "b.1").replaceAll("a.2", "b.2").replace("#1", "#2");
    assert.equal(err.message, `\n    \n    \n    \nOriginal exceptions:\n\n${BLOCK_A}\n    \n    \n${blockB}\n    \n    `);
  });
});

test("logExceptions logs each failure as Ruffus's logger does: 'ERROR:', a blank line, the failure (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4 on stderr: "\n\nERROR:\n    \n    Exception #1\n ... \n    ValueError: bad file a.1\n    \n    \n\n"
  await inTempDir(async () => {
    const log = memoryLogger();
    await assert.rejects(failingPipeline(["a.1"]).run({ verbose: 1, logger: log, logExceptions: true }), RethrownJobError);
    assert.deepEqual(log.lines.filter((l) => l.startsWith("ERROR: ")), [`ERROR: \n${BLOCK_A}\n    \n    `]);
    // and through the default logger's layout
    let text = "";
    const sink = { info: (m: string) => void (text += m + "\n"), debug: () => {}, error: (m: string) => void (text += "\n\nERROR:\n    " + m + "\n\n") };
    await assert.rejects(failingPipeline(["a.1"]).run({ verbose: 1, logger: sink, logExceptions: true }), RethrownJobError);
    assert.ok(text.includes("\n\nERROR:\n    \n    Exception #1\n"), JSON.stringify(text));
  });
});

// ---------------------------------------------------------------------------------------------
// checkIfUptodate functions that fail
// ---------------------------------------------------------------------------------------------

function checkedPipeline(check: (...p: unknown[]) => unknown): Pipeline {
  const p = new Pipeline("main");
  const t0 = p.originate({ task: async function t0(o: string) { await writeFile(o, "x"); }, output: ["a.1", "b.1"] });
  p.transform({ task: async function t1(i: string, o: string) { await writeFile(o, "x"); }, input: t0, filter: suffix(".1"), output: ".2" }).checkIfUptodate(
    check as (...p: unknown[]) => [boolean, string],
  );
  return p;
}

test("a checkIfUptodate function that throws while the run is planned: RethrownJobError 'Exceptions generating parameters for task = ...', in run() and printout() (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4: "\n    \n    Exceptions generating parameters for\n    \n    task = 't1'\n    \nOriginal exception:\n\n    Exception #1\n      'builtins.RuntimeError(check broke)' raised in ..."
  await inTempDir(async () => {
    let broken = false;
    const p = checkedPipeline((...params) => {
      if (broken) throw new Error("check broke");
      return [true, `custom says ${String(params[1])}`];
    });
    await p.run({ verbose: 0 });
    broken = true; // t0 is up to date now, so planning asks t1's check
    for (const call of [() => p.run({ verbose: 0 }), () => p.printout({ verbose: 3 })]) {
      const err = (await call().catch((e) => e)) as RethrownJobError;
      assert.ok(err instanceof RethrownJobError, String(err));
      assert.ok(
        err.message.startsWith(
          "\n    \n    Exceptions generating parameters for\n    \n    task = 't1'\n    \nOriginal exception:\n\n    Exception #1\n" +
            "      'ParameterGenerationError(Exceptions generating parameters for task 't1':\n    check broke)' raised in ...\n       Task = t1\n",
        ),
        err.message,
      );
      const cause = (err.failures[0].error as ParameterGenerationError).cause as Error;
      assert.equal(cause.message, "check broke");
      assert.match(err.message, /Caused by: Error: check broke/, "where the check threw is shown");
    }
  });
});

test("a checkIfUptodate function that returns something else fails the same way, naming the task and what it returned", async () => {
  await inTempDir(async () => {
    const p = checkedPipeline(async () => [false, "async"]);
    await p.run({ verbose: 0, targetTasks: ["t0"] });
    for (const call of [() => p.run({ verbose: 0 }), () => p.printout({ verbose: 3 })]) {
      const err = (await call().catch((e) => e)) as RethrownJobError;
      assert.ok(err instanceof RethrownJobError, String(err));
      const e = err.failures[0].error as ParameterGenerationError;
      assert.ok(e instanceof ParameterGenerationError);
      assert.equal(
        e.message,
        "Exceptions generating parameters for task 't1':\n    checkIfUptodate() must return [needsUpdate, reason] or a boolean, synchronously; it returned a Promise (an async function?).",
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Extras in job descriptions
// ---------------------------------------------------------------------------------------------

test("extras: strings are shortened like file names, other values are shown as they are; a cut list keeps its '<???> ' mark", async () => {
  await inTempDir(async (dir) => {
    const p = new Pipeline("main");
    p.transform({ task: function t1() {}, input: ["a.in"], filter: suffix(".in"), output: ".mid", extras: ["x/y/z/extra.txt", 5, { k: "v" }] });
    // Ruffus 2.8.4 prints "map" for these extras (a Python 3 bug); its encoder leaves non-strings alone.
    const at0 = await p.printout({ verbose: 3, verboseAbbreviatedPath: 0, wrapWidth: 1000 });
    assert.ok(at0.includes(`-> ${dir}/a.mid, ${dir}/x/y/z/extra.txt, 5, {'k': 'v'}]`), at0);
    const cut = await p.printout({ verbose: 3, verboseAbbreviatedPath: -20, wrapWidth: 1000 });
    assert.ok(cut.includes("-> a.mid, <???>  5, {'k': 'v'}]"), cut);
  });
});
