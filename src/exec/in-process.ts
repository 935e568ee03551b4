/**
 * Runs a job in the calling thread: calls the task function the way Ruffus's job wrappers do,
 * makes directories for mkdir tasks, or only touches outputs in touch mode.
 */
import { stringsIn } from "../patterns/flatten.ts";
import { rt } from "../core/runtime.ts";
import type { Job } from "../core/job-params.ts";
import type { Task } from "../core/task.ts";
import { abspath } from "../core/paths.ts";
import { jobContext, type Executor, type JobContext } from "./executor.ts";

/** 0: run jobs; 1: touch outputs instead; 2: do nothing (the history is rebuilt from the files). */
export type TouchMode = 0 | 1 | 2;

/** Something that can run one job. The scheduler awaits it; a rejection is the job's failure. */
export interface JobRunner {
  run(task: Task, job: Job, touchMode: TouchMode): Promise<void>;
  /** Stops everything still running (workers, child processes). */
  terminate?(): Promise<void>;
}

/** Kinds whose jobs read and write files: touch modes apply to them. */
export function hasFileParams(task: Task): boolean {
  return task.kind !== "parallel" && task.kind !== "follows" && task.kind !== undefined && task.kind !== "mkdir";
}

/** Creates every directory of a mkdir job (existing ones are fine). */
export async function makeDirectories(job: Job): Promise<void> {
  const dirs = job.params.length === 1 ? job.params[0] : job.params[1];
  for (const d of stringsIn(dirs)) await rt().mkdirp(d);
}

/** Touches every output that is not also an input. */
export async function touchOutputs(job: Job): Promise<void> {
  const cwd = rt().cwd();
  const inputs = new Set(stringsIn(job.params[0]).map((f) => rt().realpath(abspath(f, cwd))));
  for (const o of stringsIn(job.params[1])) {
    if (inputs.has(rt().realpath(abspath(o, cwd)))) continue;
    await rt().touch(o);
  }
}

/** Calls the task function with the job's parameters, as Ruffus would. */
export async function callTaskFunction(task: Task, job: Job): Promise<void> {
  const func = task.func as ((...args: unknown[]) => unknown) | undefined;
  if (!func) return;
  if (task.kind === "originate") await func(job.params[1], ...job.params.slice(2));
  else await func(...job.params);
}

/** The runner used for `multithread` and for sequential runs. */
export class InProcessRunner implements JobRunner {
  /** What sh and runJob find: the same for every job of a task (made once, not per job). */
  private readonly contexts = new Map<Task, JobContext>();

  constructor(private readonly executor: Executor) {}

  run(task: Task, job: Job, touchMode: TouchMode): Promise<void> {
    if (task.kind === "mkdir") return makeDirectories(job);
    if (touchMode && hasFileParams(task)) return touchMode === 1 ? touchOutputs(job) : Promise.resolve();
    let ctx = this.contexts.get(task);
    if (!ctx) {
      ctx = { task: task.displayName, resources: task.resourcesValue, executor: this.executor };
      this.contexts.set(task, ctx);
    }
    // sh and runJob inside the task function find the run's executor and the task's resources here.
    // (callTaskFunction is async: a task function that throws at once rejects, as before.)
    return jobContext().run(ctx, () => callTaskFunction(task, job));
  }
}
