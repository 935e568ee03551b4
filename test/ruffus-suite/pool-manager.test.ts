/**
 * Ports ruffus/test/test_pool_manager.py: an originate -> transform -> merge pipeline, plus two
 * transforms that run a shell command locally through runJob (Ruffus's drmaa_wrapper.run_job with
 * run_locally=True), one of them with jobsLimit(2), run at verbosity 5 with multiprocess: 4 and
 * with multithread: 4. As in the original: every sample's .txt and .mean file is made; with
 * multiprocess: 4 the computing jobs ran in exactly 4 distinct worker processes (4 process ids, as
 * in Ruffus), none in the main process; with
 * multithread: 4 they all ran in the main thread of this process.
 *
 * Not ported (Python-specific): the gevent pool manager and the ValueError for an unknown
 * pool_manager (we have no pool managers), and the DRMAA remote jobs (DRMAA is not available here;
 * cluster jobs are covered by the SLURM tests).
 *
 * The pipeline lives in fixtures/pool-manager-tasks.ts: a worker imports the module that declared a task.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { RunOptions } from "ruffus";
import { memoryLogger } from "../helpers.ts";
import { NUM_CORES, SAMPLES, pipeline, whereAmI } from "./fixtures/pool-manager-tasks.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const EXPECTED_OUTPUT_FILES = [...SAMPLES.map((s) => `${s}.mean`), ...SAMPLES.map((s) => `${s}.txt`)];

/** Runs the pipeline in a new temp dir (no Pipeline.clearAll: the fixture's pipeline is declared once, at import); returns the dir. */
async function runPipeline(o: RunOptions): Promise<string> {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-pool-manager-")));
  dirs.push(dir);
  process.chdir(dir);
  try {
    const logger = memoryLogger();
    const summary = await pipeline.run({ ...o, verbose: 5, logger });
    assert.equal(summary.jobsRun, 10 + 10 + 1 + 10 + 10, logger.text());
  } finally {
    process.chdir(old);
  }
  for (const fn of EXPECTED_OUTPUT_FILES) assert.ok(existsSync(join(dir, fn)), `file ${join(dir, fn)} does not exist`);
  // The jobs' results, beyond the original's checks: means of 100 numbers from 0..999, combined; the shell commands' output.
  const means = SAMPLES.map((s) => readFileSync(join(dir, `${s}.mean`), "utf8"));
  for (const m of means) assert.ok(Number(m) >= 49.5 && Number(m) <= 949.5 && m.endsWith("\n"), m);
  assert.equal(readFileSync(join(dir, "means.txt"), "utf8"), means.join(""));
  for (const s of SAMPLES) {
    assert.equal(readFileSync(join(dir, `${s}.local1`), "utf8").trim(), hostname());
    assert.equal(readFileSync(join(dir, `${s}.local2`), "utf8").trim(), hostname());
  }
  return dir;
}

/** Where the computing jobs (create_files, compute_mean, combine_means) ran. */
function readPids(dir: string): string[] {
  const pids = readdirSync(dir)
    .filter((f) => f.endsWith(".pid"))
    .map((f) => readFileSync(join(dir, f), "utf8").trim());
  assert.equal(pids.length, 21);
  return pids;
}

describe("test_pool_manager", () => {
  test("multiprocess: 4 runs the jobs in 4 distinct workers, not in the main thread", async () => {
    const pids = readPids(await runPipeline({ multiprocess: NUM_CORES }));
    assert.equal(new Set(pids).size, NUM_CORES, pids.join(" "));
    assert.equal(pids.includes(whereAmI()), false, "a job ran in the main thread");
  });

  test("multithread: 4 runs every job in this process's main thread", async () => {
    const pids = readPids(await runPipeline({ multithread: NUM_CORES }));
    assert.equal(new Set(pids).size, 1);
    assert.equal(pids[0], whereAmI());
  });
});
