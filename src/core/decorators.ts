/**
 * Decorator style, for Ruffus users: `transform(input, suffix(".1"), ".2")(async function f(i, o) {...})`.
 * Each call registers the function as a task of the pipeline named "main" and returns the
 * function unchanged, so it can be used as an input elsewhere or called directly. Stacked
 * "decorators" act on the same task, in any order.
 */
import type { TaskKind } from "./arguments.ts";
import { setMkdirDecorator } from "./mkdir.ts";
import { Pipeline } from "./pipeline.ts";
import { RuffusError, TaskDeclarationError } from "./errors.ts";
import { checkOptionKeys, type OptionsOf } from "./option-keys.ts";
import { wirePipelines } from "./wiring.ts";
import { InputsIndicator, inputs } from "./indicators.ts";
import { regex } from "../patterns/indicators.ts";
import { callerPlace } from "./source-module.ts";
import type { RunOptions, RunSummary, PrintoutOptions } from "./run-options.ts";
import type { PrintoutGraphOptions } from "./printout-graph.ts";
import { checkGraphvizAttributes, type GraphvizAttributes, type PosttaskAction, type Task, type TaskFunction, type UptodateCheck } from "./task.ts";

/** Applied to a task function, registers it; returns the function unchanged. */
export type Decorator = <F extends TaskFunction>(func: F) => F;

/** The main-pipeline task of a decorated function, created on first use. */
function taskFor(func: TaskFunction): Task {
  if (typeof func !== "function") throw new TypeError("A ruffus decorator must be applied to a function.");
  const main = Pipeline.main;
  let task = main.byDecoratedFunction.get(func);
  if (!task) {
    task = main.newTask(func, undefined, undefined);
    task.setDeclaredAt(callerPlace());
    main.register(task);
    task.createdViaDecorator = true;
    task.kind = "follows";
    main.byDecoratedFunction.set(func, task);
  }
  return task;
}

function action(kind: TaskKind, args: unknown[]): Decorator {
  return (func) => {
    Pipeline.main.applyKind(taskFor(func), kind, args, {});
    return func;
  };
}

function modifier(apply: (task: Task) => void): Decorator {
  return (func) => {
    apply(taskFor(func));
    return func;
  };
}

setMkdirDecorator((args, func) => {
  taskFor(func).mkdir(...args);
});

/**
 * `originate(output, ...extras)`: make files from nothing.
 *
 * @example
 * originate(["a.start", "b.start"])(async function makeStart(output) { await writeFile(output, ""); });
 */
export const originate = (...args: unknown[]): Decorator => action("originate", args);
/**
 * `split(input, output, ...extras)`: one job, many outputs.
 *
 * @example
 * split("big.fa", "chunks/*.fa")(async function chunk(input, outputs) { ... });
 */
export const split = (...args: unknown[]): Decorator => action("split", args);
/**
 * `transform(input, filter, [inputs()|addInputs()], output, ...extras)`: one job per input.
 *
 * @example
 * transform(makeStart, suffix(".start"), ".middle")(async function toMiddle(input, output) { ... });
 */
export const transform = (...args: unknown[]): Decorator => action("transform", args);
/**
 * What `combine(...)` wraps; see {@link combine}.
 *
 * @example
 * combine(String.raw`(.*)\.txt`) instanceof CombineIndicator; // true
 */
export class CombineIndicator {
  constructor(readonly args: readonly unknown[]) {}
}

/**
 * Ruffus's deprecated `combine()`, only for {@link filesRe}: wrapping any of its arguments makes the
 * task group every matching input by output name, like `collate`.
 *
 * @example
 * filesRe("*.txt", combine(String.raw`(.*)/.*\.txt`), String.raw`\1.all`)(async function all(inputs, output) { ... });
 */
export function combine(...args: unknown[]): CombineIndicator {
  return new CombineIndicator(args);
}

