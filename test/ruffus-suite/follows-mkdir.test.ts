/**
 * Ports ruffus/test/test_follows_mkdir.py: a task that only follows mkdir(...) indicators — one
 * directory, a list holding an absolute and a relative directory, two directories in one call, and
 * the same directory twice — makes every directory before the task runs, in decorator style (the
 * "main" pipeline) and `new Pipeline(...)` style.
 *
 * Compared with Ruffus 2.8.4: the mkdir task names ("mkdir('d/')   before task_which_makes_directories ",
 * "mkdir([...]) #2 ...", numbered per task), one job per mkdir task, the follows-only task runs after
 * all of them (and again on every run: it has no files to be up to date with), and the log of the
 * second run, which has nothing but that task to run. The original runs with multiprocess=10; these
 * tasks are declared inside the tests, so the jobs run with multithread (worker processes need tasks
 * declared when their module loads: test/exec/workers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Pipeline, follows, mkdir, pipelinePrintout, pipelineRun } from "ruffus";
import { inTempDir, memoryLogger } from "../helpers.ts";

const tempdir = "test_follows_mkdir/";
const SUBDIRS = [..."abcde"];

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The follows-only task: records that it ran, and that every directory existed by then. */
function makeTask(calls: boolean[]) {
  return function task_which_makes_directories(): void {
    calls.push(SUBDIRS.every((d) => isDir(tempdir + d)));
  };
}

/** "Task = ..." lines of a printout. */
function taskLines(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("Task = "));
}

describe("test_follows_mkdir", () => {
  test("decorator style: follows(mkdir(...), ...) makes every directory before the task runs (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async (dir) => {
      const calls: boolean[] = [];
      const directories = [resolve(tempdir + "a"), tempdir + "b"];
      follows(mkdir(tempdir), mkdir(directories), mkdir(tempdir + "c"), mkdir(tempdir + "d", tempdir + "e"), mkdir(tempdir + "e"))(makeTask(calls));

      const plan = (await pipelinePrintout({ verbose: 3, wrapWidth: 10000 })).split(dir).join("<cwd>");
      // Ruffus 2.8.4 names the mkdir tasks after their arguments, numbered from the second one.
      assert.deepEqual(taskLines(plan), [
        `Task = "mkdir('test_follows_mkdir/')   before task_which_makes_directories "`,
        `Task = "mkdir(['<cwd>/test_follows_mkdir/a',   'test_follows_mkdir/b']) #2   before task_which_makes_directories "`,
        `Task = "mkdir('test_follows_mkdir/c') #3   before task_which_makes_directories "`,
        `Task = "mkdir('test_follows_mkdir/d',   'test_follows_mkdir/e') #4   before task_which_makes_directories "`,
        `Task = "mkdir('test_follows_mkdir/e') #5   before task_which_makes_directories "`,
        "Task = 'task_which_makes_directories'",
      ]);
      assert.ok(plan.includes(`    "Make missing directories [[<cwd>/test_follows_mkdir/a, <cwd>/test_follows_mkdir/b]]"\n       Make directories [test_follows_mkdir/a, test_follows_mkdir/b]\n         Job needs update\n`), plan);

      const summary = await pipelineRun({ multithread: 10, verbose: 0 });
      assert.ok(isDir(tempdir));
      for (const d of SUBDIRS) assert.ok(isDir(tempdir + d), `${tempdir}${d} was not made`);
      assert.deepEqual(calls, [true]); // ran once, after every directory existed
      assert.equal(summary.jobsRun, 6); // five mkdir jobs and the task

      // Ruffus 2.8.4, second run at verbose 3: the directories exist, so only the follows-only task runs.
      const log = memoryLogger();
      const again = await pipelineRun({ multithread: 10, verbose: 3, logger: log });
      assert.deepEqual(log.lines, [
        "",
        "________________________________________",
        "Tasks which will be run:",
        "",
        "",
        "Task enters queue = 'task_which_makes_directories' ",
        "    Job no function to check if up-to-date ",
        "    Job completed",
        "Completed Task = 'task_which_makes_directories' ",
      ]);
      assert.equal(again.jobsRun, 1);
      assert.deepEqual(calls, [true, true]);
    });
  });

  test("Pipeline style: p.follows({ task, parents: [mkdir(...), ...] }) makes every directory before the task runs (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const calls: boolean[] = [];
      const directories = [resolve(tempdir + "a"), tempdir + "b"];
      // As in the original, the function is also a decorator-style task of "main", which the "test"
      // pipeline does not run: only its own mkdir(...) indicators are made.
      const fn = makeTask(calls);
      follows(mkdir(tempdir + "never"))(fn);
      const p = new Pipeline("test");
      p.follows({ task: fn, parents: [mkdir(directories), mkdir(tempdir + "c"), mkdir(tempdir + "d", tempdir + "e"), mkdir(tempdir + "e")] });

      const summary = await p.run({ multithread: 10, verbose: 0 });
      for (const d of SUBDIRS) assert.ok(isDir(tempdir + d), `${tempdir}${d} was not made`);
      assert.ok(!existsSync(tempdir + "never"), "the main pipeline's mkdir task must not run");
      assert.deepEqual(calls, [true]);
      assert.equal(summary.jobsRun, 5); // four mkdir jobs and the task
      assert.deepEqual(summary.tasksRun.slice(-1), ["test::task_which_makes_directories"]);
      assert.ok(summary.tasksRun.includes("test::mkdir('test_follows_mkdir/d',   'test_follows_mkdir/e') #3   before task_which_makes_directories "), summary.tasksRun.join("\n"));
    });
  });
});
