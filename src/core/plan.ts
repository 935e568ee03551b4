/**
 * Choosing what runs (reference §3.8): the targets' ancestors in topological order, then either
 * every out-of-date task with everything downstream of it (gnu-make maximal rebuild mode, the
 * default) or, in minimal mode, a search from the targets that stops at up-to-date tasks.
 */
import { CircularDependencyError } from "./errors.ts";
import type { Session } from "./session.ts";
import type { Task } from "./task.ts";
import type { Graph } from "./wiring.ts";

/** What a run will do. */
export interface Plan {
  /** Tasks that will run (or be checked job by job), parents first. */
  readonly toRun: Task[];
  /** Every ancestor of the targets, parents first. */
  readonly allTasks: Task[];
  readonly forced: Set<Task>;
}

/** Depth-first post-order over parents from the starting tasks; throws on a cycle, naming its tasks. */
export function ancestorsInOrder(graph: Graph, starts: readonly Task[], stopBefore?: (t: Task) => boolean): Task[] {
  const { order, cycle } = depthFirst(starts, (t) => graph.get(t).parents, stopBefore);
  if (cycle) throw new CircularDependencyError(cycleMembers(graph, starts).map((t) => t.displayName));
  return order;
}

/** Depth-first post-order from `starts` along `next` edges; reports whether a cycle was met. */
export function depthFirst(
  starts: readonly Task[],
  next: (t: Task) => readonly Task[],
  stopBefore?: (t: Task) => boolean,
): { order: Task[]; cycle: boolean } {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Map<Task, number>();
  const order: Task[] = [];
  let cycle = false;
  for (const start of starts) {
    if ((colour.get(start) ?? WHITE) !== WHITE) continue;
    if (stopBefore?.(start)) {
      colour.set(start, BLACK);
      continue;
    }
    // Iterative DFS: pipelines of thousands of tasks must not overflow the stack.
    const stack: { task: Task; next: number }[] = [{ task: start, next: 0 }];
    colour.set(start, GREY);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const parents = next(top.task);
      if (top.next < parents.length) {
        const p = parents[top.next++];
        const c = colour.get(p) ?? WHITE;
        if (c === GREY) cycle = true;
        if (c !== WHITE) continue;
        if (stopBefore?.(p)) {
          colour.set(p, BLACK);
          continue;
        }
        colour.set(p, GREY);
        stack.push({ task: p, next: 0 });
      } else {
        colour.set(top.task, BLACK);
        order.push(top.task);
        stack.pop();
      }
    }
  }
  return { order, cycle };
}

/** The tasks and all their descendants (within the whole graph). */
export function withDescendants(graph: Graph, tasks: Iterable<Task>): Set<Task> {
  const out = new Set<Task>();
  const stack = [...tasks];
  while (stack.length) {
    const t = stack.pop() as Task;
    if (out.has(t)) continue;
    out.add(t);
    for (const c of graph.get(t).children) stack.push(c);
  }
  return out;
}

/**
 * Makes the plan for the given targets and forced tasks. As in Ruffus, the search starts from the
 * targets only: a forced task (and what follows it) runs if it is one of the targets or their
 * ancestors; one outside that ancestry is not run.
 */
export function makePlan(session: Session, targets: readonly Task[], forcedTasks: readonly Task[], maximal: boolean): Plan {
  const graph = session.graph;
  const starts = uniqueTasks([...targets]);
  const allTasks = ancestorsInOrder(graph, starts);
  const forced = new Set(forcedTasks);
  const forcedDownstream = withDescendants(graph, forcedTasks);
  let toRun: Task[];
  if (maximal) {
    const include = new Set<Task>();
    for (const t of allTasks) if (forcedDownstream.has(t)) include.add(t);
    for (const t of allTasks) {
      if (include.has(t)) continue;
      if (!session.isTaskUptodate(t)) for (const d of withDescendants(graph, [t])) include.add(d);
    }
    toRun = allTasks.filter((t) => include.has(t));
  } else {
    toRun = ancestorsInOrder(graph, starts, (t) => !forcedDownstream.has(t) && session.isTaskUptodate(t));
  }
  return { toRun, allTasks, forced };
}

function uniqueTasks(tasks: Task[]): Task[] {
  return [...new Set(tasks)];
}

/** Tasks on cycles reachable from the starts (strongly connected components of more than one task, or self-loops). */
export function cycleMembers(graph: Graph, starts: readonly Task[]): Task[] {
  let index = 0;
  const idx = new Map<Task, number>();
  const low = new Map<Task, number>();
  const onStack = new Set<Task>();
  const stack: Task[] = [];
  const members: Task[] = [];
  const strong = (v: Task): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v).parents) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: Task[] = [];
      let w: Task;
      do {
        w = stack.pop() as Task;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || graph.get(v).parents.includes(v)) members.push(...comp.reverse());
    }
  };
  for (const s of starts) if (!idx.has(s)) strong(s);
  return members;
}
