/**
 * The one place the core learns which runtime it runs on. An entry point (`src/mod.ts`, the CLI,
 * a worker) installs an adapter from `src/runtime/` once; everything in `src/core` asks here.
 */
import type { Runtime } from "../runtime/types.ts";

let current: Runtime | undefined;

/** Installs the runtime adapter. Called once by an entry point; tests may swap in a fake. */
export function setRuntime(rt: Runtime): void {
  current = rt;
}

/** The installed runtime adapter. */
export function rt(): Runtime {
  if (!current) throw new Error("ruffus: no runtime adapter installed (import from the package entry point, not from src/core)");
  return current;
}
