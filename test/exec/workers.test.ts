/**
 * multiprocess: jobs in worker processes. The tasks live in fixture modules (test/exec/fixtures/),
 * never in this file: a worker imports the module that declared a task, and importing a test file
 * would run its tests inside the worker.
 *
 * Jobs that must overlap meet first (see fixtures/pool.ts): each waits until as many jobs as the
 * file "meet" says have started, so "4 distinct workers" and "at most 2 at once" are counted, not timed.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, copyFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { RethrownJobError, addToCounter, type Pipeline } from "ruffus";
import * as fx from "./fixtures/pool.ts";
import { CLIS, cliCommand, type Cli } from "../clis.ts";
import { denoConfigFlags } from "../../src/runtime/worker-process.ts";

const POOL_MODULE = fileURLToPath(new URL("./fixtures/pool.ts", import.meta.url));
const IMPORT_FAILS_MODULE = fileURLToPath(new URL("./fixtures/import-fails.ts", import.meta.url));
const TWO_COPIES_MODULE = fileURLToPath(new URL("./fixtures/two-copies.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CLI_FIXTURE = fileURLToPath(new URL("./fixtures/cli-pool.ts", import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;
const ON_BUN = Boolean(g.Bun);
/** The test process: no job may run here. */
const MAIN = process.pid;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

/** Every file of `dir` that a job made (not process records, rendezvous markers or the history), with its text. */
function madeFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith(".pid") || f.startsWith("started.") || f === "meet" || f.startsWith(".ruffus_history")) continue;
    out[f] = readFileSync(join(dir, f), "utf8");
  }
  return out;
}

/** The process ids recorded by the jobs making `outputs`. */
const pids = (dir: string, outputs: string[]): number[] => outputs.map((o) => Number(readFileSync(join(dir, `${o}.pid`), "utf8")));

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

/** Runs `fn` with these environment variables set (workers inherit them), then restores them. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * The lines of a setupLogging file after its heading (an empty line, then "<date> <name>", as
 * Ruffus 2.8.4 starts a log file), which must come first and once.
 */
function logLines(text: string, name: string): string[] {
  const heading = new RegExp(`^\n\\d{4}-\\d\\d-\\d\\d ${name}\n`);
  assert.match(text, heading);
  assert.ok(text.endsWith("\n"), "the log does not end with a whole line");
  const lines = text.replace(heading, "").slice(0, -1).split("\n");
  assert.deepEqual(lines.filter((l) => l === "" || (l.endsWith(` ${name}`) && /^\d{4}-/.test(l))), [], "a second heading");
  return lines;
}

/** The failure message of a job whose worker died, as the pool words it. */
const died = (how: string, job: string, task: string): RegExp =>
  new RegExp(
    `^Worker process \\d+ ${how} while running job ${job.replace(/[[\]().]/g, "\\$&")} of task '${task}'\\. The job did not complete; the pool starts a new worker for the next job\\.$`,
  );
const EXITED = (code: number): string => `exited with code ${code} \\(process\\.exit\\(\\) in the task function, an uncaught error, or out of memory\\?\\)`;

