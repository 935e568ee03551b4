/**
 * `Pipeline`: a named set of tasks, one factory method per Ruffus task kind, each taking one
 * options object whose keys are Ruffus's parameter names in camelCase.
 */
import type { FileFilter, FormatterFilter } from "../patterns/types.ts";
import { parseTaskArguments, type TaskKind } from "./arguments.ts";
import { RuffusError, TaskDeclarationError, TaskLookupError } from "./errors.ts";
import { isMkdirFilterForm, mkdirDirectories, mkdirTaskName } from "./mkdir.ts";
import { Task, numberNode, resetNodeNumbers, type GraphvizAttributes, type TaskFunction, type UptodateCheck } from "./task.ts";
import { lookupTasks } from "./lookup.ts";
import { checkOptionKeys } from "./option-keys.ts";
import { AddInputsIndicator, InputsIndicator, OutputFromIndicator } from "./indicators.ts";
import type { RunOptions, RunSummary } from "./run-options.ts";
import type { PrintoutOptions } from "./run-options.ts";
import { runPipeline } from "./run.ts";
import { rt } from "./runtime.ts";
import { callerModule, callerPlace } from "./source-module.ts";
import { shortenFilenames } from "../report/shorten.ts";
import { printoutPipeline } from "./printout-plan.ts";
import { printoutGraph, type PrintoutGraphOptions } from "./printout-graph.ts";

/** Options every task factory takes. */
export interface TaskOptions {
  /** The task function. */
  task: TaskFunction;
  /** The task's name; defaults to the function's name. Lets one function serve several tasks. */
  name?: string;
  /** One line shown at verbosity 2; defaults to a leading string directive in the function body. */
  description?: string;
}

/** `originate`: make files from nothing, one job per output element. */
export interface OriginateOptions extends TaskOptions {
  output: unknown;
  extras?: unknown[];
}

/** `split` and `merge`: one job over all inputs. */
export interface SplitOptions extends TaskOptions {
  input: unknown;
  output: unknown;
  extras?: unknown[];
}

/** Options of `merge`. */
export type MergeOptions = SplitOptions;

/** `transform`, `subdivide`: one job per input, output names made by a pattern. */
export interface TransformOptions extends TaskOptions {
  input: unknown;
  filter: FileFilter;
  output: unknown;
  extras?: unknown[];
  /** With `suffix()` only: write outputs into this directory. */
  outputDir?: string;
  /** `addInputs(...)` (or an array of values): extra inputs added to each job. */
  addInputs?: unknown;
  /** `inputs(...)` (or a value): replaces each job's input. */
  replaceInputs?: unknown;
}

/** Options of `subdivide`. */
export type SubdivideOptions = TransformOptions;

/** `collate`: group inputs whose substituted output (and extras) are equal. */
export type CollateOptions = Omit<TransformOptions, "outputDir">;

/** `product`: every combination of N input sets; `input2`/`filter2`, `input3`/`filter3`... */
export interface ProductOptions extends Omit<TransformOptions, "outputDir" | "filter"> {
  filter: FormatterFilter;
  [inputOrFilterN: `input${number}` | `filter${number}`]: unknown;
}

/** `permutations`, `combinations`, `combinationsWithReplacement` of `tupleSize` inputs. */
export interface CombinatoricsOptions extends Omit<TransformOptions, "outputDir" | "filter"> {
  filter: FormatterFilter;
  tupleSize: number;
}

/** `files`: explicit jobs; either `input`/`output`/`extras` for one job, or `jobs`. */
export interface FilesOptions extends TaskOptions {
  input?: unknown;
  output?: unknown;
  extras?: unknown[];
  /** `[[input, output, ...extras], ...]`, or a function returning such lists. */
  jobs?: unknown[][] | (() => Iterable<unknown[]>);
}

/** `parallel`: jobs with arbitrary parameters; `params` for one job or `jobs` for many. */
export interface ParallelOptions extends TaskOptions {
  params?: unknown[];
  jobs?: unknown[][] | (() => Iterable<unknown[]>);
}

