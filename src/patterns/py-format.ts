/**
 * Python `str.format` (CPython 3.11 `unicode_format.h` rules), the engine behind `formatter()`.
 *
 * Parsing and rendering are interleaved as in CPython, so when a template has several problems the
 * same one is reported first. Errors are `PythonError`s carrying Python's exception type and text:
 * Ruffus turns `KeyError`/`IndexError` into "Unmatched field {...}" using `arg0`.
 */

import { PythonError } from "./errors.ts";
import { formatWithSpec } from "./py-format-spec.ts";
import { pyRepr, pyStr, pyTypeName } from "./py-repr.ts";

interface AutoNumber {
  state: "init" | "auto" | "manual";
  next: number;
}

const NON_DIGIT = /\P{Nd}/u;

/** CPython `get_integer`: the value of a run of Unicode decimal digits, or -1. */
export function decimalValue(text: string): number {
  if (text === "" || NON_DIGIT.test(text)) return -1;
  let value = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    let start = cp;
    while (!NON_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    value = value * 10 + ((cp - start) % 10);
    if (value > Number.MAX_SAFE_INTEGER) throw new PythonError("ValueError", "Too many decimal digits in format string");
  }
  return value;
}

function keyError(key: string | number): PythonError {
  return new PythonError("KeyError", pyRepr(key), String(key));
}

function isSequence(x: unknown): x is string | readonly unknown[] {
  return typeof x === "string" || Array.isArray(x);
}