describe("multiprocess in the library", () => {
  // Compared with Ruffus 2.8.4's test_pool_manager: multiprocess=4 gives 4 distinct worker pids.
  test("multiprocess: 4 runs jobs in 4 distinct worker processes, none left after the run, and makes the same files as multithread: 4 and a sequential run", async () => {
    const byProcess = await inDir(async (dir) => {
      const s = await fx.basic.run({ verbose: 0, multiprocess: 4 });
      assert.equal(s.jobsRun, 17);
      const starts = pids(dir, STARTS);
      assert.equal(new Set(starts).size, 4, `processes of the 8 first jobs: ${starts.join(" ")}`);
      const all = [...starts, ...pids(dir, [...UPPERS, "all.summary"])];
      for (const t of all) assert.notEqual(t, MAIN, "a job ran in the main process");
      assert.deepEqual([...new Set(all)].filter(alive), [], "a worker process outlived the run");
      // The history the workers' jobs left is complete: a second run finds everything up to date.
      assert.equal((await fx.basic.run({ verbose: 0, multiprocess: 4 })).jobsRun, 0);
      return madeFiles(dir);
    }, 4);
    const byThreads = await inDir(async (dir) => {
      assert.equal((await fx.basic.run({ verbose: 0, multithread: 4 })).jobsRun, 17);
      assert.deepEqual(new Set(pids(dir, [...STARTS, ...UPPERS, "all.summary"])), new Set([MAIN]));
      return madeFiles(dir);
    }, 4);
    const sequential = await inDir(async (dir) => {
      assert.equal((await fx.basic.run({ verbose: 0 })).jobsRun, 17);
      assert.deepEqual(new Set(pids(dir, [...STARTS, ...UPPERS, "all.summary"])), new Set([MAIN]));
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
      assert.equal(workers.has(MAIN), false);
    }, 2);
  });

  test("setupLogging: every line logged in the workers reaches the file, whole", async () => {
    await inDir(async (dir) => {
      assert.equal((await fx.logging.run({ verbose: 0, multiprocess: 4 })).jobsRun, 8);
      const outputs = fx.NAMES.map((n) => `${n}.logged`);
      assert.equal(new Set(outputs.map((o) => readFileSync(join(dir, o), "utf8"))).size, 4);
      // The logger appends in the background (see the todo test below): wait for the lines, by count.
      const expected = outputs.length * fx.LOG_LINES;
      const lineCount = (): number => (existsSync("pipeline.log") ? logLines(readFileSync("pipeline.log", "utf8"), "wk_log").length : 0);
      for (let i = 0; i < 1000 && lineCount() < expected; i++) await new Promise((r) => setTimeout(r, 10));
      const messages = logLines(readFileSync("pipeline.log", "utf8"), "wk_log").map((l) => {
        const m = /^\d\d:\d\d:\d\d - wk_log - {3}INFO - (.*)$/.exec(l);
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
        assert.equal(logLines(readFileSync("pipeline.log", "utf8"), "wk_log").length, fx.NAMES.length * fx.LOG_LINES);
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

  test("a job whose worker calls process.exit(3) fails naming the worker, the exit code, the job and the task; the next run works", async () => {
    await inDir(async (dir) => {
      writeFileSync("crash", "");
      const e = await failing(fx.exiting, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].task, "wk_exiting::mayExit");
      assert.equal(e.failures[0].job, "Job  = [None -> b.exit]");
      assert.match(messageOf(e.failures[0].error), died(EXITED(3), "[None -> b.exit]", "wk_exiting::mayExit"));
      // The pool noticed the death in an event handler: that stack would mean nothing to the user.
      assert.equal((e.failures[0].error as Error).stack, `Error: ${messageOf(e.failures[0].error)}`);
      assert.ok(e.message.includes("exited with code 3") && e.message.includes("Job  = [None -> b.exit]"), e.message);
      assert.equal(existsSync(join(dir, "b.exit")), false);
      const before = ["a.exit", "c.exit", "d.exit", "e.exit"].filter((f) => existsSync(join(dir, f)));
      rmSync("crash");
      const s = await fx.exiting.run({ verbose: 0, multiprocess: 2 });
      assert.equal(s.jobsRun, 5 - before.length);
      for (const f of ["a.exit", "b.exit", "c.exit", "d.exit", "e.exit"]) assert.notEqual(Number(readFileSync(join(dir, f), "utf8")), MAIN);
    });
  });

  test("a worker killed with SIGKILL (as the kernel's OOM killer does) fails its job 'died (signal SIGKILL — out of memory?)'; the job that was running beside it completes", async () => {
    await inDir(async (dir) => {
      writeFileSync("crash", "");
      const e = await failing(fx.killed, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].job, "Job  = [None -> b.kill]");
      assert.match(messageOf(e.failures[0].error), died("died \\(signal SIGKILL — out of memory\\?\\)", "[None -> b.kill]", "wk_killed::mayDie"));
      // As in Ruffus, no job starts after a failure; "c.kill" may or may not have started before.
      assert.ok(existsSync(join(dir, "a.kill")));
      assert.equal(existsSync(join(dir, "b.kill")), false);
      rmSync("crash");
      const made = ["a.kill", "c.kill"].filter((f) => existsSync(join(dir, f))).length;
      assert.equal((await fx.killed.run({ verbose: 0, multiprocess: 2 })).jobsRun, 3 - made);
    });
  });

  test("the pool replaces a worker that died: the retry of its job runs in a new worker process", async () => {
    await inDir(async (dir) => {
      assert.equal((await fx.replaced.run({ verbose: 0, multiprocess: 2 })).jobsRun, 2);
      const dead = Number(readFileSync(join(dir, "b.died-in"), "utf8"));
      const retriedIn = Number(readFileSync(join(dir, "b.again"), "utf8"));
      assert.notEqual(retriedIn, dead);
      assert.notEqual(retriedIn, MAIN);
      assert.equal(alive(dead), false);
    });
  });

  test(
    "a job that runs out of JavaScript heap in its worker fails with 'out of memory?'; the run and the other jobs go on",
    { skip: ON_BUN && "Bun (JavaScriptCore) has no heap limit to set: an out-of-memory there is a RangeError the job fails with, or the kernel's SIGKILL (tested above)" },
    async () => {
      await inDir(async (dir) => {
        writeFileSync("crash", "");
        // Only the workers get the small heap: they are started with this environment.
        const e = await withEnv({ NODE_OPTIONS: "--max-old-space-size=64", DENO_V8_FLAGS: "--max-old-space-size=64" }, () => failing(fx.hogging, { verbose: 0, multiprocess: 2 }));
        assert.equal(e.failures.length, 1);
        assert.equal(e.failures[0].job, "Job  = [None -> b.oom]");
        // V8 aborts when the heap is full: SIGABRT on Node, SIGTRAP on Deno.
        assert.match(messageOf(e.failures[0].error), died(`died \\(signal (SIGABRT|SIGTRAP) — out of memory\\? \\(the JavaScript heap limit, or a crash of the runtime\\)\\)`, "[None -> b.oom]", "wk_hogging::mayHog"));
        assert.ok(existsSync(join(dir, "a.oom")));
      assert.equal(existsSync(join(dir, "b.oom")), false);
      });
    },
  );

  test("workers that die holding a withLock lock or waiting for it give it up: the other jobs get the lock, one at a time, and the run ends", { timeout: 120000 }, async () => {
    await inDir(async (dir) => {
      const e = await failing(fx.lockDeaths, { verbose: 0, multiprocess: 4 });
      assert.deepEqual(
        e.failures.map((f) => [f.job, messageOf(f.error).replace(/^Worker process \d+ /, "")]).sort(),
        [
          ["Job  = [None -> a.ld]", "exited with code 5 (process.exit() in the task function, an uncaught error, or out of memory?) while running job [None -> a.ld] of task 'wk_lock_deaths::lockedOrDead'. The job did not complete; the pool starts a new worker for the next job."],
          ["Job  = [None -> b.ld]", "exited with code 4 (process.exit() in the task function, an uncaught error, or out of memory?) while running job [None -> b.ld] of task 'wk_lock_deaths::lockedOrDead'. The job did not complete; the pool starts a new worker for the next job."],
        ],
      );
      assert.equal(existsSync(join(dir, "b.got-lock")), false);
      assert.deepEqual(["a.ld", "b.ld", "c.ld", "d.ld"].filter((f) => existsSync(join(dir, f))), ["c.ld", "d.ld"]);
      const lines = readFileSync(join(dir, "ld.log"), "utf8").split("\n").filter(Boolean);
      assert.equal(lines.length, 4);
      for (let i = 0; i < 4; i += 2) assert.equal(lines[i + 1], lines[i].replace("enter", "leave"), lines.join("\n"));
    });
  });

  test("a worker that cannot start fails its job 'stopped before it was ready', not as a crash of the job", async () => {
    await inDir(async (dir) => {
      // Each runtime refuses to start with one of these (the test process started before they were set).
      const broken = { NODE_OPTIONS: "--require /nonexistent/preload.cjs", BUN_OPTIONS: "--preload /nonexistent/preload.js", DENO_V8_FLAGS: "--no-such-flag" };
      const e = await withEnv(broken, () => failing(fx.killed, { verbose: 0, multiprocess: 2 }));
      assert.ok(e.failures.length >= 1);
      for (const f of e.failures) {
        assert.match(
          messageOf(f.error),
          /^Worker process \d+ for job \[None -> [abc]\.kill\] of task 'wk_killed::mayDie' stopped before it was ready \(exit code 1\): it could not start or load ruffus; its error, if it printed one, is above\. The job did not complete\.$/,
        );
      }
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".kill")), []);
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

  test("a function in extras fails before it is sent, naming the task and the parameter", async () => {
    await inDir(async (dir) => {
      const e = await failing(fx.unclonable, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].task, "wk_unclonable::withFunction");
      assert.equal(
        messageOf(e.failures[0].error),
        "The parameters of a job of task 'wk_unclonable::withFunction' cannot be sent to a worker process: extras[0] is a function (anonymous). " +
          "Job parameters are structured-cloned, which keeps an object's own fields but not its class or methods, and cannot carry functions: " +
          "use plain data (strings, numbers, arrays, plain objects) and rebuild the object in the task function, or run with multithread.",
      );
      assert.equal(existsSync(join(dir, "f.out")), false);
      // The same pipeline runs with multithread, where nothing is cloned.
      assert.equal((await fx.unclonable.run({ verbose: 0, multithread: 2 })).jobsRun, 1);
      assert.equal(readFileSync(join(dir, "f.out"), "utf8"), "1");
    });
  });

  test("a class instance in extras (it would lose its methods) fails before it is sent, naming the class and where it is", async () => {
    await inDir(async (dir) => {
      const e = await failing(fx.withInstance, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      const m = messageOf(e.failures[0].error);
      assert.ok(m.startsWith("The parameters of a job of task 'wk_instance::useInstance' cannot be sent to a worker process: extras[0].threshold is an instance of class Threshold. "), m);
      assert.equal(existsSync(join(dir, "i.out")), false);
      assert.equal((await fx.withInstance.run({ verbose: 0, multithread: 2 })).jobsRun, 1);
      assert.equal(readFileSync(join(dir, "i.out"), "utf8"), "true");
    });
  });

  test("an error while a worker imports the module is reported as such, with the advice to guard side effects with isWorker()", async () => {
    const { importFails } = await import("./fixtures/import-fails.ts");
    await inDir(async (dir) => {
      const e = await failing(importFails, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(
        messageOf(e.failures[0].error),
        `Importing ${IMPORT_FAILS_MODULE} in a worker process failed: the set-up at load ran again in a worker — a module imported by workers (multiprocess) ` +
          "is imported again in each worker, so what it does at load must work there too; guard one-off side effects with `if (!isWorker())`.",
      );
      assert.equal(existsSync(join(dir, "m.out")), false);
    });
  });

  test("setupLogging called inside a task function (in every job, in its worker) writes the file the main process would, as with -j 1 (compared with Ruffus 2.8.4's layout)", async () => {
    const logged = async (o: Parameters<Pipeline["run"]>[0]): Promise<string[]> =>
      inDir(async (dir) => {
        assert.equal((await fx.innerLogging.run({ verbose: 0, ...o })).jobsRun, 2);
        const ranIn = ["a.inner", "b.inner"].map((f) => Number(readFileSync(join(dir, f), "utf8")));
        if (o?.multiprocess) assert.equal(ranIn.includes(MAIN), false, "a job ran in the main process");
        const lines = logLines(readFileSync(join(dir, "inner.log"), "utf8"), "wk_inner");
        for (const l of lines) assert.match(l, /^\d\d:\d\d:\d\d - wk_inner - /);
        const messages = lines.map((l) => l.slice("00:00:00 - wk_inner - ".length));
        // Each job's lines in the order it logged them (the two jobs may interleave); debug is not for the file.
        for (const o of ["a.inner", "b.inner"]) {
          assert.deepEqual(messages.filter((m) => m.includes(o)), [`  INFO - ${o} info`, `WARNING - ${o} warning`, ` ERROR - ${o} error`]);
        }
        return messages.sort();
      });
    const inWorkers = await logged({ multiprocess: 2 });
    assert.equal(inWorkers.length, 6);
    assert.deepEqual(inWorkers, await logged({}));
  });

  test("run() called inside a job in a worker process fails that job, saying nested runs need multithread; with multithread the nested run works", async () => {
    await inDir(async (dir) => {
      const e = await failing(fx.nested, { verbose: 0, multiprocess: 2 });
      assert.equal(e.failures.length, 1);
      assert.equal(e.failures[0].task, "wk_nested::runsAPipeline");
      assert.equal(
        messageOf(e.failures[0].error),
        "run() was called inside a job of task 'wk_nested::runsAPipeline' running in a worker process: nested pipeline runs are not supported with multiprocess " +
          "(nor in Ruffus, whose pool processes cannot start another pool). Run the outer pipeline with multithread (ruff --use-threads), whose jobs run " +
          "in the main process and may run a pipeline with a history file of its own (historyFile), or run the inner pipeline from the main program.",
      );
      assert.deepEqual(["n.inner", "n.outer", "inner.sqlite"].filter((f) => existsSync(join(dir, f))), []);
      assert.equal((await fx.nested.run({ verbose: 0, multithread: 2 })).jobsRun, 1);
      assert.equal(readFileSync(join(dir, "n.outer"), "utf8"), "1");
      assert.equal(readFileSync(join(dir, "n.inner"), "utf8"), "inner");
    });
  });

  test("a module whose \"ruffus\" is a second copy of the library in the worker: that copy knows it is in a worker (its top-level run() does nothing, takes no history lock), and the task not found is explained", async () => {
    // The second copy: the library's sources copied elsewhere, with the same dependencies.
    const copy = newDir();
    cpSync(join(REPO, "src"), join(copy, "src"), { recursive: true });
    copyFileSync(join(REPO, "package.json"), join(copy, "package.json"));
    symlinkSync(join(REPO, "node_modules"), join(copy, "node_modules"), "dir");
    const { twoCopies } = await import("./fixtures/two-copies.ts");
    await inDir(async (dir) => {
      const e = await withEnv({ RUFFUS_TEST_SECOND_COPY: join(copy, "src/mod.ts") }, () => failing(twoCopies, { verbose: 0, multiprocess: 2 }));
      assert.equal(e.failures.length, 1);
      const m = messageOf(e.failures[0].error);
      assert.ok(
        m.startsWith(`Task 'wk_two_copies::declaredInTheSecondCopy' was not found in a worker process: after importing ${TWO_COPIES_MODULE}, the worker has two copies of ruffus (`),
        m,
      );
      assert.ok(m.includes(`${join(REPO, "src")}/`) && m.includes(`${join(copy, "src")}/`), m);
      assert.ok(m.endsWith(`Install ruffus once, and import it by the same name everywhere (on Deno, through the same deno.json or package.json).`), m);
      assert.equal(existsSync(join(dir, "t.out")), false);
    });
  });
});

describe("the config file a Deno worker gets", () => {
  // A worker's main module is the worker entry, inside ruffus: Deno would find ruffus's own deno.json from there.
  test("the main process's: named on its command line (-c made absolute), --no-config, or found from the main module up; --no-config (with node_modules resolution when there is a package.json) when there is none", () => {
    const dir = newDir();
    mkdirSync(join(dir, "app/sub"), { recursive: true });
    mkdirSync(join(dir, "bare/sub"), { recursive: true });
    writeFileSync(join(dir, "app/package.json"), "{}");
    const main = (d: string): string => pathToFileURL(join(dir, d, "sub/main.ts")).href;
    assert.deepEqual(denoConfigFlags(main("app"), ["-A", "--config", "/x/deno.json"]), ["--config", "/x/deno.json"]);
    assert.deepEqual(denoConfigFlags(main("app"), ["-A", "--config=/x/deno.json", "--import-map=/x/map.json"]), ["--config", "/x/deno.json", "--import-map", "/x/map.json"]);
    assert.deepEqual(denoConfigFlags(main("app"), ["-c", "deno.jsonc"]), ["--config", join(process.cwd(), "deno.jsonc")]);
    assert.deepEqual(denoConfigFlags(main("app"), ["-A", "--no-config"]), ["--no-config"]);
    // An import map alone is not a config: the config is still looked for.
    assert.deepEqual(denoConfigFlags(main("app"), ["--import-map", "/x/map.json"]), ["--no-config", "--node-modules-dir=manual"]);
    assert.deepEqual(denoConfigFlags(main("app"), undefined), ["--no-config", "--node-modules-dir=manual"]);
    // Nothing from the main module up (unless this machine's temp directory has a project file above it).
    const projectAbove = (d: string): boolean => ["deno.json", "deno.jsonc", "package.json"].some((n) => existsSync(join(d, n))) || (dirname(d) !== d && projectAbove(dirname(d)));
    if (!projectAbove(join(dir, "bare/sub"))) assert.deepEqual(denoConfigFlags(main("bare"), []), ["--no-config"]);
    writeFileSync(join(dir, "app/deno.json"), "{}");
    assert.deepEqual(denoConfigFlags(main("app"), ["-A"]), ["--config", join(dir, "app/deno.json")]);
    writeFileSync(join(dir, "app/sub/deno.jsonc"), "{}");
    assert.deepEqual(denoConfigFlags(main("app"), []), ["--config", join(dir, "app/sub/deno.jsonc")]);
    assert.deepEqual(denoConfigFlags("https://example.com/main.ts", []), ["--no-config"]);
  });
});

// ---------------------------------------------------------------------------------------------
// The command line: `ruff -j 4` (worker processes) against --use-threads and -j 1, on every runtime
// that is here. The processes are the same whichever runner runs this file, so only Node's does.

const CLI_DEATHS = fileURLToPath(new URL("./fixtures/cli-deaths.ts", import.meta.url));

interface CliResult {
  /** The process id of `ruff` (the main process). */
  pid: number;
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
      resolve({ pid: child.pid ?? -1, code, stdout, stderr });
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


describe("ruff -j 4 runs jobs in worker processes", { skip: !ON_NODE && "spawns the CLI under every runtime itself: run once, by the Node test run", concurrency: CLIS.length }, () => {
  for (const cli of CLIS) {
    test(`${cli}: -j 4 uses 4 worker processes, gone when ruff exits, and makes the files --use-threads -j 4 and -j 1 make; a worker's process.exit(3) fails its job, the next run works`, async () => {
      const pool = cliDir(4);
      const first = await ruff(cli, ["-j", "4", "cli-pool.ts"], pool);
      assertExit(first, 0);
      const workers = pids(pool, STARTS);
      assert.equal(new Set(workers).size, 4, workers.join(" "));
      assert.equal(workers.includes(first.pid), false, "a job ran in the main process");
      assert.deepEqual([...new Set(workers)].filter(alive), [], "a worker process outlived ruff");
      assertExit(await ruff(cli, ["-j", "4", "cli-pool.ts"], pool), 0);
      assert.deepEqual(pids(pool, STARTS), workers, "the second run ran jobs again");

      const threaded = cliDir(4);
      const inThreads = await ruff(cli, ["--use-threads", "-j", "4", "cli-pool.ts"], threaded);
      assertExit(inThreads, 0);
      assert.deepEqual(new Set(pids(threaded, STARTS)), new Set([inThreads.pid]));

      const sequential = cliDir(1);
      const oneByOne = await ruff(cli, ["-j", "1", "cli-pool.ts"], sequential);
      assertExit(oneByOne, 0);
      assert.deepEqual(new Set(pids(sequential, STARTS)), new Set([oneByOne.pid]));

      assert.deepEqual(madeFiles(pool), CLI_FILES);
      assert.deepEqual(madeFiles(threaded), CLI_FILES);
      assert.deepEqual(madeFiles(sequential), CLI_FILES);

      const crash = cliDir(1);
      writeFileSync(join(crash, "crash"), "");
      const failed = await ruff(cli, ["-j", "4", "cli-pool.ts"], crash);
      assertExit(failed, 1);
      assert.match(failed.stderr, /Worker process \d+ exited with code 3 \(process\.exit\(\) in the task function, an uncaught error, or out of memory\?\) while running job \[None -> b\.start\] of task 'cli_pool::makeStart'/);
      assert.ok(failed.stderr.includes("Task = cli_pool::makeStart"), failed.stderr);
      assert.ok(failed.stderr.includes("Job  = [None -> b.start]"), failed.stderr);
      assert.equal(existsSync(join(crash, "b.start")), false);
      rmSync(join(crash, "crash"));
      assertExit(await ruff(cli, ["-j", "4", "cli-pool.ts"], crash), 0);
      assert.deepEqual(madeFiles(crash), CLI_FILES);
    });

    test(`${cli}: workers dying in and waiting for withLock do not hang the run; a worker killed with SIGKILL fails its job 'out of memory?'`, async () => {
      const dir = newDir();
      const locks = await ruff(cli, ["-j", "4", CLI_DEATHS], dir);
      assertExit(locks, 1);
      assert.match(locks.stderr, /Worker process \d+ exited with code 5 .* while running job \[None -> a\.ld\]/);
      assert.match(locks.stderr, /Worker process \d+ exited with code 4 .* while running job \[None -> b\.ld\]/);
      assert.deepEqual(["a.ld", "b.ld", "c.ld", "d.ld"].filter((f) => existsSync(join(dir, f))), ["c.ld", "d.ld"]);

      writeFileSync(join(dir, "crash"), "");
      const killed = await ruff(cli, ["-j", "2", CLI_DEATHS, "--", "killed"], dir);
      assertExit(killed, 1);
      assert.match(killed.stderr, /Worker process \d+ died \(signal SIGKILL — out of memory\?\) while running job \[None -> b\.kill\] of task 'wk_killed::mayDie'/);
      assert.ok(existsSync(join(dir, "a.kill")));
      assert.equal(existsSync(join(dir, "b.kill")), false);
      // A death is said by the message alone: no stack of node:child_process's events under it.
      assert.doesNotMatch(killed.stderr, /node:events|ChildProcess/);

      // The module ruff loaded is the task's module too: named once.
      const late = await ruff(cli, ["-j", "2", CLI_DEATHS, "--", "late"], dir);
      assertExit(late, 1);
      assert.ok(late.stderr.includes(`Task 'cli_late::mainOnly' was not found in a worker process after importing ${CLI_DEATHS}. With multiprocess,`), late.stderr);
    });

    // Without "type": "module", tsx loads a pipeline.ts as CommonJS: workers must register its CommonJS hooks too.
    test(`${cli}: -j 2 on a pipeline.ts with no package.json`, async () => {
      const dir = cliDir(2, true);
      assertExit(await ruff(cli, ["-j", "2", "cli-pool.ts"], dir), 0);
      assert.equal(new Set(pids(dir, STARTS)).size, 2);
      const { "package.json": _, ...expected } = CLI_FILES;
      assert.deepEqual(madeFiles(dir), expected);
    });
  }
});
