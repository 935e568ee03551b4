/**
 * `run()`: prepare, log the plan, schedule the jobs, record the history, report failures.
 */
import { InProcessRunner, type JobRunner, type TouchMode } from "../exec/in-process.ts";
import { WorkerPoolRunner } from "../exec/worker-pool.ts";
import type { Executor } from "../exec/executor.ts";
import { LocalExecutor } from "../exec/local-executor.ts";
import { SlurmExecutor } from "../exec/slurm-executor.ts";
import { flushSharedLogs, runInWorker } from "../exec/shared.ts";
import { pipelineFileLoaded } from "../history/open.ts";
import { pipelineArgs } from "./pipeline-args.ts";
import { blackHoleLogger, stderrLogger } from "../report/logger.ts";
import { runLog } from "../report/run-log.ts";
import { asJobError, RethrownJobError, RuffusError } from "./errors.ts";
import { refuseUnfillablePatterns } from "./pattern-groups.ts";
import type { EventListener, PipelineEvent } from "./events.ts";
import type { Pipeline } from "./pipeline.ts";
import { prepare } from "./prepare.ts";
import type { RunOptions, RunSummary } from "./run-options.ts";
import { rt } from "./runtime.ts";
import { Interrupt, schedule } from "./scheduler.ts";

function touchModeOf(v: RunOptions["touchFilesOnly"]): TouchMode {
  if (v === undefined || v === false || v === 0) return 0;
  if (v === true || v === 1) return 1;
  return 2;
}

let loadingPipelineFile = false;

/**
 * @internal While `ruff` imports a pipeline file, a `run()` at its top level (a script written for
 * `node pipeline.ts`) does nothing: the command decides what happens (`-n`, `list`, `--flowchart`
 * must never run jobs, and a plain `ruff pipeline.ts` must not run the pipeline twice).
 */
export function setLoadingPipelineFile(loading: boolean): void {
  loadingPipelineFile = loading;
}

