/**
 * Python regular expressions on top of JavaScript's engine: compile (`re.compile`), search
 * (`Pattern.search` with `lastindex`), and substitute (`Pattern.subn`).
 *
 * Known differences that cannot be bridged with a JavaScript `RegExp`: a group inside a repeated
 * subpattern keeps only its capture from the last iteration (JavaScript resets it each time;
 * Python keeps an older capture); an iteration of a repeat that matches the empty string ends the
 * repeat in Python but is retried with another branch in JavaScript (`(|a)+`); a backreference to
 * a group that did not take part matches the empty string (Python fails); Unicode classes follow
 * the engine's Unicode version. Atomic groups and possessive quantifiers are emulated with a
 * look-ahead and a back-reference (`(?=(...))\1`; not inside a look-behind), and case-insensitivity
 * scoped to part of a pattern with character classes of case variants (not for back-references or
 * `\p{...}` there). Conditional groups and `\N{...}` are rejected with a clear error.
 */

import { PatternSyntaxError, PythonError } from "./errors.ts";
import { emitAlternation } from "./python-regex-emit.ts";
import { UnsupportedRegexError, parsePythonRegex } from "./python-regex-parser.ts";
import type { ParsedPattern } from "./python-regex-parser.ts";
import { parseTemplate } from "./python-template.ts";
import type { TemplatePart } from "./python-template.ts";

export { parseTemplate } from "./python-template.ts";
export type { TemplatePart } from "./python-template.ts";

/** What Python knows about a compiled pattern and JavaScript's `RegExp` does not expose. */
export interface PythonRegexInfo {
  /** The Python pattern text. */
  readonly pattern: string;
  /** Number of capturing groups (Python `Pattern.groups`). */
  readonly groups: number;
  /** Group name → number (Python `Pattern.groupindex`), in definition order. */
  readonly groupIndex: ReadonlyMap<string, number>;
  /** Rank of each group's closing parenthesis; the last to close is Python's `lastindex`. */
  readonly closeRank: readonly number[];
}

interface Compiled {
  readonly re: RegExp;
  readonly info: PythonRegexInfo;
  /** JavaScript group number of each Python group (atomic groups add helper groups). */
  readonly jsGroup: readonly number[];
}

const COMPILED = new WeakMap<RegExp, Compiled>();
const GLOBAL_CLONES = new WeakMap<RegExp, RegExp>();
// Parsed templates per pattern: a task substitutes the same few templates for every job.
const TEMPLATES = new WeakMap<RegExp, Map<string, readonly TemplatePart[]>>();
const MAX_TEMPLATES_PER_PATTERN = 256;

function buildRegExp(parsed: ParsedPattern): { re: RegExp; jsGroup: readonly number[] } {
  const flags = parsed.ignoreCase ? "iu" : "u";
  const expandCase = parsed.mixedCase;
  const named = emitAlternation(parsed.body, { named: true, expandCase });
  try {
    return { re: new RegExp(named.source, flags), jsGroup: named.jsGroup };
  } catch {
    // A group name valid in Python but not in JavaScript: numbers work just as well.
    const numbered = emitAlternation(parsed.body, { named: false, expandCase });
    try {
      return { re: new RegExp(numbered.source, flags), jsGroup: numbered.jsGroup };
    } catch (e) {
      throw new PatternSyntaxError(`SyntaxError: (${(e as Error).message})`);
    }
  }
}

/**
 * Compiles a Python-syntax regular expression (CPython 3.11 `re` rules) to a JavaScript `RegExp`
 * with Python's matching meaning. Accepts `(?P<name>...)`, `(?P=name)`, `\A`, `\Z`, leading inline
 * flags `(?imsxau)`, scoped flags `(?s:...)` and `(?i:...)`, atomic groups `(?>...)`, possessive
 * quantifiers `a++`, verbose mode, and the JavaScript spellings a `RegExp` source may contain:
 * `(?<name>...)`, `\k<name>`, `\u{...}`, `\p{...}`.
 * `flags` holds Python flag letters (`i`, `m`, `s`, `x`, `a`, `u`).
 *
 * Throws `PatternSyntaxError` whose message is the bracketed part of Ruffus's message,
 * e.g. `re.error: (unbalanced parenthesis at position 2)`.
 */
export function compilePythonRegex(pattern: string, flags = ""): RegExp {
  let parsed: ParsedPattern;
  try {
    parsed = parsePythonRegex(pattern, flags);
  } catch (e) {
    if (e instanceof PythonError) throw new PatternSyntaxError(e.wrapped);
    if (e instanceof UnsupportedRegexError) throw new PatternSyntaxError(`NotImplementedError: (${e.message})`);
    throw e;
  }
  const { re, jsGroup } = buildRegExp(parsed);
  const info: PythonRegexInfo = {
    pattern,
    groups: parsed.groups,
    groupIndex: parsed.groupIndex,
    closeRank: parsed.closeRank,
  };
  COMPILED.set(re, { re, info, jsGroup });
  return re;
}

