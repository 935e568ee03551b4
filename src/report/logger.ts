/**
 * Loggers in Ruffus's format: `info`/`debug` print the message, `warning` and `error` print a
 * blank-line-framed `WARNING:`/`ERROR:` block. Logs go to stderr; data goes to stdout.
 */
import type { Logger } from "../core/run-options.ts";
import type { TextSink } from "../runtime/types.ts";
import { rt } from "../core/runtime.ts";

/** A logger writing Ruffus-format lines to a text sink. */
export function streamLogger(sink: TextSink): Required<Pick<Logger, "info" | "debug" | "warning" | "error">> & Logger {
  return {
    info: (m) => sink.write(m + "\n"),
    debug: (m) => sink.write(m + "\n"),
    warning: (m) => sink.write("\n\nWARNING:\n    " + m + "\n\n"),
    error: (m) => sink.write("\n\nERROR:\n    " + m + "\n\n"),
  };
}

/**
 * The default logger: Ruffus's `stderr_logger`.
 *
 * @example
 * await p.run({ logger: stderrLogger, verbose: 3 });
 */
export const stderrLogger: Logger = {
  info: (m) => rt().stderr.write(m + "\n"),
  debug: (m) => rt().stderr.write(m + "\n"),
  warning: (m) => rt().stderr.write("\n\nWARNING:\n    " + m + "\n\n"),
  error: (m) => rt().stderr.write("\n\nERROR:\n    " + m + "\n\n"),
};

/**
 * A logger that discards everything (Ruffus's `black_hole_logger`).
 *
 * @example
 * await p.run({ logger: blackHoleLogger });
 */
export const blackHoleLogger: Logger = {
  info: () => {},
  debug: () => {},
  warning: () => {},
  error: () => {},
};

/** Calls `warning`, or `warn` for loggers such as `console`. */
export function logWarning(logger: Logger, message: string): void {
  if (logger.warning) logger.warning(message);
  else if (logger.warn) logger.warn(message);
  else logger.info(message);
}
