/**
 * Ports ruffus/test/test_empty_files_decorator.py: a files() task given an empty job list has no
 * jobs, never calls its function, and the run logs the warning "@files() was empty, i.e. no files
 * were specified. Please make sure this is by design." through the logger's warning() at verbosity 1.
 * Decorator style (the "main" pipeline) and `new Pipeline(...)` style.
 *
 * Compared with Ruffus 2.8.4 (same pipeline, a logger recording every call): the warning comes once
 * per run, at verbosity >= 1 only (none at 0), and reads
 *     "    'In Task\n@files(...)\ndef task1(...):\n    ...\n\n@files() was empty, i.e. no files were
 *      specified.\nPlease make sure this is by design."
 * (new style: "    'In Task\npipeline.files(name = 'test::task1', task_func = task1, ...)\n@files()
 * was empty..."); the info lines are the printout of the up-to-date task, checked whole below. The
 * tests require the warning's two sentences and the task's name, not Ruffus's Python rendering of
 * the declaration (ours is the layout of Ruffus's run-time warnings: "    In Task 'task1':" and the
 * message indented by 8 spaces; README "Differences"). The original runs with multiprocess=10; no job runs here, so multithread is used.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline, files, pipelineRun, type Logger, type RunSummary } from "ruffus";
import { inTempDir } from "../helpers.ts";

const EMPTY_FILES_MESSAGE = "@files() was empty, i.e. no files were specified.\nPlease make sure this is by design.";
const BAR = "________________________________________";

/** Keeps each kind of message apart, as the original's t_save_to_str_logger does. */
class SaveToStrLogger implements Logger {
  infos: string[] = [];
  warnings: string[] = [];
  debugs: string[] = [];
  errors: string[] = [];
  info(m: string): void {
    this.infos.push(m);
  }
  warning(m: string): void {
    this.warnings.push(m);
  }
  debug(m: string): void {
    this.debugs.push(m);
  }
  error(m: string): void {
    this.errors.push(m);
  }
}

/** What Ruffus 2.8.4 logs with info() at verbosity 1 for a pipeline whose only task is up to date. */
const uptodateInfo = (taskName: string): string[] => ["", BAR, "Tasks which are up-to-date:", "", "", `Task = '${taskName}'  `, BAR, "", "", "", BAR, "Tasks which will be run:", "", ""];

function checkWarned(log: SaveToStrLogger, taskName: string): void {
  assert.equal(log.warnings.length, 1, `expected one warning, got ${JSON.stringify(log.warnings)}`);
  const w = log.warnings[0];
  assert.ok(w.replace(/\n +/g, "\n").includes(EMPTY_FILES_MESSAGE), `"@files() was empty" not in the warning: ${JSON.stringify(w)}`);
  assert.ok(w.includes(taskName), `the warning does not name the task: ${JSON.stringify(w)}`);
  assert.deepEqual(log.infos, uptodateInfo(taskName));
  assert.deepEqual(log.errors, []);
}

function checkNoJobs(s: RunSummary, calls: number): void {
  assert.equal(calls, 0);
  assert.equal(s.jobsRun, 0);
  assert.equal(s.jobsUptodate, 0);
}

describe("test_empty_files_decorator", () => {
  test("decorator style: files([]) warns that @files() was empty (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      let calls = 0;
      const a: unknown[][] = [];
      files(a)(function task1() {
        "First task";
        calls++;
      });
      const log = new SaveToStrLogger();
      checkNoJobs(await pipelineRun({ multithread: 10, logger: log, verbose: 1 }), calls);
      checkWarned(log, "task1");
    });
  });

  test("Pipeline style: p.files({ jobs: [] }) warns that @files() was empty, on every run (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      let calls = 0;
      const a: unknown[][] = [];
      const p = new Pipeline("test");
      p.files({
        task: function task1() {
          "First task";
          calls++;
        },
        jobs: a,
      });
      for (let run = 0; run < 2; run++) {
        const log = new SaveToStrLogger();
        checkNoJobs(await p.run({ multithread: 10, logger: log, verbose: 1 }), calls);
        checkWarned(log, "test::task1");
      }
    });
  });

  test("no warning at verbosity 0 (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      files([])(function task1() {});
      const log = new SaveToStrLogger();
      await pipelineRun({ multithread: 10, logger: log, verbose: 0 });
      assert.deepEqual([log.infos, log.warnings, log.errors], [[], [], []]);
    });
  });
});