/**
 * Ruffus's deprecated `@files_re(input, regex, [inputPattern], output, ...extras)`, so that old
 * pipelines translate line for line: a `transform` (a `collate` when an argument is wrapped in
 * {@link combine}) whose second argument is always a regular expression and whose third, when
 * there are more than three arguments, is always an `inputs()` pattern (as in Ruffus: extras
 * need an input pattern before them). New pipelines use `transform` / `collate`.
 *
 * @example
 * filesRe("*.c", String.raw`(.*)\.c`, String.raw`\1.o`)(async function compile(input, output) { ... });
 */
export const filesRe = (...args: unknown[]): Decorator => {
  let combining = false;
  const a = args.map((x) => {
    if (!(x instanceof CombineIndicator)) return x;
    combining = true;
    return x.args.length === 1 ? x.args[0] : [...x.args];
  });
  return (func) => {
    const task = taskFor(func);
    if (a.length < 3) {
      throw new TaskDeclarationError(task.displayName, undefined, `filesRe() needs at least 3 arguments (input, regex, output), got ${a.length}.`);
    }
    if (typeof a[1] === "string") a[1] = regex(a[1]);
    else if (!isFilter(a[1], "regex")) {
      throw new TaskDeclarationError(task.displayName, "filter", "filesRe()'s second argument must be a regular expression string.");
    }
    if (a.length > 3 && !(a[2] instanceof InputsIndicator)) a[2] = inputs(a[2]);
    Pipeline.main.applyKind(task, combining ? "collate" : "transform", a, {});
    return func;
  };
};

/**
 * `subdivide(input, filter, [inputs()|addInputs()], output, ...extras)`: one job per input, many outputs each.
 *
 * @example
 * subdivide("*.fa", formatter(), "{path[0]}/{basename[0]}.*.chunk", "{path[0]}/{basename[0]}")(async function chunkEach(i, o, prefix) { ... });
 */
export const subdivide = (...args: unknown[]): Decorator => action("subdivide", args);
/**
 * `merge(input, output, ...extras)`: one job over all inputs.
 *
 * @example
 * merge(toMiddle, "all.summary")(async function summarise(inputs, output) { ... });
 */
export const merge = (...args: unknown[]): Decorator => action("merge", args);
/**
 * `collate(input, filter, [inputs()|addInputs()], output, ...extras)`: one job per group of inputs with the same output.
 *
 * @example
 * collate("*.fish", regex(String.raw`(.+)\.fish`), "fish.summary")(async function summarise(inputs, output) { ... });
 */
export const collate = (...args: unknown[]): Decorator => action("collate", args);
/**
 * `product(input, formatter(), input2, formatter(), ..., output, ...extras)`: all combinations of N sets.
 *
 * @example
 * product(a, formatter(), b, formatter(), "{basename[0][0]}_{basename[1][0]}.pair")(async function pair(inputs, output) { ... });
 */
export const product = (...args: unknown[]): Decorator => action("product", args);
/**
 * `permutations(input, formatter(), k, output, ...extras)`.
 *
 * @example
 * permutations(samples, formatter(), 2, "{basename[0][0]}-{basename[1][0]}.perm")(async function perm(inputs, output) { ... });
 */
export const permutations = (...args: unknown[]): Decorator => action("permutations", args);
/**
 * `combinations(input, formatter(), k, output, ...extras)`.
 *
 * @example
 * combinations(samples, formatter(), 2, "{basename[0][0]}-{basename[1][0]}.comb")(async function comb(inputs, output) { ... });
 */
export const combinations = (...args: unknown[]): Decorator => action("combinations", args);
/**
 * `combinationsWithReplacement(input, formatter(), k, output, ...extras)`.
 *
 * @example
 * combinationsWithReplacement(samples, formatter(), 2, "{basename[0][0]}-{basename[1][0]}.cwr")(async function cwr(inputs, output) { ... });
 */
export const combinationsWithReplacement = (...args: unknown[]): Decorator => action("combinationsWithReplacement", args);
/**
 * `files(input, output, ...extras)` for one job, or `files([[input, output, ...extras], ...])`.
 *
 * @example
 * files([["a.txt", "a.copy"], ["b.txt", "b.copy"]])(async function copy(input, output) { ... });
 */
