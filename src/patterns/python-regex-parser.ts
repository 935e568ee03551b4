/**
 * A parser for Python `re` syntax (CPython 3.11 `re._parser` rules), producing a small AST that
 * `python-regex-emit.ts` turns into a JavaScript `RegExp`.
 *
 * Parsing ourselves, rather than rewriting the pattern text, is what lets Python's meaning survive:
 * `.`, `^`, `$`, `\w`, `\d`, `\s`, `\b` differ between the two engines, flags can be scoped, and a
 * malformed pattern must fail with Python's message and position (Ruffus shows them).
 * Positions count code points, as Python does.
 */

import { PythonError } from "./errors.ts";
import { pyStrRepr } from "./py-repr.ts";
import { MAXREPEAT, altWidth } from "./python-regex-ast.ts";
import type { Alternation, Category, Flags, Node, SetItem, Width } from "./python-regex-ast.ts";
import { Tokenizer, UnsupportedRegexError, cpLen } from "./python-regex-tokenizer.ts";

export type { Alternation, Category, Flags, Node, SetItem } from "./python-regex-ast.ts";
export { UnsupportedRegexError } from "./python-regex-tokenizer.ts";

export interface ParsedPattern {
  readonly body: Alternation;
  readonly flags: Flags;
  /** Whether the JavaScript `i` flag is needed: the one case mode every case-relevant node shares. */
  readonly ignoreCase: boolean;
  /** Case-insensitive and case-sensitive parts both: the `ci` nodes are written out as classes. */
  readonly mixedCase: boolean;
  /** Number of capturing groups (not counting group 0). */
  readonly groups: number;
  /** Group name → number, in order of definition (Python `groupindex`). */
  readonly groupIndex: ReadonlyMap<string, number>;
  /** For group n, the rank of its closing parenthesis; decides Python's `lastindex`. */
  readonly closeRank: readonly number[];
}

const DIGITS = "0123456789";
const OCTDIGITS = "01234567";
const HEXDIGITS = "0123456789abcdefABCDEF";
const WHITESPACE = " \t\n\r\v\f";
const SPECIAL_CHARS = ".\\[{()*+?^$|";
const REPEAT_CHARS = "*+?{";
const FLAG_CHARS = "iLmsxatu";
const ESCAPES: Readonly<Record<string, number>> = {
  "\\a": 7, "\\b": 8, "\\f": 12, "\\n": 10, "\\r": 13, "\\t": 9, "\\v": 11, "\\\\": 92,
};
const CATEGORY_ESCAPES = "dDsSwW";
const isAsciiLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);
const isCased = (cp: number): boolean => {
  const ch = String.fromCodePoint(cp);
  return ch.toLowerCase() !== ch.toUpperCase();
};

const cpOf = (ch: string): number => ch.codePointAt(0) as number;

interface GroupState {
  width: Width | null;
}

class Parser {
  readonly src: Tokenizer;
  readonly global: Flags;
  readonly groupState: GroupState[] = [{ width: null }];
  readonly groupIndex = new Map<string, number>();
  readonly closeRank: number[] = [0];
  private closed = 0;
  private lookbehindGroups: number | null = null;
  /** Case sensitivity of every case-relevant node, to detect scoped (?i:...), which JS's flag cannot scope. */
  readonly caseScopes = new Set<boolean>();
  /** Case-insensitive nodes that cannot be written out as classes (back-references, \p{...}). */
  readonly caseUnexpandable: string[] = [];
  /** Python checks look-behind widths when compiling, i.e. after every parse error. */
  readonly lookbehinds: Alternation[] = [];
  /**
   * An atomic group or possessive quantifier in a look-behind: emulated with a back-reference,
   * which a look-behind reads in the wrong order. Reported after Python's own width check.
   */
  lookbehindUnsupported: UnsupportedRegexError | undefined;

  constructor(pattern: string, flags: Flags) {
    this.src = new Tokenizer(pattern);
    this.global = flags;
  }

  readonly groupWidth = (index: number): Width => this.groupState[index].width ?? [0, 0];

  get groups(): number {
    return this.groupState.length;
  }

