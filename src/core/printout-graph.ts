/**
 * `printoutGraph()`: the pipeline as a flowchart — DOT text as Ruffus writes it, or SVG/PNG
 * rendered in-process, JSON, or any Graphviz format through a system `dot`.
 */
import { flowchartDot, type DotNode } from "../report/dot.ts";
import { dotToSvg, dotWithSystemGraphviz, svgToPng } from "../report/render.ts";
import { RuffusError } from "./errors.ts";
import { flowchartModel, type FlowchartModel, type FlowchartOptions } from "./flowchart-plan.ts";
import type { Pipeline } from "./pipeline.ts";
import { rt } from "./runtime.ts";

/** Options of `printoutGraph()`. */
export interface PrintoutGraphOptions extends FlowchartOptions {
  /** A file name, or anything with `write()`; when absent the result is only returned. */
  output?: string | { write(chunk: string | Uint8Array): unknown };
  /** svg, png, dot, json, or a Graphviz format (pdf, jpg, gif, ps...); default: the output file's extension, else dot. */
  format?: string;
  /** Size in inches, as Ruffus: `[11, 8]` (default) or "11,8". */
  size?: readonly [number, number] | string;
  /** Resolution of raster formats (default 120). */
  dpi?: number;
  /** Add "(N jobs)" under task names (default: in pictures, not in DOT or JSON, which stay as Ruffus writes them). */
  showJobCounts?: boolean;
}

function formatOf(o: PrintoutGraphOptions): string {
  if (o.format) return o.format.toLowerCase().replace(/^\./, "");
  if (typeof o.output === "string") {
    const m = /\.([A-Za-z0-9]+)$/.exec(o.output);
    if (m) return m[1].toLowerCase();
  }
  return "dot";
}

function withJobCounts(model: FlowchartModel): FlowchartModel {
  const nodes = model.nodes.map((n) => {
    const count = model.jobCounts.get(n) ?? 0;
    if (count <= 1 || "label" in n.attributes) return n;
    return { ...n, attributes: { ...n.attributes, label_suffix: `${String(n.attributes.label_suffix ?? "")}\\n(${count} jobs)` } };
  });
  const map = new Map<DotNode, DotNode>(model.nodes.map((n, i) => [n, nodes[i]]));
  const remap = (s: ReadonlySet<DotNode>): Set<DotNode> => new Set([...s].map((n) => map.get(n) ?? n));
  for (const n of nodes) (n as unknown as { parents: DotNode[] }).parents = n.parents.map((p) => map.get(p) ?? p);
  return {
    ...model,
    nodes,
    toRun: remap(model.toRun),
    uptodate: remap(model.uptodate),
    targets: remap(model.targets),
    forced: remap(model.forced),
    cycleNodes: remap(model.cycleNodes),
  };
}

/** The JSON form (schema "ruffus-flowchart/1"). */
export function flowchartJson(model: FlowchartModel): string {
  const state = (n: DotNode): string =>
    model.cycleNodes.has(n) ? "cycle" : model.toRun.has(n) ? (model.forced.has(n) ? "forced" : "run") : model.uptodate.has(n) ? "uptodate" : "downstream";
  return (
    JSON.stringify(
      {
        schema: "ruffus-flowchart/1",
        pipeline: model.pipelineName,
        tasks: model.nodes.map((n) => ({
          id: `t${n.index}`,
          // The full name (pictures show the bare one, as Ruffus does).
          name: model.tasks.get(n)?.displayName ?? n.name,
          state: state(n),
          target: model.targets.has(n),
          shape: n.shape,
          jobs: model.jobCounts.get(n) ?? 0,
          parents: n.parents.map((p) => `t${p.index}`),
        })),
      },
      null,
      2,
    ) + "\n"
  );
}

/** Draws a pipeline; see `Pipeline.printoutGraph`. */
export async function printoutGraph(pipeline: Pipeline, o: PrintoutGraphOptions): Promise<string | Uint8Array> {
  const format = formatOf(o);
  const size = typeof o.size === "string" ? o.size : `${(o.size ?? [11, 8])[0]},${(o.size ?? [11, 8])[1]}`;
  const dpi = o.dpi ?? 120;
  let model = await flowchartModel(pipeline, o);
  const picture = !["dot", "json"].includes(format);
  if (o.showJobCounts ?? picture) model = withJobCounts(model);
  let result: string | Uint8Array;
  if (format === "dot") result = flowchartDot(model);
  else if (format === "json") result = flowchartJson(model);
  else if (format === "svg") result = await dotToSvg(flowchartDot(model), size);
  else if (format === "png") result = await svgToPng(await dotToSvg(flowchartDot(model), size), dpi);
  else if (format === "html") {
    const { htmlReport } = await import("../report/html-report.ts");
    result = await htmlReport(pipeline, model, o);
  } else result = await dotWithSystemGraphviz(flowchartDot(model), format, size, dpi);
  if (typeof o.output === "string") {
    const bytes = typeof result === "string" ? new TextEncoder().encode(result) : result;
    // Standard output (`-` or /dev/stdout, which cannot be opened when it is a socket): text formats only.
    // A new or regular file is replaced whole (never half-written); anything else (a symlink, a
    // device, a pipe) is written into, as the user meant.
    if ((o.output === "-" || o.output === "/dev/stdout") && typeof result === "string") rt().stdout.write(result);
    else {
      const l = rt().lstat(o.output);
      if (!l || l.isFile) await rt().writeFileAtomic(o.output, bytes);
      else await rt().writeFile(o.output, bytes);
    }
  } else if (o.output) {
    if (typeof o.output.write !== "function") throw new RuffusError("printoutGraph(): output must be a file name or have a write() method.");
    o.output.write(result);
  }
  return result;
}
