/**
 * A job worker process: imports the module that declared each task (or the pipeline file `ruff`
 * loaded), finds the task function by pipeline and task name, and runs jobs sent to it one at a time.
 */
import "../runtime/select.ts";
import { rt } from "../core/runtime.ts";
import { Pipeline } from "../core/pipeline.ts";
import { callTaskFunction } from "./in-process.ts";
import { errorData, errorFromData, type FromWorker, type ToWorker, type WorkerInit } from "./worker-protocol.ts";
import { jobContext, type CommandResult, type CommandSpec, type Executor } from "./executor.ts";
import { loadModule, loadPipelineFile } from "../cli/load.ts";
import type { Job } from "../core/job-params.ts";
import { asWorkerJob, loadedCopies } from "./shared.ts";
import { fileURLToPath } from "node:url";

const port = rt().workerPort();
if (!port) throw new Error("worker-entry.ts runs only as a job worker process, started by the worker pool (multiprocess)");
const init = port.data as WorkerInit;
const imported = new Map<string, Promise<unknown>>();

function importOnce(file: string): Promise<unknown> {
  let p = imported.get(file);
  if (!p) {
    // The pipeline file is loaded the way `ruff` loaded it (its default-export function runs too).
    p = (file === init.pipelineFile ? loadPipelineFile(file, [...init.pipelineArgs]) : loadModule(file, init.pipelineArgs)).catch((e: unknown) => {
      throw importFailed(file, e);
    });
    imported.set(file, p);
  }
  return p as Promise<unknown>;
}

/**
 * An error thrown while a worker imports a module is not the job's own: say where it came from,
 * and the usual cause (the module does something at load that only works once, or only in the
 * main process). The original stack is kept.
 */
function importFailed(file: string, e: unknown): Error {
  const original = e instanceof Error ? e : new Error(String(e));
  const error = new Error(
    `Importing ${file} in a worker process failed: ${original.message} — a module imported by workers (multiprocess) is ` +
      `imported again in each worker, so what it does at load must work there too; guard one-off side effects with \`if (!isWorker())\`.`,
  );
  error.name = original.name === "Error" ? "Error" : original.name;
  const frames = (original.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  error.stack = `${error.name}: ${error.message}\n${frames.join("\n")}`;
  return error;
}

async function runJob(m: Extract<ToWorker, { type: "job" }>): Promise<void> {
  const modules = [...new Set([init.pipelineFile, m.module].filter((f): f is string => Boolean(f)))];
  for (const f of modules) await importOnce(f);
  const task = Pipeline.lookup(m.pipeline)?.byName.get(m.task);
  const name = m.pipeline === "main" ? m.task : `${m.pipeline}::${m.task}`;
  if (!task?.func) {
    const copies = loadedCopies();
    throw new Error(
      copies.length > 1
        ? `Task '${name}' was not found in a worker process: after importing ${modules.join(", ")}, the worker has two copies of ruffus ` +
            `(${copies.map((c) => fileURLToPathOr(c)).join(" and ")}): the module's "ruffus" resolves to another copy than the one the worker runs, ` +
            `so its pipelines are not the worker's. Install ruffus once, and import it by the same name everywhere (on Deno, through the same deno.json or package.json).`
        : `Task '${name}' was not found in a worker process after importing ${modules.join(", ") || "(no module known)"}. ` +
            `With multiprocess, each worker imports the module that declares the pipeline and looks the task up by name, so ` +
            `the pipeline and its tasks must be declared when that module loads (not inside a function called later), ` +
            `with the same pipeline name. Otherwise run with multithread (ruff --use-threads).`,
    );
  }
  const job: Job = { params: m.params, displayParams: m.params };
  // Commands go to the main process's executor, which owns every process and cluster job of the run.
  await asWorkerJob(task.displayName, () => jobContext().run({ task: task.displayName, resources: m.resources, executor: proxy }, () => callTaskFunction(task, job)));
}

/** A file URL as a path (what the user sees); any other URL as it is. */
function fileURLToPathOr(url: string): string {
  return url.startsWith("file:") ? fileURLToPath(url) : url;
}

const commands = new Map<number, { resolve: (r: CommandResult) => void; reject: (e: unknown) => void; onStatus?: (m: string) => void }>();
let commandCount = 0;
const proxy: Executor = {
  name: "main-process",
  run({ onStatus, ...spec }: CommandSpec): Promise<CommandResult> {
    const request = ++commandCount;
    return new Promise((resolve, reject) => {
      commands.set(request, { resolve, reject, onStatus });
      port.postMessage({ type: "command", request, spec, status: onStatus !== undefined } satisfies FromWorker);
    });
  },
  async cancelAll() {},
};

port.onMessage((raw) => {
  const m = raw as ToWorker;
  if (m.type === "commandStatus") {
    commands.get(m.request)?.onStatus?.(m.message);
    return;
  }
  if (m.type === "commandDone") {
    const c = commands.get(m.request);
    commands.delete(m.request);
    if (m.error) c?.reject(errorFromData(m.error));
    else c?.resolve(m.result as CommandResult);
    return;
  }
  if (m.type !== "job") return;
  runJob(m).then(
    () => port.postMessage({ type: "done", id: m.id } satisfies FromWorker),
    (e: unknown) => port.postMessage({ type: "failed", id: m.id, error: errorData(e) } satisfies FromWorker),
  );
});