  private openGroup(name: string | null): number {
    const gid = this.groups;
    this.groupState.push({ width: null });
    if (name !== null) {
      const old = this.groupIndex.get(name);
      if (old !== undefined) {
        throw new Error(`redefinition of group name ${pyStrRepr(name)} as group ${gid}; was group ${old}`);
      }
      this.groupIndex.set(name, gid);
    }
    return gid;
  }

  private checkGroup(gid: number): boolean {
    return gid < this.groups && this.groupState[gid].width !== null;
  }

  private checkLookbehindGroup(gid: number): void {
    if (this.lookbehindGroups !== null) {
      if (!this.checkGroup(gid)) throw this.src.error("cannot refer to an open group");
      if (gid >= this.lookbehindGroups) throw this.src.error("cannot refer to group defined in the same lookbehind subpattern");
    }
  }

  parseSub(flags: Flags, verbose: boolean, nested: number): Node[][] {
    const items: Node[][] = [];
    let v = verbose;
    for (;;) {
      items.push(this.parse(flags, v, nested + 1, nested === 0 && items.length === 0));
      if (!this.src.match("|")) break;
      if (nested === 0) v = this.global.x;
    }
    return items;
  }

  private parse(flagsIn: Flags, verboseIn: boolean, nested: number, first: boolean): Node[] {
    const src = this.src;
    const seq: Node[] = [];
    let flags = flagsIn;
    let verbose = verboseIn;
    for (;;) {
      const next = src.next;
      if (next === null || next === "|" || next === ")") break;
      const c = src.get() as string;

      if (verbose) {
        if (WHITESPACE.includes(c)) continue;
        if (c === "#") {
          for (;;) {
            const t = src.get();
            if (t === null || t === "\n") break;
          }
          continue;
        }
      }

      if (c[0] === "\\") {
        seq.push(this.escape(c, flags));
      } else if (!SPECIAL_CHARS.includes(c)) {
        seq.push(this.literal(cpOf(c), flags));
      } else if (c === "[") {
        seq.push(this.parseSet(flags));
      } else if (REPEAT_CHARS.includes(c)) {
        this.parseRepeat(c, seq, flags);
      } else if (c === ".") {
        seq.push({ t: "any", dotall: flags.s });
      } else if (c === "(") {
        const result = this.parseParen(flags, verbose, nested, first && seq.length === 0);
        if (result === "global-flags") {
          flags = { ...this.global };
          verbose = this.global.x;
        } else if (result !== null) {
          seq.push(result);
        }
      } else if (c === "^") {
        seq.push({ t: "at", kind: flags.m ? "bol" : "bos", ascii: flags.a });
      } else if (c === "$") {
        seq.push({ t: "at", kind: flags.m ? "eolm" : "eol", ascii: flags.a });
      }
    }
    return seq;
  }

  private literal(cp: number, flags: Flags): Node {
    if (isCased(cp)) this.caseScopes.add(flags.i);
    return { t: "lit", cp, ci: flags.i };
  }

  private parseRepeat(c: string, seq: Node[], flags: Flags): void {
    const src = this.src;
    const here = src.tell();
    let min = 0;
    let max = MAXREPEAT;
    if (c === "?") max = 1;
    else if (c === "+") min = 1;
    else if (c === "{") {
      if (src.next === "}") {
        seq.push(this.literal(cpOf("{"), flags));
        return;
      }
      let lo = "";
      let hi = "";
      while (src.next !== null && DIGITS.includes(src.next)) lo += src.get();
      if (src.match(",")) {
        while (src.next !== null && DIGITS.includes(src.next)) hi += src.get();
      } else hi = lo;
      if (!src.match("}")) {
        seq.push(this.literal(cpOf("{"), flags));
        src.seek(here);
        return;
      }
      if (lo !== "") {
        min = Number(lo);
        if (min >= MAXREPEAT) throw new PythonError("OverflowError", "the repetition number is too large");
      }
      if (hi !== "") {
        max = Number(hi);
        if (max >= MAXREPEAT) throw new PythonError("OverflowError", "the repetition number is too large");
        if (max < min) throw src.error("min repeat greater than max repeat", src.tell() - here);
      }
    }
    const item = seq.length > 0 ? seq[seq.length - 1] : null;
    if (item === null || item.t === "at") throw src.error("nothing to repeat", src.tell() - here + 1);
    if (item.t === "repeat") throw src.error("multiple repeat", src.tell() - here + 1);
    let lazy = false;
    let possessive = false;
    if (src.match("?")) lazy = true;
    else if (src.match("+")) {
      // Emulated with a look-ahead and a back-reference, which a look-behind reads in the wrong order.
      if (this.lookbehindGroups !== null) this.lookbehindUnsupported ??= src.unsupported("a possessive quantifier inside a look-behind", 1);
      possessive = true;
    }
    seq[seq.length - 1] = { t: "repeat", min, max: max === MAXREPEAT ? Infinity : max, lazy, possessive, body: item };
  }

