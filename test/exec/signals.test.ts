/**
 * Ctrl-C and SIGTERM on a real `ruff` process (Node from source, Bun from source, Deno from source,
 * and the compiled binary when dist/ruff exists), running fixtures/sleepy.ts: two quick jobs, then
 * four slow ones (sleeping on a timer, or spinning in plain CPU loops in worker processes), then a merge.
 *
 * The signal is sent once the expected number of slow jobs have started (counted from the files they
 * leave). Then: the exit status, the jobs named on stderr, the process gone within 2 s (the slow jobs
 * would take 60 s), no process left in the project directory, the history's `failures` rows, and a
 * next run that runs exactly the jobs that had not finished.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import initSqlJs from "sql.js";
import { CLIS, cliCommand, type Cli } from "../clis.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/sleepy.ts", import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;
/** How long a process may take to exit after the signal (its slow jobs would take 60 s). */
const EXIT_WITHIN_MS = 2000;



const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A project directory: the fixture, a "type": "module" package.json, the job mode, and flag files. */
function project(mode: "sleep" | "cpu" | "spin1", flags: string[] = []): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-signals-")));
  tempDirs.push(dir);
  copyFileSync(FIXTURE, join(dir, "sleepy.ts"));
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  writeFileSync(join(dir, "mode"), mode);
  for (const f of flags) writeFileSync(join(dir, f), "");
  return dir;
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Still running EXIT_WITHIN_MS after the (last) signal, and killed. */
  late: boolean;
}

interface Running {
  pid: number;
  done: Promise<Result>;
  /** Sends a signal; the process must then exit within EXIT_WITHIN_MS. */
  kill(sig: NodeJS.Signals): void;
  stderr(): string;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "FORCE_COLOR", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
  return env;
}

