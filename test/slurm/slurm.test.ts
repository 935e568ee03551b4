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

  // scontrol reports such a job as ExitCode=0:15 (the job script was killed by SLURM's SIGTERM) or,
  // when the script's shell had time to report its command's death first, as 143:0; the fake
  // scontrol makes the second case certain. Either way the command was killed with SIGTERM.
  for (const fake of [undefined, "scontrol-exit143.sh"]) {
  test(`a job cancelled from outside (scancel) is a CommandError naming CANCELLED and SIGTERM (${fake ? "exit status 143" : "real scontrol"})`, () =>
    inTempDir(async () => {
      const p = new Pipeline("slurm_cancelled");
      p.originate({ task: async function waitLong(output: string) { await sh`echo $SLURM_JOB_ID > cancel.jobid; sleep 120 && touch ${output}`; }, output: "never.out" });
      const running = runFailure(p.run({ verbose: 0, executor: new SlurmExecutor({ pollMs: 200, ...(fake ? { scontrol: script(fake) } : {}) }) }));
      let id = "";
      for (let i = 0; i < 300 && !id; i++) {
        await sleep(50);
        id = exists("cancel.jobid") ? read("cancel.jobid").trim() : "";
      }
      assert.match(id, /^\d+$/, "the job did not start");
      execFileSync("scancel", [id]);
      const e = await running;
      assert.ok(e instanceof CommandError);
      assert.match(e.message, new RegExp(`^Command ended CANCELLED \\(SLURM job ${id}\\), killed with SIGTERM: `));
      assert.equal(e.result.signal, "SIGTERM");
      assert.equal(e.exitCode, null);
      assert.ok(e.message.includes("echo $SLURM_JOB_ID > cancel.jobid; sleep 120 && touch never.out"), e.message);
      assert.equal(e.result.state, "CANCELLED");
      assert.equal(e.retryable, false);
      assert.equal(exists("never.out"), false);
    }));
  }

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

  test("failUnsatisfiable: false: a job asking for more CPUs than the cluster has waits, with a warning naming the job and squeue's reason, once", () =>
    inTempDir(async () => {
      const warnings: string[] = [];
      const ex: SlurmExecutor = new SlurmExecutor({
        pollMs: 200,
        failUnsatisfiable: false,
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

  test("maxQueued: the queue refills as jobs leave it, so one slow job does not hold back the rest (30 jobs, at most 10 queued)", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200, maxPollMs: 1000, maxQueued: 10 });
      const p = new Pipeline("slurm_refill");
      // The first job waits (at most 90 s) until the 29 others have run: they can only run while it is
      // still in the queue if the queue takes new jobs before it is empty.
      p.originate({
        task: async function refill(output: string) {
          if (output === "r0.out") {
            await sh`i=0; while [ $(ls | grep -c '^done\.') -lt 29 ] && [ $i -lt 450 ]; do sleep 0.2; i=$((i + 1)); done; [ $(ls | grep -c '^done\.') -ge 29 ] && touch ${output}`;
          } else {
            await sh`touch done.${output} ${output}`;
          }
        },
        output: Array.from({ length: 30 }, (_, i) => `r${i}.out`),
      });
      const s = await p.run({ verbose: 0, executor: ex, multithread: 30 });
      assert.equal(s.jobsRun, 30);
      assert.ok(exists("r0.out"));
      // More submissions than whole queues' worth: the queue was topped up.
      assert.ok(ex.stats.sbatch > 3, JSON.stringify(ex.stats));
    }));

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

  test("with multiprocess (worker processes), a task catching its failed SLURM command gets a CommandError", () =>
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

  test("newlines in the job name, other options and working directory, and odd jobEnvironment values, never become shell code in the job script", () =>
    inTempDir(async (dir) => {
      const odd = "w\ntouch INJECTED_DIR";
      mkdirSync(odd);
      const ex = new SlurmExecutor({ pollMs: 200, arrayWindowMs: 0 });
      // A newline in the options separates them as a space does (as DRMAA's nativeSpecification); it is no command.
      const res = await ex.run({
        cmd: 'pwd > "$HOME_OF_TEST/where"; echo "$SLURM_JOB_NAME" > "$HOME_OF_TEST/name"; printf %s "$ODD" > "$HOME_OF_TEST/odd"',
        jobName: "x\ntouch INJECTED_NAME",
        jobOtherOptions: "--comment=one\n--nice=1",
        cwd: odd,
        env: { HOME_OF_TEST: realpathSync(dir), ODD: "v\n$(touch INJECTED_VALUE)'\"" },
        retainJobScript: true,
        scriptDirectory: "scripts",
      });
      await ex.close();
      assert.equal(res.code, 0, res.stderr);
      assert.equal(read("where").trim(), join(realpathSync(dir), odd));
      assert.equal(read("name"), "x\ntouch INJECTED_NAME\n");
      assert.equal(read("odd"), "v\n$(touch INJECTED_VALUE)'\"");
      const made = execFileSync("find", [".", "-name", "INJECTED*"], { encoding: "utf8" });
      assert.equal(made, "", "text of the job's settings ran as commands");
      // The kept script (renamed <script>.<jobid>, as Ruffus) shows the settings, quoted where they hold a newline.
      const kept = readdirSync("scripts").filter((f) => /\.sh\.\d+$/.test(f));
      assert.equal(kept.length, 1, readdirSync("scripts").join(" "));
      assert.ok(kept[0].endsWith(`.sh.${res.jobId}`), kept[0]);
      const text = read(join("scripts", kept[0]));
      assert.ok(text.includes('# job_name="x\\ntouch INJECTED_NAME"\n'), text);
      assert.ok(text.includes(`# working_directory=${JSON.stringify(join(realpathSync(dir), odd))}\n`), text);
    }));

  test("a jobEnvironment name that is no shell variable name is refused before anything is submitted, naming it", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200 });
      const p = new Pipeline("slurm_bad_env");
      p.originate({ task: async function badEnv(output: string) { await runJob({ cmd: `touch ${output}`, jobEnvironment: { "A=1; touch INJECTED; B": "v" } }); }, output: ["env.out"] });
      const e = await runFailure(p.run({ verbose: 0, executor: ex }));
      assert.ok(e instanceof Error);
      assert.equal(
        e.message,
        'jobEnvironment: "A=1; touch INJECTED; B" is not a valid environment variable name (letters, digits and _, not starting with a digit), so a SLURM job script cannot export it; rename it. The command was: touch env.out',
      );
      assert.equal(ex.stats.sbatch, 0);
      assert.equal(exists("INJECTED"), false);
    }));

  test("scancel failing on Ctrl-C: tried again with back-off, then the jobs still queued are named with the scancel to run by hand", () =>
    inTempDir(async () => {
      const warnings: string[] = [];
      const ex = new SlurmExecutor({ pollMs: 200, retryMs: 50, scancel: script("bad-scancel.sh"), onWarning: (m) => warnings.push(m) });
      const running = ex.run({ cmd: "echo $SLURM_JOB_ID > job.id; sleep 120", jobName: "slurm_bad_scancel" }).catch((e: unknown) => e);
      let id = "";
      try {
        for (let i = 0; i < 300 && !id; i++) {
          await sleep(50);
          id = exists("job.id") ? read("job.id").trim() : "";
        }
        assert.match(id, /^\d+$/, "the job did not start");
        await ex.cancelAll();
        assert.equal(read("scancel.calls"), `${id}\n`.repeat(4));
        assert.deepEqual(warnings, [
          `could not cancel SLURM job ${id} (scancel: error: Kill job error on job id ${id}: Socket timed out on send/recv operation). They may still run: cancel them by hand with\n    scancel ${id}`,
        ]);
        assert.match(String(((await running) as Error).message), new RegExp(`^SLURM job ${id} was cancelled: the run was stopped\\.$`));
      } finally {
        await ex.close();
        if (id) spawnSync("scancel", [id]);
      }
    }));

  test("a job asking for more CPUs than the cluster has fails (and leaves the queue), naming the job, the reason and the command", () =>
    inTempDir(async (dir) => {
      const warnings: string[] = [];
      const ex = new SlurmExecutor({ pollMs: 200, onWarning: (m) => warnings.push(m) });
      const p = new Pipeline("slurm_unsatisfiable");
      p.originate({ task: async function tooBig(output: string) { await sh`touch ${output}`; }, output: ["big.out"] }).resources({ cpus: 512 });
      const e = await runFailure(p.run({ verbose: 0, executor: ex }));
      assert.ok(e instanceof CommandError);
      assert.match(
        e.message,
        /^Command could not start: SLURM job (\d+) \(slurm_unsatisfiable::tooBig\) was pending with reason (PartitionConfig|PartitionNodeLimit|ReqNodeNotAvail[^,]*), which means it asks for more than the cluster will give, so ruff cancelled it\. Change the task's resources \(cpus, memMb, time, partition, options\), or set "failUnsatisfiable": false in the config's "slurm" section to let such jobs wait: touch big\.out$/,
      );
      assert.equal(e.retryable, false);
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /ruff cancels it and fails its job/);
      let left = queuedIn(realpathSync(dir));
      for (let i = 0; i < 30 && left.length; i++) {
        await sleep(100);
        left = queuedIn(realpathSync(dir));
      }
      assert.deepEqual(left, [], "the job that cannot start was left in the queue");
    }));

  test("a held job (the user's choice) just waits: no warning, not cancelled", () =>
    inTempDir(async () => {
      const warnings: string[] = [];
      const ex = new SlurmExecutor({ pollMs: 100, maxPollMs: 200, onWarning: (m) => warnings.push(m) });
      const held = ex.run({ cmd: "true", jobName: "slurm_held", jobOtherOptions: "--hold" }).catch((e: unknown) => e);
      let id = "";
      try {
        for (let i = 0; i < 100 && !id; i++) {
          await sleep(100);
          id = execFileSync("squeue", ["-h", "-n", "slurm_held", "-o", "%i|%r"], { encoding: "utf8" }).split("\n").find((l) => l.includes("|JobHeld"))?.split("|")[0] ?? "";
        }
        assert.match(id, /^\d+$/, "the held job is not in the queue");
        // Several polls later it is still held, and nobody complained.
        const polls = ex.stats.squeue;
        for (let i = 0; i < 100 && ex.stats.squeue < polls + 5; i++) await sleep(100);
        assert.ok(ex.stats.squeue >= polls + 5);
        assert.deepEqual(warnings, []);
        assert.match(execFileSync("squeue", ["-h", "-j", id, "-o", "%T"], { encoding: "utf8" }), /^PENDING/);
        await ex.cancelAll();
        assert.match(String(((await held) as Error).message), /was cancelled: the run was stopped/);
      } finally {
        await ex.close();
        if (id) spawnSync("scancel", [id]);
      }
    }));

  test("sbatch refusing the job: the error names the user's command and sbatch's complaint; no job script is left behind", () =>
    inTempDir(async () => {
      for (const retain of [false, true]) {
        const ex = new SlurmExecutor({ pollMs: 200, partition: "no_such_partition" });
        const p = new Pipeline(`slurm_refused_${retain}`);
        p.originate({ task: async function refused(output: string) { await runJob({ cmd: `touch ${output}`, retainJobScripts: retain, jobScriptDirectory: `jobs_${retain}` }); }, output: ["refused.out"] });
        const e = await runFailure(p.run({ verbose: 0, executor: ex}));
        assert.ok(e instanceof CommandError);
        assert.match(e.message, /^Command could not be submitted to SLURM \(sbatch failed with exit code 1\): touch refused\.out\n(.*\n)*sbatch: error: .*[Ii]nvalid partition/);
        assert.equal(e.result.state, "SUBMIT_FAILED");
        assert.deepEqual(readdirSync(`jobs_${retain}`).length > 0, retain, readdirSync(`jobs_${retain}`).join(" "));
      }
    }));

  test("a job killed by a signal inside the job: the exit status names the signal it would be", () =>
    inTempDir(async () => {
      const p = new Pipeline("slurm_killed");
      p.originate({ task: async function killed(output: string) { await sh`echo bye >&2; kill -9 $$; touch ${output}`; }, output: ["killed.out"] });
      const e = await runFailure(p.run({ verbose: 0, executor: new SlurmExecutor({ pollMs: 200 }) }));
      assert.ok(e instanceof CommandError);
      assert.match(e.message, /^Command failed with exit code 137 \(killed by SIGKILL\?\) \(SLURM job \d+\): echo bye >&2; kill -9 \$\$; touch killed\.out\nbye(\nKilled)?$/);
    }));

  test("a job gone from squeue without its exit status: scontrol tells how it ended; if nothing knows, a retryable failure that the run tries again", () =>
    inTempDir(async () => {
      const squeue = script("squeue-hide.sh");
      const scontrol = script("scontrol-hide.sh");
      // Cancelled behind ruff's back while squeue no longer lists it: scontrol still knows.
      const ex = new SlurmExecutor({ pollMs: 200, lostJobGraceMs: 600, squeue, scontrol });
      // The command kills the job script (its parent), which then cannot write the exit status.
      const lost = ex.run({ cmd: "echo $SLURM_JOB_ID > lost.id; while [ ! -e go ]; do sleep 0.1; done; kill -9 $PPID", jobName: "slurm_lost" }).catch((e: unknown) => e);
      let id = "";
      for (let i = 0; i < 300 && !id; i++) {
        await sleep(50);
        id = exists("lost.id") ? read("lost.id").trim() : "";
      }
      assert.match(id, /^\d+$/, "the job did not start");
      writeFileSync("squeue-hides.ids", `${id}\n`);
      writeFileSync("go", "");
      const e = await lost;
      await ex.close();
      assert.ok(e instanceof CommandError, String(e));
      // scontrol: JobState=FAILED ExitCode=0:9.
      assert.match(e.message, new RegExp(`^Command was killed with SIGKILL \\(SLURM job ${id}\\): echo`));
      assert.equal(e.retryable, false);
      rmSync("go");

      // Nothing knows: the job fails as retryable, and the run submits it again (not hidden this time).
      const ex2 = new SlurmExecutor({ pollMs: 200, lostJobGraceMs: 600, squeue, scontrol });
      const p = new Pipeline("slurm_vanished");
      p.originate({
        task: async function vanishes(output: string) {
          await sh`if [ ! -e first.id ]; then echo $SLURM_JOB_ID > first.id; while [ ! -e go ]; do sleep 0.1; done; kill -9 $PPID; fi; echo $SLURM_JOB_ID > ${output}`;
        },
        output: "vanished.out",
      }).retries(0, 10);
      const events: PipelineEvent[] = [];
      const running = p.run({ verbose: 0, executor: ex2, onEvent: (ev) => events.push(ev) });
      let first = "";
      for (let i = 0; i < 300 && !first; i++) {
        await sleep(50);
        first = exists("first.id") ? read("first.id").trim() : "";
      }
      assert.match(first, /^\d+$/, "the job did not start");
      writeFileSync("squeue-hides.ids", `${first}\n`);
      writeFileSync("scontrol-hides.ids", `${first}\n`);
      writeFileSync("go", "");
      const s = await running;
      assert.equal(s.jobsRun, 1);
      assert.notEqual(read("vanished.out").trim(), first);
      const retries = events.filter((ev): ev is Extract<PipelineEvent, { type: "jobRetry" }> => ev.type === "jobRetry");
      assert.equal(retries.length, 1);
      const err = retries[0].error;
      assert.ok(err instanceof CommandError);
      assert.equal(err.retryable, true);
      assert.equal(
        err.message.split("\n")[0],
        `Command failed: SLURM job ${first} left the queue without writing its exit status, and neither sacct nor scontrol knows how it ended; it may have been cancelled, timed out or its node failed: ` +
          "if [ ! -e first.id ]; then echo $SLURM_JOB_ID > first.id; while [ ! -e go ]; do sleep 0.1; done; kill -9 $PPID; fi; echo $SLURM_JOB_ID > vanished.out",
      );
    }));

  test("submission load: at most 4 sbatch at once by default; a submit limit is waited out with back-off; arrays sliced to MaxArraySize", () =>
    inTempDir(async () => {
      // 10 separate jobs: sbatch calls overlap (each takes 0.3 s more), but never more than 4.
      const ex = new SlurmExecutor({ pollMs: 200, arrayWindowMs: 0, sbatch: script("sbatch-log.sh") });
      const p = new Pipeline("slurm_submit_cap");
      p.originate({ task: async function capped(output: string) { await sh`touch ${output}`; }, output: Array.from({ length: 10 }, (_, i) => `cap${i}.out`) });
      await p.run({ verbose: 0, executor: ex, multithread: 10 });
      const most = mostAtOnce(read("sbatch.log"));
      assert.ok(most <= 4, `${most} sbatch at once`);
      assert.ok(most >= 2, `${most} sbatch at once: submissions did not overlap`);

      // Refused twice by a per-user submit limit, then accepted: one warning, the job completes.
      const warnings: string[] = [];
      const ex2 = new SlurmExecutor({ pollMs: 200, retryMs: 20, sbatch: script("sbatch-qos.sh"), onWarning: (m) => warnings.push(m) });
      const p2 = new Pipeline("slurm_submit_limit");
      p2.originate({ task: async function limited(output: string) { await sh`touch ${output}`; }, output: ["limited.out"] });
      const s2 = await p2.run({ verbose: 0, executor: ex2 });
      assert.equal(s2.jobsRun, 1);
      assert.equal(ex2.stats.sbatch, 3);
      assert.equal(read("sbatch.count"), "3\n");
      assert.deepEqual(warnings, [
        "sbatch refused the job of slurm_submit_limit::limited (sbatch: error: QOSMaxSubmitJobPerUserLimit); submitting it again with back-off as the queue drains.",
      ]);

      // A cluster whose MaxArraySize is 3: 7 jobs of one task go out as arrays of at most 3.
      rmSync("sbatch.log");
      const ex3 = new SlurmExecutor({ pollMs: 200, sbatch: script("sbatch-log.sh"), scontrol: script("scontrol-maxarray.sh") });
      const p3 = new Pipeline("slurm_array_size");
      p3.originate({ task: async function sliced(output: string) { await sh`touch ${output}`; }, output: Array.from({ length: 7 }, (_, i) => `sl${i}.out`) });
      const s3 = await p3.run({ verbose: 0, executor: ex3, multithread: 7 });
      assert.equal(s3.jobsRun, 7);
      const arrays = [...read("sbatch.log").matchAll(/--array=0-(\d+)/g)].map((m) => Number(m[1]) + 1);
      assert.ok(arrays.length >= 2, read("sbatch.log"));
      assert.ok(arrays.every((n) => n <= 3), `array sizes ${arrays.join(", ")}`);
    }));

  test("sbatch that cannot reach the controller is tried again for longer than a few times; after submitRetryMs the job fails as retryable, and the run retries it", () =>
    inTempDir(async () => {
      // Unreachable for the first 7 calls (more than the 5 tries there used to be), then fine.
      const warnings: string[] = [];
      const sbatch = script("sbatch-unreachable.sh");
      writeFileSync("unreachable.times", "7\n");
      const ex = new SlurmExecutor({ pollMs: 200, retryMs: 10, sbatch, onWarning: (m) => warnings.push(m) });
      const r = await ex.run({ cmd: "true", jobName: "slurm_unreachable" });
      await ex.close();
      assert.equal(r.code, 0);
      assert.equal(ex.stats.sbatch, 8);
      assert.deepEqual(warnings, [
        "sbatch cannot reach the SLURM controller (sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)); submitting again with back-off for up to 5 min.",
      ]);

      // Every submission of the first attempt's script fails: given up after submitRetryMs, a
      // retryable failure; the run's retry (a new script) goes through.
      rmSync("unreachable.times");
      writeFileSync("unreachable.first", "");
      const ex2 = new SlurmExecutor({ pollMs: 200, retryMs: 10, submitRetryMs: 1000, sbatch, onWarning: () => undefined });
      const p = new Pipeline("slurm_unreachable_retried");
      p.originate({ task: async function unreachable(output: string) { await sh`touch ${output}`; }, output: ["reached.out"] }).retries(0, 10);
      const events: PipelineEvent[] = [];
      const s = await p.run({ verbose: 0, executor: ex2, onEvent: (ev) => events.push(ev) });
      assert.equal(s.jobsRun, 1);
      assert.ok(exists("reached.out"));
      const retries = events.filter((ev): ev is Extract<PipelineEvent, { type: "jobRetry" }> => ev.type === "jobRetry");
      assert.equal(retries.length, 1);
      const err = retries[0].error;
      assert.ok(err instanceof CommandError, String(err));
      assert.equal(err.retryable, true);
      assert.equal(err.result.state, "SUBMIT_FAILED");
      assert.match(
        err.message,
        /^Command could not be submitted to SLURM: sbatch could not reach the controller for \d+\.\d s \(exit code 1\): touch reached\.out\nsbatch: error: Batch job submission failed: Unable to contact slurm controller \(connect failure\)$/,
      );
      assert.ok(ex2.stats.sbatch >= 3, JSON.stringify(ex2.stats));
    }));

  test("retried commands leave only the last failed attempt's files in .ruffus_jobs; a success after failures leaves none", () =>
    inTempDir(async () => {
      const ex = new SlurmExecutor({ pollMs: 200 });
      // Fails twice, then succeeds (runJob's own retries).
      const flaky = 'n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count; echo "attempt $n" >&2; [ $n -ge 3 ]';
      const p = new Pipeline("slurm_flaky");
      p.originate({ task: async function flakyJob(output: string) { await runJob({ cmd: `${flaky} && touch ${output}`, retries: 2, retryDelayMs: 10 }); }, output: ["flaky.out"] });
      await p.run({ verbose: 0, executor: ex });
      assert.equal(read("count"), "3\n");
      assert.deepEqual(readdirSync(".ruffus_jobs"), []);
      // Fails every time: the third attempt's script, output and status stay, the others' are gone.
      const p2 = new Pipeline("slurm_failing");
      p2.originate({ task: async function failingJob(output: string) { await runJob({ cmd: `echo "failing $SLURM_JOB_ID" >&2; exit 4; touch ${output}`, retries: 2, retryDelayMs: 10 }); }, output: ["failing.out"] });
      const e = await runFailure(p2.run({ verbose: 0, executor: ex }));
      await ex.close();
      assert.ok(e instanceof CommandError);
      assert.equal(ex.stats.sbatch, 6);
      const left = readdirSync(".ruffus_jobs").sort();
      assert.equal(left.length, 4, left.join(" "));
      const stem = left[0].replace(/\.[a-z]+$/, "");
      assert.deepEqual(left, [".err", ".exit", ".out", ".sh"].map((x) => stem + x));
      assert.equal(read(join(".ruffus_jobs", `${stem}.err`)), `failing ${e.result.jobId}\n`);
      assert.equal(read(join(".ruffus_jobs", `${stem}.exit`)), "4\n");
    }));

  test("runJob's logger and verbose on SLURM: submission, status and end at debug level; resources used at info", () =>
    inTempDir(async () => {
      const lines: string[] = [];
      const logger = { debug: (m: string) => lines.push(`debug ${m}`), info: (m: string) => lines.push(`info ${m}`) };
      const p = new Pipeline("slurm_logged");
      p.originate({ task: async function logged(output: string) { await runJob({ cmd: `touch ${output}`, logger, verbose: true }); }, output: ["logged.out"] });
      await p.run({ verbose: 0, executor: new SlurmExecutor({ pollMs: 200 }) });
      const id = /submitted as SLURM job (\d+)/.exec(lines[0] ?? "")?.[1];
      assert.ok(id, lines.join("\n"));
      assert.equal(lines[0], `debug submitted as SLURM job ${id}: touch logged.out`);
      assert.ok(lines.includes(`debug SLURM job ${id} ended COMPLETED with exit code 0: touch logged.out`), lines.join("\n"));
      // Without accounting (this cluster has no slurmdbd), the run time scontrol gives.
      assert.match(lines.at(-1) ?? "", new RegExp(`^info SLURM job ${id} used (RunTime=[\\d:-]+|Elapsed=.*) in running: touch logged\\.out$`));
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

    // SIGHUP: the terminal was closed. Two SIGINTs: the second leaves at once, sending the scancel without waiting.
    for (const signals of [["SIGINT"], ["SIGHUP"], ["SIGINT", "SIGINT"]] as const) {
    const signal = signals[0];
    const status = signal === "SIGINT" ? 130 : 129;
    test(`${signals.join(" + ")} during long SLURM jobs: exit ${status}, the jobs leave the queue, none is recorded as complete`, async () => {
      const dir = workdir("long-jobs.ts", { executor: "slurm", slurm: { pollMs: 200 } });
      if (signals.length === 2) {
        // The first scancel hangs (the user presses Ctrl-C again): the second must be sent all the same.
        copyFileSync(join(FIXTURES, "stuck-scancel.sh"), join(dir, "stuck-scancel.sh"));
        chmodSync(join(dir, "stuck-scancel.sh"), 0o755);
        writeFileSync(join(dir, "ruffus.config.json"), JSON.stringify({ executor: "slurm", slurm: { pollMs: 200, scancel: join(dir, "stuck-scancel.sh") } }));
      }
      const { child, out, exited } = startRuff(dir, ["long-jobs.ts", "-j", "3"]);
      const started = ["a", "b", "c"].map((n) => join(dir, `${n}.long.started`));
      try {
        for (let i = 0; i < 600 && !started.every((f) => existsSync(f)); i++) await sleep(50);
        assert.ok(started.every((f) => existsSync(f)), `the jobs did not start:\n${out.stderr}`);
        assert.equal(queuedIn(dir).length, 3, "the three jobs should be in the queue now");
        child.kill(signal);
        if (signals.length === 2) {
          for (let i = 0; i < 100 && !existsSync(join(dir, "scancel.stuck")); i++) await sleep(20);
          child.kill(signal);
        }
        assert.equal(await exited, status, out.stderr);
        if (signals.length === 1) assert.ok(out.stderr.includes(`interrupted by ${signal}`), out.stderr);
        let left = queuedIn(dir);
        for (let i = 0; i < 100 && left.length; i++) {
          await sleep(100);
          left = queuedIn(dir);
        }
        assert.deepEqual(left, [], "jobs left in the queue");
        // Leaving at once on the second signal, the run writes no history at all: nothing is recorded as complete.
        if (signals.length === 2 && !existsSync(join(dir, ".ruffus_history.sqlite"))) return;
        const SQL = await initSqlJs();
        const db = new SQL.Database(readFileSync(join(dir, ".ruffus_history.sqlite")));
        try {
          assert.deepEqual(db.exec("SELECT path FROM outputs"), []);
          const failures = db.exec("SELECT job, error FROM failures ORDER BY job")[0]?.values ?? [];
          if (signals.length === 1) assert.deepEqual(failures.map((row) => row[1]), Array(3).fill(`interrupted by ${signal}`));
        } finally {
          db.close();
        }
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        const left = queuedIn(dir);
        if (left.length) spawnSync("scancel", left);
      }
    });
    }

    // Once: the run waits for the slow sbatch and cancels the array it submits. Twice: the second
    // Ctrl-C leaves at once, saying that the jobs sbatch is still submitting are not cancelled.
    for (const signals of [["SIGINT"], ["SIGINT", "SIGINT"]] as const) {
    test(`${signals.join(" + ")} while sbatch is submitting 40 jobs (ruff -j 200 --use-threads): exit 130${signals.length === 1 ? ", no job left in the queue, no job files left" : ", the jobs left are named"}`, async () => {
      const dir = workdir("many-long-jobs.ts", {});
      copyFileSync(join(FIXTURES, "slow-sbatch.sh"), join(dir, "slow-sbatch.sh"));
      chmodSync(join(dir, "slow-sbatch.sh"), 0o755);
      writeFileSync(join(dir, "ruffus.config.json"), JSON.stringify({ executor: "slurm", slurm: { pollMs: 200, sbatch: join(dir, "slow-sbatch.sh") } }));
      const { child, out, exited } = startRuff(dir, ["many-long-jobs.ts", "-j", "200", "--use-threads"]);
      try {
        for (let i = 0; i < 600 && !existsSync(join(dir, "sbatch.started")); i++) await sleep(20);
        assert.ok(existsSync(join(dir, "sbatch.started")), `sbatch was not called:\n${out.stderr}`);
        child.kill("SIGINT");
        if (signals.length === 2) {
          await sleep(200);
          child.kill("SIGINT");
        }
        assert.equal(await exited, 130, out.stderr);
        if (signals.length === 2) {
          assert.match(out.stderr, /ruff: leaving while \d+ sbatch (is|are) still under way: the jobs (it submits|they submit) are not cancelled\. Look for them with: squeue --me\n/);
          return;
        }
        assert.ok(out.stderr.includes("interrupted by SIGINT"), out.stderr);
        // The slow sbatch has answered by now (the run waited for it); whatever it submitted is cancelled.
        let left = queuedIn(dir);
        for (let i = 0; i < 50 && left.length; i++) {
          await sleep(100);
          left = queuedIn(dir);
        }
        assert.deepEqual(left, [], "jobs left in the queue");
        assert.deepEqual(readdirSync(join(dir, ".ruffus_jobs")), [], "job files left behind");
        const SQL = await initSqlJs();
        const db = new SQL.Database(readFileSync(join(dir, ".ruffus_history.sqlite")));
        try {
          assert.deepEqual(db.exec("SELECT path FROM outputs"), []);
        } finally {
          db.close();
        }
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        // The slow sbatch of the second case answers up to 1.5 s after it started: then cancel what it made.
        await sleep(signals.length === 2 ? 2500 : 0);
        const left = queuedIn(dir);
        if (left.length) spawnSync("scancel", left);
      }
    });
    }

    test("after kill -9 of ruff, the next run cancels the SLURM jobs it left queued (saying so) before it starts", async () => {
      const dir = workdir("long-jobs.ts", { executor: "slurm", slurm: { pollMs: 200 } });
      const first = startRuff(dir, ["long-jobs.ts", "-j", "3"]);
      const started = ["a", "b", "c"].map((n) => join(dir, `${n}.long.started`));
      let second: ReturnType<typeof startRuff> | undefined;
      try {
        for (let i = 0; i < 600 && !started.every((f) => existsSync(f)); i++) await sleep(50);
        assert.ok(started.every((f) => existsSync(f)), `the jobs did not start:\n${first.out.stderr}`);
        const queued = queuedIn(dir);
        assert.equal(queued.length, 3, "the three jobs should be in the queue now");
        first.child.kill("SIGKILL");
        await first.exited;
        await sleep(500);
        assert.deepEqual(queuedIn(dir).sort(), queued.sort(), "the jobs should outlive ruff");
        const notes = readdirSync(dir).filter((f) => f.endsWith(".jobs"));
        assert.equal(notes.length, 1, readdirSync(dir).join(" "));

        // The rerun's jobs finish at once; the old ones must not be left to write the same outputs.
        writeFileSync(join(dir, "quick"), "");
        second = startRuff(dir, ["long-jobs.ts", "-j", "3"]);
        assert.equal(await second.exited, 0, second.out.stderr);
        const said = /ruffus: the run that held \S+ \(pid (\d+)\) died and left (\d+) SLURM jobs? in the queue \(([\d, ]+)\); cancelling (them|it) before this run starts, so that (they do|it does) not write into its outputs\.\n/.exec(second.out.stderr);
        assert.ok(said, second.out.stderr);
        assert.equal(Number(said[1]), first.child.pid);
        const named = said[3].split(", ");
        assert.equal(named.length, Number(said[2]));
        assert.deepEqual([...new Set(queued.map((id) => id.split("_")[0]))].sort(), named.sort());
        let left = queuedIn(dir).filter((id) => queued.includes(id));
        for (let i = 0; i < 50 && left.length; i++) {
          await sleep(100);
          left = queuedIn(dir).filter((id) => queued.includes(id));
        }
        assert.deepEqual(left, [], "the killed run's jobs are still queued");
        for (const n of ["a", "b", "c"]) assert.equal(readFileSync(join(dir, `${n}.long`), "utf8"), "done\n");
        assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".jobs")), []);
      } finally {
        for (const r of [first, second]) if (r && r.child.exitCode === null) r.child.kill("SIGKILL");
        const left = queuedIn(dir);
        if (left.length) spawnSync("scancel", left);
      }
    });
  });
});
