/**
 * A task: one step of a pipeline, producing jobs from its inputs. This file holds the declared
 * state and the chainable modifiers; job generation lives in `job-params.ts`, wiring in
 * `wiring.ts`, so that the declaration stays cheap and can be cloned.
 */
import type { FileFilter } from "../patterns/types.ts";
import type { TaskKind, TaskSpec } from "./arguments.ts";
import { RuffusError, TaskDeclarationError } from "./errors.ts";
import { TouchFileIndicator } from "./indicators.ts";
import { describeValue } from "./describe.ts";
import { docstringInSource } from "./docstrings.ts";
import type { Pipeline } from "./pipeline.ts";
import type { MkdirIndicator } from "./mkdir.ts";
import type { Resources } from "../exec/executor.ts";

/**
 * A task function. It is called as Ruffus calls it: `(input, output, ...extras)`,
 * `(output, ...extras)` for originate, `(...params)` for parallel, `()` for a task that only
 * follows others. It may be async; its return value is ignored.
 */
export type TaskFunction = (...args: never[]) => unknown;

/** A zero-argument function run when a task completes, or `touchFile(...)`. */
export type PosttaskAction = (() => unknown) | TouchFileIndicator;

/** Graphviz node attributes for a task in flowcharts (`URL`, `fillcolor`, `shape`, `label`, ...). */
export type GraphvizAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * The user's own up-to-date test: receives the job's parameters, returns `[needsUpdate, reason]`
 * (or just a boolean).
 */
export type UptodateCheck = (...params: never[]) => readonly [boolean, string] | boolean | Promise<readonly [boolean, string] | boolean>;

/** Where a task's single output comes from, for Ruffus's "single job, single output" rule. */
export type SingleOutputMode = "multiple" | "single" | Task;

/**
 * One step of a pipeline. Created by `Pipeline` methods (`p.transform({...})`) or the
 * decorator-style functions; its modifiers are chainable.
 *
 * @example
 * p.transform({ task: align, input: reads, filter: suffix(".fq"), output: ".bam" })
 *   .follows(mkdir("bam")).jobsLimit(4).posttask(touchFile("aligned.flag"));
 */
export class Task {
  /** @internal Kind of task; undefined while only modifiers (follows, posttask...) were applied. */
  kind: TaskKind | undefined;
  /** @internal Parsed arguments. */
  spec: TaskSpec = { input: [], extras: [] };
  /** @internal Parents named with follows() (tasks, functions, names, pipelines, mkdir indicators). */
  followSpecs: unknown[] = [];
  /** @internal mkdir tasks created for this task by follows(mkdir(...)) or .mkdir(...). */
  mkdirTasks: Task[] = [];
  /** @internal */
  jobsLimitValue: { limit: number; name: string } | undefined;
  /** @internal Cluster resources for this task's commands. */
  resourcesValue: Resources | undefined;
  /** @internal Retries of a failed job, and the first back-off. */
  retriesValue: { count: number; backoffMs: number } = { count: 0, backoffMs: 1000 };
  /** @internal */
  posttasks: PosttaskAction[] = [];
  /** @internal */
  activeChecks: (boolean | (() => unknown))[] = [];
  /** @internal */
  uptodateCheck: UptodateCheck | undefined;
  /** @internal */
  graphvizAttributes: Record<string, string | number | boolean> = {};
  /** @internal Declared with a decorator-style function rather than a Pipeline method. */
  createdViaDecorator = false;
  /** @internal Flowchart node number (`t<n>` in DOT); see {@link numberNode}. */
  nodeNumber: number | undefined;
  /** @internal Set by wiring: "single job, single output" behaviour. */
  singleOutput: SingleOutputMode = "multiple";
  /** @internal A mkdir task made by follows(mkdir(...)): Ruffus creates these late, which shows in flowchart node ids. */
  deferredMkdir = false;
  /** @internal For mkdir tasks: the task they were created for, for the name and description. */
  mkdirFor: Task | undefined;
  /** @internal The module that declared this task (imported again by worker processes). */
  get sourceModule(): string | undefined {
    return this.declaredIn;
  }
  set sourceModule(file: string | undefined) {
    this.declaredIn = file;
    // Where the runtime dropped the function's docstring (Bun), the module's source text has it.
    if (file && !this.description && !this.descriptionGiven && this.func) this.description = docstringInSource(file, this.func.name, this.declaredLine);
  }
  /** @internal The line of the call that declared this task in {@link sourceModule}. */
  declaredLine: number | undefined;
  /** @internal Where the task was declared: the user's module and the line of the declaring call. */
  setDeclaredAt(place: { readonly file: string; readonly line: number } | undefined): void {
    this.declaredLine = place?.line;
    this.sourceModule = place?.file;
  }
  private declaredIn: string | undefined;
  private readonly descriptionGiven: boolean;
  /** @internal Made for a plain function named in follows() or an input (see lookup.ts). */
  implicit = false;
  /** @internal Name of the task this one was cloned from. */
  originalName: string | undefined;
  /**
   * A one-line description shown at verbosity 2 (Ruffus shows the docstring).
   *
   * @example
   * p.getTask("align").description = "Align reads to the reference";
   */
  description: string;

