/**
 * Python's format-spec mini-language, `format(value, spec)`, for the value kinds a file-name
 * template meets: str fully; int (`d`, `b`, `o`, `x`, `X`, `c`, `n`) and float (`f`, `F`, `e`,
 * `E`, `%`, none) for width/fill/align/sign/grouping/precision; any other value only with an
 * empty spec, as for Python objects without `__format__`.
 */

import { PythonError } from "./errors.ts";
import { pyFloatRepr, pyStr, pyTypeName } from "./py-repr.ts";

interface Spec {
  fill: string;
  align: string;
  alignGiven: boolean;
  sign: string;
  z: boolean;
  alternate: boolean;
  width: number;
  grouping: "" | "," | "_";
  precision: number;
  type: string;
}

const ALIGN = "<>=^";
const NON_DIGIT = /\P{Nd}/u;

function valueError(msg: string): PythonError {
  return new PythonError("ValueError", msg);
}

function readInteger(chars: readonly string[], pos: number): { value: number; next: number } {
  let value = 0;
  let i = pos;
  while (i < chars.length && !NON_DIGIT.test(chars[i])) {
    const cp = chars[i].codePointAt(0) as number;
    let start = cp;
    while (!NON_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    value = value * 10 + ((cp - start) % 10);
    if (value > Number.MAX_SAFE_INTEGER) throw valueError("Too many decimal digits in format string");
    i++;
  }
  return { value: i === pos ? -1 : value, next: i };
}

function parseSpec(spec: string, typeName: string, defaultType: string, defaultAlign: string): Spec {
  const c = Array.from(spec);
  const s: Spec = { fill: " ", align: defaultAlign, alignGiven: false, sign: "", z: false, alternate: false, width: -1, grouping: "", precision: -1, type: defaultType };
  let pos = 0;
  let fillGiven = false;
  if (c.length >= 2 && ALIGN.includes(c[1])) {
    s.fill = c[0];
    s.align = c[1];
    fillGiven = s.alignGiven = true;
    pos = 2;
  } else if (c.length >= 1 && ALIGN.includes(c[0])) {
    s.align = c[0];
    s.alignGiven = true;
    pos = 1;
  }
  if (pos < c.length && "+- ".includes(c[pos])) s.sign = c[pos++];
  if (pos < c.length && c[pos] === "z") (s.z = true), pos++;
  if (pos < c.length && c[pos] === "#") (s.alternate = true), pos++;
  if (!fillGiven && pos < c.length && c[pos] === "0") {
    s.fill = "0";
    if (!s.alignGiven && defaultAlign === ">") s.align = "=";
    pos++;
  }
  const w = readInteger(c, pos);
  s.width = w.value;
  pos = w.next;
  if (pos < c.length && c[pos] === ",") (s.grouping = ","), pos++;
  if (pos < c.length && c[pos] === "_") {
    if (s.grouping !== "") throw valueError("Cannot specify both ',' and '_'.");
    s.grouping = "_";
    pos++;
  }
  if (pos < c.length && c[pos] === "," && s.grouping === "_") throw valueError("Cannot specify both ',' and '_'.");
  if (pos < c.length && c[pos] === ".") {
    const p = readInteger(c, pos + 1);
    if (p.value === -1) throw valueError("Format specifier missing precision");
    s.precision = p.value;
    pos = p.next;
  }
  if (c.length - pos > 1) throw valueError(`Invalid format specifier '${spec}' for object of type '${typeName}'`);
  if (c.length - pos === 1) s.type = c[pos];
  if (s.grouping !== "" && !"defgEGF%".includes(s.type) && !(s.grouping === "_" && "boxX".includes(s.type))) {
    throw valueError(`Cannot specify '${s.grouping}' with '${s.type}'.`);
  }
  return s;
}

function unknownCode(type: string, typeName: string): PythonError {
  const cp = type.codePointAt(0) as number;
  const shown = cp > 32 && cp < 128 ? type : `\\x${cp.toString(16)}`;
  return valueError(`Unknown format code '${shown}' for object of type '${typeName}'`);
}

function pad(body: string, s: Spec, signLength = 0): string {
  const len = Array.from(body).length;
  if (s.width <= len) return body;
  const total = s.width - len;
  if (s.align === ">") return s.fill.repeat(total) + body;
  if (s.align === "^") {
    const left = Math.floor(total / 2);
    return s.fill.repeat(left) + body + s.fill.repeat(total - left);
  }
  if (s.align === "=") return body.slice(0, signLength) + s.fill.repeat(total) + body.slice(signLength);
  return body + s.fill.repeat(total);
}

function formatStr(value: string, spec: string): string {
  if (spec === "") return value;
  const s = parseSpec(spec, "str", "s", "<");
  if (s.type !== "s") throw unknownCode(s.type, "str");
  if (s.sign !== "") throw valueError("Sign not allowed in string format specifier");
  if (s.z) throw valueError("Negative zero coercion (z) not allowed in format string");
  if (s.alternate) throw valueError("Alternate form (#) not allowed in string format specifier");
  if (s.align === "=") throw valueError("'=' alignment not allowed in string format specifier");
  const body = s.precision >= 0 ? Array.from(value).slice(0, s.precision).join("") : value;
  return pad(body, s);
}

function group(digits: string, sep: string, every: number): string {
  if (sep === "") return digits;
  let out = "";
  for (let i = digits.length; i > 0; i -= every) out = digits.slice(Math.max(0, i - every), i) + (out === "" ? "" : sep + out);
  return out;
}

function signed(negative: boolean, s: Spec): string {
  if (negative) return "-";
  return s.sign === "+" ? "+" : s.sign === " " ? " " : "";
}

function formatInt(value: bigint, spec: string, typeName: string): string {
  const s = parseSpec(spec, typeName, "d", ">");
  if ("eEfFgG%".includes(s.type)) return formatFloat(Number(value), spec);
  if (!"bcdoxXn".includes(s.type)) throw unknownCode(s.type, typeName);
  if (s.precision >= 0) throw valueError("Precision not allowed in integer format specifier");
  if (s.type === "c") {
    if (s.sign !== "") throw valueError("Sign not allowed with integer format specifier 'c'");
    if (s.alternate) throw valueError("Alternate form (#) not allowed with integer format specifier 'c'");
    return pad(String.fromCodePoint(Number(value)), s);
  }
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const radix = { b: 2, o: 8, x: 16, X: 16 }[s.type as "b"] ?? 10;
  let digits = abs.toString(radix);
  if (s.type === "X") digits = digits.toUpperCase();
  const prefix = s.alternate && radix !== 10 ? `0${s.type === "X" ? "X" : s.type}` : "";
  const lead = signed(negative, s) + prefix;
  if (s.align === "=" && s.fill === "0" && s.grouping !== "" && s.width > 0) {
    // Zero padding is grouped too, as in Python: format(1234, "010,") == "00,001,234".
    const every = radix === 10 ? 3 : 4;
    let padded = digits;
    while (Array.from(lead + group(padded, s.grouping, every)).length < s.width) padded = "0" + padded;
    return lead + group(padded, s.grouping, every);
  }
  return pad(lead + group(digits, s.grouping, radix === 10 ? 3 : 4), s, lead.length);
}

function formatFloat(value: number, spec: string): string {
  const s = parseSpec(spec, "float", "", ">");
  if (!"fFeE%".includes(s.type) && s.type !== "") throw unknownCode(s.type, "float");
  const negative = value < 0 || Object.is(value, -0);
  const abs = Math.abs(value);
  let body: string;
  if (!Number.isFinite(abs)) body = Number.isNaN(abs) ? "nan" : "inf";
  else if (s.type === "f" || s.type === "F") body = abs.toFixed(s.precision < 0 ? 6 : s.precision);
  else if (s.type === "%") body = (abs * 100).toFixed(s.precision < 0 ? 6 : s.precision) + "%";
  else if (s.type === "e" || s.type === "E") {
    const [m, e] = abs.toExponential(s.precision < 0 ? 6 : s.precision).split("e");
    body = `${m}e${e[0]}${e.slice(1).padStart(2, "0")}`;
  } else body = s.precision < 0 ? pyFloatRepr(abs) : pyFloatRepr(Number(abs.toPrecision(Math.max(1, s.precision))));
  if (s.type === "F" || s.type === "E") body = body.toUpperCase();
  if (s.grouping !== "") {
    const dot = body.search(/[.e%]/);
    const intPart = dot === -1 ? body : body.slice(0, dot);
    body = group(intPart, s.grouping, 3) + (dot === -1 ? "" : body.slice(dot));
  }
  const lead = signed(negative && !(s.z && Number(body.replace(/[^0-9.]/g, "")) === 0), s);
  return pad(lead + body, s, lead.length);
}

/** Python `format(value, spec)`. */
export function formatWithSpec(value: unknown, spec: string): string {
  if (typeof value === "string") return formatStr(value, spec);
  if (spec === "") return pyStr(value);
  if (typeof value === "bigint") return formatInt(value, spec, "int");
  if (typeof value === "boolean") return formatInt(value ? 1n : 0n, spec, "bool");
  if (typeof value === "number") {
    return Number.isInteger(value) ? formatInt(BigInt(value), spec, "int") : formatFloat(value, spec);
  }
  throw new PythonError("TypeError", `unsupported format string passed to ${pyTypeName(value)}.__format__`);
}
