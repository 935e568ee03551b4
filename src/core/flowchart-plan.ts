/**
 * What a flowchart shows (Ruffus's `pipeline_printout_graph`): which tasks to draw, which will
 * run, which are up to date, targets, forced tasks and cycles. Rendering is in `src/report/`.
 */
import { colourScheme, type DotInput, type DotNode } from "../report/dot.ts";
import { CircularDependencyError } from "./errors.ts";
import type { Pipeline } from "./pipeline.ts";
import { cycleMembers, depthFirst, makePlan } from "./plan.ts";
import { prepare } from "./prepare.ts";
import type { PlanOptions } from "./run-options.ts";
import { numberNode, type Task } from "./task.ts";

/** Options of `printoutGraph()` that decide what is drawn (Ruffus's names in camelCase). */
export interface FlowchartOptions extends PlanOptions {
  /** Top to bottom (default) or, false, left to right. */
  drawVertically?: boolean;
  /**
   * Draw only the targets and what follows them, not the tasks before them. (Ruffus's parameter of
   * this name does the opposite of its name: it drops what follows the targets. We do what it says.)
   */
  ignoreUpstreamOfTarget?: boolean;
  /**
   * Leave out the tasks that will not run — up to date, or after the targets — and their edges:
   * only what a run would do is drawn. (Ruffus's parameter keeps those tasks as plain boxes
   * without colours or edges.)
   */
  skipUptodateTasks?: boolean;
  /** Leave out the colour key. */
  noKeyLegend?: boolean;
  /** The key lists only the task states that appear (default true). */
  minimalKeyLegend?: boolean;
  /** Ruffus's `user_colour_scheme`: `{ colour_scheme_index: 0-7, "Task to run": { fillcolor: '"#FFFFFF"' }, ... }`. */
  userColourScheme?: Record<string, unknown>;
  /** The graph's title (default "Pipeline:"). */
  pipelineName?: string;
  /**
   * Ruffus's `test_all_task_for_update` (default true): ask every task whether it is up to date,
   * also those that run anyway because a task before them does; one found up to date is drawn
   * "Up-to-date task forced to rerun". With false they are not asked and are drawn "Task to run".
   */
  testAllTaskForUpdate?: boolean;
}

/** The model of a flowchart, plus job counts per task for labels and reports. */
export interface FlowchartModel extends DotInput {
  readonly jobCounts: ReadonlyMap<DotNode, number>;
  /** Tasks switched off by activeIf(). */
  readonly inactive: ReadonlySet<DotNode>;
  readonly tasks: ReadonlyMap<DotNode, Task>;
}

/** Builds the flowchart model; nothing runs and the history is only read. */
export async function flowchartModel(pipeline: Pipeline, o: FlowchartOptions): Promise<FlowchartModel> {
  const { session, targets, forced, history } = await prepare(pipeline, { ...o, forHistoryWrite: false, skipPlan: true });
  try {
    const graph = session.graph;
    const parentsOf = (t: Task): Task[] => graph.get(t).parents;
    const childrenOf = (t: Task): Task[] => graph.get(t).children;
    // Which tasks to draw (Ruffus's get_reachable_nodes, in its order).
    const downstream = depthFirst(targets, childrenOf).order;
    let nodesToDraw: Task[];
    if (o.ignoreUpstreamOfTarget) nodesToDraw = [...downstream].reverse();
    else nodesToDraw = depthFirst(downstream, parentsOf).order;

    const ancestry = depthFirst([...targets, ...forced], parentsOf);
    let toRun: Set<Task>;
    let cycleNodes = new Set<Task>();
    if (ancestry.cycle) {
      // Ruffus draws a cyclic pipeline with the cycle in red rather than refusing.
      cycleNodes = new Set(cycleMembers(graph, [...targets, ...forced]));
      toRun = new Set(ancestry.order);
    } else {
      try {
        toRun = new Set(makePlan(session, targets, forced, o.gnuMakeMaximalRebuildMode ?? true).toRun);
      } catch (e) {
        if (!(e instanceof CircularDependencyError)) throw e;
        toRun = new Set(ancestry.order);
      }
    }
    // Without testAllTaskForUpdate only the tasks that will not run are asked, as in Ruffus.
    const testAll = o.testAllTaskForUpdate ?? true;
    const uptodate = new Set(ancestry.cycle ? [] : ancestry.order.filter((t) => (testAll || !toRun.has(t)) && session.isTaskUptodate(t)));
    const drawable = nodesToDraw;
    if (o.skipUptodateTasks) nodesToDraw = nodesToDraw.filter((t) => toRun.has(t) || cycleNodes.has(t));
    let emptyNote: string | undefined;
    if (drawable.length && !nodesToDraw.length) {
      // A blank picture would look broken: say why there is nothing (Ruffus draws the tasks as plain boxes).
      const current = drawable.filter((t) => uptodate.has(t)).length;
      const after = drawable.length - current;
      const count = (n: number, what: string): string => `${n} task${n === 1 ? "" : "s"} ${what}`;
      emptyNote = `Nothing to run: ${[current ? count(current, "up to date") : "", after ? count(after, "after the targets") : ""].filter(Boolean).join(", ")}`;
    }

    // Node ids follow the process-wide creation order, mkdir tasks made by follows(mkdir()) being
    // numbered when first drawn, as Ruffus creates them then.
    for (const t of graph.tasks) if (t.deferredMkdir) numberNode(t);
    // Ruffus labels nodes with bare task names, also those of other pipelines and of clones
    // (its _get_name() reads node._name, never the "pipeline::" display name); pictures tell apart
    // a name drawn twice (withAdditions in printout-graph.ts), the DOT text stays Ruffus's.
    const nodes = new Map<Task, DotNode>();
    const tasks = new Map<DotNode, Task>();
    const node = (t: Task): DotNode => {
      let n = nodes.get(t);
      if (!n) {
        const parents: DotNode[] = [];
        n = {
          index: numberNode(t),
          name: t.name,
          shape: t.kind === "split" ? "house" : t.kind === "merge" ? "invhouse" : "box3d",
          parents,
          attributes: t.graphvizAttributes,
        };
        nodes.set(t, n);
        tasks.set(n, t);
        for (const p of graph.get(t).parents) parents.push(node(p));
      }
      return n;
    };
    const drawn = nodesToDraw.map(node);
    const set = (ts: Iterable<Task>): Set<DotNode> => new Set([...ts].map(node));
    const cycleEdges = new Set<string>();
    for (const t of cycleNodes) for (const p of graph.get(t).parents) if (cycleNodes.has(p)) cycleEdges.add(`${node(p).index}->${node(t).index}`);
    const jobCounts = new Map<DotNode, number>();
    const inactive = new Set<DotNode>();
    for (const t of nodesToDraw) {
      if (!session.isActive(t)) inactive.add(node(t));
      try {
        jobCounts.set(node(t), session.isActive(t) ? session.jobsOf(t).jobs.length : 0);
      } catch {
        jobCounts.set(node(t), 0);
      }
    }
    return {
      nodes: drawn,
      toRun: set(toRun),
      uptodate: set(uptodate),
      targets: set(targets),
      forced: set(forced),
      cycleNodes: set(cycleNodes),
      cycleEdges,
      vertical: o.drawVertically ?? true,
      noKeyLegend: o.noKeyLegend ?? false,
      minimalKeyLegend: o.minimalKeyLegend ?? true,
      scheme: colourScheme(o.userColourScheme),
      pipelineName: o.pipelineName ?? "Pipeline:",
      emptyNote,
      jobCounts,
      inactive,
      tasks,
    };
  } finally {
    await history.close();
  }
}
