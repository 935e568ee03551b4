/**
 * How the command line reports problems: bad usage and broken pipeline files exit with 2 and a
 * short explanation pointing at the user's file and line, never a stack trace from inside ruffus.
 */

import { RuffusError } from "../core/errors.ts";
import { FatalMatchError, PatternSyntaxError } from "../patterns/errors.ts";

/** Bad command-line usage (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The pipeline file could not be loaded or is inconsistent (exit status 2). */
export class PipelineFileError extends Error {
  override name = "PipelineFileError";
}

/** Exit statuses, documented in the README. */
export const EXIT = { ok: 0, jobFailed: 1, usage: 2, internal: 70, sigint: 130, sigterm: 143 } as const;

/** The first `file:line:col` of the user's pipeline file (or of a file beside it) in an error's stack. */
export function userLocation(e: unknown, pipelineFile: string): string | undefined {
  const stack = e instanceof Error ? (e.stack ?? "") : "";
  const dir = pipelineFile.replace(/[^/\\]*$/, "");
  for (const line of stack.split("\n")) {
    const m = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = decodeURIComponent(m[1].replace(/^file:\/\//, ""));
    if (file.includes("/node_modules/") || file.includes("/src/core/") || file.includes("/src/cli/") || file.includes("$bunfs")) continue;
    if (file === pipelineFile || file.startsWith(dir)) return `${file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** One paragraph about an error thrown while loading the pipeline file. */
export function describeLoadError(e: unknown, pipelineFile: string): string {
  let err = e as { name?: string; message?: string; position?: { line?: number; column?: number; file?: string }; errors?: unknown[] };
  // Bun gathers build errors in an AggregateError: the first one has the position.
  if (Array.isArray(err?.errors) && err.errors.length) {
    const first = err.errors.find((x) => (x as typeof err)?.position) ?? err.errors[0];
    if (first && typeof first === "object") err = first as typeof err;
  }
  // Bun reports syntax errors as BuildMessage/ResolveMessage objects with a position.
  if (err && err.position && typeof err.position.line === "number") {
    return `${err.position.file ?? pipelineFile}:${err.position.line}:${(err.position.column ?? 0) + 1}: ${err.message}\n` +
      "The pipeline file could not be compiled. Fix the syntax error above and run again.";
  }
  const message = err?.message ?? String(e);
  // esbuild (tsx on Node) and Deno put "file:line:col: ERROR: ..." in the message.
  const esb = /Transform failed with \d+ errors?:\n(.*?):(\d+):(\d+): ERROR: (.*)/s.exec(message);
  if (esb) return `${esb[1]}:${esb[2]}:${esb[3]}: ${esb[4].split("\n")[0]}\nThe pipeline file could not be compiled. Fix the syntax error above and run again.`;
  if (err?.name === "SyntaxError" || /^SyntaxError: /.test(message)) {
    // Node puts "file:///...:LINE" as the first line of a module's syntax-error stack.
    const first = /^(?:file:\/\/)?(\/[^\s:]+):(\d+)/.exec(((e as Error).stack ?? "").split("\n")[0]);
    const where = first ? `${decodeURIComponent(first[1])}:${first[2]}` : (userLocation(e, pipelineFile) ?? pipelineFile);
    return `${where}: SyntaxError: ${message.replace(/^SyntaxError: /, "")}\nThe pipeline file could not be compiled. Fix the syntax error above and run again.`;
  }
  const where = userLocation(e, pipelineFile);
  const kind = err?.name && err.name !== "Error" ? `${err.name}: ` : "";
  return `${where ?? pipelineFile}: ${kind}${message}\n` +
    (isRuffusError(e)
      ? "The pipeline declares a task wrongly; the message above names the task and the argument to fix."
      : "Loading the pipeline file failed before any task ran.");
}

/** True for errors ruffus raises on purpose (their message is meant for the user as it is). */
export function isRuffusError(e: unknown): boolean {
  return e instanceof RuffusError || e instanceof PatternSyntaxError || e instanceof FatalMatchError;
}
