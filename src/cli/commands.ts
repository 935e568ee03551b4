/**
 * `ruff pipeline.ts` (run, `-n` printout, `--flowchart`) and `ruff list`.
 */
import { CircularDependencyError, ParameterGenerationError, RethrownJobError, RuffusError, TaskLookupError } from "../core/errors.ts";
import type { PipelineEvent } from "../core/events.ts";
import type { Pipeline } from "../core/pipeline.ts";
import type { Logger, RunOptions } from "../core/run-options.ts";
import { rt, setRuntime } from "../core/runtime.ts";
import { FatalMatchError, PatternSyntaxError } from "../patterns/errors.ts";
import { ProgressDisplay, colourWanted } from "../report/progress.ts";
import { planJson } from "../report/plan-json.ts";
import type { CliOptions } from "./args.ts";
import { EXIT, PipelineFileError, UsageError } from "./errors.ts";
import { applyTaskResources, readConfig } from "./config.ts";
import { loadPipeline } from "./load.ts";
import { writeFlowchart } from "./flowchart.ts";
import { explainBroken, type PipelineSource } from "./broken.ts";
import { LogFile, prepareOutputPath } from "./output-files.ts";

/** Options shared by run and printout, from the command line. */
function planOptions(o: CliOptions): RunOptions {
  return {
    targetTasks: o.targetTasks.length ? o.targetTasks : undefined,
    forcedtorunTasks: o.forcedTasks.length ? o.forcedTasks : undefined,
    checksumLevel: o.checksumLevel,
    historyFile: o.checksumFileName,
    verboseAbbreviatedPath: o.verboseAbbreviatedPath,
  };
}

/** Where the run log goes: the terminal (all of it, or only warnings and errors) and the -L file. */
interface LogSinks {
  readonly screen: (text: string) => void;
  readonly info: boolean;
  readonly warnings: boolean;
  readonly file: LogFile | undefined;
}

/** A logger in Ruffus's format writing to the sinks. */
function cliLogger(s: LogSinks): Logger {
  const out = (text: string, toScreen: boolean, level?: string): void => {
    if (toScreen) s.screen(text);
    s.file?.entry(text, level);
  };
  return {
    info: (m) => out(m, s.info),
    debug: (m) => out(m, s.info),
    warning: (m) => out("\n\nWARNING:\n    " + m + "\n\n", s.warnings, "WARNING"),
    error: (m) => out("\n\nERROR:\n    " + m + "\n\n", s.warnings, "ERROR"),
  };
}

/** Is this failure the pipeline's fault (exit 2) rather than a job's (exit 1)? */
function brokenPipeline(e: unknown): boolean {
  if (e instanceof CircularDependencyError || e instanceof TaskLookupError || e instanceof PatternSyntaxError || e instanceof FatalMatchError) return true;
  if (e instanceof ParameterGenerationError) return brokenPipeline(e.cause);
  if (e instanceof RethrownJobError) return e.failures.every((f) => f.job === undefined && brokenPipeline((f.error as { cause?: unknown }).cause ?? f.error));
  return false;
}

/**
 * `-T a,b` names the task "a,b", as Ruffus reads it (argparse appends the value whole): when that is
 * the name not found, say how to give several.
 */
function commaHint(e: unknown, o: CliOptions | undefined): string {
  if (!(e instanceof TaskLookupError) || !o) return "";
  const named = [...o.targetTasks, ...o.forcedTasks].find((t) => t.includes(",") && e.message.includes(`'${t}'`));
  return named ? `\n-T and --forced-tasks take one task each: write ${named.split(",").map((t) => `-T ${t.trim()}`).join(" ")}.` : "";
}

/** Prints an error the way a user should see it, and returns the exit status. */
export function reportError(e: unknown, src?: PipelineSource, o?: CliOptions): number {
  const hint = commaHint(e, o);
  if (hint && e instanceof Error) e.message += hint;
  const explained = src && brokenPipeline(e) ? explainBroken(e, src) : undefined;
  if (explained) {
    rt().stderr.write(`ruff: ${explained}\n`);
    return EXIT.usage;
  }
  if (e instanceof RethrownJobError) {
    const broken = brokenPipeline(e);
    rt().stderr.write(`ruff: ${broken ? "the pipeline is broken" : `${e.failures.length} job${e.failures.length > 1 ? "s" : ""} failed`}:${e.message}\n`);
    return broken ? EXIT.usage : EXIT.jobFailed;
  }
  if (e instanceof FatalMatchError && e.taskName) {
    rt().stderr.write(`ruff: the pipeline is broken: in task '${e.taskName}': ${e.message}\n`);
    return EXIT.usage;
  }
  if (e instanceof RuffusError || e instanceof PatternSyntaxError || e instanceof FatalMatchError || e instanceof PipelineFileError) {
    rt().stderr.write(`ruff: ${e.message}\n`);
    return EXIT.usage;
  }
  throw e;
}