function start(cli: Cli, args: string[], cwd: string): Running {
  const [exe, ...pre] = cliCommand(cli);
  const child = spawn(exe, [...pre, ...args], { cwd, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let late = false;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  // Nothing here should take a minute; a hung process must not hang the test run.
  const guard = setTimeout(() => child.kill("SIGKILL"), 120000);
  let killedAt = 0;
  let reportAt: number | undefined;
  child.stderr.on("data", () => {
    if (reportAt === undefined && killedAt && stderr.includes("ruffus: interrupted by")) reportAt = Date.now() - killedAt;
  });
  const done = new Promise<Result>((resolve, reject) => {
    child.on("error", reject);
    let exitedAt = 0;
    // "exit" can come before the last output is read: the deadline stops at "exit", the result waits for "close".
    child.on("exit", () => {
      exitedAt = Date.now() - killedAt;
      clearTimeout(guard);
      if (deadline) clearTimeout(deadline);
    });
    child.on("close", (code, signal) => {
      const timing = killedAt ? `\n(report printed ${reportAt ?? "never"} ms and exit ${exitedAt} ms after the signal)` : "";
      resolve({ code, signal, stdout, stderr: stderr + (late ? timing : ""), late });
    });
  });
  return {
    pid: child.pid as number,
    done,
    kill(sig) {
      killedAt = Date.now();
      child.kill(sig);
      if (deadline) clearTimeout(deadline);
      deadline = setTimeout(() => {
        late = true;
        child.kill("SIGKILL");
      }, EXIT_WITHIN_MS);
    },
    stderr: () => stderr,
  };
}

function run(cli: Cli, args: string[], cwd: string): Promise<Result> {
  return start(cli, args, cwd).done;
}

function assertExit(r: Result, code: number): void {
  assert.equal(r.code, code, `exit status ${r.code} (signal ${r.signal}, expected ${code})\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
}

/** Waits (bounded) until `n` slow jobs have started; returns their outputs. */
async function startedJobs(dir: string, n: number, p: Running): Promise<string[]> {
  const started = (): string[] => readdirSync(dir).filter((f) => f.startsWith("started.")).map((f) => f.slice("started.".length)).sort();
  for (let i = 0; i < 6000 && started().length < n; i++) {
    if (existsSync(join(dir, "calls.log")) && p.stderr().includes("ruff:")) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const s = started();
  assert.equal(s.length, n, `expected ${n} slow jobs running; stderr:\n${p.stderr()}`);
  return s;
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 6000 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(existsSync(path), `${path} never appeared`);
}

/** The jobs listed after "...will run again:" on stderr. */
function namedAsInterrupted(stderr: string): string[] {
  const at = stderr.indexOf("they are not recorded as complete and will run again:\n");
  assert.ok(at >= 0, stderr);
  return stderr
    .slice(at)
    .split("\n")
    .slice(1)
    .filter((l) => l.startsWith("    "))
    .map((l) => l.trim())
    .sort();
}

/** Processes (other than us) whose current directory is inside `dir` (Linux: /proc). */
function processesIn(dir: string): string[] {
  if (process.platform !== "linux") return [];
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + "/")) found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")}`);
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

interface History {
  outputs: string[];
  failures: string[][];
  lastRun: { ok: number; finished: string | null; failures: number };
}

async function history(dir: string): Promise<History> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(join(dir, ".ruffus_history.sqlite")));
  try {
    const rows = (sql: string): unknown[][] => db.exec(sql)[0]?.values ?? [];
    const [ok, finished, failures] = rows("SELECT ok, finished, failures FROM runs ORDER BY id DESC LIMIT 1")[0] as [number, string | null, number];
    return {
      outputs: rows("SELECT path FROM outputs ORDER BY path").map((r) => String(r[0])),
      failures: rows("SELECT task, job, error FROM failures WHERE run_id = (SELECT max(id) FROM runs) ORDER BY job").map((r) => r.map(String)),
      lastRun: { ok, finished, failures },
    };
  } finally {
    db.close();
  }
}

const calls = (dir: string): string[] => (existsSync(join(dir, "calls.log")) ? readFileSync(join(dir, "calls.log"), "utf8").split("\n").filter(Boolean) : []);
const jobOf = (output: string): string => `sleepy::slow: Job  = [None -> ${output}]`;
const SLOW = ["s1.slow", "s2.slow", "s3.slow", "s4.slow"];
const RERUN = ["final all.final", ...SLOW.map((s) => `slow ${s}`)];

/**
 * Interrupts a run once `n` slow jobs run, checks everything, then runs again without the wait
 * and checks that exactly the unfinished jobs ran.
 */
async function interruptAndResume(cli: Cli, mode: "sleep" | "cpu", args: string[], n: number, sig: "SIGINT" | "SIGTERM"): Promise<void> {
  const dir = project(mode);
  const p = start(cli, [...args, "sleepy.ts"], dir);
  const running = await startedJobs(dir, n, p);
  p.kill(sig);
  const r = await p.done;
  assert.equal(r.late, false, `still running ${EXIT_WITHIN_MS} ms after ${sig}; stderr:\n${r.stderr}`);
  assertExit(r, sig === "SIGINT" ? 130 : 143);
  assert.ok(r.stderr.includes(`\nruffus: interrupted by ${sig}. These jobs were running`), r.stderr);
  assert.deepEqual(namedAsInterrupted(r.stderr), running.map(jobOf));
  assert.deepEqual(processesIn(dir), []);

  const h = await history(dir);
  assert.deepEqual(h.outputs, ["q1.quick", "q2.quick"]);
  assert.deepEqual(h.failures, running.map((o) => ["sleepy::slow", `Job  = [None -> ${o}]`, `interrupted by ${sig}`]));
  assert.equal(h.lastRun.ok, 0);
  assert.equal(typeof h.lastRun.finished, "string");
  for (const s of SLOW) assert.equal(existsSync(join(dir, s)), false, s);

  const before = calls(dir).length;
  writeFileSync(join(dir, "mode"), "none");
  assertExit(await run(cli, [...args, "sleepy.ts"], dir), 0);
  assert.deepEqual(calls(dir).slice(before).sort(), RERUN);
  assert.deepEqual((await history(dir)).outputs, ["all.final", "q1.quick", "q2.quick", ...SLOW]);
  assertExit(await run(cli, [...args, "sleepy.ts"], dir), 0);
  assert.equal(calls(dir).length, before + RERUN.length, "a third run ran jobs again");
}

// One runtime after another: run side by side on a small machine, process start-up and teardown
// alone can approach the 2 s limit.
describe("signals stop a ruff run", { skip: !ON_NODE && "spawns ruff under every runtime itself: run once, by the Node test run" }, () => {
  for (const cli of CLIS) {
    describe(cli, () => {
      test("SIGINT while a job sleeps: 130, the job named, the history records it, the next run runs exactly the unfinished jobs", async () => {
        await interruptAndResume(cli, "sleep", [], 1, "SIGINT");
      });

      test("SIGINT while jobs sleep in two worker processes (-j 2): the same", async () => {
        await interruptAndResume(cli, "sleep", ["-j", "2"], 2, "SIGINT");
      });

      test("SIGINT while jobs spin in CPU loops in two worker processes (-j 2): the same", async () => {
        await interruptAndResume(cli, "cpu", ["-j", "2"], 2, "SIGINT");
      });

      test("SIGINT while a synchronous job spins in the main thread: that job finishes and is kept, no other starts, 130", async () => {
        // A job that never waits cannot be stopped half-way in the main thread (workers can be); the
        // run must still notice the signal as soon as it ends, not after every other job.
        const dir = project("spin1");
        const p = start(cli, ["sleepy.ts"], dir);
        await startedJobs(dir, 1, p);
        p.kill("SIGINT");
        const r = await p.done;
        assert.equal(r.late, false, `still running ${EXIT_WITHIN_MS} ms after SIGINT; stderr:\n${r.stderr}`);
        assertExit(r, 130);
        assert.ok(r.stderr.includes("\nruffus: interrupted by SIGINT."), r.stderr);
        assert.deepEqual(calls(dir).filter((c) => c.startsWith("slow")), ["slow s1.slow"]);
        const h = await history(dir);
        assert.deepEqual(h.outputs, ["q1.quick", "q2.quick", "s1.slow"]);
        assert.equal(h.lastRun.ok, 0);
        const before = calls(dir).length;
        writeFileSync(join(dir, "mode"), "none");
        assertExit(await run(cli, ["sleepy.ts"], dir), 0);
        assert.deepEqual(calls(dir).slice(before).sort(), ["final all.final", "slow s2.slow", "slow s3.slow", "slow s4.slow"]);
      });

      test("SIGTERM: 143, the same", async () => {
        await interruptAndResume(cli, "sleep", [], 1, "SIGTERM");
      });

      test("a second SIGINT while the first is being handled exits at once with 130", async () => {
        // Control: the pipeline's own SIGINT listener delays the handling; released, the run reports as usual.
        const control = project("sleep", ["slow-handler"]);
        const c = start(cli, ["sleepy.ts"], control);
        await startedJobs(control, 1, c);
        c.kill("SIGINT");
        await waitForFile(join(control, "handling"));
        writeFileSync(join(control, "release"), "");
        const cr = await c.done;
        assert.equal(cr.late, false);
        assertExit(cr, 130);
        assert.deepEqual(namedAsInterrupted(cr.stderr), [jobOf("s1.slow")]);

        // The same, with a second SIGINT arriving while the first is handled: no report, exit at once.
        const dir = project("sleep", ["slow-handler"]);
        const p = start(cli, ["sleepy.ts"], dir);
        await startedJobs(dir, 1, p);
        p.kill("SIGINT");
        await waitForFile(join(dir, "handling"));
        p.kill("SIGINT");
        writeFileSync(join(dir, "release"), "");
        const r = await p.done;
        assert.equal(r.late, false, `still running ${EXIT_WITHIN_MS} ms after the second SIGINT`);
        assertExit(r, 130);
        assert.equal(r.stderr.includes("ruffus: interrupted by"), false, r.stderr);
        assert.deepEqual(processesIn(dir), []);
      });
    });
  }
});
