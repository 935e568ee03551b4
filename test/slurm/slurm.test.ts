/**
 * Shell commands as real SLURM jobs (src/exec/slurm-executor.ts) on a local single-node cluster:
 * exit codes and scheduler states, job arrays, one squeue per poll, the queue cap, resources,
 * the config file read by `ruff`, Ctrl-C cancelling every job, node failures retried.
 *
 * Runs only with SLURM_INTEGRATION=1 and sbatch on PATH (CI: `bash scripts/start-local-slurm.sh`,
 * `source ${TMPDIR:-/tmp}/local-slurm/env.sh`). Fixtures are in test/slurm/fixtures/.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import initSqlJs from "sql.js";
import { CommandError, Pipeline, RethrownJobError, SlurmExecutor, runJob, sh, type PipelineEvent } from "ruffus";
import { exists, inTempDir, read, NODE } from "../helpers.ts";
import * as fx from "./fixtures/worker-pipelines.ts";


const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function skipReason(): string | false {
  // The executor is the same code on every runtime, and these tests drive a shared cluster: once is enough.
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" || "Deno" in globalThis) return "SLURM integration tests run once, under Node";
  if (process.env.SLURM_INTEGRATION !== "1") return "SLURM integration tests run only with SLURM_INTEGRATION=1 (after scripts/start-local-slurm.sh)";
  if (spawnSync("sh", ["-c", "command -v sbatch"]).status !== 0) return "SLURM integration tests need sbatch on PATH";
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The error a promise rejects with (fails if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("expected the promise to reject");
}

/** The single job failure of a run that must fail, as the original error. */
async function runFailure(p: Promise<unknown>): Promise<unknown> {
  const e = await rejection(p);
  assert.ok(e instanceof RethrownJobError, `expected RethrownJobError, got ${String(e)}`);
  assert.equal(e.failures.length, 1);
  return e.failures[0].error;
}

/** Copies an executable fixture script into the current directory. */
function script(name: string): string {
  const path = join(process.cwd(), name);
  copyFileSync(join(FIXTURES, name), path);
  chmodSync(path, 0o755);
  return path;
}

/** Jobs in the queue (pending or running, as plain `squeue -h` shows) whose working directory is `dir`. */
function queuedIn(dir: string): string[] {
  const out = execFileSync("squeue", ["-h", "-o", "%i|%Z"], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.endsWith(`|${dir}`)).map((l) => l.split("|")[0]);
}

/** The most commands running at once, from "start"/"end" lines in a log. */
function mostAtOnce(log: string): number {
  let now = 0;
  let most = 0;
  for (const line of log.split("\n").filter(Boolean)) {
    if (line.startsWith("start")) most = Math.max(most, ++now);
    else now--;
  }
  return most;
}