/** Commands whose standard output is data (a printout, JSON, DOT, task names). */
function printsData(o: CliOptions): boolean {
  return o.command === "list" || o.command === "why" || o.justPrint || o.flowchart === "-" || Boolean(o.flowchart?.startsWith("/dev/"));
}

/** Loads the pipeline file named on the command line, with its text for error places. */
export async function loadFromCli(o: CliOptions): Promise<{ pipeline: Pipeline; src: PipelineSource }> {
  const { pipeline, file, text } = await loadPipeline(o.file as string, o.pipelineArgs, { dataOnStdout: printsData(o) });
  return { pipeline, src: { file, text } };
}

/** The flowchart's format must be known before anything is written: from --flowchart-format, else FILE's extension. */
function checkFlowchartFormat(o: CliOptions): void {
  if (o.flowchart === undefined || o.flowchartFormat !== undefined) return;
  if (o.flowchart === "-") throw new UsageError(`--flowchart - prints the flowchart on standard output: say which format with --flowchart-format (dot, json, svg or html).`);
  const base = o.flowchart.slice(o.flowchart.lastIndexOf("/") + 1);
  if (!/\.[A-Za-z0-9]+$/.test(base)) {
    throw new UsageError(
      `--flowchart ${o.flowchart}: no extension to tell the format by. Name the file .svg, .png, .dot, .json or .html, ` +
        `or give --flowchart-format (one of those, or a Graphviz format such as pdf when dot is installed).`,
    );
  }
}

/** `ruff pipeline.ts [options]`: runs the pipeline, or writes each output asked for (-n, --flowchart, --report), none of which runs a job. */
export async function runCommand(o: CliOptions): Promise<number> {
  const running = !o.justPrint && !o.report && !o.flowchart;
  checkFlowchartFormat(o);
  if (o.justPrint && o.flowchart && (o.flowchart === "-" || o.flowchart.startsWith("/dev/std"))) {
    throw new UsageError(`-n and --flowchart ${o.flowchart} would both print on standard output: give --flowchart a file name.`);
  }
  for (const [option, path] of [["--flowchart", o.flowchart], ["--report", o.report], ["--checksum-file-name", o.checksumFileName]] as const) {
    if (path !== undefined) await prepareOutputPath(option, path);
  }
  // Opened before the pipeline loads: a log file that cannot be written stops the run before it starts.
  const logFile = running && o.logFile ? await LogFile.open(o.logFile) : undefined;
  try {
    const { pipeline, src } = await loadFromCli(o);
    try {
      if (!running) {
        if (o.flowchart) await writeFlowchart(pipeline, o, planOptions(o));
        if (o.report) {
          await pipeline.printoutGraph({ ...planOptions(o), output: o.report, format: "html", drawVertically: !o.drawGraphHorizontally, noKeyLegend: false });
        }
        if (o.justPrint) {
          const verbose = Math.max(o.verbose ?? 1, 1); // Ruffus's -n without -v prints nothing: a bug
          if (o.json) {
            rt().stdout.write(JSON.stringify(await planJson(pipeline, { ...planOptions(o), verbose }), null, 2) + "\n");
          } else {
            await pipeline.printout({ ...planOptions(o), verbose, outputStream: rt().stdout });
          }
        }
        return EXIT.ok;
      }
    } catch (e) {
      return reportError(e, src, o);
    }
    return await runPipelineFromCli(pipeline, src, o, logFile);
  } finally {
    logFile?.close();
  }
}

