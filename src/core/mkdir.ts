/**
 * `mkdir(...)`: one function that is three things in Ruffus — an indicator inside
 * `follows(mkdir("out"))`, a decorator `mkdir("out")(fn)` that makes directories before the
 * decorated task, and (with a filter) a transform-like task of its own.
 */
import { isFileFilter } from "../patterns/indicators.ts";
import { pyRepr } from "./describe.ts";
import type { Task, TaskFunction } from "./task.ts";

/**
 * What `mkdir(...)` returns: pass it to `follows()` or `Task.mkdir()`, or call it on a task
 * function (decorator style) to make the directories before that task.
 */
export interface MkdirIndicator {
  <F extends TaskFunction>(func: F): F;
  readonly kind: "mkdir";
  /** The arguments as given: directory names, or (input, filter, output) for the filter form. */
  readonly args: readonly unknown[];
}

/** Set by the decorator module so that `mkdir(...)(fn)` can register into the main pipeline without an import cycle. */
let decorate: ((args: readonly unknown[], func: TaskFunction) => void) | undefined;

/** @internal */
export function setMkdirDecorator(fn: (args: readonly unknown[], func: TaskFunction) => void): void {
  decorate = fn;
}

/**
 * Directories to create before a task: `follows(mkdir("out", "out/logs"))`, `task.mkdir("out")`,
 * or with a filter `mkdir(input, formatter(), "{path[0]}/{basename[0]}.dir")` for one directory
 * per input.
 *
 * @example
 * p.transform({ task: align, input: reads, filter: suffix(".fq"), output: "bam/.bam" }).follows(mkdir("bam"));
 */
export function mkdir(...args: unknown[]): MkdirIndicator {
  const indicator = (<F extends TaskFunction>(func: F): F => {
    if (!decorate) throw new Error("ruffus: decorator support not loaded");
    decorate(args, func);
    return func;
  }) as MkdirIndicator;
  Object.defineProperty(indicator, "kind", { value: "mkdir" });
  Object.defineProperty(indicator, "args", { value: args });
  return indicator;
}

/** @internal True when the mkdir arguments are the (input, filter, output) form. */
export function isMkdirFilterForm(args: readonly unknown[]): boolean {
  return args.length > 1 && isFileFilter(args[1]);
}

/** @internal The directories of the plain form: `mkdir("a", "b")` or `mkdir(["a", "b"])`. */
export function mkdirDirectories(args: readonly unknown[]): unknown[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...args[0]];
  return [...args];
}

/**
 * @internal Ruffus's name for a mkdir task made for another task:
 * `mkdir('out',   'out/sub')   before make_start ` — kept because it appears in logs users grep.
 * Functions and tasks show by name instead of Python's memory address, so names are stable.
 */
export function mkdirTaskName(args: readonly unknown[], count: number, forTask: Task): string {
  const items = args.map(reprForName);
  let tuple = `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
  tuple = tuple.replace(",)", ")").replaceAll(",", ",  ");
  return `mkdir${tuple}${count > 1 ? ` #${count}` : ""}   before ${forTask.name} `;
}

function reprForName(v: unknown): string {
  if (typeof v === "function") return `<function ${v.name}>`;
  if (Array.isArray(v)) return `[${v.map(reprForName).join(", ")}]`;
  if (v && typeof v === "object" && "displayName" in v) return `<task ${String((v as { displayName: unknown }).displayName)}>`;
  if (isFileFilter(v)) return v.kind === "formatter" ? `formatter(${v.patterns.map((p) => pyRepr(p)).join(", ")})` : `${v.kind}(${pyRepr(v.pattern)})`;
  return pyRepr(v);
}
