/**
 * The optional config file beside a pipeline (`ruffus.config.json`), so that the same pipeline
 * runs on a laptop or a cluster without editing it:
 *
 *   { "executor": "slurm",
 *     "slurm": { "partition": "short", "maxQueued": 500, "options": ["--qos=normal"] },
 *     "tasks": { "align": { "cpus": 8, "memMb": 16000, "time": "2:00:00" }, "call*": { "memMb": 4000 } } }
 *
 * A task key with glob characters (`*`, `?`, `[...]`, `{a,b}`) is a picomatch pattern over task
 * names (bare or "pipeline::task"): patterns apply first, in file order, then exact names.
 */
import picomatch from "picomatch";
import { rt } from "../core/runtime.ts";
import { abspath, join } from "../core/paths.ts";
import { Pipeline } from "../core/pipeline.ts";
import type { Resources } from "../exec/executor.ts";
import type { SlurmOptions } from "../exec/slurm-executor.ts";
import { UsageError } from "./errors.ts";

/** The config file's contents. */
export interface RuffusConfig {
  executor?: "local" | "slurm";
  slurm?: SlurmOptions;
  /** Resources by task name (or "pipeline::task", or a pattern such as "align*"). */
  tasks?: Record<string, Resources>;
}

/** Reads the config: the given file, else ruffus.config.json beside the pipeline file, else none. */
export async function readConfig(explicit: string | undefined, pipelineFile: string): Promise<RuffusConfig> {
  const cwd = rt().cwd();
  const path = explicit ? abspath(explicit, cwd) : join(abspath(pipelineFile, cwd).replace(/[^/]*$/, ""), "ruffus.config.json");
  if (!rt().stat(path)) {
    if (explicit) throw new UsageError(`No such config file: ${explicit}`);
    return {};
  }
  let config: RuffusConfig;
  try {
    config = JSON.parse(await rt().readTextFile(path)) as RuffusConfig;
  } catch (e) {
    throw new UsageError(`${path}: not valid JSON (${(e as Error).message}).`);
  }
  if (config.executor !== undefined && config.executor !== "local" && config.executor !== "slurm") {
    throw new UsageError(`${path}: "executor" must be "local" or "slurm", not ${JSON.stringify(config.executor)}.`);
  }
  checkShape(path, config);
  return config;
}

type Kind = "string" | "number" | "strings" | "boolean";
const SLURM_KEYS: Record<string, Kind> = {
  maxQueued: "number", pollMs: "number", maxPollMs: "number", arrayWindowMs: "number", partition: "string",
  options: "strings", sbatch: "string", squeue: "string", scontrol: "string", scancel: "string",
  maxSubmitting: "number", failUnsatisfiable: "boolean", lostJobGraceMs: "number", retryMs: "number", sacct: "string", submitRetryMs: "number",
};
const RESOURCE_KEYS: Record<string, Kind> = { cpus: "number", memMb: "number", time: "string", partition: "string", options: "strings" };

/** A misspelt key or a wrong type would be ignored or misread: say which, and what is allowed. */
function checkShape(path: string, config: unknown): void {
  const fail = (where: string, what: string): never => {
    throw new UsageError(`${path}: ${where}: ${what}`);
  };
  const object = (v: unknown, where: string): Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(where, "expected an object { ... }");
  const fields = (o: Record<string, unknown>, keys: Record<string, Kind>, where: string): void => {
    for (const [k, v] of Object.entries(o)) {
      const kind = keys[k];
      if (!kind) fail(`${where}"${k}"`, `unknown key; the keys here are ${Object.keys(keys).join(", ")}`);
      const ok = kind === "strings" ? Array.isArray(v) && v.every((x) => typeof x === "string") : typeof v === kind;
      if (!ok) fail(`${where}"${k}"`, `expected ${kind === "strings" ? 'a list of strings, e.g. ["--qos=short"]' : `a ${kind}`}, not ${JSON.stringify(v)}`);
    }
  };
  const top = object(config, "the file");
  for (const k of Object.keys(top)) if (!["executor", "slurm", "tasks"].includes(k)) fail(`"${k}"`, 'unknown key; the keys are "executor", "slurm" and "tasks"');
  if (top.slurm !== undefined) fields(object(top.slurm, '"slurm"'), SLURM_KEYS, '"slurm".');
  if (top.tasks !== undefined) {
    for (const [name, r] of Object.entries(object(top.tasks, '"tasks"'))) fields(object(r, `"tasks"."${name}"`), RESOURCE_KEYS, `"tasks"."${name}".`);
  }
}

/** Applies the config's per-task resources (they override the pipeline's own). */
export function applyTaskResources(pipeline: Pipeline, config: RuffusConfig): void {
  const entries = Object.entries(config.tasks ?? {});
  const all = [...Pipeline.all()].flatMap((p) => p.tasks);
  // A key naming a task is that task, even with glob characters in it ("mkdir('out')   before x").
  const isPattern = (k: string): boolean => picomatch.scan(k).isGlob && !all.some((t) => t.displayName === k || t.name === k);
  // Patterns first, so that a task's own entry wins over a family's.
  for (const [pattern, r] of entries.filter(([k]) => isPattern(k))) {
    const matches = picomatch(pattern, { dot: true });
    const tasks = all.filter((t) => matches(t.displayName) || matches(t.name));
    if (!tasks.length) {
      const names = all.map((t) => t.displayName);
      throw new UsageError(`Config file: task pattern '${pattern}' matches no task (the tasks are ${names.slice(0, 8).map((n) => `'${n}'`).join(", ")}${names.length > 8 ? ", ..." : ""}).`);
    }
    for (const t of tasks) apply(t.displayName, () => t.resources(r));
  }
  for (const [name, r] of entries.filter(([k]) => !isPattern(k))) apply(name, () => pipeline.getTask(name).resources(r));
}

function apply(name: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    throw new UsageError(`Config file: task '${name}': ${(e as Error).message}`);
  }
}
