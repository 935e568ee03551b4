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

/**
 * A normalised relative path: no `.`/`..` segments, `//`, trailing `/` or backslash. Two such
 * names (against one directory) are the same file exactly when they are equal strings, so hot
 * paths can compare them without resolving. (A loop over the characters: it runs several times
 * per job, and a regular expression with look-aheads cost several times more.)
 */
export function isSimpleRelative(p: string): boolean {
  const n = p.length;
  if (n === 0 || p.charCodeAt(0) === SLASH) return false;
  let segment = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? p.charCodeAt(i) : SLASH;
    if (c === BACKSLASH) return false;
    if (c !== SLASH) continue;
    const len = i - segment;
    // An empty segment (`//`, a trailing `/`), `.` or `..`.
    if (len === 0 || (p.charCodeAt(segment) === DOT && (len === 1 || (len === 2 && p.charCodeAt(segment + 1) === DOT)))) return false;
    segment = i + 1;
  }
  return true;
}
const SLASH = 47;
const BACKSLASH = 92;
const DOT = 46;
