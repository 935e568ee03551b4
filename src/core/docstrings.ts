/**
 * A task function's "docstring" (a leading string in its body) when the runtime does not keep it:
 * Bun's transpiler removes string statements from function bodies as dead code (on purpose; also
 * in the compiled binary), so `Function.prototype.toString` no longer shows it. The description is
 * then read from the source text of the module that declared the task, by the function's name.
 */
import { rt } from "./runtime.ts";

/** True where this file's own leading string was removed, as the runtime does to every module it loads. */
const DROPPED = !function probe(): void {
  "ruffus-probe";
}
  .toString()
  .includes("ruffus-probe");

const bySource = new Map<string, Map<string, Declaration[]>>();

/** A string literal's text, as the description shows it (one line). */
const oneLine = (s: string): string => s.replace(/\s+/g, " ").trim();

// `function name(...) {`, `name = function (...) {`, `name = (...) => {`, `name = async x => {`, each
// with optional type annotations, then the first string of the body. An inline arrow function
// (`task: async (o) => { "..." }`, named after its key) is not found: several tasks share that name.
// Type annotations are bounded, so that a long file is read in one pass.
const TYPE = String.raw`(?::[^{}=;]{0,200})?`;
const PARAMS = String.raw`\([^)]*\)\s*${TYPE}`;
const DECLARATIONS = new RegExp(
  String.raw`(?:function\s*\*?\s*([A-Za-z_$][\w$]*)\s*${PARAMS}|\b([A-Za-z_$][\w$]*)\s*${TYPE}=\s*(?:async\s+)?(?:function\b\s*\*?\s*([\w$]*)\s*${PARAMS}|(?:${PARAMS}|[A-Za-z_$][\w$]*\s*)=>\s*))\{\s*(?:(["'])((?:\\.|(?!\4)[^\\\n])*)\4)?`,
  "g",
);

/** One declaration of a function: its line (1-based) and its docstring ("" for none). */
interface Declaration {
  readonly line: number;
  readonly doc: string;
}

/** Every named function of the text, by name, with or without a leading string. */
function declarationsOf(text: string): Map<string, Declaration[]> {
  const out = new Map<string, Declaration[]>();
  let line = 1;
  let at = 0;
  for (const m of text.matchAll(DECLARATIONS)) {
    // A named function expression is called by its own name, whatever it is assigned to.
    const name = m[1] || m[3] || m[2];
    if (!name) continue;
    for (; at < m.index; at++) if (text.charCodeAt(at) === 10) line++;
    const doc = m[5] === undefined || m[5] === "use strict" ? "" : oneLine(m[5]);
    out.set(name, [...(out.get(name) ?? []), { line, doc }]);
  }
  return out;
}

/**
 * The docstring of the declaration meant: the only one, or the nearest to the line that declared the
 * task (a file may declare several functions of one name); "" when that cannot be told.
 */
function pick(declarations: readonly Declaration[] | undefined, line: number | undefined): string {
  if (!declarations?.length) return "";
  if (declarations.every((d) => d.doc === declarations[0].doc)) return declarations[0].doc;
  if (line === undefined) return "";
  let best = declarations[0];
  for (const d of declarations) if (Math.abs(d.line - line) < Math.abs(best.line - line)) best = d;
  return best.doc;
}

/**
 * @internal The description of function `name` declared in `file` (the task declared at `line`),
 * where the runtime drops docstrings from function source; "" elsewhere, when the file cannot be
 * read, or when it has none.
 */
export function docstringInSource(file: string, name: string, line?: number): string {
  if (!DROPPED || !name) return "";
  let docs = bySource.get(file);
  if (!docs) {
    try {
      docs = declarationsOf(rt().readTextFileSync(file));
    } catch {
      docs = new Map();
    }
    bySource.set(file, docs);
  }
  return pick(docs.get(name), line);
}
