/**
 * Where shell commands of jobs run: the interface every executor (local processes, SLURM, and by
 * the same pattern SGE/PBS/LSF) implements, the error a failed command raises, and the job
 * context that tells `sh`/`runJob` which task is asking (for its resources) and which executor
 * the run chose.
 */
import { RuffusError } from "../core/errors.ts";
import { rt } from "../core/runtime.ts";
import type { AsyncContext } from "../runtime/types.ts";

/** What a job asks of a cluster scheduler. */
export interface Resources {
  /** CPUs per job (`--cpus-per-task`). */
  readonly cpus?: number;
  /** Memory in MB (`--mem`). */
  readonly memMb?: number;
  /** Wall-time limit, e.g. "2:00:00" or "90" (minutes) (`--time`). */
  readonly time?: string;
  readonly partition?: string;
  /** Free-form scheduler options, e.g. ["--qos=short", "--account=lab"]. */
  readonly options?: readonly string[];
}

/** One command to run. */
export interface CommandSpec {
  readonly cmd: string;
  readonly jobName?: string;
  readonly cwd?: string;
  /** Locally the whole environment of the command (Ruffus's job_environment replaces it); on SLURM, variables added to the submitting environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly resources?: Resources;
  /** Extra scheduler options as one string, as Ruffus's `job_other_options` ("-P project -q short"). */
  readonly jobOtherOptions?: string;
  /** Where cluster job scripts go (default `.ruffus_jobs` in the working directory). */
  readonly scriptDirectory?: string;
  /** Keep the job script after a successful job. */
  readonly retainJobScript?: boolean;
  /** Echo the command's output live (Ruffus's local_echo). */
  readonly echo?: boolean;
  /** Run on this machine whatever the run's executor is (Ruffus's run_locally). */
  readonly runLocally?: boolean;
  /**
   * Told what happens to the command as it happens ("submitted as SLURM job 12", "SLURM job 12 is
   * RUNNING"): `runJob`'s `logger` gets these at debug level.
   */
  readonly onStatus?: (message: string) => void;
  /** Also report the resources the command used, when the executor can tell (`runJob`'s `verbose`). */
  readonly usage?: boolean;
}

/** How a command ended. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The cluster scheduler's final state (COMPLETED, FAILED, TIMEOUT...), when there is one. */
  readonly state?: string;
  readonly jobId?: string;
  /**
   * How it ended in words, when the executor knows better than the exit code, signal and state say
   * ("could not be submitted: sbatch failed with exit code 1"); used by the error message.
   */
  readonly description?: string;
  /** The resources it used ("MaxRSS=10M, Elapsed=00:00:02"), when asked for and known. */
  readonly usage?: string;
}

/**
 * Runs commands somewhere. Pass your own to `run({ executor })` for another scheduler.
 *
 * @example
 * const logging: Executor = {
 *   name: "logging",
 *   run: (spec) => { console.log(spec.cmd); return local.run(spec); },
 *   cancelAll: () => local.cancelAll(),
 * };
 * await p.run({ executor: logging });
 */
export interface Executor {
  readonly name: string;
  /**
   * Runs one command and resolves to how it ended (a non-zero exit is a result, not a rejection;
   * `sh`/`runJob` turn it into a {@link CommandError}).
   *
   * @example
   * const r = await new LocalExecutor().run({ cmd: "echo hi" }); // r.code === 0, r.stdout === "hi\n"
   */
  run(spec: CommandSpec): Promise<CommandResult>;
  /**
   * Stops everything it started (Ctrl-C): kills process groups, cancels cluster jobs.
   *
   * @example
   * process.on("SIGINT", () => void executor.cancelAll());
   */
  cancelAll(): Promise<void>;
  /**
   * A second Ctrl-C: at once and without waiting for anything, SIGKILL every process group and send
   * the cancellation of every cluster job (best effort; the process exits right after).
   */
  killAll?(): void;
  /** True once cancelAll() was called: new commands are refused and failed ones not retried. */
  readonly stopping?: boolean;
  /**
   * Releases pollers and timers at the end of a run.
   *
   * @example
   * try { await executor.run({ cmd: "true" }); } finally { await executor.close?.(); }
   */
  close?(): Promise<void>;
}

