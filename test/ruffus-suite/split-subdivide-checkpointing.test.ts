/**
 * Ports ruffus/test/test_split_subdivide_checkpointing.py: a split whose output glob grows by one
 * file each time it is forced to run, feeding a subdivide whose per-input globs grow the same way.
 * After each run the set of files is exactly what Ruffus leaves, a run without forcing does
 * nothing, and each task function sees the files its glob matched before it ran. The file sets,
 * the arguments of every call and the job counts were compared with Ruffus 2.8.4 (same pipeline,
 * /usr/bin/python3, calls logged to a file).
 *
 * Differences from the Python test, none of them in behaviour:
 * - Ruffus runs the jobs with multiprocess=10; here multithread: 10 (worker processes import the
 *   module that declared the task, and these tasks are declared inside the tests; the worker
 *   mode itself is covered by test/exec/workers.test.ts).
 * - The Python test sleeps 2 s between forced runs to get past coarse file timestamps; we record
 *   completion times in the history instead (README), so the runs follow each other at once.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdirSync, openSync, readdirSync, unlinkSync } from "node:fs";
import { Pipeline, formatter, originate, pipelineRun, split, subdivide, type RunOptions } from "ruffus";
import { inTempDir } from "../helpers.ts";

const D = "work/";

/** Creates an empty file, or leaves an existing one as it is (Python's open(f, "a")). */
function touchKeep(f: string): void {
  closeSync(openSync(f, "a"));
}

/** The files in D, sorted. */
function filesInWork(): string[] {
  return readdirSync(D).sort();
}

/** Task functions that log their calls, as the Python test's functions (plus the log). */
function makeTasks(calls: string[]) {
  return {
    make_start: function make_start(outfile: string): void {
      calls.push(`make_start ${JSON.stringify(outfile)}`);
      closeSync(openSync(outfile, "w"));
    },
    split_start: function split_start(infiles: string[], outfiles: string[]): void {
      calls.push(`split_start ${JSON.stringify(infiles)} ${JSON.stringify(outfiles)}`);
      for (const f of outfiles) unlinkSync(f);
      // one more file than the glob matched last time
      for (let i = 0; i < outfiles.length + 1; i++) touchKeep(`${D}${i}.split`);
    },
    subdivide_start: function subdivide_start(infile: string, outfiles: string[], infileBasename: string): void {
      calls.push(`subdivide_start ${JSON.stringify(infile)} ${JSON.stringify(outfiles)} ${JSON.stringify(infileBasename)}`);
      for (const f of outfiles) unlinkSync(f);
      for (let i = 0; i < outfiles.length + 1; i++) touchKeep(`${infileBasename}_${i}.subdivided`);
    },
  };
}

const after1 = ["start", "0.split", "0_0.subdivided"];
const after2 = ["1.split", "0_1.subdivided", "1_0.subdivided"];
const after3 = ["2.split", "0_2.subdivided", "1_1.subdivided", "2_0.subdivided"];

/** The calls Ruffus 2.8.4 made, run by run (subdivide jobs sorted; they may run in any order). */
const j = JSON.stringify;
const expectedCalls: string[][] = [
  [`make_start ${j(D + "start")}`, `split_start ${j([D + "start"])} []`, `subdivide_start ${j(D + "0.split")} [] ${j(D + "0")}`],
  [],
  [
    `make_start ${j(D + "start")}`,
    `split_start ${j([D + "start"])} ${j([D + "0.split"])}`,
    `subdivide_start ${j(D + "0.split")} ${j([D + "0_0.subdivided"])} ${j(D + "0")}`,
    `subdivide_start ${j(D + "1.split")} [] ${j(D + "1")}`,
  ],
  [],
  [
    `make_start ${j(D + "start")}`,
    `split_start ${j([D + "start"])} ${j([D + "0.split", D + "1.split"])}`,
    `subdivide_start ${j(D + "0.split")} ${j([D + "0_0.subdivided", D + "0_1.subdivided"])} ${j(D + "0")}`,
    `subdivide_start ${j(D + "1.split")} ${j([D + "1_0.subdivided"])} ${j(D + "1")}`,
    `subdivide_start ${j(D + "2.split")} [] ${j(D + "2")}`,
  ],
  [],
];

/**
 * Runs the six steps of the Python test: normal run, no-op, forced, no-op, forced, no-op. After each
 * the files are exactly the expected set, and the task functions were called as Ruffus calls them.
 */
async function sixRuns(run: (options: RunOptions) => Promise<{ jobsRun: number }>, calls: string[], forced: RunOptions[]): Promise<void> {
  const steps: { options: RunOptions; files: string[]; jobs: number }[] = [
    { options: {}, files: after1, jobs: 3 },
    { options: {}, files: after1, jobs: 0 },
    { options: forced[0], files: [...after1, ...after2], jobs: 4 },
    { options: {}, files: [...after1, ...after2], jobs: 0 },
    { options: forced[1], files: [...after1, ...after2, ...after3], jobs: 5 },
    { options: {}, files: [...after1, ...after2, ...after3], jobs: 0 },
  ];
  for (const [n, step] of steps.entries()) {
    calls.length = 0;
    const summary = await run({ multithread: 10, verbose: 0, ...step.options });
    const label = `run ${n + 1}`;
    assert.deepEqual(filesInWork(), [...step.files].sort(), `${label}: files`);
    assert.deepEqual([...calls].sort(), [...expectedCalls[n]].sort(), `${label}: task function calls`);
    assert.equal(summary.jobsRun, step.jobs, `${label}: jobs run`);
  }
}

describe("test_split_subdivide_checkpointing", () => {
  test("new style (Pipeline methods): each forced run makes one more split file and one more subdivided file per split (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(D);
      const calls: string[] = [];
      const t = makeTasks(calls);
      const p = new Pipeline("test");
      const start = p.originate({ task: t.make_start, output: [D + "start"] });
      const splitTask = p.split({ task: t.split_start, input: start, output: D + "*.split" });
      p.subdivide({
        task: t.subdivide_start,
        input: splitTask,
        filter: formatter(),
        output: D + "{basename[0]}_*.subdivided",
        extras: [D + "{basename[0]}"],
      });
      // forced first by "pipeline::task" name, then by the task object (Python: the function)
      await sixRuns((o) => p.run(o), calls, [{ forcedtorunTasks: ["test::make_start"] }, { forcedtorunTasks: start }]);
    });
  });

  test("decorator style (main pipeline): the same six runs, forcing by the task function (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(D);
      const calls: string[] = [];
      const t = makeTasks(calls);
      const makeStart = originate([D + "start"])(t.make_start);
      const splitStart = split(makeStart, D + "*.split")(t.split_start);
      subdivide(splitStart, formatter(), D + "{basename[0]}_*.subdivided", D + "{basename[0]}")(t.subdivide_start);
      await sixRuns((o) => pipelineRun(o), calls, [{ forcedtorunTasks: [makeStart] }, { forcedtorunTasks: [makeStart] }]);
    });
  });
});
