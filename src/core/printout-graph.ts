/**
 * `printoutGraph()`: the pipeline as a flowchart — DOT text as Ruffus writes it, or SVG/PNG
 * rendered in-process, JSON, or any Graphviz format through a system `dot`.
 */
import { colourSchemeDemoDot, flowchartDot, INACTIVE_STYLE, type DotNode } from "../report/dot.ts";
import { logWarning, stderrLogger } from "../report/logger.ts";
import { dotToSvg, dotWithSystemGraphviz, GraphvizSyntaxError, pngReadabilityWarning, svgToPng, withPictureSize } from "../report/render.ts";
import { RuffusError } from "./errors.ts";
import { flowchartModel, type FlowchartModel, type FlowchartOptions } from "./flowchart-plan.ts";
import type { Pipeline } from "./pipeline.ts";
import type { Logger } from "./run-options.ts";
import { rt } from "./runtime.ts";

/**
 * Where a flowchart goes: a file name (`-` for standard output), or anything with `write()`.
 *
 * @example
 * const output: FlowchartOutput = fs.createWriteStream("flowchart.svg"); // format "svg", from its path
 */
export type FlowchartOutput = string | { write(chunk: string | Uint8Array): unknown };

/** Options of `printoutGraph()`. */
export interface PrintoutGraphOptions extends FlowchartOptions {
  /** A file name, or anything with `write()`; when absent the result is only returned. */
  output?: FlowchartOutput;
  /**
   * svg, png, dot, json, html, or a Graphviz format (pdf, jpg, gif, ps...); default: the extension
   * of the output file (or of a file stream's `path`), else dot.
   */
  format?: string;
  /**
   * The largest size of a picture, in inches, as Graphviz's `size`: `[30, 40]` or "30,40" (a larger
   * drawing is scaled down to fit), "30,40!" (also scaled up to fill it). Default: the natural size,
   * as Ruffus's pictures come out (its default `(11, 8)` reaches dot in a form dot ignores). The DOT
   * text always says `size="8,11"`, as Ruffus's does.
   */
  size?: readonly [number, number] | string;
  /** Resolution of raster formats (default 120): a drawing 1 inch wide is `dpi` pixels wide. */
  dpi?: number;
  /**
   * Add "(N jobs)" under task names (default: in pictures, not in DOT or JSON, which stay as Ruffus
   * writes them). Pictures also draw tasks switched off by activeIf() dashed and grey, "(inactive)".
   */
  showJobCounts?: boolean;
  /** Where warnings go (a PNG too large to read); default: standard error, as `run()`'s. */
  logger?: Logger;
}

/** The format asked for: `format`, else the extension of the file name or of a file stream's `path` (Ruffus: `stream.name`). */
function formatOf(output: FlowchartOutput | undefined, format: string | undefined): string {
  if (format) return format.toLowerCase().replace(/^\./, "");
  const name = typeof output === "string" ? output : (output as { path?: unknown } | undefined)?.path;
  const m = typeof name === "string" ? /\.([A-Za-z0-9]+)$/.exec(name) : null;
  return m ? m[1].toLowerCase() : "dot";
}

function sizeOf(size: PrintoutGraphOptions["size"]): string | undefined {
  if (size === undefined) return undefined;
  if (typeof size === "string") {
    if (!/^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)?!?\s*$/.test(size)) {
      throw new RuffusError(`printoutGraph(): size '${size}' is not a size in inches: give "width,height" (e.g. "11,8", or "11,8!" to fill it) or [11, 8].`);
    }
    return size.replace(/\s+/g, "");
  }
  if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => typeof n === "number" && n > 0)) {
    throw new RuffusError(`printoutGraph(): size must be [width, height] in inches (e.g. [11, 8]), not ${JSON.stringify(size)}.`);
  }
  return `${size[0]},${size[1]}`;
}

/**
 * What pictures add to Ruffus's drawing: job counts under the names, inactive tasks dashed and
 * grey, and a pipeline prefix ("b::s1") on a task name drawn more than once (a pipeline and its
 * clone), where Ruffus draws two boxes that cannot be told apart.
 */
