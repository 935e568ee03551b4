/**
 * Fingerprints for checksum levels 2 and 3: a task function's source text (whitespace-normalised,
 * so reformatting does not trigger reruns) and a job's extras (stable across key order).
 */

/** A 53-bit string hash (cyrb53), as 14 hex digits: fast, pure JS, good enough to notice changes. */
export function hashString(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

const funcHashes = new WeakMap<object, string>();

/** Fingerprint of a function's source, whitespace collapsed. */
export function functionFingerprint(fn: unknown): string {
  if (typeof fn !== "function") return "";
  let h = funcHashes.get(fn);
  if (h === undefined) {
    let src: string;
    try {
      src = Function.prototype.toString.call(fn);
    } catch {
      src = fn.name;
    }
    h = hashString(src.replace(/\s+/g, " ").trim());
    funcHashes.set(fn, h);
  }
  return h;
}

/** Stable text of a value: object keys sorted, functions by source, class instances by their own fields. */
export function stableText(v: unknown, seen: Set<unknown> = new Set()): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "function") return `fn:${functionFingerprint(v)}`;
  if (typeof v === "symbol") return v.toString();
  if (seen.has(v)) return "<cycle>";
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[${v.map((x) => stableText(x, seen)).join(",")}]`;
    if (v instanceof Set) return `set(${[...v].map((x) => stableText(x, seen)).sort().join(",")})`;
    if (v instanceof Map) return `map(${[...v].map(([k, x]) => `${stableText(k, seen)}:${stableText(x, seen)}`).sort().join(",")})`;
    if (v instanceof Date) return `date:${v.getTime()}`;
    const named = v as { displayName?: unknown };
    if (typeof named.displayName === "string") return `task:${named.displayName}`;
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableText((v as Record<string, unknown>)[k], seen)}`).join(",")}}`;
  } finally {
    seen.delete(v);
  }
}

/** Most jobs have no extras: their fingerprint is made once. */
const NO_EXTRAS = hashString(stableText([]));

/** Fingerprint of a job's extras (Ruffus hashes `params[2:]`). */
export function paramsFingerprint(extras: readonly unknown[]): string {
  return extras.length ? hashString(stableText(extras)) : NO_EXTRAS;
}
