/**
 * Crash safety: a child process runs fixtures/crash-pipeline.ts (3 steps x 40 files, each output
 * written in two halves) and is killed with SIGKILL at random moments. After every kill the
 * history must open with sql.js and no half-written output may read as complete: the parent's
 * printout must list each one as needing update, and the history must hold no record of it.
 * Finally a complete run leaves every file complete, and a re-run runs nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import initSqlJs from "sql.js";
import { Pipeline } from "ruffus";
import { inTempDir, NODE } from "../helpers.ts";
import { buildCrashPipeline, isComplete, FILES, STEPS } from "./fixtures/crash-pipeline.ts";

const HISTORY = ".ruffus_history.sqlite";
const FIXTURE = fileURLToPath(new URL("./fixtures/crash-pipeline.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const OUTPUTS = STEPS.flatMap((s) => FILES.map((f) => f + s));
const KILLS = 20;

interface ChildResult {
  killed: boolean;
  code: number | null;
  starts: string[];
  done: number | undefined;
  stderr: string;
  /** ms from "RUNNING" to exit, when it got that far */
  runMs: number | undefined;
}

/**
 * Runs the fixture in `cwd`; with `killAfterMs`, SIGKILLs it that long after the run started;
 * with `signalAfterStarts`, sends that signal once that many jobs have started.
 */

function runChild(cwd: string, killAfterMs?: number, signalAfterStarts?: { signal: NodeJS.Signals; starts: number }): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // The child is always Node: under Bun or Deno, process.execPath is their own binary.
    // tsx looks for tsconfig.json (and its "ruffus" path) in the working directory: point it at the repo's.
    const child = spawn(NODE, ["--import", TSX, FIXTURE], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, "../../tsconfig.json") },
    });
    const starts: string[] = [];
    let done: number | undefined;
    let stderr = "";
    let buf = "";
    let runningAt: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let killed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === "RUNNING") {
          runningAt = Date.now();
          if (killAfterMs !== undefined) {
            timer = setTimeout(() => {
              killed = child.kill("SIGKILL");
            }, killAfterMs);
          }
        } else if (line.startsWith("START ")) {
          starts.push(line.slice(6));
          if (signalAfterStarts && starts.length === signalAfterStarts.starts) child.kill(signalAfterStarts.signal);
        }
        else if (line.startsWith("DONE ")) done = Number(line.slice(5));
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        killed: killed && signal === "SIGKILL",
        // Deno's child_process reports an exit status above 128 as the matching signal instead.
        code: code ?? ("Deno" in globalThis && signal === "SIGTERM" ? 143 : "Deno" in globalThis && signal === "SIGINT" ? 130 : null),
        starts,
        done,
        stderr,
        runMs: runningAt === undefined ? undefined : Date.now() - runningAt,
      });
    });
  });
}

/** Outputs on disk that are not completely written. */
function halfWritten(): string[] {
  return OUTPUTS.filter((f) => existsSync(f) && !isComplete(f, readFileSync(f, "utf8")));
}

/** What the fixture's jobs reported about half-written inputs they were given. */
function violation(): string {
  return existsSync("VIOLATION") ? readFileSync("VIOLATION", "utf8") : "";
}

/** Paths recorded in the history (throws if it does not open). */
async function recorded(): Promise<Set<string>> {
  if (!existsSync(HISTORY)) return new Set();
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(HISTORY));
  try {
    const r = db.exec("SELECT path FROM outputs");
    db.exec("SELECT count(*) FROM runs");
    return new Set(r.length ? r[0].values.map((v) => String(v[0])) : []);
  } finally {
    db.close();
  }
}

/** Outputs the parent's printout (same pipeline) lists as needing update. */
async function outOfDateInPrintout(): Promise<Set<string>> {
  Pipeline.clearAll();
  const text = await buildCrashPipeline("crash").printout({ verbose: 4 });
  const out = new Set<string>();
  for (const m of text.matchAll(/-> (f\d\d\.s\d)\]\n {9}Job needs update/g)) out.add(m[1]);
  return out;
}