function compiledFor(re: RegExp): Compiled {
  let c = COMPILED.get(re);
  if (c === undefined) {
    const letters = [...re.flags].filter((f) => "ims".includes(f)).join("");
    const own = compilePythonRegex(re.source, letters);
    c = COMPILED.get(own) as Compiled;
    COMPILED.set(re, c);
  }
  return c;
}

/** Python facts about `re`; a `RegExp` not made by `compilePythonRegex` is read as a Python pattern. */
export function pythonRegexInfo(re: RegExp): PythonRegexInfo {
  return compiledFor(re).info;
}

/** One Python match: `group(n)` is `groups[n]` (`undefined` for a group that did not take part). */
export interface PythonMatch {
  readonly start: number;
  readonly end: number;
  readonly groups: readonly (string | undefined)[];
  /** Python `Match.lastindex`: the last group to close, `null` if no group took part. */
  readonly lastindex: number | null;
  /** Python `Match.groupdict()`, in group definition order. */
  readonly groupdict: ReadonlyMap<string, string | undefined>;
}

function toPythonMatch(m: RegExpExecArray, c: Compiled): PythonMatch {
  const { info, jsGroup } = c;
  const groups: (string | undefined)[] = [];
  let lastindex: number | null = null;
  for (let i = 0; i <= info.groups; i++) {
    const g = m[jsGroup[i]];
    groups.push(g);
    if (i > 0 && g !== undefined && (lastindex === null || info.closeRank[i] > info.closeRank[lastindex])) lastindex = i;
  }
  const groupdict = new Map<string, string | undefined>();
  for (const [name, index] of info.groupIndex) groupdict.set(name, m[jsGroup[index]]);
  return { start: m.index, end: m.index + m[0].length, groups, lastindex, groupdict };
}

/** Python `Pattern.search(text)`. */
export function pythonSearch(re: RegExp, text: string): PythonMatch | null {
  const c = compiledFor(re);
  const m = c.re.exec(text);
  return m === null ? null : toPythonMatch(m, c);
}

function globalClone(re: RegExp): RegExp {
  let g = GLOBAL_CLONES.get(re);
  if (g === undefined) {
    g = new RegExp(re.source, re.flags + "g");
    GLOBAL_CLONES.set(re, g);
  }
  return g;
}

function codePointsBefore(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= index) n++;
    else {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/** A match starting exactly at `pos` that is not empty (Python after an empty match), or null. */
function nonEmptyMatchAt(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  const k = codePointsBefore(text, pos) + 1;
  const sticky = new RegExp(`(?:${re.source})(?<=[\\s\\S]{${k}})`, re.flags + "y");
  sticky.lastIndex = pos;
  return sticky.exec(text);
}

function advance(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  if (c >= 0xd800 && c <= 0xdbff && pos + 1 < text.length) {
    const d = text.charCodeAt(pos + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return pos + 2;
  }
  return pos + 1;
}

function templateParts(c: Compiled, template: string): readonly TemplatePart[] {
  if (!template.includes("\\")) return [template];
  let cache = TEMPLATES.get(c.re);
  if (cache === undefined) TEMPLATES.set(c.re, (cache = new Map()));
  let parts = cache.get(template);
  if (parts === undefined) {
    parts = parseTemplate(template, c.info.groups, c.info.groupIndex);
    if (cache.size >= MAX_TEMPLATES_PER_PATTERN) cache.clear();
    cache.set(template, parts);
  }
  return parts;
}

/**
 * Python `re.subn(pattern, template, text)`: replaces every non-overlapping match (Python 3.7+
 * empty-match rules), expanding `\1`..`\99`, `\g<n>`, `\g<name>`, `\g<0>`, `\n`, `\t`, `\\`...;
 * a group that did not take part gives `""`. The template is checked before any matching, so
 * a bad group reference throws even when nothing matches: a `PythonError` of type `re.error`
 * ("invalid group reference 2 at position 1") or `IndexError` ("unknown group name 'x'").
 *
 * `re` should come from `compilePythonRegex`; any other `RegExp` is read as a Python pattern.
 */
export function pythonSubn(re: RegExp, template: string, text: string): { result: string; count: number } {
  const c = compiledFor(re);
  const parts = templateParts(c, template);
  const g = globalClone(c.re);
  let result = "";
  let count = 0;
  let copied = 0;
  let pos = 0;
  let mustAdvance = false;
  while (pos <= text.length) {
    let m: RegExpExecArray | null;
    if (mustAdvance) {
      m = nonEmptyMatchAt(c.re, text, pos);
      mustAdvance = false;
      if (m === null) {
        pos = advance(text, pos);
        continue;
      }
    } else {
      g.lastIndex = pos;
      m = g.exec(text);
      if (m === null) break;
    }
    const start = m.index;
    const end = start + m[0].length;
    result += text.slice(copied, start);
    for (const part of parts) result += typeof part === "string" ? part : (m[c.jsGroup[part.group]] ?? "");
    copied = end;
    count++;
    mustAdvance = end === start;
    pos = end;
  }
  result += text.slice(copied);
  return { result, count };
}

/** Python `re.escape`: backslash before every character that is special in a pattern. */
export function pyEscape(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (ch) => "\\" + ch);
}