export const files = (...args: unknown[]): Decorator => action("files", args);
/**
 * `parallel(a, b, ...)` for one job, or `parallel([[a, b], [c, d]])`: jobs with arbitrary parameters.
 *
 * @example
 * parallel([["A", 1], ["B", 2]])(function show(name, n) { console.log(name, n); });
 */
export const parallel = (...args: unknown[]): Decorator => action("parallel", args);

/**
 * `follows(...parents)`: run after these tasks (objects, functions, names, pipelines, `mkdir(...)`).
 *
 * @example
 * follows(makeStart, mkdir("out"))(function report() { ... });
 */
export const follows = (...parents: unknown[]): Decorator => modifier((t) => t.follows(...parents));
/**
 * `posttask(...actions)`: functions or `touchFile()` run when the task completes.
 *
 * @example
 * posttask(touchFile("done.flag"))(merge(stage, "all.txt")(async function combine(i, o) { ... }));
 */
export const posttask = (...actions: PosttaskAction[]): Decorator => modifier((t) => t.posttask(...actions));
/**
 * `jobsLimit(n, name?)`: at most n jobs at once (shared by tasks using the same name).
 *
 * @example
 * jobsLimit(2, "network")(transform(urls, suffix(".url"), ".html")(async function download(i, o) { ... }));
 */
export const jobsLimit = (limit: number, limitName?: string): Decorator => modifier((t) => t.jobsLimit(limit, limitName));
/**
 * `activeIf(...checks)`: the task runs only if every check (boolean or function) is truthy.
 *
 * @example
 * activeIf(() => process.env.QC === "1")(transform(reads, suffix(".fq"), ".qc")(async function qc(i, o) { ... }));
 */
export const activeIf = (...checks: (boolean | (() => unknown))[]): Decorator => modifier((t) => t.activeIf(...checks));
/**
 * `checkIfUptodate(check)`: the job's own up-to-date test, returning `[needsUpdate, reason]`.
 *
 * @example
 * checkIfUptodate(() => [!dbLoaded(), "database empty"])(parallel([["db"]])(async function load(name) { ... }));
 */
export const checkIfUptodate = (check: UptodateCheck): Decorator => modifier((t) => t.checkIfUptodate(check));
/**
 * `graphviz(attributes)`: flowchart node attributes.
 *
 * @example
 * graphviz({ fillcolor: '"#FFCCCC"' })(transform(...)(async function align(i, o) { ... }));
 */
export const graphviz = (attributes: GraphvizAttributes, ...unexpected: never[]): Decorator => {
  // Refused when written, before any function is given, as Ruffus's decorator raises its TypeError.
  checkGraphvizAttributes(attributes, unexpected, (m) => new TypeError(m));
  return modifier((t) => t.graphviz(attributes));
};

/**
 * Ruffus's `pipeline=` argument of the module functions: the pipeline (or its name) to act on.
 * Without it they act on every pipeline, as Ruffus's do.
 */
export interface PipelineOption {
  /** The pipeline, or its name; default: the tasks of every pipeline, names looked up from "main" first. */
  pipeline?: Pipeline | string;
}

/** Ruffus's `lookup_pipeline`. */
function lookupPipeline(ref: Pipeline | string, call: string): Pipeline {
  if (ref instanceof Pipeline) return ref;
  const found = typeof ref === "string" ? Pipeline.lookup(ref) : undefined;
  if (found) return found;
  const names = [...Pipeline.all()].map((p) => `'${p.name}'`).join(", ") || "none";
  throw new RuffusError(`${call}: pipeline ${typeof ref === "string" ? `'${ref}'` : String(ref)} does not name a pipeline. Pipelines: ${names}.`);
}

/** Every task of every pipeline, in the order they were declared (as Ruffus lists its task nodes). */
function everyTask(): Task[] {
  const all = [...Pipeline.all()].flatMap((p) => p.tasks);
  const numbered = all.filter((t) => t.nodeNumber !== undefined).sort((a, b) => (a.nodeNumber as number) - (b.nodeNumber as number));
  return [...numbered, ...all.filter((t) => t.nodeNumber === undefined)];
}

