/**
 * What `run()` and `printout()` share before they diverge: resolving targets and forced tasks,
 * wiring the pipelines involved, opening the history and making the plan.
 */
import { openHistory } from "../history/open.ts";
import { RuffusError } from "./errors.ts";
import type { JobHistory } from "./history-types.ts";
import { lookupTasks } from "./lookup.ts";
import { Pipeline } from "./pipeline.ts";
import { ancestorsInOrder, makePlan, type Plan } from "./plan.ts";
import type { PlanOptions, TaskReference } from "./run-options.ts";
import { rt } from "./runtime.ts";
import { Session } from "./session.ts";
import type { Task } from "./task.ts";
import { wirePipelines } from "./wiring.ts";

/** Checksum levels by number and by Ruffus's constant names. */
const LEVEL_NAMES: Record<string, number> = {
  CHECKSUM_FILE_TIMESTAMPS: 0,
  CHECKSUM_HISTORY_TIMESTAMPS: 1,
  CHECKSUM_FUNCTIONS: 2,
  CHECKSUM_FUNCTIONS_AND_PARAMS: 3,
};

/** The checksum level: the option, else env DEFAULT_RUFFUS_CHECKSUM_LEVEL (a digit or a constant name), else 1. */
export function resolveChecksumLevel(option: number | undefined): number {
  if (option !== undefined) {
    if (![0, 1, 2, 3].includes(option)) throw new RuffusError(`checksumLevel must be 0, 1, 2 or 3, not ${option}.`);
    return option;
  }
  const env = rt().env("DEFAULT_RUFFUS_CHECKSUM_LEVEL")?.trim();
  if (env === undefined || env === "") return 1;
  if (/^[0-3]$/.test(env)) return Number(env);
  if (env in LEVEL_NAMES) return LEVEL_NAMES[env];
  throw new RuffusError(
    `DEFAULT_RUFFUS_CHECKSUM_LEVEL='${env}' is not a checksum level: use 0-3 or one of ${Object.keys(LEVEL_NAMES).join(", ")}.`,
  );
}

function asList(v: TaskReference | TaskReference[] | undefined): TaskReference[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Everything a run or printout works from. */
export interface Prepared {
  readonly session: Session;
  readonly plan: Plan;
  readonly targets: Task[];
  /** Forced tasks as given (before touch mode 2 forces every ancestor). */
  readonly forced: Task[];
  readonly history: JobHistory;
}

/** Resolves, wires, opens the history and plans. The caller closes `history`. */
export async function prepare(
  pipeline: Pipeline,
  o: PlanOptions & { touchFilesOnly?: boolean | number; forHistoryWrite: boolean; skipPlan?: boolean },
): Promise<Prepared> {
  const runtimeData = o.runtimeData ?? {};
  if (typeof runtimeData !== "object" || runtimeData === null || Array.isArray(runtimeData)) {
    throw new RuffusError("runtimeData should be an object of values passed to jobs at run time, e.g. { samples: ['a.fq'] }.");
  }
  const checksumLevel = resolveChecksumLevel(o.checksumLevel);
  const targetRefs = asList(o.targetTasks);
  const forcedRefs = asList(o.forcedtorunTasks);
  const targets = uniq(targetRefs.flatMap((r) => lookupTasks(r, pipeline, { context: "target" })));
  const forced = uniq(forcedRefs.flatMap((r) => lookupTasks(r, pipeline, { context: "forced" })));
  const pipelines = new Set<Pipeline>([pipeline]);
  for (const t of [...targets, ...forced]) pipelines.add(t.pipeline);
  const graph = wirePipelines(pipelines);
  // Ruffus's default targets are the pipeline's tasks; mkdir tasks made by follows(mkdir()) do not exist yet then.
  const defaultTargets = targets.length ? targets : pipeline.tasks.filter((t) => !t.deferredMkdir);
  const cwd = rt().cwd();
  const history = await openHistory({ file: o.historyFile, checksumLevel, cwd, write: o.forHistoryWrite, replaceUnreadable: o.touchFilesOnly === 2 });
  try {
    const session = new Session({
      graph,
      cwd,
      history,
      checksumLevel,
      runtimeData,
      verboseAbbreviatedPath: o.verboseAbbreviatedPath ?? 2,
    });
    let forcedTasks = forced;
    if (o.touchFilesOnly === 2) {
      // Rebuilding the history: every ancestor of the targets is forced, so every output is re-recorded.
      forcedTasks = ancestorsInOrder(graph, uniq([...defaultTargets, ...forced]));
    }
    const plan = o.skipPlan ? { toRun: [], allTasks: [], forced: new Set<Task>() } : makePlan(session, defaultTargets, forcedTasks, o.gnuMakeMaximalRebuildMode ?? true);
    return { session, plan, targets: defaultTargets, forced, history };
  } catch (e) {
    await history.close();
    throw e;
  }
}

function uniq<T>(list: T[]): T[] {
  return [...new Set(list)];
}
