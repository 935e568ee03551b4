/**
 * A broken pipeline (a cycle, a name that is no task, a pattern that cannot be filled in) told
 * in one paragraph that points into the pipeline file: which task, declared where. The engine's
 * errors name tasks; the places come from the pipeline file's text, found by the task's function
 * name or `name:` option (tasks declared elsewhere, or by anonymous functions, get no place).
 */
import { CircularDependencyError, ParameterGenerationError, RethrownJobError, TaskLookupError, asJobError } from "../core/errors.ts";
import { OutputFromIndicator } from "../core/indicators.ts";
import { lookupTasks } from "../core/lookup.ts";
import { Pipeline } from "../core/pipeline.ts";
import type { Task } from "../core/task.ts";
import { FatalMatchError } from "../patterns/errors.ts";

/** The pipeline file and its text, for places. */
export interface PipelineSource {
  readonly file: string;
  readonly text: string | undefined;
}

const escapeRe = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");

/** `file:line` of the task's declaration in the pipeline file, when it can be found there. */
export function declaredAt(task: Task, src: PipelineSource): string | undefined {
  if (!src.text) return undefined;
  const patterns: RegExp[] = [];
  if (task.func?.name) patterns.push(new RegExp(`\\bfunction\\s*\\*?\\s*${escapeRe(task.func.name)}\\s*\\(`), new RegExp(`\\b(?:const|let|var)\\s+${escapeRe(task.func.name)}\\s*=`));
  patterns.push(new RegExp(`\\bname\\s*:\\s*(["'\`])${escapeRe(task.name)}\\1`));
  const lines = src.text.split("\n");
  for (const re of patterns) {
    const i = lines.findIndex((l) => re.test(l));
    if (i !== -1) return `${src.file}:${i + 1}`;
  }
  return undefined;
}

function tasksNamed(displayName: string): Task[] {
  return [...Pipeline.all()].flatMap((p) => p.tasks.filter((t) => t.displayName === displayName));
}

/** The references a task makes by name or function: its follows() and the outputFrom() in its inputs. */
function references(task: Task): { ref: unknown; context: "follows" | "input" }[] {
  const out: { ref: unknown; context: "follows" | "input" }[] = task.followSpecs.map((ref) => ({ ref, context: "follows" as const }));
  const walk = (v: unknown, inOutputFrom: boolean): void => {
    if (v instanceof OutputFromIndicator) v.values.forEach((x) => walk(x, true));
    else if (Array.isArray(v)) v.forEach((x) => walk(x, inOutputFrom));
    else if (typeof v === "function" || v instanceof Pipeline || (inOutputFrom && typeof v === "string")) out.push({ ref: v, context: "input" });
  };
  walk(task.spec.input, false);
  task.spec.inputSets?.forEach((s) => walk(s, false));
  if (task.spec.modifyInputs) walk(task.spec.modifyInputs.value, false);
  return out;
}

/** The task whose reference raises this very lookup error. */
function referrerOf(e: TaskLookupError): Task | undefined {
  for (const p of Pipeline.all()) {
    for (const task of p.tasks) {
      for (const { ref, context } of references(task)) {
        try {
          lookupTasks(ref, task.pipeline, { context });
        } catch (err) {
          if (err instanceof TaskLookupError && err.message === e.message) return task;
        }
      }
    }
  }
  return undefined;
}

/** A message as one line: Ruffus's multi-line texts joined. */
const oneLine = (s: string): string => s.split("\n").map((l) => l.trim()).filter(Boolean).join(" ");

/** The paragraph for a broken pipeline, or undefined when `e` is not one of these. */
export function explainBroken(e: unknown, src: PipelineSource): string | undefined {
  if (e instanceof CircularDependencyError) {
    const places = e.tasks.flatMap((name) => tasksNamed(name).slice(0, 1).map((t) => [name, declaredAt(t, src)] as const)).filter(([, at]) => at);
    const where = places.length ? ` ${places.map(([name, at]) => `'${name}' is declared at ${at}`).join(", ")}.` : "";
    return `${e.message}.${where} Each of them waits for another (follows() or an input): remove one of those links.`;
  }
  if (e instanceof TaskLookupError) {
    const task = e.referrer ?? referrerOf(e);
    if (!task) return undefined;
    const at = declaredAt(task, src);
    // The core names the referring task when it knows it ("Task 'p::use': ...").
    const text = e.referrer ? e.message : `in task '${task.displayName}': ${e.message}`;
    return `${at ? `${at}: ` : ""}${text}`;
  }
  if (e instanceof ParameterGenerationError) return explainBroken(asJobError(e), src);
  if (e instanceof FatalMatchError && e.taskName !== undefined) {
    // A printout's pattern error (a run's comes as a RethrownJobError, below): the same one line.
    const task = tasksNamed(e.taskName)[0];
    const at = task && declaredAt(task, src);
    return `${at ? `${at}: ` : ""}the pipeline is broken: in task '${e.taskName}': ${oneLine(e.message)}`;
  }
  if (e instanceof RethrownJobError && e.failures.length && e.failures.every((f) => f.job === undefined)) {
    // Set-up errors of tasks (their jobs could not be made): one line each, without Ruffus's stack block.
    return e.failures
      .map((f) => {
        const cause = (f.error as { cause?: unknown }).cause ?? f.error;
        const task = f.task === undefined ? undefined : tasksNamed(f.task)[0];
        const at = task && declaredAt(task, src);
        return `${at ? `${at}: ` : ""}the pipeline is broken: in task '${f.task}': ${oneLine(cause instanceof Error ? cause.message : String(cause))}`;
      })
      .join("\n");
  }
  return undefined;
}