/** `follows`: a task with no parameters that runs after its parents. */
export interface FollowsOptions extends TaskOptions {
  parents?: unknown[];
}

/** `mkdir` as a task of its own: directories to make, or (input, filter, output) for one set per input. */
export interface MkdirOptions {
  name?: string;
  input?: unknown;
  filter?: FileFilter;
  output: unknown;
  extras?: unknown[];
  outputDir?: string;
}

const pipelines = new Map<string, Pipeline>();
const jobLimits = new Map<string, number>();
let unnamedCount = 0;

/**
 * A named set of tasks. Tasks may refer to tasks declared later and to other pipelines; wiring
 * happens when the pipeline is run or printed.
 *
 * @example
 * const p = new Pipeline("demo");
 * const start = p.originate({ task: makeFile, output: ["a.1", "b.1"] });
 * p.transform({ task: oneToTwo, input: start, filter: suffix(".1"), output: ".2" });
 * await p.run({ multithread: 4 });
 */
export class Pipeline {
  /**
   * The pipeline decorator-style functions register into (made on first use).
   *
   * @example
   * transform("*.txt", suffix(".txt"), ".csv")(async function convert(i, o) { ... });
   * Pipeline.main.getTaskNames(); // ["convert"]
   */
  static get main(): Pipeline {
    return pipelines.get("main") ?? new Pipeline("main");
  }

  /**
   * A pipeline by name, or undefined.
   *
   * @example
   * new Pipeline("sub");
   * Pipeline.lookup("sub")?.getTaskNames();
   */
  static lookup(name: string): Pipeline | undefined {
    return pipelines.get(name);
  }

  /**
   * Forget every pipeline and jobs-limit name (for tests that declare pipelines repeatedly).
   *
   * @example
   * beforeEach(() => Pipeline.clearAll());
   */
  static clearAll(): void {
    pipelines.clear();
    resetNodeNumbers();
    jobLimits.clear();
  }

  /** @internal All pipelines, for cross-pipeline task lookup. */
  static all(): Iterable<Pipeline> {
    return pipelines.values();
  }

  readonly name: string;
  /** @internal Tasks in declaration order. */
  readonly tasks: Task[] = [];
  /** @internal */
  readonly byName: Map<string, Task> = new Map();
  /** @internal Tasks made by decorator-style functions, by function. */
  readonly byDecoratedFunction: Map<TaskFunction, Task> = new Map();
  private headTasks: Task[] = [];
  private tailTasks: Task[] | undefined;
  private mkdirCount = 0;

  constructor(name?: string) {
    this.name = name ?? `pipeline${++unnamedCount}`;
    if (pipelines.has(this.name)) {
      throw new RuffusError(`Duplicate pipeline. A pipeline named '${this.name}' already exists. Pick another name, or call Pipeline.clearAll() first.`);
    }
    pipelines.set(this.name, this);
  }

  /** @internal Creates and registers an empty task, checking the name is free. */
  createTask(func: TaskFunction | undefined, name: string | undefined, description?: string): Task {
    return this.register(this.newTask(func, name, undefined, description));
  }

  /**
   * @internal A task object, not yet registered. Without a name option the function's name is used;
   * an inline arrow function (`task: async (i, o) => ...`, which JavaScript names "task", and Bun
   * sometimes "anonymous") gets the task kind as name, numbered like Ruffus numbers mkdir tasks:
   * "transform", "transform # 2".
   */
  newTask(func: TaskFunction | undefined, name: string | undefined, kind: string | undefined, description?: string): Task {
    let taskName = name ?? func?.name;
    if ((!taskName || (name === undefined && (taskName === "task" || taskName === "anonymous"))) && kind) {
      taskName = kind;
      for (let n = 2; this.byName.has(taskName); n++) taskName = `${kind} # ${n}`;
    }
    if (!taskName) {
      throw new RuffusError(
        `Pipeline '${this.name}': a task function without a name needs the name option, e.g. p.transform({ name: "align", task: (i, o) => ... }).`,
      );
    }
    const fromFunction = name === undefined && taskName === func?.name;
    if (fromFunction) taskName = this.moduleQualifiedName(taskName);
    if (this.byName.has(taskName)) {
      throw new RuffusError(`Same task name '${taskName}' specified multiple times in the same pipeline (${this.name}). Use the name option to tell them apart.`);
    }
    const task = new Task(this, taskName, func, description);
    task.nameFromFunction = fromFunction;
    // The module qualifying the name; declare() and decorators set the same one before registering.
    if (fromFunction && taskName !== func?.name) task.sourceModule ??= callerModule();
    return task;
  }

