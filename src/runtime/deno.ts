/**
 * The Deno adapter: Deno runs the Node adapter through its node:* compatibility (fs, child_process
 * with IPC, async_hooks all behave as the engine needs; checked by the same test suite). Its
 * one difference lives here: Deno's child_process reports an exit status above 128 as the matching
 * signal, which the adapter turns back into an exit status.
 */
import { nodeRuntime } from "./node.ts";
import type { Runtime } from "./types.ts";

const SIGNAL_STATUS: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGKILL: 137, SIGTERM: 143 };

/** Builds the Deno adapter. */
export function denoRuntime(): Runtime {
  const base = nodeRuntime("deno");
  return {
    ...base,
    spawnProcess(program, args, o) {
      const child = base.spawnProcess(program, args, o);
      const exited = child.exited.then(({ code, signal }) =>
        code === null && signal && signal in SIGNAL_STATUS && signal !== "SIGKILL" ? { code: SIGNAL_STATUS[signal], signal: null } : { code, signal },
      );
      return { ...child, exited };
    },
  };
}
