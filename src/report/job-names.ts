/**
 * Job descriptions as Ruffus prints them: `Job  = [a.1 -> a.2, extra]` (two spaces after Job),
 * the multi-line form for one-to-many tasks, `Make directories [...]` for mkdir. Extras are shown
 * as values (Ruffus 2.8.4 on Python 3 shows the word `map` instead: a bug we do not copy).
 */
import type { Task } from "../core/task.ts";
import { shortenFilenames, plainText } from "./shorten.ts";

/** A job's description on one line, and split into lines for printouts. */
export interface JobDescription {
  readonly line: string;
  readonly lines: string[];
}

/** Describes a job of `task` from its display parameters. */
export function describeJob(task: Task, params: readonly unknown[], nLevels: number, cwd: string): JobDescription {
  const show = (v: unknown): string => shortenFilenames(v, nLevels, cwd);
  switch (task.kind) {
    case "mkdir": {
      const dirs = params.length === 1 ? params[0] : params[1];
      const m = `Make directories ${show(dirs)}`;
      return { line: m, lines: [m] };
    }
    case "originate":
    case "split":
    case "subdivide":
      return oneToMany(params, show);
    case undefined:
    case "follows": {
      const m = params.length ? `Job  = ${plainText(params)}` : "Job";
      return { line: m, lines: [m] };
    }
    default:
      return ioFiles(params, show);
  }
}

/** `[a, b]` without its brackets; a list cut to its last characters keeps its `<???> ` mark. */
function innerList(shown: string): string {
  return shown.startsWith("[") ? shown.slice(1, -1) : shown.slice(0, -1);
}

function ioFiles(params: readonly unknown[], show: (v: unknown) => string): JobDescription {
  // Strings among the extras are shortened like file names; other values are shown as they are
  // (Ruffus's encoder leaves non-strings alone: a number is not made into an absolute path).
  const extras = params.length > 2 ? ", " + innerList(show(params.slice(2))) : "";
  const out = params.length > 1 ? show(params[1]) : "??";
  const inp = params.length > 0 ? show(params[0]) : "??";
  return { line: `Job  = [${inp} -> ${out}${extras}]`, lines: [`Job  = [${inp}`, `-> ${out}${extras}]`] };
}

function oneToMany(params: readonly unknown[], show: (v: unknown) => string): JobDescription {
  // As Ruffus prints it (which cuts the "<" off a shortened "<???> " list: kept, to match).
  const extras = params.length > 2 ? ", " + show(params.slice(2)).slice(1, -1) : "";
  const out = params.length > 1 ? show(params[1]) : "??";
  const inp = params.length > 0 ? show(params[0]) : "??";
  const lines = [`Job  = [${inp}`];
  if (params.length > 1) {
    if (Array.isArray(params[1])) lines.push(...params[1].map((p) => `-> ${show(p)}`));
    else lines.push(`-> ${out}`);
  }
  if (params.length > 2) lines.push(` , ${show(params.slice(2)).slice(1, -1)}`);
  lines[lines.length - 1] += "]";
  return { line: `Job  = [${inp} -> ${out}${extras}]`, lines };
}
