/**
 * Shared helpers for task-kinds.test.ts and inputs-outputs.test.ts: task functions that record
 * the exact arguments Ruffus-style calls give them and create their outputs, so a test can compare
 * the recorded calls with what Python Ruffus 2.8.4 gave for the same pipeline.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** One recorded call: [task function name, arguments]. */
export type Call = [string, unknown[]];

/** Every string in a nested value, depth first (Ruffus's get_strings_in_flattened_sequence). */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  return [];
}

function isGlob(s: string): boolean {
  return /[*?[\]]/.test(s);
}

/** Creates every (non-glob) file named in `value`, with its directory. */
export function touchAll(value: unknown): void {
  for (const f of stringsIn(value)) {
    if (isGlob(f)) continue;
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, "");
  }
}

/** Replaces the temp dir in every string of a value by "<cwd>" (formatter() paths are absolute). */
export function relCwd(value: unknown, cwd: string = process.cwd()): unknown {
  if (typeof value === "string") return value.split(cwd).join("<cwd>");
  if (Array.isArray(value)) return value.map((v) => relCwd(v, cwd));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relCwd(v, cwd)]));
  }
  return value;
}

/**
 * Records calls of task functions. `fn(name)` makes a function called `name` that records its
 * arguments (deep-copied, with the temp dir replaced by "<cwd>") and then creates its outputs:
 * kind "io" touches the files of argument 1 (input, output, ...), "orig" those of argument 0
 * (originate), "none" nothing (parallel, follows).
 */
export class Recorder {
  readonly calls: Call[] = [];

  fn(name: string, kind: "io" | "orig" | "none" = "io"): (...args: never[]) => Promise<void> {
    const calls = this.calls;
    const f = async (...args: unknown[]): Promise<void> => {
      calls.push([name, relCwd(structuredClone(args)) as unknown[]]);
      if (kind === "io" && args.length > 1) touchAll(args[1]);
      else if (kind === "orig") touchAll(args[0]);
    };
    Object.defineProperty(f, "name", { value: name });
    return f as unknown as (...args: never[]) => Promise<void>;
  }

  /** Arguments of every call of `name`, in call order. */
  of(name: string): unknown[][] {
    return this.calls.filter((c) => c[0] === name).map((c) => c[1]);
  }

  /** The calls of `name`, sorted by their JSON text (for tasks whose jobs may run in any order). */
  sortedOf(name: string): unknown[][] {
    return this.of(name).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  }

  /** Names of the functions called, in call order, each name once. */
  order(): string[] {
    return [...new Set(this.calls.map((c) => c[0]))];
  }

  clear(): void {
    this.calls.length = 0;
  }
}
