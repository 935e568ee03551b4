/**
 * Sharing between jobs that may run in different workers (Ruffus FAQ "Sharing python objects
 * between Ruffus processes"): a logger, named locks and named counters. In the main process they act
 * directly; inside a worker process they ask the main process, which owns the real thing — the TypeScript
 * answer to Ruffus's `proxy_logger` and multiprocessing managers.
 */
import { rt } from "../core/runtime.ts";
import { RuffusError } from "../core/errors.ts";
import type { Logger } from "../core/run-options.ts";
import type { FromWorker, LogLevel, ToWorker } from "./worker-protocol.ts";

/**
 * What every copy of ruffus loaded in this process shares. A worker process can load the library
 * twice (the worker entry's copy, and another that a pipeline module's "ruffus" resolves to); the
 * port they talk through is one (see runtime/worker-process.ts), so their request numbers must be
 * too, and each must know whether a job is running.
 */
interface ProcessState {
  requests: number;
  /** The task whose job this worker process is running, if any. */
  job: string | undefined;
  /** The directory of each copy of the library loaded (its src/ or dist/npm/). */
  readonly copies: Set<string>;
}
const STATE_KEY = Symbol.for("ruffus.shared");
const state: ProcessState = ((globalThis as { [STATE_KEY]?: ProcessState })[STATE_KEY] ??= { requests: 0, job: undefined, copies: new Set() });
state.copies.add(new URL("..", import.meta.url).href);

/** @internal The copies of the library this process has loaded (more than one: two module graphs). */
export function loadedCopies(): string[] {
  return [...state.copies];
}

/** A logger set up in the main process, with what it was set up with. */
interface MainLogger {
  readonly logger: Logger;
  readonly file: string | undefined;
  readonly verbose: boolean | number | undefined;
}
const loggers = new Map<string, MainLogger>();
const writes = new Set<Promise<void>>();

/** @internal Resolves when every log line written so far is in its file (run() waits for this before it resolves). */
export async function flushSharedLogs(): Promise<void> {
  while (writes.size) await Promise.all([...writes]);
}
const locks = new Map<string, Promise<void>>();
const counters = new Map<string, number>();
const waiting = new Map<number, (value: number | undefined) => void>();
let listening = false;

/** Inside a worker: sends a request to the main process and waits for its answer. */
function ask(msg: (request: number) => FromWorker, request = ++state.requests): Promise<number | undefined> {
  const port = rt().workerPort();
  if (!port) throw new Error("internal: ask() outside a worker");
  if (!listening) {
    listening = true;
    port.onMessage((m) => {
      const g = m as ToWorker;
      if (g.type === "granted") waiting.get(g.request)?.(g.value);
    });
  }
  return new Promise((resolve) => {
    waiting.set(request, (v) => {
      waiting.delete(request);
      resolve(v);
    });
    port.postMessage(msg(request));
  });
}

/** Python's level names, as `%(levelname)6s` writes them. */
const LEVEL_NAMES: Record<LogLevel, string> = { info: "  INFO", debug: " DEBUG", warning: "WARNING", error: " ERROR" };
const two = (n: number): string => String(n).padStart(2, "0");

/**
 * Ruffus's `cmdline.setup_logging`: a named logger usable from any job, in any worker. Info,
 * warning and error lines go to `file` (appended), laid out as Ruffus 2.8.4 writes them on
 * Python 3: `12:45:29 - <name> -   INFO - <message>`, the logger's first line in the file preceded
 * by an empty line and `<date> <name>`. When `verbose`, lines also go to stderr: every level
 * without a file, every level but info with one (debug is for the screen, info for the file). All
 * writes happen in the main process, so lines never interleave; a logger set up inside a worker
 * (in a task function) is set up in the main process too. Ruffus returns `(logger, mutex)`: the
 * mutex is {@link withLock}.
 *
 * @example
 * const log = setupLogging("mypipeline", "pipeline.log", true);
 * p.transform({ task: async (i: string, o: string) => { log.info(`making ${o}`); ... }, ... });
 */
