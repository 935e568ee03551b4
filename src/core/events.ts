/**
 * What the engine reports while it runs. The scheduler only emits these; the Ruffus-style log,
 * the progress display and any user listener consume them, so what is shown never changes what
 * is done (the google/wireit event/logger split).
 */
import type { Task } from "./task.ts";
import type { Job } from "./job-params.ts";

/** A job as events carry it: its task, parameters and Ruffus-style description. */
export interface JobRef {
  readonly task: Task;
  readonly job: Job;
  /** `Job  = [a.1 -> a.2, extra]` */
  readonly name: string;
}

/** Every event of a run. */
export type PipelineEvent =
  /** The plan is made: which tasks are up to date and which will run. */
  | { readonly type: "plan"; readonly toRun: readonly Task[]; readonly uptodate: readonly Task[]; readonly allTasks: readonly Task[]; readonly forced: ReadonlySet<Task> }
  /** `Task enters queue = 'x'` */
  | { readonly type: "taskQueued"; readonly task: Task; readonly forced: boolean }
  /** `Inactive Task = 'x'` */
  | { readonly type: "taskInactive"; readonly task: Task }
  /** A job will run; `reason` says why (forced, no check, or the up-to-date message). */
  | { readonly type: "jobQueued"; readonly job: JobRef; readonly why: "forced" | "nocheck" | "outofdate"; readonly reason: string }
  /** A job of a running task was already up to date. */
  | { readonly type: "jobUptodate"; readonly job: JobRef; readonly reason: string }
  | { readonly type: "jobStarted"; readonly job: JobRef }
  | { readonly type: "jobCompleted"; readonly job: JobRef; readonly durationMs: number }
  | { readonly type: "jobFailed"; readonly job: JobRef; readonly error: unknown; readonly durationMs: number }
  /** A failed job will be tried again after `delayMs` (attempt counts from 2). */
  | { readonly type: "jobRetry"; readonly job: JobRef; readonly error: unknown; readonly attempt: number; readonly of: number; readonly delayMs: number }
  /** All jobs of a task finished (`Completed Task = 'x'`), or none needed to run (`Uptodate Task = 'x'`). */
  | { readonly type: "taskCompleted"; readonly task: Task; readonly jobsRun: number; readonly jobsUptodate: number; readonly uptodate: boolean; readonly elapsedMs: number }
  /** Warnings such as "no file names matched"; `details` are per-job substitution failures. */
  | { readonly type: "warning"; readonly task: Task | undefined; readonly message: string; readonly details: readonly string[] }
  /** Touch mode announced (`Touch output files instead of remaking them.`). */
  | { readonly type: "touchMode"; readonly mode: 1 | 2 }
  /** The run is over. */
  | { readonly type: "runFinished"; readonly ok: boolean; readonly elapsedMs: number };

/** Something that receives events. */
export type EventListener = (event: PipelineEvent) => void;
