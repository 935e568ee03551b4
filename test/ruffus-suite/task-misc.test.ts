/**
 * Ports ruffus/test/test_task_misc.py, which calls Ruffus's internal
 * `needs_update_check_directory_missing` (the up-to-date test of mkdir tasks) directly. Here the
 * same three cases go through the public API, a `Pipeline.mkdir` task:
 * - an existing directory: the task is up to date and runs no job;
 * - a missing directory: the job needs update, says the directory is missing, and makes it;
 * - a plain file where the directory should be: an error naming the file. In Ruffus 2.8.4 both
 *   `pipeline_run` and `pipeline_printout` raise `RethrownJobError` ("Exceptions generating
 *   parameters for task = 'mkdir'") carrying `error_not_a_directory("<file> already exists but as
 *   a file, not a directory")`.
 * Printout texts and the errors were compared with Ruffus 2.8.4 (same pipelines, /usr/bin/python3).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { NotADirectoryError, ParameterGenerationError, Pipeline, RethrownJobError } from "ruffus";
import { inTempDir } from "../helpers.ts";

describe("test_task_misc: the up-to-date check of mkdir tasks", () => {
  test("an existing directory is up to date; a missing one needs update and is made (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async (dir) => {
      const cwd = process.cwd();
      mkdirSync("testing_tmp");
      const p = new Pipeline("p");
      p.mkdir("testing_tmp");
      p.mkdir("missing directory");
      const text = await p.printout({ verbose: 6 });
      assert.equal(
        text.split(cwd).join("<cwd>"),
        [
          "",
          "________________________________________",
          "Tasks which are up-to-date:",
          "",
          "",
          "Task = 'p::mkdir'",
          `    "Make missing directories [<cwd>/testing_tmp]"`,
          "       Make directories [testing_tmp]",
          "",
          "________________________________________",
          "",
          "",
          "",
          "________________________________________",
          "Tasks which will be run:",
          "",
          "Task = 'p::mkdir # 2'",
          `    "Make missing directories [<cwd>/missing directory]"`,
          "       Make directories [missing directory]",
          "         Job needs update: : Directories 'missing directory' is missing",
          "",
          "________________________________________",
          "",
        ].join("\n"),
        `printout in ${dir}`,
      );
      const summary = await p.run({ verbose: 0 });
      assert.deepEqual(summary.tasksUptodate, ["p::mkdir"]);
      assert.deepEqual(summary.tasksRun, ["p::mkdir # 2"]);
      assert.equal(summary.jobsRun, 1);
      assert.ok(statSync("missing directory").isDirectory());
      // now both exist: nothing to do
      assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
    });
  });

  test("several missing directories are reported together (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync("testing_tmp");
      const p = new Pipeline("p");
      p.mkdir("testing_tmp", "m1", "m2");
      const text = await p.printout({ verbose: 6 });
      assert.ok(text.includes("         Job needs update: : Directories 'm1, m2' are missing\n"), text);
    });
  });

  test("a file where a directory should be: run and printout reject with RethrownJobError naming the file (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      writeFileSync("tmpfile.dot", "");
      const p = new Pipeline("q");
      p.mkdir("tmpfile.dot");
      const check = (e: unknown): true => {
        assert.ok(e instanceof RethrownJobError, `expected RethrownJobError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
        assert.equal(e.failures.length, 1);
        assert.match(String(e.failures[0].task), /mkdir/);
        // Ours wraps it as every set-up error: a ParameterGenerationError whose cause is the NotADirectoryError.
        const err = e.failures[0].error as ParameterGenerationError;
        assert.ok(err instanceof ParameterGenerationError && err.cause instanceof NotADirectoryError, String(err));
        assert.equal(err.cause.message, "tmpfile.dot already exists but as a file, not a directory");
        assert.equal(err.message, "Exceptions generating parameters for task 'q::mkdir':\n    tmpfile.dot already exists but as a file, not a directory");
        return true;
      };
      await assert.rejects(p.printout({ verbose: 6 }), check);
      await assert.rejects(p.run({ verbose: 0 }), check);
      // the file is left alone
      assert.ok(existsSync("tmpfile.dot") && statSync("tmpfile.dot").isFile());
    });
  });
});
