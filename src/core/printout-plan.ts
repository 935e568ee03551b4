/**
 * `printout()`: the plan as Ruffus's `pipeline_printout` text. Nothing runs; the history is
 * only read.
 */
import { printoutText } from "../report/printout.ts";
import type { Pipeline } from "./pipeline.ts";
import { prepare } from "./prepare.ts";
import type { PrintoutOptions } from "./run-options.ts";
import { asJobError, ParameterGenerationError, RuffusError } from "./errors.ts";
import { refuseUnfillablePatterns } from "./pattern-groups.ts";
import { FatalMatchError } from "../patterns/errors.ts";

/** See `Pipeline.printout`. */
export async function printoutPipeline(pipeline: Pipeline, o: PrintoutOptions): Promise<string> {
  const verbose = o.verbose ?? 4;
  if (o.outputStream !== undefined && typeof o.outputStream.write !== "function") {
    throw new RuffusError("printout(): outputStream needs a write(text) method, e.g. process.stdout.");
  }
  if (verbose === 0) return "";
  let prepared;
  try {
    prepared = await prepare(pipeline, { ...o, forHistoryWrite: false });
  } catch (e) {
    throw asJobError(e);
  }
  const { session, plan, history } = prepared;
  try {
    refuseUnfillablePatterns(session, plan.toRun);
    const text = printoutText(session, plan, { verbose, indent: o.indent ?? 4, wrapWidth: o.wrapWidth ?? 100 });
    o.outputStream?.write(text);
    return text;
  } catch (e) {
    // Listing the jobs of a task that will run: Ruffus lets a bad pattern's error out as it is
    // (found while checking what is up to date, it comes wrapped, as above).
    if (e instanceof ParameterGenerationError && e.cause instanceof FatalMatchError) {
      e.cause.taskName = e.task.displayName;
      throw e.cause;
    }
    throw asJobError(e);
  } finally {
    await history.close();
  }
}
