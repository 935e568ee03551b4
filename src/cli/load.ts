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
import { PipelineFileError, UsageError } from "./errors.ts";
import { checkNamedImports, describeLoadError } from "./load-errors.ts";
import { declarationFiles } from "./types-bundle.ts";

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

/** How to load: `dataOnStdout` when the command prints data (JSON, DOT, task names) on stdout. */
export interface LoadOptions {
  readonly dataOnStdout?: boolean;
}

/**
 * Runs `fn` with console.log/info/debug sent to stderr when stdout carries the command's data, so
 * that a pipeline file printing something while it loads cannot spoil the JSON or list.
 */
async function withConsoleOnStderr<T>(on: boolean | undefined, fn: () => Promise<T>): Promise<T> {
  if (!on) return fn();
  const { log, info, debug } = console;
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, info, debug });
  }
}

/** Everything "ruffus" exports, values and (from the bundled declarations) types; undefined when the declarations are not at hand. */
async function ruffusExports(): Promise<Set<string> | undefined> {
  const mod = (await declarationFiles())?.["mod.d.ts"];
  if (!mod) return undefined;
  const names = new Set(Object.keys(api));
  for (const m of mod.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const n of m[1].split(",")) {
      const name = n.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  for (const m of mod.matchAll(/^export\s+(?:declare\s+)?(?:type|interface|class|function|const|enum)\s+([\w$]+)/gm)) names.add(m[1]);
  return names;
}

/**
 * Bun gives `undefined` for a name "ruffus" does not export (its plugin module is an object) where
 * Node and Deno refuse to load the file: check the file's own imports from "ruffus" first, so that
 * every runtime says the same, with the line and column.
 */
async function checkRuffusImports(source: string | undefined, file: string): Promise<void> {
  if (!source || !/\bfrom\s*["']ruffus["']/.test(source)) return;
  const values = new Set(Object.keys(api));
  const quick = checkNamedImports(source, file, "ruffus", values);
  if (!quick) return;
  // Something is not a value export: it may be a type (imported without `type`), which is fine.
  const all = await ruffusExports();
  const problem = all ? checkNamedImports(source, file, "ruffus", all) : undefined;
  if (problem) throw new PipelineFileError(problem);
}

/** Loads a pipeline file and returns the pipeline it declares. */
export async function loadPipelineFile(file: string, args: string[] = [], options: LoadOptions = {}): Promise<Pipeline> {
  return (await loadPipeline(file, args, options)).pipeline;
}

/** A loaded pipeline with its file's absolute path and text (for pointing at lines later). */
export interface LoadedPipeline {
  readonly pipeline: Pipeline;
  readonly file: string;
  readonly text: string | undefined;
}

/** {@link loadPipelineFile}, keeping the file's path and text. */
export async function loadPipeline(file: string, args: string[] = [], options: LoadOptions = {}): Promise<LoadedPipeline> {
  const abs = abspath(file, rt().cwd());
  const st = rt().stat(abs);
  if (!st) throw new UsageError(`No such pipeline file: ${file}`);
  if (st.isDirectory) throw new UsageError(`${file} is a directory; give the pipeline file, e.g. ${file.replace(/\/$/, "")}/pipeline.ts`);
  // Every runtime would say something else about Python (a syntax error, an unknown file type): say it once.
  if (/\.pyw?$/i.test(abs)) {
    throw new UsageError(`${file}: ruff runs TypeScript/JavaScript pipelines (.ts, .mts, .js, .mjs); a Python Ruffus script runs with python: python ${file}`);
  }
  setPipelineFile(abs);
  const source = await rt().readTextFile(abs).catch(() => undefined);
  await checkRuffusImports(source, abs);
  const mainTasksBefore = Pipeline.lookup("main")?.tasks.length ?? 0;
  let mod: Record<string, unknown>;
  setLoadingPipelineFile(true);
  try {
    mod = await withConsoleOnStderr(options.dataOnStdout, () => loadModule(abs, args));
  } catch (e) {
    throw new PipelineFileError((await locateSyntaxError(e, abs, source)) ?? describeLoadError(e, abs, source));
  } finally {
    setLoadingPipelineFile(false);
  }
  const d = mod.default as { __esModule?: boolean; default?: unknown } | undefined;
  if (d && typeof d === "object" && d.__esModule) mod = d as Record<string, unknown>;
  let found: unknown = mod.default;
  if (typeof found === "function" && !(found instanceof Pipeline)) {
    setLoadingPipelineFile(true);
    try {
      const make = found as (ruffus: typeof api) => unknown;
      found = await withConsoleOnStderr(options.dataOnStdout, async () => make(api));
    } catch (e) {
      throw new PipelineFileError(describeLoadError(e, abs, source));
    } finally {
      setLoadingPipelineFile(false);
    }
  }
  const loaded = (pipeline: Pipeline): LoadedPipeline => ({ pipeline, file: abs, text: source });
  if (found instanceof Pipeline) return loaded(found);
  const main = Pipeline.lookup("main");
  if (main && main.tasks.length > mainTasksBefore) return loaded(main);
  if (main && main.tasks.length) return loaded(main);
  const named = Object.values(mod).filter((v): v is Pipeline => v instanceof Pipeline);
  if (named.length === 1) return loaded(named[0]);
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
async function locateSyntaxError(e: unknown, file: string, source: string | undefined): Promise<string | undefined> {
  const message = e instanceof Error ? e.message : "";
  if (!source || !(e instanceof Error) || (e.name !== "SyntaxError" && !/Parse error|SyntaxError/.test(message))) return undefined;
  if (/:\d+:\d+/.test((e.stack ?? "").split("\n")[0]) && !/Parse error/.test(message)) return undefined;
  // A missing export is not a syntax error, and says where it is on its own.
  if (/export named/.test(message)) return undefined;
  try {
    // A computed name, so that the binary's bundler does not try to embed esbuild.
    const name = ["es", "build"].join("");
    const esbuild = (await import(name)) as { transform(src: string, o: { loader: string }): Promise<unknown> };
    await esbuild.transform(source, { loader: /\.[cm]?ts$/.test(file) ? "ts" : "js" });
  } catch (err) {
    const first = (err as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    if (first?.location) {
      return `${file}:${first.location.line}:${first.location.column + 1}: ${first.text}\nThe pipeline file could not be compiled. Fix the syntax error above and run again.`;
    }
  }
  return undefined;
}
