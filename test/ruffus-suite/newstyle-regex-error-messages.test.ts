/**
 * Ports ruffus/test/test_newstyle_regex_error_messages.py: transform() tasks declared with
 * `new Pipeline(...)` methods whose regex() or suffix() filter matches only some inputs (those jobs
 * are skipped with an "Input substitution failed" warning), none of them (the task has no jobs and
 * the run warns), or whose substitution pattern is itself wrong — a misspelt named group
 * (\g<PREFIXA>) or a group that does not exist (\5, or \2 with suffix()) — which stops both the
 * printout and the run (with a RethrownJobError). Ruffus's printout raises the fatal match error
 * itself while the upstream task still has to run (the state the original checks), and wraps it in
 * a RethrownJobError once that task is up to date; both states are checked.
 *
 * Compared with Ruffus 2.8.4: the files made, the arguments of the jobs, the job and warning lines
 * of the printouts, the run's "No jobs were run because no file names matched" warning, the error
 * classes and the messages matched by the original's regular expressions. Ruffus lists a task's
 * match failures in set order; the order is not compared. The original runs with multiprocess=2;
 * these tasks are declared inside the tests, so the jobs run with multithread (worker processes
 * need tasks declared when their module loads: test/exec/workers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { FatalMatchError, Pipeline, RethrownJobError, regex, suffix, type TaskFunction } from "ruffus";
import { inTempDir, memoryLogger } from "../helpers.ts";

const tempdir = "test_newstyle_regex_error_messages";
const D = tempdir;
const parallelism = 2;
const PREFIXES = [..."abcdefghi"];

function blowUp(name: string): TaskFunction {
  const f = function (): void {
    throw new Error("Should blow up first");
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

/** The pipeline of the original (declared at its module level). `calls` records each job's arguments. */
function build(calls: unknown[][] = []) {
  mkdirSync(tempdir, { recursive: true }); // the original's setUp
  const test_pipeline = new Pipeline("test");
  function generate_initial_files1(out_name: string): void {
    writeFileSync(out_name, "");
  }
  function check_regex_task(infiles: string, outfile: string, prefix1: string, prefix2: string, extension: string): void {
    calls.push([infiles, outfile, prefix1, prefix2, extension]);
    writeFileSync(outfile, "");
    if (prefix1 !== prefix2) throw new Error(`Expecting ${prefix1} == ${prefix2}`);
  }
  function check_suffix_task(infile: string, outfile: string, basename: string): void {
    calls.push([infile, outfile, basename]);
    writeFileSync(outfile, "");
  }
  const check_regex_unmatched_task = blowUp("check_regex_unmatched_task");
  const check_suffix_unmatched_task = blowUp("check_suffix_unmatched_task");
  const check_suffix_unmatched_task2 = blowUp("check_suffix_unmatched_task2");
  const check_regex_misspelt_capture_error_task = blowUp("check_regex_misspelt_capture_error_task");
  const check_regex_misspelt_capture2_error_task = blowUp("check_regex_misspelt_capture2_error_task");
  const check_regex_out_of_range_regex_reference_error_task = blowUp("check_regex_out_of_range_regex_reference_error_task");

  test_pipeline.originate({ task: generate_initial_files1, output: PREFIXES.map((prefix) => `${tempdir}/${prefix}_name.tmp1`) });
  test_pipeline.transform({
    task: check_regex_task,
    input: generate_initial_files1,
    filter: regex("(.*)/(?P<PREFIX>[abcd])(_name)(.tmp1)"),
    output: String.raw`\1/\g<PREFIX>\3.tmp2`,
    extras: [String.raw`\2`, String.raw`\g<PREFIX>`, String.raw`\4`],
  });
  test_pipeline.transform({
    task: check_regex_unmatched_task,
    input: generate_initial_files1,
    filter: regex("(.*)/(?P<PREFIX>[abcd])(_name)(.xxx)"),
    output: String.raw`\1/\g<PREFIXA>\3.tmp2`,
    extras: [String.raw`\2`, String.raw`\g<PREFIX>`, String.raw`\4`],
  });
  test_pipeline.transform({ task: check_suffix_task, input: generate_initial_files1, filter: suffix(".tmp1"), output: ".tmp2", extras: [String.raw`\1`] });
  test_pipeline.transform({ task: check_suffix_unmatched_task, input: generate_initial_files1, filter: suffix(".tmp1"), output: ".tmp2", extras: [String.raw`\2`] });
  test_pipeline.transform({ task: check_suffix_unmatched_task2, input: generate_initial_files1, filter: suffix(".tmp2"), output: ".tmp2" });
  test_pipeline.transform({
    task: check_regex_misspelt_capture_error_task,
    input: generate_initial_files1,
    filter: regex("(.*)/(?P<PREFIX>[abcd])(_name)(.tmp)"),
    output: String.raw`\1/\g<PREFIXA>\3.tmp2`,
    extras: [String.raw`\2`, String.raw`\g<PREFIX>`, String.raw`\4`],
  });
  test_pipeline.transform({
    task: check_regex_misspelt_capture2_error_task,
    input: generate_initial_files1,
    filter: regex("(.*)/(?P<PREFIX>[abcd])(_name)(.tmp)"),
    output: String.raw`\1/\g<PREFIX>\3.tmp2`,
    extras: [String.raw`\2`, String.raw`\g<PREFIXA>`, String.raw`\4`],
  });
  test_pipeline.transform({
    task: check_regex_out_of_range_regex_reference_error_task,
    input: generate_initial_files1,
    filter: regex("(.*)/(?P<PREFIX>[abcd])(_name)(.tmp)"),
    output: String.raw`\1/\g<PREFIX>\5.tmp2`,
    extras: [String.raw`\2`, String.raw`\g<PREFIX>`, String.raw`\4`],
  });
  return {
    test_pipeline,
    check_regex_task,
    check_regex_unmatched_task,
    check_suffix_task,
    check_suffix_unmatched_task,
    check_suffix_unmatched_task2,
    check_regex_misspelt_capture_error_task,
    check_regex_misspelt_capture2_error_task,
    check_regex_out_of_range_regex_reference_error_task,
  };
}

