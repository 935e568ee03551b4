/**
 * Error classes. Every error a user can provoke names the task (and the argument) it is about,
 * so that a pipeline of hundreds of tasks points at the line to fix.
 */
import { pyStringRepr } from "./describe.ts";
import type { Task } from "./task.ts";

/**
 * Base class of every error ruffus raises on purpose.
 *
 * @example
 * try { await p.run(); } catch (e) { if (e instanceof RuffusError) console.error(e.message); else throw e; }
 */
export class RuffusError extends Error {
  override name = "RuffusError";
}

/**
 * A task was declared with bad arguments (missing output, wrong filter type, `inputs()` with
 * several arguments...). Raised at declaration time.
 *
 * @example
 * try { p.transform({ task: f, input: "a.txt", filter: suffix(".txt") }); }
 * catch (e) { if (e instanceof TaskDeclarationError) console.error(e.message); }
 */
export class TaskDeclarationError extends RuffusError {
  override name = "TaskDeclarationError";
  constructor(
    /** Display name of the task. */
    readonly taskName: string,
    /** The argument that is wrong, when one is. */
    readonly argument: string | undefined,
    message: string,
  ) {
    super(`Task '${taskName}'${argument ? `, argument '${argument}'` : ""}: ${message}`);
  }
}

/**
 * A task named in `follows`, an input, a target or a forced task does not exist or is ambiguous.
 *
 * @example
 * try { await p.run({ targetTasks: ["algn"] }); }
 * catch (e) { if (e instanceof TaskLookupError) console.error(e.message); } // ... Did you mean 'align'?
 */
export class TaskLookupError extends RuffusError {
  override name = "TaskLookupError";
  /** The task whose input or follows() holds the unknown reference, when there is one. */
  declare readonly referrer?: Task;
  constructor(message: string, referrer?: Task) {
    super(message);
    // Not enumerable: an uncaught error would otherwise print the whole task object after its message.
    Object.defineProperty(this, "referrer", { value: referrer, enumerable: false });
  }
}

/**
 * The tasks form a cycle. `tasks` lists the display names of the tasks in the cycle.
 *
 * @example
 * try { await p.run(); } catch (e) { if (e instanceof CircularDependencyError) console.error(e.tasks.join(" -> ")); }
 */
export class CircularDependencyError extends RuffusError {
  override name = "CircularDependencyError";
  constructor(readonly tasks: string[]) {
    super(`Circular dependencies found in the pipeline involving one or more of (${tasks.map((t) => `'${t}'`).join(", ")})`);
  }
}

/**
 * `runtimeParameter("x")` was used but `runtimeData` has no `x` (it reaches the caller inside a
 * {@link RethrownJobError}, as Ruffus's parameter errors do).
 *
 * @example
 * catch (e) { if (e instanceof RethrownJobError && e.failures.some((f) => (f.error as ParameterGenerationError).cause instanceof MissingRuntimeParameterError)) ... }
 */
export class MissingRuntimeParameterError extends RuffusError {
  override name = "MissingRuntimeParameterError";
}

/**
 * A job would run but one of its input files does not exist.
 *
 * @example
 * catch (e) { if (e instanceof RethrownJobError && e.failures.some((f) => f.error instanceof MissingInputFileError)) console.error("an input is missing"); }
 */
export class MissingInputFileError extends RuffusError {
  override name = "MissingInputFileError";
}

/**
 * Throw this from a task function to stop the whole pipeline at once (Ruffus's `JobSignalledBreak`).
 *
 * @example
 * p.transform({ task: (i, o) => { if (bad(i)) throw new JobSignalledBreak("stop"); }, ... });
 */
export class JobSignalledBreak extends RuffusError {
  override name = "JobSignalledBreak";
}

/** One failed job, as collected by {@link RethrownJobError}. */
export interface JobFailure {
  /** Display name of the task, or undefined for an error outside any job. */
  readonly task: string | undefined;
  /** The job's description, e.g. `Job  = [a.1 -> a.2]`. */
  readonly job: string | undefined;
  /** The error the job threw, untouched (its stack included). */
  readonly error: unknown;
}

