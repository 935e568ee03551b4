/**
 * Ports ruffus/test/test_transform_with_no_re_matches.py: a transform whose regex() matches none
 * of its inputs has no jobs, and at verbosity 1 the run warns through the logger's `warning`
 * method that no file names matched. The warning text was compared with Ruffus 2.8.4 (same
 * pipeline, /usr/bin/python3, a logger keeping each method's messages apart).
 *
 * Jobs run with multithread: 10 where the Python test uses multiprocess=10 (these tasks are
 * declared inside the tests, where worker processes cannot find them).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { Pipeline, mkdir, originate, pipelineRun, regex, transform, type Logger } from "ruffus";
import { inTempDir } from "../helpers.ts";

const T = "nore/";

/** Keeps each logger method's messages apart, like the Python test's t_save_to_str_logger. */
class SaveToStrLogger implements Logger {
  info_str = "";
  warning_str = "";
  debug_str = "";
  error_str = "";
  info(message: string): void {
    this.info_str += message;
  }
  warning(message: string): void {
    this.warning_str += message;
  }
  debug(message: string): void {
    this.debug_str += message;
  }
  error(message: string): void {
    this.error_str += message;
  }
}

/** Ruffus 2.8.4's warning for a task with no jobs because nothing matched (observed), and our line naming the pattern and input. */
function noMatchWarning(taskName: string): string {
  return (
    `    In Task '${taskName}':\n` +
    "        No jobs were run because no file names matched.\n" +
    "        Please make sure that the regular expression is correctly specified.\n" +
    "        regex('b') did not match the input 'nore/a'. "
  );
}

function taskFunctions(calls: string[]) {
  return {
    task_1: function task_1(o: string): void {
      writeFileSync(o, "");
    },
    task_2: function task_2(_i: string, o: string): void {
      calls.push(`task_2 ${o}`);
      writeFileSync(o, "");
    },
  };
}

describe("test_transform_with_no_re_matches", () => {
  test("new style: 'no file names matched' is logged as a warning; the transform has no jobs (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const f = taskFunctions(calls);
      const p = new Pipeline("test");
      const t1 = p.originate({ task: f.task_1, output: T + "a" }).mkdir(T);
      p.transform({ task: f.task_2, input: t1, filter: regex("b"), output: "task_2.output" });
      const logger = new SaveToStrLogger();
      const summary = await p.run({ multithread: 10, logger, verbose: 1 });
      assert.ok(logger.warning_str.includes("no file names matched"), logger.warning_str);
      assert.equal(logger.warning_str, noMatchWarning("test::task_2"));
      assert.ok(existsSync(T + "a"));
      assert.deepEqual(calls, []);
      assert.ok(!existsSync("task_2.output"));
      // the mkdir task and task_1 ran one job each; task_2 none
      assert.equal(summary.jobsRun, 2);
    });
  });

  test("decorator style: the same warning for the main pipeline's task (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: string[] = [];
      const f = taskFunctions(calls);
      const task1 = mkdir(T)(originate(T + "a")(f.task_1));
      transform(task1, regex("b"), "task_2.output")(f.task_2);
      const logger = new SaveToStrLogger();
      await pipelineRun({ multithread: 10, logger, verbose: 1 });
      assert.ok(logger.warning_str.includes("no file names matched"), logger.warning_str);
      // Ruffus names the task after its module under unittest ('test_transform_with_no_re_matches.task_2'); ours is the function name
      assert.equal(logger.warning_str, noMatchWarning("task_2"));
      assert.deepEqual(calls, []);
      assert.ok(existsSync(T + "a"));
    });
  });

  test("verbose 0 logs no warning (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const f = taskFunctions([]);
      const p = new Pipeline("test");
      const t1 = p.originate({ task: f.task_1, output: T + "a" }).mkdir(T);
      p.transform({ task: f.task_2, input: t1, filter: regex("b"), output: "task_2.output" });
      const logger = new SaveToStrLogger();
      await p.run({ multithread: 10, logger, verbose: 0 });
      assert.equal(logger.warning_str, "");
    });
  });

  test("a second run, everything up to date, warns again that no file names matched (compared with Ruffus 2.8.4)", async () => {
    // Ruffus 2.8.4 repeats the warning when it finds the task up to date (its text there names the
    // declaration, "pipeline.transform(name = 'test::task_2', task_func = task_2, ...)"); only the
    // substance is checked here.
    await inTempDir(async () => {
      const f = taskFunctions([]);
      const p = new Pipeline("test");
      const t1 = p.originate({ task: f.task_1, output: T + "a" }).mkdir(T);
      p.transform({ task: f.task_2, input: t1, filter: regex("b"), output: "task_2.output" });
      await p.run({ multithread: 10, logger: new SaveToStrLogger(), verbose: 1 });
      const logger = new SaveToStrLogger();
      const summary = await p.run({ multithread: 10, logger, verbose: 1 });
      assert.equal(summary.jobsRun, 0);
      assert.ok(logger.warning_str.includes("no file names matched"), `warnings: ${JSON.stringify(logger.warning_str)}`);
      assert.ok(logger.warning_str.includes("test::task_2"), logger.warning_str);
    });
  });
});