function isDictLike(x: unknown): x is object {
  if (typeof x !== "object" || x === null || Array.isArray(x) || x instanceof Set) return false;
  if (x instanceof Map) return true;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function getItem(obj: unknown, key: string | number): unknown {
  if (typeof key === "number" && isSequence(obj)) {
    if (typeof obj === "string") {
      const chars = Array.from(obj);
      if (key >= chars.length) throw new PythonError("IndexError", "string index out of range");
      return chars[key];
    }
    if (key >= obj.length) throw new PythonError("IndexError", "list index out of range");
    return obj[key];
  }
  if (obj instanceof Map) {
    if (!obj.has(key)) throw keyError(key);
    return obj.get(key);
  }
  if (isDictLike(obj)) {
    // A plain object stands for a dict; its keys are strings, so `[0]` looks up "0".
    const k = String(key);
    if (!Object.prototype.hasOwnProperty.call(obj, k)) throw keyError(key);
    return (obj as Record<string, unknown>)[k];
  }
  if (typeof obj === "string") throw new PythonError("TypeError", "string indices must be integers, not 'str'");
  if (Array.isArray(obj)) throw new PythonError("TypeError", "list indices must be integers or slices, not str");
  throw new PythonError("TypeError", `'${pyTypeName(obj)}' object is not subscriptable`);
}

function getAttr(obj: unknown, name: string): never {
  throw new PythonError("AttributeError", `'${pyTypeName(obj)}' object has no attribute '${name}'`);
}

class Formatter {
  constructor(
    private readonly args: readonly unknown[],
    private readonly kwargs: Readonly<Record<string, unknown>>,
    private readonly auto: AutoNumber,
  ) {}

  build(chars: readonly string[], depth: number): string {
    if (depth <= 0) throw new PythonError("ValueError", "Max string recursion exceeded");
    let out = "";
    let i = 0;
    const n = chars.length;
    while (i < n) {
      let c = "";
      const start = i;
      let markup = false;
      while (i < n) {
        c = chars[i++];
        if (c === "{" || c === "}") {
          markup = true;
          break;
        }
      }
      const atEnd = i >= n;
      let len = i - start;
      if (c === "}" && markup && (atEnd || chars[i] !== "}")) throw new PythonError("ValueError", "Single '}' encountered in format string");
      if (atEnd && c === "{" && markup) throw new PythonError("ValueError", "Single '{' encountered in format string");
      if (markup && !atEnd) {
        if (chars[i] === c) {
          i++;
          markup = false;
        } else len--;
      }
      out += chars.slice(start, start + len).join("");
      if (!markup) continue;
      const field = this.parseField(chars, i);
      i = field.next;
      out += this.render(field, depth);
    }
    return out;
  }

  private parseField(chars: readonly string[], from: number) {
    let i = from;
    const n = chars.length;
    let c = "";
    const nameStart = i;
    while (i < n) {
      c = chars[i++];
      if (c === "{") throw new PythonError("ValueError", "unexpected '{' in field name");
      if (c === "[") {
        while (i < n && chars[i] !== "]") i++;
        c = "";
        continue;
      }
      if (c === "}" || c === ":" || c === "!") break;
      c = "";
    }
    const name = chars.slice(nameStart, c === "" ? i : i - 1).join("");
    let conversion = "";
    let spec = "";
    let specNeedsExpanding = false;
    if (c === "!" || c === ":") {
      if (c === "!") {
        if (i >= n) throw new PythonError("ValueError", "end of string while looking for conversion specifier");
        conversion = chars[i++];
        if (i < n) {
          const d = chars[i++];
          if (d === "}") return { name, conversion, spec, specNeedsExpanding, next: i };
          if (d !== ":") throw new PythonError("ValueError", "expected ':' after conversion specifier");
        }
      }
      const specStart = i;
      let count = 1;
      while (i < n) {
        const d = chars[i++];
        if (d === "{") {
          specNeedsExpanding = true;
          count++;
        } else if (d === "}") {
          count--;
          if (count === 0) {
            spec = chars.slice(specStart, i - 1).join("");
            return { name, conversion, spec, specNeedsExpanding, next: i };
          }
        }
      }
      throw new PythonError("ValueError", "unmatched '{' in format spec");
    }
    if (c !== "}") throw new PythonError("ValueError", "expected '}' before end of string");
    return { name, conversion, spec, specNeedsExpanding, next: i };
  }

  private render(field: { name: string; conversion: string; spec: string; specNeedsExpanding: boolean }, depth: number): string {
    let value = this.lookup(field.name);
    let converted: string | null = null;
    if (field.conversion !== "") {
      const conv = field.conversion;
      if (conv === "r") converted = pyRepr(value);
      else if (conv === "s") converted = pyStr(value);
      else if (conv === "a") converted = pyRepr(value, true);
      else {
        const cp = conv.codePointAt(0) as number;
        const shown = cp > 32 && cp < 127 ? conv : `\\x${cp.toString(16)}`;
        throw new PythonError("ValueError", `Unknown conversion specifier ${shown}`);
      }
      value = converted;
    }
    const spec = field.specNeedsExpanding ? this.build(Array.from(field.spec), depth - 1) : field.spec;
    return formatWithSpec(value, spec);
  }

  private lookup(fieldName: string): unknown {
    const chars = Array.from(fieldName);
    let i = 0;
    while (i < chars.length && chars[i] !== "[" && chars[i] !== ".") i++;
    const first = chars.slice(0, i).join("");
    let index = decimalValue(first);
    const empty = first === "";
    if (empty || index !== -1) {
      if (this.auto.state === "init") this.auto.state = empty ? "auto" : "manual";
      if (this.auto.state === "manual" && empty) {
        throw new PythonError("ValueError", "cannot switch from manual field specification to automatic field numbering");
      }
      if (this.auto.state !== "manual" && !empty) {
        throw new PythonError("ValueError", "cannot switch from automatic field numbering to manual field specification");
      }
      if (empty) index = this.auto.next++;
    }
    let obj: unknown;
    if (index === -1) {
      if (!Object.prototype.hasOwnProperty.call(this.kwargs, first)) throw keyError(first);
      obj = this.kwargs[first];
    } else {
      if (index >= this.args.length) {
        throw new PythonError("IndexError", `Replacement index ${index} out of range for positional args tuple`);
      }
      obj = this.args[index];
    }
    while (i < chars.length) {
      const c = chars[i++];
      let name: string;
      if (c === ".") {
        const s = i;
        while (i < chars.length && chars[i] !== "[" && chars[i] !== ".") i++;
        name = chars.slice(s, i).join("");
        if (name === "") throw new PythonError("ValueError", "Empty attribute in format string");
        obj = getAttr(obj, name);
      } else if (c === "[") {
        const s = i;
        while (i < chars.length && chars[i] !== "]") i++;
        if (i >= chars.length) throw new PythonError("ValueError", "Missing ']' in format string");
        name = chars.slice(s, i).join("");
        i++;
        if (name === "") throw new PythonError("ValueError", "Empty attribute in format string");
        const key = decimalValue(name);
        obj = getItem(obj, key === -1 ? name : key);
      } else {
        throw new PythonError("ValueError", "Only '.' or '[' may follow ']' in format field specifier");
      }
    }
    return obj;
  }
}

/**
 * Python `template.format(*positional, **named)`.
 *
 * Supports `{0}`, `{}`, `{name}`, `{name[0][1]}` (integer keys index lists/strings and `Map`s with
 * number keys; other keys are strings), `{{`/`}}`, `!r`/`!s`/`!a`, nested `{x:{w}}` specs and the
 * format-spec mini-language. Values follow the mapping of `pyRepr` (an array formats as its
 * Python repr `['a', 'b']`). Attribute access (`{x.attr}`) always fails as on a builtin value.
 * Throws `PythonError` (`KeyError`, `IndexError`, `ValueError`, `TypeError`, `AttributeError`).
 */
export function pyFormat(template: string, positional: readonly unknown[], named: Readonly<Record<string, unknown>>): string {
  const formatter = new Formatter(positional, named, { state: "init", next: 0 });
  return formatter.build(Array.from(template), 2);
}