/**
 * The pipeline a module function runs on, and its options: with `pipeline`, that one; without, "main"
 * as the home of task names and, when no targets are given, every task of every pipeline as targets
 * (Ruffus's `_pipeline_prepare_to_run`). mkdir tasks made by follows(mkdir()) are left out there, as
 * a pipeline's own default targets leave them out.
 */
function moduleCall<O extends { targetTasks?: unknown }>(call: string, kind: OptionsOf, options: O & PipelineOption): [Pipeline, O] {
  checkOptionKeys(kind, options, ["pipeline"], call);
  const { pipeline, ...rest } = options;
  if (pipeline !== undefined) return [lookupPipeline(pipeline, call), rest as unknown as O];
  const targets = rest.targetTasks;
  if (targets !== undefined && !(Array.isArray(targets) && targets.length === 0)) return [Pipeline.main, rest as unknown as O];
  const all = everyTask().filter((t) => !t.deferredMkdir);
  return [Pipeline.main, (all.length ? { ...rest, targetTasks: all } : rest) as unknown as O];
}

/**
 * Ruffus's `pipeline_run`: runs every pipeline's tasks (decorator-style tasks live in "main"), or
 * the targets, or with `pipeline` that pipeline's.
 *
 * @example
 * await pipelineRun({ multithread: 4, verbose: 3 });
 * await pipelineRun({ pipeline: "sub", targetTasks: ["align"] });
 */
export async function pipelineRun(options: RunOptions & PipelineOption = {}): Promise<RunSummary> {
  const [p, o] = moduleCall("pipelineRun()", "run()", options);
  return p.run(o);
}

/**
 * Ruffus's `pipeline_printout`: what {@link pipelineRun} with the same options would do.
 *
 * @example
 * console.log(await pipelinePrintout({ verbose: 3 }));
 */
export async function pipelinePrintout(options: PrintoutOptions & PipelineOption = {}): Promise<string> {
  const [p, o] = moduleCall("pipelinePrintout()", "printout()", options);
  return p.printout(o);
}

/**
 * Ruffus's `pipeline_printout_graph`: the flowchart of every pipeline, or of `pipeline` (see `Pipeline.printoutGraph`).
 *
 * @example
 * await pipelinePrintoutGraph({ output: "flowchart.svg" });
 */
export async function pipelinePrintoutGraph(options: PrintoutGraphOptions & PipelineOption = {}): Promise<string | Uint8Array> {
  const [p, o] = moduleCall("pipelinePrintoutGraph()", "printoutGraph()", options);
  return p.printoutGraph(o);
}

/**
 * Ruffus's `pipeline_get_task_names`: the names of every pipeline's tasks, in declaration order
 * (bare names, as Ruffus gives them: `"align"`, not `"sub::align"`), once references are resolved
 * (so a plain function named in `follows()` is listed as the task it becomes). With `pipeline`,
 * that pipeline's task names.
 *
 * @example
 * console.log(pipelineGetTaskNames());                  // ["makeStart", "toMiddle", "align", ...]
 * console.log(pipelineGetTaskNames({ pipeline: "sub" })); // ["align", ...]
 */
export function pipelineGetTaskNames(options: PipelineOption = {}): string[] {
  if (typeof options !== "object" || options === null) throw new RuffusError("pipelineGetTaskNames() takes one options object, e.g. { pipeline: \"sub\" }.");
  for (const key of Object.keys(options)) {
    if (key !== "pipeline") throw new RuffusError(`pipelineGetTaskNames() has no option '${key}'. Its only option is: pipeline.`);
  }
  if (options.pipeline !== undefined) return lookupPipeline(options.pipeline, "pipelineGetTaskNames()").getTaskNames();
  wirePipelines([...Pipeline.all()]);
  return everyTask().map((t) => t.name);
}

function isFilter(v: unknown, kind: string): boolean {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === kind;
}
