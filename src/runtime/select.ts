/**
 * Picks the runtime adapter once, at the entry point: Bun and Deno get their own (thin, both built
 * on the Node adapter, since they implement node:*), Node the Node one.
 */
import { setRuntime } from "../core/runtime.ts";
import { nodeRuntime } from "./node.ts";
import { bunRuntime } from "./bun.ts";
import { denoRuntime } from "./deno.ts";

const g = globalThis as { Bun?: unknown; Deno?: unknown };
setRuntime(g.Bun ? bunRuntime() : g.Deno ? denoRuntime() : nodeRuntime("node"));
