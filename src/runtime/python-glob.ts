/**
 * Python `glob.glob` semantics, ported from CPython 3.11's `glob.py` and `fnmatch.translate`.
 *
 * Ruffus pipelines are written against Python's glob: only `*`, `?` and `[...]` are special (`[!...]`
 * negates, an unclosed `[` is a literal, there is no escaping), results keep the form of the pattern
 * (relative stays relative, `../x/*` stays `../x/...`, `d*` + `/` gives `dir/`), a pattern without
 * magic gives itself when the path exists, and `*`/`?` do not match a leading dot unless the
 * pattern's segment starts with one. Reproducing the algorithm rather than mapping patterns onto
 * another glob library keeps every corner (brackets, `]`, dangling symlinks) the same as Ruffus's.
 *
 * One deliberate difference: a `**` segment matches any files and zero or more directories, as
 * Python's `glob(recursive=True)` does (Ruffus calls glob without it, where `**` is `*`).
 */
import { readdirSync, realpathSync, statSync, lstatSync } from "node:fs";

/** Python's `glob.has_magic`. (Ruffus's `is_glob` also counts `]`; such a pattern is then checked literally.) */
const MAGIC = /[*?[]/;

function hasMagic(s: string): boolean {
  return MAGIC.test(s);
}

function isHidden(name: string): boolean {
  return name.startsWith(".");
}

/** `os.path.split` (POSIX). */
function split(p: string): [string, string] {
  const i = p.lastIndexOf("/") + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, "");
  return [head, tail];
}

/** `os.path.join` of two parts (POSIX). */
function join(a: string, b: string): string {
  if (b.startsWith("/")) return b;
  if (a === "" || a.endsWith("/")) return a + b;
  return `${a}/${b}`;
}

