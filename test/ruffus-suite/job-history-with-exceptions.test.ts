/**
 * Ports ruffus/test/test_job_history_with_exceptions.py: four originate tasks feed a collate
 * (formatter(), "{path[0]}/all.tmp2"), then two transforms. When the middle transform throws, only
 * it and what follows it are out of date afterwards: the collate's output was recorded as complete.
 * A run at checksum level 0 writes no history, so at level 1 every output reads as "Uncheckpointed";
 * touchFilesOnly: 2 (Ruffus's touch_files_only=2) rebuilds the history from the files on disk, after
 * which nothing needs to run. Each case runs in decorator style (the "main" pipeline) and
 * `new Pipeline(...)` style.
 *
 * Compared with Ruffus 2.8.4: the full printout at verbose 11 before any run, the task lists of each
 * printout, the files left by the failed run, that no history file is written at level 0, and the
 * head of the failure text ("'Error(oops)' raised in ...", "Task = " and the task's display name, the job).
 * The original toggles a module-level flag so that only its first failing test throws (the later
 * Pipeline-style run then silently passes); here the middle task throws in every "exception" case.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import {
  Pipeline,
  RethrownJobError,
  collate,
  formatter,
  originate,
  pipelinePrintout,
  pipelineRun,
  suffix,
  transform,
  type PrintoutOptions,
  type RunOptions,
  type RunSummary,
} from "ruffus";
import { inTempDir } from "../helpers.ts";

const tempdir = "test_job_history_with_exceptions/";
const HISTORY = ".ruffus_history.sqlite";
const VERBOSITY = 11;

type Style = "decorator" | "pipeline";
const STYLES: Style[] = ["decorator", "pipeline"];

interface Built {
  style: Style;
  /** Task names as printed: "check_task2" or "test 1::check_task2". */
  name(task: string): string;
  run(options: RunOptions): Promise<RunSummary>;
  printout(options: PrintoutOptions): Promise<string>;
}

/** Makes an empty file and counts the call (every task function makes its files through this). */
function touch(file: string): void {
  writeFileSync(file, "");
  touched.count++;
}
const touched = { count: 0 };

/** Declares the pipeline of the original; check_task3 throws "oops" when `state.throwing`. */
function build(style: Style, state: { throwing: boolean }): Built {
  mkdirSync(tempdir, { recursive: true }); // the original's setUp
  function generate_initial_files1(on: string): void {
    touch(on);
  }
  function generate_initial_files2(on: string): void {
    touch(on);
  }
  function generate_initial_files3(on: string): void {
    touch(on);
  }
  function generate_initial_files4(on: string): void {
    touch(on);
  }
  function check_task2(_infiles: string[], outfile: string): void {
    touch(outfile);
  }
  function check_task3(_infile: string, outfile: string): void {
    if (state.throwing) throw new Error("oops");
    touch(outfile);
  }
  function check_task4(_infile: string, outfile: string): void {
    touch(outfile);
  }
  const out1 = [..."abcd"].map((prefix) => `${tempdir}${prefix}_name.tmp1`);
  const out2 = [`${tempdir}e_name.tmp1`, `${tempdir}f_name.tmp1`];
  // The original's decorator form writes tempdir + "/g_name.tmp1" (a doubled slash) here.
  const out3 = style === "decorator" ? [`${tempdir}/g_name.tmp1`, `${tempdir}/h_name.tmp1`] : [`${tempdir}g_name.tmp1`, `${tempdir}h_name.tmp1`];
  const out4 = `${tempdir}i_name.tmp1`;
  const generators = [generate_initial_files1, generate_initial_files2, generate_initial_files3, generate_initial_files4];

  if (style === "decorator") {
    originate(out1)(generate_initial_files1);
    originate(out2)(generate_initial_files2);
    originate(out3)(generate_initial_files3);
    originate(out4)(generate_initial_files4);
    collate(generators, formatter(), "{path[0]}/all.tmp2")(check_task2);
    transform(check_task2, suffix(".tmp2"), ".tmp3")(check_task3);
    transform(check_task3, suffix(".tmp3"), ".tmp4")(check_task4);
    return {
      style,
      name: (t) => t,
      run: (o) => pipelineRun({ targetTasks: [check_task4], ...o }),
      printout: (o) => pipelinePrintout({ targetTasks: [check_task4], ...o }),
    };
  }
  const p = new Pipeline("test 1");
  p.originate({ task: generate_initial_files1, output: out1 });
  p.originate({ task: generate_initial_files2, output: out2 });
  p.originate({ task: generate_initial_files3, output: out3 });
  p.originate({ task: generate_initial_files4, output: out4 });
  p.collate({ task: check_task2, input: generators, filter: formatter(), output: "{path[0]}/all.tmp2" });
  p.transform({ task: check_task3, input: check_task2, filter: suffix(".tmp2"), output: ".tmp3" });
  p.transform({ task: check_task4, input: check_task3, filter: suffix(".tmp3"), output: ".tmp4" });
  return {
    style,
    name: (t) => `test 1::${t}`,
    run: (o) => p.run({ targetTasks: [check_task4], ...o }),
    printout: (o) => p.printout({ targetTasks: [check_task4], ...o }),
  };
}

