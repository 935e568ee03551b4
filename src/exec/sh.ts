/**
 * Running external programs from task functions: the `sh` tagged template and Ruffus's `run_job`.
 * Both go through the executor the run chose (local processes, or SLURM with `--executor slurm`),
 * with the calling task's resources.
 */
import { RuffusError } from "../core/errors.ts";
import { rt } from "../core/runtime.ts";
import type { Logger } from "../core/run-options.ts";
import { stringsIn } from "../patterns/flatten.ts";
import { CommandError, jobContext, type CommandResult, type CommandSpec, type Executor, type Resources } from "./executor.ts";
import { LocalExecutor } from "./local-executor.ts";
import { shellWords } from "./shell-quote.ts";

let fallback: Executor | undefined;

/** The executor for the current job: the run's, or a local one outside runs. */
function currentExecutor(): Executor {
  return jobContext().get()?.executor ?? (fallback ??= new LocalExecutor());
}

/** What `sh` resolves to. */
export interface ShellResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs a shell command; interpolated values are quoted as single words (arrays as several), so
 * file names with spaces or quotes are safe. Values must be strings, numbers or arrays of them
 * (null and undefined give no word); an object, boolean or function is refused with an error
 * rather than becoming `[object Object]`. Rejects with a `CommandError` saying how it failed.
 * Outside a run (a plain script), a command still running when the process exits, or when a Ctrl-C
 * the script does not handle itself ends it, is killed with its process group.
 *
 * @example
 * p.transform({ task: async (input: string, output: string) => { await sh`samtools sort ${input} -o ${output}`; }, ... });
 */
export async function sh(strings: TemplateStringsArray, ...values: unknown[]): Promise<ShellResult> {
  values.forEach((v, i) => checkWord(v, i, strings));
  let cmd = strings[0];
  values.forEach((v, i) => (cmd += shellWords(v) + strings[i + 1]));
  const ctx = jobContext().get();
  const spec: CommandSpec = { cmd, jobName: ctx?.task, resources: ctx?.resources };
  const r = await currentExecutor().run(spec);
  if (r.code !== 0 || r.signal) throw new CommandError(cmd, r, false);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: 0 };
}

/**
 * An interpolated value must be a string, a number or an array of them (null and undefined give no
 * word): anything else would become a word nobody meant (`[object Object]`, `false`, `NaN`).
 */
function checkWord(v: unknown, index: number, strings: TemplateStringsArray, top = v): void {
  if (v === undefined || v === null || typeof v === "string" || typeof v === "bigint" || (typeof v === "number" && Number.isFinite(v))) return;
  if (Array.isArray(v)) {
    for (const x of v) checkWord(x, index, strings, top);
    return;
  }
  const template = strings.reduce((t, s, i) => t + (i ? "${…}" : "") + s, "");
  const what =
    typeof v === "number" ? `the number ${v}` :
    typeof v === "boolean" ? `the boolean ${v}` :
    typeof v === "function" ? `a function (${v.name || "anonymous"})` :
    typeof v === "symbol" ? `a symbol (${String(v.description)})` :
    `an object (${describeObject(v)})`;
  const hint =
    typeof v === "boolean" ? `; for an optional word write \${flag ? "-v" : []}` :
    typeof v === "object" ? `; pick the part you mean (\${x.path}) or convert it yourself (\${JSON.stringify(x)})` : "";
  throw new RuffusError(
    `sh: value ${index + 1} in sh\`${template.length > 200 ? `${template.slice(0, 200)}…` : template}\` is ${what}${Object.is(v, top) ? "" : " inside an array"}, ` +
      `which is no shell word. Interpolate strings, numbers, or arrays of them${hint}.`,
  );
}

