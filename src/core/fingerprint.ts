/**
 * Fingerprints for checksum levels 2 and 3: a task function's source text (normalised token by
 * token, so that reformatting does not trigger reruns and the same source gives the same
 * fingerprint under Node, Deno and Bun) and a job's extras (stable across key order).
 */

/** A 53-bit string hash (cyrb53), as 14 hex digits: fast, pure JS, good enough to notice changes. */
export function hashString(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

const funcHashes = new WeakMap<object, string>();

/**
 * Fingerprint of a function's source: its text as the runtime gives it (Function.prototype.toString,
 * i.e. after tsx's, Deno's or Bun's TypeScript transpiler), normalised by {@link normaliseSource}.
 */
export function functionFingerprint(fn: unknown): string {
  if (typeof fn !== "function") return "";
  let h = funcHashes.get(fn);
  if (h === undefined) {
    let src: string;
    try {
      src = Function.prototype.toString.call(fn);
    } catch {
      src = fn.name;
    }
    h = hashString(normaliseSource(src));
    funcHashes.set(fn, h);
  }
  return h;
}

/** Stable text of a value: object keys sorted, functions by source, class instances by their own fields. */
export function stableText(v: unknown, seen: Set<unknown> = new Set()): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "function") return `fn:${functionFingerprint(v)}`;
  if (typeof v === "symbol") return v.toString();
  if (seen.has(v)) return "<cycle>";
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[${v.map((x) => stableText(x, seen)).join(",")}]`;
    if (v instanceof Set) return `set(${[...v].map((x) => stableText(x, seen)).sort().join(",")})`;
    if (v instanceof Map) return `map(${[...v].map(([k, x]) => `${stableText(k, seen)}:${stableText(x, seen)}`).sort().join(",")})`;
    if (v instanceof Date) return `date:${v.getTime()}`;
    const named = v as { displayName?: unknown };
    if (typeof named.displayName === "string") return `task:${named.displayName}`;
    const keys = Object.keys(v as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableText((v as Record<string, unknown>)[k], seen)}`).join(",")}}`;
  } finally {
    seen.delete(v);
  }
}

/** Most jobs have no extras: their fingerprint is made once. */
const NO_EXTRAS = hashString(stableText([]));

/** Fingerprint of a job's extras (Ruffus hashes `params[2:]`). */
export function paramsFingerprint(extras: readonly unknown[]): string {
  return extras.length ? hashString(stableText(extras)) : NO_EXTRAS;
}

// ---- Source normalisation ----------------------------------------------------------------------
//
// The three transpilers print the same TypeScript differently: tsx (esbuild) drops whitespace,
// comments, the last semicolon of a block, parentheses around a lone arrow parameter and `()` after
// `new X`, and writes `void 0`; Deno keeps comments, quotes and number spellings as written and puts
// array and object literals on many lines; Bun prints "\n" strings as template literals, drops the
// braces around a single statement, `new` before Error and `void 0` after `return`, writes `!0` for
// true, folds string constants into templates, and splits nothing it has merged: `const a = 1, b = 2`.
// The function text is cut into tokens and those differences are taken out; what remains is the
// code's structure, so that a real change (a name, a literal, an operator, a statement moved into or
// out of a block) still changes the fingerprint. What cannot be taken out (Bun's inlining of a
// constant used once, constant folding; tsx renaming a local that shadows a module-level name) is
// listed in the README.

/** A bracketed part of the token list. */
interface Group {
  readonly open: "(" | "[" | "{";
  items: Item[];
}
type Item = string | Group;

const PUNCTUATORS = [">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>"];
/** After these words an expression starts, so a `/` begins a regular expression. */
const BEFORE_EXPRESSION = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);
/** Constructors for which `new X(...)` and `X(...)` are the same (Bun drops the `new`). */
const NEW_OPTIONAL = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError", "Array", "Object", "Function", "RegExp"]);
/** Words after a block's `}` that continue its statement. */
const CONTINUES = new Set(["else", "catch", "finally", "in", "instanceof", "of", "as"]);

const isIdentifier = (t: Item): t is string => typeof t === "string" && /^[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*$/.test(t);
const isString = (t: Item): t is string => typeof t === "string" && t.startsWith('"');
const isGroup = (t: Item | undefined, open?: string): t is Group => typeof t === "object" && (open === undefined || t.open === open);

/** The value of the escapes in a string or template literal's text. */
function unescape(raw: string): string {
  return raw.replace(/\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\s\S]))/g, (_m, cp?: string, u?: string, x?: string, c?: string) => {
    if (cp) return String.fromCodePoint(parseInt(cp, 16));
    if (u || x) return String.fromCharCode(parseInt((u ?? x) as string, 16));
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v", "0": "\0", "\n": "", "\r\n": "", "\u2028": "", "\u2029": "" };
    return c !== undefined && c in simple ? simple[c] : (c ?? "");
  });
}

/** Cuts JavaScript source into normalised tokens (see above). */
class Tokenizer {
  private i = 0;
  constructor(private readonly src: string) {}

  /** Tokens up to the end, or (inside a template's `${`) up to its closing brace. */
  tokens(inSubstitution = false): string[] {
    const out: string[] = [];
    const src = this.src;
    let depth = 0;
    while (this.i < src.length) {
      const c = src[this.i];
      if (/\s/.test(c)) {
        this.i++;
      } else if (src.startsWith("//", this.i)) {
        const end = src.indexOf("\n", this.i);
        this.i = end < 0 ? src.length : end;
      } else if (src.startsWith("/*", this.i)) {
        const end = src.indexOf("*/", this.i + 2);
        this.i = end < 0 ? src.length : end + 2;
      } else if (c === '"' || c === "'") {
        out.push(JSON.stringify(unescape(this.quoted(c))));
      } else if (c === "`") {
        out.push(this.template(out[out.length - 1]));
      } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[this.i + 1] ?? ""))) {
        const m = /^(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?[\d_]*(?:[eE][+-]?[\d_]+)?)n?/.exec(src.slice(this.i)) as RegExpExecArray;
        this.i += m[0].length || 1;
        const text = m[0].replace(/_/g, "");
        out.push(text.endsWith("n") ? `${BigInt(text.slice(0, -1))}n` : String(Number(text)));
      } else if (/[A-Za-z_$\u0080-\uffff\\]/.test(c)) {
        const m = /^(?:[\w$\u0080-\uffff]|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]+\})+/.exec(src.slice(this.i));
        const word = m ? m[0] : c;
        this.i += word.length;
        out.push(unescape(word));
      } else if (c === "/" && this.regexAllowed(out[out.length - 1])) {
        out.push(this.regex());
      } else {
        if (inSubstitution && c === "}" && depth === 0) {
          this.i++;
          return out;
        }
        if (c === "{") depth++;
        if (c === "}") depth--;
        const p = PUNCTUATORS.find((q) => src.startsWith(q, this.i)) ?? c;
        this.i += p.length;
        out.push(p);
      }
    }
    return out;
  }

  private regexAllowed(prev: string | undefined): boolean {
    if (prev === undefined) return true;
    if (isIdentifier(prev)) return BEFORE_EXPRESSION.has(prev);
    return !(prev === ")" || prev === "]" || prev === "}" || isString(prev) || /^[0-9`/]/.test(prev));
  }

  private quoted(q: string): string {
    const start = ++this.i;
    while (this.i < this.src.length && this.src[this.i] !== q) this.i += this.src[this.i] === "\\" ? 2 : 1;
    return this.src.slice(start, this.i++);
  }

  private regex(): string {
    const start = this.i++;
    let inClass = false;
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === "\\") this.i++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) break;
      this.i++;
    }
    this.i++;
    while (/[a-z]/.test(this.src[this.i] ?? "")) this.i++;
    return this.src.slice(start, this.i);
  }

  /**
   * A template literal as one token. Untagged, its text counts by value (Bun prints "a\n" as a
   * template), with constant substitutions folded in (Bun folds `${"x"}`); tagged (String.raw`...`),
   * its raw text counts, as the tag sees it.
   */
  private template(prev: string | undefined): string {
    const tagged = prev !== undefined && (isIdentifier(prev) ? !BEFORE_EXPRESSION.has(prev) : prev === ")" || prev === "]");
    this.i++;
    const chunks: string[] = [""];
    const substitutions: string[][] = [];
    while (this.i < this.src.length && this.src[this.i] !== "`") {
      if (this.src.startsWith("${", this.i)) {
        this.i += 2;
        const expr = normaliseTokens(this.tokens(true));
        if (!tagged && expr.length === 1 && (isString(expr[0]) || /^[0-9]/.test(expr[0]))) {
          chunks[chunks.length - 1] += isString(expr[0]) ? (JSON.parse(expr[0]) as string) : expr[0];
        } else {
          substitutions.push(expr);
          chunks.push("");
        }
        continue;
      }
      const start = this.i;
      while (this.i < this.src.length && this.src[this.i] !== "`" && !this.src.startsWith("${", this.i)) this.i += this.src[this.i] === "\\" ? 2 : 1;
      const raw = this.src.slice(start, this.i);
      chunks[chunks.length - 1] += tagged ? raw : unescape(raw);
    }
    this.i++;
    if (!tagged && substitutions.length === 0) return JSON.stringify(chunks[0]);
    return "`" + JSON.stringify([chunks, substitutions.map((e) => e.join(" "))]);
  }
}

