/**
 * Picks the runtime adapter once, at the entry point. Deno and Bun implement `node:fs`, so the
 * Node adapter serves all three; it reports which runtime it runs on.
 */
import { setRuntime } from "../core/runtime.ts";
import { nodeRuntime } from "./node.ts";

const g = globalThis as { Bun?: unknown; Deno?: unknown };
setRuntime(nodeRuntime(g.Bun ? "bun" : g.Deno ? "deno" : "node"));