  /** Returns the node, `null` for a comment, or "global-flags" after `(?i)`-style flags. */
  private parseParen(flags: Flags, verbose: boolean, nested: number, first: boolean): Node | null | "global-flags" {
    const src = this.src;
    const start = src.tell() - 1;
    let capture = true;
    let name: string | null = null;
    let subFlags = flags;
    let subVerbose = verbose;
    if (src.match("?")) {
      const ch = src.get();
      if (ch === null) throw src.error("unexpected end of pattern");
      if (ch === "P" || (ch === "<" && src.peekNamedGroup())) {
        // `(?<name>...)` is JavaScript's spelling of Python's `(?P<name>...)`; accepted for RegExp sources.
        if (ch === "<" || src.match("<")) {
          name = src.getUntil(">", "group name");
          src.checkGroupName(name, 1);
        } else if (src.match("=")) {
          const ref = src.getUntil(")", "group name");
          src.checkGroupName(ref, 1);
          return this.namedBackref(ref, flags);
        } else {
          const next = src.get();
          if (next === null) throw src.error("unexpected end of pattern");
          throw src.error(`unknown extension ?P${next}`, cpLen(next) + 2);
        }
      } else if (ch === ":") {
        capture = false;
      } else if (ch === "#") {
        for (;;) {
          if (src.next === null) throw src.error("missing ), unterminated comment", src.tell() - start);
          if (src.get() === ")") break;
        }
        return null;
      } else if (ch === "=" || ch === "!" || ch === "<") {
        let kind = ch;
        let behind = false;
        const outerLookbehind = this.lookbehindGroups;
        if (ch === "<") {
          const d = src.get();
          if (d === null) throw src.error("unexpected end of pattern");
          if (d !== "=" && d !== "!") throw src.error(`unknown extension ?<${d}`, cpLen(d) + 2);
          kind = d;
          behind = true;
          if (outerLookbehind === null) this.lookbehindGroups = this.groups;
        }
        const body = this.parseSub(flags, verbose, nested + 1);
        if (behind && outerLookbehind === null) this.lookbehindGroups = null;
        if (!src.match(")")) throw src.error("missing ), unterminated subpattern", src.tell() - start);
        if (behind) this.lookbehinds.push(body);
        return { t: "look", behind, negate: kind === "!", body };
      } else if (ch === "(") {
        throw src.unsupported("conditional group (?(...)...)", 2);
      } else if (ch === ">") {
        if (this.lookbehindGroups !== null) this.lookbehindUnsupported ??= src.unsupported("an atomic group (?>...) inside a look-behind", 2);
        const body = this.parseSub(flags, verbose, nested + 1);
        if (!src.match(")")) throw src.error("missing ), unterminated subpattern", src.tell() - start);
        return { t: "atomic", body };
      } else if (FLAG_CHARS.includes(ch) || ch === "-") {
        const scoped = this.parseFlags(ch);
        if (scoped === null) {
          if (!first) throw src.error("global flags not at the start of the expression", src.tell() - start);
          return "global-flags";
        }
        subFlags = { ...flags };
        for (const f of scoped.add) subFlags[f] = true;
        for (const f of scoped.del) subFlags[f] = false;
        if (scoped.add.includes("a")) subFlags.u = false;
        if (scoped.add.includes("u")) subFlags.a = false;
        subVerbose = (verbose || scoped.add.includes("x")) && !scoped.del.includes("x");
        capture = false;
      } else {
        throw src.error(`unknown extension ?${ch}`, cpLen(ch) + 1);
      }
    }
    let group: number | null = null;
    if (capture) {
      try {
        group = this.openGroup(name);
      } catch (e) {
        throw src.error((e as Error).message, cpLen(name ?? "") + 1);
      }
    }
    const body = this.parseSub(subFlags, subVerbose, nested + 1);
    if (!src.match(")")) throw src.error("missing ), unterminated subpattern", src.tell() - start);
    if (group !== null) {
      this.groupState[group].width = altWidth(body, this.groupWidth);
      this.closeRank[group] = ++this.closed;
    }
    return { t: "group", index: group, name, body };
  }

