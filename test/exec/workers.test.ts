/**
 * multiprocess: jobs in worker threads. The tasks live in fixture modules (test/exec/fixtures/),
 * never in this file: a worker imports the module that declared a task, and importing a test file
 * would run its tests inside the worker.
 *
 * Jobs that must overlap meet first (see fixtures/pool.ts): each waits until as many jobs as the
 * file "meet" says have started, so "4 distinct workers" and "at most 2 at once" are counted, not timed.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { RethrownJobError, addToCounter, type Pipeline } from "ruffus";
import * as fx from "./fixtures/pool.ts";
import { CLIS, cliCommand, type Cli } from "../clis.ts";

const POOL_MODULE = fileURLToPath(new URL("./fixtures/pool.ts", import.meta.url));
const CLI_FIXTURE = fileURLToPath(new URL("./fixtures/cli-pool.ts", import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-workers-")));
  tempDirs.push(dir);
  return dir;
}

/** Runs `fn` with a new temp dir as cwd. (No Pipeline.clearAll: the fixture pipelines are declared once, at import.) */
async function inDir<T>(fn: (dir: string) => Promise<T>, meet?: number): Promise<T> {
  const old = process.cwd();
  const dir = newDir();
  process.chdir(dir);
  try {
    if (meet !== undefined) writeFileSync("meet", String(meet));
    return await fn(dir);
  } finally {
    process.chdir(old);
  }
}

/** Every file of `dir` that a job made (not thread records, rendezvous markers or the history), with its text. */
function madeFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith(".thread") || f.startsWith("started.") || f === "meet" || f.startsWith(".ruffus_history")) continue;
    out[f] = readFileSync(join(dir, f), "utf8");
  }
  return out;
}

/** The thread ids recorded by the jobs making `outputs`. */
const threads = (dir: string, outputs: string[]): number[] => outputs.map((o) => Number(readFileSync(join(dir, `${o}.thread`), "utf8")));

const STARTS = fx.NAMES.map((n) => `${n}.start`);
const UPPERS = fx.NAMES.map((n) => `${n}.upper`);
const BASIC_FILES: Record<string, string> = {};
for (const n of fx.NAMES) {
  BASIC_FILES[`${n}.start`] = `${n}.start 7\n`;
  BASIC_FILES[`${n}.upper`] = `${n.toUpperCase()}.START 7\n`;
}
BASIC_FILES["all.summary"] = fx.NAMES.map((n) => `${n.toUpperCase()}.START 7\n`).join("");

