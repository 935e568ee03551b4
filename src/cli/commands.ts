/**
 * `ruff pipeline.ts` (run, `-n` printout, `--flowchart`) and `ruff list`.
 */
import { CircularDependencyError, RethrownJobError, RuffusError, TaskLookupError } from "../core/errors.ts";
import type { Pipeline } from "../core/pipeline.ts";
import type { Logger, RunOptions } from "../core/run-options.ts";
import { rt } from "../core/runtime.ts";
import { FatalMatchError, PatternSyntaxError } from "../patterns/errors.ts";
import { ProgressDisplay } from "../report/progress.ts";
import { planJson } from "../report/plan-json.ts";
import type { CliOptions } from "./args.ts";
import { EXIT, PipelineFileError, UsageError } from "./errors.ts";
import { applyTaskResources, readConfig } from "./config.ts";
import { loadPipelineFile } from "./load.ts";
import { writeFlowchart } from "./flowchart.ts";

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

/** A logger for the run log: stderr (above the progress display on a terminal), and the log file. */
function cliLogger(sink: (line: string) => void, logLines: string[] | undefined): Logger {
  const stamp = (): string => new Date().toTimeString().slice(0, 8);
  const out = (text: string, level?: string): void => {
    sink(text);
    logLines?.push(` ${stamp()} - ${level ? `${level.padEnd(7)} - ` : ""}${text.trim()}`);
  };
  return {
    info: (m) => out(m),
    debug: (m) => out(m),
    warning: (m) => out("\n\nWARNING:\n    " + m + "\n\n", "WARNING"),
    error: (m) => out("\n\nERROR:\n    " + m + "\n\n", "ERROR"),
  };
}

/** Is this failure the pipeline's fault (exit 2) rather than a job's (exit 1)? */
function brokenPipeline(e: unknown): boolean {
  if (e instanceof CircularDependencyError || e instanceof TaskLookupError || e instanceof PatternSyntaxError || e instanceof FatalMatchError) return true;
  if (e instanceof RethrownJobError) return e.failures.every((f) => f.job === undefined && brokenPipeline((f.error as { cause?: unknown }).cause ?? f.error));
  return false;
}

/** Prints an error the way a user should see it, and returns the exit status. */
export function reportError(e: unknown): number {
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

async function load(o: CliOptions): Promise<Pipeline> {
  return loadPipelineFile(o.file as string, o.pipelineArgs);
}

/** `ruff pipeline.ts [options]`. */
export async function runCommand(o: CliOptions): Promise<number> {
  const pipeline = await load(o);
  try {
    if (o.justPrint) {
      const verbose = Math.max(o.verbose ?? 1, 1); // Ruffus's -n without -v prints nothing: a bug
      if (o.json) {
        rt().stdout.write(JSON.stringify(await planJson(pipeline, { ...planOptions(o), verbose }), null, 2) + "\n");
      } else {
        await pipeline.printout({ ...planOptions(o), verbose, outputStream: rt().stdout });
      }
      return EXIT.ok;
    }
    if (o.report) {
      await pipeline.printoutGraph({ ...planOptions(o), output: o.report, format: "html", drawVertically: !o.drawGraphHorizontally, noKeyLegend: false });
      return EXIT.ok;
    }
    if (o.flowchart) {
      await writeFlowchart(pipeline, o, planOptions(o));
      return EXIT.ok;
    }
    return await runPipelineFromCli(pipeline, o);
  } catch (e) {
    return reportError(e);
  }
}

async function runPipelineFromCli(pipeline: Pipeline, o: CliOptions): Promise<number> {
  const config = await readConfig(o.config, o.file as string);
  applyTaskResources(pipeline, config);
  const executor = o.executor ?? config.executor ?? "local";
  if (executor !== "local" && executor !== "slurm") throw new UsageError(`--executor must be local or slurm, not '${executor}'.`);
  const tty = rt().stderrIsTTY && !rt().env("CI");
  const progress = tty ? new ProgressDisplay(rt().stderr, () => Number(rt().env("COLUMNS") ?? 100)) : undefined;
  // Without -v: a live display on a terminal; Ruffus's task lines (verbose 1) otherwise.
  const verbose = o.verbose ?? (tty ? 0 : 1);
  const logLines: string[] | undefined = o.logFile ? [] : undefined;
  const write = (text: string): void => {
    if (progress) progress.log(text);
    else rt().stderr.write(text.endsWith("\n") ? text : text + "\n");
  };
  const logger = cliLogger(write, logLines);
  const touch = o.recreateDatabase ? 2 : o.touchFilesOnly ? 1 : 0;
  const parallel = o.jobs;
  try {
    const summary = await pipeline.run({
      ...planOptions(o),
      verbose: verbose || (logLines ? 1 : 0),
      logger: verbose ? logger : cliLogger(() => {}, logLines),
      touchFilesOnly: touch,
      multiprocess: o.useThreads ? undefined : parallel,
      multithread: o.useThreads ? parallel : undefined,
      onEvent: progress?.listener,
      executor,
      executorOptions: config.slurm,
    });
    progress?.stop();
    if (!verbose && tty) {
      rt().stderr.write(`ruff: ${summary.jobsRun} job${summary.jobsRun === 1 ? "" : "s"} run, ${summary.jobsUptodate} up to date, ${(summary.elapsedMs / 1000).toFixed(1)}s\n`);
    }
    return EXIT.ok;
  } catch (e) {
    progress?.stop();
    return reportError(e);
  } finally {
    if (logLines && o.logFile) {
      const header = `\n${new Date().toISOString().slice(0, 10)} ${pipeline.name}\n`;
      await rt().appendTextFile(o.logFile, header + logLines.join("\n") + "\n");
    }
  }
}

/** `ruff list pipeline.ts`: the task names, one per line. */
export async function listCommand(o: CliOptions): Promise<number> {
  const pipeline = await load(o);
  rt().stdout.write(pipeline.getTaskNames().map((n) => n + "\n").join(""));
  return EXIT.ok;
}