/** Names of the tasks listed under "Tasks which will be run:". */
function tasksToRun(printout: string): string[] {
  const at = printout.indexOf("Tasks which will be run:");
  assert.ok(at >= 0, printout);
  return [...printout.slice(at).matchAll(/^Task = '(.+)'$/gm)].map((m) => m[1]);
}

/** Names of the tasks listed under "Tasks which are up-to-date:". */
function tasksUptodate(printout: string): string[] {
  const from = printout.indexOf("Tasks which are up-to-date:");
  if (from < 0) return [];
  const to = printout.indexOf("Tasks which will be run:");
  return [...printout.slice(from, to).matchAll(/^Task = '(.+)'$/gm)].map((m) => m[1]);
}

const ALL_TASKS = ["generate_initial_files1", "generate_initial_files2", "generate_initial_files3", "generate_initial_files4", "check_task2", "check_task3", "check_task4"];

/** Ruffus 2.8.4's printout of the whole pipeline before anything ran (verbose 11, wrap 10000). */
function expectedInitialPrintout(b: Built): string {
  const jobs = (files: string[]): string[] =>
    files.flatMap((f) => ["       Job  = [None", `             -> ${f}]`, "         Job needs update: ...", `               Missing file [${f}]`]);
  const d = tempdir.replace(/\/$/, "");
  const originals = [..."abcdefghi"].map((x) => `${d}/${x}_name.tmp1`);
  const multi = "    Multiple jobs Multiple outputs";
  // Collate inputs are sorted as strings: in decorator style "<dir>//g_name.tmp1" sorts before "<dir>/a_name.tmp1"
  // (the file names print without the doubled slash).
  const collated = b.style === "decorator" ? [6, 7, 0, 1, 2, 3, 4, 5, 8].map((i) => originals[i]) : originals;
  return [
    "",
    "________________________________________",
    "Tasks which will be run:",
    "",
    `Task = '${b.name("generate_initial_files1")}'`,
    multi,
    ...jobs(originals.slice(0, 4)),
    "",
    `Task = '${b.name("generate_initial_files2")}'`,
    multi,
    ...jobs(originals.slice(4, 6)),
    "",
    `Task = '${b.name("generate_initial_files3")}'`,
    multi,
    ...jobs(originals.slice(6, 8)),
    "",
    `Task = '${b.name("generate_initial_files4")}'`,
    multi,
    ...jobs(originals.slice(8)),
    "",
    `Task = '${b.name("check_task2")}'`,
    multi,
    `       Job  = [[${collated.join(", ")}]`,
    `             -> ${d}/all.tmp2]`,
    "         Job needs update: ...",
    `               Missing files [${[...collated, `${d}/all.tmp2`].join(", ")}]`,
    "",
    `Task = '${b.name("check_task3")}'`,
    multi,
    `       Job  = [${d}/all.tmp2`,
    `             -> ${d}/all.tmp3]`,
    "         Job needs update: ...",
    `               Missing files [${d}/all.tmp2, ${d}/all.tmp3]`,
    "",
    `Task = '${b.name("check_task4")}'`,
    multi,
    `       Job  = [${d}/all.tmp3`,
    `             -> ${d}/all.tmp4]`,
    "         Job needs update: ...",
    `               Missing files [${d}/all.tmp3, ${d}/all.tmp4]`,
    "",
    "________________________________________",
    "",
  ].join("\n");
}

async function runExpectingFailure(b: Built): Promise<RethrownJobError> {
  try {
    await b.run({ verbose: 0 });
  } catch (e) {
    assert.ok(e instanceof RethrownJobError, `expected a RethrownJobError, got ${String(e)}`);
    return e;
  }
  return assert.fail("check_task3 should have failed the run");
}

