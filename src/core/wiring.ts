/**
 * Wiring: turning what tasks refer to (functions, names, pipelines, `outputFrom`) into `Task`
 * edges. It runs at the start of every run or printout — not at declaration — so tasks may be
 * declared in any order and refer to pipelines made later. The result is a per-call `Graph`; task
 * objects are never mutated, so two runs (or a run and a printout) cannot disturb each other.
 */
import { CircularDependencyError } from "./errors.ts";
import { OutputFromIndicator } from "./indicators.ts";
import { lookupTasks } from "./lookup.ts";
import { Pipeline } from "./pipeline.ts";
import { Task, type SingleOutputMode } from "./task.ts";
import { isGlob } from "./globs.ts";

/** One task's resolved references. */
export interface TaskWiring {
  readonly task: Task;
  /** Parents in Ruffus's order: follows() first, then tasks found in the inputs. */
  readonly parents: Task[];
  readonly children: Task[];
  /** The input with every reference replaced by a `Task` (or an array of them for a pipeline). */
  readonly input: unknown;
  readonly inputSets?: unknown[];
  readonly modifyValue?: unknown;
  /** The resolved "single job, single output" mode. */
  singleOutput: "multiple" | "single";
}

/** Every task reachable from the pipelines a call involves, with their edges. */
export class Graph {
  readonly wiring = new Map<Task, TaskWiring>();
  /** Tasks in the order they were wired (declaration order, pipeline by pipeline). */
  readonly tasks: Task[] = [];

  get(task: Task): TaskWiring {
    const w = this.wiring.get(task);
    if (!w) throw new Error(`internal: task ${task.displayName} is not wired`);
    return w;
  }
}

/** Resolves references in an input value; collects the tasks met. */
function resolveRefs(value: unknown, home: Pipeline, found: Task[], from: Task, inOutputFrom = false): unknown {
  if (value instanceof Task) {
    found.push(value);
    return value;
  }
  if (value instanceof Pipeline || typeof value === "function" || (inOutputFrom && typeof value === "string")) {
    const tasks = lookupTasks(value, home, { context: "input", from });
    found.push(...tasks);
    return tasks.length === 1 ? tasks[0] : tasks;
  }
  if (value instanceof OutputFromIndicator) {
    const items = value.values.map((v) => resolveRefs(v, home, found, from, true));
    return items.length === 1 ? items[0] : items;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      // Several outputFrom() arguments inside a list are spliced in-line, as Ruffus does.
      if (v instanceof OutputFromIndicator && v.values.length !== 1) {
        out.push(...v.values.map((x) => resolveRefs(x, home, found, from, true)));
      } else {
        const r = resolveRefs(v, home, found, from, inOutputFrom);
        // A pipeline (or name) standing for several tail tasks is spliced like tasks written in the list.
        if (Array.isArray(r) && r.length && r.every((x) => x instanceof Task) && !Array.isArray(v)) out.push(...r);
        else out.push(r);
      }
    }
    return out;
  }
  return value;
}

/** Wires every task of `start` and of the pipelines they reach. */
export function wirePipelines(start: Iterable<Pipeline>): Graph {
  const graph = new Graph();
  const pending: Pipeline[] = [...start];
  const seenPipelines = new Set<Pipeline>();
  const mirror = new Map<Task, Task>();

  const wireTask = (task: Task): TaskWiring => {
    const parents: Task[] = [];
    const home = task.pipeline;
    for (const f of task.followSpecs) parents.push(...lookupTasks(f, home, { context: "follows", from: task }));
    const spec = task.spec;
    const inputTasks: Task[] = [];
    const input = resolveRefs(spec.input, home, inputTasks, task);
    const inputSets = spec.inputSets?.map((s) => resolveRefs(s, home, inputTasks, task));
    const modifyValue = spec.modifyInputs ? resolveRefs(spec.modifyInputs.value, home, inputTasks, task) : undefined;
    const jobListTasks: Task[] = [];
    if (Array.isArray(spec.jobList) && (task.kind === "files")) {
      for (const j of spec.jobList) resolveRefs(j[0], home, jobListTasks, task);
    }
    parents.push(...inputTasks, ...jobListTasks);
    const unique = [...new Set(parents)];
    if (unique.includes(task)) {
      throw new CircularDependencyError([task.displayName]);
    }
    let mode: SingleOutputMode = "multiple";
    if (task.kind === "merge") mode = "single";
    else if ((task.kind === "files" || task.kind === "parallel") && spec.singleJob) mode = "single";
    else if (task.kind === "transform") {
      if (typeof input === "string" && !isGlob(input)) mode = "single";
      else if (input instanceof Task) mirror.set(task, input);
    }
    return {
      task,
      parents: unique,
      children: [],
      input,
      inputSets,
      modifyValue,
      singleOutput: mode === "single" ? "single" : "multiple",
    };
  };

  while (pending.length) {
    const p = pending.shift() as Pipeline;
    if (seenPipelines.has(p)) continue;
    seenPipelines.add(p);
    for (const task of p.tasks) {
      const w = wireTask(task);
      graph.wiring.set(task, w);
      graph.tasks.push(task);
      for (const parent of w.parents) {
        if (parent.pipeline !== p && !seenPipelines.has(parent.pipeline)) pending.push(parent.pipeline);
      }
    }
  }
  for (const w of graph.wiring.values()) {
    for (const parent of w.parents) graph.wiring.get(parent)?.children.push(w.task);
  }
  // A transform fed by one task behaves like that task (Ruffus's `_job_single_matches_parent`).
  for (const [task, parent] of mirror) {
    const seen = new Set<Task>([task]);
    let p: Task | undefined = parent;
    while (p && mirror.has(p) && !seen.has(p)) {
      seen.add(p);
      p = mirror.get(p);
    }
    const pw = p ? graph.wiring.get(p) : undefined;
    if (pw) graph.get(task).singleOutput = pw.singleOutput;
  }
  return graph;
}