  /** A node whose case-insensitive matching only the `i` flag can do: fine unless the pattern mixes scopes. */
  private caseSensitiveRef(flags: Flags, what: string): void {
    this.caseScopes.add(flags.i);
    if (flags.i) this.caseUnexpandable.push(what);
  }

  private namedBackref(name: string, flags: Flags): Node {
    const gid = this.groupIndex.get(name);
    const offset = cpLen(name) + 1;
    if (gid === undefined) throw this.src.error(`unknown group name ${pyStrRepr(name)}`, offset);
    if (!this.checkGroup(gid)) throw this.src.error("cannot refer to an open group", offset);
    this.checkLookbehindGroup(gid);
    this.caseSensitiveRef(flags, "a back-reference");
    return { t: "backref", index: gid };
  }

  private parseFlags(first: string): { add: (keyof Flags)[]; del: (keyof Flags)[] } | null {
    const src = this.src;
    const add: (keyof Flags)[] = [];
    const del: (keyof Flags)[] = [];
    let ch: string | null = first;
    const typeFlag = (f: string): boolean => f === "a" || f === "u" || f === "L";
    if (ch !== "-") {
      for (;;) {
        if (ch === "L") throw src.error("bad inline flags: cannot use 'L' flag with a str pattern");
        if (ch === "t") throw src.unsupported("template flag (?t)");
        add.push(ch as keyof Flags);
        if (typeFlag(ch) && add.filter(typeFlag).some((f) => f !== ch)) {
          throw src.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
        }
        ch = src.get();
        if (ch === null) throw src.error("missing -, : or )");
        if (ch === ")" || ch === "-" || ch === ":") break;
        if (!FLAG_CHARS.includes(ch)) {
          throw src.error(/^\p{L}$/u.test(ch) ? "unknown flag" : "missing -, : or )", cpLen(ch));
        }
      }
    }
    if (ch === ")") {
      for (const f of add) this.global[f] = true;
      if (this.global.a && this.global.u && add.includes("u") !== add.includes("a")) {
        throw new PythonError("ValueError", "ASCII and UNICODE flags are incompatible");
      }
      return null;
    }
    if (ch === "-") {
      ch = src.get();
      if (ch === null) throw src.error("missing flag");
      if (!FLAG_CHARS.includes(ch)) throw src.error(/^\p{L}$/u.test(ch) ? "unknown flag" : "missing flag", cpLen(ch));
      for (;;) {
        if (typeFlag(ch)) throw src.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        if (ch === "t") throw src.unsupported("template flag (?t)");
        del.push(ch as keyof Flags);
        ch = src.get();
        if (ch === null) throw src.error("missing :");
        if (ch === ":") break;
        if (!FLAG_CHARS.includes(ch)) throw src.error(/^\p{L}$/u.test(ch) ? "unknown flag" : "missing :", cpLen(ch));
      }
    }
    if (add.some((f) => del.includes(f))) throw src.error("bad inline flags: flag turned on and off", 1);
    return { add, del };
  }

