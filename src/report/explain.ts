/**
 * Why jobs would run, in words: the first reason of each out-of-date job (`ruff why`, the HTML
 * report), and which jobs a run would really start — those out of date now and those whose inputs
 * an earlier job of the run remakes ("runs because upstream task X runs").
 */
import { isGlob } from "../core/globs.ts";
import { abspath } from "../core/paths.ts";
import type { Plan } from "../core/plan.ts";
import type { Session } from "../core/session.ts";
import type { Job } from "../core/job-params.ts";
import type { Task } from "../core/task.ts";
import type { UptodateResult } from "../core/uptodate.ts";
import { stringsIn } from "../patterns/flatten.ts";
import { describeJob } from "./job-names.ts";

/** How many files a forecast's reason names ("input a, b, c and 99997 more does not exist"). */
const FILES_NAMED = 5;

/** `a, b, c` — or, past `max` names, `a, b, c and 99997 more`. */
export function namedFiles(files: readonly string[], max = Infinity): string {
  if (files.length <= max) return files.join(", ");
  return `${files.slice(0, max).join(", ")} and ${files.length - max} more`;
}

/**
 * Why a job would run, in words, with the reason kinds the README lists (`missing-output`,
 * `missing-input`, `no-output`, `uncheckpointed`, `function-changed`, `params-changed`,
 * `older-than-input`, `directories-missing`, `custom`, `forced`, `no-check`; `uptodate` for a job that
 * would not run). `inputs` are the job's input files, to tell a missing input from a missing output;
 * `maxFilesNamed` caps the file names the text lists (`files` always has them all).
 */
export function explain(
  r: UptodateResult | undefined,
  inputs: readonly string[],
  forced: boolean,
  maxFilesNamed = Infinity,
): { kind: string; files: readonly string[]; text: string } {
  if (forced) return { kind: "forced", files: [], text: "the task is forced to run (--forced-tasks)" };
  if (!r) return { kind: "no-check", files: [], text: "the task has no up-to-date check (parallel or follows-only); it always runs" };
  const files = r.files ?? [];
  const list = (fs: readonly string[]): string => namedFiles(fs, maxFilesNamed);
  switch (r.kind) {
    case "missing-files": {
      // A Set: a merge of 10^5 missing inputs would otherwise compare every file with every input.
      const isInput = new Set(inputs);
      const missingInputs = files.filter((f) => isInput.has(f));
      const missingOutputs = files.filter((f) => !isInput.has(f));
      if (missingOutputs.length) return { kind: "missing-output", files: missingOutputs, text: `output ${list(missingOutputs)} does not exist` };
      return { kind: "missing-input", files: missingInputs, text: `input ${list(missingInputs)} does not exist (it should be made by an earlier task)` };
    }
    case "no-output":
      return { kind: "no-output", files: [], text: "its output pattern matches no file yet" };
    case "uncheckpointed":
      return { kind: "uncheckpointed", files, text: `${list(files)} exists but is not recorded as completed in the history (left over from a failed or interrupted run?)` };
    case "function-changed":
      return { kind: "function-changed", files, text: `the task function changed since ${list(files)} was made` };
    case "params-changed":
      return { kind: "params-changed", files, text: `the job's extras changed since ${list(files)} was made` };
    case "older-than-input":
      return { kind: "older-than-input", files, text: `${files[1]} is not newer than its input ${files[0]}` };
    case "directories-missing":
      return { kind: "directories-missing", files, text: `directory ${list(files)} does not exist` };
    case "custom":
      return { kind: "custom", files, text: `checkIfUptodate says so${r.reason ? `: ${r.reason}` : ""}` };
    default:
      return { kind: r.needsUpdate ? "other" : "uptodate", files, text: r.needsUpdate ? r.reason.trim() : "up to date" };
  }
}

/** One job a run would start, and why. */
export interface JobToRun {
  readonly kind: string;
  /** The reason, naming at most a few files (a merge of 10^5 missing inputs would name them all). */
  readonly explanation: string;
  /**
   * The job as Ruffus describes it (`Job  = [a, b -> c]`), each list cut to its first `perList`
   * entries (`[a, b, … and 99998 more]`), `total` values in all; `cut` says whether anything was
   * left out; `shown` counts the file names in `text`, `files` those of the whole job. Made on
   * demand: a report lists a few hundred jobs, not all 10^6.
   */
  describe(perList: number, total: number): CutDescription;
}