/** Runs a pipeline expected to fail; returns its RethrownJobError. */
async function failing(p: Pipeline, o: Parameters<Pipeline["run"]>[0]): Promise<RethrownJobError> {
  try {
    await p.run(o);
  } catch (e) {
    assert.ok(e instanceof RethrownJobError, `expected a RethrownJobError, got ${String(e)}`);
    return e;
  }
  return assert.fail("the run did not fail");
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

describe("multiprocess in the library", () => {
  test("multiprocess: 4 runs jobs in 4 distinct worker threads and makes the same files as multithread: 4 and a sequential run", async () => {
    const byProcess = await inDir(async (dir) => {
      const s = await fx.basic.run({ verbose: 0, multiprocess: 4 });
      assert.equal(s.jobsRun, 17);
      const starts = threads(dir, STARTS);
      assert.equal(new Set(starts).size, 4, `threads of the 8 first jobs: ${starts.join(" ")}`);
      for (const t of [...starts, ...threads(dir, [...UPPERS, "all.summary"])]) assert.notEqual(t, threadId, "a job ran in the main thread");
      // The history the workers' jobs left is complete: a second run finds everything up to date.
      assert.equal((await fx.basic.run({ verbose: 0, multiprocess: 4 })).jobsRun, 0);
      return madeFiles(dir);
    }, 4);
    const byThreads = await inDir(async (dir) => {
      assert.equal((await fx.basic.run({ verbose: 0, multithread: 4 })).jobsRun, 17);
      assert.deepEqual(new Set(threads(dir, [...STARTS, ...UPPERS, "all.summary"])), new Set([threadId]));
      return madeFiles(dir);
    }, 4);
    const sequential = await inDir(async (dir) => {
      assert.equal((await fx.basic.run({ verbose: 0 })).jobsRun, 17);
      assert.deepEqual(new Set(threads(dir, [...STARTS, ...UPPERS, "all.summary"])), new Set([threadId]));
      return madeFiles(dir);
    }, 1);
    assert.deepEqual(byProcess, BASIC_FILES);
    assert.deepEqual(byThreads, BASIC_FILES);
    assert.deepEqual(sequential, BASIC_FILES);
  });

  test("jobsLimit(2) holds with multiprocess: 4 (two jobs at once, never three; two workers)", async () => {
    await inDir(async (dir) => {
      assert.equal((await fx.limited.run({ verbose: 0, multiprocess: 4 })).jobsRun, 8);
      const seen = fx.NAMES.map((n) => readFileSync(join(dir, `${n}.limited`), "utf8").split(" ").map(Number));
      assert.equal(Math.max(...seen.map(([most]) => most)), 2, JSON.stringify(seen));
      const workers = new Set(seen.map(([, t]) => t));
      assert.equal(workers.size, 2, JSON.stringify(seen));
      assert.equal(workers.has(threadId), false);
    }, 2);
  });

  test("setupLogging: every line logged in the workers reaches the file, whole", async () => {
    await inDir(async (dir) => {
      assert.equal((await fx.logging.run({ verbose: 0, multiprocess: 4 })).jobsRun, 8);
      const outputs = fx.NAMES.map((n) => `${n}.logged`);
      assert.equal(new Set(outputs.map((o) => readFileSync(join(dir, o), "utf8"))).size, 4);
      // The logger appends in the background (see the todo test below): wait for the lines, by count.
      const expected = outputs.length * fx.LOG_LINES;
      const lineCount = (): number => (existsSync("pipeline.log") ? readFileSync("pipeline.log", "utf8").split("\n").length - 1 : 0);
      for (let i = 0; i < 1000 && lineCount() < expected; i++) await new Promise((r) => setTimeout(r, 10));
      const text = readFileSync("pipeline.log", "utf8");
      assert.ok(text.endsWith("\n"));
      const lines = text.slice(0, -1).split("\n");
      const messages = lines.map((l) => {
        const m = /^ \d\d:\d\d:\d\d - (.*)$/.exec(l);
        assert.ok(m, `not a whole log line: ${JSON.stringify(l.slice(0, 80))}`);
        return m[1];
      });
      // Each job's lines in the order it logged them, and nothing else.
      for (const o of outputs) {
        assert.deepEqual(
          messages.filter((m) => m.startsWith(`${o} `)),
          Array.from({ length: fx.LOG_LINES }, (_, i) => fx.logLine(o, i)),
        );
      }
      assert.equal(messages.length, expected);
    }, 4);
  });

  test(
    "setupLogging: the lines are in the file when run() resolves",
    async () => {
      await inDir(async () => {
        await fx.logging.run({ verbose: 0, multiprocess: 4, forcedtorunTasks: ["logMany"] });
        assert.equal(readFileSync("pipeline.log", "utf8").split("\n").length - 1, fx.NAMES.length * fx.LOG_LINES);
      }, 4);
    },
  );

  test("withLock excludes: jobs in four workers never overlap inside the lock", async () => {
    await inDir(async (dir) => {
      assert.equal((await fx.locking.run({ verbose: 0, multiprocess: 4 })).jobsRun, 8);
      assert.equal(new Set(fx.NAMES.map((n) => readFileSync(join(dir, `${n}.locked`), "utf8"))).size, 4);
      const lines = readFileSync("lock.log", "utf8").split("\n").filter(Boolean);
      assert.equal(lines.length, 16);
      const entered: string[] = [];
      for (let i = 0; i < lines.length; i += 2) {
        const who = lines[i].replace(/^enter /, "");
        assert.equal(lines[i], `enter ${who}`);
        assert.equal(lines[i + 1], `leave ${who}`, `another job entered while ${who} held the lock:\n${lines.join("\n")}`);
        entered.push(who);
      }
      assert.deepEqual(entered.sort(), fx.NAMES.map((n) => `${n}.locked`));
    }, 4);
  });

  test("addToCounter counts every job exactly once, across workers", async () => {
    await inDir(async (dir) => {
      assert.equal((await fx.counting.run({ verbose: 0, multiprocess: 4 })).jobsRun, 8);
      const got = fx.NAMES.map((n) => readFileSync(join(dir, `${n}.counted`), "utf8").split(" ").map(Number));
      assert.deepEqual(got.map(([v]) => v).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(new Set(got.map(([, t]) => t)).size, 4);
      assert.equal(await addToCounter("wk_count", 0), 8);
    }, 4);
  });

  test("a job whose worker calls process.exit(3) fails naming the job and the exit code; the next run works", async () => {
    await inDir(async (dir) => {
      writeFileSync("crash", "");
      const e = await failing(fx.exiting, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].task, "wk_exiting::mayExit");
      assert.equal(e.failures[0].job, "Job  = [None -> b.exit]");
      assert.match(messageOf(e.failures[0].error), /^The worker process running this job stopped \(exit code 3\)/);
      assert.ok(e.message.includes("exit code 3") && e.message.includes("Job  = [None -> b.exit]"), e.message);
      assert.equal(existsSync(join(dir, "b.exit")), false);
      const before = ["a.exit", "c.exit", "d.exit", "e.exit"].filter((f) => existsSync(join(dir, f)));
      rmSync("crash");
      const s = await fx.exiting.run({ verbose: 0, multiprocess: 2 });
      assert.equal(s.jobsRun, 5 - before.length);
      for (const f of ["a.exit", "b.exit", "c.exit", "d.exit", "e.exit"]) assert.notEqual(Number(readFileSync(join(dir, f), "utf8")), threadId);
    });
  });

  test("a task declared inside a function the module does not call at load fails with 'not found in a worker process'", async () => {
    await inDir(async (dir) => {
      const e = await failing(fx.declareLate(), { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 2);
      for (const f of e.failures) {
        assert.equal(f.task, "wk_late::lateJob");
        const m = messageOf(f.error);
        assert.ok(m.startsWith(`Task 'wk_late::lateJob' was not found in a worker process after importing ${POOL_MODULE}.`), m);
        assert.ok(m.includes("must be declared when that module loads"), m);
      }
      assert.deepEqual(e.failures.map((f) => f.job).sort(), ["Job  = [None -> x.late]", "Job  = [None -> y.late]"]);
      assert.equal(existsSync(join(dir, "x.late")) || existsSync(join(dir, "y.late")), false);
    });
  });

  test("job parameters that cannot be structured-cloned (a function in extras) fail with a clear message", async () => {
    await inDir(async (dir) => {
      const e = await failing(fx.unclonable, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].task, "wk_unclonable::withFunction");
      const m = messageOf(e.failures[0].error);
      assert.ok(m.startsWith("The parameters of a job of task 'wk_unclonable::withFunction' cannot be sent to a worker process ("), m);
      assert.ok(m.endsWith("Job parameters are structured-cloned: use plain data (strings, numbers, arrays, objects), or run with multithread."), m);
      assert.equal(existsSync(join(dir, "f.out")), false);
      // The same pipeline runs with multithread, where nothing is cloned.
      assert.equal((await fx.unclonable.run({ verbose: 0, multithread: 2 })).jobsRun, 1);
      assert.equal(readFileSync(join(dir, "f.out"), "utf8"), "1");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The command line: `ruff -j 4` (worker threads) against --use-threads and -j 1, on every runtime
// that is here. The processes are the same whichever runner runs this file, so only Node's does.



interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ruff(cli: Cli, args: string[], cwd: string): Promise<CliResult> {
  const [exe, ...pre] = cliCommand(cli);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "FORCE_COLOR", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...pre, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertExit(r: CliResult, code: number): void {
  assert.equal(r.code, code, `exit status ${r.code} (expected ${code})\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
}

const MODULE_PACKAGE = '{"type":"module"}';

/** A temp dir holding the fixture, "meet", and (unless `plain`) a package.json saying "type": "module". */
function cliDir(meet: number, plain = false): string {
  const dir = newDir();
  copyFileSync(CLI_FIXTURE, join(dir, "cli-pool.ts"));
  writeFileSync(join(dir, "meet"), String(meet));
  if (!plain) writeFileSync(join(dir, "package.json"), MODULE_PACKAGE);
  return dir;
}

const CLI_FILES: Record<string, string> = { "cli-pool.ts": readFileSync(CLI_FIXTURE, "utf8"), "package.json": MODULE_PACKAGE };
for (const n of fx.NAMES) {
  CLI_FILES[`${n}.start`] = `${n}.start\n`;
  CLI_FILES[`${n}.upper`] = `${n.toUpperCase()}.START\n`;
}
CLI_FILES["all.summary"] = fx.NAMES.map((n) => `${n.toUpperCase()}.START\n`).join("");


describe("ruff -j 4 runs jobs in worker threads", { skip: !ON_NODE && "spawns the CLI under every runtime itself: run once, by the Node test run", concurrency: CLIS.length }, () => {
  for (const cli of CLIS) {
    test(`${cli}: -j 4 uses 4 workers and makes the files --use-threads -j 4 and -j 1 make; a worker's process.exit(3) fails its job, the next run works`, async () => {
      const pool = cliDir(4);
      assertExit(await ruff(cli, ["-j", "4", "cli-pool.ts"], pool), 0);
      const poolThreads = threads(pool, STARTS);
      assert.equal(new Set(poolThreads).size, 4, poolThreads.join(" "));
      assert.equal(poolThreads.includes(0), false, "a job ran in the main thread");
      assertExit(await ruff(cli, ["-j", "4", "cli-pool.ts"], pool), 0);
      assert.deepEqual(threads(pool, STARTS), poolThreads, "the second run ran jobs again");

      const threaded = cliDir(4);
      assertExit(await ruff(cli, ["--use-threads", "-j", "4", "cli-pool.ts"], threaded), 0);
      assert.deepEqual(new Set(threads(threaded, STARTS)), new Set([0]));

      const sequential = cliDir(1);
      assertExit(await ruff(cli, ["-j", "1", "cli-pool.ts"], sequential), 0);
      assert.deepEqual(new Set(threads(sequential, STARTS)), new Set([0]));

      assert.deepEqual(madeFiles(pool), CLI_FILES);
      assert.deepEqual(madeFiles(threaded), CLI_FILES);
      assert.deepEqual(madeFiles(sequential), CLI_FILES);

      const crash = cliDir(1);
      writeFileSync(join(crash, "crash"), "");
      const failed = await ruff(cli, ["-j", "4", "cli-pool.ts"], crash);
      assertExit(failed, 1);
      assert.ok(failed.stderr.includes("The worker process running this job stopped (exit code 3)"), failed.stderr);
      assert.ok(failed.stderr.includes("Task = cli_pool::makeStart"), failed.stderr);
      assert.ok(failed.stderr.includes("Job  = [None -> b.start]"), failed.stderr);
      assert.equal(existsSync(join(crash, "b.start")), false);
      rmSync(join(crash, "crash"));
      assertExit(await ruff(cli, ["-j", "4", "cli-pool.ts"], crash), 0);
      assert.deepEqual(madeFiles(crash), CLI_FILES);
    });

    // Without "type": "module", tsx loads a pipeline.ts as CommonJS: workers must register its CommonJS hooks too.
    test(`${cli}: -j 2 on a pipeline.ts with no package.json`, async () => {
      const dir = cliDir(2, true);
      assertExit(await ruff(cli, ["-j", "2", "cli-pool.ts"], dir), 0);
      assert.equal(new Set(threads(dir, STARTS)).size, 2);
      const { "package.json": _, ...expected } = CLI_FILES;
      assert.deepEqual(madeFiles(dir), expected);
    });
  }
});
