/** Arguments for the pipeline itself, set by the `ruff` command from what follows `--`. */
let args: string[] = [];

/** @internal Set by the command line. */
export function setPipelineArgs(list: string[]): void {
  args = [...list];
}

/**
 * The arguments given after `--` on the `ruff` command line (empty when the pipeline is not run by `ruff`).
 *
 * @example
 * // ruff pipeline.ts -- --samples 10
 * const samples = Number(pipelineArgs()[1] ?? 3);
 */
export function pipelineArgs(): string[] {
  return [...args];
}
