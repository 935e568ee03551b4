/**
 * Ruffus's printout text (reference §5.1): the "Tasks which are up-to-date" block and the
 * "Tasks which will be run" block, each task listed with its jobs and why they need to run,
 * according to the verbosity.
 */
import { pyStringRepr } from "../core/describe.ts";
import type { Plan } from "../core/plan.ts";
import type { Session } from "../core/session.ts";
import type { Task } from "../core/task.ts";
import { fill } from "./textwrap.ts";

const RULE = "_".repeat(40);

/** The lines describing one task (Ruffus's `Task._printout`). */
export function taskLines(session: Session, task: Task, forced: boolean, outOfDate: boolean, verbose: number, indent: number): string[] {
  if (!verbose) return [];
  const pad = " ".repeat(indent);
  const messages: string[] = [`Task = ${pyStringRepr(task.displayName)} ${forced ? "    >>Forced to rerun<<" : ""} `];
  if (verbose === 1) return messages;
  if (verbose >= 2 && task.description) messages.push(`${pad}"${task.description}"`);
  if (verbose >= 10) {
    const mode = session.graph.get(task).singleOutput;
    messages.push(mode === "single" ? "    Single job single output" : "    Multiple jobs Multiple outputs");
  }
  if (verbose <= 2) return messages;
  const jobPad = pad + "   ";
  if (!session.isActive(task)) {
    if (verbose <= 3) return messages;
    messages.push(jobPad + "Task is inactive", "");
    return messages;
  }
  const taskJobs = session.jobsOf(task);
  if (!taskJobs.hasParams) {
    if (verbose <= 3) return messages;
    if (!task.uptodateCheck) {
      messages.push(jobPad + "Task needs update: No func to check if up-to-date.");
      return messages;
    }
    const r = session.checkJob(task, taskJobs.jobs[0], verbose > 6);
    if (r?.needsUpdate) messages.push(`${jobPad}Task needs update: ${r.reason}`);
    else if (verbose > 6 && r) messages.push(`${jobPad}Task ${r.reason}`);
    messages.push("");
    return messages;
  }
  const jobNames = (params: Parameters<Session["describe"]>[1]): string[] => {
    const lines = session.describe(task, params).lines;
    return [jobPad + lines[0], ...lines.slice(1).map((l) => jobPad + "      " + l)];
  };
  for (const job of taskJobs.jobs) {
    const r = session.checkJob(task, job, verbose > 6);
    if (r === undefined) {
      if (verbose >= 5) messages.push(...jobNames(job), jobPad + "  Jobs needs update: No function to check if up-to-date or not");
      continue;
    }
    if (r.needsUpdate) {
      messages.push(...jobNames(job));
      if (verbose >= 4) messages.push(...`  Job needs update: ${r.reason}`.split("\n").map((s) => jobPad + s));
      else messages.push(jobPad + "  Job needs update");
    } else {
      if ((outOfDate && verbose >= 5) || verbose >= 6) messages.push(...jobNames(job));
      if (verbose > 6) messages.push(...r.reason.split("\n").map((s) => jobPad + s));
    }
  }
  if (!taskJobs.jobs.length) {
    messages.push(jobPad + "!!! No jobs for this task.", jobPad + "Are you sure there is not a error in your code / regular expression?");
  }
  if (verbose >= 4 || !taskJobs.jobs.length) {
    for (const failure of new Set(taskJobs.matchFailures)) {
      messages.push(jobPad + "Job Warning: Input substitution failed:", jobPad + "             Do your regular expressions match the corresponding Input?");
      // Ruffus prints str() of its exception, which indents every line after the first by 4.
      messages.push(...failure.replaceAll("\n", "\n    ").split("\n").map((l) => "  " + jobPad + l));
    }
  }
  messages.push("");
  return messages;
}

/** The "Tasks which are up-to-date:" block (empty when every task will run). */
export function uptodateBlock(session: Session, plan: Plan, verbose: number, indent: number): string[] {
  const toRun = new Set(plan.toRun);
  if (plan.allTasks.length <= plan.toRun.length) return [];
  const out = ["", RULE, "Tasks which are up-to-date:", "", ""];
  for (const t of plan.allTasks) {
    if (toRun.has(t)) continue;
    out.push(...taskLines(session, t, plan.forced.has(t), false, verbose, indent));
  }
  out.push(RULE, "", "");
  return out;
}

/** Settings of {@link printoutText}. */
export interface PrintoutSettings {
  readonly verbose: number;
  readonly indent: number;
  readonly wrapWidth: number;
}

/** The whole printout (Ruffus's `pipeline_printout`). */
export function printoutText(session: Session, plan: Plan, s: PrintoutSettings): string {
  if (!s.verbose) return "";
  const wrapIndent = " ".repeat(s.indent + 11);
  const wrap = (m: string): string => fill(m, s.wrapWidth, wrapIndent) + "\n";
  let text = "";
  if (s.verbose === 1 || s.verbose === 2 || s.verbose >= 5) {
    for (const m of uptodateBlock(session, plan, s.verbose, s.indent)) text += wrap(m);
  }
  text += "\n" + RULE + "\nTasks which will be run:\n\n";
  for (const t of plan.toRun) {
    for (const m of taskLines(session, t, plan.forced.has(t), true, s.verbose, s.indent)) text += wrap(m);
  }
  text += RULE + "\n";
  return text;
}