/** A job's description with its long lists cut (see {@link JobToRun.describe}). */
export interface CutDescription {
  readonly text: string;
  readonly cut: boolean;
  readonly shown: number;
  readonly files: number;
}

/** Stands for the entries of a list left out of a description: `pyStr()` shows its `displayName`. */
class LeftOut {
  constructor(readonly displayName: string) {}
}

/** A copy of `v` whose lists keep their first entries only, `budget.left` names in all. */
function cutLists(v: unknown, maxItems: number, budget: { left: number; cut: boolean }): unknown {
  if (!Array.isArray(v)) {
    budget.left--;
    return v;
  }
  const kept: unknown[] = [];
  for (const x of v) {
    // Each list keeps at least its first entry: an output list after 10^5 inputs still shows.
    if (kept.length >= maxItems || (budget.left <= 0 && kept.length)) {
      kept.push(new LeftOut(`… and ${v.length - kept.length} more`));
      budget.cut = true;
      break;
    }
    kept.push(cutLists(x, maxItems, budget));
  }
  return kept;
}

/** `session.describe()` of a job with its lists cut (see {@link JobToRun.describe}). */
export function describeCut(session: Session, task: Task, job: Job, perList: number, total: number): CutDescription {
  const budget = { left: total, cut: false };
  const params = job.displayParams.map((v) => cutLists(v, perList, budget));
  const text = describeJob(task, params, session.nLevels, session.cwd).line;
  return { text, cut: budget.cut, shown: stringsIn(params).length, files: stringsIn(job.displayParams).length };
}

/** What a run would do with one task of the plan. */
export interface TaskForecast {
  readonly task: Task;
  /** In Ruffus's "Tasks which will be run" list. */
  readonly inPlan: boolean;
  readonly active: boolean;
  readonly jobCount: number;
  /** The jobs that would run: out of date now, or with an input that an earlier job of the run remakes. */
  readonly jobsToRun: JobToRun[];
  readonly matchFailures: string[];
}

/**
 * Which jobs a run would start. A task after an out-of-date one is in Ruffus's plan, but each of
 * its jobs is checked when its turn comes: it runs if it is out of date already, or if one of its
 * inputs is an output (or, for a glob output, a current match) of a job that runs before it.
 */
export function forecastJobs(session: Session, plan: Plan): TaskForecast[] {
  const inPlan = new Set(plan.toRun);
  // File → the task whose running job remakes it, and how many of that task's jobs run.
  const remadeBy = new Map<string, Task>();
  const running = new Map<Task, number>();
  const out: TaskForecast[] = [];
  for (const task of plan.allTasks) {
    const active = session.isActive(task);
    const taskJobs = active ? session.jobsOf(task) : { jobs: [], matchFailures: [] };
    const jobsToRun: JobToRun[] = [];
    if (active && inPlan.has(task)) {
      const forced = plan.forced.has(task);
      for (const job of taskJobs.jobs) {
        const inputs = stringsIn(job.params[0]);
        const upstream = [...new Set(inputs.map((f) => remadeBy.get(abspath(f, session.cwd))).filter((t): t is Task => t !== undefined))];
        const r = forced ? undefined : session.checkJob(task, job);
        const own = explain(r, inputs, forced, FILES_NAMED);
        const outOfDate = forced || !r || r.needsUpdate;
        // "Input does not exist" of an input an earlier job makes is that job's doing: say so.
        if (!outOfDate && !upstream.length) continue;
        const why =
          upstream.length && (!outOfDate || own.kind === "missing-input")
            ? { kind: "upstream", text: `upstream task ${upstream.map((t) => `'${t.displayName}' runs (${running.get(t) ?? 0} job${running.get(t) === 1 ? "" : "s"})`).join(", ")}` }
            : own;
        jobsToRun.push({ kind: why.kind, explanation: why.text, describe: (perList, total) => describeCut(session, task, job, perList, total) });
        for (const f of stringsIn(job.params[1])) {
          for (const made of isGlob(f) ? session.glob(f) : [f]) remadeBy.set(abspath(made, session.cwd), task);
        }
      }
      running.set(task, jobsToRun.length);
    }
    out.push({ task, inPlan: inPlan.has(task), active, jobCount: taskJobs.jobs.length, jobsToRun, matchFailures: [...new Set(taskJobs.matchFailures)] });
  }
  return out;
}
