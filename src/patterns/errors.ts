/**
 * Errors raised by the file-name pattern engine.
 *
 * Ruffus distinguishes three outcomes when a job's file names are generated, and the
 * scheduler reacts differently to each, so they are separate classes rather than codes.
 */

/**
 * A `suffix()`, `regex()` or `formatter()` indicator is malformed (raised at declaration time).
 *
 * @example
 * try { regex("(unclosed"); } catch (e) { if (e instanceof PatternSyntaxError) console.error(e.message); } // ... missing ), unterminated subpattern ...
 */
export class PatternSyntaxError extends Error {
  override name = "PatternSyntaxError";
}

/**
 * Ruffus `error_input_file_does_not_match`: the input file name does not fit the pattern.
 * The job is skipped with a warning; the message is Ruffus's text. It never reaches the caller of
 * `run()`; its texts are the `matchFailures` of `ruff -n --json` and the verbose-4 warnings.
 *
 * @example
 * new NoMatchError("File 'a.txt' does not match regex('(.+)\\.csv$') and pattern '\\1.out'").name; // "NoMatchError"
 */
export class NoMatchError extends Error {
  override name = "NoMatchError";
}

/**
 * Ruffus `fatal_error_input_file_does_not_match` and `error_unescaped_regular_expression_forms`:
 * the substitution pattern itself is wrong (bad group reference, unescaped `\1`), so generating
 * parameters aborts.
 *
 * @example
 * catch (e) { if (e instanceof FatalMatchError) console.error(`task ${e.taskName}: ${e.message}`); }
 */
export class FatalMatchError extends Error {
  override name = "FatalMatchError";
  /**
   * The task whose jobs were being made, when known (set where the error leaves the library).
   *
   * @example
   * if (e instanceof FatalMatchError && e.taskName) console.error(`in task ${e.taskName}`);
   */
  taskName?: string;
}

/** The Python exception class a Python-emulating routine would have raised. */
export type PythonErrorType =
  | "re.error"
  | "IndexError"
  | "KeyError"
  | "ValueError"
  | "TypeError"
  | "AttributeError"
  | "OverflowError";

/**
 * An error carrying a Python exception's class and text, so callers can reproduce Ruffus's
 * messages, which embed `str(exception)` or `str(exception.args[0])`.
 */
export class PythonError extends Error {
  override name = "PythonError";
  /** `str(exception.args[0])`: for a `KeyError` the bare key, otherwise the message. */
  readonly arg0: string;

  constructor(
    readonly pythonType: PythonErrorType,
    /** `str(exception)`; for `KeyError` Python shows the key's repr. */
    message: string,
    arg0?: string,
  ) {
    super(message);
    this.arg0 = arg0 ?? message;
  }

  /** Ruffus's `wrap_exception_as_string()` form: `re.error: (msg)`, `builtins.ValueError: (msg)`. */
  get wrapped(): string {
    const qualified = this.pythonType.includes(".") ? this.pythonType : `builtins.${this.pythonType}`;
    return `${qualified}: (${this.message})`;
  }
}
