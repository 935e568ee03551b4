/**
 * The run log in Ruffus's words (reference §4.8, §5.2): consumes engine events and writes
 * `Task enters queue = 'x'`, `    Job  = [...] completed`, `Completed Task = 'x'` and the rest to
 * the logger, according to the verbosity. It only listens; it never steers the run.
 */
import { pyStringRepr } from "../core/describe.ts";
import { RethrownJobError } from "../core/errors.ts";
import type { PipelineEvent } from "../core/events.ts";
import type { Logger } from "../core/run-options.ts";
import type { Session } from "../core/session.ts";
import { logWarning } from "./logger.ts";
import { uptodateBlock } from "./printout.ts";

/** Settings of the run log. */
export interface RunLogSettings {
  readonly logger: Logger;
  readonly verbose: number;
  readonly session: Session;
  readonly logExceptions: boolean;
}

/** Returns an event listener that writes the Ruffus run log. */
export function runLog(s: RunLogSettings): (e: PipelineEvent) => void {
  const { logger, verbose } = s;
  // The message is a function: job descriptions are formatted only when the line is written
  // (formatting one per job at -v 0 cost more than the bookkeeping of a cold run's job).
  const at = (level: number, message: () => string): void => {
    if (level <= verbose) logger.info(message());
  };
  let failures = 0;
  return (e) => {
    switch (e.type) {
      case "touchMode":
        if (verbose >= 1) logger.info("Touch output files instead of remaking them.");
        return;
      case "plan":
        if (verbose === 1 || verbose === 2 || verbose >= 5) {
          for (const m of uptodateBlock(s.session, { toRun: [...e.toRun], allTasks: [...e.allTasks], forced: new Set(e.forced) }, verbose, 4)) {
            logger.info(m);
          }
        }
        if (verbose >= 1) for (const m of ["", "_".repeat(40), "Tasks which will be run:", "", ""]) logger.info(m);
        return;
      case "taskQueued":
        at(1, () => `Task enters queue = ${pyStringRepr(e.task.displayName)} ${e.forced ? ": Forced to rerun" : ""}`);
        if (e.task.description) at(2, () => "    " + e.task.description);
        return;
      case "taskInactive":
        at(2, () => `Inactive Task = ${pyStringRepr(e.task.displayName)}`);
        return;
      case "jobQueued":
        if (e.why === "forced") at(3, () => `    force task ${e.job.name} to rerun `);
        else if (e.why === "nocheck") at(3, () => `    ${e.job.name} no function to check if up-to-date `);
        else if (verbose >= 4) at(4, () => `    ${e.job.name} ${e.reason} `);
        else at(3, () => `    ${e.job.name}`);
        return;
      case "jobUptodate":
        // Above 6, Ruffus asks the check for the file dates too (return_file_dates_when_uptodate).
        at(5, () => `    ${e.job.name} unnecessary: already ${verbose > 6 && !e.job.task.uptodateCheck ? (s.session.checkJob(e.job.task, e.job.job, true)?.reason ?? e.reason) : e.reason}`);
        return;
      case "jobRetry": {
        const why = e.error instanceof Error ? e.error.message.split("\n")[0] : String(e.error);
        logWarning(logger, `    ${e.job.name} failed (${why}); trying again in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt} of ${e.of})`);
        return;
      }
      case "jobCompleted":
        at(3, () => `    ${e.job.name} completed`);
        return;
      case "jobFailed":
        failures++;
        if (s.logExceptions) {
          const err = new RethrownJobError([{ task: e.job.task.displayName, job: e.job.name, error: e.error }]);
          logger.error(err.nthFailureBlock(0).replace("Exception #1", `Exception #${failures}`));
        }
        return;
      case "taskCompleted":
        if (e.uptodate) at(1, () => `Uptodate Task = ${pyStringRepr(e.task.displayName)}`);
        else at(1, () => `Completed Task = ${pyStringRepr(e.task.displayName)} `);
        return;
      case "warning": {
        if (verbose < 1) return;
        const pad = " ".repeat(8);
        const messages = [e.message.replaceAll("\n", "\n" + pad)];
        if (verbose >= 4) {
          for (const d of new Set(e.details)) messages.push(pad + "Job Warning: Input substitution failed:", pad + "  " + d.replaceAll("\n", "\n" + pad + "      "));
        }
        const where = e.task ? `In Task ${pyStringRepr(e.task.displayName)}:\n${pad}` : "";
        logWarning(logger, `    ${where}${messages.join("\n")} `);
        return;
      }
      default:
        return;
    }
  };
}