function describeObject(v: object): string {
  const name = v.constructor?.name;
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined; // a cycle
  }
  if (name && name !== "Object") text = text && text !== "{}" ? `${name} ${text}` : name;
  text ??= String(v);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Options of {@link runJob} (Ruffus's `run_job` parameters in camelCase). */
export interface RunJobOptions {
  /** The shell command. */
  readonly cmd: string;
  readonly jobName?: string;
  /** Extra scheduler options, one string ("-P project -q short"). */
  readonly jobOtherOptions?: string;
  readonly jobScriptDirectory?: string;
  /** Locally the whole environment of the command (it replaces the environment, as in Ruffus); on SLURM, variables added to the submitting one. */
  readonly jobEnvironment?: Readonly<Record<string, string>>;
  readonly workingDirectory?: string;
  /** Run here even when the run uses a cluster executor. */
  readonly runLocally?: boolean;
  /** With `touchOnly`: the files to create or touch instead of running. */
  readonly outputFiles?: unknown;
  readonly touchOnly?: boolean;
  readonly retainJobScripts?: boolean;
  /** Echo the command's output live. */
  readonly localEcho?: boolean;
  /** Submit again up to this many times while it fails (Ruffus's `resubmit`). */
  readonly retries?: number;
  /** Wait before the first resubmission, doubling for each further one up to 60 s (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Ruffus's `logger`: debug lines for submission, job status and resubmission; info for resource usage with `verbose`. */
  readonly logger?: Pick<Logger, "debug" | "info">;
  /** Ruffus's `verbose`: on success, log the resources the command used (from SLURM's accounting, or its wall-clock time locally). */
  readonly verbose?: boolean | number;
  /** Resources for a cluster job (default: the calling task's). */
  readonly resources?: Resources;
}

let local: LocalExecutor | undefined;

/**
 * Ruffus's `drmaa_wrapper.run_job`: runs `cmd` on the run's executor (or locally), and resolves to
 * its output as lists of lines. A non-zero exit rejects with a `CommandError` (Ruffus never checked
 * cluster exit codes: a bug we fix).
 *
 * @example
 * const { stdout } = await runJob({ cmd: `bwa mem ref.fa ${input} > ${output}`, jobName: "align", jobOtherOptions: "--qos=short" });
 */
export async function runJob(o: RunJobOptions): Promise<{ stdout: string[]; stderr: string[] }> {
  if (o.touchOnly) {
    for (const f of stringsIn(o.outputFiles)) await rt().touch(f);
    return { stdout: [], stderr: [] };
  }
  const ctx = jobContext().get();
  // Inside a run, the run's executor runs local commands too (and kills them on Ctrl-C).
  const executor = o.runLocally && !ctx ? (local ??= new LocalExecutor()) : currentExecutor();
  const log = o.logger;
  const spec: CommandSpec = {
    runLocally: o.runLocally,
    cmd: o.cmd,
    jobName: o.jobName ?? ctx?.task,
    jobOtherOptions: o.jobOtherOptions,
    scriptDirectory: o.jobScriptDirectory,
    env: o.jobEnvironment,
    cwd: o.workingDirectory,
    retainJobScript: o.retainJobScripts,
    echo: o.localEcho,
    resources: o.resources ?? ctx?.resources,
    ...(log ? { onStatus: (m: string) => log.debug(`${m}: ${o.cmd}`) } : {}),
    ...(o.verbose ? { usage: true } : {}),
  };
  const retries = o.retries ?? 0;
  const backOff = (attempt: number): Promise<void> => {
    const wait = Math.min(60000, (o.retryDelayMs ?? 1000) * 2 ** attempt);
    log?.debug(`Resubmitting (attempt ${attempt + 2} of ${retries + 1}) in ${wait} ms: ${o.cmd}`);
    return new Promise((r) => setTimeout(r, wait));
  };
  let result: CommandResult;
  for (let attempt = 0; ; attempt++) {
    try {
      result = await executor.run(spec);
    } catch (e) {
      if (attempt >= retries || executor.stopping) throw e;
      await backOff(attempt);
      continue;
    }
    if (result.code === 0 && !result.signal) break;
    const failure = new CommandError(o.cmd, result, false);
    log?.debug(failure.message.split("\n")[0]);
    // A command killed because the run is stopping (Ctrl-C) is not tried again.
    if (attempt >= retries || executor.stopping) throw failure;
    await backOff(attempt);
    if (executor.stopping) throw failure;
  }
  if (o.verbose && result.usage) log?.info(`${result.jobId ? `SLURM job ${result.jobId}` : "The command"} used ${result.usage} in running: ${o.cmd}`);
  return { stdout: lines(result.stdout), stderr: lines(result.stderr) };
}

function lines(text: string): string[] {
  return text ? text.split(/(?<=\n)/) : [];
}
