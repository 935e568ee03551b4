/**
 * ruffus: Ruffus computational pipelines for TypeScript.
 *
 * @example
 * import { Pipeline, suffix } from "ruffus";
 * const p = new Pipeline("demo");
 * const start = p.originate({ task: async (out: string) => { ... }, output: ["a.1", "b.1"] });
 * p.transform({ task: async (i: string, o: string) => { ... }, input: start, filter: suffix(".1"), output: ".2" });
 * await p.run();
 * @module
 */
import "./runtime/select.ts";

export { Pipeline } from "./core/pipeline.ts";
export type {
  TaskOptions,
  OriginateOptions,
  SplitOptions,
  MergeOptions,
  TransformOptions,
  SubdivideOptions,
  CollateOptions,
  ProductOptions,
  CombinatoricsOptions,
  FilesOptions,
  ParallelOptions,
  FollowsOptions,
  MkdirOptions,
} from "./core/pipeline.ts";
export { Task } from "./core/task.ts";
export type { TaskFunction, PosttaskAction, GraphvizAttributes, UptodateCheck } from "./core/task.ts";
export { suffix, regex, formatter } from "./patterns/indicators.ts";
export type { FileFilter, SuffixFilter, RegexFilter, FormatterFilter } from "./patterns/types.ts";
export { inputs, addInputs, outputFrom, runtimeParameter, touchFile } from "./core/indicators.ts";
export type { InputsIndicator, AddInputsIndicator, OutputFromIndicator, RuntimeParameter, TouchFileIndicator } from "./core/indicators.ts";
export { mkdir } from "./core/mkdir.ts";
export type { MkdirIndicator } from "./core/mkdir.ts";
export {
  originate,
  split,
  transform,
  subdivide,
  merge,
  collate,
  product,
  permutations,
  combinations,
  combinationsWithReplacement,
  files,
  filesRe,
  combine,
  CombineIndicator,
  parallel,
  follows,
  posttask,
  jobsLimit,
  activeIf,
  checkIfUptodate,
  graphviz,
  pipelineRun,
  pipelinePrintout,
  pipelineGetTaskNames,
  pipelinePrintoutGraph,
} from "./core/decorators.ts";
export type { PrintoutGraphOptions } from "./core/printout-graph.ts";
export { graphColourDemoPrintout, type FlowchartOutput } from "./core/printout-graph.ts";
export type { FlowchartOptions } from "./core/flowchart-plan.ts";
export type { Decorator, PipelineOption } from "./core/decorators.ts";
export {
  RuffusError,
  TaskDeclarationError,
  TaskLookupError,
  CircularDependencyError,
  MissingInputFileError,
  NotADirectoryError,
  MissingRuntimeParameterError,
  JobSignalledBreak,
  RethrownJobError,
  ParameterGenerationError,
} from "./core/errors.ts";
export type { JobFailure } from "./core/errors.ts";
export { PatternSyntaxError, NoMatchError, FatalMatchError } from "./patterns/errors.ts";
export { stderrLogger, blackHoleLogger } from "./report/logger.ts";
export { pipelineArgs } from "./core/pipeline-args.ts";
export { setupLogging, withLock, addToCounter, isWorker } from "./exec/shared.ts";
export { sh, runJob } from "./exec/sh.ts";
export type { ShellResult, RunJobOptions } from "./exec/sh.ts";
export { CommandError } from "./exec/executor.ts";
export type { Executor, CommandSpec, CommandResult, Resources } from "./exec/executor.ts";
export { LocalExecutor } from "./exec/local-executor.ts";
export { SlurmExecutor } from "./exec/slurm-executor.ts";
export type { SlurmOptions } from "./exec/slurm-executor.ts";
export type { RunOptions, PrintoutOptions, PlanOptions, RunSummary, TaskTiming, Logger, TaskReference } from "./core/run-options.ts";
export type { PipelineEvent, JobRef } from "./core/events.ts";
export type { Job } from "./core/job-params.ts";
