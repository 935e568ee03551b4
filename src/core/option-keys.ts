/**
 * The option names `run()`, `printout()` and `printoutGraph()` take. A JavaScript caller (or a
 * typo the type checker never saw) passing `multiThread` would otherwise run with one job at a time
 * and no word said; Ruffus's keyword arguments raise a TypeError for an unknown name, so we refuse it
 * too, suggesting the name meant (`multi_thread` and `multiThread` both find `multithread`).
 * The tables are `Record<keyof Options, true>`, so an option added to the interfaces without being
 * added here fails the type check.
 */
import { RuffusError } from "./errors.ts";
import { editDistance } from "./edit-distance.ts";
import type { PlanOptions, PrintoutOptions, RunOptions } from "./run-options.ts";
import type { PrintoutGraphOptions } from "./printout-graph.ts";

const PLAN: Record<keyof PlanOptions, true> = {
  targetTasks: true,
  forcedtorunTasks: true,
  gnuMakeMaximalRebuildMode: true,
  runtimeData: true,
  checksumLevel: true,
  historyFile: true,
  verboseAbbreviatedPath: true,
  verbose: true,
};

const RUN: Record<keyof RunOptions, true> = {
  ...PLAN,
  multithread: true,
  multiprocess: true,
  logger: true,
  touchFilesOnly: true,
  oneSecondPerJob: true,
  exceptionsTerminateImmediately: true,
  logExceptions: true,
  handleSignals: true,
  executor: true,
  executorOptions: true,
  onEvent: true,
};

const PRINTOUT: Record<keyof PrintoutOptions, true> = { ...PLAN, outputStream: true, indent: true, wrapWidth: true };

const GRAPH: Record<keyof PrintoutGraphOptions, true> = {
  ...PLAN,
  drawVertically: true,
  ignoreUpstreamOfTarget: true,
  skipUptodateTasks: true,
  noKeyLegend: true,
  minimalKeyLegend: true,
  userColourScheme: true,
  pipelineName: true,
  testAllTaskForUpdate: true,
  output: true,
  format: true,
  size: true,
  dpi: true,
  showJobCounts: true,
  logger: true,
};

const KEYS = { "run()": Object.keys(RUN), "printout()": Object.keys(PRINTOUT), "printoutGraph()": Object.keys(GRAPH) };

/** Which call the options are for. */
export type OptionsOf = keyof typeof KEYS;

const squash = (k: string): string => k.replace(/_/g, "").toLowerCase();

/** The closest valid name: the same letters ignoring case and underscores, else within two edits. */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  const same = valid.find((v) => squash(v) === squash(name));
  if (same) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const v of valid) {
    const d = editDistance(squash(name), squash(v));
    if (d < bestDistance) {
      bestDistance = d;
      best = v;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/**
 * Throws for an option name `call` does not take, naming it and the closest valid one.
 * `extra` are further names the caller accepts (the module functions' `pipeline`).
 */
export function checkOptionKeys(call: OptionsOf, options: unknown, extra: readonly string[] = [], label: string = call): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    const what = options === null ? "null" : Array.isArray(options) ? "an array" : typeof options;
    throw new RuffusError(`${label} takes one options object, e.g. ${label.slice(0, -2)}({ verbose: 3 }), not ${what}.`);
  }
  const valid = [...KEYS[call], ...extra];
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const near = closestName(key, valid);
    throw new RuffusError(`${label} has no option '${key}'.${near ? ` Did you mean '${near}'?` : ""} Its options are: ${valid.join(", ")}.`);
  }
}
