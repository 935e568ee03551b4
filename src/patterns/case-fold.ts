/**
 * Case-insensitive matching written out as character classes, for patterns that are
 * case-insensitive in one part only (`(?i:fastq)`, or `(?i)` with a `(?-i:...)` part): JavaScript
 * engines before ES2025's modifiers cannot scope the `i` flag, so those parts are matched by
 * classes of every character that the `i` flag would let match. The classes are JavaScript's own
 * (each pairing is checked with an `iu` RegExp), so a scoped part matches exactly as a wholly
 * case-insensitive pattern does.
 */

/** The highest code point with a case mapping (Adlam, U+1E943) is below this. */
const LAST_CASED = 0x1ffff;

let classes: Map<number, readonly number[]> | undefined;

function single(s: string): number | undefined {
  const cp = s.codePointAt(0) as number;
  return s.length === String.fromCodePoint(cp).length ? cp : undefined;
}

/** Union-find over code points joined by lower/upper mappings that JavaScript's `i` flag confirms. */
function build(): Map<number, readonly number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = 0; cp <= LAST_CASED; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (lower === ch && upper === ch) continue;
    const same = new RegExp(`^\\u{${cp.toString(16)}}$`, "iu");
    for (const other of [lower, upper, upper.toLowerCase(), lower.toUpperCase()]) {
      const o = single(other);
      if (o !== undefined && o !== cp && same.test(other)) union(cp, o);
    }
  }
  const members = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const r = find(cp);
    const list = members.get(r) ?? [];
    list.push(cp);
    members.set(r, list);
  }
  const out = new Map<number, readonly number[]>();
  for (const list of members.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a - b);
    for (const cp of list) out.set(cp, list);
  }
  return out;
}

/** Every code point the `i` flag lets match `cp` (`cp` itself included), in order. */
export function caseVariants(cp: number): readonly number[] {
  classes ??= build();
  return classes.get(cp) ?? [cp];
}

/** Every code point that has case variants, with them: for widening ranges. */
export function casedClasses(): Iterable<readonly number[]> {
  classes ??= build();
  return new Set(classes.values());
}