/** glob.py's `_join`: an empty part leaves the other unchanged (no trailing slash added). */
function joinNonEmpty(a: string, b: string): string {
  if (!a || !b) return a || b;
  return join(a, b);
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The names in a directory (only directories, following symlinks, when `dirOnly`); none if it cannot be read. */
function listDir(dir: string, dirOnly: boolean): string[] {
  const path = dir === "" ? "." : dir;
  try {
    if (!dirOnly) return readdirSync(path);
    const out: string[] = [];
    for (const e of readdirSync(path, { withFileTypes: true })) {
      if (e.isDirectory() || ((e.isSymbolicLink() || !e.isFile()) && isDir(join(path, e.name)))) out.push(e.name);
    }
    return out;
  } catch {
    return [];
  }
}

const HEX = (c: string): string => `\\u{${(c.codePointAt(0) as number).toString(16)}}`;

/**
 * The body of a `[...]` set as `fnmatch.translate` reads it (`stuff` is the text between the
 * brackets): `!` first negates, a `-` between two characters makes a range, a backwards range is
 * dropped together with its two ends, every other character is literal. Written as a JS class with
 * every character as a `\u{...}` escape, so nothing in it can mean anything else.
 */
function bracketClass(stuff: string): string {
  let chunks: string[];
  if (!stuff.includes("-")) chunks = [stuff];
  else {
    // Python splits at the hyphens that can make ranges; each search restarts two characters on.
    chunks = [];
    let i = 0;
    let k = stuff.startsWith("!") ? 2 : 1;
    for (;;) {
      k = stuff.indexOf("-", k);
      if (k < 0) break;
      chunks.push(stuff.slice(i, k));
      i = k + 1;
      k = k + 3;
    }
    const last = stuff.slice(i);
    if (last) chunks.push(last);
    else chunks[chunks.length - 1] += "-";
    for (let m = chunks.length - 1; m > 0; m--) {
      const a = [...chunks[m - 1]];
      const b = [...chunks[m]];
      if ((a[a.length - 1].codePointAt(0) as number) > (b[0].codePointAt(0) as number)) {
        chunks[m - 1] = a.slice(0, -1).join("") + b.slice(1).join("");
        chunks.splice(m, 1);
      }
    }
  }
  // Negation is read from the set as finally written, as Python does (so `[b-a!x]` is `[^x]`).
  const negate = chunks[0].startsWith("!");
  if (negate) chunks[0] = chunks[0].slice(1);
  let out = "";
  chunks.forEach((chunk, n) => {
    const chars = [...chunk];
    chars.forEach((c, m) => {
      out += HEX(c);
      // The last character of a chunk and the first of the next are the ends of a range.
      if (m === chars.length - 1 && n < chunks.length - 1) out += "-";
    });
  });
  if (out === "") return negate ? "." : "(?!)";
  return `[${negate ? "^" : ""}${out}]`;
}

/**
 * `fnmatch.translate(pattern)` as a JavaScript RegExp matching a whole name. Interior `*fixed`
 * pieces use Python's atomic `(?>.*?fixed)`, written `(?=(.*?fixed))\N`, so a long name with many
 * stars cannot make the match backtrack exponentially.
 */
export function fnmatchToRegExp(pat: string): RegExp {
  const STAR = null;
  const res: (string | null)[] = [];
  const chars = [...pat];
  const n = chars.length;
  let i = 0;
  while (i < n) {
    const c = chars[i++];
    if (c === "*") {
      if (!res.length || res[res.length - 1] !== STAR) res.push(STAR);
    } else if (c === "?") res.push(".");
    else if (c === "[") {
      let j = i;
      if (j < n && chars[j] === "!") j++;
      if (j < n && chars[j] === "]") j++;
      while (j < n && chars[j] !== "]") j++;
      if (j >= n) res.push(HEX("["));
      else {
        res.push(bracketClass(chars.slice(i, j).join("")));
        i = j + 1;
      }
    } else res.push(HEX(c));
  }
  let out = "";
  let k = 0;
  while (k < res.length && res[k] !== STAR) out += res[k++];
  let group = 0;
  while (k < res.length) {
    k++; // the STAR
    if (k === res.length) {
      out += ".*";
      break;
    }
    let fixed = "";
    while (k < res.length && res[k] !== STAR) fixed += res[k++];
    if (k === res.length) out += `.*${fixed}`;
    else out += `(?=(.*?${fixed}))\\${++group}`;
  }
  return new RegExp(`^(?:${out})$`, "su");
}

const matchers = new Map<string, RegExp>();
function matcher(pattern: string): RegExp {
  let m = matchers.get(pattern);
  if (!m) {
    m = fnmatchToRegExp(pattern);
    if (matchers.size > 1000) matchers.clear();
    matchers.set(pattern, m);
  }
  return m;
}

/** glob.py's `_glob1`: the names in `dir` matching `pattern`, hidden names only for a hidden pattern. */
function glob1(dir: string, pattern: string, dirOnly: boolean): string[] {
  const re = matcher(pattern);
  const hiddenOk = isHidden(pattern);
  return listDir(dir, dirOnly).filter((name) => (hiddenOk || !isHidden(name)) && re.test(name));
}

/** glob.py's `_glob0`: a literal name, if it exists (an empty name: `dir` itself, if a directory). */
function glob0(dir: string, name: string): string[] {
  if (name) return lexists(joinNonEmpty(dir, name)) ? [name] : [];
  return isDir(dir) ? [name] : [];
}

/** glob.py's `_glob2` for `**`: "" and every non-hidden path below `dir`, skipping symlink loops. */
function glob2(dir: string, dirOnly: boolean): string[] {
  const out = [""];
  const ancestors = new Set<string>();
  const real = (p: string): string | undefined => {
    try {
      return realpathSync(p === "" ? "." : p);
    } catch {
      return undefined;
    }
  };
  const walk = (d: string, rel: string): void => {
    const r = real(d);
    if (r === undefined || ancestors.has(r)) return;
    ancestors.add(r);
    for (const x of listDir(d, dirOnly)) {
      if (isHidden(x)) continue;
      const relX = rel ? join(rel, x) : x;
      out.push(relX);
      const path = joinNonEmpty(d, x);
      if (isDir(path)) walk(path, relX);
    }
    ancestors.delete(r);
  };
  walk(dir, "");
  return out;
}

/** glob.py's `_iglob`, with every file-system path taken relative to `cwd`. */
function iglob(pathname: string, cwd: string, dirOnly: boolean): string[] {
  const at = (p: string): string => joinNonEmpty(cwd, p);
  const [dirname, basename] = split(pathname);
  if (!hasMagic(pathname)) {
    if (basename) return lexists(at(pathname)) ? [pathname] : [];
    return isDir(at(dirname)) ? [pathname] : [];
  }
  if (!dirname) {
    return basename === "**" ? glob2(cwd, dirOnly) : glob1(cwd, basename, dirOnly);
  }
  const dirs = dirname !== pathname && hasMagic(dirname) ? iglob(dirname, cwd, true) : [dirname];
  const out: string[] = [];
  for (const d of dirs) {
    const names = !hasMagic(basename) ? glob0(at(d), basename) : basename === "**" ? glob2(at(d), dirOnly) : glob1(at(d), basename, dirOnly);
    for (const name of names) out.push(join(d, name));
  }
  return out;
}

/**
 * Expands `pattern` relative to `cwd` the way Python's `sorted(glob.glob(pattern, recursive=True))`
 * does (see the file comment for `**`).
 */
export function pythonGlob(pattern: string, cwd: string): string[] {
  let found = iglob(pattern, cwd, false);
  // glob.iglob drops the "" a leading `**` yields for the directory itself.
  if (!pattern || pattern.startsWith("**")) found = found.filter((f) => f !== "");
  return found.sort();
}