describe("test_job_history_with_exceptions", () => {
  for (const style of STYLES) {
    test(`${style} style: the printout before any run lists every job as Ruffus's does at verbose 11 (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build(style, { throwing: false });
        assert.equal(await b.printout({ verbose: VERBOSITY, wrapWidth: 10000 }), expectedInitialPrintout(b));
      });
    });

    test(`${style} style: after check_task3 throws, check_task2 is up to date and only check_task3 and check_task4 will run (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const state = { throwing: true };
        const b = build(style, state);
        const e = await runExpectingFailure(b);
        assert.equal(e.failures.length, 1);
        assert.equal(e.failures[0].job, `Job  = [${tempdir}all.tmp2 -> ${tempdir}all.tmp3]`);
        assert.deepEqual(readdirSync(tempdir).sort(), [...[..."abcdefghi"].map((x) => `${x}_name.tmp1`), "all.tmp2"].sort());

        const printout = await b.printout({ verbose: VERBOSITY, wrapWidth: 10000 });
        // The original's check: no "Task = check_task2" after "Tasks which will be run:".
        assert.deepEqual(tasksToRun(printout), ["check_task3", "check_task4"].map(b.name));
        assert.deepEqual(tasksUptodate(printout), ALL_TASKS.slice(0, 5).map(b.name));
        assert.ok(printout.includes(`       Job  = [${tempdir}all.tmp2\n             -> ${tempdir}all.tmp3]\n         Job needs update: ...\n               Missing file [${tempdir}all.tmp3]\n`), printout);
        assert.ok(printout.includes(`             -> ${tempdir}all.tmp2]\n       Up to date\n`), printout);

        // Once check_task3 succeeds, only its job and check_task4's run.
        state.throwing = false;
        const rerun = await b.run({ verbose: 0 });
        assert.equal(rerun.jobsRun, 2);
        assert.deepEqual(rerun.tasksRun, ["check_task3", "check_task4"].map(b.name));
        assert.deepEqual(tasksToRun(await b.printout({ verbose: VERBOSITY })), []);
      });
    });

    test(`${style} style: the failure text names the job and the task as Ruffus does (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build(style, { throwing: true });
        const e = await runExpectingFailure(b);
        // Ruffus 2.8.4, both styles: "    Exception #1" / "      'builtins.Exception(oops)' raised in ..." /
        // "       Task = def check_task3(...):" / "       Job  = [<tempdir>/all.tmp2 -> <tempdir>/all.tmp3]".
        // Ours names the task by its display name (README "Differences from Ruffus").
        assert.deepEqual(e.nthFailureText(0).split("\n").slice(0, 4), [
          "    Exception #1",
          "      'Error(oops)' raised in ...",
          `       Task = ${b.name("check_task3")}`,
          `       Job  = [${tempdir}all.tmp2 -> ${tempdir}all.tmp3]`,
        ]);
      });
    });

    test(`${style} style: a level-0 run writes no history; at level 1 everything is uncheckpointed until touchFilesOnly: 2 rebuilds the history (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build(style, { throwing: false });
        const first = await b.run({ verbose: 0, checksumLevel: 0, multithread: 10 });
        assert.equal(first.jobsRun, 12); // 9 originate jobs, the collate, two transforms
        assert.ok(!existsSync(HISTORY), "a checksum level 0 run must not write a history file");

        // Printout at level 0: file times only, nothing to run.
        assert.deepEqual(tasksToRun(await b.printout({ checksumLevel: 0 })), []);

        // Printout at the default level 1: no history, so every output is uncheckpointed.
        const level1 = await b.printout({});
        assert.deepEqual(tasksToRun(level1), ALL_TASKS.map(b.name));
        assert.ok(level1.includes(`       Job  = [${tempdir}all.tmp3\n             -> ${tempdir}all.tmp4]\n         Job needs update: Uncheckpointed file (left over from a failed run?):\n               [${tempdir}all.tmp4]\n`), level1);

        // Rebuild the history from the files on disk: nothing runs, and afterwards nothing needs to.
        touched.count = 0;
        await b.run({ checksumLevel: 0, historyFile: HISTORY, multithread: 1, verbose: 0, touchFilesOnly: 2 });
        assert.ok(existsSync(HISTORY));
        assert.equal(touched.count, 0, "touchFilesOnly: 2 must call no task function");
        const after = await b.printout({ verbose: VERBOSITY });
        assert.deepEqual(tasksToRun(after), []);
        assert.deepEqual(tasksUptodate(after), ALL_TASKS.map(b.name));
        assert.equal((await b.run({ verbose: 0 })).jobsRun, 0);
      });
    });
  }
});