/** The stack without ruffus's own frames (and runtime internals): what the user can act on. */
function userFrames(stack: string): string {
  const internal = /\/src\/(core|exec|cli|report|history|runtime)\/|node:internal|\(node:async_hooks:|\$bunfs|\/node_modules\/(tsx|esbuild)\/|^\s*at (async )?Promise\.all|^\s*at processTicksAndRejections/;
  const lines = stack.split("\n");
  const kept = lines.filter((l, i) => i === 0 || !/^\s+at /.test(l) || !internal.test(l));
  return kept.join("\n");
}

function errorText(e: unknown): { kind: string; message: string; stack: string } {
  if (e instanceof Error) return { kind: e.name, message: e.message, stack: e.stack ?? `${e.name}: ${e.message}` };
  return { kind: typeof e, message: String(e), stack: String(e) };
}

/**
 * `run()` rejects with this when jobs failed. It carries every failure, each with the task, the job
 * and the original error with its stack.
 *
 * @example
 * try { await p.run(); }
 * catch (e) { if (e instanceof RethrownJobError) for (const f of e.failures) console.error(f.task, f.job, f.error); }
 */
export class RethrownJobError extends RuffusError {
  override name = "RethrownJobError";
  /**
   * Every failure: task, job description and the error the job threw.
   *
   * @example
   * for (const f of e.failures) console.error(f.task, f.job, f.error);
   */
  readonly failures: JobFailure[];
  /** What went wrong and for which tasks, when the failures have one cause (Ruffus's heading). */
  declare readonly about?: { readonly message: string; readonly tasks: readonly string[] };
  /**
   * @param failures every failure, in the order they happened.
   * @param about e.g. `{ message: "Exceptions generating parameters", tasks: ["t1"] }`, shown as
   *   Ruffus's "Exceptions generating parameters for / task = 't1'" heading.
   */
  constructor(failures: JobFailure[], about?: { readonly message: string; readonly tasks: readonly string[] }) {
    super("");
    this.failures = failures;
    if (about) Object.defineProperty(this, "about", { value: about, enumerable: true });
    this.message = this.describe();
  }
  /**
   * Number of failures.
   *
   * @example
   * console.error(`${e.length} job(s) failed`);
   */
  get length(): number {
    return this.failures.length;
  }
  /**
   * The text of failure `n` (0-based) in Ruffus's layout (`Exception #1`, the error, task, job, stack).
   *
   * @example
   * console.error(e.nthFailureText(0));
   */
  nthFailureText(n: number): string {
    const f = this.failures[n];
    const { kind, message, stack } = errorText(f.error);
    const lines = [`Exception #${n + 1}`, `  '${kind}(${message})' raised in ...`];
    if (f.task !== undefined) lines.push(`   Task = ${f.task}`);
    if (f.job !== undefined) lines.push(`   ${f.job}`);
    lines.push("", ...userFrames(stack).split("\n").map((l) => `  ${l}`));
    return lines.map((l) => `    ${l}`).join("\n");
  }
  /**
   * Failure `n` as Ruffus's `get_nth_exception_str` lays it out, blank lines around it included
   * (what `logExceptions` logs).
   */
  nthFailureBlock(n: number): string {
    return `\n${this.nthFailureText(n)}\n    \n    `;
  }
  private describe(): string {
    // Ruffus's text, blank lines and their indentation included: the heading (empty unless
    // `about` says what went wrong), then each failure.
    const tasks = (this.about?.tasks ?? []).map((t) => `task = ${pyStringRepr(t)}`).join("\n");
    const heading = this.about ? `\n\n${this.about.message} for\n\n${tasks}\n` : "\n\n\n";
    const head = this.failures.length === 1 ? "Original exception:" : "Original exceptions:";
    return `${heading.replaceAll("\n", "\n    ")}\n${head}\n${this.failures.map((_, i) => this.nthFailureBlock(i)).join("")}`;
  }
}

/**
 * A file exists where a mkdir task should make a directory (wrapped, like every set-up error, in
 * the run's RethrownJobError).
 *
 * @example
 * catch (e) { if (e instanceof RethrownJobError && e.failures.some((f) => f.error instanceof ParameterGenerationError && f.error.cause instanceof NotADirectoryError)) ... }
 */
export class NotADirectoryError extends RuffusError {
  override name = "NotADirectoryError";
}

/**
 * A task's jobs could not be generated (a bad pattern group, a missing runtime parameter...);
 * `cause` is the error underneath. Reaches the caller inside a {@link RethrownJobError}.
 *
 * @example
 * catch (e) { if (e instanceof RethrownJobError) for (const f of e.failures) if (f.error instanceof ParameterGenerationError) console.error(f.error.task.displayName, f.error.cause); }
 */
export class ParameterGenerationError extends RuffusError {
  override name = "ParameterGenerationError";
  constructor(
    /** The task whose jobs could not be made. */
    readonly task: { readonly displayName: string },
    override readonly cause: unknown,
  ) {
    super(`Exceptions generating parameters for task '${task.displayName}':\n    ${cause instanceof Error ? cause.message : String(cause)}`);
    // Where the cause was thrown (a pattern, a checkIfUptodate function) is what the user needs.
    if (cause instanceof Error && cause.stack && this.stack) this.stack += `\nCaused by: ${cause.stack}`;
  }
}

/** Errors while generating parameters surface as a RethrownJobError, as in Ruffus (run and printout alike). */
export function asJobError(e: unknown): unknown {
  if (e instanceof ParameterGenerationError) {
    return new RethrownJobError([{ task: e.task.displayName, job: undefined, error: e }], { message: "Exceptions generating parameters", tasks: [e.task.displayName] });
  }
  return e;
}
