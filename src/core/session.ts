/**
 * The state of one `run()` or `printout()` call: the wiring, the memoised file system, the
 * history, each task's jobs and outputs. Everything that Ruffus caches on its global task
 * objects lives here instead, so calls never interfere (Ruffus §9.2 "not re-entrant").
 */
import { describeJob, type JobDescription } from "../report/job-names.ts";
import { shortenFilenames } from "../report/shorten.ts";
import { sortByPyStr } from "./describe.ts";
import { FileCache } from "./file-cache.ts";
import type { JobHistory } from "./history-types.ts";
import type { FileStat } from "../runtime/types.ts";
import { generateJobs, type Job, type JobSource, type TaskJobs } from "./job-params.ts";
import { ParameterGenerationError, RuffusError } from "./errors.ts";
import { Task } from "./task.ts";
import { checkDirectoriesMissing, checkModifyTime, type UptodateContext, type UptodateResult } from "./uptodate.ts";
import type { Graph } from "./wiring.ts";

/** Settings a session is made with. */
export interface SessionSettings {
  readonly graph: Graph;
  readonly cwd: string;
  readonly history: JobHistory;
  readonly checksumLevel: number;
  readonly runtimeData: Readonly<Record<string, unknown>>;
  readonly verboseAbbreviatedPath: number;
}

/** See the module comment. */
export class Session implements JobSource, UptodateContext {
  readonly graph: Graph;
  readonly cwd: string;
  readonly files: FileCache;
  readonly history: JobHistory;
  readonly checksumLevel: number;
  readonly runtimeData: Readonly<Record<string, unknown>>;
  readonly nLevels: number;
  private readonly jobsCache = new Map<Task, TaskJobs>();
  private readonly outputsCache = new Map<Task, unknown[]>();
  private readonly activeCache = new Map<Task, boolean>();
  private readonly uptodateCache = new Map<Task, boolean>();
  private readonly written = new Map<string, FileStat>();
  /** What jobs that ran since the last refresh may have changed on disk. */
  private changed: "nothing" | "declared" | "anything" = "nothing";
  readonly show: (v: unknown) => string;

  constructor(s: SessionSettings) {
    this.graph = s.graph;
    this.cwd = s.cwd;
    this.files = new FileCache(s.cwd);
    this.history = s.history;
    this.checksumLevel = s.checksumLevel;
    this.runtimeData = s.runtimeData;
    this.nLevels = s.verboseAbbreviatedPath;
    this.show = (v) => shortenFilenames(v, this.nLevels, this.cwd);
  }

  glob(pattern: string): string[] {
    return this.files.glob(pattern);
  }

  /** activeIf() evaluated once per call, as Ruffus does at the start of each run. */
  isActive(task: Task): boolean {
    let a = this.activeCache.get(task);
    if (a === undefined) {
      a = task.isActive();
      this.activeCache.set(task, a);
    }
    return a;
  }

  /** The task's jobs, generated once and reused until {@link refreshJobs}. */
  jobsOf(task: Task): TaskJobs {
    let j = this.jobsCache.get(task);
    if (!j) {
      j = this.generate(task);
      this.jobsCache.set(task, j);
    }
    return j;
  }

  /** The task's jobs if they were generated already (planning looked at the task), else undefined. */
  generatedJobs(task: Task): TaskJobs | undefined {
    return this.jobsCache.get(task);
  }

  /** Generates the jobs again (a task starting, after its parents ran). */
  refreshJobs(task: Task): TaskJobs {
    // Its parents just ran: what they may have changed is looked at again, except what their jobs'
    // outputs were found to be right after they were written.
    if (this.changed === "anything") this.files.invalidate();
    else if (this.changed === "declared") this.files.forgetAfterJobs();
    for (const [path, st] of this.written) this.files.prime(path, st);
    this.written.clear();
    this.changed = "nothing";
    this.jobsCache.delete(task);
    this.outputsCache.delete(task);
    this.uptodateCache.delete(task);
    return this.jobsOf(task);
  }

  /** Forget a task's outputs, so that globbed outputs (split, subdivide) are looked up again. */
  forgetOutputs(task: Task): void {
    this.outputsCache.delete(task);
    if (task.kind === "split" || task.kind === "subdivide" || task.kind === "originate") this.jobsCache.delete(task);
  }

  private generate(task: Task): TaskJobs {
    try {
      return generateJobs(task, this.graph.get(task), this);
    } catch (e) {
      if (e instanceof ParameterGenerationError) throw e;
      throw new ParameterGenerationError(task, e);
    }
  }

