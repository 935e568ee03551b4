/**
 * Indicator values that change how a task argument is read: `inputs()`, `addInputs()`,
 * `outputFrom()`, `runtimeParameter()`, `touchFile()`. They are small tagged classes so that
 * argument parsing can recognise them whatever position they are written in.
 */

/**
 * Replaces each job's input by the (substituted) value — Ruffus's `inputs()`.
 *
 * @example
 * p.transform({ task: compile, input: "*.c", filter: suffix(".c"), replaceInputs: inputs([String.raw`\1.py`, "docs.rst"]), output: ".o" });
 */
export class InputsIndicator {
  readonly kind = "inputs";
  constructor(
    /** Every argument given; exactly one is allowed, which the task declaration checks (and names the task). */
    readonly args: readonly unknown[],
  ) {}
  /**
   * The one value.
   *
   * @example
   * inputs(String.raw`\1.h`).value; // "\\1.h"
   */
  get value(): unknown {
    return this.args[0];
  }
}

/**
 * Adds the (substituted) values to each job's input — Ruffus's `add_inputs()`.
 * The job input becomes `[originalInput, ...values]`. Made by {@link addInputs}.
 *
 * @example
 * const extra = addInputs(String.raw`\1.h`, "universal.h");
 * extra instanceof AddInputsIndicator; // true; extra.values: ["\\1.h", "universal.h"]
 */
export class AddInputsIndicator {
  readonly kind = "addInputs";
  constructor(readonly values: readonly unknown[]) {}
}

/**
 * Names tasks whose outputs are used as input — Ruffus's `output_from()`. Made by {@link outputFrom}.
 *
 * @example
 * const from = outputFrom("align", "sub::call");
 * from.values; // ["align", "sub::call"]
 */
export class OutputFromIndicator {
  readonly kind = "outputFrom";
  constructor(readonly values: readonly unknown[]) {}
}

/**
 * A placeholder for `runtimeData[name]`, resolved when jobs are generated. Made by {@link runtimeParameter}.
 *
 * @example
 * const samples = runtimeParameter("samples");
 * samples.name; // "samples"
 */
export class RuntimeParameter {
  readonly kind = "runtimeParameter";
  constructor(readonly name: string) {}
}

/**
 * A `posttask` action that creates or touches files when the task completes. Made by {@link touchFile}.
 *
 * @example
 * const flag = touchFile("done.flag");
 * flag.files; // ["done.flag"]
 */
export class TouchFileIndicator {
  readonly kind = "touchFile";
  constructor(readonly files: readonly string[]) {}
}

/**
 * `inputs(x)`: replace every job's input by `x`, with `\1`/`{basename[0]}` substituted.
 * Takes exactly one argument (wrap several in an array).
 *
 * @example
 * p.transform({ task: f, input: "*.txt", filter: suffix(".txt"), replaceInputs: inputs(String.raw`\1.csv`), output: ".out" });
 */
export function inputs(...args: unknown[]): InputsIndicator {
  return new InputsIndicator(args);
}

/**
 * `addInputs(a, b, ...)`: add files to every job's input; the job input becomes `[original, a, b, ...]`.
 *
 * @example
 * p.transform({ task: f, input: "*.c", filter: suffix(".c"), addInputs: addInputs(String.raw`\1.h`, "universal.h"), output: ".o" });
 */
export function addInputs(...values: unknown[]): AddInputsIndicator {
  return new AddInputsIndicator(values);
}

/**
 * `outputFrom("taskName", ...)`: use the named tasks' outputs as input. Plain strings in `input`
 * are file names; inside `outputFrom` they are task names (also `"pipeline::task"`).
 *
 * @example
 * p.merge({ task: summarise, input: outputFrom("align", "call"), output: "all.summary" });
 */
export function outputFrom(...values: unknown[]): OutputFromIndicator {
  return new OutputFromIndicator(values);
}

/**
 * `runtimeParameter("name")`: an input taken from `run({ runtimeData: { name: [...] } })`.
 *
 * @example
 * p.transform({ task: f, input: runtimeParameter("samples"), filter: suffix(".fq"), output: ".bam" });
 * await p.run({ runtimeData: { samples: ["a.fq", "b.fq"] } });
 */
export function runtimeParameter(name: string): RuntimeParameter {
  return new RuntimeParameter(name);
}

/**
 * `touchFile("done.flag")`: a posttask that creates the file or updates its time.
 *
 * @example
 * p.merge({ task: summarise, input: stage2, output: "all.txt" }).posttask(touchFile("done.flag"));
 */
export function touchFile(...files: string[]): TouchFileIndicator {
  return new TouchFileIndicator(files);
}
