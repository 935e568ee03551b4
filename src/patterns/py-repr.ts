/**
 * Python `repr()` / `str()` of JavaScript values.
 *
 * Ruffus's messages (and `str.format` of a list component) print Python reprs, so the port needs
 * the same text: `['a', 'b']`, `{0: 'x'}`, `None`. Mapping: string → str, integer number → int,
 * other number → float, boolean → bool, null/undefined → None, Array → list, Map → dict,
 * Set → set, other plain object → dict with str keys.
 */

// Python's str.isprintable() is false for these categories (plus every separator but ' ').
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, "0");
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** Python `repr(s)` of a str (`ascii(s)` when `asciiOnly`). */
export function pyStrRepr(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += escapeCodePoint(cp);
    else if (cp < 0x7f) out += ch;
    else if (asciiOnly || (ch !== " " && NON_PRINTABLE.test(ch))) out += escapeCodePoint(cp);
    else out += ch;
  }
  return out + quote;
}

/** Python `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The Python type name of a JavaScript value, for error messages. */
export function pyTypeName(x: unknown): string {
  if (x === null || x === undefined) return "NoneType";
  if (typeof x === "string") return "str";
  if (typeof x === "boolean") return "bool";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "bigint") return "int";
  if (Array.isArray(x)) return "list";
  if (x instanceof Map) return "dict";
  if (x instanceof Set) return "set";
  if (typeof x === "function") return "function";
  if (typeof x === "object" && isPlainObject(x)) return "dict";
  return "object";
}

/** Python `repr()` of a JavaScript value. */
export function pyRepr(x: unknown, asciiOnly = false): string {
  const r = (v: unknown): string => pyRepr(v, asciiOnly);
  if (x === null || x === undefined) return "None";
  if (typeof x === "string") return pyStrRepr(x, asciiOnly);
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "number") return Number.isInteger(x) && Math.abs(x) < 1e21 ? x.toFixed(0) : pyFloatRepr(x);
  if (typeof x === "bigint") return x.toString();
  if (Array.isArray(x)) return `[${x.map(r).join(", ")}]`;
  if (x instanceof Map) return `{${[...x].map(([k, v]) => `${r(k)}: ${r(v)}`).join(", ")}}`;
  if (x instanceof Set) return x.size === 0 ? "set()" : `{${[...x].map(r).join(", ")}}`;
  if (typeof x === "object" && isPlainObject(x)) {
    return `{${Object.entries(x).map(([k, v]) => `${r(k)}: ${r(v)}`).join(", ")}}`;
  }
  return String(x);
}

/** Python `str()` of a JavaScript value: a str is itself, everything else its repr. */
export function pyStr(x: unknown): string {
  return typeof x === "string" ? x : pyRepr(x);
}

/** Python `repr(tuple)`: `()`, `(1,)`, `(1, 2)`. */
export function pyTupleRepr(items: readonly unknown[]): string {
  if (items.length === 1) return `(${pyRepr(items[0])},)`;
  return `(${items.map((v) => pyRepr(v)).join(", ")})`;
}
