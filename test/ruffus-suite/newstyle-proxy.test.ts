/**
 * Ports ruffus/test/test_newstyle_proxy.py: jobs record that they ran in a dict shared between
 * processes, under a shared lock (Ruffus: a multiprocessing manager's dict and lock, passed as
 * extras). Pipeline-style tasks in "main": originate (with mkdir), a transform whose output is its
 * input (suffix(".1") -> ".1"), a transform making symbolic links, and a transform of both. The
 * pipeline is run three times; afterwards the dict must say start_task ran (it sets 1), the link
 * task ran 2 jobs, the final task 4 jobs, and the same-name task never ran: it is always as up to
 * date as its input (compared with Ruffus 2.8.4, also with multiprocess=4 and multithread=4:
 * the same dict every time).
 *
 * Our answer to the shared dict and lock: extras are plain data (a JSON file's name and a lock
 * name), the jobs update the file inside withLock(), and count themselves with addToCounter().
 * Run as the original (one job at a time), with multiprocess: 4 and with multithread: 4.
 *
 * The pipeline lives in fixtures/newstyle-proxy-tasks.ts: a worker imports the module that declared a task.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addToCounter, type RunOptions } from "ruffus";
import { EXTRAS, pipeline, tempdir } from "./fixtures/newstyle-proxy-tasks.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const TASKS = ["start_task", "same_file_name_task", "linked_file_name_task", "final_task"];
const [DICT_FILE] = EXTRAS;

/** The shared counters (they live for the whole test process, so each test looks at how much they grew). */
async function counters(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TASKS) out[t] = await addToCounter(`${DICT_FILE}:${t}`, 0);
  return out;
}

async function threeRuns(o: RunOptions): Promise<void> {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-newstyle-proxy-")));
  dirs.push(dir);
  process.chdir(dir);
  try {
    const before = await counters();
    // Run start_task, then final_task (linked_file_name_task runs as well), then again: all up to date.
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push((await pipeline.run({ ...o, logExceptions: true, verbose: 0 })).jobsRun);
    assert.deepEqual(runs, [1 + 2 + 2 + 4, 0, 0], "jobs run by each run: mkdir, start_task, linked_file_name_task, final_task; then none");

    // The right number of jobs ran, and same_file_name_task never did.
    const executed = JSON.parse(readFileSync(DICT_FILE, "utf8")) as Record<string, number>;
    assert.deepEqual(executed, { start_task: 1, linked_file_name_task: 2, final_task: 4 });
    assert.equal("same_file_name_task" in executed, false, "same_file_name_task should not have run");
    const after = await counters();
    const grown = Object.fromEntries(TASKS.map((t) => [t, after[t] - before[t]]));
    assert.deepEqual(grown, { start_task: 2, same_file_name_task: 0, linked_file_name_task: 2, final_task: 4 });

    // The original's tearDown: every expected file is there.
    for (const f of ["a.1", "b.1", "a.linked.1", "b.linked.1", "a.3", "b.3", "a.linked.3", "b.linked.3"]) {
      assert.ok(existsSync(tempdir + f), `Expected ${tempdir + f} missing`);
    }
    for (const x of ["a", "b"]) {
      assert.ok(lstatSync(`${tempdir}${x}.linked.1`).isSymbolicLink());
      assert.equal(readlinkSync(`${tempdir}${x}.linked.1`), join(dir, `${tempdir}${x}.1`));
    }
  } finally {
    process.chdir(old);
  }
}

describe("test_newstyle_proxy", () => {
  test("one job at a time, as the original: shared dict and counters say which jobs ran (compared with Ruffus 2.8.4)", async () => {
    await threeRuns({});
  });

  test("multiprocess: 4: the same, the jobs updating the shared dict from worker threads", async () => {
    await threeRuns({ multiprocess: 4 });
  });

  test("multithread: 4: the same", async () => {
    await threeRuns({ multithread: 4 });
  });
});