/**
 * A command that failed: the message says how (exit code, signal or scheduler state), the command,
 * and the end of its stderr, as execa's do.
 *
 * @example
 * try { await sh`false`; } catch (e) { if (e instanceof CommandError) console.error(e.exitCode); }
 */
export class CommandError extends RuffusError {
  override name = "CommandError";
  constructor(
    readonly command: string,
    readonly result: CommandResult,
    /** True for failures of the machine or the scheduler (node failure, preemption): worth retrying. */
    readonly retryable: boolean,
  ) {
    const headline = `Command ${describeEnd(result)}: ${shortened(command)}`;
    const tail = result.stderr.trimEnd().split("\n").slice(-20).join("\n");
    super(tail ? `${headline}\n${tail}` : headline);
    // The failure report prints the message and then the stack, which repeats the message: the
    // stack keeps only the first line, so the stderr tail is printed once.
    if (tail && this.stack) {
      const at = this.stack.indexOf(this.message);
      if (at >= 0) this.stack = this.stack.slice(0, at) + headline + this.stack.slice(at + this.message.length);
    }
  }
  /**
   * The command's exit status; null when a signal or the scheduler ended it.
   *
   * @example
   * catch (e) { if (e instanceof CommandError && e.exitCode === 2) console.error("usage error"); }
   */
  get exitCode(): number | null {
    return this.result.code;
  }
  /**
   * Everything the command wrote to standard output.
   *
   * @example
   * catch (e) { if (e instanceof CommandError) console.log(e.stdout); }
   */
  get stdout(): string {
    return this.result.stdout;
  }
  /**
   * Everything the command wrote to standard error (the message shows its last lines).
   *
   * @example
   * catch (e) { if (e instanceof CommandError) await writeFile("failed.log", e.stderr); }
   */
  get stderr(): string {
    return this.result.stderr;
  }
}

/** A command as the error message shows it: whole, unless it is very long (its start, and its length). */
function shortened(command: string): string {
  if (command.length <= 2000) return command;
  return `${command.slice(0, 1000)}… (${new TextEncoder().encode(command).length} bytes in all)`;
}

/** Linux signal numbers, for exit statuses above 128. */
const SIGNAL_NAMES = ["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"];

/** "SIGKILL" for 9 (Linux numbering; "signal 40" for the rest). */
export function signalName(n: number): string {
  return SIGNAL_NAMES[n] || `signal ${n}`;
}

/**
 * "exit code 3"; above 128 the shell's way of saying a signal ended the command (or a program that
 * chose that status: the shell cannot tell which), so "exit code 137 (killed by SIGKILL?)".
 */
export function exitCodeText(code: number): string {
  const n = code - 128;
  if (n < 1 || n > 64) return `exit code ${code}`;
  return `exit code ${code} (killed by ${signalName(n)}?)`;
}

function describeEnd(r: CommandResult): string {
  if (r.description) return r.description;
  const job = r.jobId ? ` (SLURM job ${r.jobId})` : "";
  if (r.state && r.state !== "FAILED" && r.state !== "COMPLETED") {
    return `ended ${r.state}${job}${r.signal ? `, killed with ${r.signal}` : r.code ? ` with ${exitCodeText(r.code)}` : ""}`;
  }
  if (r.signal) return `was killed with ${r.signal}${job}`;
  return `failed with ${r.code === null ? "no exit status" : exitCodeText(r.code)}${job}`;
}

/** What a running job knows about itself. */
export interface JobContext {
  readonly task: string;
  readonly resources: Resources | undefined;
  readonly executor: Executor;
}

let context: AsyncContext<JobContext> | undefined;

/** The async context carrying the current job (created on first use). */
export function jobContext(): AsyncContext<JobContext> {
  context ??= rt().createAsyncContext<JobContext>();
  return context;
}
