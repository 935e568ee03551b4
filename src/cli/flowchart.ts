/**
 * `ruff --flowchart FILE`: draws the pipeline instead of running it.
 */
import type { Pipeline } from "../core/pipeline.ts";
import type { PlanOptions } from "../core/run-options.ts";
import type { CliOptions } from "./args.ts";
import { UsageError } from "./errors.ts";

/** Writes the flowchart the command line asked for. */
export async function writeFlowchart(pipeline: Pipeline, o: CliOptions, plan: PlanOptions): Promise<void> {
  void pipeline;
  void plan;
  throw new UsageError(`--flowchart ${o.flowchart}: flowcharts are not available in this build yet.`);
}
