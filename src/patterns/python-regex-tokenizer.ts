/**
 * Python's `re._parser.Tokenizer` and `re.error` text, shared by the pattern and the replacement
 * template parsers. Positions count code points, as Python does.
 */

import { PythonError } from "./errors.ts";
import { pyStrRepr } from "./py-repr.ts";

/** A Python feature with no JavaScript equivalent; reported like Python's own errors. */
export class UnsupportedRegexError extends Error {
  override name = "UnsupportedRegexError";
}

const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

/** Python `str.isidentifier()` (names are compared after NFKC normalisation, as Python does). */
export const isIdentifier = (s: string): boolean => IDENTIFIER.test(s.normalize("NFKC"));

/** Length in code points, the unit of Python's error positions. */
export const cpLen = (s: string): number => Array.from(s).length;

/** Python `re.error(msg, pattern, pos)`'s text. */
export function reErrorText(msg: string, chars: readonly string[], pos: number): string {
  let text = `${msg} at position ${pos}`;
  if (chars.includes("\n")) {
    const before = chars.slice(0, pos);
    const line = before.filter((c) => c === "\n").length + 1;
    const col = pos - before.lastIndexOf("\n");
    text += ` (line ${line}, column ${col})`;
  }
  return text;
}

/** Python's `re._parser.Tokenizer`: yields single characters or two-character escapes. */
export class Tokenizer {
  readonly chars: string[];
  index = 0;
  next: string | null = null;
  private nextLen = 0;

  constructor(readonly pattern: string) {
    this.chars = Array.from(pattern);
    this.advance();
  }

  private advance(): void {
    let i = this.index;
    if (i >= this.chars.length) {
      this.next = null;
      this.nextLen = 0;
      return;
    }
    let ch = this.chars[i];
    this.nextLen = 1;
    if (ch === "\\") {
      i += 1;
      this.nextLen = 2;
      if (i >= this.chars.length) {
        throw new PythonError("re.error", reErrorText("bad escape (end of pattern)", this.chars, this.chars.length - 1));
      }
      ch += this.chars[i];
    }
    this.index = i + 1;
    this.next = ch;
  }

  match(ch: string): boolean {
    if (ch === this.next) {
      this.advance();
      return true;
    }
    return false;
  }

  get(): string | null {
    const t = this.next;
    this.advance();
    return t;
  }

  getWhile(n: number, charset: string): string {
    let result = "";
    for (let k = 0; k < n; k++) {
      const c = this.next;
      if (c === null || !charset.includes(c)) break;
      result += c;
      this.advance();
    }
    return result;
  }

  getUntil(terminator: string, name: string): string {
    let result = "";
    for (;;) {
      const c = this.next;
      this.advance();
      if (c === null) {
        if (result === "") throw this.error(`missing ${name}`);
        throw this.error(`missing ${terminator}, unterminated name`, cpLen(result));
      }
      if (c === terminator) {
        if (result === "") throw this.error(`missing ${name}`, 1);
        break;
      }
      result += c;
    }
    return result;
  }

  /** Whether `name>` follows, i.e. a JavaScript-style `(?<name>` group rather than a Python error. */
  peekNamedGroup(): boolean {
    const start = this.tell();
    const close = this.chars.indexOf(">", start);
    return close > start && isIdentifier(this.chars.slice(start, close).join(""));
  }

  /**
   * If `{text}` follows and `accept(text)`, consumes it and returns `text`; otherwise
   * consumes nothing (for JavaScript-only escapes `\u{...}` and `\p{...}`).
   */
  peekBraced(accept: (text: string) => boolean): string | null {
    const start = this.tell();
    if (this.chars[start] !== "{") return null;
    const close = this.chars.indexOf("}", start);
    if (close < 0) return null;
    const text = this.chars.slice(start + 1, close).join("");
    if (!accept(text)) return null;
    this.seek(close + 1);
    return text;
  }

  tell(): number {
    return this.index - this.nextLen;
  }

  seek(index: number): void {
    this.index = index;
    this.advance();
  }

  error(msg: string, offset = 0): PythonError {
    return new PythonError("re.error", reErrorText(msg, this.chars, this.tell() - offset));
  }

  unsupported(what: string, offset = 0): UnsupportedRegexError {
    return new UnsupportedRegexError(`${what} is not supported in JavaScript at position ${this.tell() - offset}`);
  }

  checkGroupName(name: string, offset: number): void {
    if (!isIdentifier(name)) throw this.error(`bad character in group name ${pyStrRepr(name)}`, cpLen(name) + offset);
  }
}
