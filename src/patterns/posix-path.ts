/**
 * Python `posixpath` functions used by Ruffus's file-name substitution.
 *
 * Written out rather than taken from `pathe` because Ruffus's output depends on Python's exact
 * edge cases: `normpath` keeps exactly two leading slashes (`//a`), `split` keeps an all-slash
 * head, `splitext` ignores leading dots, and a backslash is an ordinary character.
 */

/** Python `posixpath.normpath`. */
export function normpath(path: string): string {
  if (path === "") return ".";
  let initialSlashes = path.startsWith("/") ? 1 : 0;
  if (path.startsWith("//") && !path.startsWith("///")) initialSlashes = 2;
  const parts: string[] = [];
  for (const comp of path.split("/")) {
    if (comp === "" || comp === ".") continue;
    const keep =
      comp !== ".." || (initialSlashes === 0 && parts.length === 0) || (parts.length > 0 && parts[parts.length - 1] === "..");
    if (keep) parts.push(comp);
    else if (parts.length > 0) parts.pop();
  }
  const joined = "/".repeat(initialSlashes) + parts.join("/");
  return joined === "" ? "." : joined;
}

/** Python `posixpath.isabs`. */
export function isabs(path: string): boolean {
  return path.startsWith("/");
}

/** Python `posixpath.join`. */
export function join(first: string, ...rest: string[]): string {
  let path = first;
  for (const b of rest) {
    if (b.startsWith("/")) path = b;
    else if (path === "" || path.endsWith("/")) path += b;
    else path += "/" + b;
  }
  return path;
}

/** Python `posixpath.split`: `[head, tail]`. */
export function split(path: string): [string, string] {
  const i = path.lastIndexOf("/") + 1;
  let head = path.slice(0, i);
  const tail = path.slice(i);
  if (head !== "" && head !== "/".repeat(head.length)) head = head.replace(/\/+$/, "");
  return [head, tail];
}

/** Python `posixpath.basename`. */
export function basename(path: string): string {
  return split(path)[1];
}

/** Python `posixpath.splitext`: `[root, ext]`; leading dots of the file name are not an extension. */
export function splitext(path: string): [string, string] {
  const sepIndex = path.lastIndexOf("/");
  const dotIndex = path.lastIndexOf(".");
  if (dotIndex > sepIndex) {
    for (let i = sepIndex + 1; i < dotIndex; i++) {
      if (path[i] !== ".") return [path.slice(0, dotIndex), path.slice(dotIndex)];
    }
  }
  return [path, ""];
}

/** Python `posixpath.abspath`, with the working directory passed in (no process access here). */
export function abspath(path: string, cwd: string): string {
  return normpath(isabs(path) ? path : join(cwd, path));
}