  constructor(
    /** The pipeline this task belongs to. */
    readonly pipeline: Pipeline,
    name: string,
    /** The task function, if any (mkdir tasks have none). */
    readonly func: TaskFunction | undefined,
    description?: string,
  ) {
    this.descriptionGiven = description !== undefined;
    this.taskName = name;
    this.description = description ?? (func ? docstringOf(func) : "");
  }

  private taskName: string;
  /** @internal Named after its function (no name option), so a same-named function of another module makes it `module.function`. */
  nameFromFunction = false;

  /**
   * The task's name, unique in its pipeline.
   *
   * @example
   * new Pipeline("sub").originate({ task: function make() {}, output: ["a"] }).name; // "make"
   */
  get name(): string {
    return this.taskName;
  }

  /** @internal Only {@link Pipeline} renames, when two modules declare task functions of one name. */
  rename(name: string): void {
    this.taskName = name;
  }

  /**
   * The name as printed: `name` in the main pipeline, `pipeline::name` elsewhere.
   *
   * @example
   * new Pipeline("sub").originate({ task: function make() {}, output: ["a"] }).displayName; // "sub::make"
   */
  get displayName(): string {
    return this.pipeline.name === "main" ? this.name : `${this.pipeline.name}::${this.name}`;
  }

  /** @internal Sets the kind once; a second action on one function is an error, as in Ruffus. */
  setKind(kind: TaskKind): void {
    if (this.kind !== undefined && this.kind !== "follows") {
      throw new TaskDeclarationError(
        this.displayName,
        undefined,
        `Duplicate task for: this function is already a ${this.kind}() task and cannot also be a ${kind}() task. ` +
          `Give the second task its own function, or use the name option to declare two tasks with one function.`,
      );
    }
    this.kind = kind;
  }

  /** @internal */
  get filter(): FileFilter | undefined {
    return this.spec.filter;
  }

  /**
   * Run this task after the given tasks: `Task` objects, task functions, task names
   * (`"name"` or `"pipeline::name"`), whole pipelines (their tail tasks) or `mkdir(...)`.
   *
   * @example
   * p.merge({ task: report, input: "*.txt", output: "report.html" }).follows(cleanup, "download", mkdir("out"));
   */
  follows(...parents: unknown[]): this {
    for (const p of parents) {
      if (p === this || p === this.func) {
        throw new TaskDeclarationError(this.displayName, "follows", "Cannot have a task as its own (circular) dependency.");
      }
      if (isMkdirIndicator(p)) this.addMkdir(p.args, true);
      else this.followSpecs.push(p);
    }
    return this;
  }

  /**
   * Make directories before this task runs (a separate mkdir task becomes a parent).
   *
   * @example
   * p.transform({ task: align, input: reads, filter: suffix(".fq"), output: ".bam" }).mkdir("bam", "logs");
   */
  mkdir(...dirs: unknown[]): this {
    this.addMkdir(dirs);
    return this;
  }

  private addMkdir(args: readonly unknown[], deferred = false): Task {
    const mk = this.pipeline.createMkdirTaskFor(this, args, deferred);
    this.mkdirTasks.push(mk);
    this.followSpecs.push(mk);
    return mk;
  }

