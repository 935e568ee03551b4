import { pyFloatRepr, pyStrRepr } from "../patterns/py-repr.ts";

/**
 * Python-flavoured text for values: Ruffus sorts job inputs and task outputs by `str(x)` and
 * prints parameters the way Python prints them, so ordering and messages match only if we
 * reproduce `str()`/`repr()` of nested lists closely enough.
 */

/** Python's `repr()` of a string (the pattern engine's, which follows str.isprintable). */
export const pyStringRepr = (s: string): string => pyStrRepr(s);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python's `repr()` of a value. */
export function pyRepr(v: unknown): string {
  if (typeof v === "string") return pyStringRepr(v);
  return pyStr(v);
}

/** Python's `str()` of a value (lists show their items' `repr()`). */
export function pyStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v instanceof Set) return v.size ? `{${[...v].map(pyRepr).join(", ")}}` : "set()";
  if (typeof v === "function") return `<function ${v.name || "<anonymous>"}>`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v).map(([k, x]) => `${pyStringRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
  }
  const named = v as { displayName?: unknown; constructor?: { name?: string } };
  if (typeof named.displayName === "string") return named.displayName;
  return `<${named.constructor?.name ?? "object"}>`;
}

/** Compares strings by code point, as Python's `sorted()` does. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral characters) sort after every BMP character in code-point order.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** `sorted(values, key=str)`: stable, by the Python `str()` of each value. */
export function sortByPyStr<T>(values: readonly T[]): T[] {
  // The common case, file names only: no str() to make.
  if (values.every((v) => typeof v === "string")) {
    const strings = [...values] as unknown as string[];
    strings.sort(compareCodePoints);
    return strings as unknown as T[];
  }
  const keyed = values.map((v, i) => ({ v, i, k: pyStr(v) }));
  keyed.sort((a, b) => compareCodePoints(a.k, b.k) || a.i - b.i);
  return keyed.map((x) => x.v);
}

/** A short description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  const f = v as { kind?: unknown; pattern?: unknown; patterns?: unknown };
  if (v && typeof v === "object" && (f.kind === "suffix" || f.kind === "regex") && typeof f.pattern === "string") return `${f.kind}(${pyStringRepr(f.pattern)})`;
  if (v && typeof v === "object" && f.kind === "formatter" && Array.isArray(f.patterns)) return `formatter(${f.patterns.map((p) => pyRepr(p)).join(", ")})`;
  if (typeof v === "function") return `function ${v.name || "(anonymous)"}`;
  if (v === undefined) return "undefined";
  try {
    const text = pyRepr(v);
    return text.length > 200 ? text.slice(0, 197) + "..." : text;
  } catch {
    return String(v);
  }
}
