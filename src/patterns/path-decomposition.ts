/**
 * Ruffus `path_decomposition`: the `{basename}`, `{ext}`, `{path}`, `{subdir}`, `{subpath}`
 * components that `formatter()` offers for each input file.
 */

import { normpath, split, splitext } from "./posix-path.ts";

/** The components of one file path. */
export interface PathParts {
  /** File name without its last extension (`"x.y"` for `x.y.txt`; `".txt"` for `.txt`). */
  basename: string;
  /** Last extension including the dot, `""` if none, `"."` for `name.`. */
  ext: string;
  /** Directory part (`os.path.dirname` after normalisation). */
  path: string;
  /** Directory names, innermost first; an absolute path ends with `"/"`. */
  subdir: string[];
  /** Successively shorter parent paths, starting with `path`. */
  subpath: string[];
}

// Ruffus's recursive_split, iteratively: peel one directory per step until the root or nothing.
function splitDirs(dir: string): { subpath: string[]; subdir: string[] } {
  const subpath: string[] = [];
  const subdir: string[] = [];
  let current = dir;
  for (;;) {
    if (current === "") break;
    if (current === "/" || current === "//") {
      subpath.push(current);
      subdir.push(current);
      break;
    }
    const [head, tail] = split(current);
    if (tail === "") {
      subdir.push("/");
      break;
    }
    subpath.push(current);
    subdir.push(tail);
    current = head;
  }
  return { subpath, subdir };
}

/**
 * Ruffus `path_decomposition(p)`.
 *
 * The path is normalised like `os.path.normpath`, except that a leading `./` and a trailing `/`
 * are kept. For `""` Ruffus returns `path: []` (a list, unlike every other case) and no `subpath`;
 * this port returns `path: ""` and `subpath: []` so the type is uniform.
 */
export function pathDecomposition(p: string): PathParts {
  if (p === "") return { basename: "", ext: "", path: "", subdir: [], subpath: [] };
  let a = p;
  if (p !== "./" && p !== "/.") {
    a = normpath(p);
    if (p.startsWith("./") && !a.startsWith("./")) a = "./" + a;
    if (p.endsWith("/") && !a.endsWith("/")) a += "/";
  }
  const [dir, file] = split(a);
  const [basename, ext] = splitext(file);
  const { subpath, subdir } = splitDirs(dir);
  return { basename, ext, path: dir, subdir, subpath };
}
