/**
 * Ports ruffus/test/test_exceptions.py: every job of a parallel() task throws; the run rejects with
 * a RethrownJobError that carries each job's failure (task, job, error), in decorator style (the
 * "main" pipeline) and `new Pipeline(...)` style. The jobs log through a shared logger under a lock,
 * as the original does with proxy_logger.make_shared_logger_and_proxy (our setupLogging + withLock;
 * the Python logging module's handler and formatter set-up itself is not ported).
 *
 * Compared with Ruffus 2.8.4: with enough parallel slots all 6 jobs fail and are reported, each as
 * "Job  = [A -> 1]" etc.; with one slot only the first job runs and one failure is reported; a task
 * that follows the failed one never runs; the failure text heads each exception with
 * "Exception #n", "'<error kind>(new)' raised in ...", "Task = <the task>" and the job.
 * Python's exception class path ("builtins.Exception") and stack frames are language-specific and are
 * not compared. The original uses multiprocess=50; the task function is declared inside this file, so
 * the jobs run with multithread (failures in worker processes: test/exec/workers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline, RethrownJobError, follows, parallel, pipelineRun, setupLogging, withLock, type Logger, type RunOptions } from "ruffus";
import { inTempDir, read } from "../helpers.ts";

const JOBS: [string, number][] = [
  ["A", 1],
  ["B", 3],
  ["C", 3],
  ["D", 4],
  ["E", 4],
  ["F", 4],
];
const JOB_NAMES = JOBS.map(([n, v]) => `Job  = [${n} -> ${v}]`);

/** The parallel task of the original: logs under the lock, then throws. */
function makeParallelTask(log: Logger, calls: string[]) {
  return async function parallel_task(name: string, _param1: number): Promise<void> {
    calls.push(name);
    await withLock("log", () => log.info("    Raising exception"));
    throw new Error("new");
  };
}

/** Runs and returns the RethrownJobError, failing the test if the run does not reject with one. */
async function expectRethrown(run: () => Promise<unknown>): Promise<RethrownJobError> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof RethrownJobError, `expected a RethrownJobError, got ${String(e)}`);
    return e;
  }
  return assert.fail("Missing exception");
}

function checkAllSixFailed(e: RethrownJobError, calls: string[]): void {
  assert.equal(e.length, 6);
  assert.equal(e.failures.length, 6);
  assert.deepEqual(e.failures.map((f) => f.job).sort(), JOB_NAMES);
  for (const f of e.failures) {
    assert.ok(f.error instanceof Error);
    assert.equal(f.error.message, "new");
  }
  assert.deepEqual([...calls].sort(), ["A", "B", "C", "D", "E", "F"]);
}

const logLines = (file: string): string[] => read(file).split("\n").filter((l) => l.includes("Raising exception"));

describe("test_exceptions", () => {
  test("decorator style: every job's exception is rethrown in one RethrownJobError (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const log = setupLogging("test_exceptions", "exceptions.log", false);
      const task = parallel(JOBS)(makeParallelTask(log, calls));
      let afterRan = false;
      follows(task)(function after() {
        afterRan = true;
      });
      const e = await expectRethrown(() => pipelineRun({ multithread: 50, verbose: 0 }));
      checkAllSixFailed(e, calls);
      assert.ok(e.failures.every((f) => f.task === "parallel_task"));
      assert.equal(afterRan, false, "a task after a failed task must not run");
      assert.equal(logLines("exceptions.log").length, 6);
    });
  });

  test("decorator style: the failures can be unpacked and logged (test_exception_logging) (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const log = setupLogging("test_exceptions_logging", "exceptions.log", false);
      parallel(JOBS)(makeParallelTask(log, calls));
      const e = await expectRethrown(() => pipelineRun({ multithread: 50, verbose: 0 }));
      log.info(e.message);
      for (const { task, job, error } of e.failures) {
        assert.equal(typeof task, "string");
        assert.ok(job !== undefined && JOB_NAMES.includes(job), `unexpected job ${String(job)}`);
        assert.ok(error instanceof Error && error.stack, "each failure keeps its error and stack");
      }
      // Each failure is in the message, numbered.
      for (let n = 1; n <= 6; n++) assert.ok(e.message.includes(`Exception #${n}\n`), `Exception #${n} missing from:\n${e.message}`);
      assert.ok(e.message.includes("Original exceptions:"));
      for (const j of JOB_NAMES) assert.ok(e.message.includes(j), `${j} missing from:\n${e.message}`);
      // Lines logged outside a run reach the file asynchronously.
      for (let i = 0; i < 100 && !read("exceptions.log").includes("Original exceptions:"); i++) await new Promise((r) => setTimeout(r, 20));
      const text = read("exceptions.log");
      assert.equal(logLines("exceptions.log").length, 6);
      assert.ok(text.includes("Original exceptions:"), text);
    });
  });

  test("Pipeline style: every job's exception is rethrown (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const log = setupLogging("test_exceptions_newstyle", "exceptions.log", false);
      const p = new Pipeline("test");
      p.parallel({ task: makeParallelTask(log, calls), jobs: JOBS });
      const e = await expectRethrown(() => p.run({ multithread: 50, verbose: 0 }));
      checkAllSixFailed(e, calls);
      assert.equal(logLines("exceptions.log").length, 6);
    });
  });

  test("with one job slot, no job starts after the first failure (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const log = setupLogging("test_exceptions_one_slot", "exceptions.log", false);
      parallel(JOBS)(makeParallelTask(log, calls));
      const options: RunOptions = { multithread: 1, verbose: 0 };
      const e = await expectRethrown(() => pipelineRun(options));
      assert.equal(e.length, 1);
      assert.equal(e.failures[0].job, "Job  = [A -> 1]");
      assert.deepEqual(calls, ["A"]);
    });
  });

  test("the failure text: Ruffus's layout, the task by its display name (compared with Ruffus 2.8.4; README Differences)", async () => {
    for (const style of ["decorator", "pipeline"] as const) {
      await inTempDir(async () => {
        const log = setupLogging(`test_exceptions_text_${style}`, "exceptions.log", false);
        const fn = makeParallelTask(log, []);
        let run: () => Promise<unknown>;
        if (style === "decorator") {
          parallel([JOBS[0]])(fn);
          run = () => pipelineRun({ multithread: 1, verbose: 0 });
        } else {
          const p = new Pipeline("test");
          p.parallel({ task: fn, jobs: [JOBS[0]] });
          run = () => p.run({ multithread: 1, verbose: 0 });
        }
        const e = await expectRethrown(run);
        const head = e.nthFailureText(0).split("\n").slice(0, 4);
        // Ruffus 2.8.4: "    Exception #1", "      'builtins.Exception(new)' raised in ...",
        // "       Task = def parallel_task(...):", "       Job  = [A -> 1]" (for both styles: the
        // pipeline name is not shown). Ours names the task by its display name instead of Python
        // declaration text (a deliberate difference, in the README).
        const task = style === "decorator" ? "parallel_task" : "test::parallel_task";
        assert.deepEqual(head, ["    Exception #1", "      'Error(new)' raised in ...", `       Task = ${task}`, "       Job  = [A -> 1]"], `${style} style`);
      });
    }
  });
});
