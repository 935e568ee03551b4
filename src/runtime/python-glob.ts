/**
 * Python `glob.glob` semantics on top of tinyglobby.
 *
 * Ruffus pipelines are written against Python's glob: only `*`, `?` and `[...]` are special,
 * results keep the form of the pattern (relative stays relative, `../x/*` stays `../x/...`),
 * and `*` does not match a leading dot unless the pattern's segment starts with one.
 * tinyglobby speaks picomatch syntax and returns paths relative to its cwd, so the pattern is
 * split into its literal directory prefix and its magic rest, the rest is escaped for picomatch,
 * and results are re-prefixed and filtered for hidden names.
 */
import { globSync } from "tinyglobby";
import picomatch from "picomatch";
import { readdirSync } from "node:fs";

const MAGIC = /[*?[]/;

/** Escape characters that are literal in Python globs but special to picomatch. */
function toPicomatch(segment: string): string {
  let out = "";
  let inBracket = false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (inBracket) {
      out += c;
      if (c === "]" && !(segment[i - 1] === "[" || (segment[i - 1] === "!" && segment[i - 2] === "["))) inBracket = false;
      continue;
    }
    if (c === "[" && segment.indexOf("]", i + 2) !== -1) {
      inBracket = true;
      out += c;
      continue;
    }
    if (c === "*" || c === "?") out += c;
    else if ("\\{}()!+@[]|".includes(c)) out += "\\" + c;
    else out += c;
  }
  return out;
}

/**
 * Expands `pattern` relative to `cwd` the way Python's `sorted(glob.glob(pattern))` does.
 * `**` matches across directories (a deliberate difference: Python's non-recursive glob
 * treats it as `*`).
 */
export function pythonGlob(pattern: string, cwd: string): string[] {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/");
  let firstMagic = segments.findIndex((s) => MAGIC.test(s));
  if (firstMagic === -1) firstMagic = segments.length;
  const prefixSegments = segments.slice(0, firstMagic);
  const magicSegments = segments.slice(firstMagic).filter((s, i, all) => s !== "" || i === all.length - 1);
  const prefix = prefixSegments.join("/");
  const base = absolute ? prefix || "/" : prefix === "" ? cwd : `${cwd}/${prefix}`;
  if (magicSegments.length === 0) return [];
  if (magicSegments.length === 1 && magicSegments[0] !== "**" && magicSegments[0] !== "") return oneLevel(magicSegments[0], base, prefix);
  const rest = magicSegments.map(toPicomatch).join("/");
  let found: string[];
  try {
    found = globSync([rest], { cwd: base, onlyFiles: false, dot: true, expandDirectories: false, followSymbolicLinks: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (let f of found) {
    if (f.endsWith("/")) f = f.slice(0, -1);
    if (hidesDotFile(f, magicSegments)) continue;
    out.push(prefix === "" ? f : prefix.endsWith("/") ? prefix + f : `${prefix}/${f}`);
  }
  return out.sort();
}

const matchers = new Map<string, (name: string) => boolean>();

/**
 * The common case, `dir/*.txt`: one directory listing matched by picomatch, without walking a
 * tree (tinyglobby's crawler costs more than the match for a directory of 100,000 files).
 */
function oneLevel(segment: string, base: string, prefix: string): string[] {
  let match = matchers.get(segment);
  if (!match) {
    match = picomatch(toPicomatch(segment), { dot: true });
    matchers.set(segment, match);
  }
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const hidden = !segment.startsWith(".");
  const out: string[] = [];
  for (const name of names) {
    if (hidden && name.startsWith(".")) continue;
    if (match(name)) out.push(prefix === "" ? name : prefix.endsWith("/") ? prefix + name : `${prefix}/${name}`);
  }
  return out.sort();
}

/** Python's glob skips names starting with "." unless the pattern segment starts with ".". */
function hidesDotFile(found: string, magicSegments: string[]): boolean {
  const parts = found.split("/");
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i].startsWith(".")) continue;
    const seg = magicSegments[Math.min(i, magicSegments.length - 1)] ?? "";
    if (!seg.startsWith(".")) return true;
  }
  return false;
}