  /**
   * A task's outputs as its children see them: every job's output, sorted by `str()`; split and
   * subdivide outputs flattened; with `doNotExpand`, the bare output of a single-output task.
   */
  outputsOf(task: Task, doNotExpand: boolean): unknown {
    if (!this.isActive(task)) return [];
    let list = this.outputsCache.get(task);
    if (!list) {
      const { jobs, hasParams } = this.jobsOf(task);
      const indeterminate = task.kind === "split" || task.kind === "subdivide";
      const collected: unknown[] = [];
      if (hasParams) {
        for (const j of jobs) {
          if (j.params.length < 2) continue;
          const o = j.params[1];
          if (indeterminate) {
            if (Array.isArray(o)) for (const x of o) collected.push(x);
            else collected.push(o);
          } else collected.push(o);
        }
      }
      const single = this.graph.get(task).singleOutput === "single";
      if (single && jobs.length > 1) {
        throw new ParameterGenerationError(task, new RuffusError("Task which is supposed to produce a single output somehow has more than one job."));
      }
      this.outputsCache.set(task, collected);
      list = collected;
    }
    if (doNotExpand && this.graph.get(task).singleOutput === "single" && list.length) return list[0];
    return sortByPyStr(list);
  }

  /** Does this job need to run? `undefined` when the task has no up-to-date check (it always runs). */
  checkJob(task: Task, job: Job, datesWhenUptodate = false, lazyReason = false): UptodateResult | undefined {
    if (task.uptodateCheck) {
      // Whether planning or running asks, a check that throws or answers nonsense fails the task
      // the same way (Ruffus: "Exceptions generating parameters for task = 'x'").
      let r: unknown;
      try {
        r = (task.uptodateCheck as (...p: unknown[]) => unknown)(...job.params);
      } catch (e) {
        throw new ParameterGenerationError(task, e);
      }
      if (Array.isArray(r)) return { needsUpdate: Boolean(r[0]), reason: String(r[1] ?? ""), kind: "custom" };
      if (typeof r === "boolean") return { needsUpdate: r, reason: "", kind: "custom" };
      throw new ParameterGenerationError(
        task,
        new RuffusError(`checkIfUptodate() must return [needsUpdate, reason] or a boolean, synchronously; it returned ${describeValue(r)}.`),
      );
    }
    switch (task.kind) {
      case "mkdir":
        try {
          return checkDirectoriesMissing(job.params, this);
        } catch (e) {
          // A file where a directory should be: the task cannot be set up (Ruffus: "Exceptions generating parameters").
          throw new ParameterGenerationError(task, e);
        }
      case "parallel":
      case "follows":
      case undefined:
        return undefined;
      default:
        return checkModifyTime(job.params, task, this, datesWhenUptodate, lazyReason);
    }
  }

  /** True when every job of the task is up to date (inactive tasks count as up to date). */
  isTaskUptodate(task: Task): boolean {
    let u = this.uptodateCache.get(task);
    if (u === undefined) {
      u = this.computeUptodate(task);
      this.uptodateCache.set(task, u);
    }
    return u;
  }

  private computeUptodate(task: Task): boolean {
    if (!this.isActive(task)) return true;
    const { jobs } = this.jobsOf(task);
    for (const job of jobs) {
      const r = this.checkJob(task, job);
      if (!r || r.needsUpdate) return false;
    }
    return true;
  }

  /**
   * Jobs ran (or posttask functions): `declared` when all they wrote is known (file tasks' outputs,
   * mkdir's directories, touched files), `anything` when not (parallel and follows-only task
   * functions, posttask functions, a failed job's partial work).
   */
  noteChanges(what: "declared" | "anything", paths: Iterable<string> = []): void {
    if (what === "anything" || this.changed === "nothing") this.changed = what;
    this.files.forget(paths);
  }

  /** A job's output as it was right after the job (saves the next task a stat). */
  noteWritten(path: string, st: FileStat): void {
    this.written.set(path, st);
  }

  /** The Ruffus-style description of a job. */
  describe(task: Task, job: Job): JobDescription {
    return describeJob(task, job.displayParams, this.nLevels, this.cwd);
  }

}

function describeValue(v: unknown): string {
  if (v instanceof Promise) return "a Promise (an async function?)";
  if (v === null || v === undefined) return String(v);
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

export { ParameterGenerationError };