  private parseSet(flags: Flags): Node {
    const src = this.src;
    const here = src.tell() - 1;
    const items: SetItem[] = [];
    const negate = src.match("^");
    for (;;) {
      const c = src.get();
      if (c === null) throw src.error("unterminated character set", src.tell() - here);
      if (c === "]" && items.length > 0) break;
      const code1 = c[0] === "\\" ? this.classEscape(c) : ({ t: "lit", cp: cpOf(c) } as const);
      if (src.match("-")) {
        const that = src.get();
        if (that === null) throw src.error("unterminated character set", src.tell() - here);
        if (that === "]") {
          items.push(code1, { t: "lit", cp: 45 });
          break;
        }
        const code2 = that[0] === "\\" ? this.classEscape(that) : ({ t: "lit", cp: cpOf(that) } as const);
        const rangeError = (): PythonError => src.error(`bad character range ${c}-${that}`, cpLen(c) + 1 + cpLen(that));
        if (code1.t !== "lit" || code2.t !== "lit") throw rangeError();
        if (code2.cp < code1.cp) throw rangeError();
        items.push({ t: "range", lo: code1.cp, hi: code2.cp });
      } else {
        items.push(code1);
      }
    }
    if (items.some((it) => it.t === "range" || (it.t === "lit" && isCased(it.cp)))) this.caseScopes.add(flags.i);
    if (flags.i) for (const it of items) if (it.t === "prop") this.caseSensitiveRef(flags, it.text);
    return { t: "set", negate, items, ascii: flags.a, ci: flags.i };
  }

  /** Escapes shared by classes and the main pattern: \x \u \U \N. Returns null if not one of them. */
  private hexEscape(escape: string): number | null {
    const src = this.src;
    const c = escape[1];
    const need = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    if (c === "u") {
      // `\u{1F600}` is JavaScript's spelling (RegExp sources with the u flag); Python has no braces form.
      const braced = src.peekBraced((t) => /^[0-9a-fA-F]{1,6}$/.test(t) && parseInt(t, 16) <= 0x10ffff);
      if (braced !== null) return parseInt(braced, 16);
    }
    if (need > 0) {
      const full = escape + src.getWhile(need, HEXDIGITS);
      if (full.length !== need + 2) throw src.error(`incomplete escape ${full}`, full.length);
      const cp = parseInt(full.slice(2), 16);
      if (cp > 0x10ffff) throw src.error(`bad escape ${full}`, full.length);
      return cp;
    }
    if (c === "N") throw src.unsupported("named character escape \\N{...}", 2);
    return null;
  }

  /** `\p{...}` / `\P{...}`: JavaScript Unicode property escapes, accepted for RegExp sources. */
  private propertyEscape(escape: string): Extract<SetItem, { t: "prop" }> | null {
    if (escape !== "\\p" && escape !== "\\P") return null;
    const valid = (name: string): boolean => {
      if (!/^[A-Za-z_=]+$/.test(name)) return false;
      try {
        new RegExp(`\\p{${name}}`, "u");
        return true;
      } catch {
        return false;
      }
    };
    const name = this.src.peekBraced(valid);
    return name === null ? null : { t: "prop", text: `${escape}{${name}}` };
  }

  private classEscape(escape: string): SetItem {
    const src = this.src;
    if (escape in ESCAPES) return { t: "lit", cp: ESCAPES[escape] };
    const c = escape[1];
    if (CATEGORY_ESCAPES.includes(c)) return { t: "cat", cat: c as Category };
    const prop = this.propertyEscape(escape);
    if (prop !== null) return prop;
    const hex = this.hexEscape(escape);
    if (hex !== null) return { t: "lit", cp: hex };
    if (OCTDIGITS.includes(c)) {
      const full = escape + src.getWhile(2, OCTDIGITS);
      const cp = parseInt(full.slice(1), 8);
      if (cp > 0o377) throw src.error(`octal escape value ${full} outside of range 0-0o377`, full.length);
      return { t: "lit", cp };
    }
    if (DIGITS.includes(c) || isAsciiLetter(c)) throw src.error(`bad escape ${escape}`, escape.length);
    return { t: "lit", cp: cpOf(c) };
  }