test("SIGKILL at random moments never leaves a half-written output that reads as complete", { timeout: 120_000 }, async (t) => {
  await inTempDir(async (dir) => {
    // One undisturbed run to learn how long a full run takes, then start again from nothing.
    const calibration = await runChild(dir);
    assert.equal(calibration.code, 0, calibration.stderr);
    assert.equal(calibration.done, 120);
    const fullMs = Math.max(50, calibration.runMs ?? 300);
    for (const f of readdirSync(".")) rmSync(f, { force: true });

    let kills = 0;
    let halfSeen = 0;
    let halfOfRecordedBefore = 0;
    let completedRuns = 0;
    let lastHalf: string[] = [];
    let recordedBefore = new Set<string>();
    for (let i = 0; kills < KILLS && i < 3 * KILLS; i++) {
      const delay = Math.floor(Math.random() * fullMs);
      const r = await runChild(dir, delay);
      if (!r.killed) {
        // It finished before the kill: it must have succeeded. Remove the first step's files so
        // that the next run rewrites recorded outputs downstream.
        assert.equal(r.code, 0, r.stderr);
        assert.equal(typeof r.done, "number");
        completedRuns++;
        for (const f of FILES) rmSync(f + ".s1", { force: true });
        lastHalf = [];
        recordedBefore = await recorded();
        continue;
      }
      kills++;
      const half = halfWritten();
      halfSeen += half.length;
      halfOfRecordedBefore += half.filter((f) => recordedBefore.has(f)).length;
      let rec: Set<string>;
      try {
        rec = await recorded();
      } catch (e) {
        assert.fail(`after kill ${kills} (at ${delay} ms) the history does not open: ${(e as Error).message}`);
      }
      assert.deepEqual(half.filter((f) => rec.has(f)), [], `kill ${kills} at ${delay} ms: half-written files recorded as complete`);
      const stale = await outOfDateInPrintout();
      assert.deepEqual(half.filter((f) => !stale.has(f)), [], `kill ${kills} at ${delay} ms: half-written files not listed as needing update`);
      assert.equal(violation(), "", "a job was given a half-written input");
      lastHalf = half;
      recordedBefore = rec;
    }
    assert.equal(kills, KILLS, `only ${kills} runs were killed`);
    assert.ok(halfSeen > 0, "no kill ever caught a job half-way: the test did not exercise anything");

    const final = await runChild(dir);
    assert.equal(final.code, 0, final.stderr);
    assert.deepEqual(lastHalf.filter((f) => !final.starts.includes(f)), [], "a fresh run reruns every half-written output");
    assert.deepEqual(halfWritten(), []);
    for (const f of OUTPUTS) assert.ok(existsSync(f), f);
    assert.equal(violation(), "");
    assert.deepEqual(await outOfDateInPrintout(), new Set());
    Pipeline.clearAll();
    const again = await buildCrashPipeline("crash").run({ verbose: 0 });
    assert.equal(again.jobsRun, 0);
    const leftovers = readdirSync(".").filter((f) => f.endsWith(".tmp"));
    t.diagnostic(
      `full run ${fullMs} ms; ${kills} kills, ${completedRuns} runs finished before their kill; ` +
        `${halfSeen} half-written files seen (${halfOfRecordedBefore} of them recorded as complete before the run); ` +
        `${leftovers.length} temporary history files left behind`,
    );
  });
});

test("SIGTERM: the run stops, records the running jobs as interrupted, writes the history and exits with 143", { timeout: 60_000 }, async () => {
  await inTempDir(async () => {
    const r = await runChild(process.cwd(), undefined, { signal: "SIGTERM", starts: 10 });
    assert.equal(r.code, 143, r.stderr);
    assert.equal(r.done, undefined);
    assert.match(r.stderr, /interrupted by SIGTERM/);
    assert.ok(!existsSync(HISTORY + ".lock"), "lock released");
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(HISTORY));
    let interrupted: string[];
    try {
      const run = db.exec("SELECT ok, finished, interrupted, failures, id FROM runs ORDER BY id DESC LIMIT 1")[0].values[0];
      assert.equal(run[0], 0, "not ok");
      assert.ok(run[1] !== null, "finished is set: the history was written at the end");
      const f = db.exec("SELECT job, error FROM failures");
      interrupted = f.length ? f[0].values.map((v) => String(v[0])) : [];
      if (f.length) for (const v of f[0].values) assert.equal(v[1], "interrupted by SIGTERM");
      assert.equal(run[2], interrupted.length, "runs.interrupted counts them");
      assert.equal(run[3], 0, "no job failed");
      // the jobs table: the interrupted ones, and one ok row per job that completed
      const jobs = db.exec("SELECT status, count(*), sum(outputs) FROM jobs WHERE run_id = ? GROUP BY status ORDER BY status", [run[4]])[0].values;
      const ok = jobs.find((j) => j[0] === "ok");
      assert.deepEqual(jobs.find((j) => j[0] === "interrupted")?.slice(1), [interrupted.length, 0]);
      const okOutputs = db.exec("SELECT count(*) FROM outputs WHERE run_id = ?", [run[4]])[0].values[0][0];
      assert.equal(ok?.[2] ?? 0, okOutputs, "each completed job's outputs are in outputs");
    } finally {
      db.close();
    }
    assert.ok(interrupted.length >= 1, "jobs were running when the signal came");
    for (const job of interrupted) assert.ok(r.stderr.includes(job), `${job} listed on stderr:\n${r.stderr}`);
    const rec = await recorded();
    const half = halfWritten();
    assert.deepEqual(half.filter((f) => rec.has(f)), []);
    for (const job of interrupted) {
      const out = /-> (f\d\d\.s\d)\]/.exec(job)?.[1];
      assert.ok(out && !rec.has(out), `interrupted job ${job} is not recorded`);
    }
    const stale = await outOfDateInPrintout();
    assert.deepEqual(half.filter((f) => !stale.has(f)), []);
    const final = await runChild(process.cwd());
    assert.equal(final.code, 0, final.stderr);
    assert.deepEqual(halfWritten(), []);
    assert.equal(violation(), "");
  });
});
