/**
 * Quoting values for /bin/sh: every value becomes one word, whatever it contains (spaces, quotes,
 * `$`, `;`...). Arrays become several words.
 */

/** One POSIX-shell word for a string. */
export function shellQuote(s: string): string {
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Words for an interpolated value: arrays (nested too) give one word per element; null/undefined nothing. */
export function shellWords(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.map(shellWords).filter((w) => w !== "").join(" ");
  return shellQuote(String(v));
}
