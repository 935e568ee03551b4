/**
 * Cluster jobs left by a run killed with SIGKILL (the `.jobs` file beside the history's lock): the
 * next run cancels those still queued, or says which it could not check. The scheduler's commands
 * are fakes here (the real cluster's case is in test/slurm/slurm.test.ts), so this runs anywhere.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Pipeline } from "ruffus";
import { exists, inTempDir, read } from "../helpers.ts";

/** A pid no process has now: one that just exited. */
function deadPid(): number {
  const pid = spawnSync("sh", ["-c", "exit 0"]).pid;
  assert.ok(pid > 0);
  return pid;
}

/** Runs a one-job pipeline (which takes the history's lock) and returns what it wrote on stderr. */
async function runCapturingStderr(name: string): Promise<string> {
  const p = new Pipeline(name);
  p.originate({ task: async function make(output: string) { writeFileSync(output, "x"); }, output: "made.out" });
  let said = "";
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    said += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await p.run({ verbose: 0 });
  } finally {
    process.stderr.write = write;
  }
  return said;
}

test("a dead run's SLURM jobs still queued are cancelled with the squeue and scancel it used, saying so; the .jobs file is removed", () =>
  inTempDir(async (dir) => {
    // squeue shows job 77 running and 78 finished; scancel notes what it was asked to cancel.
    writeFileSync("fake-squeue", '#!/bin/sh\nprintf "77|RUNNING\\n78|COMPLETED\\n"\n');
    writeFileSync("fake-scancel", `#!/bin/sh\necho "$@" >> ${JSON.stringify(join(dir, "scancelled"))}\n`);
    chmodSync("fake-squeue", 0o755);
    chmodSync("fake-scancel", 0o755);
    const pid = deadPid();
    const note = (id: string) => JSON.stringify({ scheduler: "slurm", id, scancel: join(dir, "fake-scancel"), squeue: join(dir, "fake-squeue") });
    // The last line was cut short by the kill: skipped.
    writeFileSync(`.ruffus_history.sqlite.lock.${pid}.jobs`, `owner ${pid} - ${hostname()}\n${note("77")}\n${note("78")}\n{"schedu`);
    const said = await runCapturingStderr("cluster_jobs_cancelled");
    assert.ok(
      said.includes(
        `ruffus: the run that held ${join(dir, ".ruffus_history.sqlite.lock")} (pid ${pid}) died and left 1 SLURM job in the queue (77); ` +
          "cancelling it before this run starts, so that it does not write into its outputs.\n",
      ),
      said,
    );
    assert.equal(read("scancelled"), "77\n");
    assert.ok(exists("made.out"));
    assert.deepEqual(readdirSync(".").filter((f) => f.endsWith(".jobs")), []);
  }));

test("jobs of a scheduler no canceller knows are named on stderr, not dropped silently, and the run still starts", () =>
  inTempDir(async (dir) => {
    const pid = deadPid();
    writeFileSync(`.ruffus_history.sqlite.lock.${pid}.jobs`, `owner ${pid} - ${hostname()}\n${JSON.stringify({ scheduler: "sge", id: "12" })}\n${JSON.stringify({ scheduler: "sge", id: "13" })}\n`);
    const said = await runCapturingStderr("cluster_jobs_unknown");
    assert.ok(
      said.includes(
        `ruffus: the run that held ${join(dir, ".ruffus_history.sqlite.lock")} (pid ${pid}) died and may have left sge jobs in the queue (12, 13), ` +
          'which could not be checked (no canceller for "sge" jobs is loaded). Cancel any still queued by hand, so that they do not write into this run\'s outputs.\n',
      ),
      said,
    );
    assert.ok(exists("made.out"));
    assert.deepEqual(readdirSync(".").filter((f) => f.endsWith(".jobs")), []);
  }));

test("the .jobs file of a live run on this host is left alone", () =>
  inTempDir(async () => {
    // The process that started this test is alive: as far as the lock can tell, a live run whose lock was deleted by hand.
    const ppid = process.ppid;
    writeFileSync(`.ruffus_history.sqlite.lock.${ppid}.jobs`, `owner ${ppid} - ${hostname()}\n${JSON.stringify({ scheduler: "sge", id: "5" })}\n`);
    const said = await runCapturingStderr("cluster_jobs_live");
    assert.equal(said.includes("sge jobs"), false, said);
    assert.deepEqual(readdirSync(".").filter((f) => f.endsWith(".jobs")), [`.ruffus_history.sqlite.lock.${ppid}.jobs`]);
  }));
