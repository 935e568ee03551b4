/**
 * `ruff --flowchart FILE`: draws the pipeline instead of running it. As with Ruffus's cmdline,
 * the key legend is off unless --key-legend-in-graph is given.
 */
import type { Pipeline } from "../core/pipeline.ts";
import type { PlanOptions } from "../core/run-options.ts";
import type { CliOptions } from "./args.ts";

/** Writes the flowchart the command line asked for. */
export async function writeFlowchart(pipeline: Pipeline, o: CliOptions, plan: PlanOptions): Promise<void> {
  await pipeline.printoutGraph({
    ...plan,
    output: o.flowchart,
    format: o.flowchartFormat,
    drawVertically: !o.drawGraphHorizontally,
    noKeyLegend: !o.keyLegendInGraph,
  });
}
