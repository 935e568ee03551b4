/**
 * Turns a parsed Python pattern into JavaScript `RegExp` source (to be compiled with the `u` flag,
 * plus `i` when the pattern is case-insensitive; never `m` or `s`, whose effects are spelled out).
 *
 * Python meanings reproduced here: `.` excludes only `\n`; `$` also matches before a final `\n`;
 * `^`/`$` under MULTILINE only look at `\n`; `\w`, `\d`, `\s`, `\b` are Unicode-aware unless ASCII.
 */

import { caseVariants, casedClasses } from "./case-fold.ts";
import type { Alternation, Category, Node, SetItem } from "./python-regex-parser.ts";

// Python's str.isspace() code points (CPython 3.11, Unicode 14).
const SPACE_RANGES: readonly (readonly [number, number])[] = [
  [0x09, 0x0d], [0x1c, 0x20], [0x85, 0x85], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];
const ASCII_SPACE_RANGES: readonly (readonly [number, number])[] = [[0x09, 0x0d], [0x20, 0x20]];
const ASCII_DIGIT_RANGES: readonly (readonly [number, number])[] = [[0x30, 0x39]];
const ASCII_WORD_RANGES: readonly (readonly [number, number])[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const UNICODE_WORD = "\\p{L}\\p{N}_";
const UNICODE_DIGIT = "\\p{Nd}";

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

function classChar(cp: number): string {
  if (cp >= 0x20 && cp < 0x7f) {
    const ch = String.fromCharCode(cp);
    return "\\]^-[".includes(ch) ? "\\" + ch : ch;
  }
  return `\\u{${cp.toString(16)}}`;
}

function rangesText(ranges: readonly (readonly [number, number])[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`)).join("");
}

/**
 * Class-body text for a category, or `null` when it can only be written as a negated class
 * (Unicode `\W`), which the caller then combines by alternation.
 */
function categoryText(cat: Category, ascii: boolean): string | null {
  switch (cat) {
    case "d":
      return ascii ? rangesText(ASCII_DIGIT_RANGES) : UNICODE_DIGIT;
    case "D":
      return ascii ? rangesText(complement(ASCII_DIGIT_RANGES)) : "\\P{Nd}";
    case "s":
      return rangesText(ascii ? ASCII_SPACE_RANGES : SPACE_RANGES);
    case "S":
      return rangesText(complement(ascii ? ASCII_SPACE_RANGES : SPACE_RANGES));
    case "w":
      return ascii ? rangesText(ASCII_WORD_RANGES) : UNICODE_WORD;
    case "W":
      return ascii ? rangesText(complement(ASCII_WORD_RANGES)) : null;
  }
}

function emitSet(negate: boolean, items: readonly SetItem[], ascii: boolean): string {
  let simple = "";
  const negatedParts: string[] = [];
  for (const item of items) {
    if (item.t === "lit") simple += classChar(item.cp);
    else if (item.t === "range") simple += `${classChar(item.lo)}-${classChar(item.hi)}`;
    else if (item.t === "prop") simple += item.text;
    else {
      const text = categoryText(item.cat, ascii);
      if (text !== null) simple += text;
      else negatedParts.push(UNICODE_WORD);
    }
  }
  if (negatedParts.length === 0) return negate ? `[^${simple}]` : `[${simple}]`;
  const union = [...(simple === "" ? [] : [`[${simple}]`]), ...negatedParts.map((p) => `[^${p}]`)].join("|");
  return negate ? `(?:(?!${union})[\\s\\S])` : `(?:${union})`;
}

function literal(cp: number): string {
  if (cp >= 0x20 && cp < 0x7f) {
    const ch = String.fromCharCode(cp);
    return "^$\\.*+?()[]{}|/".includes(ch) ? "\\" + ch : ch;
  }
  return `\\u{${cp.toString(16)}}`;
}

function wordClass(ascii: boolean): string {
  return ascii ? `[${rangesText(ASCII_WORD_RANGES)}]` : `[${UNICODE_WORD}]`;
}

function emitAt(kind: Extract<Node, { t: "at" }>["kind"], ascii: boolean): string {
  switch (kind) {
    case "bos":
      return "^";
    case "eos":
      return "$";
    case "bol":
      return "(?:^|(?<=\\n))";
    case "eol":
      return "(?=\\n?$)";
    case "eolm":
      return "(?=\\n|$)";
    case "boundary": {
      const w = wordClass(ascii);
      return `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
    }
    case "nonboundary": {
      // Python's \B never matches in an empty string.
      const w = wordClass(ascii);
      return `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w})(?:(?<=[\\s\\S])|(?=[\\s\\S])))`;
    }
  }
}

