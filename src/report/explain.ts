/**
 * Why jobs would run, in words: the first reason of each out-of-date job (`ruff why`, the HTML
 * report), and which jobs a run would really start — those out of date now and those whose inputs
 * an earlier job of the run remakes ("runs because upstream task X runs").
 */
import { isGlob } from "../core/globs.ts";
import { abspath } from "../core/paths.ts";
import type { Plan } from "../core/plan.ts";
import type { Session } from "../core/session.ts";
import type { Task } from "../core/task.ts";
import type { UptodateResult } from "../core/uptodate.ts";
import { stringsIn } from "../patterns/flatten.ts";

/**
 * Why a job would run, in words, with the reason kinds the README lists (`missing-output`,
 * `missing-input`, `no-output`, `uncheckpointed`, `function-changed`, `params-changed`,
 * `older-than-input`, `directories-missing`, `custom`, `forced`, `no-check`; `uptodate` for a job that
 * would not run). `inputs` are the job's input files, to tell a missing input from a missing output.
 */
export function explain(r: UptodateResult | undefined, inputs: string[], forced: boolean): { kind: string; files: readonly string[]; text: string } {
  if (forced) return { kind: "forced", files: [], text: "the task is forced to run (--forced-tasks)" };
  if (!r) return { kind: "no-check", files: [], text: "the task has no up-to-date check (parallel or follows-only); it always runs" };
  const files = r.files ?? [];
  const list = (fs: readonly string[]): string => fs.join(", ");
  switch (r.kind) {
    case "missing-files": {
      const missingInputs = files.filter((f) => inputs.includes(f));
      const missingOutputs = files.filter((f) => !inputs.includes(f));
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
  readonly description: string;
  readonly kind: string;
  readonly explanation: string;
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
        const own = explain(r, inputs, forced);
        const outOfDate = forced || !r || r.needsUpdate;
        // "Input does not exist" of an input an earlier job makes is that job's doing: say so.
        if (!outOfDate && !upstream.length) continue;
        const why =
          upstream.length && (!outOfDate || own.kind === "missing-input")
            ? { kind: "upstream", text: `upstream task ${upstream.map((t) => `'${t.displayName}' runs (${running.get(t) ?? 0} job${running.get(t) === 1 ? "" : "s"})`).join(", ")}` }
            : own;
        jobsToRun.push({ description: session.describe(task, job).line, kind: why.kind, explanation: why.text });
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
