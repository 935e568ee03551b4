/**
 * The run loop (reference §4.2): a task starts when every parent in the run set has finished; its
 * jobs are generated then (so globs see the parents' files), checked, and queued; up to
 * `parallelism` jobs run at once across all tasks, within their `jobsLimit` budgets. After a
 * failure no new job starts; running ones finish and are recorded unless the failures reach
 * `parallelism` (or `exceptionsTerminateImmediately`), Ruffus's rule: then worker threads are
 * stopped, and jobs running in this thread, which cannot be, are waited for but not recorded.
 * Nothing here sleeps.
 */
import { stringsIn } from "../patterns/flatten.ts";
import { hasFileParams, type JobRunner, type TouchMode } from "../exec/in-process.ts";
import { JobSignalledBreak, MissingInputFileError, type JobFailure } from "./errors.ts";
import type { EventListener, JobRef } from "./events.ts";
import { functionFingerprint, paramsFingerprint } from "./fingerprint.ts";
import { isGlob } from "./globs.ts";
import type { Job, TaskJobs } from "./job-params.ts";
import { TouchFileIndicator } from "./indicators.ts";
import { abspath, isSimpleRelative } from "./paths.ts";
import type { Plan } from "./plan.ts";
import { rt } from "./runtime.ts";
import { ParameterGenerationError, type Session } from "./session.ts";
import type { Task } from "./task.ts";
import type { TaskTiming } from "./run-options.ts";
import type { FileStat } from "../runtime/types.ts";
import type { UptodateResult } from "./uptodate.ts";

/** What the scheduler needs. */
export interface ScheduleSettings {
  readonly session: Session;
  readonly plan: Plan;
  readonly parallelism: number;
  readonly runner: JobRunner;
  readonly touchMode: TouchMode;
  readonly exceptionsTerminateImmediately: boolean;
  readonly emit: EventListener;
  /** Interrupting the run (Ctrl-C): stop starting jobs and return without waiting for running ones. */
  readonly interrupt?: Interrupt;
  /**
   * Someone reads why each job runs (a log at -v 4 or more, an event listener). Otherwise a job
   * that must run because its outputs were never recorded is not stat-ed to say why.
   */
  readonly reasonsWanted?: boolean;
}

/** What happened. */
export interface ScheduleResult {
  readonly failures: JobFailure[];
  /** Jobs still running when the run stopped (interrupted or abandoned after failures). */
  readonly interrupted: JobRef[];
  readonly tasksRun: Task[];
  readonly tasksUptodate: Task[];
  readonly jobsRun: number;
  readonly jobsUptodate: number;
  readonly timings: TaskTiming[];
}

/** Lets a signal handler stop the scheduler from outside. */
export class Interrupt {
  interrupted = false;
  private wake: (() => void) | undefined;
  /** A promise that resolves when {@link fire} is called. */
  readonly fired = new Promise<void>((resolve) => {
    this.wake = resolve;
  });
  private readonly listeners: (() => void)[] = [];
  /** Calls `fn` when the run is interrupted. */
  onFire(fn: () => void): void {
    this.listeners.push(fn);
  }
  fire(): void {
    this.interrupted = true;
    this.wake?.();
    for (const l of this.listeners.splice(0)) l();
  }
}

interface TaskState {
  remaining: number;
  ran: number;
  uptodate: number;
  started: number;
}

interface Pending {
  ref: JobRef;
  limitName: string | undefined;
  /** The history no longer holds (on disk) records of the outputs this job will write. */
  cleared?: boolean;
  /** The job's output files when its names alone tell them (see {@link plainOutputFiles}): looked at before and after it runs. */
  outs?: string[] | null;
}

