/**
 * Messages between the main thread and job workers. Everything crossing is structured-cloned:
 * job parameters go over, errors come back as plain fields (name, message, stack).
 */

import { CommandError, type CommandResult, type CommandSpec, type Resources } from "./executor.ts";

/** What the main thread gives a new worker. */
export interface WorkerInit {
  /** The pipeline file the `ruff` command loaded, if any (imported with the same "ruffus" resolution). */
  readonly pipelineFile: string | undefined;
  readonly pipelineArgs: readonly string[];
  readonly cwd: string;
}

/** Main → worker. */
export type ToWorker =
  | {
      readonly type: "job";
      readonly id: number;
      readonly module: string | undefined;
      readonly pipeline: string;
      readonly task: string;
      readonly kind: string;
      readonly params: readonly unknown[];
      readonly resources: Resources | undefined;
    }
  | { readonly type: "granted"; readonly request: number; readonly value?: number }
  | { readonly type: "commandDone"; readonly request: number; readonly result?: CommandResult; readonly error?: ErrorData }
  /** A status line for a command whose spec had an `onStatus` (functions do not cross threads: the line does). */
  | { readonly type: "commandStatus"; readonly request: number; readonly message: string };

/** An error as it crosses a thread boundary. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Kept from CommandError: a failure of the machine or scheduler, worth retrying. */
  readonly retryable?: boolean;
  /** Kept from CommandError, so that a worker's catch sees the same error as the main thread's. */
  readonly command?: string;
  readonly result?: CommandResult;
}

/** Worker → main. */
export type FromWorker =
  | { readonly type: "done"; readonly id: number }
  | { readonly type: "failed"; readonly id: number; readonly error: ErrorData }
  | { readonly type: "log"; readonly logger: string; readonly level: "info" | "debug" | "warning" | "error"; readonly message: string }
  | { readonly type: "lock"; readonly request: number; readonly name: string }
  | { readonly type: "unlock"; readonly name: string }
  | { readonly type: "counter"; readonly request: number; readonly name: string; readonly add: number }
  | { readonly type: "command"; readonly request: number; readonly spec: Omit<CommandSpec, "onStatus">; readonly status?: boolean };

/** Flattens an error for postMessage. */
export function errorData(e: unknown): ErrorData {
  if (e instanceof CommandError) return { name: e.name, message: e.message, stack: e.stack, retryable: e.retryable, command: e.command, result: e.result };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack, retryable: (e as { retryable?: boolean }).retryable === true };
  return { name: "Error", message: String(e), stack: undefined };
}

/** Rebuilds an error on the receiving side, keeping its name and the worker's stack. */
export function errorFromData(d: ErrorData): Error {
  if (d.name === "CommandError" && d.command !== undefined && d.result) {
    const c = new CommandError(d.command, d.result, d.retryable === true);
    if (d.stack) c.stack = d.stack;
    return c;
  }
  const e = new Error(d.message) as Error & { retryable?: boolean };
  e.name = d.name;
  if (d.stack) e.stack = d.stack;
  if (d.retryable) e.retryable = true;
  return e;
}
