/**
 * The self-contained HTML report (`--flowchart report.html`): the flowchart plus, per task, job
 * counts, states and why out-of-date jobs would run. One file, no network.
 */
import type { Pipeline } from "../core/pipeline.ts";
import type { FlowchartModel } from "../core/flowchart-plan.ts";
import type { PlanOptions } from "../core/run-options.ts";
import { RuffusError } from "../core/errors.ts";

/** Builds the report. */
export async function htmlReport(pipeline: Pipeline, model: FlowchartModel, o: PlanOptions): Promise<string> {
  void pipeline;
  void model;
  void o;
  throw new RuffusError("The HTML report is not available yet.");
}
