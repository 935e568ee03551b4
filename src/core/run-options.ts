/**
 * Options of `run()` and `printout()` (Ruffus's `pipeline_run` / `pipeline_printout` parameters in
 * camelCase) and the summary `run()` resolves to.
 */
import type { Pipeline } from "./pipeline.ts";
import type { Task, TaskFunction } from "./task.ts";
import type { PipelineEvent } from "./events.ts";
import type { Executor } from "../exec/executor.ts";
import type { SlurmOptions } from "../exec/slurm-executor.ts";

/** Anything with Ruffus's logger methods: `console` works, so does `stderrLogger`. */
export interface Logger {
  /**
   * Task and job lines (`Task enters queue = 'x'`).
   *
   * @example
   * const logger: Logger = { info: (m) => lines.push(m), debug: () => {}, error: (m) => console.error(m) };
   */
  info(message: string): void;
  /**
   * Lines of the highest verbosities.
   *
   * @example
   * const logger: Logger = { ...console, debug: () => {} }; // drop debug lines
   */
  debug(message: string): void;
  /**
   * Warnings ("No jobs were run because no file names matched"); `warn` is used when absent.
   *
   * @example
   * const logger: Logger = { ...console, warning: (m) => console.error("WARNING", m) };
   */
  warning?(message: string): void;
  /**
   * `console`'s name for {@link warning}.
   *
   * @example
   * await p.run({ logger: console }); // warnings go to console.warn
   */
  warn?(message: string): void;
  /**
   * Job failures, with `logExceptions`.
   *
   * @example
   * const logger: Logger = { ...console, error: (m) => errors.push(m) };
   */
  error(message: string): void;
}

/** A task given by object, function, name, `"pipeline::name"` or a whole pipeline. */
export type TaskReference = Task | TaskFunction | Pipeline | string;

/** Options shared by `run()` and `printout()`. */
export interface PlanOptions {
  /** Tasks to bring up to date (default: every task of the pipeline). A single reference is accepted. */
  targetTasks?: TaskReference | TaskReference[];
  /** Tasks to run even if up to date (and, within the targets' ancestry, everything after them). */
  forcedtorunTasks?: TaskReference | TaskReference[];
  /** Ruffus's default (true): an out-of-date task reruns everything downstream of it. false stops at up-to-date tasks ("dangerous"). */
  gnuMakeMaximalRebuildMode?: boolean;
  /** Values for `runtimeParameter("name")` inputs. */
  runtimeData?: Record<string, unknown>;
  /** 0 timestamps only, 1 (default) completed-job history, 2 also the function, 3 also the extras. Env DEFAULT_RUFFUS_CHECKSUM_LEVEL. */
  checksumLevel?: number;
  /** The history file (default `.ruffus_history.sqlite`, env DEFAULT_RUFFUS_HISTORY_FILE). */
  historyFile?: string;
  /** Path shortening in messages: N > 0 keeps N directory levels, 0 absolute paths, -M at most M characters. Default 2. */
  verboseAbbreviatedPath?: number;
  /** 0-7 (10, 11 for debugging). Default 1 for run, 4 for printout. */
  verbose?: number;
}

/** Options of `run()`. */
export interface RunOptions extends PlanOptions {
  /** Jobs run concurrently in the main thread (right for shell and cluster jobs). */
  multithread?: number;
  /**
   * Jobs run in this many worker processes, each importing the module that declared the task and
   * finding the task function by name (like Ruffus's process pool; see "Parallel jobs: threads and
   * worker processes" in the README). `multithread` wins when both are set.
   */
  multiprocess?: number;
  /** Where log lines go: `stderrLogger` (default), `blackHoleLogger`, `console`, or your own. */
  logger?: Logger;
  /** true: touch outputs instead of running jobs; 2: rebuild the history from the files on disk. */
  touchFilesOnly?: boolean | 0 | 1 | 2;
  /** Ruffus paused one second per task at checksum level 0; we never sleep. Accepted and ignored. */
  oneSecondPerJob?: boolean;
  /** Stop at the first failed job instead of letting running jobs finish. */
  exceptionsTerminateImmediately?: boolean;
  /** Log each job failure as it happens. */
  logExceptions?: boolean;
  /**
   * On SIGINT/SIGTERM/SIGHUP (default true): stop starting jobs, record the running ones as not complete,
   * write the history, then exit with 130/143. A second signal exits at once. Set false to keep
   * your own signal handling.
   */
  handleSignals?: boolean;
  /**
   * Where `sh` and `runJob` commands run: "local" (default: child processes), "slurm" (sbatch), or
   * an executor of your own.
   */
  executor?: "local" | "slurm" | Executor;
  /** Options of the chosen executor (e.g. SLURM's `partition`, `maxQueued`, `pollMs`). */
  executorOptions?: SlurmOptions;
  /** Receives every engine event (progress displays, custom logs). */
  onEvent?: (event: PipelineEvent) => void;
}

/** Options of `printout()`. */
export interface PrintoutOptions extends PlanOptions {
  /** Also write the text here (anything with `write(text)`). */
  outputStream?: { write(text: string): unknown };
  /** Indent of task blocks (default 4). */
  indent?: number;
  /** Lines are wrapped at this width (default 100). */
  wrapWidth?: number;
}

/** Timing of one task in a run. */
export interface TaskTiming {
  readonly task: string;
  readonly jobsRun: number;
  readonly jobsUptodate: number;
  /** Wall time from the task entering the queue to its completion, in milliseconds. */
  readonly elapsedMs: number;
}

/** What `run()` resolves to. */
export interface RunSummary {
  /** Display names of tasks that entered the queue, in order. */
  readonly tasksRun: string[];
  /** Display names of tasks that were already up to date. */
  readonly tasksUptodate: string[];
  readonly jobsRun: number;
  readonly jobsUptodate: number;
  readonly elapsedMs: number;
  readonly tasks: TaskTiming[];
  /** File-system calls the run made: stat() of files and glob expansions (each file is statted once per run unless jobs changed it). */
  readonly fileSystemCalls: { readonly stats: number; readonly globs: number };
}