  /**
   * At most `limit` jobs of this task run at once; tasks naming the same `limitName` share one
   * budget.
   *
   * @example
   * p.transform({ task: download, input: urls, filter: suffix(".url"), output: ".html" }).jobsLimit(2, "network");
   */
  jobsLimit(limit: number, limitName?: string): this {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TaskDeclarationError(this.displayName, "jobsLimit", `Expecting a positive whole number (at least 1), not ${String(limit)}.`);
    }
    const name = limitName ?? `${this.pipeline.name}:${this.name}`;
    this.pipeline.registerJobsLimit(this, name, limit);
    this.jobsLimitValue = { limit, name };
    return this;
  }

  /**
   * What this task's shell commands (`sh`, `runJob`) ask of a cluster: CPUs, memory, time, partition,
   * free-form scheduler options. A config file's `tasks` section can set or override them.
   *
   * @example
   * p.transform({ task: align, input: reads, filter: suffix(".fq"), output: ".bam" }).resources({ cpus: 8, memMb: 16000, time: "2:00:00" });
   */
  resources(r: Resources): this {
    if (r.cpus !== undefined && (!Number.isInteger(r.cpus) || r.cpus < 1)) {
      throw new TaskDeclarationError(this.displayName, "resources", `cpus must be a positive whole number, not ${String(r.cpus)}.`);
    }
    if (r.memMb !== undefined && (!Number.isFinite(r.memMb) || r.memMb <= 0)) {
      throw new TaskDeclarationError(this.displayName, "resources", `memMb must be a positive number of megabytes, not ${String(r.memMb)}.`);
    }
    this.resourcesValue = { ...this.resourcesValue, ...r };
    return this;
  }

  /**
   * Run a failed job again, up to `count` times, waiting `backoffMs` (doubling each time) before
   * each retry. Node failures, preemption and scheduler hiccups are retried up to 3 times anyway.
   *
   * @example
   * p.transform({ task: download, input: urls, filter: suffix(".url"), output: ".html" }).retries(3, 2000);
   */
  retries(count: number, backoffMs = 1000): this {
    if (!Number.isInteger(count) || count < 0) throw new TaskDeclarationError(this.displayName, "retries", `Expecting a whole number of retries, not ${String(count)}.`);
    this.retriesValue = { count, backoffMs };
    return this;
  }

  /**
   * Functions (no arguments) or `touchFile(...)` run in the main process once all jobs of the
   * task have finished, in the order given.
   *
   * @example
   * p.merge({ task: combine, input: parts, output: "all.txt" }).posttask(() => console.log("merged"), touchFile("merged.flag"));
   */
  posttask(...actions: PosttaskAction[]): this {
    for (const a of actions) {
      if (typeof a !== "function" && !(a instanceof TouchFileIndicator)) {
        throw new TaskDeclarationError(this.displayName, "posttask", "Expecting simple functions or touchFile() in posttask().");
      }
      // Checked here, not when the posttask runs (where a number would fail deep inside the file system calls).
      const bad = a instanceof TouchFileIndicator ? a.files.findIndex((f) => typeof f !== "string" || f === "") : -1;
      if (bad !== -1) {
        const value = (a as TouchFileIndicator).files[bad];
        throw new TaskDeclarationError(this.displayName, "posttask", `touchFile() takes file names (strings), e.g. touchFile("done.flag"), not ${describeValue(value)}.`);
      }
      this.posttasks.push(a);
    }
    return this;
  }

  /**
   * The task is active only if every check is truthy; functions are evaluated at the start of
   * each run or printout. Inactive tasks count as up to date and produce no output.
   *
   * @example
   * p.transform({ task: qc, input: reads, filter: suffix(".fq"), output: ".qc" }).activeIf(() => process.env.QC === "1");
   */
  activeIf(...checks: (boolean | (() => unknown))[]): this {
    for (const c of checks) {
      if (typeof c !== "boolean" && typeof c !== "function") {
        throw new TaskDeclarationError(this.displayName, "activeIf", "Expecting booleans or functions returning one in activeIf().");
      }
    }
    this.activeChecks.push(...checks);
    return this;
  }

  /**
   * Replace the up-to-date test: `check(...jobParams)` returns `[needsUpdate, reason]`.
   *
   * @example
   * p.parallel({ task: load, params: [["db"]] }).checkIfUptodate((name) => [!tableExists(name), "table missing"]);
   */
  checkIfUptodate(check: UptodateCheck): this {
    if (typeof check !== "function") {
      throw new TaskDeclarationError(this.displayName, "checkIfUptodate", "Expected a single function in checkIfUptodate().");
    }
    this.uptodateCheck = check;
    return this;
  }

  /**
   * Graphviz attributes of this task's node in flowcharts.
   *
   * @example
   * task.graphviz({ fillcolor: '"#FFCCCC"', shape: "component", label_suffix: " (slow)" });
   */
  graphviz(attributes: GraphvizAttributes, ...unexpected: never[]): this {
    checkGraphvizAttributes(attributes, unexpected, (m) => new TaskDeclarationError(this.displayName, "graphviz", m));
    Object.assign(this.graphvizAttributes, attributes);
    return this;
  }

  /**
   * Replace the task's input (used to feed a sub-pipeline's head tasks).
   *
   * @example
   * sub.headTask.setInput({ input: ["a.fq", "b.fq"] });
   */
  setInput(args: { input?: unknown; [inputN: `input${number}`]: unknown }): this {
    const entries = Object.entries(args);
    for (const [k] of entries) {
      if (!/^input\d*$/.test(k)) {
        throw new TaskDeclarationError(this.displayName, k, `Unexpected argument name in setInput(${k}). Only expecting input: ... (and input2: ... for product).`);
      }
    }
    if (!("input" in args)) {
      throw new TaskDeclarationError(this.displayName, "input", "Missing the input argument in setInput({ input: ... }).");
    }
    for (const [k, v] of entries) {
      const n = k === "input" ? 1 : Number(k.slice(5));
      if (n === 1) this.spec.input = v;
      if (this.spec.inputSets) this.spec.inputSets[n - 1] = v;
    }
    return this;
  }

  /**
   * Replace the output of an originate task.
   *
   * @example
   * copy.getTask("make_start").setOutput({ output: ["c.start", "d.start"] });
   */
  setOutput(args: { output: unknown }): this {
    if (this.kind !== "originate") {
      throw new TaskDeclarationError(this.displayName, "output", "Can only set output for originate tasks.");
    }
    if (!("output" in args)) throw new TaskDeclarationError(this.displayName, "output", "Missing the output argument in setOutput({ output: ... }).");
    this.spec.output = args.output;
    return this;
  }

  /** @internal Evaluates activeIf checks. */
  isActive(): boolean {
    for (const c of this.activeChecks) {
      const v = typeof c === "function" ? c() : c;
      if (!v) return false;
    }
    return true;
  }

  toString(): string {
    return `Task(${this.displayName})`;
  }
}

