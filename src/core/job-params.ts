/**
 * Job generation: from a task's resolved input, its filter and its output pattern to the list of
 * jobs and their parameters, one generator per task kind, following Ruffus's parameter factories
 * (`file_name_parameters.py`). Called when a task's jobs are needed — for the plan, and again when
 * the task starts, after its parents ran, so globs see the files the parents made.
 */
import { NoMatchError } from "../patterns/errors.ts";
import { stringsIn } from "../patterns/flatten.ts";
import type { FileFilter } from "../patterns/types.ts";
import { compileFilter, jobSubstituter, nestedSubstituter, type CompiledFilter, type JobSubstituter } from "../patterns/substitute.ts";
import { pyRepr, sortByPyStr } from "./describe.ts";
import { MissingRuntimeParameterError, RuffusError } from "./errors.ts";
import { isGlob } from "./globs.ts";
import { RuntimeParameter } from "./indicators.ts";
import { Task } from "./task.ts";
import type { TaskWiring } from "./wiring.ts";

/** One job: the parameters its function receives, and the same with output globs unexpanded. */
export interface Job {
  readonly params: readonly unknown[];
  /** For messages and the parameters fingerprint: output globs as written. */
  readonly displayParams: readonly unknown[];
}

/** The jobs of a task, with what went wrong making them. */
export interface TaskJobs {
  readonly jobs: Job[];
  /** Messages of inputs that did not match the filter (those jobs were skipped). */
  readonly matchFailures: string[];
  /** Task-level warnings ("no file names matched", "files() was empty"). */
  readonly warnings: string[];
  /** False for tasks without parameters (follows-only): they run their function once, with no arguments. */
  readonly hasParams: boolean;
}

/** What job generation needs from the run. */
export interface JobSource {
  readonly cwd: string;
  readonly runtimeData: Readonly<Record<string, unknown>>;
  glob(pattern: string): string[];
  /** A task's outputs as the next task sees them (`doNotExpand`: the single-output rule). */
  outputsOf(task: Task, doNotExpand: boolean): unknown;
}

/** Ruffus's warning when a task ends up with no jobs because nothing matched. */
export const NO_MATCH_WARNING =
  "No jobs were run because no file names matched.\nPlease make sure that the regular expression is correctly specified.";
/** How many candidate file names a "no file names matched" warning shows. */
const CANDIDATES_SHOWN = 3;

/** `'a.fq', 'b.fq', 'c.fq' and 7 more` (quoted as the substitution failures quote them). */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, CANDIDATES_SHOWN).map((n) => `'${n}'`).join(", ");
  return names.length > CANDIDATES_SHOWN ? `${shown} and ${names.length - CANDIDATES_SHOWN} more` : shown;
}

/** The first file name of each input (the one `regex()` and `suffix()` look at), in order. */
function firstNames(elements: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const e of elements) {
    const n = stringsIn(e);
    if (n.length) out.push(n[0]);
  }
  return out;
}

/**
 * Ruffus's "no file names matched" lines, then ours: which pattern, and some of the names it was
 * tried on, so the mistake can be seen without raising the verbosity.
 */
/** A filter as written, the way Ruffus's substitution failures show it: `regex('(.+)\.csv$')`. */
function filterText(f: FileFilter): string {
  if (f.kind === "formatter") return `formatter(${f.patterns.map((p) => (p === null ? "None" : `'${p}'`)).join(", ")})`;
  return `${f.kind}('${f.pattern}')`;
}

function noMatchWarning(detail: string): string {
  return `${NO_MATCH_WARNING}\n${detail}`;
}

/** "regex('x') matched none of the 3 inputs: 'a', 'b', 'c'." (our line after Ruffus's two) */
function unmatched(pattern: string, elements: readonly unknown[]): string {
  const names = firstNames(elements);
  if (elements.length === 1) return names.length ? `${pattern} did not match the input ${someNames(names)}.` : `The input holds no file name for ${pattern} to match.`;
  if (!names.length) return `None of the ${elements.length} inputs holds a file name for ${pattern} to match.`;
  return `${pattern} matched none of the ${elements.length} inputs: ${someNames(names)}.`;
}

