/**
 * Output, extras and `inputs()` patterns that name a group their `regex()` / `suffix()` does not
 * have (`"\\2.out"` with `regex("(.*)\\.txt")`). Every job of such a task whose input matches
 * fails (Ruffus: "Exceptions generating parameters"), and Ruffus finds out only when it reaches the
 * task, after the tasks before it ran — hours, in a real pipeline. So a run, and a printout, make
 * that task's jobs first, from what is known now, and stop with Ruffus's own error at once.
 */
import { FatalMatchError } from "../patterns/errors.ts";
import { stringsIn } from "../patterns/flatten.ts";
import { pythonRegexInfo } from "../patterns/python-regex.ts";
import { compileFilter, jobSubstituter } from "../patterns/substitute.ts";
import { ParameterGenerationError } from "./errors.ts";
import type { Session } from "./session.ts";
import type { Task } from "./task.ts";

/** One pattern that cannot be filled in, whatever the input file. */
export interface BadGroupReference {
  readonly task: Task;
  /** Which argument holds the pattern. */
  readonly what: "output" | "extra" | "input";
  readonly template: string;
  /** The whole sentence, e.g. "in task 'p::b', the output pattern '\2.out' cannot be filled in from regex('(.*)\.txt') (1 group): invalid group reference 2". */
  readonly message: string;
}

/**
 * Throws the error Ruffus would raise when generating the jobs of the first of these tasks that has
 * an unfillable pattern and an input it matches (inputs as known now: files on disk, and the
 * outputs the tasks before it will make, as their jobs say). A task whose input matches nothing
 * only gets Ruffus's "no file names matched" warning, later, as in Ruffus.
 */
export function refuseUnfillablePatterns(session: Session, tasks: Iterable<Task>): void {
  for (const bad of findBadGroupReferences(tasks)) {
    try {
      session.jobsOf(bad.task);
    } catch (e) {
      if (e instanceof ParameterGenerationError && e.cause instanceof FatalMatchError) throw e;
      // Anything else (an input not known yet...) is for the run to meet in its turn.
    }
  }
}

/** The first bad group reference among these tasks' patterns, if any. */
export function findBadGroupReference(tasks: Iterable<Task>): BadGroupReference | undefined {
  for (const bad of findBadGroupReferences(tasks)) return bad;
  return undefined;
}

/** Each task's first pattern naming a group its filter does not have (not looking at any file). */
export function* findBadGroupReferences(tasks: Iterable<Task>): Generator<BadGroupReference> {
  for (const task of tasks) {
    const filter = task.spec.filter;
    if (!filter || filter.kind === "formatter") continue;
    const compiled = compileFilter(filter);
    // A made-up input name: the pattern is tried on it only to see whether its groups exist.
    const sub = jobSubstituter(compiled, ["\0"], { cwd: "/", outputDir: task.spec.outputDir });
    const templates: [BadGroupReference["what"], string, (s: string) => unknown][] = [
      ...stringsIn(task.spec.output).map((s) => ["output", s, sub.output] as [BadGroupReference["what"], string, (s: string) => unknown]),
      ...task.spec.extras.flatMap((x) => stringsIn(x)).map((s) => ["extra", s, sub.extra] as [BadGroupReference["what"], string, (s: string) => unknown]),
      ...stringsIn(task.spec.modifyInputs?.value).map((s) => ["input", s, sub.extra] as [BadGroupReference["what"], string, (s: string) => unknown]),
    ];
    for (const [what, template, fill] of templates) {
      try {
        fill(template);
      } catch (e) {
        if (!(e instanceof FatalMatchError)) continue; // no match for the made-up name: fine
        const why = (/:\n\t(.*?)\n?$/s.exec(e.message)?.[1] ?? e.message).replace(/\.$/, "");
        const groups = pythonRegexInfo(compiled.regex as RegExp).groups;
        const message =
          `in task '${task.displayName}', the ${what} pattern '${template}' cannot be filled in from ` +
          `${filter.kind}('${filter.pattern}') (${groups} group${groups === 1 ? "" : "s"}): ${why}`;
        yield { task, what, template, message };
        break;
      }
    }
  }
}