function printout(p: Pipeline, target: TaskFunction, verbose: number): Promise<string> {
  return p.printout({ targetTasks: [target], verbose, wrapWidth: 10000 });
}

/** The files in the temp dir after a run. */
function made(): string[] {
  return readdirSync(tempdir).sort();
}

/** The three lines Ruffus prints for a skipped input. */
function warning(message: string): string {
  return `       Job Warning: Input substitution failed:\n                    Do your regular expressions match the corresponding Input?\n         ${message}\n`;
}

/** Every "Job Warning" message of a printout, sorted (Ruffus keeps them in a set). */
function warnings(s: string): string[] {
  const lines = s.split("\n");
  return lines.flatMap((l, i) => (l === "       Job Warning: Input substitution failed:" ? [lines[i + 2].trim()] : [])).sort();
}

/** The original's regular expressions for the fatal substitution errors. */
const INVALID_GROUP_REFERENCE = /File '.*?' does not match regex\('.*?'\) and pattern '.*?':\n.*invalid group reference/;
const UNKNOWN_GROUP_NAME = /File '.*?' does not match regex\('.*?'\) and pattern '.*?':\n.*unknown group name/;

async function rejection(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof Error, String(e));
    return e;
  }
  return assert.fail("expected an error");
}

describe("test_newstyle_regex_error_messages", () => {
  test("regex(): printout at verbose 5 lists the matching inputs' jobs and a warning for each other input (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const s = await printout(b.test_pipeline, b.check_regex_task, 5);
      // The original: /Missing files.*\[<d>/a_name.tmp1, <d>/a_name.tmp2/s
      assert.match(s, new RegExp(String.raw`Missing files.*\[${D}/a_name.tmp1, ${D}/a_name.tmp2`, "s"));
      for (const x of "abcd") {
        assert.ok(s.includes(`       Job  = [${D}/${x}_name.tmp1\n             -> ${D}/${x}_name.tmp2, ${x}, ${x}, .tmp1]\n         Job needs update: ...\n               Missing files [${D}/${x}_name.tmp1, ${D}/${x}_name.tmp2]\n`), s);
      }
      assert.deepEqual(warnings(s), [..."efghi"].map((x) => `File '${D}/${x}_name.tmp1' does not match regex('(.*)/(?P<PREFIX>[abcd])(_name)(.tmp1)') and pattern '\\2'`));
    });
  });

  test("regex(): the run makes one output per matching input and passes the captured groups as extras (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: unknown[][] = [];
      const b = build(calls);
      const summary = await b.test_pipeline.run({ targetTasks: [b.check_regex_task], verbose: 0, multithread: parallelism });
      assert.equal(summary.jobsRun, 9 + 4);
      assert.deepEqual(made(), [...PREFIXES.map((x) => `${x}_name.tmp1`), ..."abcd".split("").map((x) => `${x}_name.tmp2`)].sort());
      assert.deepEqual(calls.sort(), [..."abcd"].map((x) => [`${D}/${x}_name.tmp1`, `${D}/${x}_name.tmp2`, x, x, ".tmp1"]));
    });
  });

  test("regex() matching nothing: printout at verbose 5 shows no jobs and a warning per input (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const s = await printout(b.test_pipeline, b.check_regex_unmatched_task, 5);
      assert.ok(s.includes("Warning: Input substitution failed:"), s);
      assert.ok(s.includes(`File '${D}/a_name.tmp1' does not match regex`), s);
      assert.ok(s.includes("Task = 'test::check_regex_unmatched_task'\n       !!! No jobs for this task.\n       Are you sure there is not a error in your code / regular expression?\n"), s);
      assert.ok(s.includes(warning(`File '${D}/a_name.tmp1' does not match regex('(.*)/(?P<PREFIX>[abcd])(_name)(.xxx)') and pattern '\\2'`)), s);
      assert.equal(warnings(s).length, 9);
    });
  });

  test("regex() matching nothing: the run succeeds without calling the task and warns that no file names matched (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const log = memoryLogger();
      const summary = await b.test_pipeline.run({ targetTasks: [b.check_regex_unmatched_task], verbose: 1, multithread: parallelism, logger: log });
      assert.equal(summary.jobsRun, 9);
      assert.deepEqual(made(), PREFIXES.map((x) => `${x}_name.tmp1`));
      // Ruffus 2.8.4's log at verbose 1.
      assert.deepEqual(log.lines, [
        "",
        "________________________________________",
        "Tasks which will be run:",
        "",
        "",
        "Task enters queue = 'test::generate_initial_files1' ",
        "Completed Task = 'test::generate_initial_files1' ",
        "Task enters queue = 'test::check_regex_unmatched_task' ",
        "Uptodate Task = 'test::check_regex_unmatched_task'",
        "WARNING:     In Task 'test::check_regex_unmatched_task':\n        No jobs were run because no file names matched.\n        Please make sure that the regular expression is correctly specified.\n" +
          // Our line after Ruffus's two: the pattern and some of the names it was tried on.
          "        regex('(.*)/(?P<PREFIX>[abcd])(_name)(.xxx)') matched none of the 9 inputs: 'test_newstyle_regex_error_messages/a_name.tmp1', " +
          "'test_newstyle_regex_error_messages/b_name.tmp1', 'test_newstyle_regex_error_messages/c_name.tmp1' and 6 more. ",
      ]);
    });
  });

  test("suffix(): printout at verbose 5 lists a job per input (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const s = await printout(b.test_pipeline, b.check_suffix_task, 5);
      assert.match(s, new RegExp(String.raw`Missing files.*\[${D}/a_name.tmp1, ${D}/a_name.tmp2`, "s"));
      for (const x of PREFIXES) {
        assert.ok(s.includes(`       Job  = [${D}/${x}_name.tmp1\n             -> ${D}/${x}_name.tmp2, ${D}/${x}_name]\n         Job needs update: ...\n               Missing files [${D}/${x}_name.tmp1, ${D}/${x}_name.tmp2]\n`), s);
      }
      assert.deepEqual(warnings(s), []);
    });
  });

  test("suffix(): the run passes the name without the suffix as \\1 (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: unknown[][] = [];
      const b = build(calls);
      await b.test_pipeline.run({ targetTasks: [b.check_suffix_task], verbose: 0, multithread: parallelism });
      assert.deepEqual(made(), PREFIXES.flatMap((x) => [`${x}_name.tmp1`, `${x}_name.tmp2`]));
      assert.deepEqual(calls.sort(), PREFIXES.map((x) => [`${D}/${x}_name.tmp1`, `${D}/${x}_name.tmp2`, `${D}/${x}_name`]));
    });
  });

  test("suffix() with \\2 in an extra: printout stops with the fatal match error 'invalid group reference' (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const e = await rejection(() => printout(b.test_pipeline, b.check_suffix_unmatched_task, 3));
      // Ruffus 2.8.4 raises fatal_error_input_file_does_not_match from pipeline_printout while the
      // upstream task still has to run (the state the original checks); once it is up to date,
      // the error comes wrapped in a RethrownJobError (next describe block).
      assert.ok(e instanceof FatalMatchError, `expected a FatalMatchError, got ${e.name}: ${e.message}`);
      assert.match(e.message, INVALID_GROUP_REFERENCE);
      assert.ok(e.message.includes(`File '${D}/a_name.tmp1' does not match regex('.tmp1') and pattern '\\2':\n\tinvalid group reference 2 at position 1`), e.message);
    });
  });

  test("suffix() with \\2 in an extra: the run rejects with a RethrownJobError 'invalid group reference' and runs no job of the task (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const e = await rejection(() => b.test_pipeline.run({ targetTasks: [b.check_suffix_unmatched_task], verbose: 0, multithread: parallelism }));
      assert.ok(e instanceof RethrownJobError, `expected a RethrownJobError, got ${e.name}`);
      assert.match(e.message, INVALID_GROUP_REFERENCE);
      assert.ok(!e.message.includes("Should blow up first"), e.message);
    });
  });

  test("suffix() matching nothing: printout at verbose 5 shows no jobs and a warning per input (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const s = await printout(b.test_pipeline, b.check_suffix_unmatched_task2, 5);
      assert.ok(s.includes("Warning: Input substitution failed:"), s);
      assert.ok(s.includes(`File '${D}/a_name.tmp1' does not match suffix`), s);
      assert.deepEqual(warnings(s), PREFIXES.map((x) => `File '${D}/${x}_name.tmp1' does not match suffix('.tmp2') and pattern '.tmp2'`));
      assert.ok(s.includes("Task = 'test::check_suffix_unmatched_task2'\n       !!! No jobs for this task.\n"), s);
    });
  });

  test("suffix() matching nothing: the run succeeds without calling the task (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const log = memoryLogger();
      const summary = await b.test_pipeline.run({ targetTasks: [b.check_suffix_unmatched_task2], verbose: 1, multithread: parallelism, logger: log });
      assert.equal(summary.jobsRun, 9);
      assert.deepEqual(made(), PREFIXES.map((x) => `${x}_name.tmp1`));
      assert.ok(
        log.lines.includes(
          "WARNING:     In Task 'test::check_suffix_unmatched_task2':\n        No jobs were run because no file names matched.\n        Please make sure that the regular expression is correctly specified.\n" +
            "        suffix('.tmp2') matched none of the 9 inputs: 'test_newstyle_regex_error_messages/a_name.tmp1', " +
            "'test_newstyle_regex_error_messages/b_name.tmp1', 'test_newstyle_regex_error_messages/c_name.tmp1' and 6 more. ",
        ),
        log.text(),
      );
    });
  });

  const FATAL: [string, RegExp, string][] = [
    ["check_regex_misspelt_capture_error_task", UNKNOWN_GROUP_NAME, String.raw`pattern '\1/\g<PREFIXA>\3.tmp2':` + "\n\tunknown group name 'PREFIXA'"],
    ["check_regex_misspelt_capture2_error_task", UNKNOWN_GROUP_NAME, String.raw`pattern '\g<PREFIXA>':` + "\n\tunknown group name 'PREFIXA'"],
    ["check_regex_out_of_range_regex_reference_error_task", INVALID_GROUP_REFERENCE, String.raw`pattern '\1/\g<PREFIX>\5.tmp2':` + "\n\tinvalid group reference 5 at position 14"],
  ];
  for (const [name, expected, tail] of FATAL) {
    test(`${name}: printout stops with the fatal match error (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build();
        const task = b[name as keyof typeof b] as TaskFunction;
        const e = await rejection(() => printout(b.test_pipeline, task, 3));
        assert.ok(e instanceof FatalMatchError, `expected a FatalMatchError, got ${e.name}: ${e.message}`);
        assert.match(e.message, expected);
        assert.ok(e.message.includes(`File '${D}/a_name.tmp1' does not match regex('(.*)/(?P<PREFIX>[abcd])(_name)(.tmp)') and ${tail}`), e.message);
      });
    });

    test(`${name}: the run rejects with a RethrownJobError (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build();
        const task = b[name as keyof typeof b] as TaskFunction;
        const e = await rejection(() => b.test_pipeline.run({ targetTasks: [task], verbose: 0, multithread: parallelism }));
        assert.ok(e instanceof RethrownJobError, `expected a RethrownJobError, got ${e.name}`);
        assert.match(e.message, expected);
        assert.ok(e.message.includes(`File '${D}/a_name.tmp1' does not match regex('(.*)/(?P<PREFIX>[abcd])(_name)(.tmp)') and ${tail}`), e.message);
        assert.ok(!e.message.includes("Should blow up first"), e.message);
      });
    });
  }
});

describe("test_newstyle_regex_error_messages, with the originals already made", () => {
  const CASES: [string, RegExp][] = [
    ["check_suffix_unmatched_task", INVALID_GROUP_REFERENCE],
    ["check_regex_misspelt_capture_error_task", UNKNOWN_GROUP_NAME],
    ["check_regex_misspelt_capture2_error_task", UNKNOWN_GROUP_NAME],
    ["check_regex_out_of_range_regex_reference_error_task", INVALID_GROUP_REFERENCE],
  ];
  for (const [name, expected] of CASES) {
    test(`${name}: printout after the upstream task ran rejects with a RethrownJobError naming the bad pattern (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build();
        await b.test_pipeline.run({ targetTasks: ["generate_initial_files1"], verbose: 0 });
        const task = b[name as keyof typeof b] as TaskFunction;
        const e = await rejection(() => printout(b.test_pipeline, task, 3));
        assert.ok(e instanceof RethrownJobError, `expected a RethrownJobError, got ${e.name}: ${e.message}`);
        assert.match(e.message, expected);
        assert.ok(e.message.includes(`File '${D}/a_name.tmp1' does not match regex(`), e.message);
      });
    });
  }
});