export function setupLogging(name: string, file?: string, verbose?: boolean | number): Logger {
  const port = rt().workerPort();
  if (port) {
    // The main process writes the lines: it must know where, and whether to echo them.
    port.postMessage({ type: "logSetup", logger: name, file, verbose } satisfies FromWorker);
    const send = (level: LogLevel) => (message: string) => port.postMessage({ type: "log", logger: name, level, message } satisfies FromWorker);
    return { info: send("info"), debug: send("debug"), warning: send("warning"), error: send("error") };
  }
  // The same set-up again (a module imported by every worker, a task function setting up its
  // logger in every job) is the same logger: Python's logging would add a second handler, writing
  // each line twice and starting the file again.
  const known = loggers.get(name);
  if (known && known.file === file && Boolean(known.verbose) === Boolean(verbose)) return known.logger;
  let chain = Promise.resolve();
  /** The files (as resolved now: a relative name follows the current directory) this logger has begun. */
  const begun = new Set<string>();
  // As Ruffus's handlers: the file takes info and above (not debug); stderr, when verbose, takes
  // every level, except info when there is a file (info is for the file then).
  const write = (level: LogLevel) => (m: string): void => {
    if (verbose && !(file && level === "info")) rt().stderr.write(`    ${m}\n`);
    if (!file || level === "debug") return;
    const now = new Date();
    const where = file.startsWith("/") ? file : `${rt().cwd()}/${file}`;
    const header = begun.has(where) ? "" : `\n${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${name}\n`;
    begun.add(where);
    const line = `${header}${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())} - ${name} - ${LEVEL_NAMES[level]} - ${m}\n`;
    chain = chain.then(() => rt().appendTextFile(where, line));
    const w = chain;
    writes.add(w);
    void w.finally(() => writes.delete(w));
  };
  const logger: Logger = { info: write("info"), debug: write("debug"), warning: write("warning"), error: write("error") };
  loggers.set(name, { logger, file, verbose });
  return logger;
}

/** @internal Main process: a log line from a worker. */
export function writeLog(name: string, level: LogLevel, message: string): void {
  const l = loggers.get(name)?.logger;
  if (!l) {
    rt().stderr.write(`[${name}] ${message}\n`);
    return;
  }
  (l[level] ?? l.info).call(l, message);
}

/**
 * A lock shared by every job of the run, in any worker: `await withLock("db", async () => ...)`
 * runs the function while no other job holds the lock of that name. A worker process that dies
 * (or is stopped) while it holds the lock, or waits for it, gives it up.
 *
 * @example
 * await withLock("summary.txt", async () => appendFile("summary.txt", line));
 */
export async function withLock<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const port = rt().workerPort();
  if (port) {
    const request = ++state.requests;
    await ask(() => ({ type: "lock", request, name }), request);
    try {
      return await fn();
    } finally {
      port.postMessage({ type: "unlock", request, name } satisfies FromWorker);
    }
  }
  const release = await acquire(name);
  try {
    return await fn();
  } finally {
    release();
  }
}

/** @internal Main process: waits for the named lock; returns its release. */
export async function acquire(name: string): Promise<() => void> {
  const previous = locks.get(name) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chained = previous.then(() => mine);
  locks.set(name, chained);
  await previous;
  return () => {
    release();
    if (locks.get(name) === chained) locks.delete(name);
  };
}

/**
 * A counter shared by every job of the run, in any worker: adds `n` and resolves to the new value.
 *
 * @example
 * const done = await addToCounter("aligned", 1);
 */
export async function addToCounter(name: string, n = 1): Promise<number> {
  if (rt().workerPort()) return (await ask((request) => ({ type: "counter", request, name, add: n }))) ?? 0;
  return counterAdd(name, n);
}

/** @internal Main process: the counter operation. */
export function counterAdd(name: string, n: number): number {
  const v = (counters.get(name) ?? 0) + n;
  counters.set(name, v);
  return v;
}

/**
 * True inside a job worker process. A module whose tasks run in workers (`multiprocess`) is
 * imported again by each worker; put side effects that must happen once behind `if (!isWorker())`
 * (a `run()` at a module's top level does nothing in a worker already).
 *
 * @example
 * if (!isWorker()) console.log("declaring the pipeline");
 */
export function isWorker(): boolean {
  return rt().workerPort() !== undefined;
}

/** @internal Worker entry: runs the task function of a job of `task` (a run() meanwhile is a nested run). */
export async function asWorkerJob<T>(task: string, fn: () => Promise<T>): Promise<T> {
  state.job = task;
  try {
    return await fn();
  } finally {
    state.job = undefined;
  }
}

/**
 * @internal run(), in a worker process: true while the worker imports a module (a run() at its top
 * level must not start the pipeline again, nor take the history its main process holds). Called
 * from a job, it throws: Ruffus cannot do that either (its pool's processes may not start another
 * pool), and a run in the worker would contend with the main run for the history file.
 */
export function runInWorker(): boolean {
  if (!isWorker()) return false;
  if (state.job === undefined) return true;
  throw new RuffusError(
    `run() was called inside a job of task '${state.job}' running in a worker process: nested pipeline runs are not supported with multiprocess ` +
      `(nor in Ruffus, whose pool processes cannot start another pool). Run the outer pipeline with multithread (ruff --use-threads), whose jobs run ` +
      `in the main process and may run a pipeline with a history file of its own (historyFile), or run the inner pipeline from the main program.`,
  );
}
