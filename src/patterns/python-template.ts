/**
 * Python `re` replacement templates (`re._parser.parse_template`, CPython 3.11): `\1`..`\99`,
 * `\g<n>`, `\g<name>`, octal `\0`/`\ooo`, `\n`-style escapes; other ASCII-letter escapes are
 * errors and any other `\x` stays as the two characters.
 */

import { PythonError } from "./errors.ts";
import { pyStrRepr } from "./py-repr.ts";
import { Tokenizer, cpLen, isIdentifier } from "./python-regex-tokenizer.ts";

/** A parsed template: literal pieces and group numbers, in order. */
export type TemplatePart = string | { readonly group: number };

const DIGITS = "0123456789";
const OCTDIGITS = "01234567";
const MAXGROUPS = 1073741823;
const TEMPLATE_ESCAPES: Readonly<Record<string, string>> = {
  "\\a": "\x07", "\\b": "\b", "\\f": "\f", "\\n": "\n", "\\r": "\r", "\\t": "\t", "\\v": "\v", "\\\\": "\\",
};
// Python's int(): surrounding whitespace, a sign, Unicode decimal digits, single underscores.
const PY_INT = /^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$/u;

function digitValue(d: string): number {
  // Unicode decimal digits sit in contiguous blocks made of whole 0..9 runs.
  const cp = d.codePointAt(0) as number;
  let start = cp;
  while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

function pyInt(text: string): number | null {
  if (!PY_INT.test(text)) return null;
  const digits = text.trim().replace(/_/g, "").replace(/\p{Nd}/gu, (d) => String(digitValue(d)));
  return Number(digits);
}

/**
 * Parses `template` for a pattern with `groups` capturing groups and the given names.
 * Throws `PythonError` with Python's type and text: `re.error` ("invalid group reference 2 at
 * position 1", "bad escape \q at position 0", ...) or `IndexError` ("unknown group name 'x'").
 */
export function parseTemplate(template: string, groups: number, groupIndex: ReadonlyMap<string, number>): TemplatePart[] {
  const src = new Tokenizer(template);
  const parts: TemplatePart[] = [];
  let literal = "";
  const flush = (): void => {
    if (literal !== "") parts.push(literal);
    literal = "";
  };
  const addGroup = (index: number, offset: number): void => {
    if (index > groups) throw src.error(`invalid group reference ${index}`, offset);
    flush();
    parts.push({ group: index });
  };
  for (;;) {
    const t = src.get();
    if (t === null) break;
    if (t[0] !== "\\") {
      literal += t;
      continue;
    }
    const c = t[1];
    if (c === "g") {
      if (!src.match("<")) throw src.error("missing <");
      const name = src.getUntil(">", "group name");
      const nameLen = cpLen(name);
      let index: number;
      if (isIdentifier(name)) {
        const found = groupIndex.get(name);
        if (found === undefined) throw new PythonError("IndexError", `unknown group name ${pyStrRepr(name)}`);
        index = found;
      } else {
        const n = pyInt(name);
        if (n === null || n < 0) throw src.error(`bad character in group name ${pyStrRepr(name)}`, nameLen + 1);
        if (n >= MAXGROUPS) throw src.error(`invalid group reference ${n}`, nameLen + 1);
        index = n;
      }
      addGroup(index, nameLen + 1);
    } else if (c === "0") {
      let digits = "0";
      if (src.next !== null && OCTDIGITS.includes(src.next)) {
        digits += src.get();
        if (src.next !== null && OCTDIGITS.includes(src.next)) digits += src.get();
      }
      literal += String.fromCharCode(parseInt(digits, 8) & 0xff);
    } else if (DIGITS.includes(c)) {
      let digits = c;
      let isOctal = false;
      if (src.next !== null && DIGITS.includes(src.next)) {
        digits += src.get();
        if (OCTDIGITS.includes(c) && OCTDIGITS.includes(digits[1]) && src.next !== null && OCTDIGITS.includes(src.next)) {
          digits += src.get();
          isOctal = true;
          const value = parseInt(digits, 8);
          if (value > 0o377) throw src.error(`octal escape value \\${digits} outside of range 0-0o377`, digits.length + 1);
          literal += String.fromCharCode(value);
        }
      }
      if (!isOctal) addGroup(Number(digits), digits.length);
    } else if (t in TEMPLATE_ESCAPES) {
      literal += TEMPLATE_ESCAPES[t];
    } else {
      if (/^[A-Za-z]$/.test(c)) throw src.error(`bad escape ${t}`, t.length);
      literal += t;
    }
  }
  flush();
  return parts;
}