/** Runs the plan. Resolves when all work is done or the run stopped on failures. */
export async function schedule(s: ScheduleSettings): Promise<ScheduleResult> {
  const { session, plan, emit } = s;
  const inRun = new Set(plan.toRun);
  const parentsInRun = new Map<Task, Task[]>();
  for (const t of plan.toRun) parentsInRun.set(t, session.graph.get(t).parents.filter((p) => inRun.has(p)));

  const waiting: Task[] = [...plan.toRun];
  const done = new Set<Task>();
  const states = new Map<Task, TaskState>();
  const queue: Pending[] = [];
  const limits = new Map<string, { limit: number; running: number }>();
  const running = new Set<Promise<void>>();
  const runningJobs = new Set<JobRef>();
  const failures: JobFailure[] = [];
  const result = { tasksRun: [] as Task[], tasksUptodate: [] as Task[], jobsRun: 0, jobsUptodate: 0, timings: [] as TaskTiming[] };
  let stopFeeding = false;
  let abort = false;

  const finishTask = async (task: Task, st: TaskState, uptodate: boolean): Promise<void> => {
    try {
      await runPosttasks(task, session);
    } catch (e) {
      failures.push({ task: task.displayName, job: "posttask", error: e });
      stopFeeding = true;
      abort = true;
      return;
    }
    session.forgetOutputs(task);
    done.add(task);
    const elapsedMs = rt().now() - st.started;
    result.timings.push({ task: task.displayName, jobsRun: st.ran, jobsUptodate: st.uptodate, elapsedMs });
    emit({ type: "taskCompleted", task, jobsRun: st.ran, jobsUptodate: st.uptodate, uptodate, elapsedMs });
  };

  /** Starts every task whose parents are done; returns true if any started. */
  const startReadyTasks = async (): Promise<boolean> => {
    let startedAny = false;
    for (let i = 0; i < waiting.length && !stopFeeding; ) {
      const task = waiting[i];
      if (!parentsInRun.get(task)!.every((p) => done.has(p))) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      startedAny = true;
      if (!session.isActive(task)) {
        emit({ type: "taskInactive", task });
        done.add(task);
        continue;
      }
      const forced = plan.forced.has(task);
      emit({ type: "taskQueued", task, forced });
      const st: TaskState = { remaining: 0, ran: 0, uptodate: 0, started: rt().now() };
      states.set(task, st);
      result.tasksRun.push(task);
      let jobs: TaskJobs;
      try {
        jobs = queueJobs(task, forced, st);
      } catch (e) {
        failures.push({ task: task.displayName, job: undefined, error: e });
        stopFeeding = true;
        abort = true;
        return startedAny;
      }
      if (st.remaining === 0) {
        await finishTask(task, st, true);
        for (const w of jobs.warnings) emit({ type: "warning", task, message: w, details: jobs.matchFailures });
      }
      i = 0;
    }
    return startedAny;
  };

  const queueJobs = (task: Task, forced: boolean, st: TaskState): TaskJobs => {
    const taskJobs = session.refreshJobs(task);
    const jobs = taskJobs.jobs;
    const limitName = task.jobsLimitValue?.name;
    if (task.jobsLimitValue && !limits.has(task.jobsLimitValue.name)) {
      limits.set(task.jobsLimitValue.name, { limit: task.jobsLimitValue.limit, running: 0 });
    }
    for (const job of jobs) {
      const ref = jobRef(task, job, session);
      let why: "forced" | "nocheck" | "outofdate" = "forced";
      let check: UptodateResult | undefined;
      if (!forced && s.touchMode !== 2) {
        const r = session.checkJob(task, job, false, !s.reasonsWanted);
        if (r === undefined) why = "nocheck";
        else if (!r.needsUpdate) {
          st.uptodate++;
          result.jobsUptodate++;
          emit({ type: "jobUptodate", job: ref, reason: r.reason });
          continue;
        } else {
          why = "outofdate";
          check = r;
        }
      }
      emit({
        type: "jobQueued",
        job: ref,
        why,
        get reason(): string {
          return check?.reason ?? "";
        },
      });
      // Ruffus checks the inputs right after logging the job, in touch mode too (job_needs_to_run).
      if (why === "outofdate" && hasFileParams(task) && !task.uptodateCheck) checkInputsExist(job, session);
      st.remaining++;
      queue.push({ ref, limitName });
    }
    return taskJobs;
  };

  /** The outputs of a queued job that the history records as complete. */
  const recordedOutputs = (p: Pending): string[] | undefined => {
    const { task, job } = p.ref;
    if (job.params.length < 2 || !hasFileParams(task)) return undefined;
    let found: string[] | undefined;
    for (const f of outputsOf(p, session)) if (session.history.has(f)) (found ??= []).push(f);
    return found;
  };

  // A job about to rewrite outputs the history says are complete: their records are removed and
  // the history written out before it starts, so that a crash half-way through cannot leave a
  // half-written file that reads as finished. One write covers a batch of the jobs next in the
  // queue: at least the free slots, at most as many as have started so far (a forced task of
  // 10,000 jobs writes the history 15 times, and a failure makes at most that many more
  // jobs than Ruffus run again), so a job that never starts keeps its records.
  let jobsStarted = 0;
  const clearAhead = async (from: number): Promise<void> => {
    const batch = Math.max(s.parallelism - running.size, jobsStarted, 1);
    let forgot = false;
    for (let i = from, n = 0; i < queue.length && n < batch; i++, n++) {
      const p = queue[i];
      if (p.cleared) continue;
      p.cleared = true;
      for (const f of recordedOutputs(p) ?? []) {
        session.history.delete(f);
        forgot = true;
      }
    }
    if (forgot) await session.history.flush();
  };

  // Jobs leave the queue from its head far more often than from elsewhere (jobs limits): taking
  // the head moves an index instead of shifting the array (splice(0, 1) is O(n): quadratic per task).
  let head = 0;
  const take = (i: number): void => {
    if (i === head) {
      queue[head++] = undefined as unknown as Pending;
      if (head === queue.length || (head > 1024 && head * 2 > queue.length)) {
        queue.splice(0, head);
        head = 0;
      }
    } else queue.splice(i, 1);
  };
  const dispatch = async (): Promise<void> => {
    for (let i = head; i < queue.length && running.size < s.parallelism && !stopFeeding; ) {
      const p = queue[i];
      const lim = p.limitName ? limits.get(p.limitName) : undefined;
      if (lim && lim.running >= lim.limit) {
        i++;
        continue;
      }
      if (!p.cleared && recordedOutputs(p)) {
        try {
          await clearAhead(i);
        } catch (e) {
          failures.push({ task: p.ref.task.displayName, job: undefined, error: e });
          stopFeeding = true;
          abort = true;
        }
        if (interrupted()) return;
        continue; // the queue is as it was: only dispatch takes from it
      }
      const fromHead = i === head;
      take(i);
      if (fromHead) i = head;
      jobsStarted++;
      if (lim) lim.running++;
      const promise: Promise<void> = runOne(p).finally(() => {
        running.delete(promise);
        if (lim) lim.running--;
      });
      running.add(promise);
    }
  };

  const runOne = async (p: Pending): Promise<void> => {
    const { ref } = p;
    const { task, job } = ref;
    emit({ type: "jobStarted", job: ref });
    runningJobs.add(ref);
    const t0 = rt().now();
    let error: unknown;
    let failed = false;
    const { count, backoffMs } = task.retriesValue;
    for (let attempt = 0; ; attempt++) {
      try {
        await s.runner.run(task, job, s.touchMode);
        failed = false;
        break;
      } catch (e) {
        failed = true;
        error = e;
        // Machine and scheduler failures are retried up to 3 times; the job's own failures only if the task asks.
        const retryable = (e as { retryable?: unknown } | undefined)?.retryable === true;
        const allowed = Math.max(count, retryable ? 3 : 0);
        // Another job's failure stops new jobs, not this one's remaining attempts (a running job finishes).
        if (abort || attempt >= allowed) break;
        const delayMs = backoffMs * 2 ** attempt;
        emit({ type: "jobRetry", job: ref, error: e, attempt: attempt + 2, of: allowed + 1, delayMs });
        await new Promise((r) => setTimeout(r, delayMs));
        if (abort) break;
      }
    }
    const durationMs = rt().now() - t0;
    if (abort) return; // the run already gave up; a late result must not be recorded
    runningJobs.delete(ref);
    const st = states.get(task)!;
    if (!failed) {
      try {
        const outputs = await recordOutputs(task, job, session, { startedMs: t0, durationMs, touchMode: s.touchMode, outs: p.outs ?? undefined });
        session.history.recordJob?.({ task: task.displayName, kind: task.kind, params: job.displayParams, status: "ok", startedMs: t0, durationMs, outputs });
      } catch (e) {
        // The job ran but its outputs cannot be recorded (the history cannot be written...): it did not complete.
        failed = true;
        error = e;
      }
    }
    // Tasks with files declare what they write; other task functions (parallel, follows) may write anything.
    if (failed || !hasFileParams(task)) session.noteChanges(task.kind === "mkdir" && !failed ? "declared" : "anything", task.kind === "mkdir" ? stringsIn(job.params) : []);
    else session.noteChanges("declared");
    if (failed) {
      forgetOutputs(job, session);
      session.history.recordJob?.({ task: task.displayName, kind: task.kind, job: ref.name, params: job.displayParams, status: "failed", startedMs: t0, durationMs, error: errorSummary(error) });
      failures.push({ task: task.displayName, job: ref.name, error });
      emit({ type: "jobFailed", job: ref, error, durationMs });
      stopFeeding = true;
      const isBreak = error instanceof JobSignalledBreak || (error instanceof Error && error.name === "JobSignalledBreak");
      if (isBreak || s.exceptionsTerminateImmediately || failures.length >= s.parallelism) abort = true;
      return;
    }
    st.ran++;
    result.jobsRun++;
    emit({ type: "jobCompleted", job: ref, durationMs });
    if (--st.remaining === 0) await finishTask(task, st, false);
  };

  const interrupted = (): boolean => {
    if (s.interrupt?.interrupted) abort = true;
    return abort;
  };
  // Task functions that never wait (synchronous work) finish in microtasks, one after another, and
  // would keep signal handlers (Ctrl-C) and timers from running until the whole run is over. A
  // timer notes the turns of the event loop; when none came for a while, the loop waits for one.
  // (One repeating timer: a timer per turn cost a microsecond or two per job.)
  let lastTurn = rt().now();
  const tick = setInterval(() => {
    lastTurn = rt().now();
  }, 10);
  (tick as { unref?: () => void }).unref?.();
  // From the moment of the signal, jobs ending (their processes killed) are interrupted, not failed.
  s.interrupt?.onFire(() => {
    abort = true;
  });
  try {
    for (;;) {
      if (!interrupted() && !stopFeeding) await startReadyTasks();
      if (interrupted()) break;
      await dispatch();
      if (interrupted()) break;
      // Nothing running and nothing startable: every remaining task waits on a failed parent.
      if (running.size === 0) break;
      await Promise.race(s.interrupt ? [...running, s.interrupt.fired] : running);
      if (rt().now() - lastTurn > 50 && !interrupted()) {
        // Two turns: Node hands a signal to its listeners one loop iteration after noticing it.
        if (typeof setImmediate === "function") await new Promise<void>((r) => setImmediate(r));
        await new Promise<void>((r) => setTimeout(r, 0));
        lastTurn = rt().now();
      }
    }
  } finally {
    clearInterval(tick);
  }
  if (abort && running.size) {
    // Worker threads are stopped; jobs running in this thread cannot be, so the run waits for them
    // (their results are not recorded) rather than returning while they still write files. A
    // signal does not wait: the caller kills their processes and exits.
    await s.runner.terminate?.();
    if (!s.interrupt?.interrupted) await Promise.race([Promise.allSettled(running), ...(s.interrupt ? [s.interrupt.fired] : [])]);
  }
  result.tasksUptodate = plan.allTasks.filter((t) => !inRun.has(t));
  // Up-to-date tasks' jobs were generated for the plan already; count them in the summary too.
  for (const t of result.tasksUptodate) if (session.isActive(t)) result.jobsUptodate += session.jobsOf(t).jobs.length;
  return { failures, interrupted: [...runningJobs], ...result };
}

