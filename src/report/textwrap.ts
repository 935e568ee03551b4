/**
 * Python's `textwrap.fill(text, width, subsequent_indent=...)` with its defaults, which Ruffus
 * applies to every printout line: whitespace characters become spaces, words break after
 * hyphens, over-long words are cut, and whitespace at line ends is dropped.
 */

function chunks(text: string): string[] {
  // Python's word separator: runs of whitespace, and words split after a hyphen between letters.
  const out: string[] = [];
  for (const m of text.matchAll(/\s+|[^\s]+/g)) {
    const piece = m[0];
    if (/^\s/.test(piece)) {
      out.push(piece);
      continue;
    }
    let rest = piece;
    for (;;) {
      const h = /^([^-]*?\w-+)(?=\w)/.exec(rest);
      if (!h || h[1].length === rest.length) break;
      out.push(h[1]);
      rest = rest.slice(h[1].length);
    }
    out.push(rest);
  }
  return out;
}

/** Wraps one paragraph; returns the lines joined with "\n". */
export function fill(text: string, width: number, subsequentIndent = ""): string {
  const expanded = text.replace(/\t/g, "        ").replace(/[\n\r\v\f]/g, " ");
  const parts = chunks(expanded);
  const lines: string[] = [];
  let i = 0;
  while (i < parts.length) {
    const indent = lines.length ? subsequentIndent : "";
    const room = width - indent.length;
    // Whitespace at the start of a line is dropped, except at the very start of the text.
    if (lines.length && /^\s+$/.test(parts[i])) i++;
    const cur: string[] = [];
    let len = 0;
    while (i < parts.length) {
      const p = parts[i];
      if (len + p.length <= room) {
        cur.push(p);
        len += p.length;
        i++;
      } else break;
    }
    if (i < parts.length && parts[i].length > room && (cur.length === 0 || len < room)) {
      // A word longer than a whole line is cut to fill the current line.
      const space = Math.max(room - len, 1);
      cur.push(parts[i].slice(0, space));
      parts[i] = parts[i].slice(space);
    }
    while (cur.length && /^\s+$/.test(cur[cur.length - 1])) cur.pop();
    if (cur.length || i >= parts.length) {
      if (cur.length) lines.push(indent + cur.join(""));
    }
    if (!cur.length && i < parts.length && /^\s+$/.test(parts[i])) i++;
  }
  return lines.join("\n");
}
