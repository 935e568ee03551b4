/**
 * How the command line reports problems: bad usage and broken pipeline files exit with 2 and a
 * short explanation pointing at the user's file and line, never a stack trace from inside ruffus.
 */

import { RuffusError } from "../core/errors.ts";
import { FatalMatchError, PatternSyntaxError } from "../patterns/errors.ts";
import { editDistance } from "../core/edit-distance.ts";

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

/** " Did you mean 'x'?" for the closest of `names`, when one is close enough to be a slip. */
export function didYouMean(name: string, names: Iterable<string>): string {
  let best: string | undefined;
  let distance = Infinity;
  for (const n of names) {
    const d = editDistance(name.toLowerCase(), n.toLowerCase());
    if (d < distance) [best, distance] = [n, d];
  }
  return best !== undefined && distance <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean '${best}'?` : "";
}

/** True for errors ruffus raises on purpose (their message is meant for the user as it is). */
export function isRuffusError(e: unknown): boolean {
  return e instanceof RuffusError || e instanceof PatternSyntaxError || e instanceof FatalMatchError;
}
