/**
 * Messages between the main process and its job worker processes. Everything crossing is
 * structured-cloned: job parameters go over, errors come back as plain fields (name, message, stack).
 */

import { CommandError, type CommandResult, type CommandSpec, type Resources } from "./executor.ts";

/** What the main process gives a new worker (as JSON, in its environment). */
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

/** An error as it crosses the process boundary. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Kept from CommandError: a failure of the machine or scheduler, worth retrying. */
  readonly retryable?: boolean;
  /** Kept from CommandError, so that a worker's catch sees the same error as the main process's. */
  readonly command?: string;
  readonly result?: CommandResult;
}

/** The levels of a setupLogging logger. */
export type LogLevel = "info" | "debug" | "warning" | "error";

/** Worker → main. */
export type FromWorker =
  | { readonly type: "done"; readonly id: number }
  | { readonly type: "failed"; readonly id: number; readonly error: ErrorData }
  /** setupLogging in the worker: the main process sets up the logger that writes its lines. */
  | { readonly type: "logSetup"; readonly logger: string; readonly file: string | undefined; readonly verbose: boolean | number | undefined }
  | { readonly type: "log"; readonly logger: string; readonly level: LogLevel; readonly message: string }
  | { readonly type: "lock"; readonly request: number; readonly name: string }
  /** `request`: that of the lock message that took the lock. */
  | { readonly type: "unlock"; readonly request: number; readonly name: string }
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

const TYPED_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
/** Prototypes whose objects structured cloning rebuilds as they were. */
const CLONED_AS_IS = new Set<unknown>([
  null,
  Object.prototype,
  Array.prototype,
  Date.prototype,
  RegExp.prototype,
  Map.prototype,
  Set.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  ...[Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map((c) => c.prototype),
  ...TYPED_ARRAYS.map((c) => c.prototype),
]);

const member = (path: string, key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/**
 * Where `v` would not arrive in a worker as it is: the path to the first such value (below `path`)
 * and what it is — a function or symbol (not clonable), or an object whose class would be lost
 * (structured cloning makes it a plain object). Undefined when all of it would.
 */
export function unsendable(v: unknown, path: string, seen: Set<object> = new Set()): { path: string; what: string } | undefined {
  if (typeof v === "function") return { path, what: `a function (${v.name || "anonymous"})` };
  if (typeof v === "symbol") return { path, what: "a symbol" };
  if (v === null || typeof v !== "object" || seen.has(v)) return undefined;
  seen.add(v);
  const proto: unknown = Object.getPrototypeOf(v);
  if (!CLONED_AS_IS.has(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return { path, what: typeof name === "string" && name ? `an instance of class ${name}` : "an object with a prototype of its own" };
  }
  if (v instanceof Map) {
    for (const [k, x] of v) {
      const bad = unsendable(k, `${path} (a key)`, seen) ?? unsendable(x, `${path}.get(${typeof k === "string" ? JSON.stringify(k) : String(k)})`, seen);
      if (bad) return bad;
    }
    return undefined;
  }
  if (v instanceof Set) {
    for (const x of v) {
      const bad = unsendable(x, `${path} (a member)`, seen);
      if (bad) return bad;
    }
    return undefined;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = unsendable(v[i], `${path}[${i}]`, seen);
      if (bad) return bad;
    }
    return undefined;
  }
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const k of Object.keys(v)) {
    const bad = unsendable((v as Record<string, unknown>)[k], member(path, k), seen);
    if (bad) return bad;
  }
  return undefined;
}