/** Runs a pipeline; see `Pipeline.run`. */
export async function runPipeline(pipeline: Pipeline, o: RunOptions): Promise<RunSummary> {
  const started = rt().now();
  const verbose = o.verbose ?? 1;
  const logger = verbose === 0 ? blackHoleLogger : (o.logger ?? stderrLogger);
  const touchMode = touchModeOf(o.touchFilesOnly);
  const parallelism = Math.max(1, o.multiprocess ?? 0, o.multithread ?? 0);
  if (!Number.isInteger(parallelism)) throw new RuffusError("multiprocess / multithread must be whole numbers.");
  if (runInWorker() || loadingPipelineFile) {
    // A worker imports the pipeline's module again to find task functions; a run() at its top level
    // must not start a second pipeline (nor take the history lock). From a job, runInWorker() throws.
    return { tasksRun: [], tasksUptodate: [], jobsRun: 0, jobsUptodate: 0, elapsedMs: 0, tasks: [], fileSystemCalls: { stats: 0, globs: 0 } };
  }

  // Before the history is opened (and locked): a bad executor option fails with nothing to undo.
  const executor = makeExecutor(o);
  let prepared;
  try {
    prepared = await prepare(pipeline, { ...o, touchFilesOnly: touchMode, forHistoryWrite: true });
  } catch (e) {
    throw asJobError(e);
  }
  const { session, plan, history } = prepared;
  // A pattern no job of its task can fill in: Ruffus's error now, not after the tasks before it ran.
  try {
    refuseUnfillablePatterns(session, plan.toRun);
  } catch (e) {
    await history.close();
    throw asJobError(e);
  }
  const listeners: EventListener[] = [runLog({ logger, verbose, session, logExceptions: o.logExceptions ?? false })];
  if (o.onEvent) listeners.push(o.onEvent);
  // The log writes a line per job only from -v 3 (up-to-date jobs from -v 5): below that, with no
  // listener of the caller's, the per-job events are not made into calls at all.
  const quietJobs = verbose < 3 && !o.onEvent;
  const emit = (e: PipelineEvent): void => {
    if (quietJobs && (e.type === "jobQueued" || e.type === "jobStarted" || e.type === "jobCompleted" || e.type === "jobUptodate")) return;
    for (const l of listeners) l(e);
  };

  const interrupt = new Interrupt();
  let signal: "SIGINT" | "SIGTERM" | "SIGHUP" | undefined;
  // 128 + the signal's number, as a shell reports a command killed by it.
  const exitCode = (sig: "SIGINT" | "SIGTERM" | "SIGHUP"): number => (sig === "SIGINT" ? 130 : sig === "SIGHUP" ? 129 : 143);
  const removeHandlers: (() => void)[] = [];
  if (o.handleSignals ?? true) {
    // SIGHUP (the terminal closed) stops the run as SIGTERM does.
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      removeHandlers.push(
        rt().onSignal(sig, () => {
          if (signal) {
            // A second Ctrl-C: leave at once, but kill what the run started first (no waiting).
            executor.killAll?.();
            rt().exit(exitCode(sig));
          }
          signal = sig;
          interrupt.fire();
        }),
      );
    }
  }

  // Worker processes only when asked for with multiprocess and not overridden by multithread.
  const runner: JobRunner =
    (o.multiprocess ?? 0) > 1 && !((o.multithread ?? 0) > 0)
      ? new WorkerPoolRunner(o.multiprocess as number, { pipelineFile: pipelineFileLoaded(), pipelineArgs: pipelineArgs(), cwd: rt().cwd() }, executor)
      : new InProcessRunner(executor);
  interrupt.onFire(() => {
    // Stop everything already started: process groups are killed, cluster jobs scancel-ed.
    void executor.cancelAll();
  });
  let result;
  try {
    history.startRun({ verbose, parallelism, touchMode, checksumLevel: session.checksumLevel, targets: prepared.targets.map((t) => t.displayName) });
    if (touchMode) emit({ type: "touchMode", mode: touchMode });
    // A task left out of the run because it has no jobs ("files() was empty", "no file names
    // matched") is warned about when planning finds it up to date, as Ruffus does.
    const toRun = new Set(plan.toRun);
    for (const t of plan.allTasks) {
      const jobs = toRun.has(t) || !session.isActive(t) ? undefined : session.generatedJobs(t);
      if (jobs && !jobs.jobs.length) for (const w of jobs.warnings) emit({ type: "warning", task: t, message: w, details: [] });
    }
    emit({ type: "plan", toRun: plan.toRun, uptodate: plan.allTasks.filter((t) => !toRun.has(t)), allTasks: plan.allTasks, forced: plan.forced });
    result = await schedule({
      session,
      plan,
      parallelism,
      runner,
      touchMode,
      exceptionsTerminateImmediately: o.exceptionsTerminateImmediately ?? false,
      emit,
      interrupt,
      reasonsWanted: verbose >= 4 || o.onEvent !== undefined,
    });
    if (signal) {
      for (const j of result.interrupted) history.recordJob?.({ task: j.task.displayName, kind: j.task.kind, job: j.name, params: j.job.displayParams, status: "interrupted", error: `interrupted by ${signal}` });
    }
    history.endRun({ ok: result.failures.length === 0 && !signal, jobsRun: result.jobsRun, jobsUptodate: result.jobsUptodate, failures: result.failures.length, interrupted: signal ?? null });
  } finally {
    if (signal) await executor.cancelAll();
    await executor.close?.();
    await runner.terminate?.();
    await flushSharedLogs();
    await history.close();
    // Interrupted, the run exits below: its handlers stay until then, or a second Ctrl-C arriving
    // meanwhile would meet no listener and kill the process by the signal (no exit status 130).
    if (!signal) for (const r of removeHandlers) r();
  }
  if (signal) {
    const names = result.interrupted.map((j) => `    ${j.task.displayName}: ${j.name}`);
    rt().stderr.write(
      `\nruffus: interrupted by ${signal}. ` +
        (names.length ? `These jobs were running; they are not recorded as complete and will run again:\n${names.join("\n")}\n` : "No job was running.\n"),
    );
    rt().exit(exitCode(signal));
  }
  const elapsedMs = rt().now() - started;
  emit({ type: "runFinished", ok: result.failures.length === 0, elapsedMs });
  if (result.failures.length) throw new RethrownJobError(result.failures);
  return {
    tasksRun: result.tasksRun.map((t) => t.displayName),
    tasksUptodate: result.tasksUptodate.map((t) => t.displayName),
    jobsRun: result.jobsRun,
    jobsUptodate: result.jobsUptodate,
    elapsedMs,
    tasks: result.timings,
    fileSystemCalls: { ...session.files.counters },
  };
}

function makeExecutor(o: RunOptions): Executor {
  const e = o.executor ?? "local";
  let chosen: Executor;
  if (typeof e === "object") chosen = e;
  else if (e === "slurm") chosen = new SlurmExecutor(o.executorOptions);
  else if (e === "local") return new LocalExecutor();
  else throw new RuffusError(`Unknown executor '${String(e)}': use "local", "slurm", or an Executor object.`);
  return withLocalCommands(chosen);
}

/**
 * `runJob({ runLocally: true })` runs on this machine under any executor; those processes belong
 * to the run too, so that Ctrl-C kills them with the rest.
 */
function withLocalCommands(inner: Executor): Executor {
  let local: LocalExecutor | undefined;
  return {
    name: inner.name,
    get stopping() {
      return Boolean(inner.stopping || local?.stopping);
    },
    run: (spec) => (spec.runLocally ? (local ??= new LocalExecutor()).run(spec) : inner.run(spec)),
    cancelAll: async () => {
      await Promise.all([inner.cancelAll(), local?.cancelAll()]);
    },
    killAll: () => {
      inner.killAll?.();
      local?.killAll();
    },
    close: async () => {
      await inner.close?.();
    },
  };
}