/** Ruffus's warning for `files([])`. */
export const EMPTY_FILES_WARNING = "@files() was empty, i.e. no files were specified.\nPlease make sure this is by design.";

const compiled = new WeakMap<object, CompiledFilter>();
function compiledFilter(f: NonNullable<Task["spec"]["filter"]>): CompiledFilter {
  let c = compiled.get(f);
  if (!c) {
    c = compileFilter(f);
    compiled.set(f, c);
  }
  return c;
}

/**
 * Replaces tasks, globs and runtime parameters by file names: at the top level by their list,
 * inside a list spliced in-line (Ruffus's `expand_nested_tasks_or_globs`).
 */
export function expandInput(value: unknown, src: JobSource): unknown {
  if (typeof value === "string") return isGlob(value) ? src.glob(value) : value;
  if (value instanceof Task) return src.outputsOf(value, false);
  if (value instanceof RuntimeParameter) return runtimeValue(value, src);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      if (typeof v === "string" && isGlob(v)) out.push(...src.glob(v));
      else if (v instanceof Task || v instanceof RuntimeParameter) {
        const files = v instanceof Task ? src.outputsOf(v, false) : runtimeValue(v, src);
        if (Array.isArray(files)) out.push(...files);
        else out.push(files);
      } else out.push(expandInput(v, src));
    }
    return out;
  }
  return value;
}

function runtimeValue(p: RuntimeParameter, src: JobSource): unknown {
  if (!(p.name in src.runtimeData)) {
    throw new MissingRuntimeParameterError(
      `The inputs of this task depend on the runtime parameter '${p.name}', which is missing: pass run({ runtimeData: { ${p.name}: [...] } }).`,
    );
  }
  return src.runtimeData[p.name];
}

/** Input of split/merge/files: a lone single-output task gives its bare output (Ruffus's special case). */
function expandWholeInput(value: unknown, src: JobSource): unknown {
  if (value instanceof Task) return src.outputsOf(value, true);
  return expandInput(value, src);
}

/** Output globs of split/subdivide/originate expand to the files on disk now. */
function expandOutputGlobs(value: unknown, src: JobSource): unknown {
  if (typeof value === "string") return isGlob(value) ? src.glob(value) : value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      if (typeof v === "string" && isGlob(v)) out.push(...src.glob(v));
      else out.push(expandOutputGlobs(v, src));
    }
    return out;
  }
  return value;
}

function asInputList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return [];
  return [value];
}

/** Generates the jobs of one task. */
export function generateJobs(task: Task, w: TaskWiring, src: JobSource): TaskJobs {
  const spec = task.spec;
  const out: TaskJobs = { jobs: [], matchFailures: [], warnings: [], hasParams: true };
  switch (task.kind) {
    case "originate": {
      const outputs = typeof spec.output === "string" ? [spec.output] : asInputList(spec.output);
      for (const o of outputs) {
        out.jobs.push({ params: [null, expandOutputGlobs(o, src), ...spec.extras], displayParams: [null, o, ...spec.extras] });
      }
      return out;
    }
    case "split": {
      const input = expandWholeInput(w.input, src);
      out.jobs.push({ params: [input, expandOutputGlobs(spec.output, src), ...spec.extras], displayParams: [input, spec.output, ...spec.extras] });
      return out;
    }
    case "merge": {
      const input = expandWholeInput(w.input, src);
      const params = [input, spec.output, ...spec.extras];
      out.jobs.push({ params, displayParams: params });
      return out;
    }
    case "transform":
    case "subdivide":
    case "collate":
    case "mkdir":
      if (task.kind === "mkdir" && !spec.filter) {
        const dirs = sortByPyStr(asInputList(spec.output));
        out.jobs.push({ params: [dirs], displayParams: [dirs] });
        return out;
      }
      perInputJobs(task, w, src, out);
      if (task.kind === "collate") return collateJobs(out);
      return out;
    case "product":
    case "permutations":
    case "combinations":
    case "combinationsWithReplacement":
      combinatoricJobs(task, w, src, out);
      return out;
    case "files":
      return filesJobs(task, w, src, out);
    case "parallel": {
      const list = typeof spec.jobList === "function" ? [...spec.jobList()] : (spec.jobList ?? []);
      for (const params of list) out.jobs.push({ params: [...params], displayParams: [...params] });
      return out;
    }
    default:
      return { jobs: [{ params: [], displayParams: [] }], matchFailures: [], warnings: [], hasParams: false };
  }
}

