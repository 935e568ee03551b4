/**
 * Messages between the main thread and job workers. Everything crossing is structured-cloned:
 * job parameters go over, errors come back as plain fields (name, message, stack).
 */

/** What the main thread gives a new worker. */
export interface WorkerInit {
  /** The pipeline file the `ruff` command loaded, if any (imported with the same "ruffus" resolution). */
  readonly pipelineFile: string | undefined;
  readonly pipelineArgs: readonly string[];
  readonly cwd: string;
}

/** Main → worker. */
export type ToWorker =
  | { readonly type: "job"; readonly id: number; readonly module: string | undefined; readonly pipeline: string; readonly task: string; readonly kind: string; readonly params: readonly unknown[] }
  | { readonly type: "granted"; readonly request: number; readonly value?: number };

/** An error as it crosses a thread boundary. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
}

/** Worker → main. */
export type FromWorker =
  | { readonly type: "done"; readonly id: number }
  | { readonly type: "failed"; readonly id: number; readonly error: ErrorData }
  | { readonly type: "log"; readonly logger: string; readonly level: "info" | "debug" | "warning" | "error"; readonly message: string }
  | { readonly type: "lock"; readonly request: number; readonly name: string }
  | { readonly type: "unlock"; readonly name: string }
  | { readonly type: "counter"; readonly request: number; readonly name: string; readonly add: number };

/** Flattens an error for postMessage. */
export function errorData(e: unknown): ErrorData {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e), stack: undefined };
}

/** Rebuilds an error on the receiving side, keeping its name and the worker's stack. */
export function errorFromData(d: ErrorData): Error {
  const e = new Error(d.message);
  e.name = d.name;
  if (d.stack) e.stack = d.stack;
  return e;
}