describe("SLURM executor on a real cluster", { skip: skipReason() }, () => {
  test("a job that succeeds: its output is made on the cluster, sh resolves with its stdout, its scripts are removed", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200 });
      const p = new Pipeline("slurm_ok");
      p.originate({
        task: async function makeIt(output: string) {
          const r = await sh`echo "job $SLURM_JOB_ID" > ${output}; echo hello; echo note >&2`;
          writeFileSync(`${output}.result`, JSON.stringify(r));
        },
        output: "made by job.out",
      });
      const s = await p.run({ verbose: 0, executor: ex });
      assert.equal(s.jobsRun, 1);
      assert.match(read("made by job.out"), /^job \d+\n$/);
      assert.deepEqual(JSON.parse(read("made by job.out.result")), { stdout: "hello\n", stderr: "note\n", exitCode: 0 });
      assert.equal(ex.stats.sbatch, 1);
      assert.equal(ex.stats.arrays, 0);
      assert.deepEqual(readdirSync(".ruffus_jobs"), []);
    }));

  test("a non-zero exit is a CommandError with the exit code, the SLURM job and the job's stderr", () =>
    inTempDir(async () => {
      const p = new Pipeline("slurm_exit3");
      p.originate({ task: async function exitThree(output: string) { await sh`echo partial > ${output}; echo oops >&2; exit 3`; }, output: "three.out" });
      const e = await runFailure(p.run({ verbose: 0, executor: new SlurmExecutor({ pollMs: 200 }) }));
      assert.ok(e instanceof CommandError);
      assert.match(e.message, /^Command failed with exit code 3 \(SLURM job \d+\): echo partial > three\.out; echo oops >&2; exit 3\noops$/);
      assert.equal(e.exitCode, 3);
      assert.equal(e.result.state, "FAILED");
      assert.equal(e.stderr, "oops\n");
      assert.equal(e.retryable, false);
      // A failed job's script stays for inspection.
      assert.ok(readdirSync(".ruffus_jobs").some((f) => f.endsWith(".sh")), readdirSync(".ruffus_jobs").join(" "));
    }));

  test("a job cancelled from outside (scancel) is a CommandError naming CANCELLED", () =>
    inTempDir(async () => {
      const p = new Pipeline("slurm_cancelled");
      p.originate({ task: async function waitLong(output: string) { await sh`echo $SLURM_JOB_ID > cancel.jobid; sleep 120; touch ${output}`; }, output: "never.out" });
      const running = runFailure(p.run({ verbose: 0, executor: new SlurmExecutor({ pollMs: 200 }) }));
      let id = "";
      for (let i = 0; i < 300 && !id; i++) {
        await sleep(50);
        id = exists("cancel.jobid") ? read("cancel.jobid").trim() : "";
      }
      assert.match(id, /^\d+$/, "the job did not start");
      execFileSync("scancel", [id]);
      const e = await running;
      assert.ok(e instanceof CommandError);
      assert.match(e.message, new RegExp(`^Command ended CANCELLED \\(SLURM job ${id}\\)`));
      assert.ok(e.message.includes("echo $SLURM_JOB_ID > cancel.jobid; sleep 120; touch never.out"), e.message);
      assert.equal(e.result.state, "CANCELLED");
      assert.equal(e.retryable, false);
      assert.equal(exists("never.out"), false);
    }));

  test("20 jobs of one task with the same resources go out as job arrays, and all complete", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200 });
      const p = new Pipeline("slurm_array");
      const names = Array.from({ length: 20 }, (_, i) => `job${i}.out`);
      p.originate({
        task: async function arrayJob(output: string) {
          await sh`echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID" > ${output}`;
        },
        output: names,
      }).resources({ cpus: 1 });
      const s = await p.run({ verbose: 0, executor: ex, multithread: 20 });
      assert.equal(s.jobsRun, 20);
      assert.ok(ex.stats.arrays >= 1, JSON.stringify(ex.stats));
      assert.ok(ex.stats.sbatch <= 3, `20 jobs took ${ex.stats.sbatch} sbatch calls`);
      assert.ok(ex.stats.squeue < 20, `20 jobs took ${ex.stats.squeue} squeue calls`);
      const seen = names.map((n) => read(n).trim().split(" "));
      for (const [arrayId, taskId] of seen) {
        assert.match(arrayId, /^\d+$/);
        assert.match(taskId, /^\d+$/);
      }
      // Each output came from its own array task; arrays are at most the sbatch calls.
      assert.equal(new Set(seen.map((x) => x.join("_"))).size, 20);
      assert.ok(new Set(seen.map((x) => x[0])).size <= ex.stats.sbatch);
      assert.deepEqual(readdirSync(".ruffus_jobs"), []);
    }));

  test("a job asking for more CPUs than the cluster has: a warning naming the job and squeue's reason, once", () =>
    inTempDir(async () => {
      const warnings: string[] = [];
      const ex: SlurmExecutor = new SlurmExecutor({
        pollMs: 200,
        onWarning: (m) => {
          warnings.push(m);
          // What the user does on reading it: stop the run (its jobs are cancelled).
          void ex.cancelAll();
        },
      });
      const p = new Pipeline("slurm_too_big");
      p.originate({ task: async function tooBig(output: string) { await sh`touch ${output}`; }, output: ["big.out"] }).resources({ cpus: 512 });
      await assert.rejects(p.run({ verbose: 0, executor: ex }), RethrownJobError);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /^SLURM job \d+ \(slurm_too_big::tooBig\) is pending with reason (PartitionConfig|PartitionNodeLimit|ReqNodeNotAvail[^:]*): it asks for more than the cluster will give/);
      assert.equal(exists("big.out"), false);
    }));

  test("a workingDirectory that does not exist fails the command with 126, as locally, and is not created", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200 });
      const p = new Pipeline("slurm_nodir");
      p.originate({ task: async function noDir(output: string) { await runJob({ cmd: `touch ${output}`, workingDirectory: "nope/deeper" }); }, output: ["x.out"] });
      await assert.rejects(p.run({ verbose: 0, executor: ex }), (e: unknown) => {
        assert.ok(e instanceof RethrownJobError);
        const err = e.failures[0].error;
        assert.ok(err instanceof CommandError, String(err));
        assert.equal(err.result.code, 126);
        assert.match(err.message, /working directory nope\/deeper does not exist/);
        return true;
      });
      assert.equal(exists("nope"), false);
      assert.equal(ex.stats.sbatch, 0);
    }));

  test("job arrays in a directory whose name holds spaces, quotes, $ and backquotes", () =>
    inTempDir(async (dir) => {
      const odd = 'odd "q" $x `id`';
      mkdirSync(join(dir, odd));
      process.chdir(join(dir, odd));
      const ex = new SlurmExecutor({ pollMs: 200 });
      const p = new Pipeline("slurm_odd_dir");
      const names = Array.from({ length: 5 }, (_, i) => `odd${i}.out`);
      p.originate({ task: async function oddDirJob(output: string) { await sh`pwd > ${output}`; }, output: names });
      const s = await p.run({ verbose: 0, executor: ex, multithread: 5 });
      assert.equal(s.jobsRun, 5);
      assert.ok(ex.stats.arrays >= 1, JSON.stringify(ex.stats));
      for (const n of names) assert.equal(read(n).trim(), join(dir, odd));
    }));

  test("polling: one squeue call covers every job in flight (12 separate jobs, no arrays)", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ arrayWindowMs: 0, squeue: script("squeue-log.sh") });
      const p = new Pipeline("slurm_polling");
      const names = Array.from({ length: 12 }, (_, i) => `poll${i}.out`);
      p.originate({ task: async function polled(output: string) { await sh`sleep 2; echo $SLURM_JOB_ID > ${output}`; }, output: names });
      await p.run({ verbose: 0, executor: ex, multithread: 12 });
      assert.equal(ex.stats.sbatch, 12);
      assert.equal(ex.stats.arrays, 0);
      const calls = read("squeue.calls").split("\n").filter(Boolean).map((line) => {
        const m = /-j (\S+)/.exec(line);
        assert.ok(m, line);
        return m[1].split(",");
      });
      assert.equal(calls.length, ex.stats.squeue);
      const jobPolls = calls.reduce((n, ids) => n + ids.length, 0);
      // Polling job by job would take one call per job per poll; here one call asks about them all.
      assert.ok(ex.stats.squeue * 3 <= jobPolls, `${ex.stats.squeue} squeue calls for ${jobPolls} job polls`);
      assert.ok(ex.stats.squeue < 12, `${ex.stats.squeue} squeue calls for 12 jobs`);
      const asked = new Set(calls.flat());
      for (const n of names) assert.ok(asked.has(read(n).trim()), `job of ${n} was never polled`);
    }));

  for (const arrayWindowMs of [150, 0]) {
    test(`maxQueued caps the jobs in the queue (7 jobs, at most 3 at once; arrayWindowMs ${arrayWindowMs})`, () =>
      inTempDir(async () => {
        const ex = new SlurmExecutor({ pollMs: 200, maxQueued: 3, arrayWindowMs });
        const p = new Pipeline(`slurm_capped_${arrayWindowMs}`);
        p.originate({
          task: async function capped(output: string) {
            await sh`echo start >> queue.log; sleep 1; echo end >> queue.log; touch ${output}`;
          },
          output: Array.from({ length: 7 }, (_, i) => `capped${i}.out`),
        });
        const s = await p.run({ verbose: 0, executor: ex, multithread: 7 });
        assert.equal(s.jobsRun, 7);
        assert.ok(ex.stats.sbatch >= 3, JSON.stringify(ex.stats));
        const most = mostAtOnce(read("queue.log"));
        assert.ok(most <= 3, `${most} jobs ran at once`);
        assert.ok(most >= 2, `${most} jobs ran at once: the queue was not used`);
      }));
  }

  test("stopping while sbatch is under way: the job it submits is cancelled too, and its command settles", () =>
    inTempDir(async (dir) => {
      const ex = new SlurmExecutor({ pollMs: 200, sbatch: script("slow-sbatch.sh") });
      let settled: string | undefined;
      const done = ex.run({ cmd: "sleep 120", jobName: "slurm_stop_submitting" }).then(
        () => (settled = "resolved"),
        (e: unknown) => (settled = `rejected: ${(e as Error).message}`),
      );
      for (let i = 0; i < 200 && !exists("sbatch.started"); i++) await sleep(20);
      assert.ok(exists("sbatch.started"), "sbatch was not called");
      const queueDir = realpathSync(dir);
      try {
        await ex.cancelAll();
        // The slow sbatch answers 1.5 s after it started; give the executor as long again to cancel what it submitted.
        for (let i = 0; i < 60 && settled === undefined; i++) await sleep(50);
        let left = queuedIn(queueDir);
        for (let i = 0; i < 30 && left.length; i++) {
          await sleep(100);
          left = queuedIn(queueDir);
        }
        assert.deepEqual(left, [], "a job submitted during cancelAll was left in the queue");
        assert.match(settled ?? "still pending", /^rejected: /);
      } finally {
        await ex.close();
        const left = queuedIn(queueDir);
        if (left.length) spawnSync("scancel", left);
        void done;
      }
    }));

  test("with multiprocess (worker threads), a task catching its failed SLURM command gets a CommandError", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200 });
      await fx.catching.run({ verbose: 0, executor: ex, multiprocess: 2 });
      for (const f of ["w1.caught", "w2.caught"]) {
        assert.deepEqual(JSON.parse(read(f)), { instance: true, name: "CommandError", exitCode: 3, stderr: "oops\n" });
      }
    }));

  test("resources, job name, other options, partition and working directory reach sbatch", () =>
    inTempDir(async () => {
      mkdirSync("wd");
      const ex = new SlurmExecutor({ pollMs: 200, partition: "debug" });
      const p = new Pipeline("slurm_resources");
      p.originate({
        task: async function withResources(output: string) {
          const viaSh = await sh`echo "cpus=$SLURM_CPUS_PER_TASK name=$SLURM_JOB_NAME"; scontrol -o show job $SLURM_JOB_ID`;
          const viaRunJob = await runJob({
            cmd: 'echo "pwd=$PWD name=$SLURM_JOB_NAME"; scontrol -o show job $SLURM_JOB_ID',
            jobName: "custom_name",
            jobOtherOptions: "--comment 'two words'",
            workingDirectory: "wd",
          });
          writeFileSync(output, JSON.stringify({ viaSh: viaSh.stdout, viaRunJob: viaRunJob.stdout.join("") }));
        },
        output: "resources.json",
      }).resources({ cpus: 3, memMb: 100, time: "5" });
      await p.run({ verbose: 0, executor: ex });
      const { viaSh, viaRunJob } = JSON.parse(read("resources.json")) as { viaSh: string; viaRunJob: string };
      assert.match(viaSh, /^cpus=3 name=slurm_resources::withResources\n/);
      for (const field of ["NumCPUs=3", "TimeLimit=00:05:00", "MinMemoryNode=100M", "Partition=debug"]) assert.ok(viaSh.includes(field), `${field} not in\n${viaSh}`);
      assert.ok(viaRunJob.startsWith(`pwd=${join(realpathSync("."), "wd")} name=custom_name\n`), viaRunJob);
      assert.ok(viaRunJob.includes("Comment=two words "), viaRunJob);
      assert.ok(viaRunJob.includes("NumCPUs=3"), viaRunJob);
    }));

  test("runJob's jobEnvironment reaches the SLURM job", () =>
    inTempDir(async () => {
      const p = new Pipeline("slurm_env");
      p.originate({
        task: async function withEnv(output: string) {
          const r = await runJob({ cmd: 'echo "RUFFUS_HEEHEE=$RUFFUS_HEEHEE"', jobEnvironment: { RUFFUS_HEEHEE: "what?" } });
          writeFileSync(output, r.stdout.join(""));
        },
        output: "env.out",
      });
      await p.run({ verbose: 0, executor: new SlurmExecutor({ pollMs: 200 }) });
      assert.equal(read("env.out"), "RUFFUS_HEEHEE=what?\n");
    }));

  test("a node failure (faked by squeue) is retried without .retries, and the job completes", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200, squeue: script("squeue-nodefail.sh") });
      const p = new Pipeline("slurm_nodefail");
      p.originate({
        task: async function survivesNodeFailure(output: string) {
          await sh`sleep 1; echo $SLURM_JOB_ID > ${output}`;
        },
        output: "survivor.out",
      }).retries(0, 10);
      const events: PipelineEvent[] = [];
      const s = await p.run({ verbose: 0, executor: ex, onEvent: (e) => events.push(e) });
      assert.equal(s.jobsRun, 1);
      const failedJob = read("nodefail.job").trim();
      assert.match(failedJob, /^\d+$/);
      assert.match(read("survivor.out"), /^\d+\n$/);
      assert.notEqual(read("survivor.out").trim(), failedJob);
      assert.equal(ex.stats.sbatch, 2);
      const retries = events.filter((e): e is Extract<PipelineEvent, { type: "jobRetry" }> => e.type === "jobRetry");
      assert.equal(retries.length, 1);
      assert.equal(retries[0].attempt, 2);
      assert.equal(retries[0].of, 4);
      const err = retries[0].error;
      assert.ok(err instanceof CommandError);
      assert.equal(err.retryable, true);
      assert.match(err.message, new RegExp(`^Command ended NODE_FAIL \\(SLURM job ${failedJob}\\)`));
    }));

  describe("ruff", () => {
    const dirs: string[] = [];
    after(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    function workdir(fixture: string, config: object): string {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruff-slurm-")));
      dirs.push(dir);
      copyFileSync(join(FIXTURES, fixture), join(dir, fixture));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
      writeFileSync(join(dir, "ruffus.config.json"), JSON.stringify(config));
      return dir;
    }

    function startRuff(dir: string, args: string[]) {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
      for (const k of ["NODE_TEST_CONTEXT", "FORCE_COLOR", "NODE_OPTIONS", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
      const child = spawn(NODE, [join(REPO, "src/cli/ruff.mjs"), ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
      const out = { stdout: "", stderr: "" };
      child.stdout.setEncoding("utf8").on("data", (d: string) => (out.stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (out.stderr += d));
      // Deno's child_process reports an exit status above 128 as the matching signal instead.
      const exited = new Promise<number | null>((resolve) =>
        child.on("close", (code, signal) => resolve(code ?? ("Deno" in globalThis && signal === "SIGINT" ? 130 : null))),
      );
      const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
      void exited.then(() => clearTimeout(timer));
      return { child, out, exited };
    }

    test("the config file's executor and per-task resources are used; --executor overrides the config's", async () => {
      const dir = workdir("cluster-pipeline.ts", { executor: "slurm", slurm: { pollMs: 200 }, tasks: { onCluster: { cpus: 3 } } });
      let r = startRuff(dir, ["cluster-pipeline.ts"]);
      assert.equal(await r.exited, 0, r.out.stderr);
      assert.match(readFileSync(join(dir, "cluster.out"), "utf8"), /^job=\d+ cpus=3\n$/);

      r = startRuff(dir, ["cluster-pipeline.ts", "--executor", "local", "--forced-tasks", "onCluster"]);
      assert.equal(await r.exited, 0, r.out.stderr);
      assert.equal(readFileSync(join(dir, "cluster.out"), "utf8"), "job= cpus=\n");

      writeFileSync(join(dir, "ruffus.config.json"), JSON.stringify({ slurm: { pollMs: 200 }, tasks: { onCluster: { cpus: 2 } } }));
      r = startRuff(dir, ["cluster-pipeline.ts", "--executor", "slurm", "--forced-tasks", "onCluster"]);
      assert.equal(await r.exited, 0, r.out.stderr);
      assert.match(readFileSync(join(dir, "cluster.out"), "utf8"), /^job=\d+ cpus=2\n$/);
    });

    test("SIGINT during long SLURM jobs: exit 130, the jobs leave the queue, none is recorded as complete", async () => {
      const dir = workdir("long-jobs.ts", { executor: "slurm", slurm: { pollMs: 200 } });
      const { child, out, exited } = startRuff(dir, ["long-jobs.ts", "-j", "3"]);
      const started = ["a", "b", "c"].map((n) => join(dir, `${n}.long.started`));
      try {
        for (let i = 0; i < 600 && !started.every((f) => existsSync(f)); i++) await sleep(50);
        assert.ok(started.every((f) => existsSync(f)), `the jobs did not start:\n${out.stderr}`);
        assert.equal(queuedIn(dir).length, 3, "the three jobs should be in the queue now");
        child.kill("SIGINT");
        assert.equal(await exited, 130, out.stderr);
        assert.ok(out.stderr.includes("interrupted by SIGINT"), out.stderr);
        let left = queuedIn(dir);
        for (let i = 0; i < 100 && left.length; i++) {
          await sleep(100);
          left = queuedIn(dir);
        }
        assert.deepEqual(left, [], "jobs left in the queue");
        const SQL = await initSqlJs();
        const db = new SQL.Database(readFileSync(join(dir, ".ruffus_history.sqlite")));
        try {
          assert.deepEqual(db.exec("SELECT path FROM outputs"), []);
          const failures = db.exec("SELECT job, error FROM failures ORDER BY job")[0]?.values ?? [];
          assert.deepEqual(failures.map((row) => row[1]), ["interrupted by SIGINT", "interrupted by SIGINT", "interrupted by SIGINT"]);
        } finally {
          db.close();
        }
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        const left = queuedIn(dir);
        if (left.length) spawnSync("scancel", left);
      }
    });
  });
});