/** One job per input element, names made by the filter (transform, subdivide, collate, mkdir with a filter). */
function perInputJobs(task: Task, w: TaskWiring, src: JobSource, out: TaskJobs): void {
  const spec = task.spec;
  let input = expandInput(w.input, src);
  if (typeof input === "string") input = [input];
  const elements = sortByPyStr(asInputList(input));
  const filter = compiledFilter(spec.filter!);
  let matched = false;
  for (const element of elements) {
    const names = stringsIn(element);
    if (!names.length) continue;
    const sub = jobSubstituter(filter, names, { cwd: src.cwd, outputDir: spec.outputDir });
    if (makeJob(task, w, src, out, element, sub)) matched = true;
  }
  if (!matched && elements.length) out.warnings.push(noMatchWarning(unmatched(filterText(spec.filter!), elements)));
}

/** Substitutes one job's inputs, extras and output; false when the input did not match. */
function makeJob(task: Task, w: TaskWiring, src: JobSource, out: TaskJobs, element: unknown, sub: JobSubstituter): boolean {
  const spec = task.spec;
  try {
    let input = element;
    if (spec.modifyInputs) {
      if (spec.modifyInputs.mode === "replace") input = expandInput(sub.extra(w.modifyValue), src);
      else input = [element, ...asInputList(expandInput(sub.extra(w.modifyValue), src))];
    }
    const extras = spec.extras.map((e) => sub.extra(e));
    const output = sub.output(spec.output);
    if (task.kind === "subdivide") {
      out.jobs.push({ params: [input, expandOutputGlobs(output, src), ...extras], displayParams: [input, output, ...extras] });
    } else {
      const params = [input, output, ...extras];
      out.jobs.push({ params, displayParams: params });
    }
    return true;
  } catch (e) {
    if (e instanceof NoMatchError) {
      out.matchFailures.push(e.message.trim());
      return false;
    }
    throw e;
  }
}

/** collate: jobs with equal output and extras become one job whose input is the tuple of their inputs. */
function collateJobs(out: TaskJobs): TaskJobs {
  const keyed = out.jobs.map((j) => ({ j, key: pyRepr(j.params.slice(1)) }));
  const sorted = sortByPyStr(keyed.map((k) => k.key)).map((key) => key);
  const byKey = new Map<string, Job[]>();
  for (const k of keyed) {
    const list = byKey.get(k.key);
    if (list) list.push(k.j);
    else byKey.set(k.key, [k.j]);
  }
  const jobs: Job[] = [];
  const done = new Set<string>();
  for (const key of sorted) {
    if (done.has(key)) continue;
    done.add(key);
    const group = byKey.get(key) as Job[];
    const inputs: unknown[] = [];
    let last: string | undefined;
    for (const g of group) {
      const r = pyRepr(g.params[0]);
      if (r !== last) inputs.push(g.params[0]);
      last = r;
    }
    const params = [inputs, ...group[0].params.slice(1)];
    jobs.push({ params, displayParams: params });
  }
  return { ...out, jobs };
}

