/**
 * Ports ruffus/test/test_proxy_logger.py: a logger shared between processes (Ruffus: a proxy to a
 * logger living in a multiprocessing manager, with a mutex), used inside its lock, logging at every
 * level: the debug message must not reach the log file; info, warning and error must, in that order.
 *
 * Our shared logger is setupLogging (Ruffus's cmdline.setup_logging, which makes such a proxy): its
 * file takes info and above, not debug (Ruffus: file handler at level MESSAGE = 15); with `verbose`
 * its lines also go to stderr, indented by four spaces, except info lines when there is a log file
 * (Ruffus: "logger.info -> file only, logger.debug -> screen only, warnings and errors -> both").
 * Compared with Ruffus 2.8.4's setup_logging. Logged from the main thread, from a job in a worker
 * process (multiprocess) and from a job run with multithread.
 *
 * The file's layout is what Ruffus 2.8.4 writes on Python 3 (its setup_logging means another one,
 * but Python 3's logging ignores the `_fmt` it sets): an empty line and "<date> <logger>" before the
 * logger's first line, then "<time> - <logger> - <level, right-aligned in 6> - <message>".
 *
 * Not ported (Python's logging module): the rotating file handler and its sizes, level numbers,
 * `critical()` and `log(level, ...)` (Ruffus's MESSAGE level), which our Logger does not have.
 *
 * The shared logger and the pipeline live in fixtures/proxy-logger-tasks.ts: a worker imports the
 * module that declared a task.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { withLock, type RunOptions } from "ruffus";
import { NODE } from "../helpers.ts";
import { LOG_FILE, MESSAGES, MUTEX, logEveryLevel, myLog, pipeline } from "./fixtures/proxy-logger-tasks.ts";

const VERBOSE_SCRIPT = fileURLToPath(new URL("./fixtures/proxy-logger-verbose.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function inDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-proxy-logger-")));
  dirs.push(dir);
  process.chdir(dir);
  try {
    return await fn(dir);
  } finally {
    process.chdir(old);
  }
}

/** The messages of the log file's lines, in order: each line is whole, with a time, and ends with its message. */
function loggedMessages(file: string): string[] {
  const known = Object.values(MESSAGES);
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^\d{4}-\d\d-\d\d \S+$/.test(l)) // Ruffus starts a log with "<date> <logger name>"
    .map((l) => {
      assert.match(l, /\d\d:\d\d:\d\d/, `no time in log line ${JSON.stringify(l)}`);
      const m = known.find((k) => l.endsWith(k));
      assert.ok(m, `not a whole log line: ${JSON.stringify(l)}`);
      return m;
    });
}

const FILE_MESSAGES = [MESSAGES.info, MESSAGES.warning, MESSAGES.error];

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

async function logFromJob(o: RunOptions): Promise<void> {
  await inDir(async (dir) => {
    const summary = await pipeline.run({ ...o, verbose: 0 });
    assert.equal(summary.jobsRun, 1);
    const ranIn = Number(readFileSync(join(dir, "logged.out"), "utf8"));
    if (o.multiprocess) assert.notEqual(ranIn, process.pid, "the job ran in the main process");
    else assert.equal(ranIn, process.pid);
    // run() resolves once the lines are in the file.
    assert.deepEqual(loggedMessages(LOG_FILE), FILE_MESSAGES);
  });
}

interface Child {
  code: number | null;
  stderr: string;
}

/** Runs the verbose-logger script in `cwd` (log file `file`, or none for "-"). */
function runVerbose(cwd: string, file: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    // Always Node (under Bun or Deno, process.execPath is their own binary); tsx finds "ruffus" through the repo's tsconfig.
    const child = spawn(NODE, ["--import", TSX, VERBOSE_SCRIPT, file], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, "../../tsconfig.json"), NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("test_proxy_logger", () => {
  test("from the main thread, inside the lock: debug stays out of the file; info, warning, error reach it in order, laid out as Ruffus's (compared with Ruffus 2.8.4)", async () => {
    await inDir(async () => {
      await withLock(MUTEX, () => logEveryLevel(myLog));
      await waitFor(() => existsSync(LOG_FILE) && readFileSync(LOG_FILE, "utf8").includes(MESSAGES.error));
      assert.deepEqual(loggedMessages(LOG_FILE), FILE_MESSAGES);
      const masked = readFileSync(LOG_FILE, "utf8").replace(/^\d{4}-\d\d-\d\d /m, "<date> ").replace(/^\d\d:\d\d:\d\d /gm, "<time> ");
      assert.equal(
        masked,
        "\n<date> my_logger\n" +
          `<time> - my_logger -   INFO - ${MESSAGES.info}\n` +
          `<time> - my_logger - WARNING - ${MESSAGES.warning}\n` +
          `<time> - my_logger -  ERROR - ${MESSAGES.error}\n`,
      );
    });
  });

  test("from a job in a worker process (multiprocess: 2): the same lines reach the main process's file", async () => {
    await logFromJob({ multiprocess: 2 });
  });

  test("from a job run with multithread: 2: the same", async () => {
    await logFromJob({ multithread: 2 });
  });

  test("verbose with a log file: stderr shows debug, warning and error, not info (compared with Ruffus 2.8.4)", async () => {
    await inDir(async (dir) => {
      const r = await runVerbose(dir, "verbose.log");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, [MESSAGES.debug, MESSAGES.warning, MESSAGES.error].map((m) => `    ${m}\n`).join(""));
      assert.deepEqual(loggedMessages(join(dir, "verbose.log")), FILE_MESSAGES);
    });
  });

  test("verbose without a log file: stderr shows every level (compared with Ruffus 2.8.4)", async () => {
    await inDir(async (dir) => {
      const r = await runVerbose(dir, "-");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, Object.values(MESSAGES).map((m) => `    ${m}\n`).join(""));
    });
  });
});