function withAdditions(model: FlowchartModel, add: { jobCounts: boolean; picture: boolean }): FlowchartModel {
  const drawnNames = new Map<string, number>();
  for (const n of model.nodes) drawnNames.set(n.name, (drawnNames.get(n.name) ?? 0) + 1);
  const nodes = model.nodes.map((named) => {
    const repeated = add.picture && (drawnNames.get(named.name) ?? 0) > 1;
    const n = repeated ? { ...named, name: model.tasks.get(named)?.displayName ?? named.name } : named;
    const count = add.jobCounts ? (model.jobCounts.get(named) ?? 0) : 0;
    const inactive = add.picture && model.inactive.has(named);
    const label = n.attributes.label === undefined ? undefined : String(n.attributes.label);
    const html = label?.startsWith("<") ?? false;
    // An HTML label of text takes a <BR/>; one that is a table has no room for a line after it.
    const lines = [count > 1 ? `(${count} jobs)` : "", inactive ? "(inactive)" : ""].filter(Boolean);
    if (!lines.length || (html && /<table/i.test(label ?? ""))) return inactive ? { ...n, attributes: { ...INACTIVE_STYLE, ...n.attributes } } : n;
    const suffix = lines.map((l) => (html ? `<BR/>${l}` : `\\n${l}`)).join("");
    return { ...n, attributes: { ...(inactive ? INACTIVE_STYLE : {}), ...n.attributes, label_suffix: `${String(n.attributes.label_suffix ?? "")}${suffix}` } };
  });
  const map = new Map<DotNode, DotNode>(model.nodes.map((n, i) => [n, nodes[i]]));
  const remap = (s: ReadonlySet<DotNode>): Set<DotNode> => new Set([...s].map((n) => map.get(n) ?? n));
  const remapValues = <T>(m: ReadonlyMap<DotNode, T>): Map<DotNode, T> => new Map([...m].map(([n, v]) => [map.get(n) ?? n, v]));
  for (const n of nodes) (n as unknown as { parents: DotNode[] }).parents = n.parents.map((p) => map.get(p) ?? p);
  return {
    ...model,
    nodes,
    toRun: remap(model.toRun),
    uptodate: remap(model.uptodate),
    targets: remap(model.targets),
    forced: remap(model.forced),
    cycleNodes: remap(model.cycleNodes),
    inactive: remap(model.inactive),
    drawnInactive: add.picture ? remap(model.inactive) : undefined,
    jobCounts: remapValues(model.jobCounts),
    tasks: remapValues(model.tasks),
  };
}

/** The JSON form (schema "ruffus-flowchart/1"). */
export function flowchartJson(model: FlowchartModel): string {
  const drawn = new Set(model.nodes);
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
          parents: n.parents.filter((p) => drawn.has(p)).map((p) => `t${p.index}`),
        })),
      },
      null,
      2,
    ) + "\n"
  );
}

/** DOT → the picture format (svg, png or a system-Graphviz one). */
async function renderPicture(dot: string, format: string, size: string | undefined, dpi: number, logger: Logger): Promise<string | Uint8Array> {
  const sized = withPictureSize(dot, size);
  if (format === "svg") return dotToSvg(sized);
  if (format === "png") {
    const svg = await dotToSvg(sized);
    const unreadable = pngReadabilityWarning(svg, dpi);
    if (unreadable) logWarning(logger, unreadable);
    return svgToPng(svg, dpi);
  }
  return dotWithSystemGraphviz(sized, format, dpi);
}

/** Writes the result where `output` says. */
async function writeOutput(output: FlowchartOutput | undefined, result: string | Uint8Array, format: string): Promise<void> {
  if (typeof output === "string") {
    if (output === "-" || output === "/dev/stdout") {
      // Standard output takes text (and /dev/stdout cannot be opened when it is a socket).
      if (typeof result !== "string") {
        throw new RuffusError(`A ${format} flowchart is binary and is not printed to standard output ('${output}'): give a file name, e.g. flowchart.${format}.`);
      }
      rt().stdout.write(result);
      return;
    }
    // A new or regular file is replaced whole (never half-written); anything else (a symlink, a
    // device, a pipe) is written into, as the user meant.
    const bytes = typeof result === "string" ? new TextEncoder().encode(result) : result;
    const l = rt().lstat(output);
    if (!l || l.isFile) await rt().writeFileAtomic(output, bytes);
    else await rt().writeFile(output, bytes);
  } else if (output) {
    if (typeof output.write !== "function") throw new RuffusError("printoutGraph(): output must be a file name or have a write() method.");
    output.write(result);
  }
}