/** product / permutations / combinations / combinationsWithReplacement, in itertools order. */
function combinatoricJobs(task: Task, w: TaskWiring, src: JobSource, out: TaskJobs): void {
  const spec = task.spec;
  let tuples: unknown[][];
  let filters: CompiledFilter[];
  // What the warning adds when no job results; made only then.
  let why: () => string;
  if (task.kind === "product") {
    const sets = (w.inputSets ?? [w.input]).map((s) => {
      const v = expandInput(s, src);
      return typeof v === "string" ? [v] : asInputList(v);
    });
    if (!sets.length || sets.some((s) => !s.length)) return;
    tuples = cartesian(sets);
    const filterSets = spec.filterSets ?? [spec.filter!];
    filters = filterSets.map(compiledFilter);
    why = () => `No combination of the inputs matched: ${sets.map((set, i) => `input${i ? i + 1 : ""} ${someNames(firstNames(set))} with ${filterText(filterSets[i])}`).join("; ")}.`;
  } else {
    const v = expandInput(w.input, src);
    const items = typeof v === "string" ? [v] : asInputList(v);
    if (!items.length) return;
    const k = spec.tupleSize ?? 0;
    tuples =
      task.kind === "permutations" ? permutations(items, k) : combinations(items, k, task.kind === "combinationsWithReplacement");
    filters = Array.from({ length: k }, () => compiledFilter(spec.filter!));
    if (k === 0) why = () => "tupleSize 0 makes tuples of no inputs, and so no jobs.";
    else if (!tuples.length) why = () => `tupleSize ${k} is more than the ${items.length} inputs (${someNames(firstNames(items))}): they make no tuples.`;
    else why = () => unmatched(filterText(spec.filter!), items);
  }
  // As Ruffus's yield_io_params_per_job: an empty tuple (tupleSize 0) makes no job, and a non-empty
  // input that gives no job at all (no tuple, or none matching) is warned about.
  let matched = false;
  for (const tuple of tuples) {
    if (!tuple.length) continue;
    const names = tuple.map((t) => stringsIn(t));
    const sub = nestedSubstituter(filters, names, { cwd: src.cwd });
    if (makeJob(task, w, src, out, tuple, sub)) matched = true;
  }
  if (!matched) out.warnings.push(noMatchWarning(why()));
}

function filesJobs(task: Task, w: TaskWiring, src: JobSource, out: TaskJobs): TaskJobs {
  const spec = task.spec;
  if (typeof spec.jobList === "function") {
    for (const params of spec.jobList()) out.jobs.push({ params: [...params], displayParams: [...params] });
    return out;
  }
  const list = spec.jobList ?? [];
  if (!list.length) {
    out.warnings.push(EMPTY_FILES_WARNING);
    return out;
  }
  const resolvedInputs = spec.singleJob ? [w.input] : asInputList(w.input);
  list.forEach((j, i) => {
    const params = [expandWholeInput(resolvedInputs[i], src), ...j.slice(1)];
    out.jobs.push({ params, displayParams: params });
  });
  return out;
}

/** itertools.product */
export function cartesian(sets: unknown[][]): unknown[][] {
  let acc: unknown[][] = [[]];
  for (const s of sets) {
    const next: unknown[][] = [];
    for (const a of acc) for (const x of s) next.push([...a, x]);
    acc = next;
  }
  return acc;
}

/** itertools.permutations */
export function permutations(items: unknown[], k: number): unknown[][] {
  const out: unknown[][] = [];
  if (k > items.length) return out;
  const used = new Array<boolean>(items.length).fill(false);
  const cur: unknown[] = [];
  const rec = (): void => {
    if (cur.length === k) {
      out.push([...cur]);
      return;
    }
    for (let i = 0; i < items.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      cur.push(items[i]);
      rec();
      cur.pop();
      used[i] = false;
    }
  };
  rec();
  return out;
}

/** itertools.combinations, or with `replacement` itertools.combinations_with_replacement. */
export function combinations(items: unknown[], k: number, replacement = false): unknown[][] {
  const out: unknown[][] = [];
  const cur: unknown[] = [];
  const rec = (start: number): void => {
    if (cur.length === k) {
      out.push([...cur]);
      return;
    }
    for (let i = start; i < items.length; i++) {
      cur.push(items[i]);
      rec(replacement ? i : i + 1);
      cur.pop();
    }
  };
  if (replacement ? items.length || k === 0 : k <= items.length) rec(0);
  return out;
}

/** @internal Raised when a task's jobs cannot be generated at all. */
export class JobGenerationError extends RuffusError {
  override name = "JobGenerationError";
}
