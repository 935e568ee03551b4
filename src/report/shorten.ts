/**
 * How parameters look in messages: Ruffus's `shorten_filenames_encoder`. Lists print as
 * `[a, b]` with strings unquoted, long paths are cut to their last N components
 * (`verboseAbbreviatedPath`), 0 means absolute paths, and -M means "cut to M characters".
 */
import { pathDecomposition } from "../patterns/path-decomposition.ts";
import { abspath, relpath } from "../core/paths.ts";
import { pyStr } from "../core/describe.ts";

/** Ruffus's `ignore_unknown_encoder`: `str()` of a value, with `"` turned into `'`. */
export function plainText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(plainText).join(", ")}]`;
  return pyStr(v).replace(/"/g, "'");
}

function lastLevels(path: string, n: number): string {
  const parts = pathDecomposition(path);
  const name = parts.basename + parts.ext;
  const dirs = parts.subdir.slice(0, n - 1).reverse();
  const short = [...dirs, name].join("/").replace(/\/{2,}/g, "/");
  // Ruffus prints "None" when shortening does not shorten (a bug); the path itself is meant.
  return short.length < path.length ? ".../" + short : path;
}

/** Formats parameters for messages, shortening paths to `nLevels` directory levels. */
export function shortenFilenames(v: unknown, nLevels: number, cwd: string): string {
  if (nLevels < 0) {
    const desired = -nLevels;
    let res = "";
    for (let n = 1; n < 20; n++) {
      res = shortenFilenames(v, n, cwd);
      if (res.length > desired || !res.includes("...")) break;
    }
    const keep = Math.max(4, desired - 5);
    const offset = res.length - keep;
    return offset < 0 ? res : "<???> " + res.slice(offset);
  }
  if (Array.isArray(v)) return `[${v.map((x) => shortenFilenames(x, nLevels, cwd)).join(", ")}]`;
  if (typeof v !== "string") return plainText(v);
  if (!nLevels) return plainText(abspath(v, cwd));
  if (count(v.slice(1), "/") < nLevels) return plainText(v);
  const rel = relpath(v, cwd);
  if (count(rel, "/") <= nLevels) return plainText(rel);
  return plainText(lastLevels(v, nLevels));
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** `25 Nov 2026 10:15:54.25`: UTC date and time with two decimals of seconds (Ruffus's `epoch_seconds_to_str`). */
export function epochToText(ms: number): string {
  const seconds = ms / 1000;
  const whole = Math.floor(seconds);
  const d = new Date(whole * 1000);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (n: number): string => String(n).padStart(2, "0");
  const frac = pyFixed2(seconds - whole).slice(1);
  return `${p2(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${frac}`;
}

/** Python's `"%.2f" % x` for 0 <= x < 1: like toFixed(2), but an exact tie rounds to even. */
function pyFixed2(x: number): string {
  const thousandths = x * 1000;
  if (Number.isInteger(thousandths) && thousandths % 10 === 5) {
    const down = Math.floor(thousandths / 10);
    return ((down % 2 === 0 ? down : down + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}
