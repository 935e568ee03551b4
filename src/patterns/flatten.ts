/**
 * Walking Ruffus parameters: which values are file names, and rebuilding a parameter with
 * every file name replaced.
 *
 * Ruffus only descends into `list`, `tuple` and `set`; here that is `Array` and `Set`.
 * Strings are file names; everything else (numbers, `null`, plain objects used as dicts,
 * class instances) is opaque.
 */

/**
 * Ruffus `get_strings_in_flattened_sequence`: every string, depth first, through nested arrays
 * (and sets). A bare string gives `[s]`; non-strings and plain objects are dropped.
 *
 * @example stringsIn(["one", [1, [{ four: 4 }, "two"], "three"]]) // ["one", "two", "three"]
 */
export function stringsIn(value: unknown): string[] {
  // The common cases (one file name; a flat list of them) without the walk, which runs several times per job.
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) {
    let flat = true;
    for (let i = 0; i < value.length && flat; i++) flat = typeof value[i] === "string";
    if (flat) return value.slice() as string[];
  }
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v) || v instanceof Set) for (const item of v) walk(item);
  };
  walk(value);
  return out;
}

/**
 * Ruffus `apply_func_to_sequence`: a copy of `value` with `fn` applied to every string,
 * recursing into arrays and sets (kept as arrays and sets); other values are returned as is.
 */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, fn));
  if (value instanceof Set) return new Set([...value].map((item: unknown) => mapStrings(item, fn)));
  return value;
}
