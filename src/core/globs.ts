/** Ruffus's `is_glob`: a string is a glob when it holds `*`, `?`, `[` or `]`; there is no escaping. */
export function isGlob(s: string): boolean {
  return /[*?[\]]/.test(s);
}