/** A Graphviz refusal in the words of the pipeline: the format, and the task whose node was being read. */
function explainRenderError(e: unknown, model: FlowchartModel | undefined, format: string): unknown {
  if (!(e instanceof GraphvizSyntaxError)) return e;
  // Graphviz names the line where it gave up: the node being read is the last one started by then.
  const lines = e.dot.split("\n").slice(0, e.line ?? 0);
  let index: number | undefined;
  for (let i = lines.length - 1; i >= 0 && index === undefined; i--) {
    const m = /^t(\d+)\[/.exec(lines[i]);
    if (m) index = Number(m[1]);
    else if (/^(subgraph|k\d+_)/.test(lines[i])) break;
  }
  const node = index === undefined ? undefined : model?.nodes.find((n) => n.index === index);
  const task = node ? (model?.tasks.get(node)?.displayName ?? node.name) : undefined;
  const where = e.line ? ` (DOT line ${e.line}: ${e.dot.split("\n")[e.line - 1]?.trim() ?? ""})` : "";
  return new RuffusError(
    `Cannot draw the flowchart as ${format}${task ? ` at task '${task}'` : ""}: Graphviz says "${e.graphvizMessage}"${where}.` +
      (task ? ` Check that task's graphviz() attributes (values are DOT: quote strings as '"text"').` : ""),
  );
}

/** Draws a pipeline; see `Pipeline.printoutGraph`. */
export async function printoutGraph(pipeline: Pipeline, o: PrintoutGraphOptions): Promise<string | Uint8Array> {
  const format = formatOf(o.output, o.format);
  const size = sizeOf(o.size);
  const dpi = o.dpi ?? 120;
  let model = await flowchartModel(pipeline, o);
  const picture = !["dot", "json"].includes(format);
  if (picture || o.showJobCounts) model = withAdditions(model, { jobCounts: o.showJobCounts ?? picture, picture });
  let result: string | Uint8Array;
  try {
    if (format === "dot") result = flowchartDot(model);
    else if (format === "json") result = flowchartJson(model);
    else if (format === "html") {
      const { htmlReport } = await import("../report/html-report.ts");
      result = await htmlReport(pipeline, model, o);
    } else result = await renderPicture(flowchartDot(model), format, size, dpi, o.logger ?? stderrLogger);
  } catch (e) {
    throw explainRenderError(e, model, format);
  }
  await writeOutput(o.output, result, format);
  return result;
}

/**
 * Ruffus's `graph_colour_demo_printout`: the key of each of the eight colour schemes
 * (`userColourScheme: { colour_scheme_index: 0-7 }`), side by side, to choose one.
 *
 * @example
 * await graphColourDemoPrintout("colour-schemes.svg");
 */
export async function graphColourDemoPrintout(
  output?: FlowchartOutput,
  format?: string,
  options: { size?: readonly [number, number] | string; dpi?: number; logger?: Logger } = {},
): Promise<string | Uint8Array> {
  const f = formatOf(output, format);
  if (f === "json" || f === "html") throw new RuffusError(`graphColourDemoPrintout(): format '${f}' is for pipelines; use svg, png, dot or a Graphviz format.`);
  const dot = colourSchemeDemoDot();
  let result: string | Uint8Array;
  try {
    result = f === "dot" ? dot : await renderPicture(dot, f, sizeOf(options.size), options.dpi ?? 120, options.logger ?? stderrLogger);
  } catch (e) {
    throw explainRenderError(e, undefined, f);
  }
  await writeOutput(output, result, f);
  return result;
}
