/**
 * Ports ruffus/test/test_check_if_uptodate.py (Ruffus issue #53, "@parallel sets @check_if_uptodate
 * to None"): two parallel() tasks whose own up-to-date check looks for a flag file that their
 * posttask touchFile() writes. checkIfUptodate is applied first, parallel() second, as the Python
 * decorators are; after one run both tasks must be up to date, i.e. the check is kept.
 *
 * The original only looks for two regexes in the verbose-5 printout after the run; the printouts
 * before the run, after it and after one flag is deleted are compared whole with Ruffus 2.8.4
 * (same pipeline as a script, so the task names carry no module prefix; paths absolute as in the
 * original, shown shortened to two levels as Ruffus does by default).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { checkIfUptodate, follows, parallel, pipelinePrintout, pipelineRun, posttask, touchFile } from "ruffus";
import { inTempDir } from "../helpers.ts";

function sentinelFileExists(outputFile: string): [boolean, string] {
  if (!existsSync(outputFile)) return [true, `Missing file ${outputFile}`];
  return [false, `File ${outputFile} exists`];
}

const BAR = "________________________________________";

describe("test_check_if_uptodate", () => {
  test("parallel() keeps checkIfUptodate: both tasks are up to date after one run (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async (dir) => {
      const tempdir = join(dir, "test_check_if_uptodate");
      mkdirSync(tempdir);
      const flag1 = join(tempdir, "task1_completed.flag");
      const flag2 = join(tempdir, "task2_completed.flag");
      let calls = 0;

      const task1 = posttask(touchFile(flag1))(
        parallel([[flag1]])(
          checkIfUptodate(sentinelFileExists)(function task1(_x: string) {
            calls++;
          }),
        ),
      );
      follows(task1)(
        posttask(touchFile(flag2))(
          parallel([[flag2]])(
            checkIfUptodate(sentinelFileExists)(function task2(_x: string) {
              calls++;
            }),
          ),
        ),
      );

      const willRun = (n: 1 | 2, flag: string): string =>
        `Task = 'task${n}'\n       Job  = [test_check_if_uptodate/task${n}_completed.flag\n             -> ??]\n         Job needs update: Missing file ${flag}\n\n`;

      const before = await pipelinePrintout({ verbose: 5, wrapWidth: 10000 });
      assert.equal(before, `\n${BAR}\nTasks which will be run:\n\n${willRun(1, flag1)}${willRun(2, flag2)}${BAR}\n`);

      // Run first.
      await pipelineRun({ verbose: 0 });
      assert.equal(calls, 2);
      assert.ok(existsSync(flag1) && existsSync(flag2));

      // Both tasks should now be up to date.
      const ret = await pipelinePrintout({ verbose: 5, wrapWidth: 10000 });
      assert.match(ret, /Tasks which are up-to-date:(\n\s*)*Task = 'task1'(\n\s*)*Task = 'task2'/, "Both tasks should be up to date");
      assert.doesNotMatch(ret, /Jobs? needs update:\s*No function to check if up-to-date/, "checkIfUptodate is not being picked up");
      assert.equal(ret, `\n${BAR}\nTasks which are up-to-date:\n\n\nTask = 'task1'\n\nTask = 'task2'\n\n${BAR}\n\n\n\n${BAR}\nTasks which will be run:\n\n${BAR}\n`);

      // A second run calls nothing.
      await pipelineRun({ verbose: 0 });
      assert.equal(calls, 2);

      // Without its flag, task2 is out of date again (task1 stays up to date).
      unlinkSync(flag2);
      const after = await pipelinePrintout({ verbose: 5, wrapWidth: 10000 });
      assert.equal(after, `\n${BAR}\nTasks which are up-to-date:\n\n\nTask = 'task1'\n\n${BAR}\n\n\n\n${BAR}\nTasks which will be run:\n\n${willRun(2, flag2)}${BAR}\n`);
      await pipelineRun({ verbose: 0 });
      assert.equal(calls, 3);
      assert.ok(existsSync(flag2));
    });
  });
});
