/**
 * Ports ruffus/test/test_pausing.py: a six-task pipeline (files, a glob transform after follows(),
 * regex + inputs(), merge of three tasks, posttask() on every task, follows(mkdir())) run with
 * multiprocess: 50. Checks, as the original: the merged final file's lines, and that in the logs
 * of job starts and job ends no job of a task comes before the last job of a task it depends on
 * (1 -> 2 -> 3 -> 6, 1 -> 4 -> 6, 5 -> 6). Also run here with multithread: 50, and checked further:
 * each posttask ran once and after the posttasks of the tasks before it, and a second run runs
 * nothing (compared with Ruffus 2.8.4, which wrote the same final file, 12 job lines and 6
 * posttask lines, none more on the second run).
 *
 * The original's point (Ruffus sleeps so that file times stay ordered) does not apply: we do not
 * sleep (see the README), the results must be the same.
 *
 * The tasks live in fixtures/pausing-tasks.ts: a worker imports the module that declared a task.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipelineRun, type RunOptions, type RunSummary } from "ruffus";
import { tempdir, testFile, testPipeline } from "./fixtures/pausing-tasks.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Runs `fn` in a new temp dir as cwd. (No Pipeline.clearAll: the fixture's pipelines are declared once, at import.) */
async function inDir<T>(fn: () => Promise<T>): Promise<T> {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-pausing-")));
  dirs.push(dir);
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(old);
  }
}

/** final.6, sorted, as the original expects it (DIR/ = the task directory). */
const EXPECTED_FINAL = [
  '["DIR/a.1"] -> ["DIR/a.2"]',
  '["DIR/a.1"] -> ["DIR/a.4"]',
  '["DIR/a.2", "DIR/a.1"] -> ["DIR/a.3"]',
  '["DIR/a.3", "DIR/b.3", "DIR/c.3", "DIR/a.4", "DIR/b.4", "DIR/c.4", "DIR/a.5"] -> ["DIR/final.6"]',
  '["DIR/b.1"] -> ["DIR/b.2"]',
  '["DIR/b.1"] -> ["DIR/b.4"]',
  '["DIR/b.2", "DIR/a.1"] -> ["DIR/b.3"]',
  '["DIR/c.1"] -> ["DIR/c.2"]',
  '["DIR/c.1"] -> ["DIR/c.4"]',
  '["DIR/c.2", "DIR/a.1"] -> ["DIR/c.3"]',
  ...Array<string>(9).fill('[] -> ["DIR/a.1", "DIR/b.1", "DIR/c.1"]'),
  '[] -> ["DIR/a.5"]',
].map((l) => l.replaceAll("DIR/", tempdir));

function checkFinalOutputCorrect(): void {
  const lines = readFileSync(tempdir + "final.6", "utf8")
    .split("\n")
    .filter((l, i, all) => i < all.length - 1 || l !== "")
    .map((l) => l.trimEnd())
    .sort();
  assert.deepEqual(lines, EXPECTED_FINAL);
}

const PRECEDENCE: [number, number][] = [
  [1, 2],
  [2, 3],
  [1, 4],
  [5, 6],
  [3, 6],
  [4, 6],
];

/** Every line names its task by the digit ending its last file name; no job of a task precedes the last job of a task before it. */
function checkJobOrderCorrect(fileName: string): void {
  const lines = readFileSync(fileName, "utf8").split("\n").filter(Boolean);
  assert.equal(lines.length, 12, `${fileName}:\n${lines.join("\n")}`);
  const jobIndices = new Map<number, number[]>();
  lines.forEach((l, lineNum) => {
    const m = /.*\.([0-9])["\]\n]*$/.exec(l);
    assert.ok(m, `Non-matching line in [${fileName}]: ${l}`);
    const task = Number(m[1]);
    jobIndices.set(task, [...(jobIndices.get(task) ?? []), lineNum]);
  });
  assert.deepEqual(
    [...jobIndices.entries()].sort(([a], [b]) => a - b).map(([t, l]) => [t, l.length]),
    [[1, 1], [2, 3], [3, 3], [4, 3], [5, 1], [6, 1]],
  );
  for (const [before, afterTask] of PRECEDENCE) {
    const last = Math.max(...(jobIndices.get(before) ?? []));
    const first = Math.min(...(jobIndices.get(afterTask) ?? []));
    assert.ok(last < first, `Precedence violated for job ${before} [line ${last}] and job ${afterTask} [line ${first}] of [${fileName}]:\n${lines.join("\n")}`);
  }
}

/** Each posttask ran once, after those of the tasks before it. */
function checkPosttasks(): void {
  const lines = readFileSync(testFile, "utf8").split("\n").filter(Boolean);
  assert.deepEqual([...lines].sort(), [1, 2, 3, 4, 5, 6].map((n) => `Task ${n} Done`));
  const at = (n: number): number => lines.indexOf(`Task ${n} Done`);
  for (const [before, afterTask] of PRECEDENCE) assert.ok(at(before) < at(afterTask), lines.join("\n"));
}

async function runAndCheck(run: (o: RunOptions) => Promise<RunSummary>, o: RunOptions): Promise<void> {
  await inDir(async () => {
    const summary = await run({ ...o, verbose: 0 });
    assert.equal(summary.jobsRun, 12 + 2, "12 jobs and the two mkdir jobs (one per task that follows it)");
    checkFinalOutputCorrect();
    checkJobOrderCorrect(tempdir + "jobs.start");
    checkJobOrderCorrect(tempdir + "jobs.finish");
    checkPosttasks();
    // Everything is up to date now: nothing runs, no posttask runs.
    const again = await run({ ...o, verbose: 0 });
    assert.equal(again.jobsRun, 0);
    checkJobOrderCorrect(tempdir + "jobs.start");
    checkPosttasks();
  });
}

describe("test_pausing", () => {
  test("decorator style, multiprocess: 50: final.6 as expected, job order respected (compared with Ruffus 2.8.4)", async () => {
    // The fixture also declares the Pipeline-style copy: pipelineRun() alone would run both, as in Ruffus.
    await runAndCheck((o) => pipelineRun({ pipeline: "main", ...o }), { multiprocess: 50 });
  });

  test("Pipeline style, multiprocess: 50: final.6 as expected, job order respected (compared with Ruffus 2.8.4)", async () => {
    await runAndCheck((o) => testPipeline.run(o), { multiprocess: 50 });
  });

  test("decorator style, multithread: 50: the same", async () => {
    await runAndCheck((o) => pipelineRun({ pipeline: "main", ...o }), { multithread: 50 });
  });

  test("Pipeline style, multithread: 50: the same", async () => {
    await runAndCheck((o) => testPipeline.run(o), { multithread: 50 });
  });
});
