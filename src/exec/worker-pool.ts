/**
 * `multiprocess: N`: jobs run in N long-lived worker processes (Ruffus's process pool). A worker is
 * started on first need and kept for the run; a worker that dies with a job in hand (process.exit(),
 * out of memory, killed) fails that job with a clear message, gives up the locks it held or waited
 * for, and is replaced for the next job. Jobs that call no task function (mkdir, touch modes) stay
 * in the main process.
 */
import { rt } from "../core/runtime.ts";
import type { Job } from "../core/job-params.ts";
import type { Task } from "../core/task.ts";
import type { WorkerHandle } from "../runtime/types.ts";
import { describeJob } from "../report/job-names.ts";
import { InProcessRunner, hasFileParams, type JobRunner, type TouchMode } from "./in-process.ts";
import { acquire, counterAdd, setupLogging, writeLog } from "./shared.ts";
import { errorData, errorFromData, unsendable, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.ts";
import type { Executor } from "./executor.ts";

// Sources run as .ts; the npm build is .js (tsc rewrites import specifiers, not URLs).
const EXT = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
let workerEntry: URL | undefined = new URL(`./worker-entry${EXT}`, import.meta.url);

/**
 * @internal The worker's entry module; undefined: this program itself (the compiled binary, which
 * becomes a worker when started with the worker variable in its environment).
 */
export function setWorkerEntry(url: URL | undefined): void {
  workerEntry = url;
}

const isTypeScript = (file: string | undefined): boolean => file !== undefined && /\.[cm]?tsx?$/.test(file);

interface Busy {
  readonly task: Task;
  readonly job: Job;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  readonly worker: WorkerHandle;
  /** Started with TypeScript support (tsx, on Node). */
  readonly typescript: boolean;
  busy: Busy | undefined;
  dead: boolean;
  /** Locks this worker asked for, by request: `release` once granted. */
  readonly locks: Map<number, { release?: () => void }>;
}

/** See the module comment. */
export class WorkerPoolRunner implements JobRunner {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  /** Worker ids (process ids) that ran at least one job (for tests and summaries). */
  readonly workersUsed = new Set<number>();
  private readonly inProcess: InProcessRunner;
  /** Once a TypeScript module is seen, every new worker can load TypeScript. */
  private typescript: boolean;

  constructor(
    private readonly size: number,
    private readonly init: WorkerInit,
    private readonly executor: Executor,
  ) {
    this.inProcess = new InProcessRunner(executor);
    this.typescript = (workerEntry !== undefined && isTypeScript(workerEntry.pathname)) || isTypeScript(init.pipelineFile) || isTypeScript(rt().mainScript());
  }

  async run(task: Task, job: Job, touchMode: TouchMode): Promise<void> {
    if (task.kind === "mkdir" || !task.func || task.implicit || (touchMode && hasFileParams(task))) return this.inProcess.run(task, job, touchMode);
    checkSendable(task, job);
    if (isTypeScript(task.sourceModule)) this.typescript = true;
    const slot = this.freeSlot();
    const message: ToWorker = {
      type: "job",
      id: ++this.nextId,
      module: task.sourceModule,
      pipeline: task.pipeline.name,
      task: task.name,
      kind: task.kind ?? "follows",
      params: job.params,
      resources: task.resourcesValue,
    };
    return new Promise<void>((resolve, reject) => {
      slot.busy = { task, job, resolve, reject };
      try {
        slot.worker.postMessage(message);
      } catch (e) {
        slot.busy = undefined;
        reject(
          poolError(
            `The parameters of a job of task '${task.displayName}' cannot be sent to a worker process (${(e as Error).message}). ` +
              `Job parameters are structured-cloned: use plain data (strings, numbers, arrays, objects), or run with multithread.`,
          ),
        );
      }
      this.workersUsed.add(slot.worker.id);
    });
  }

  /** The scheduler never has more jobs running than the pool has workers, so one is free. */
  private freeSlot(): Slot {
    for (const s of this.slots) {
      // A worker started without TypeScript support cannot import a .ts module: start one that can.
      if (!s.busy && !s.dead && s.typescript !== this.typescript) this.retire(s);
    }
    const idle = this.slots.find((s) => !s.busy && !s.dead);
    if (idle) return idle;
    if (this.slots.length >= this.size) throw new Error("internal: no free worker");
    return this.start();
  }

  private start(): Slot {
    const worker = rt().createWorker({ entry: workerEntry, data: this.init, typescript: this.typescript });
    const slot: Slot = { worker, typescript: this.typescript, busy: undefined, dead: false, locks: new Map() };
    worker.onMessage((raw) => {
      if (!slot.dead) this.receive(slot, raw as FromWorker);
    });
    worker.onError((e) => {
      const b = slot.busy;
      this.retire(slot);
      b?.reject(poolError(`A worker process for job ${jobText(b.task, b.job)} could not be started or lost its channel: ${e.message}`));
    });
    worker.onExit((code, signal) => {
      const b = slot.busy;
      if (slot.dead) return;
      this.retire(slot);
      b?.reject(poolError(worker.ready ? deathMessage(worker.id, code, signal, b.task, b.job) : notStarted(worker.id, code, signal, b.task, b.job)));
    });
    this.slots.push(slot);
    return slot;
  }

  /** Takes a worker out of the pool: its locks are given up, and it is stopped. */
  private retire(slot: Slot): Promise<void> {
    slot.dead = true;
    slot.busy = undefined;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const l of slot.locks.values()) l.release?.();
    slot.locks.clear();
    return slot.worker.terminate();
  }

  private settle(slot: Slot, how: (b: Busy) => void): void {
    const b = slot.busy;
    slot.busy = undefined;
    if (b) how(b);
  }

  private receive(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case "done":
        this.settle(slot, (b) => b.resolve());
        return;
      case "failed":
        this.settle(slot, (b) => b.reject(errorFromData(m.error)));
        return;
      case "logSetup":
        // The main process's logger of that name writes the worker's lines (the same set-up again is the same logger).
        setupLogging(m.logger, m.file, m.verbose);
        return;
      case "log":
        writeLog(m.logger, m.level, m.message);
        return;
      case "lock": {
        const entry: { release?: () => void } = {};
        slot.locks.set(m.request, entry);
        void acquire(m.name).then((release) => {
          // The worker died while it waited: pass the lock on.
          if (slot.dead || !slot.locks.has(m.request)) return release();
          entry.release = release;
          slot.worker.postMessage({ type: "granted", request: m.request } satisfies ToWorker);
        });
        return;
      }
      case "unlock":
        slot.locks.get(m.request)?.release?.();
        slot.locks.delete(m.request);
        return;
      case "command":
        this.executor.run(m.status ? { ...m.spec, onStatus: (message) => slot.worker.postMessage({ type: "commandStatus", request: m.request, message } satisfies ToWorker) } : m.spec).then(
          (result) => slot.worker.postMessage({ type: "commandDone", request: m.request, result } satisfies ToWorker),
          (e: unknown) => slot.worker.postMessage({ type: "commandDone", request: m.request, error: errorData(e) } satisfies ToWorker),
        );
        return;
      case "counter":
        slot.worker.postMessage({ type: "granted", request: m.request, value: counterAdd(m.name, m.add) } satisfies ToWorker);
        return;
    }
  }

  async terminate(): Promise<void> {
    const all = [...this.slots];
    const stopped = all.map((s) => {
      const b = s.busy;
      const done = this.retire(s);
      b?.reject(poolError("The run was stopped; this job was interrupted."));
      return done;
    });
    await Promise.all(stopped);
  }
}