/** Ruffus's check before queuing a job: its inputs must exist (a broken symlink says so). */
function checkInputsExist(job: Job, session: Session): void {
  for (const f of stringsIn(job.params[0])) {
    if (session.files.exists(f)) continue;
    if (session.files.lstat(f)) throw new MissingInputFileError(`No way to run job: Input file '${f}' is a broken symbolic link.`);
    throw new MissingInputFileError(`No way to run job: Input file '${f}' does not exist`);
  }
}

/**
 * The job's output files when its names alone tell them, without looking at the disk (nearly every
 * job): no globs, and plain relative names, which compare as strings (outputs that are inputs left
 * out); else undefined.
 */
function plainOutputFiles(job: Job): string[] | undefined {
  const outs = stringsIn(job.displayParams[1]);
  const ins = stringsIn(job.params[0]);
  for (const o of outs) if (isGlob(o) || !isSimpleRelative(o)) return undefined;
  for (const f of ins) if (!isSimpleRelative(f)) return undefined;
  if (!ins.length) return outs;
  if (ins.length === 1) return outs.filter((o) => o !== ins[0]);
  const set = new Set(ins);
  return outs.filter((o) => !set.has(o));
}

/** A queued job's output files, from its names once (see {@link plainOutputFiles}), else from the disk. */
function outputsOf(p: Pending, session: Session): string[] {
  if (p.outs === undefined) p.outs = plainOutputFiles(p.ref.job) ?? null;
  return p.outs ?? outputFiles(p.ref.job, session);
}

