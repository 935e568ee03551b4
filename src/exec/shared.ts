/**
 * Sharing between jobs that may run in different workers (Ruffus FAQ "Sharing python objects
 * between Ruffus processes"): a logger, named locks and named counters. In the main process they act
 * directly; inside a worker process they ask the main process, which owns the real thing — the TypeScript
 * answer to Ruffus's `proxy_logger` and multiprocessing managers.
 */
import { rt } from "../core/runtime.ts";
import type { Logger } from "../core/run-options.ts";
import type { FromWorker, ToWorker } from "./worker-protocol.ts";

const loggers = new Map<string, Logger>();
const writes = new Set<Promise<void>>();

/** @internal Resolves when every log line written so far is in its file (run() waits for this before it resolves). */
export async function flushSharedLogs(): Promise<void> {
  while (writes.size) await Promise.all([...writes]);
}
const locks = new Map<string, Promise<void>>();
const counters = new Map<string, number>();
const waiting = new Map<number, (value: number | undefined) => void>();
let requestCount = 0;
let listening = false;

/** Inside a worker: sends a request to the main process and waits for its answer. */
function ask(msg: (request: number) => FromWorker, request = ++requestCount): Promise<number | undefined> {
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

/**
 * Ruffus's `cmdline.setup_logging`: a named logger usable from any job, in any worker. Info,
 * warning and error lines go to `file` (appended, with times); when `verbose`, lines also go to
 * stderr: every level without a file, every level but info with one (debug is for the screen,
 * info for the file). All writes happen in the main process, so lines never interleave.
 *
 * @example
 * const log = setupLogging("mypipeline", "pipeline.log", true);
 * p.transform({ task: async (i: string, o: string) => { log.info(`making ${o}`); ... }, ... });
 */
export function setupLogging(name: string, file?: string, verbose?: boolean | number): Logger {
  const port = rt().workerPort();
  const send = (level: "info" | "debug" | "warning" | "error") => (message: string) => {
    if (port) port.postMessage({ type: "log", logger: name, level, message } satisfies FromWorker);
    else writeLog(name, level, message);
  };
  const logger: Logger = { info: send("info"), debug: send("debug"), warning: send("warning"), error: send("error") };
  if (!port) {
    let chain = Promise.resolve();
    const stamp = (): string => new Date().toTimeString().slice(0, 8);
    loggers.set(name, {
      info: (m) => write("info", m),
      debug: (m) => write("debug", m),
      warning: (m) => write("warning", m),
      error: (m) => write("error", m),
    });
    // As Ruffus's handlers: the file takes info and above (not debug); stderr, when verbose, takes
    // every level, except info when there is a file (info is for the file then).
    function write(level: string, m: string): void {
      if (verbose && !(file && level === "info")) rt().stderr.write(`    ${m}\n`);
      if (!file || level === "debug") return;
      const line = level === "info" || level === "debug" ? ` ${stamp()} - ${m}\n` : ` ${stamp()} - ${level.toUpperCase().padEnd(7)} - ${m}\n`;
      chain = chain.then(() => rt().appendTextFile(file, line));
      const w = chain;
      writes.add(w);
      void w.finally(() => writes.delete(w));
    }
  }
  return logger;
}

/** @internal Main process: a log line from a worker. */
export function writeLog(name: string, level: "info" | "debug" | "warning" | "error", message: string): void {
  const l = loggers.get(name);
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
    const request = ++requestCount;
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
 * imported again by each worker; put side effects that must happen once behind `if (!isWorker())` (`run()` does
 * nothing in a worker already).
 *
 * @example
 * if (!isWorker()) console.log("declaring the pipeline");
 */
export function isWorker(): boolean {
  return rt().workerPort() !== undefined;
}
