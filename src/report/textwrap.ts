/**
 * Python's `textwrap.fill(text, width, subsequent_indent=...)` with its defaults, which Ruffus
 * applies to every printout line: tabs expand to 8-column stops, whitespace characters become
 * spaces, words split after hyphens between letters, over-long words are cut, and whitespace at
 * the ends of lines is dropped. The chunking regular expression is Python's `wordsep_re`.
 */

const WS = "[\\t\\n\\x0b\\x0c\\r ]";
const NWS = "[^\\t\\n\\x0b\\x0c\\r ]";
const WORD = "[\\p{L}\\p{N}\\p{M}_]";
const WORD_PUNCT = "[\\p{L}\\p{N}\\p{M}_!\"'&.,?]";
const LETTER = "[\\p{L}\\p{M}_]";

const WORDSEP = new RegExp(
  `(${WS}+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=${WORD})` +
    `|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}${WORD})))`,
  "u",
);

/** `str.expandtabs(8)`: tab stops every 8 columns, counted from the last line break. */
function expandTabs(text: string): string {
  let out = "";
  let col = 0;
  for (const ch of text) {
    if (ch === "\t") {
      const n = 8 - (col % 8);
      out += " ".repeat(n);
      col += n;
    } else {
      out += ch;
      col = ch === "\n" || ch === "\r" ? 0 : col + 1;
    }
  }
  return out;
}

function chunks(text: string): string[] {
  const munged = expandTabs(text).replace(/[\t\n\x0b\x0c\r]/g, " ");
  return munged.split(WORDSEP).filter((c) => c);
}

/** Wraps one paragraph the way Python's `textwrap.fill` does; returns the lines joined with "\n". */
export function fill(text: string, width: number, subsequentIndent = ""): string {
  const reversed = chunks(text).reverse();
  const lines: string[] = [];
  while (reversed.length) {
    const line: string[] = [];
    let len = 0;
    const indent = lines.length ? subsequentIndent : "";
    const room = width - indent.length;
    if (lines.length && reversed[reversed.length - 1].trim() === "") reversed.pop();
    while (reversed.length) {
      const l = reversed[reversed.length - 1].length;
      if (len + l > room) break;
      line.push(reversed.pop() as string);
      len += l;
    }
    if (reversed.length && reversed[reversed.length - 1].length > room) {
      // A word longer than a line: cut it, after a hyphen if one is in reach.
      const spaceLeft = room < 1 ? 1 : room - len;
      const chunk = reversed[reversed.length - 1];
      let end = spaceLeft;
      if (chunk.length > spaceLeft) {
        const hyphen = chunk.lastIndexOf("-", spaceLeft - 1);
        if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
      }
      line.push(chunk.slice(0, end));
      reversed[reversed.length - 1] = chunk.slice(end);
    }
    if (line.length && line[line.length - 1].trim() === "") line.pop();
    if (line.length) lines.push(indent + line.join(""));
  }
  return lines.join("\n");
}