  private escape(escape: string, flags: Flags): Node {
    const src = this.src;
    const c = escape[1];
    if (c === "A") return { t: "at", kind: "bos", ascii: flags.a };
    if (c === "Z") return { t: "at", kind: "eos", ascii: flags.a };
    if (c === "b") return { t: "at", kind: "boundary", ascii: flags.a };
    if (c === "B") return { t: "at", kind: "nonboundary", ascii: flags.a };
    if (CATEGORY_ESCAPES.includes(c)) {
      return { t: "set", negate: false, items: [{ t: "cat", cat: c as Category }], ascii: flags.a, ci: flags.i };
    }
    const prop = this.propertyEscape(escape);
    if (prop !== null) {
      this.caseSensitiveRef(flags, prop.text);
      return { t: "set", negate: false, items: [prop], ascii: flags.a, ci: flags.i };
    }
    const lit = (cp: number): Node => this.literal(cp, flags);
    if (escape in ESCAPES) return lit(ESCAPES[escape]);
    const hex = this.hexEscape(escape);
    if (hex !== null) return lit(hex);
    if (c === "0") return lit(parseInt((escape + src.getWhile(2, OCTDIGITS)).slice(1), 8));
    if (DIGITS.includes(c)) {
      let full = escape;
      if (src.next !== null && DIGITS.includes(src.next)) {
        full += src.get();
        if (OCTDIGITS.includes(full[1]) && OCTDIGITS.includes(full[2]) && src.next !== null && OCTDIGITS.includes(src.next)) {
          full += src.get();
          const cp = parseInt(full.slice(1), 8);
          if (cp > 0o377) throw src.error(`octal escape value ${full} outside of range 0-0o377`, full.length);
          return lit(cp);
        }
      }
      const group = Number(full.slice(1));
      if (group < this.groups) {
        if (!this.checkGroup(group)) throw src.error("cannot refer to an open group", full.length);
        this.checkLookbehindGroup(group);
        this.caseSensitiveRef(flags, "a back-reference");
        return { t: "backref", index: group };
      }
      throw src.error(`invalid group reference ${group}`, full.length - 1);
    }
    if (c === "k" && src.next === "<") {
      // `\k<name>` is JavaScript's spelling of Python's `(?P=name)`; accepted for RegExp sources.
      src.get();
      const ref = src.getUntil(">", "group name");
      src.checkGroupName(ref, 1);
      return this.namedBackref(ref, flags);
    }
    if (isAsciiLetter(c)) throw src.error(`bad escape ${escape}`, escape.length);
    return lit(cpOf(c));
  }
}

/** Python flag letters accepted in the `flags` argument: i, m, s, x, a, u. */
export function parseFlagLetters(letters: string): Flags {
  const flags: Flags = { i: false, m: false, s: false, x: false, a: false, u: false };
  for (const ch of letters) {
    if (!"imsxau".includes(ch)) throw new PythonError("ValueError", `unknown regular expression flag '${ch}'`);
    flags[ch as keyof Flags] = true;
  }
  if (flags.a && flags.u) throw new PythonError("ValueError", "ASCII and UNICODE flags are incompatible");
  return flags;
}

/** Parses a Python regular expression; throws `PythonError` (Python's own error) or `UnsupportedRegexError`. */
export function parsePythonRegex(pattern: string, flagLetters = ""): ParsedPattern {
  const flags = parseFlagLetters(flagLetters);
  const parser = new Parser(pattern, flags);
  const body = parser.parseSub(flags, flags.x, 0);
  if (parser.src.next !== null) throw parser.src.error("unbalanced parenthesis");
  for (const lb of parser.lookbehinds) {
    const [lo, hi] = altWidth(lb, parser.groupWidth);
    if (lo !== hi) throw new PythonError("re.error", "look-behind requires fixed-width pattern");
  }
  if (parser.lookbehindUnsupported) throw parser.lookbehindUnsupported;
  if (!parser.global.a) parser.global.u = true;
  const mixedCase = parser.caseScopes.size > 1;
  if (mixedCase && parser.caseUnexpandable.length) {
    throw new UnsupportedRegexError(
      `${parser.caseUnexpandable[0]} in a case-insensitive part of a pattern that is case-sensitive elsewhere ((?i:...) or (?-i:...)) is not supported in JavaScript`,
    );
  }
  const closeRank = [...parser.closeRank];
  const ignoreCase = parser.caseScopes.size === 1 ? parser.caseScopes.has(true) : !mixedCase && parser.global.i;
  return { body, flags: parser.global, ignoreCase, mixedCase, groups: parser.groups - 1, groupIndex: parser.groupIndex, closeRank };
}