/** The job's outputs as files now on disk: globs expanded again, outputs that are inputs left out. */
function outputFiles(job: Job, session: Session): string[] {
  const plain = plainOutputFiles(job);
  if (plain) return plain;
  const cwd = session.cwd;
  const inputs = new Set(stringsIn(job.params[0]).map((f) => abspath(f, cwd)));
  const out: string[] = [];
  for (const o of stringsIn(job.displayParams[1])) {
    const files = isGlob(o) ? rt().glob(o, { cwd }) : [o];
    for (const f of files) if (!inputs.has(abspath(f, cwd))) out.push(f);
  }
  return out;
}

function forgetOutputs(job: Job, session: Session): void {
  if (job.params.length < 2) return;
  for (const f of outputFiles(job, session)) session.history.delete(f);
}

/** What {@link recordOutputs} needs to know about the job that just completed. */
interface Completed {
  /** When the job started (before its first attempt). */
  readonly startedMs: number;
  readonly durationMs: number;
  readonly touchMode: TouchMode;
  /** The job's output files if its names alone tell them (computed before it ran). */
  readonly outs?: string[];
}

/**
 * Records a completed job's outputs. An output written just now is recorded at its file time, or
 * just after its newest input (file or record) when the file system's clock ticked too coarsely
 * to tell them apart, so a child's outputs are always newer than its parents' — Ruffus slept a
 * second per task for that, and recorded the completion time. Not the completion time: an input
 * edited right after the job, within the same clock tick, would then look older than the output.
 */
