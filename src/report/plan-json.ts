/**
 * The plan as JSON (`ruff -n --json`). Schema "ruffus-plan/1", documented in the README:
 * { schema, pipeline, checksumLevel, tasks: [{ name, state: "run"|"uptodate", forced, active,
 *   jobCount, jobs: [{ description, input, output, extras, needsUpdate, reason: { kind, files, message, ruffus } }],
 *   matchFailures, warnings }] }
 * Jobs are listed for tasks that will run. A reason's `kind` and `files` are those of `ruff why --json`,
 * `message` its `explanation` as a sentence (see {@link explain}, {@link sentence}); `ruffus` is
 * Ruffus's own text, as `-n -v 4` prints it.
 */
import type { Pipeline } from "../core/pipeline.ts";
import { prepare } from "../core/prepare.ts";
import type { PlanOptions } from "../core/run-options.ts";
import type { UptodateResult } from "../core/uptodate.ts";
import { stringsIn } from "../patterns/flatten.ts";
import { explain } from "./explain.ts";

/** One job in the JSON plan. */
export interface PlanJob {
  description: string;
  input: unknown;
  output: unknown;
  extras: unknown[];
  needsUpdate: boolean;
  reason: { kind: string; files: readonly string[]; message: string; ruffus: string };
}

/**
 * `ruff why`'s explanation as a sentence: "output x does not exist" → "Output x does not exist."
 * A text that starts with a file name ("b.upper is not newer than its input b.start") or any other
 * name ("checkIfUptodate says so") keeps its first letter: only a plain lowercase word is capitalised.
 */
export function sentence(text: string, files: readonly string[]): string {
  const plainWord = /^[a-z]+(\s|$)/.test(text) && !files.some((f) => f !== "" && text.startsWith(f));
  return (plainWord ? text.charAt(0).toUpperCase() + text.slice(1) : text) + (/[.?!]$/.test(text) ? "" : ".");
}

/** One task in the JSON plan. */
export interface PlanTask {
  name: string;
  state: "run" | "uptodate";
  forced: boolean;
  active: boolean;
  jobCount: number;
  jobs: PlanJob[];
  matchFailures: string[];
  warnings: string[];
}

/** The whole JSON plan. */
export interface PlanDocument {
  schema: "ruffus-plan/1";
  pipeline: string;
  checksumLevel: number;
  tasks: PlanTask[];
}

/** Makes the JSON plan of a pipeline (nothing runs). */
export async function planJson(pipeline: Pipeline, o: PlanOptions): Promise<PlanDocument> {
  const { session, plan, history } = await prepare(pipeline, { ...o, forHistoryWrite: false });
  try {
    const toRun = new Set(plan.toRun);
    const tasks: PlanTask[] = [];
    for (const task of plan.allTasks) {
      const active = session.isActive(task);
      const jobs = active ? session.jobsOf(task) : { jobs: [], matchFailures: [], warnings: [], hasParams: false };
      const entry: PlanTask = {
        name: task.displayName,
        state: toRun.has(task) ? "run" : "uptodate",
        forced: plan.forced.has(task),
        active,
        jobCount: jobs.jobs.length,
        jobs: [],
        matchFailures: [...new Set(jobs.matchFailures)],
        warnings: [...jobs.warnings],
      };
      if (toRun.has(task)) {
        const forced = plan.forced.has(task);
        for (const job of jobs.jobs) {
          const r = forced ? undefined : session.checkJob(task, job);
          const e = explain(r, stringsIn(job.params[0]), forced);
          entry.jobs.push({
            description: session.describe(task, job).line,
            input: job.displayParams[0] ?? null,
            output: job.displayParams[1] ?? null,
            extras: job.displayParams.slice(2),
            needsUpdate: forced || !r || r.needsUpdate,
            reason: { kind: e.kind, files: e.files, message: sentence(e.text, e.files), ruffus: forced ? "Forced to rerun" : r ? r.reason.trim() : "No function to check if up-to-date" },
          });
        }
      }
      tasks.push(entry);
    }
    return { schema: "ruffus-plan/1", pipeline: pipeline.name, checksumLevel: session.checksumLevel, tasks };
  } finally {
    await history.close();
  }
}