/**
 * @internal Ruffus's graphviz() takes only named arguments (`TypeError: Only named arguments
 * expected`): here one object of attribute values.
 */
export function checkGraphvizAttributes(attributes: unknown, unexpected: readonly unknown[], error: (message: string) => Error): void {
  const plain = typeof attributes === "object" && attributes !== null && !Array.isArray(attributes);
  if (!plain || unexpected.length) {
    const given = [attributes, ...unexpected].map(describeValue).join(", ");
    throw error(`graphviz() takes one object of attributes, e.g. graphviz({ fillcolor: '"#FFCCCC"', shape: "box" }), not (${given}). (Ruffus: "Only named arguments expected".)`);
  }
  for (const [k, v] of Object.entries(attributes)) {
    if (!["string", "number", "boolean"].includes(typeof v)) throw error(`graphviz() attribute '${k}' should be a string, number or boolean, not ${describeValue(v)}.`);
  }
}

/** A JavaScript function's "docstring": a leading string directive, as in `function f() { "Does X"; ... }`. */
function docstringOf(func: TaskFunction): string {
  let src: string;
  try {
    src = Function.prototype.toString.call(func);
  } catch {
    return "";
  }
  const m = /^[^{]*?\{\s*(["'])((?:\\.|(?!\1)[^\\\n])*)\1/.exec(src);
  if (!m || m[2] === "use strict") return "";
  return m[2].replace(/\s+/g, " ").trim();
}

/** @internal */
export function isMkdirIndicator(v: unknown): v is MkdirIndicator {
  return typeof v === "function" && (v as { kind?: unknown }).kind === "mkdir";
}

/** @internal Raised for misuse found while wiring or running, naming the task. */
export function taskError(task: Task, message: string): RuffusError {
  return new RuffusError(`Task '${task.displayName}': ${message}`);
}

// Ruffus numbers flowchart nodes with one counter over every task the process creates, in creation
// order; mkdir tasks made by follows(mkdir()) are created when the pipeline is first set up to run,
// so they are numbered when first drawn. Pipeline.clearAll() starts the count again.
let nodeCounter = 0;

/** @internal Gives the task its flowchart node number, if it has none yet. */
export function numberNode(task: Task): number {
  task.nodeNumber ??= nodeCounter++;
  return task.nodeNumber;
}

/** @internal Starts node numbering again (a cleared registry is like a new process). */
export function resetNodeNumbers(): void {
  nodeCounter = 0;
}
