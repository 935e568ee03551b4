/**
 * Output, extras and `inputs()` patterns that name a group their `regex()` / `suffix()` does not
 * have (`"\\2.out"` with `regex("(.*)\\.txt")`). Every job of such a task whose input matches
 * fails (Ruffus: "Exceptions generating parameters"), and Ruffus finds out only when it reaches the
 * task, after the tasks before it ran — hours, in a real pipeline. So a run, and a printout, make
 * that task's jobs first, from what is known now, and stop with Ruffus's own error at once.
 */
import { FatalMatchError } from "../patterns/errors.ts";
import { stringsIn } from "../patterns/flatten.ts";
import { compileFilter, jobSubstituter } from "../patterns/substitute.ts";
import { ParameterGenerationError } from "./errors.ts";
import type { Session } from "./session.ts";
import type { Task } from "./task.ts";

/**
 * Throws the error Ruffus would raise when generating the jobs of the first of these tasks that has
 * an unfillable pattern and an input it matches (inputs as known now: files on disk, and the
 * outputs the tasks before it will make, as their jobs say). A task whose input matches nothing
 * only gets Ruffus's "no file names matched" warning, later, as in Ruffus.
 */
export function refuseUnfillablePatterns(session: Session, tasks: Iterable<Task>): void {
  for (const task of tasks) {
    if (!hasBadGroupReference(task)) continue;
    try {
      session.jobsOf(task);
    } catch (e) {
      if (e instanceof ParameterGenerationError && e.cause instanceof FatalMatchError) throw e;
      // Anything else (an input not known yet...) is for the run to meet in its turn.
    }
  }
}

/** Whether one of the task's patterns names a group its filter does not have (no file is looked at). */
function hasBadGroupReference(task: Task): boolean {
  const filter = task.spec.filter;
  if (!filter || filter.kind === "formatter") return false;
  // A made-up input name: the patterns are tried on it only to see whether their groups exist.
  const sub = jobSubstituter(compileFilter(filter), ["\0"], { cwd: "/", outputDir: task.spec.outputDir });
  const fills: [string[], (s: string) => unknown][] = [
    [stringsIn(task.spec.output), sub.output],
    [task.spec.extras.flatMap((x) => stringsIn(x)), sub.extra],
    [stringsIn(task.spec.modifyInputs?.value), sub.extra],
  ];
  for (const [templates, fill] of fills) {
    for (const template of templates) {
      try {
        fill(template);
      } catch (e) {
        if (e instanceof FatalMatchError) return true; // otherwise: no match for the made-up name, fine
      }
    }
  }
  return false;
}
