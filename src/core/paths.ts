/**
 * Path helpers with Python's `os.path` meaning, built on pathe so that the core stays free of
 * `node:path` and behaves the same on every runtime and on Windows-style input.
 */
import { isAbsolute, join, normalize, relative, resolve } from "pathe";

/** `os.path.abspath(p)` against an explicit current directory. */
export function abspath(p: string, cwd: string): string {
  return isAbsolute(p) ? normalize(p) : resolve(cwd, p);
}

/** `os.path.relpath(p, start)`. */
export function relpath(p: string, start: string): string {
  const r = relative(start, abspath(p, start));
  return r === "" ? "." : r;
}

export { isAbsolute, join, normalize };

const SIMPLE_RELATIVE = /^(?!\/)(?!\.\.?(\/|$))(?!.*\/\.\.?(\/|$))(?!.*\/\/)[^\\]*[^/\\]$/;

/**
 * A normalised relative path: no `.`/`..` segments, `//`, trailing `/` or backslash. Two such
 * names (against one directory) are the same file exactly when they are equal strings, so hot
 * paths can compare them without resolving.
 */
export function isSimpleRelative(p: string): boolean {
  return SIMPLE_RELATIVE.test(p);
}
