/**
 * The syntax tree of a parsed Python pattern, shared by the parser and the JavaScript emitter,
 * and Python's `getwidth()` over it (look-behinds must have a fixed width in Python).
 */

export type Category = "d" | "D" | "s" | "S" | "w" | "W";

export type SetItem =
  | { readonly t: "lit"; readonly cp: number }
  | { readonly t: "range"; readonly lo: number; readonly hi: number }
  | { readonly t: "cat"; readonly cat: Category }
  /** A JavaScript `\p{...}`/`\P{...}` escape, kept verbatim. */
  | { readonly t: "prop"; readonly text: string };

/** `ci`: in a case-insensitive scope (only looked at when the pattern mixes scopes). */
export type Node =
  | { readonly t: "lit"; readonly cp: number; readonly ci: boolean }
  | { readonly t: "any"; readonly dotall: boolean }
  | { readonly t: "set"; readonly negate: boolean; readonly items: readonly SetItem[]; readonly ascii: boolean; readonly ci: boolean }
  | { readonly t: "at"; readonly kind: "bos" | "eos" | "bol" | "eol" | "eolm" | "boundary" | "nonboundary"; readonly ascii: boolean }
  | { readonly t: "group"; readonly index: number | null; readonly name: string | null; readonly body: Alternation }
  /** `(?>...)`: once matched, never backtracked into. */
  | { readonly t: "atomic"; readonly body: Alternation }
  | { readonly t: "look"; readonly behind: boolean; readonly negate: boolean; readonly body: Alternation }
  | { readonly t: "backref"; readonly index: number }
  /** `possessive`: `a*+`, `a++`, `a?+`, `a{m,n}+` (an atomic repeat). */
  | { readonly t: "repeat"; readonly min: number; readonly max: number; readonly lazy: boolean; readonly possessive: boolean; readonly body: Node };

/** Branches of an alternation, each a sequence. */
export type Alternation = readonly (readonly Node[])[];

export interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  a: boolean;
  u: boolean;
}

/** Python's `MAXREPEAT`: repeat counts must stay below it; widths saturate at it. */
export const MAXREPEAT = 4294967295;

/** `[min, max]` number of characters a subpattern can match. */
export type Width = [number, number];

/** The width of capturing group n, as recorded when it closed. */
export type GroupWidth = (index: number) => Width;

function seqWidth(seq: readonly Node[], groupWidth: GroupWidth): Width {
  let lo = 0;
  let hi = 0;
  for (const node of seq) {
    const [l, h] = nodeWidth(node, groupWidth);
    lo += l;
    hi += h;
  }
  return [Math.min(lo, MAXREPEAT - 1), Math.min(hi, MAXREPEAT)];
}

export function altWidth(alt: Alternation, groupWidth: GroupWidth): Width {
  if (alt.length === 1) return seqWidth(alt[0], groupWidth);
  let lo = MAXREPEAT - 1;
  let hi = 0;
  for (const seq of alt) {
    const [l, h] = seqWidth(seq, groupWidth);
    lo = Math.min(lo, l);
    hi = Math.max(hi, h);
  }
  return [lo, hi];
}

function nodeWidth(node: Node, groupWidth: GroupWidth): Width {
  switch (node.t) {
    case "lit":
    case "any":
    case "set":
      return [1, 1];
    case "at":
    case "look":
      return [0, 0];
    case "group":
    case "atomic":
      return altWidth(node.body, groupWidth);
    case "backref":
      return groupWidth(node.index);
    case "repeat": {
      const [l, h] = nodeWidth(node.body, groupWidth);
      return [l * node.min, h === 0 ? 0 : h * node.max];
    }
  }
}