async function recordOutputs(task: Task, job: Job, session: Session, c: Completed): Promise<number> {
  let outputs = 0;
  if (job.params.length < 2 || !hasFileParams(task)) return outputs;
  const funcHash = functionFingerprint(task.func);
  const paramsHash = paramsFingerprint(job.displayParams.length > 2 ? job.displayParams.slice(2) : NO_EXTRAS);
  const inputs = stringsIn(job.params[0]);
  // The newest input, on disk (and with its record), looked up once for all the job's outputs.
  let newestFile: number | undefined;
  let newestRecorded: number | undefined;
  for (const f of c.outs ?? outputFiles(job, session)) {
    let st = rt().stat(f);
    if (!st) continue;
    if (c.touchMode !== 2) st = (await keepNewerThanInputs(f, st, inputs, session, c.startedMs, (newestFile ??= newestInput(inputs, session, false)))) ?? st;
    let mtime = st.mtimeMs;
    const now = rt().now();
    if (c.touchMode !== 2 && now >= mtime && now - mtime < 1100) mtime = Math.max(mtime, (newestRecorded ??= newestInput(inputs, session, true)) + 0.001);
    if (c.touchMode === 2) mtime = recordedAfterInputs(mtime, inputs, session);
    session.noteWritten(f, st);
    session.history.set(f, { mtime, funcHash, paramsHash }, { task: task.displayName, fileMtime: st.mtimeMs, fileSize: st.size, durationMs: c.durationMs, finishedMs: c.startedMs + c.durationMs });
    outputs++;
  }
  return outputs;
}

/**
 * Rebuilding the history from the files on disk (touch mode 2) records an output at its file time,
 * except when that time ties with its newest input's (files unpacked from an archive with whole
 * seconds, or touched together): then just after it, so that the rebuilt history trusts them. An
 * input clearly newer than its output (edited later) still makes the job out of date.
 */
