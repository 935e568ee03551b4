/**
 * One paragraph about an error thrown while loading the pipeline file, naming `file:line:column`
 * (1-based) the same way whichever runtime loaded it. Bun, Node (tsx/esbuild) and Deno each report
 * syntax errors, missing exports and missing modules in their own shape and with their own column
 * conventions; Deno also colours the locations inside its messages. The pipeline's source text
 * fills in what a runtime leaves out (the column of an import, the line of a missing module).
 */
import { didYouMean, isRuffusError } from "./errors.ts";

/** What runtimes put in messages for terminals: colour codes. */
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, "");

const COMPILE_HINT = "The pipeline file could not be compiled. Fix the syntax error above and run again.";
const LOAD_HINT = "Loading the pipeline file failed before any task ran.";
const IMPORT_HINT = "Fix the import and run again.";

interface Where {
  file: string;
  line?: number;
  column?: number;
}

const at = (w: Where): string => `${w.file}${w.line ? `:${w.line}${w.column ? `:${w.column}` : ""}` : ""}`;

/** A file URL or path as a path. */
const pathOf = (s: string): string => decodeURIComponent(s.replace(/^file:\/\//, ""));

/** Where the pipeline's own code is in a stack: the first frame in the pipeline file or beside it. */
export function userLocation(e: unknown, pipelineFile: string): Where | undefined {
  const stack = stripAnsi(e instanceof Error ? (e.stack ?? "") : "");
  const dir = pipelineFile.replace(/[^/\\]*$/, "");
  for (const line of stack.split("\n")) {
    const m = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = pathOf(m[1]);
    if (file.includes("/node_modules/") || file.includes("/src/core/") || file.includes("/src/cli/") || file.includes("$bunfs")) continue;
    if (file === pipelineFile || file.startsWith(dir)) return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

/** The named-import clauses of a source text (`import { a, b as c } from "m"`), with where each name is. */
function namedImports(source: string): { specifier: string; names: { name: string; line: number; column: number }[] }[] {
  const out: ReturnType<typeof namedImports> = [];
  const re = /^[ \t]*import\s+(type\s+)?(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*(["'])([^"']+)\3/gm;
  for (const m of source.matchAll(re)) {
    if (m[1]) continue; // `import type { ... }` imports nothing at run time
    const braceAt = (m.index as number) + m[0].indexOf("{") + 1;
    const names: { name: string; line: number; column: number }[] = [];
    for (const spec of m[2].matchAll(/(?:^|,)(\s*)(type\s+)?([\w$]+)/g)) {
      if (spec[2]) continue;
      const offset = braceAt + (spec.index as number) + spec[0].indexOf(spec[3]);
      const before = source.slice(0, offset);
      const line = before.split("\n").length;
      names.push({ name: spec[3], line, column: offset - before.lastIndexOf("\n") });
    }
    out.push({ specifier: m[4], names });
  }
  return out;
}

/** Where `specifier` is imported in the source: `import ... "x"`, `import "x"`, `import("x")`, `require("x")`. */
function importSite(source: string, matches: (specifier: string) => boolean): { specifier: string; line: number; column: number } | undefined {
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\1/g;
  for (const m of source.matchAll(re)) {
    if (!matches(m[2])) continue;
    const offset = (m.index as number) + m[0].lastIndexOf(m[1] + m[2]);
    const before = source.slice(0, offset);
    return { specifier: m[2], line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
  }
  return undefined;
}

/** `import { x } from "ruffus"` naming something ruffus does not export: the paragraph to print, or undefined. */
export function checkNamedImports(source: string, file: string, module: string, exported: ReadonlySet<string>): string | undefined {
  for (const clause of namedImports(source)) {
    if (clause.specifier !== module) continue;
    for (const n of clause.names) {
      if (exported.has(n.name)) continue;
      return `${at({ file, ...n })}: The module '${module}' has no export named '${n.name}'.${didYouMean(n.name, exported)}\n${IMPORT_HINT}`;
    }
  }
  return undefined;
}

/** A message as one paragraph: no code frames, no trailing "at file:..." lines, hints joined on. */
function paragraph(message: string): string {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^\d*\s*\|/.test(l) && !/^at\s/.test(l))
    .join(" ")
    .replace(/\s+at (?:file:\/\/)?\/\S+:\d+:\d+$/, "");
}

/** Deno and Node put the place in the message or the first stack line. */
function placeIn(message: string, stack: string): Where | undefined {
  const deno = /\bat (file:\/\/\/[^\s]+?):(\d+):(\d+)/.exec(message);
  if (deno) return { file: pathOf(deno[1]), line: Number(deno[2]), column: Number(deno[3]) };
  const node = /^((?:file:\/\/)?\/[^\s:]+):(\d+)(?::(\d+))?/.exec(stack.split("\n")[0]);
  if (node) return { file: pathOf(node[1]), line: Number(node[2]), column: node[3] ? Number(node[3]) : undefined };
  return undefined;
}

/**
 * JavaScriptCore (Bun) places a `new Error(...)` at the constructor's name, V8 (Node, Deno) at
 * `new`: report V8's column, so that every runtime names the same place.
 */
function atNew(w: Where, source: string | undefined, pipelineFile: string): Where {
  if (!source || w.file !== pipelineFile || !w.line || !w.column) return w;
  const text = source.split("\n")[w.line - 1] ?? "";
  const m = /\bnew\s+$/.exec(text.slice(0, w.column - 1));
  return m ? { ...w, column: m.index + 1 } : w;
}

type LoadError = { name?: string; message?: string; stack?: string; position?: { line?: number; column?: number; file?: string } | null; errors?: unknown[] };

/**
 * One paragraph about an error thrown while loading the pipeline file. `source` is the pipeline
 * file's text, when it could be read.
 */
export function describeLoadError(e: unknown, pipelineFile: string, source?: string): string {
  let err = (e ?? {}) as LoadError;
  // Bun gathers build errors in an AggregateError: the first one has the position.
  if (Array.isArray(err.errors) && err.errors.length) {
    const first = err.errors.find((x) => (x as LoadError)?.position) ?? err.errors[0];
    if (first && typeof first === "object") err = first as LoadError;
  }
  const message = stripAnsi(err.message ?? String(e));
  const stack = stripAnsi(err.stack ?? "");
  // Bun: BuildMessage objects with a position (its column is already 1-based).
  if (err.position && typeof err.position.line === "number") {
    return `${at({ file: err.position.file ?? pipelineFile, line: err.position.line, column: err.position.column })}: ${message}\n${COMPILE_HINT}`;
  }
  // esbuild (tsx on Node): "file:line:col: ERROR: ..." with a 0-based column.
  const esb = /Transform failed with \d+ errors?:\n(.*?):(\d+):(\d+): ERROR: (.*)/s.exec(message);
  if (esb) return `${at({ file: esb[1], line: Number(esb[2]), column: Number(esb[3]) + 1 })}: ${esb[4].split("\n")[0]}\n${COMPILE_HINT}`;

  // A missing export: Node and Deno "does not provide an export named 'x'", Bun "Export named 'x' not found in module 'm'".
  const missing =
    /The requested module '([^']+)' does not provide an export named '([^']+)'/.exec(message) ??
    /Export named '([^']+)' not found in module '([^']+)'/.exec(message);
  if (missing) {
    const [name, module] = missing[0].startsWith("Export") ? [missing[1], missing[2]] : [missing[2], missing[1]];
    const place = placeIn(message, stack) ?? { file: pipelineFile };
    const inSource = place.file === pipelineFile && source ? namedImports(source).flatMap((c) => c.names.map((n) => ({ ...n, specifier: c.specifier }))) : [];
    const site = inSource.find((n) => n.name === name && (!place.line || n.line === place.line) && (module === n.specifier || module.endsWith(n.specifier.replace(/^\.\.?\//, "/"))));
    const where = site ? { file: place.file, line: site.line, column: site.column } : place;
    return `${at(where)}: The module '${site?.specifier ?? module}' has no export named '${name}'.\n${IMPORT_HINT}`;
  }

  // A module that cannot be found: name the import that asks for it.
  const notFound =
    /Cannot find (?:module|package) '([^']+)' imported from (\S+)/.exec(message) ??
    /Module not found "([^"]+)"/.exec(message) ??
    /Import "([^"]+)" not a dependency/.exec(message);
  if (notFound) {
    const target = pathOf(notFound[1]);
    const place = placeIn(message, stack);
    const importer = place?.file ?? (notFound[2] ? pathOf(notFound[2]) : pipelineFile);
    const dir = importer.replace(/[^/]*$/, "");
    const resolvesTo = (s: string): boolean => s === target || (s.startsWith(".") && (dir + s).replace(/\/\.\//g, "/") === target);
    const site = importer === pipelineFile && source ? importSite(source, resolvesTo) : undefined;
    const where = site ? { file: importer, line: site.line, column: site.column } : (place ?? { file: importer });
    const what = site?.specifier ?? notFound[1];
    const bare = !/^(\.|\/|file:)/.test(what);
    return `${at(where)}: Cannot find ${bare ? "package" : "module"} '${what}'.${bare ? " Is it installed where the pipeline can find it (npm install beside the pipeline)?" : ""}\n${IMPORT_HINT}`;
  }

  // Deno reports a syntax error as "SyntaxError: ..." with a code frame and "at file:line:col".
  if (err.name === "SyntaxError" || /^SyntaxError: /.test(message)) {
    const where = placeIn(message, stack) ?? userLocation(e, pipelineFile) ?? { file: pipelineFile };
    return `${at(where)}: ${paragraph(message.replace(/^SyntaxError: /, ""))}\n${COMPILE_HINT}`;
  }
  const where = atNew(userLocation(e, pipelineFile) ?? { file: pipelineFile }, source, pipelineFile);
  const kind = err.name && err.name !== "Error" ? `${err.name}: ` : "";
  if (isRuffusError(e)) {
    return `${at(where)}: ${kind}${message}\nThe pipeline declares a task wrongly; the message above names the task and the argument to fix.`;
  }
  return `${at(where)}: ${kind}${paragraph(message)}\n${LOAD_HINT}`;
}
