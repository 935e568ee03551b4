/**
 * `multiprocess: N`: jobs run in N long-lived worker threads (Ruffus's process pool). A worker is
 * started on first need and kept for the run; a worker that dies with a job in hand fails that job
 * with a clear message and is replaced. Jobs that call no task function (mkdir, touch modes) stay
 * in the main thread.
 */
import { rt } from "../core/runtime.ts";
import type { Job } from "../core/job-params.ts";
import type { Task } from "../core/task.ts";
import type { WorkerHandle } from "../runtime/types.ts";
import { InProcessRunner, hasFileParams, type JobRunner, type TouchMode } from "./in-process.ts";
import { acquire, counterAdd, writeLog } from "./shared.ts";
import { errorData, errorFromData, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.ts";
import type { Executor } from "./executor.ts";

// Sources run as .ts; the npm build is .js (tsc rewrites import specifiers, not URLs).
const EXT = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
let workerEntry: URL = new URL(`./worker-entry${EXT}`, import.meta.url);

/** @internal The compiled binary's worker entry (it must sit beside the binary's own entry). */
export function setWorkerEntry(url: URL): void {
  workerEntry = url;
}

interface Slot {
  worker: WorkerHandle;
  busy: { id: number; resolve: () => void; reject: (e: unknown) => void } | undefined;
  dead: boolean;
}

/** See the module comment. */
export class WorkerPoolRunner implements JobRunner {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  /** Worker ids that ran at least one job (for tests and summaries). */
  readonly workersUsed = new Set<number>();

  private readonly inProcess: InProcessRunner;

  constructor(
    private readonly size: number,
    private readonly init: WorkerInit,
    private readonly executor: Executor,
  ) {
    this.inProcess = new InProcessRunner(executor);
  }

  async run(task: Task, job: Job, touchMode: TouchMode): Promise<void> {
    if (task.kind === "mkdir" || !task.func || (touchMode && hasFileParams(task))) return this.inProcess.run(task, job, touchMode);
    const slot = this.freeSlot();
    const id = ++this.nextId;
    const message: ToWorker = {
      type: "job",
      id,
      module: task.sourceModule,
      pipeline: task.pipeline.name,
      task: task.name,
      kind: task.kind ?? "follows",
      params: job.params,
      resources: task.resourcesValue,
    };
    return new Promise<void>((resolve, reject) => {
      slot.busy = { id, resolve, reject };
      try {
        slot.worker.postMessage(message);
      } catch (e) {
        slot.busy = undefined;
        reject(
          new Error(
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
    const idle = this.slots.find((s) => !s.busy && !s.dead);
    if (idle) return idle;
    const live = this.slots.filter((s) => !s.dead);
    if (live.length >= this.size) throw new Error("internal: no free worker");
    return this.start();
  }

  private start(): Slot {
    const worker = rt().createWorker(workerEntry, this.init);
    const slot: Slot = { worker, busy: undefined, dead: false };
    worker.onMessage((raw) => this.receive(slot, raw as FromWorker));
    worker.onError((e) => this.fail(slot, e));
    worker.onExit((code) => {
      slot.dead = true;
      this.fail(slot, new Error(`The worker process running this job stopped (exit code ${code}): process.exit() in a task function, or out of memory? The job did not complete.`));
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
    });
    this.slots.push(slot);
    return slot;
  }

  private fail(slot: Slot, e: unknown): void {
    const b = slot.busy;
    slot.busy = undefined;
    b?.reject(e);
  }

  private receive(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case "done": {
        const b = slot.busy;
        slot.busy = undefined;
        b?.resolve();
        return;
      }
      case "failed":
        this.fail(slot, errorFromData(m.error));
        return;
      case "log":
        writeLog(m.logger, m.level, m.message);
        return;
      case "lock":
        void acquire(m.name).then((release) => {
          held.set(`${slot.worker.id}:${m.name}`, release);
          slot.worker.postMessage({ type: "granted", request: m.request } satisfies ToWorker);
        });
        return;
      case "unlock": {
        const key = `${slot.worker.id}:${m.name}`;
        held.get(key)?.();
        held.delete(key);
        return;
      }
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
    const all = this.slots.splice(0);
    for (const s of all) this.fail(s, new Error("The run was stopped; this job was interrupted."));
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}

const held = new Map<string, () => void>();