/**
 * An error of the pool's own making: its stack would only say where the pool noticed (an event of
 * node:child_process), nothing the user can act on, so it is the message alone.
 */
function poolError(message: string): Error {
  const e = new Error(message);
  e.stack = `${e.name}: ${message}`;
  return e;
}

/** The job as failure lines show it, with file names shortened as by default (Ruffus's verbose_abbreviated_path=2). */
const jobText = (task: Task, job: Job): string => `${describeJob(task, job.displayParams, 2, rt().cwd()).line.replace(/^Job {2}= /, "")} of task '${task.displayName}'`;

/** What a signal that killed a worker usually means. */
const SIGNAL_HINTS: Record<string, string> = {
  // The kernel's OOM killer sends SIGKILL.
  SIGKILL: " — out of memory?",
  // V8 (Node, Deno) and Bun abort when the JavaScript heap cannot grow.
  SIGABRT: " — out of memory? (the JavaScript heap limit, or a crash of the runtime)",
  SIGTRAP: " — out of memory? (the JavaScript heap limit, or a crash of the runtime)",
  SIGSEGV: " — a crash of the runtime or of a native module",
};

/** @internal The failure of a job whose worker process died. */
export function deathMessage(pid: number, code: number | null, signal: string | null, task: Task, job: Job): string {
  const how = signal
    ? `died (signal ${signal}${SIGNAL_HINTS[signal] ?? ""})`
    : `exited with code ${code ?? "unknown"} (process.exit() in the task function, an uncaught error, or out of memory?)`;
  return `Worker process ${pid} ${how} while running job ${jobText(task, job)}. The job did not complete; the pool starts a new worker for the next job.`;
}

/** @internal The failure of a job whose worker process stopped before it could take the job. */
export function notStarted(pid: number, code: number | null, signal: string | null, task: Task, job: Job): string {
  return (
    `Worker process ${pid} for job ${jobText(task, job)} stopped before it was ready (${signal ? `signal ${signal}` : `exit code ${code ?? "unknown"}`}): ` +
    `it could not start or load ruffus; its error, if it printed one, is above. The job did not complete.`
  );
}

/** The name of job parameter `i`, as the task function receives it. */
function paramName(task: Task, i: number): string {
  if (!hasFileParams(task)) return `params[${i}]`;
  return i === 0 ? "input" : i === 1 ? "output" : `extras[${i - 2}]`;
}

/**
 * Job parameters are structured-cloned on their way to a worker: a function cannot go at all, and a
 * class instance would arrive as a plain object without its methods. Say so before sending.
 */
function checkSendable(task: Task, job: Job): void {
  for (let i = 0; i < job.params.length; i++) {
    const bad = unsendable(job.params[i], paramName(task, i));
    if (!bad) continue;
    throw poolError(
      `The parameters of a job of task '${task.displayName}' cannot be sent to a worker process: ${bad.path} is ${bad.what}. ` +
        `Job parameters are structured-cloned, which keeps an object's own fields but not its class or methods, and cannot carry functions: ` +
        `use plain data (strings, numbers, arrays, plain objects) and rebuild the object in the task function, or run with multithread.`,
    );
  }
}
