/**
 * `ruff why pipeline.ts <task|file>`: for each out-of-date job, the first reason it would run,
 * in words; and for inputs that match no pattern, the pattern and the nearest file names
 * (Ruffus issue #60). `--json` prints schema "ruffus-why/1" (see the README).
 */
import { stringsIn } from "../patterns/flatten.ts";
import { isGlob } from "../core/globs.ts";
import { lookupTasks, editDistance } from "../core/lookup.ts";
import { abspath } from "../core/paths.ts";
import { prepare } from "../core/prepare.ts";
import { rt } from "../core/runtime.ts";
import type { Session } from "../core/session.ts";
import type { Task } from "../core/task.ts";
import type { CliOptions } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { loadFromCli, reportError } from "./commands.ts";
import { explain } from "../report/explain.ts";

/** One job's answer. */
export interface WhyJob {
  task: string;
  job: string;
  needsUpdate: boolean;
  kind: string;
  files: readonly string[];
  explanation: string;
}

/** Inputs that matched no pattern, with the closest names. */
export interface WhyUnmatched {
  task: string;
  pattern: string;
  inputs: string[];
  candidates: string[];
}

/** The `--json` document. */
export interface WhyDocument {
  schema: "ruffus-why/1";
  subject: string;
  tasks: { name: string; willRun: boolean; jobs: WhyJob[] }[];
  unmatched: WhyUnmatched[];
}

function findTasks(session: Session, subject: string, home: import("../core/pipeline.ts").Pipeline): { tasks: Task[]; byFile: boolean } {
  let hint = "";
  try {
    return { tasks: lookupTasks(subject, home, { context: "lookup" }), byFile: false };
  } catch (e) {
    // Not a task name: a file made by one of the jobs. Keep the lookup's "did you mean".
    hint = /Did you mean '[^']+'\?/.exec(e instanceof Error ? e.message : "")?.[0] ?? "";
  }
  const target = abspath(subject, session.cwd);
  const found: Task[] = [];
  for (const t of session.graph.tasks) {
    for (const job of session.jobsOf(t).jobs) {
      if (stringsIn(job.params[1]).some((f) => abspath(f, session.cwd) === target)) {
        found.push(t);
        break;
      }
    }
  }
  if (!found.length) {
    throw new UsageError(`'${subject}' is neither a task of the pipeline nor an output of any of its jobs.${hint ? ` ${hint}` : " Try: ruff list <pipeline>"}`);
  }
  return { tasks: found, byFile: true };
}

function nearest(names: string[], to: string, n = 5): string[] {
  return [...new Set(names)]
    .map((c) => ({ c, d: editDistance(c.toLowerCase(), to.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, n)
    .map((x) => x.c);
}

function unmatchedFor(session: Session, task: Task): WhyUnmatched[] {
  const out: WhyUnmatched[] = [];
  const jobs = session.jobsOf(task);
  const filter = task.spec.filter;
  if (filter && jobs.matchFailures.length) {
    const pattern = filter.kind === "formatter" ? `formatter(${filter.patterns.map((p) => JSON.stringify(p)).join(", ")})` : `${filter.kind}(${JSON.stringify(filter.pattern)})`;
    const inputs = jobs.matchFailures.map((m) => /File '([^']*)'/.exec(m)?.[1] ?? m);
    const literal = filter.kind === "formatter" ? (filter.patterns[0] ?? "") : filter.pattern;
    out.push({ task: task.displayName, pattern, inputs, candidates: nearest(inputs, literal.replace(/[\\^$()[\]{}.*+?|]/g, "")) });
  }
  // Input globs that match no file: show the files next to where they were looked for.
  const w = session.graph.get(task);
  for (const g of stringsIn(w.input).filter(isGlob)) {
    if (session.glob(g).length) continue;
    const dir = g.includes("/") ? g.slice(0, g.lastIndexOf("/")) : ".";
    const here = session.glob(`${dir === "." ? "" : dir + "/"}*`);
    out.push({ task: task.displayName, pattern: g, inputs: [], candidates: nearest(here, g) });
  }
  return out;
}

/** Builds the answer. */
export async function why(pipeline: import("../core/pipeline.ts").Pipeline, subject: string, o: CliOptions): Promise<WhyDocument> {
  const { session, plan, history } = await prepare(pipeline, {
    checksumLevel: o.checksumLevel,
    historyFile: o.checksumFileName,
    forcedtorunTasks: o.forcedTasks.length ? o.forcedTasks : undefined,
    verboseAbbreviatedPath: o.verboseAbbreviatedPath,
    forHistoryWrite: false,
  });
  try {
    const { tasks, byFile } = findTasks(session, subject, pipeline);
    const toRun = new Set(plan.toRun);
    const doc: WhyDocument = { schema: "ruffus-why/1", subject, tasks: [], unmatched: [] };
    const target = abspath(subject, session.cwd);
    for (const task of tasks) {
      const entry = { name: task.displayName, willRun: toRun.has(task), jobs: [] as WhyJob[] };
      for (const job of session.jobsOf(task).jobs) {
        const outputs = stringsIn(job.params[1]);
        if (byFile && !outputs.some((f) => abspath(f, session.cwd) === target)) continue;
        const r = session.checkJob(task, job);
        const forced = plan.forced.has(task);
        if (r && !r.needsUpdate && !forced) continue;
        const e = explain(r, stringsIn(job.params[0]), forced);
        entry.jobs.push({ task: task.displayName, job: session.describe(task, job).line, needsUpdate: true, kind: e.kind, files: e.files, explanation: e.text });
      }
      doc.tasks.push(entry);
      doc.unmatched.push(...unmatchedFor(session, task));
    }
    return doc;
  } finally {
    await history.close();
  }
}

/** `ruff why`. */
export async function whyCommand(o: CliOptions): Promise<number> {
  if (!o.subject) throw new UsageError("Usage: ruff why <pipeline.ts> <task|file>");
  const { pipeline, src } = await loadFromCli(o);
  let doc: WhyDocument;
  try {
    doc = await why(pipeline, o.subject, o);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return reportError(e, src, o);
  }
  if (o.json) {
    rt().stdout.write(JSON.stringify(doc, null, 2) + "\n");
    return EXIT.ok;
  }
  let text = "";
  for (const t of doc.tasks) {
    if (!t.jobs.length) {
      text += `Task '${t.name}': ${t.willRun ? "up to date now, but will run after the out-of-date tasks before it" : "up to date"}\n`;
      continue;
    }
    text += `Task '${t.name}': ${t.jobs.length} job${t.jobs.length > 1 ? "s" : ""} will run\n`;
    for (const j of t.jobs) text += `    ${j.job}\n        because ${j.explanation}\n`;
  }
  for (const u of doc.unmatched) {
    text += `Task '${u.task}': ${u.inputs.length ? `${u.inputs.length} input${u.inputs.length > 1 ? "s" : ""} did not match` : "no file matches"} ${u.pattern}\n`;
    if (u.candidates.length) text += `    nearest file names: ${u.candidates.join(", ")}\n`;
  }
  rt().stdout.write(text);
  return EXIT.ok;
}