/** Nests the tokens by brackets; undefined when they do not balance. */
function nest(tokens: readonly string[]): Item[] | undefined {
  const root: Group = { open: "{", items: [] };
  const stack: Group[] = [root];
  const closer: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  for (const t of tokens) {
    if (t === "(" || t === "[" || t === "{") {
      const g: Group = { open: t, items: [] };
      stack[stack.length - 1].items.push(g);
      stack.push(g);
    } else if (t === ")" || t === "]" || t === "}") {
      const g = stack.pop();
      if (!g || stack.length === 0 || closer[g.open] !== t) return undefined;
    } else {
      stack[stack.length - 1].items.push(t);
    }
  }
  return stack.length === 1 ? root.items : undefined;
}

/** A list of items cut into statements: at `;`, and after a block's `}` that another statement follows. */
function statements(items: readonly Item[]): Item[][] {
  const out: Item[][] = [];
  let cur: Item[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    const next = items[k + 1];
    if (it === ";") {
      // Bun: `if (x) a(); else b();` is one statement.
      if (next === "else") {
        cur.push(it);
        continue;
      }
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    cur.push(it);
    if (isGroup(it, "{") && next !== undefined && startsStatement(next, cur)) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

function startsStatement(next: Item, cur: readonly Item[]): boolean {
  if (isGroup(next)) return next.open === "{";
  if (isIdentifier(next)) return !CONTINUES.has(next) && !(next === "while" && cur[0] === "do");
  return next === "!" || next === "~" || next === "++" || next === "--" || isString(next) || /^[0-9`/]/.test(next);
}

/** Normalises the items of one bracket group (and, first, every group inside it). */
function normaliseGroup(items: Item[], open: "(" | "[" | "{" | "top"): Item[] {
  for (const it of items) if (isGroup(it)) it.items = normaliseGroup(it.items, it.open);
  let out: Item[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    const next = items[k + 1];
    const last = out[out.length - 1];
    // tsx (esbuild) artefacts: `import_mod.name` for a named import in CommonJS, `(0, f)(...)`,
    // `__name(fn, "f")` and `static { __name(this, "K") }` for keepNames.
    if (typeof it === "string" && /^import_[\w$]+$/.test(it) && next === "." && isIdentifier(items[k + 2])) {
      k++;
      continue;
    }
    if (isGroup(it, "(") && it.items.length === 3 && it.items[0] === "0" && it.items[1] === "," && isIdentifier(it.items[2])) {
      out.push(it.items[2]);
      continue;
    }
    if (it === "static" && isGroup(next, "{") && isKeepNamesBlock(next.items)) {
      k++;
      continue;
    }
    if (it === "__name" && isGroup(next, "(") && next.items.length >= 3 && next.items[next.items.length - 2] === "," && isString(next.items[next.items.length - 1])) {
      out.push(...next.items.slice(0, -2));
      k++;
      continue;
    }
    // Spellings of the same value.
    if (it === "!" && (next === "0" || next === "1") && !(isIdentifier(last) && !BEFORE_EXPRESSION.has(last))) {
      out.push(next === "0" ? "true" : "false");
      k++;
      continue;
    }
    if (it === "void" && next === "0") {
      k++;
      // `return void 0;` and `return;` (Bun drops the value).
      if (!(last === "return" && (items[k + 1] === undefined || items[k + 1] === ";"))) out.push("undefined");
      continue;
    }
    if (it === "undefined" && last === "return" && (next === undefined || next === ";")) continue;
    if (it === "new" && typeof next === "string" && NEW_OPTIONAL.has(next) && isGroup(items[k + 2], "(")) continue;
    if (isGroup(it, "(") && it.items.length === 0 && emptyNewArguments(out, items[k + 1])) continue;
    // `(x) => ...` and `x => ...`.
    if (isGroup(it, "(") && it.items.length === 1 && isIdentifier(it.items[0]) && next === "=>") {
      out.push(it.items[0]);
      continue;
    }
    // Object keys: `'a': 1`, `"a": 1` and `a: 1`.
    if (open === "{" && isString(it) && next === ":" && (last === undefined || last === ",") && isIdentifier(JSON.parse(it) as string)) {
      out.push(JSON.parse(it) as string);
      continue;
    }
    // `=> { return x; }` and `=> x` (Bun collapses the first).
    if (last === "=>" && isGroup(it, "{")) {
      const body = statements(it.items);
      if (body.length === 1 && body[0][0] === "return" && body[0].length > 1) {
        const value = body[0].slice(1);
        out.push(...(value.includes(",") || isGroup(value[0], "{") ? [{ open: "(", items: value } as Group] : value));
        continue;
      }
    }
    out.push(it);
  }
  // A trailing comma.
  if (open !== "top" && out[out.length - 1] === ",") out.pop();
  if (open === "{") out = normaliseStatements(out);
  return out;
}

/** `__name(this, "K");` as esbuild puts it in a class's static block (its groups already normalised). */
function isKeepNamesBlock(items: readonly Item[]): boolean {
  const body = items.filter((t) => t !== ";");
  return (body.length === 1 && body[0] === "this") || (body.length === 2 && body[0] === "__name");
}

/** `new X()` and `new X` are the same, unless something follows that would bind to X instead. */
function emptyNewArguments(before: readonly Item[], after: Item | undefined): boolean {
  let k = before.length - 1;
  while (k >= 2 && before[k - 1] === "." && isIdentifier(before[k])) k -= 2;
  if (!(isIdentifier(before[k]) && before[k - 1] === "new")) return false;
  return !(after === "." || after === "?." || isGroup(after) || (typeof after === "string" && after.startsWith("`")));
}

/** In a block: braces around a lone statement, merged declarations and a leading directive. */
function normaliseStatements(items: readonly Item[]): Item[] {
  const unwrapped: Item[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    if (isGroup(it, "{") && isControlBody(unwrapped)) {
      const inner = statements(it.items);
      const first = inner[0]?.[0];
      const declares = first === "let" || first === "const" || first === "class" || first === "function" || (first === "async" && inner[0][1] === "function");
      // `if (a) { if (b) x(); } else y()`: without the braces, the else would belong to the inner if.
      const danglingElse = first === "if" && items[k + 1] === "else";
      if (inner.length === 1 && !declares && !danglingElse) {
        unwrapped.push(...inner[0], ";");
        continue;
      }
    }
    unwrapped.push(it);
  }
  const stmts = statements(unwrapped);
  // A leading string statement is a directive ("use strict", or a docstring, which Bun drops).
  if (stmts.length && stmts[0].length === 1 && isString(stmts[0][0])) stmts.shift();
  const out: Item[] = [];
  for (const s of stmts) {
    if ((s[0] === "const" || s[0] === "let" || s[0] === "var") && s[1] !== ":") {
      // `const a = 1, b = 2` (Bun merges declarations) and `const a = 1; const b = 2`.
      let decl: Item[] = [s[0]];
      for (const it of s.slice(1)) {
        if (it === ",") {
          out.push(...decl, ";");
          decl = [s[0]];
        } else decl.push(it);
      }
      out.push(...decl, ";");
    } else out.push(...s, ";");
  }
  return out;
}

/** The block being added to `before` is the body of if/for/while/with/else/do. */
function isControlBody(before: readonly Item[]): boolean {
  const last = before[before.length - 1];
  if (last === "else" || last === "do") return true;
  if (!isGroup(last, "(")) return false;
  const head = before[before.length - 2];
  return head === "if" || head === "while" || head === "with" || head === "for" || (head === "await" && before[before.length - 3] === "for");
}

/** The normalised tokens of a token list (statement-level semicolons dropped). */
function normaliseTokens(tokens: readonly string[]): string[] {
  const tree = nest(tokens);
  if (!tree) return [...tokens];
  const out: string[] = [];
  const flatten = (items: readonly Item[], statementLevel: boolean): void => {
    for (const it of items) {
      if (isGroup(it)) {
        out.push(it.open);
        flatten(it.items, it.open === "{");
        out.push(it.open === "(" ? ")" : it.open === "[" ? "]" : "}");
      } else if (!(statementLevel && it === ";")) out.push(it);
    }
  };
  flatten(normaliseGroup(tree, "top"), true);
  return out;
}

/**
 * A function's source text reduced to what its code does: tokens without whitespace, comments and
 * the differences between the transpilers' printing (see above), joined by single spaces.
 *
 * @example
 * normaliseSource("(x) => { return x + 1; }") === normaliseSource("x=>x+1") // true
 */
export function normaliseSource(src: string): string {
  try {
    return normaliseTokens(new Tokenizer(src).tokens()).join(" ");
  } catch {
    // Text this tokenizer cannot follow: whitespace alone is normalised.
    return src.replace(/\s+/g, " ").trim();
  }
}
