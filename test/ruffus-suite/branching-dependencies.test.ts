/**
 * Ports ruffus/test/test_branching_dependencies.py: a branching pipeline
 *
 *     1   ->  2   ->  3   ->
 *         ->  4           ->
 *                     5   ->    6
 *
 * (originate, transform with suffix(), transform with regex() + inputs(), a globbed transform that
 * follows task 1 under jobsLimit(1), files(null, ...), merge), run in parallel; then task 1's b.1 is
 * deleted, task 2 alone is brought up to date with touchFilesOnly, and a normal run redoes only what
 * depends on the touched files. Decorator style (the "main" pipeline) and `new Pipeline(...)` style.
 *
 * Each job writes its inputs' text plus one line "inputs -> outputs" (JSON as Python's json.dumps
 * writes it) to its outputs, so final.6 records every job upstream of it. The expected final.6, the
 * job order constraints, the touched files' contents, the posttask calls and the jobs of each run
 * were compared with Ruffus 2.8.4 running the same pipeline (multiprocess there; multithread here,
 * since the task functions are declared inside this file).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Pipeline,
  files,
  follows,
  inputs,
  jobsLimit,
  merge,
  mkdir,
  originate,
  pipelinePrintout,
  pipelineRun,
  posttask,
  regex,
  suffix,
  transform,
  type RunOptions,
  type PrintoutOptions,
  type RunSummary,
} from "ruffus";
import { inTempDir, read } from "../helpers.ts";

const tempdir = "test_branching_dependencies/";
const testFile = `${tempdir}task.done`;

/** Python's json.dumps for nested lists of strings and None. */
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(", ")}]`;
  return JSON.stringify(v ?? null);
}

const asList = (v: unknown): string[] => (v === null || v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** Cats the inputs' text (lines sorted as whole texts, as the original does) into each output, plus "inputs -> outputs". */
function checkJobIo(infiles: unknown, outfiles: unknown): void {
  const ins = asList(infiles);
  const outs = asList(outfiles);
  let text = ins.map((f) => readFileSync(f, "utf8")).sort().join("");
  text += `${pyJson(ins)} -> ${pyJson(outs)}\n`;
  for (const f of outs) writeFileSync(f, text);
}

const doWrite = (file: string, what: string): void => appendFileSync(file, what);
const logJob = (which: "start" | "finish", infiles: unknown, outfiles: unknown): void =>
  appendFileSync(`${tempdir}jobs.${which}`, `job = ${pyJson([infiles ?? null, outfiles])}\n`);

/** Task 4's jobs in flight, to check jobsLimit(1). */
let task4InFlight = 0;
let task4MaxInFlight = 0;

function task1(outfile: string): void {
  "First task";
  logJob("start", null, outfile);
  checkJobIo(null, outfile);
  logJob("finish", null, outfile);
}

function task2(infiles: string, outfiles: string): void {
  "Second task";
  logJob("start", infiles, outfiles);
  checkJobIo(infiles, outfiles);
  logJob("finish", infiles, outfiles);
}

function task3(infiles: string[], outfiles: string): void {
  "Third task";
  logJob("start", infiles, outfiles);
  checkJobIo(infiles, outfiles);
  logJob("finish", infiles, outfiles);
}

async function task4(infiles: string, outfiles: string): Promise<void> {
  "Fourth task is extra slow";
  task4MaxInFlight = Math.max(task4MaxInFlight, ++task4InFlight);
  logJob("start", infiles, outfiles);
  await sleep(100);
  checkJobIo(infiles, outfiles);
  logJob("finish", infiles, outfiles);
  task4InFlight--;
}

async function task5(infiles: null, outfiles: string): Promise<void> {
  "Fifth task is extra slow";
  logJob("start", infiles, outfiles);
  await sleep(500);
  checkJobIo(infiles, outfiles);
  logJob("finish", infiles, outfiles);
}

function task6(infiles: string[], outfiles: string): void {
  "final task";
  logJob("start", infiles, outfiles);
  checkJobIo(infiles, outfiles);
  logJob("finish", infiles, outfiles);
}

/** Every job's "[inputs] -> [outputs]" line that ends up in final.6 (sorted), as Ruffus 2.8.4 makes it. */
function expectedFinal6(afterTouchFiles: boolean): string[] {
  const lines = `["DIR/a.1"] -> ["DIR/a.2"]
