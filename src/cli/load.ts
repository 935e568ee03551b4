/**
 * Loading the user's `pipeline.ts`. Its `import ... from "ruffus"` must reach the very API
 * instance the command runs with (so that `instanceof Pipeline` holds and tasks land in the same
 * "main" pipeline), whatever runtime we are on and with no node_modules next to the file:
 *
 * - Bun (and the compiled binary): a runtime plugin module named "ruffus" (`onResolve` does not
 *   fire for bare names in Bun, `build.module` does);
 * - Node: a module.register() resolve hook for ESM files, and a `require` hook for files tsx
 *   compiles to CommonJS;
 * - Deno: the import map in deno.json.
 *
 * A pipeline file either `export default`s a Pipeline, or declares tasks decorator-style into the
 * "main" pipeline, or `export default`s a function that receives the API (needs no import at all).
 */
import * as api from "../mod.ts";
import { Pipeline } from "../core/pipeline.ts";
import { setPipelineFile } from "../history/open.ts";
import { setPipelineArgs } from "../core/pipeline-args.ts";
import { setLoadingPipelineFile } from "../core/run.ts";
import { abspath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { PipelineFileError, UsageError, describeLoadError } from "./errors.ts";

let hooked = false;

async function installResolver(): Promise<void> {
  if (hooked) return;
  hooked = true;
  const g = globalThis as { Bun?: { plugin(p: unknown): void }; Deno?: unknown };
  const exportsObject = { ...api };
  if (g.Bun) {
    g.Bun.plugin({
      name: "ruffus",
      setup(build: { module(name: string, cb: () => unknown): void }) {
        build.module("ruffus", () => ({ exports: exportsObject, loader: "object" }));
      },
    });
    return;
  }
  if (g.Deno) return;
  const nodeModule = (await import("node:module")) as unknown as { default?: unknown };
  const Module = (nodeModule.default ?? nodeModule) as {
    register?: (specifier: string) => void;
    _cache: Record<string, unknown>;
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const modUrl = new URL(import.meta.url.endsWith(".ts") ? "../mod.ts" : "../mod.js", import.meta.url).href;
  // "ruffus" is this library; and a .ts/.mts file of the user's is an ES module even outside a
  // "type": "module" package, so that top-level await works (tsx would otherwise compile it to CommonJS).
  const hook =
    `export async function resolve(s, c, n) {` +
    ` if (s === "ruffus") return { url: ${JSON.stringify(modUrl)}, shortCircuit: true };` +
    ` const r = await n(s, c);` +
    ` if (/\\.m?ts$/.test(r.url) && r.url.startsWith("file:") && !r.url.includes("/node_modules/")) return { ...r, format: "module" };` +
    ` return r; }`;
  Module.register?.("data:text/javascript," + encodeURIComponent(hook));
  // tsx compiles a pipeline.ts outside a "type": "module" package to CommonJS, which bypasses ESM hooks.
  const key = "\0ruffus";
  Module._cache[key] = { id: key, filename: key, loaded: true, exports: exportsObject, children: [], paths: [] };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === "ruffus" ? key : original.call(this, request, ...rest);
  };
}

/** Imports a user module with "ruffus" resolving to this library; returns its namespace. */
export async function loadModule(abs: string, args: readonly string[] = []): Promise<Record<string, unknown>> {
  setPipelineArgs([...args]);
  await installResolver();
  const url = new URL("file://" + abs.split("/").map(encodeURIComponent).join("/")).href;
  const mod = (await import(url)) as Record<string, unknown>;
  await docstringsFromSource(abs);
  return mod;
}

/** Loads a pipeline file and returns the pipeline it declares. */
export async function loadPipelineFile(file: string, args: string[] = []): Promise<Pipeline> {
  const abs = abspath(file, rt().cwd());
  const st = rt().stat(abs);
  if (!st) throw new UsageError(`No such pipeline file: ${file}`);
  if (st.isDirectory) throw new UsageError(`${file} is a directory; give the pipeline file, e.g. ${file.replace(/\/$/, "")}/pipeline.ts`);
  setPipelineFile(abs);
  const mainTasksBefore = Pipeline.lookup("main")?.tasks.length ?? 0;
  let mod: Record<string, unknown>;
  setLoadingPipelineFile(true);
  try {
    mod = await loadModule(abs, args);
  } catch (e) {
    throw new PipelineFileError((await locateSyntaxError(e, abs)) ?? describeLoadError(e, abs));
  } finally {
    setLoadingPipelineFile(false);
  }
  const d = mod.default as { __esModule?: boolean; default?: unknown } | undefined;
  if (d && typeof d === "object" && d.__esModule) mod = d as Record<string, unknown>;
  let found: unknown = mod.default;
  if (typeof found === "function" && !(found instanceof Pipeline)) {
    setLoadingPipelineFile(true);
    try {
      found = await (found as (ruffus: typeof api) => unknown)(api);
    } catch (e) {
      throw new PipelineFileError(describeLoadError(e, abs));
    } finally {
      setLoadingPipelineFile(false);
    }
  }
  if (found instanceof Pipeline) return found;
  const main = Pipeline.lookup("main");
  if (main && main.tasks.length > mainTasksBefore) return main;
  if (main && main.tasks.length) return main;
  const named = Object.values(mod).filter((v): v is Pipeline => v instanceof Pipeline);
  if (named.length === 1) return named[0];
  throw new PipelineFileError(
    `${abs}: no pipeline found. Either \`export default\` a Pipeline (export default p), ` +
      `declare tasks decorator-style (transform(...)(fn)) so they join the "main" pipeline, ` +
      `or \`export default\` a function that receives the ruffus API and returns a Pipeline.`,
  );
}

/**
 * Bun (and so the binary) drops string directives when it transpiles, so a task function's
 * leading "docstring" is not in its source text at run time. Read them from the pipeline file.
 */
async function docstringsFromSource(file: string): Promise<void> {
  let text: string;
  try {
    text = await rt().readTextFile(file);
  } catch {
    return;
  }
  const docs = new Map<string, string>();
  const re = /function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{=]*)?\{\s*(["'])((?:\\.|(?!\2)[^\\\n])*)\2/g;
  for (const m of text.matchAll(re)) if (m[3] !== "use strict") docs.set(m[1], m[3].replace(/\s+/g, " ").trim());
  if (!docs.size) return;
  for (const p of Pipeline.all()) {
    for (const t of p.tasks) {
      if (!t.description && t.func?.name && docs.has(t.func.name)) t.description = docs.get(t.func.name) as string;
    }
  }
}

/**
 * Node reports some syntax errors in ES modules without a line. Compiling the file again with
 * esbuild (which tsx brings along on Node) finds it; elsewhere this quietly gives up.
 */
async function locateSyntaxError(e: unknown, file: string): Promise<string | undefined> {
  const message = e instanceof Error ? e.message : "";
  if (!(e instanceof Error) || (e.name !== "SyntaxError" && !/Parse error|SyntaxError/.test(message))) return undefined;
  if (/:\d+:\d+/.test((e.stack ?? "").split("\n")[0]) && !/Parse error/.test(message)) return undefined;
  try {
    // A computed name, so that the binary's bundler does not try to embed esbuild.
    const name = ["es", "build"].join("");
    const esbuild = (await import(name)) as { transform(src: string, o: { loader: string }): Promise<unknown> };
    const source = await rt().readTextFile(file);
    await esbuild.transform(source, { loader: /\.[cm]?ts$/.test(file) ? "ts" : "js" });
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    if (first?.location) {
      return `${file}:${first.location.line}:${first.location.column + 1}: ${first.text}\nThe pipeline file could not be compiled. Fix the syntax error above and run again.`;
    }
  }
  return undefined;
}
