/**
 * The `formatter()` engine: Ruffus `get_all_paths_components`, `swap_nesting_order`,
 * `swap_doubly_nested_order`, `t_formatter_replace`, `t_nested_formatter_replace`.
 *
 * Components are kept in `Map`s so that number keys stay numbers and insertion order is Python's:
 * both show in the "Possible substitutions=" part of Ruffus's error message.
 */

import { FatalMatchError, NoMatchError, PythonError } from "./errors.ts";
import { pathDecomposition } from "./path-decomposition.ts";
import { pyFormat } from "./py-format.ts";
import { pyRepr } from "./py-repr.ts";
import { pythonSearch } from "./python-regex.ts";
import { abspath } from "./posix-path.ts";

/** One file's substitutions: path parts, then regex groups by number and by name. */
export type Components = Map<string | number, unknown>;

/** Ruffus `path_decomposition_regex_match`; `null` when the regex does not match. */
function fileComponents(path: string, re: RegExp | null): Components | null {
  const parts = pathDecomposition(path);
  const c: Components = new Map<string | number, unknown>([
    ["basename", parts.basename],
    ["ext", parts.ext],
    ["subpath", parts.subpath],
    ["subdir", parts.subdir],
    ["path", parts.path],
  ]);
  if (re === null) return c;
  const m = pythonSearch(re, path);
  if (m === null) return null;
  // Ruffus regex_matches_as_dict: groups 0..lastindex only, then every named group.
  const last = m.lastindex ?? 0;
  for (let i = 0; i <= last; i++) c.set(i, m.groups[i] ?? null);
  if (m.lastindex !== null) for (const [name, value] of m.groupdict) c.set(name, value ?? null);
  return c;
}

/** Ruffus `get_all_paths_components` on absolute paths: if any regex fails, every file gets nothing. */
export function allPathsComponents(absPaths: readonly string[], regexes: readonly (RegExp | null)[]): Components[] {
  const out: Components[] = [];
  for (let i = 0; i < absPaths.length; i++) {
    const c = fileComponents(absPaths[i], regexes[i] ?? null);
    if (c === null) return absPaths.map(() => new Map());
    out.push(c);
  }
  return out;
}

/** Ruffus `swap_nesting_order`: `coll[file][key]` becomes `list[int][file]` and `dict[name][file]`. */
export function swapNesting(perFile: readonly Components[]): { list: Map<number, unknown>[]; dict: Map<string, Map<number, unknown>> } {
  const list: Map<number, unknown>[] = [];
  const dict = new Map<string, Map<number, unknown>>();
  perFile.forEach((c, ii) => {
    for (const [key, value] of c) {
      if (typeof key === "number") {
        while (list.length <= key) list.push(new Map());
        list[key].set(ii, value);
      } else {
        let m = dict.get(key);
        if (m === undefined) dict.set(key, (m = new Map()));
        m.set(ii, value);
      }
    }
  });
  return { list, dict };
}

/** Ruffus `swap_doubly_nested_order`: `coll[set][file][key]` becomes `list[int][set][file]` and `dict[name][set][file]`. */
export function swapDoublyNested(perSet: readonly (readonly Components[])[]): {
  list: Map<number, Map<number, unknown>>[];
  dict: Map<string, Map<number, Map<number, unknown>>>;
} {
  const list: Map<number, Map<number, unknown>>[] = [];
  const dict = new Map<string, Map<number, Map<number, unknown>>>();
  perSet.forEach((files, ii) => {
    files.forEach((c, jj) => {
      for (const [key, value] of c) {
        let outer: Map<number, Map<number, unknown>>;
        if (typeof key === "number") {
          while (list.length <= key) list.push(new Map());
          outer = list[key];
        } else {
          let m = dict.get(key);
          if (m === undefined) dict.set(key, (m = new Map()));
          outer = m;
        }
        let inner = outer.get(ii);
        if (inner === undefined) outer.set(ii, (inner = new Map()));
        inner.set(jj, value);
      }
    });
  });
  return { list, dict };
}

/** Ruffus `parameter_list_as_string` of a formatter's arguments: `'a', None`. */
export function formatterArgsText(patterns: readonly (string | null)[]): string {
  return patterns.map((p) => pyRepr(p)).join(", ");
}

/** The substitution of one template string, with Ruffus's error for a missing field. */
export function formatTemplate(
  pattern: string,
  list: readonly unknown[],
  dict: ReadonlyMap<string, unknown>,
  describe: { input: unknown; filter: string },
): string {
  try {
    return pyFormat(pattern, list, Object.fromEntries(dict));
  } catch (e) {
    if (!(e instanceof PythonError)) throw e;
    if (e.pythonType === "KeyError" || e.pythonType === "IndexError") {
      let key = e.arg0;
      // Ruffus strips one pair of quotes, which Python's "in" also "finds" on an empty string.
      if ((key === "" || "'\"".includes(key[0])) && (key === "" || "'\"".includes(key[key.length - 1]))) key = key.slice(1, -1);
      throw new NoMatchError(
        `Unmatched field {${key}} in '${pattern}' where\n  input =  ${pyRepr(describe.input)},\n` +
          `  filter = formatter(${describe.filter}). Possible substitutions= ${pyRepr(list)}, ${pyRepr(dict)}.`,
      );
    }
    // Ruffus lets other exceptions escape raw; the pattern is added so the user can find it.
    throw new FatalMatchError(`Malformed formatter pattern '${pattern}':\n\t${e.pythonType}: ${e.message}`);
  }
}

/** Absolute, normalised file names, as Ruffus's `os.path.abspath` gives them. */
export function absolutePaths(names: readonly string[], cwd: string): string[] {
  return names.map((n) => abspath(n, cwd));
}