  /**
   * `short`, or `module.short` when a task function of that name came from another module: Ruffus
   * names tasks `module.function` (`m1.align`, `m2.align`) so two modules may each have an `align`;
   * we do so only when names clash (see README, Differences), and {@link register} renames the
   * first task too. Nothing changes until the new task is registered.
   */
  private moduleQualifiedName(short: string): string {
    const first = this.byName.get(short);
    const earlier = this.sharedShortNames.get(short) ?? (first?.nameFromFunction ? [first] : []);
    if (!earlier.length) return short;
    const module = callerModule();
    if (!module || earlier.some((t) => !t.sourceModule || t.sourceModule === module)) return short;
    return `${moduleLabel(module, earlier.map((t) => t.sourceModule as string))}.${short}`;
  }

  /** @internal Short names that several modules' task functions share, with those tasks. */
  readonly sharedShortNames: Map<string, Task[]> = new Map();

  /** @internal Adds a task made by {@link newTask}. */
  register(task: Task): Task {
    if (!task.deferredMkdir) numberNode(task);
    this.tasks.push(task);
    this.byName.set(task.name, task);
    const short = task.func?.name;
    if (task.nameFromFunction && short && task.name !== short) {
      let shared = this.sharedShortNames.get(short);
      if (!shared) {
        const first = this.byName.get(short) as Task;
        this.byName.delete(short);
        first.rename(`${moduleLabel(first.sourceModule as string, [task.sourceModule as string])}.${short}`);
        this.byName.set(first.name, first);
        this.sharedShortNames.set(short, (shared = [first]));
      }
      shared.push(task);
    }
    return task;
  }

  /** @internal Declares a task of one kind from parsed arguments. */
  declare(kind: TaskKind, options: TaskOptions & Record<string, unknown>, positional: readonly unknown[] = []): Task {
    const { task: func, name, description, ...rest } = options;
    if (typeof func !== "function") {
      throw new RuffusError(`Pipeline '${this.name}': ${kind}() needs the task function as the 'task' option, got ${typeof func}.`);
    }
    // Arguments are checked before the task is registered, so a rejected declaration leaves nothing behind.
    const task = this.newTask(func, name, kind, description);
    task.setDeclaredAt(callerPlace());
    this.applyKind(task, kind, positional, rest);
    return this.register(task);
  }

  /** @internal Parses arguments into an existing task (shared with the decorator style). */
  applyKind(task: Task, kind: TaskKind, positional: readonly unknown[], named: Record<string, unknown>): void {
    if (kind === "split" && (isFilterArg(positional[1]) || "filter" in named)) {
      // Ruffus documents split(input, regex(...), ...) as subdivide but crashes on it (bug §9.1); we honour the documentation.
      kind = "subdivide";
    }
    task.setKind(kind);
    if (kind === "files") {
      task.spec = filesSpec(task, positional, named);
      return;
    }
    if (kind === "parallel") {
      task.spec = parallelSpec(task, positional, named);
      return;
    }
    task.spec = parseTaskArguments(kind, task.displayName, positional, named);
  }

