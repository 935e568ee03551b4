/**
 * Finding tasks from what users write: a `Task`, a task function, a name, `"pipeline::name"`, or
 * a whole `Pipeline`. The order of attempts is Ruffus's (`lookup_tasks_from_name`); an unknown
 * name suggests the closest existing one.
 */
import { TaskLookupError } from "./errors.ts";
import { Pipeline } from "./pipeline.ts";
import { Task, type TaskFunction } from "./task.ts";
import { editDistance } from "./edit-distance.ts";

export { editDistance };

/** Where a lookup happens; targets treat a pipeline name as all of its tasks, inputs as its tail tasks. */
export interface LookupOptions {
  readonly context: "input" | "follows" | "target" | "forced" | "lookup";
  /** The task whose input or follows() holds the reference, named in errors. */
  readonly from?: Task;
}

function fail(options: LookupOptions, message: string): never {
  throw new TaskLookupError(options.from ? `Task '${options.from.displayName}': ${message}` : message, options.from);
}

function contextLabel(o: LookupOptions): string {
  switch (o.context) {
    case "target":
      return "Target task";
    case "forced":
      return "Forced to run task";
    case "follows":
      return "follows() task";
    case "input":
      return "Input task";
    default:
      return "Task";
  }
}

/** The tasks `ref` names, seen from `home` (the pipeline the reference was written in). */
export function lookupTasks(ref: unknown, home: Pipeline, options: LookupOptions): Task[] {
  const allTasks = options.context === "target" || options.context === "forced";
  if (ref instanceof Task) return [ref];
  if (ref instanceof Pipeline) return pipelineTasks(ref, allTasks);
  if (typeof ref === "function") return [lookupFunction(ref as TaskFunction, home, options)];
  if (typeof ref === "string") {
    let found: Task[];
    try {
      found = lookupName(ref, home, allTasks);
    } catch (e) {
      // An ambiguous name: say which task wrote it.
      if (e instanceof TaskLookupError && options.from) fail(options, e.message);
      throw e;
    }
    if (found.length) return found;
    fail(options, `${contextLabel(options)} '${ref}' is not a pipelined task in ruffus. Is it spelt correctly?${suggestion(ref, home)}`);
  }
  return fail(options, `${contextLabel(options)} ${String(ref)} is not a task, a task function, a task name or a pipeline.`);
}

function pipelineTasks(p: Pipeline, allTasks: boolean): Task[] {
  if (allTasks) return [...p.tasks];
  const tails = p.getTailTasks();
  if (!tails.length) {
    throw new TaskLookupError(
      `Pipeline ${p.name} has no tail tasks defined. Which task do you mean when you specify the whole pipeline as a dependency? ` +
        `Call setTailTasks([...]) on it.`,
    );
  }
  return tails;
}

function lookupFunction(fn: TaskFunction, home: Pipeline, options: LookupOptions): Task {
  const inPipeline = (p: Pipeline): Task[] => {
    const decorated = p.byDecoratedFunction.get(fn);
    if (decorated) return [decorated];
    return p.tasks.filter((t) => t.func === fn);
  };
  let found = inPipeline(home);
  if (!found.length) {
    for (const p of Pipeline.all()) {
      if (p === home) continue;
      found = found.concat(inPipeline(p));
    }
  }
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    fail(
      options,
      `Function ${fn.name || "(anonymous)"}(...) is used by multiple tasks (${found.map((t) => `'${t.displayName}'`).join(", ")}). ` +
        `Which one do you mean? Refer to the Task object or its name instead.`,
    );
  }
  if (options.context === "follows" || options.context === "input") return implicitTask(fn);
  return fail(
    options,
    `${contextLabel(options)}: function ${fn.name || "(anonymous)"}(...) is not a ruffus task. Declare it with a Pipeline method or a decorator-style function first.`,
  );
}

/**
 * A plain function named in follows() or in an input becomes a task of its own, as Ruffus's
 * `_connect_parents` makes it: in the "main" pipeline whichever pipeline named it, with no
 * parameters, so it runs (called with no arguments) every time its follower is brought up to date.
 * Later lookups of the function find this task.
 */
function implicitTask(fn: TaskFunction): Task {
  const main = Pipeline.main;
  const task = main.register(main.newTask(fn, undefined, "follows"));
  task.kind = "follows";
  task.implicit = true;
  main.byDecoratedFunction.set(fn, task);
  return task;
}

/** Tasks of one pipeline matching a task name or function name (ambiguous function names match nothing). */
function inPipelineByName(p: Pipeline, name: string): Task[] {
  const exact = p.byName.get(name);
  if (exact) return [exact];
  const shared = p.sharedShortNames.get(name);
  if (shared) {
    // Compared with Ruffus 2.8.4: "align is ambiguous. Which do you mean? (m1.align,m2.align)."
    throw new TaskLookupError(
      `Task name '${name}' is ambiguous: functions of that name in several modules made tasks ${shared.map((t) => `'${t.displayName}'`).join(", ")}. ` +
        `Which do you mean? Use one of those names, or the function or Task object.`,
    );
  }
  const byFunc = p.tasks.filter((t) => t.func?.name === name);
  return byFunc.length === 1 ? byFunc : [];
}

function lookupName(name: string, home: Pipeline, allTasks: boolean): Task[] {
  const sep = name.indexOf("::");
  if (sep !== -1) {
    const p = Pipeline.lookup(name.slice(0, sep));
    if (!p) return [];
    return inPipelineByName(p, name.slice(sep + 2));
  }
  const local = inPipelineByName(home, name);
  if (local.length) return local;
  const asPipeline = Pipeline.lookup(name);
  if (asPipeline) return pipelineTasks(asPipeline, allTasks);
  const found: Task[][] = [];
  for (const p of Pipeline.all()) {
    if (p === home) continue;
    const t = inPipelineByName(p, name);
    if (t.length) found.push(t);
  }
  if (found.length > 1) {
    throw new TaskLookupError(
      `Task name '${name}' is ambiguous and names different tasks in several pipelines (${found.map((t) => t[0].pipeline.name).join(", ")}). ` +
        `Write it as "pipeline::${name}".`,
    );
  }
  return found[0] ?? [];
}

/**
 * " Did you mean 'x'?" for the closest task name, when one is close. A bare name is compared with
 * bare task names; a "pipeline::name" with the qualified names of every pipeline, the home one too.
 */
function suggestion(name: string, home: Pipeline): string {
  const qualified = name.includes("::");
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const p of [home, ...Pipeline.all()]) {
    for (const t of p.tasks) {
      if (t.mkdirFor) continue;
      const full = `${p.name}::${t.name}`;
      const d = editDistance(name.toLowerCase(), (qualified ? full : t.name).toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = qualified || p !== home ? full : t.name;
      }
    }
  }
  if (best === undefined || bestDistance > Math.max(2, Math.floor(name.length / 3))) return "";
  return ` Did you mean '${best}'?`;
}