/** The terminal's size: the stream's own idea of it, else COLUMNS / LINES; undefined when unknown. */
function terminalSize(): { columns?: number; rows?: number } {
  const g = globalThis as { process?: { stderr?: { columns?: number; rows?: number } }; Deno?: { consoleSize?: () => { columns: number; rows: number } } };
  const stream = g.process?.stderr;
  if (stream?.columns && stream.rows) return { columns: stream.columns, rows: stream.rows };
  try {
    const deno = g.Deno?.consoleSize?.();
    if (deno?.columns) return deno;
  } catch {
    // not a terminal after all
  }
  return { columns: Number(rt().env("COLUMNS")) || undefined, rows: Number(rt().env("LINES")) || undefined };
}

async function runPipelineFromCli(pipeline: Pipeline, src: PipelineSource, o: CliOptions, logFile: LogFile | undefined): Promise<number> {
  const config = await readConfig(o.config, o.file as string);
  applyTaskResources(pipeline, config);
  const executor = o.executor ?? config.executor ?? "local";
  if (executor !== "local" && executor !== "slurm") throw new UsageError(`--executor must be local or slurm, not '${executor}'.`);
  const base = rt();
  // A live display needs a terminal that moves its cursor and says how high it is (the display keeps to
  // its bottom lines); and it replaces the task lines, so only without -v.
  const display = base.stderrIsTTY && !base.env("CI") && base.env("TERM") !== "dumb" && o.verbose === undefined && (terminalSize().rows ?? 0) >= 2;
  const progress = display
    ? new ProgressDisplay(base.stderr, {
        width: () => terminalSize().columns ?? 80,
        height: () => terminalSize().rows ?? 24,
        colour: colourWanted((n) => base.env(n), base.stderrIsTTY),
      })
    : undefined;
  // However the process ends (a second Ctrl-C, process.exit() in a task), the terminal gets its whole screen back.
  const releaseOnEnd = progress ? base.onProcessEnd(() => progress.stop()) : undefined;
  const screen = (text: string): void => {
    if (progress) progress.log(text);
    else base.stderr.write(text.endsWith("\n") ? text : text + "\n");
  };
  logFile?.write(`\n${new Date().toISOString().slice(0, 10)} ${pipeline.name}\n`);
  // Without -v Ruffus logs at level 1; the display shows warnings and errors of that level, not the task lines.
  const verbose = o.verbose ?? 1;
  const logger = cliLogger({ screen, info: !display && verbose > 0, warnings: verbose > 0, file: logFile });
  // Whatever else is written to stderr while the run goes (the interruption notice, the failure report,
  // cluster notices) goes above the display and into the log file too.
  setRuntime({
    ...base,
    stderr: {
      write: (text) => {
        screen(text);
        logFile?.entry(text);
      },
    },
  });
  // On Ctrl-C the display goes before the run reports the interruption. Listening from the plan on
  // (the run's own handlers are in place by then): a listener of ours alone would keep Ctrl-C from
  // stopping the process while the run is being prepared.
  const removeSignalHandlers: (() => void)[] = [];
  const onEvent = progress
    ? (e: PipelineEvent): void => {
        if (e.type === "plan") for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) removeSignalHandlers.push(base.onSignal(sig, () => progress.stop()));
        progress.listener(e);
      }
    : undefined;
  const touch = o.recreateDatabase ? 2 : o.touchFilesOnly ? 1 : 0;
  const parallel = o.jobs;
  try {
    const summary = await pipeline.run({
      ...planOptions(o),
      verbose: Math.max(verbose, logFile ? 1 : 0),
      logger,
      touchFilesOnly: touch,
      multiprocess: o.useThreads ? undefined : parallel,
      multithread: o.useThreads ? parallel : undefined,
      onEvent,
      executor,
      executorOptions: config.slurm,
    });
    progress?.stop();
    if (progress) {
      rt().stderr.write(`ruff: ${summary.jobsRun} job${summary.jobsRun === 1 ? "" : "s"} run, ${summary.jobsUptodate} up to date, ${(summary.elapsedMs / 1000).toFixed(1)}s\n`);
    }
    return EXIT.ok;
  } catch (e) {
    progress?.stop();
    return reportError(e, src, o);
  } finally {
    for (const remove of removeSignalHandlers) remove();
    releaseOnEnd?.();
    setRuntime(base);
  }
}

/** `ruff list pipeline.ts`: the task names, one per line. */
export async function listCommand(o: CliOptions): Promise<number> {
  const { pipeline } = await loadFromCli(o);
  rt().stdout.write(pipeline.getTaskNames().map((n) => n + "\n").join(""));
  return EXIT.ok;
}