function quantifier(min: number, max: number): string {
  if (max === Infinity) return min === 0 ? "*" : min === 1 ? "+" : `{${min},}`;
  if (min === 0 && max === 1) return "?";
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/**
 * Emission options: `named` keeps group names (JavaScript may reject a name Python accepts);
 * `expandCase` writes the case-insensitive (`ci`) nodes out as classes (a pattern mixing scopes).
 */
export interface EmitOptions {
  readonly named: boolean;
  readonly expandCase?: boolean;
}

/** The JavaScript source, and where each Python group is in it (helper groups shift the numbers). */
export interface Emitted {
  readonly source: string;
  /** `jsGroup[n]` is the JavaScript number of Python group n (`jsGroup[0]` = 0). */
  readonly jsGroup: readonly number[];
}

/** A class of `cp` and its case variants, or the literal when it has none. */
function caseLiteral(cp: number): string {
  const variants = caseVariants(cp);
  return variants.length === 1 ? literal(cp) : `[${variants.map(classChar).join("")}]`;
}

/** Set items widened by every case variant of their characters (ranges by whole case classes). */
function caseItems(items: readonly SetItem[]): SetItem[] {
  const out: SetItem[] = [...items];
  const inItems = (cp: number): boolean => items.some((it) => (it.t === "lit" ? it.cp === cp : it.t === "range" ? cp >= it.lo && cp <= it.hi : false));
  for (const it of items) if (it.t === "lit") for (const v of caseVariants(it.cp)) if (v !== it.cp) out.push({ t: "lit", cp: v });
  if (items.some((it) => it.t === "range")) {
    for (const cls of casedClasses()) if (cls.some(inItems)) for (const v of cls) if (!inItems(v)) out.push({ t: "lit", cp: v });
  }
  return out;
}

class Emitter {
  private groups = 0;
  readonly jsGroup: number[] = [0];
  constructor(private readonly opts: EmitOptions) {}

  alternation(alt: Alternation): string {
    return alt.map((seq) => seq.map((n) => this.node(n)).join("")).join("|");
  }

  /** `(?=(body))\k`: a look-ahead is never backtracked into, so this is an atomic group. */
  private atomic(body: () => string): string {
    const k = ++this.groups;
    return `(?=(${body()}))(?:\\${k})`;
  }

  private node(node: Node): string {
    const expand = this.opts.expandCase === true;
    switch (node.t) {
      case "lit":
        return expand && node.ci ? caseLiteral(node.cp) : literal(node.cp);
      case "any":
        return node.dotall ? "[\\s\\S]" : "[^\\n]";
      case "set":
        return emitSet(node.negate, expand && node.ci ? caseItems(node.items) : node.items, node.ascii);
      case "at":
        return emitAt(node.kind, node.ascii);
      case "group": {
        if (node.index === null) return `(?:${this.alternation(node.body)})`;
        // Numbered in the order their parentheses open, as JavaScript numbers them.
        this.jsGroup[node.index] = ++this.groups;
        const body = this.alternation(node.body);
        return node.name !== null && this.opts.named ? `(?<${node.name}>${body})` : `(${body})`;
      }
      case "atomic":
        return this.atomic(() => this.alternation(node.body));
      case "look":
        return `(?${node.behind ? "<" : ""}${node.negate ? "!" : "="}${this.alternation(node.body)})`;
      case "backref":
        return `(?:\\${this.jsGroup[node.index]})`;
      case "repeat": {
        const repeat = (): string => {
          const body = this.node(node.body);
          const single = node.body.t === "lit" || node.body.t === "group" || node.body.t === "any" || (node.body.t === "set" && body.startsWith("["));
          return `${single ? body : `(?:${body})`}${quantifier(node.min, node.max)}${node.lazy ? "?" : ""}`;
        };
        return node.possessive ? this.atomic(repeat) : repeat();
      }
    }
  }
}

/** JavaScript source for a parsed Python alternation, with the numbers of its groups. */
export function emitAlternation(alt: Alternation, opts: EmitOptions): Emitted {
  const e = new Emitter(opts);
  const source = e.alternation(alt);
  return { source, jsGroup: e.jsGroup };
}