  /**
   * Make files from nothing: one job per element of `output`; the function gets `(output, ...extras)`.
   *
   * @example
   * p.originate({ task: async (out) => writeFile(out, ""), output: ["a.start", "b.start"] });
   */
  originate(options: OriginateOptions): Task {
    return this.declare("originate", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job per input; each output name made from its input by `filter`.
   *
   * @example
   * p.transform({ task: compress, input: start, filter: suffix(".txt"), output: ".txt.gz" });
   */
  transform(options: TransformOptions): Task {
    return this.declare("transform", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job splitting all inputs into many outputs (usually a glob the job fills).
   *
   * @example
   * p.split({ task: chunk, input: "big.fa", output: "chunks/*.fa" });
   */
  split(options: SplitOptions | SubdivideOptions): Task {
    return this.declare("split", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job per input, each making many outputs (a glob per job).
   *
   * @example
   * p.subdivide({ task: chunk, input: "*.fa", filter: formatter(), output: "{path[0]}/{basename[0]}.*.chunk", extras: ["{path[0]}/{basename[0]}"] });
   */
  subdivide(options: SubdivideOptions): Task {
    return this.declare("subdivide", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job over all inputs, writing one output.
   *
   * @example
   * p.merge({ task: summarise, input: stage2, output: "all.summary" });
   */
  merge(options: MergeOptions): Task {
    return this.declare("merge", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * Group inputs whose substituted output is the same; one job per group.
   *
   * @example
   * p.collate({ task: group, input: two, filter: regex(String.raw`(.+)\.\d+\.2$`), output: String.raw`\1.3` });
   */
  collate(options: CollateOptions): Task {
    return this.declare("collate", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job per combination of one input from each set.
   *
   * @example
   * p.product({ task: compare, input: a, filter: formatter(), input2: b, filter2: formatter(), output: "{basename[0][0]}_vs_{basename[1][0]}.cmp" });
   */
  product(options: ProductOptions): Task {
    return this.declare("product", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job per ordered `tupleSize`-tuple of distinct inputs (itertools.permutations).
   *
   * @example
   * p.permutations({ task: pair, input: samples, filter: formatter(), tupleSize: 2, output: "{basename[0][0]}-{basename[1][0]}.perm" });
   */
  permutations(options: CombinatoricsOptions): Task {
    return this.declare("permutations", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * One job per unordered `tupleSize`-combination of inputs (itertools.combinations).
   *
   * @example
   * p.combinations({ task: pair, input: samples, filter: formatter(), tupleSize: 2, output: "{basename[0][0]}-{basename[1][0]}.comb" });
   */
  combinations(options: CombinatoricsOptions): Task {
    return this.declare("combinations", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * Like `combinations`, allowing an input to pair with itself.
   *
   * @example
   * p.combinationsWithReplacement({ task: pair, input: samples, filter: formatter(), tupleSize: 2, output: "{basename[0][0]}-{basename[1][0]}.cwr" });
   */
  combinationsWithReplacement(options: CombinatoricsOptions): Task {
    return this.declare("combinationsWithReplacement", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * Jobs listed explicitly: `{ input, output, extras }` for one job or `jobs: [[input, output, ...extras], ...]`.
   *
   * @example
   * p.files({ task: copy, jobs: [["a.txt", "a.copy"], ["b.txt", "b.copy"]] });
   */
  files(options: FilesOptions): Task {
    return this.declare("files", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * Jobs with arbitrary parameters, not files; they always run unless `checkIfUptodate` says otherwise.
   *
   * @example
   * p.parallel({ task: (name, n) => console.log(name, n), jobs: [["A", 1], ["B", 2]] });
   */
  parallel(options: ParallelOptions): Task {
    return this.declare("parallel", options as unknown as TaskOptions & Record<string, unknown>);
  }

  /**
   * A task with no parameters that runs (every time) after its parents.
   *
   * @example
   * p.follows({ task: cleanup, parents: [report] });
   */
  follows(options: FollowsOptions): Task {
    const { parents, ...rest } = options;
    const task = this.declare("follows", rest as TaskOptions & Record<string, unknown>);
    if (parents) task.follows(...parents);
    return task;
  }

  /**
   * A task of its own that makes directories: `p.mkdir("a", "b")`, `p.mkdir({ output: ["a", "b"] })`
   * or the filter form `p.mkdir({ input, filter: formatter(), output: "{path[0]}/{basename[0]}.dir" })`.
   *
   * @example
   * const dirs = p.mkdir("results", "logs");
   */
  mkdir(...args: unknown[]): Task {
    let name: string | undefined;
    let positional: unknown[] = args;
    let named: Record<string, unknown> = {};
    if (args.length === 1 && isMkdirOptions(args[0])) {
      const { name: n, ...rest } = args[0];
      name = n;
      positional = [];
      named = rest;
    }
    if (!name) name = ++this.mkdirCount === 1 ? "mkdir" : `mkdir # ${this.mkdirCount}`;
    const task = this.createTask(undefined, name);
    configureMkdirTask(task, positional, named);
    return task;
  }

  /**
   * Sets a custom up-to-date check on the task using `func` (Ruffus's `pipeline.check_if_uptodate`).
   *
   * @example
   * p.checkIfUptodate(loadDb, () => [!dbLoaded(), "database empty"]);
   */
  checkIfUptodate(taskOrFunc: Task | TaskFunction | string, check: UptodateCheck): Task {
    return this.taskOrNew(taskOrFunc).checkIfUptodate(check);
  }

  /**
   * Sets Graphviz attributes on a task's flowchart node.
   *
   * @example
   * p.graphviz(align, { fillcolor: '"#FFCCCC"' });
   */
  graphviz(taskOrFunc: Task | TaskFunction | string, attributes: GraphvizAttributes, ...unexpected: never[]): Task {
    return this.taskOrNew(taskOrFunc).graphviz(attributes, ...unexpected);
  }

  /** The task of a name or task, or of a function, declaring one (as a follows-only task) if this pipeline has none for it, as Ruffus does. */
  private taskOrNew(ref: Task | TaskFunction | string): Task {
    if (typeof ref === "function" && !this.tasks.some((t) => t.func === ref)) return this.follows({ task: ref });
    return this.getTask(ref);
  }

  /**
   * The one task named by a `Task`, function, name or `"pipeline::name"`, or a pipeline with one
   * tail task (a pipeline stands for its tail tasks wherever tasks are named; for several, use
   * {@link getTailTasks}).
   *
   * @example
   * p.getTask("align").jobsLimit(2);
   * p.getTask("sub::align");
   * p.getTask(sub); // sub's tail task
   */
  getTask(ref: Task | TaskFunction | Pipeline | string): Task {
    const found = lookupTasks(ref, this, { context: "lookup" });
    if (found.length !== 1) {
      const fix = ref instanceof Pipeline ? ` Use ${ref.name}.getTailTasks() for all of them, or name one task.` : " Name one task.";
      throw new TaskLookupError(`Pipeline '${this.name}': ${String(ref)} names ${found.length} tasks (${found.map((t) => `'${t.displayName}'`).join(", ")}).${fix}`);
    }
    return found[0];
  }

  /**
   * The names of this pipeline's tasks, in declaration order (mkdir tasks included).
   *
   * @example
   * console.log(p.getTaskNames().join("\n"));
   */
  getTaskNames(): string[] {
    return this.tasks.map((t) => t.name);
  }

  /**
   * The tasks that take input when this pipeline is used as a sub-pipeline.
   *
   * @example
   * sub.setHeadTasks([sub.getTask("first")]);
   */
  setHeadTasks(tasks: (Task | TaskFunction | string)[]): this {
    if (!Array.isArray(tasks)) throw new RuffusError(`Pipeline '${this.name}': setHeadTasks() expects an array of tasks.`);
    this.headTasks = tasks.map((t) => this.getTask(t));
    return this;
  }

  /**
   * The tasks whose outputs the pipeline provides when used as input of another task.
   *
   * @example
   * sub.setTailTasks([sub.getTask("last")]);
   */
  setTailTasks(tasks: (Task | TaskFunction | string)[]): this {
    if (!Array.isArray(tasks)) throw new RuffusError(`Pipeline '${this.name}': setTailTasks() expects an array of tasks.`);
    this.tailTasks = tasks.map((t) => this.getTask(t));
    return this;
  }

  /**
   * The head tasks (see {@link setHeadTasks}).
   *
   * @example
   * for (const t of sub.getHeadTasks()) console.log(t.displayName);
   */
  getHeadTasks(): Task[] {
    return [...this.headTasks];
  }

  /**
   * The tail tasks (see {@link setTailTasks}); empty until set.
   *
   * @example
   * p.merge({ task: gather, input: sub.getTailTasks(), output: "all.txt" });
   */
  getTailTasks(): Task[] {
    return this.tailTasks ? [...this.tailTasks] : [];
  }

  /**
   * Sets the input of every head task.
   *
   * @example
   * sub.setInput({ input: ["a.fq", "b.fq"] });
   */
  setInput(args: { input: unknown; [inputN: `input${number}`]: unknown }): this {
    if (!this.headTasks.length) {
      throw new RuffusError(`Pipeline '${this.name}' has no head tasks defined.\nWhich task in '${this.name}' do you want to setInput() for? Call setHeadTasks([...]) first.`);
    }
    for (const t of this.headTasks) t.setInput(args);
    return this;
  }

  /**
   * Sets the output of every originate head task.
   *
   * @example
   * copy.setOutput({ output: ["c.start"] });
   */
  setOutput(args: { output: unknown }): this {
    if (!this.headTasks.length) {
      throw new RuffusError(`Pipeline '${this.name}' has no head tasks defined.\nWhich task in '${this.name}' do you want to setOutput() for? Call setHeadTasks([...]) first.`);
    }
    for (const t of this.headTasks) if (t.kind === "originate") t.setOutput(args);
    return this;
  }

  /**
   * A deep copy of this pipeline under a new name; references between its tasks point to the copies.
   *
   * @example
   * const second = first.clone("second"); second.setInput({ input: "other.txt" });
   */
  clone(newName: string): Pipeline {
    const copy = new Pipeline(newName);
    const map = new Map<Task, Task>();
    for (const t of this.tasks) {
      const n = new Task(copy, t.name, t.func, t.description);
      n.deferredMkdir = t.deferredMkdir;
      copy.register(n);
      map.set(t, n);
    }
    // Task objects anywhere a reference can be written (lists, outputFrom(), addInputs(), inputs())
    // become the copies, so the clone's tasks read the clone's outputs, as in Ruffus.
    const remap = (v: unknown): unknown => {
      if (v instanceof Task) return map.get(v) ?? v;
      if (Array.isArray(v)) return v.map(remap);
      if (v instanceof OutputFromIndicator) return new OutputFromIndicator(v.values.map(remap));
      if (v instanceof AddInputsIndicator) return new AddInputsIndicator(v.values.map(remap));
      if (v instanceof InputsIndicator) return new InputsIndicator(v.args.map(remap));
      return v;
    };
    for (const [t, n] of map) {
      n.kind = t.kind;
      n.spec = structuredCloneSpec(t.spec, remap);
      n.followSpecs = t.followSpecs.map(remap);
      n.mkdirTasks = t.mkdirTasks.map((m) => map.get(m) ?? m);
      n.jobsLimitValue = t.jobsLimitValue;
      n.resourcesValue = t.resourcesValue;
      n.retriesValue = t.retriesValue;
      n.posttasks = [...t.posttasks];
      n.activeChecks = [...t.activeChecks];
      n.uptodateCheck = t.uptodateCheck;
      n.graphvizAttributes = { ...t.graphvizAttributes };
      n.createdViaDecorator = t.createdViaDecorator;
      n.mkdirFor = t.mkdirFor ? map.get(t.mkdirFor) : undefined;
      n.originalName = t.name;
      n.sourceModule = t.sourceModule;
      if (t.func && this.byDecoratedFunction.get(t.func) === t) copy.byDecoratedFunction.set(t.func, n);
    }
    copy.headTasks = this.headTasks.map((t) => map.get(t) ?? t);
    copy.tailTasks = this.tailTasks?.map((t) => map.get(t) ?? t);
    copy.mkdirCount = this.mkdirCount;
    return copy;
  }

  /**
   * Runs the out-of-date jobs needed to bring the targets (default: every task) up to date.
   * Resolves to a summary; rejects with `RethrownJobError` carrying every job failure.
   *
   * @example
   * const summary = await p.run({ multithread: 4, verbose: 3 });
   * console.log(summary.jobsRun, "jobs ran");
   */
  async run(options: RunOptions = {}): Promise<RunSummary> {
    checkOptionKeys("run()", options);
    return runPipeline(this, options);
  }

  /**
   * What `run()` would do, as Ruffus's `pipeline_printout` text; also written to
   * `options.outputStream` when given. Nothing runs and the history is not written.
   *
   * @example
   * console.log(await p.printout({ verbose: 3 }));
   */
  async printout(options: PrintoutOptions = {}): Promise<string> {
    checkOptionKeys("printout()", options);
    return printoutPipeline(this, options);
  }

  /**
   * Draws the pipeline: DOT as Ruffus writes it, SVG and PNG made in-process (no Graphviz install
   * needed), JSON, or other Graphviz formats through a system `dot`. Writes to `output` (a file
   * name, format from its extension, or a stream) and resolves to the text or bytes.
   *
   * @example
   * await p.printoutGraph({ output: "flowchart.svg", noKeyLegend: false });
   */
  async printoutGraph(options: PrintoutGraphOptions = {}): Promise<string | Uint8Array> {
    checkOptionKeys("printoutGraph()", options);
    return printoutGraph(this, options);
  }

  /** @internal Registers a jobs-limit name, refusing a second, different limit under one name. */
  registerJobsLimit(task: Task, name: string, limit: number): void {
    const old = jobLimits.get(name);
    if (old !== undefined && old !== limit) {
      throw new TaskDeclarationError(task.displayName, "jobsLimit", `The job limit '${name}' cannot be re-defined from the former limit of ${old} to ${limit}.`);
    }
    jobLimits.set(name, limit);
  }

  /** @internal A mkdir task that runs before `forTask`. */
  createMkdirTaskFor(forTask: Task, args: readonly unknown[], deferred = false): Task {
    const count = forTask.mkdirTasks.length + 1;
    const task = this.newTask(undefined, mkdirTaskName(args, count, forTask), undefined);
    task.deferredMkdir = deferred;
    this.register(task);
    task.mkdirFor = forTask;
    configureMkdirTask(task, args, {});
    return task;
  }

  toString(): string {
    return `Pipeline(${this.name})`;
  }
}

function isFilterArg(v: unknown): boolean {
  return typeof v === "object" && v !== null && ["suffix", "regex", "formatter"].includes((v as { kind?: string }).kind ?? "");
}

function isMkdirOptions(v: unknown): v is MkdirOptions {
  // A directory name is a string (or a list of them): a plain object is always options.
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** @internal Sets up a mkdir task from `mkdir(...)` arguments (plain or filter form). */
export function configureMkdirTask(task: Task, positional: readonly unknown[], named: Record<string, unknown>): void {
  task.setKind("mkdir");
  if (isMkdirFilterForm(positional) || "filter" in named) {
    task.spec = parseTaskArguments("mkdir", task.displayName, positional, named);
    task.description = "Make missing directories including any intermediate directories on the specified path(s)";
  } else {
    if (Object.keys(named).length && !("output" in named)) {
      throw new TaskDeclarationError(task.displayName, "output", "Missing 'output' argument: the directories to make, e.g. p.mkdir({ output: [\"results\", \"logs\"] }).");
    }
    const unknown = Object.keys(named).filter((k) => k !== "output");
    if (unknown.length) {
      throw new TaskDeclarationError(task.displayName, unknown[0], `mkdir() without a filter takes only 'output' (the directories), not ${unknown.join(", ")}.`);
    }
    const args = "output" in named ? [named.output] : positional;
    task.spec = { input: [], output: mkdirDirectories(args), extras: [] };
    // Ruffus describes these with the absolute paths of its arguments, as written.
    task.description = `Make missing directories ${shortenFilenames([...args], 0, rt().cwd())}`;
  }
}

function filesSpec(task: Task, positional: readonly unknown[], named: Record<string, unknown>): import("./arguments.ts").TaskSpec {
  const fail = (m: string): never => {
    throw new TaskDeclarationError(task.displayName, undefined, m);
  };
  let jobs: unknown = named.jobs;
  if (positional.length > 1) {
    return { input: positional[0], output: positional[1], extras: positional.slice(2), jobList: [[...positional]], singleJob: true };
  }
  if (positional.length === 1) jobs = positional[0];
  if (jobs === undefined) {
    if (!("output" in named)) fail("files() needs either input/output (one job) or jobs: [[input, output, ...extras], ...].");
    const extras = (named.extras as unknown[] | undefined) ?? [];
    return { input: named.input ?? null, output: named.output, extras, jobList: [[named.input ?? null, named.output, ...extras]], singleJob: true };
  }
  if (typeof jobs === "function") return { input: [], extras: [], jobList: jobs as () => Iterable<unknown[]> };
  if (!Array.isArray(jobs)) fail("files() jobs should be an array of [input, output, ...extras] arrays, or a function returning them.");
  const list = jobs as unknown[];
  for (const j of list) {
    if (!Array.isArray(j) || j.length < 2) fail(`files() expects each job as [input, output, ...extras]; got ${JSON.stringify(j)}.`);
  }
  if (list.length === 0) return { input: [], extras: [], jobList: [] };
  return { input: list.map((j) => (j as unknown[])[0]), extras: [], jobList: list as unknown[][] };
}

function parallelSpec(task: Task, positional: readonly unknown[], named: Record<string, unknown>): import("./arguments.ts").TaskSpec {
  if (positional.length > 1) return { input: [], extras: [], jobList: [[...positional]], singleJob: true };
  let jobs: unknown = positional.length === 1 ? positional[0] : named.jobs;
  if (jobs === undefined && Array.isArray(named.params)) return { input: [], extras: [], jobList: [[...named.params]], singleJob: true };
  if (jobs === undefined) throw new TaskDeclarationError(task.displayName, "jobs", "Too few arguments for parallel(): give params: [...] for one job or jobs: [[...], ...].");
  if (typeof jobs === "function") return { input: [], extras: [], jobList: jobs as () => Iterable<unknown[]> };
  if (!Array.isArray(jobs) || jobs.some((j) => !Array.isArray(j))) {
    throw new TaskDeclarationError(task.displayName, "jobs", "parallel() jobs should be an array of parameter arrays, e.g. [['A', 1], ['B', 2]].");
  }
  return { input: [], extras: [], jobList: jobs as unknown[][] };
}

function structuredCloneSpec(spec: import("./arguments.ts").TaskSpec, remap: (v: unknown) => unknown): import("./arguments.ts").TaskSpec {
  return {
    ...spec,
    input: remap(spec.input),
    inputSets: spec.inputSets?.map(remap),
    filterSets: spec.filterSets ? [...spec.filterSets] : undefined,
    modifyInputs: spec.modifyInputs ? { mode: spec.modifyInputs.mode, value: remap(spec.modifyInputs.value) } : undefined,
    output: remap(spec.output),
    extras: spec.extras.map(remap),
    jobList: Array.isArray(spec.jobList) ? spec.jobList.map((j) => j.map(remap)) : spec.jobList,
  };
}

/**
 * A module's name for task names, as Python's `m1` for `m1.py`: the file name without extension,
 * with as many parent folders (joined by ".", like a package path) as it takes to differ from
 * the `others`.
 */
function moduleLabel(module: string, others: readonly string[]): string {
  const parts = (m: string): string[] => m.replace(/\.[^./]*$/, "").split("/").filter(Boolean);
  const mine = parts(module);
  const theirs = others.map(parts);
  for (let k = 1; k < mine.length; k++) {
    const label = mine.slice(-k).join(".");
    if (!theirs.some((t) => t.slice(-k).join(".") === label)) return label;
  }
  return mine.join(".");
}