function recordedAfterInputs(mtime: number, inputs: string[], session: Session): number {
  const newest = newestInput(inputs, session, true);
  return newest >= mtime && newest - mtime < 1100 ? newest + 0.001 : mtime;
}

/** The newest time among the inputs on disk (and, with `recorded`, their history records); -Infinity without any. */
function newestInput(inputs: string[], session: Session, recorded: boolean): number {
  let newest = -Infinity;
  for (const i of inputs) {
    const s = session.files.stat(i);
    if (s && s.mtimeMs > newest) newest = s.mtimeMs;
    const rec = recorded ? session.history.get(i) : undefined;
    if (rec && rec.mtime > newest) newest = rec.mtime;
  }
  return newest;
}

/**
 * One tick of the file system's clock, as far as an output's time tells: a file system that
 * keeps whole seconds (FAT: two) shows it in every time; others tick with the kernel's clock
 * (milliseconds), and 100 ms leaves room for the difference between that clock and ours.
 */
function clockTickMs(mtimeMs: number): number {
  return mtimeMs % 1000 === 0 ? 2000 : 100;
}

/**
 * Checksum level 0 compares file times only (and a history written at a higher level may be read
 * at level 0 later). A job that writes its output within the same file-system clock tick as its
 * newest input leaves the output no newer than the input, which level 0 reads as out of date
 * forever; Ruffus slept between tasks to avoid that, we move the output's time just past the
 * input's instead. Only then, though: the output is a file this job wrote (its time is not before
 * the job started), its time ties with the input's within one tick, and the input's is not in the
 * future (clock skew). Anything else — an output the job left alone, one written with old times
 * (`cp -p`, `tar`, `curl -R`), an input edited later — is left as it is for the comparison to see,
 * as Ruffus sees it. Files are never changed through a symbolic link or a second hard link (a
 * shared reference file, or the input itself), and a failure here only skips the adjustment.
 */
async function keepNewerThanInputs(output: string, st: FileStat, inputs: string[], session: Session, startedMs: number, newest: number): Promise<FileStat | undefined> {
  try {
    const tick = clockTickMs(st.mtimeMs);
    if (newest === -Infinity || st.mtimeMs > newest || newest - st.mtimeMs >= tick) return undefined;
    if (st.mtimeMs < startedMs - tick || newest > rt().now() + tick) return undefined;
    const own = rt().lstat(output);
    if (!own || own.isSymbolicLink || (own.isFile && own.nlink > 1) || (!own.isFile && !own.isDirectory)) return undefined;
    for (const i of inputs) {
      const s = session.files.stat(i);
      if (s && s.dev === own.dev && s.ino === own.ino) return undefined;
    }
    session.files.forget([output]);
    let after: FileStat | undefined;
    // The smallest step the file system keeps: 10 µs (ns times), else 1 ms, else the next whole
    // (or even) second. A bigger step than needed would reorder it after files written later.
    for (const step of [0.01, 1, 1000, 2000]) {
      const target = step < 1000 ? newest + step : (Math.floor(newest / step) + 1) * step;
      await rt().utimes(output, target, target);
      after = rt().stat(output);
      if (after && after.mtimeMs > newest) break;
    }
    return after;
  } catch {
    // EPERM (a file owned by someone else), a file removed meanwhile...: the time stays as it was.
    return undefined;
  }
}

async function runPosttasks(task: Task, session: Session): Promise<void> {
  for (const a of task.posttasks) {
    if (a instanceof TouchFileIndicator) {
      for (const f of a.files) await rt().touch(f);
      session.noteChanges("declared", a.files);
    } else {
      session.noteChanges("anything");
      await a();
    }
  }
}

export { ParameterGenerationError };

function errorSummary(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const NO_EXTRAS: readonly unknown[] = [];

/** A job for events; its description is only formatted if a listener reads it (not at verbosity 0). */
function jobRef(task: Task, job: Job, session: Session): JobRef {
  let name: string | undefined;
  return {
    task,
    job,
    get name(): string {
      name ??= session.describe(task, job).line;
      return name;
    },
  };
}