["DIR/a.1"] -> ["DIR/a.4"]
["DIR/a.2", "DIR/a.1"] -> ["DIR/a.3"]
["DIR/a.3", "DIR/b.3", "DIR/c.3", "DIR/a.4", "DIR/b.4", "DIR/c.4", "DIR/a.5"] -> ["DIR/final.6"]
["DIR/b.1"] -> ["DIR/b.2"]
["DIR/b.1"] -> ["DIR/b.4"]
["DIR/b.2", "DIR/a.1"] -> ["DIR/b.3"]
["DIR/c.1"] -> ["DIR/c.2"]
["DIR/c.1"] -> ["DIR/c.4"]
["DIR/c.2", "DIR/a.1"] -> ["DIR/c.3"]
[] -> ["DIR/a.1"]
[] -> ["DIR/a.1"]
[] -> ["DIR/a.1"]
[] -> ["DIR/a.1"]
[] -> ["DIR/a.1"]
[] -> ["DIR/a.5"]
[] -> ["DIR/b.1"]
[] -> ["DIR/b.1"]
[] -> ["DIR/c.1"]
[] -> ["DIR/c.1"]`
    .replaceAll("DIR/", tempdir)
    .split("\n");
  // The touched b.1 is empty, so the rerun b.4 no longer contains task 1's line for b.1.
  if (afterTouchFiles) lines.splice(lines.length - 3, 1);
  return lines;
}

function checkFinalOutputCorrect(afterTouchFiles = false): void {
  const actual = read(`${tempdir}final.6`)
    .split("\n")
    .filter((l, i, all) => i < all.length - 1 || l !== "")
    .map((l) => l.trimEnd())
    .sort();
  assert.deepEqual(actual, expectedFinal6(afterTouchFiles));
}

/** Every job of task `before` started (or finished) before the first job of task `after`, per the log file. */
function checkJobOrderCorrect(filename: string): void {
  const precedenceRules = [
    [1, 2],
    [2, 3],
    [1, 4],
    [5, 6],
    [3, 6],
    [4, 6],
  ];
  const indexRe = /.*\.([0-9])["\]]*$/;
  const jobIndices = new Map<number, number[]>();
  read(filename)
    .split("\n")
    .filter((l) => l !== "")
    .forEach((l, lineNum) => {
      const m = indexRe.exec(l);
      assert.ok(m, `Non-matching line in [${filename}]: ${l}`);
      const k = Number(m[1]);
      jobIndices.set(k, [...(jobIndices.get(k) ?? []), lineNum]);
    });
  for (const [before, after] of precedenceRules) {
    const b = jobIndices.get(before);
    const a = jobIndices.get(after);
    if (!b || !a) continue;
    assert.ok(Math.max(...b) < Math.min(...a), `Precedence violated for job ${before} [line ${Math.max(...b)}] and job ${after} [line ${Math.min(...a)}] of [${filename}]`);
  }
}

/** The jobs a run logged, as sorted "job = ..." lines. */
const jobsLogged = (which: "start" | "finish"): string[] => read(`${tempdir}jobs.${which}`).split("\n").filter((l) => l !== "").sort();

const taskDoneLines = (): string[] => read(testFile).split("\n").filter((l) => l !== "");

interface Runner {
  run(o: RunOptions): Promise<RunSummary>;
  printout(o: PrintoutOptions): Promise<string>;
}

/** The scenario of the original test, for either declaration style. */
async function scenario(r: Runner): Promise<void> {
  // Run the pipeline normally.
  task4MaxInFlight = 0;
  const first = await r.run({ multithread: 10, verbose: 0 });
  assert.equal(first.jobsRun, 3 + 3 + 3 + 3 + 1 + 1); // tasks 1..6; the directory exists, so the mkdir tasks are up to date
  checkFinalOutputCorrect();
  checkJobOrderCorrect(`${tempdir}jobs.start`);
  checkJobOrderCorrect(`${tempdir}jobs.finish`);
  assert.equal(jobsLogged("start").length, 14);
  assert.equal(task4MaxInFlight, 1, "jobsLimit(1): task 4's jobs must not overlap");
  // Each posttask ran once, task 6's last.
  const done = taskDoneLines();
  assert.deepEqual([...done].sort(), ["Task 1 Done", "Task 2 Done", "Task 3 Done", "Task 4 Done", "Task 5 Done", "Task 6 Done"]);
  assert.equal(done.at(-1), "Task 6 Done");

  // Touch task 2 only: first delete b.1, then bring task2 up to date with touchFilesOnly.
  unlinkSync(`${tempdir}jobs.start`);
  unlinkSync(`${tempdir}jobs.finish`);
  const oldB2 = read(`${tempdir}b.2`);
  unlinkSync(`${tempdir}b.1`);
  await r.run({ targetTasks: [task2], multithread: 10, touchFilesOnly: true, verbose: 0 });
  // Touching makes the missing b.1 as an empty file, leaves b.2's text alone, runs no job function,
  // and runs the posttasks of tasks 1 and 2 (as Ruffus 2.8.4 does).
  assert.equal(read(`${tempdir}b.1`), "");
  assert.equal(read(`${tempdir}b.2`), oldB2);
  assert.deepEqual(readdirSync(tempdir).filter((f) => f.startsWith("jobs.")), []);
  assert.deepEqual(taskDoneLines().slice(6), ["Task 1 Done", "Task 2 Done"]);

  // Touching has made task2 up to date.
  const printout = await r.printout({ targetTasks: [task2], verbose: 4, wrapWidth: 10000 });
  assert.ok(!printout.includes("b.1"), `Expected b.1 created by touching...\n${printout}`);
  assert.ok(!printout.includes("b.2"), `Expected b.2 created by touching...\n${printout}`);
  assert.equal(printout, "\n________________________________________\nTasks which will be run:\n\n________________________________________\n");

  // Then run normally again: only b.3 (b.2 is newer), b.4 (b.1 is newer) and final.6 are made again.
  const third = await r.run({ multithread: 10, verbose: 0 });
  checkFinalOutputCorrect(true);
  checkJobOrderCorrect(`${tempdir}jobs.start`);
  checkJobOrderCorrect(`${tempdir}jobs.finish`);
  const d = (f: string): string => JSON.stringify(tempdir + f);
  assert.deepEqual(jobsLogged("start"), [
    `job = [[${d("a.3")}, ${d("b.3")}, ${d("c.3")}, ${d("a.4")}, ${d("b.4")}, ${d("c.4")}, ${d("a.5")}], ${d("final.6")}]`,
    `job = [[${d("b.2")}, ${d("a.1")}], ${d("b.3")}]`,
    `job = [${d("b.1")}, ${d("b.4")}]`,
  ].sort());
  assert.deepEqual(jobsLogged("finish"), jobsLogged("start"));
  assert.equal(third.jobsRun, 3);
  const after = taskDoneLines().slice(8);
  assert.deepEqual([...after].sort(), ["Task 3 Done", "Task 4 Done", "Task 6 Done"]);
  assert.equal(after.at(-1), "Task 6 Done");
  assert.equal(read(`${tempdir}b.4`), `${pyJson([`${tempdir}b.1`])} -> ${pyJson([`${tempdir}b.4`])}\n`);
}

function withFreshDir(fn: () => Promise<void>): Promise<void> {
  return inTempDir(async () => {
    mkdirSync(tempdir);
    await fn();
  });
}

describe("test_branching_dependencies", () => {
  test("decorator style: run, touch task2 only, run again (compared with Ruffus 2.8.4)", async () => {
    await withFreshDir(async () => {
      const done = (n: number) => () => doWrite(testFile, `Task ${n} Done\n`);
      originate(["a.1", "b.1", "c.1"].map((d) => tempdir + d))(follows(mkdir(tempdir))(posttask(done(1))(task1)));
      posttask(done(2))(transform(task1, suffix(".1"), ".2")(task2));
      transform(task2, regex("(.*).2"), inputs([String.raw`\1.2`, `${tempdir}a.1`]), String.raw`\1.3`)(posttask(done(3))(task3));
      jobsLimit(1)(transform(`${tempdir}*.1`, suffix(".1"), ".4")(follows(task1)(posttask(done(4))(task4))));
      files(null, `${tempdir}a.5`)(follows(mkdir(tempdir))(posttask(done(5))(task5)));
      merge([task3, task4, task5], `${tempdir}final.6`)(follows(task3, task4, task5)(posttask(done(6))(task6)));
      await scenario({ run: pipelineRun, printout: pipelinePrintout });
    });
  });

  test("Pipeline style: the same pipeline declared with Pipeline methods (compared with Ruffus 2.8.4)", async () => {
    await withFreshDir(async () => {
      const done = (n: number) => () => doWrite(testFile, `Task ${n} Done\n`);
      const p = new Pipeline("test");
      p.originate({ task: task1, output: ["a.1", "b.1", "c.1"].map((d) => tempdir + d) })
        .follows(mkdir(tempdir))
        .posttask(done(1));
      p.transform({ task: task2, input: task1, filter: suffix(".1"), output: ".2" }).posttask(done(2));
      p.transform({ task: task3, input: task2, filter: regex("(.*).2"), replaceInputs: inputs([String.raw`\1.2`, `${tempdir}a.1`]), output: String.raw`\1.3` }).posttask(done(3));
      p.transform({ task: task4, input: `${tempdir}*.1`, filter: suffix(".1"), output: ".4" })
        .follows(task1)
        .posttask(done(4))
        .jobsLimit(1);
      p.files({ task: task5, input: null, output: `${tempdir}a.5` })
        .follows(mkdir(tempdir))
        .posttask(done(5));
      p.merge({ task: task6, input: [task3, task4, task5], output: `${tempdir}final.6` })
        .follows(task3, task4, task5)
        .posttask(done(6));
      await scenario({ run: (o) => p.run(o), printout: (o) => p.printout(o) });
    });
  });
});
