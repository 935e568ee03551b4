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

const bySource = new Map<string, Map<string, string>>();

/** A string literal's text, as the description shows it (one line). */
const oneLine = (s: string): string => s.replace(/\s+/g, " ").trim();

// `function name(...) {`, `name = function (...) {`, `name = (...) => {`, `name = async x => {`, each
// with optional type annotations, then the first string of the body. An inline arrow function
// (`task: async (o) => { "..." }`, named after its key) is not found: several tasks share that name.
// Type annotations are bounded, so that a long file is read in one pass.
const TYPE = String.raw`(?::[^{}=;]{0,200})?`;
const PARAMS = String.raw`\([^)]*\)\s*${TYPE}`;
const DECLARATIONS = new RegExp(
  String.raw`(?:function\s*\*?\s*([A-Za-z_$][\w$]*)\s*${PARAMS}|\b([A-Za-z_$][\w$]*)\s*${TYPE}=\s*(?:async\s+)?(?:function\b\s*\*?\s*([\w$]*)\s*${PARAMS}|(?:${PARAMS}|[A-Za-z_$][\w$]*\s*)=>\s*))\{\s*(["'])((?:\\.|(?!\4)[^\\\n])*)\4`,
  "g",
);

/** Every function of the text whose body starts with a string, by name; a name given two different strings is left out. */
function docstringsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const m of text.matchAll(DECLARATIONS)) {
    // A named function expression is called by its own name, whatever it is assigned to.
    const name = m[1] || m[3] || m[2];
    if (!name || m[5] === "use strict") continue;
    const doc = oneLine(m[5]);
    if (out.has(name) && out.get(name) !== doc) ambiguous.add(name);
    out.set(name, doc);
  }
  for (const n of ambiguous) out.delete(n);
  return out;
}

/**
 * @internal The description of function `name` declared in `file`, where the runtime drops
 * docstrings from function source; "" elsewhere, when the file cannot be read, or when it has none.
 */
export function docstringInSource(file: string, name: string): string {
  if (!DROPPED || !name) return "";
  let docs = bySource.get(file);
  if (!docs) {
    try {
      docs = docstringsOf(rt().readTextFileSync(file));
    } catch {
      docs = new Map();
    }
    bySource.set(file, docs);
  }
  return docs.get(name) ?? "";
}
