/**
 * The indicator constructors `suffix()`, `regex()`, `formatter()` and their validation.
 *
 * Ruffus accepts any arguments and complains when the task is declared; here the constructor
 * complains at once, with Ruffus's message text (without the task-description prefix, which the
 * caller adds). A `RegExp` argument is turned into Python pattern text, its `i`/`m`/`s` flags
 * becoming a leading `(?ims)`, so the filter stays plain data.
 */

import { PatternSyntaxError } from "./errors.ts";
import { pyRepr, pyStr, pyTupleRepr } from "./py-repr.ts";
import { compilePythonRegex, pyEscape } from "./python-regex.ts";
import type { FileFilter, FormatterFilter, RegexFilter, SuffixFilter } from "./types.ts";

function patternText(re: RegExp): string {
  const flags = [...re.flags].filter((f) => "ims".includes(f)).join("");
  return flags === "" ? re.source : `(?${flags})${re.source}`;
}

/** Ruffus `compile_suffix`: the regex `(.*)<escaped suffix>$`, or the malformed-suffix error. */
export function compileSuffix(args: readonly unknown[]): RegExp {
  if (args.length === 0) {
    throw new PatternSyntaxError("suffix() is malformed.\nsuffix(...) should be used to wrap a string matching the suffices of file names");
  }
  if (args.length > 1 || typeof args[0] !== "string") {
    throw new PatternSyntaxError(
      `suffix('${pyTupleRepr(args)}') is malformed.\nsuffix(...) should only be used to wrap a single string matching the suffices of file names`,
    );
  }
  try {
    return compilePythonRegex(`(.*)${pyEscape(args[0])}$`);
  } catch (e) {
    throw new PatternSyntaxError(`suffix('${args[0]}') is somehow malformed\n[${(e as Error).message}]`);
  }
}

/** Ruffus `compile_regex`: the compiled pattern, or the malformed-regex error. */
export function compileRegex(args: readonly unknown[]): RegExp {
  if (args.length !== 1 || typeof args[0] !== "string") {
    const shown = args.length === 0 ? "" : args.length > 1 ? pyTupleRepr(args).slice(1, -1) : pyTupleRepr(args);
    throw new PatternSyntaxError(`regex(${shown}) is malformed\nregex(...) should only be used to wrap a single regular expression string`);
  }
  try {
    return compilePythonRegex(args[0]);
  } catch (e) {
    throw new PatternSyntaxError(`regular expression regex('${args[0]}') is malformed\n[${(e as Error).message}]`);
  }
}

/** Ruffus `compile_formatter`: one compiled regex (or `null`) per argument, or the malformed-formatter error. */
export function compileFormatter(args: readonly unknown[]): (RegExp | null)[] {
  const shown = pyTupleRepr(args).slice(1, -1);
  return args.map((ss) => {
    if (ss === null || ss === undefined) return null;
    if (typeof ss !== "string") {
      throw new PatternSyntaxError(
        `formatter(${shown}) is malformed\nformatter(...) should only be used to wrap regular expression strings or None (not "${pyStr(ss)}")`,
      );
    }
    try {
      return compilePythonRegex(ss);
    } catch (e) {
      throw new PatternSyntaxError(`in formatter(${shown}) \nregular expression "${ss}" is malformed\n[${(e as Error).message}]`);
    }
  });
}

/**
 * Matches input file names ending in `ext`; the part before it is group 1. In an output pattern
 * the suffix is replaced (`"\1"` is implied unless the pattern uses `\1` or `\g<1>`); in extras
 * and `add_inputs` the pattern is a plain regex replacement of the whole file name.
 *
 * @example
 * suffix(".c") // with output ".o": "src/a.c" -> "src/a.o"
 */
export function suffix(ext: string): SuffixFilter;
export function suffix(...args: unknown[]): SuffixFilter {
  compileSuffix(args);
  return Object.freeze({ kind: "suffix", pattern: args[0] as string });
}

/**
 * A Python-syntax regular expression searched in the first input file name; every match is
 * replaced (Python `re.sub`), so text outside the match is kept. A `RegExp` contributes its
 * source and its `i`/`m`/`s` flags.
 *
 * @example
 * regex(String.raw`(.+)\.txt$`) // with output String.raw`\1.csv`: "a.txt" -> "a.csv"
 */
export function regex(pattern: string | RegExp): RegexFilter;
export function regex(...args: unknown[]): RegexFilter {
  const converted = args.map((a) => (a instanceof RegExp ? patternText(a) : a));
  compileRegex(converted);
  return Object.freeze({ kind: "regex", pattern: converted[0] as string });
}

/**
 * Python `str.format` templates over the parts of every input file name: `{basename[0]}`,
 * `{ext[0]}`, `{path[0]}` (absolute), `{subdir[0][1]}`, `{subpath[0][1]}`, plus the groups of
 * optional regexes, regex *i* searched in the absolute path of input *i* (`null` = no constraint).
 *
 * @example
 * formatter(String.raw`(?P<stem>[^/]+)\.txt$`) // output "{path[0]}/{stem[0]}.csv"
 */
export function formatter(...patterns: (string | RegExp | null | undefined)[]): FormatterFilter;
export function formatter(...args: unknown[]): FormatterFilter {
  const converted = args.map((a) => (a instanceof RegExp ? patternText(a) : a === undefined ? null : a));
  compileFormatter(converted);
  return Object.freeze({ kind: "formatter", patterns: Object.freeze(converted as (string | null)[]) });
}

/** Whether `x` is a `suffix()`, `regex()` or `formatter()` value (or an object of the same shape). */
export function isFileFilter(x: unknown): x is FileFilter {
  if (typeof x !== "object" || x === null) return false;
  const f = x as { kind?: unknown; pattern?: unknown; patterns?: unknown };
  if (f.kind === "suffix" || f.kind === "regex") return typeof f.pattern === "string";
  if (f.kind === "formatter") return Array.isArray(f.patterns) && f.patterns.every((p) => p === null || typeof p === "string");
  return false;
}

/** How Ruffus prints a filter in messages: `suffix('.c')`, `formatter('a', None)`. */
export function filterRepr(f: FileFilter): string {
  if (f.kind === "formatter") return `formatter(${f.patterns.map((p) => pyRepr(p)).join(", ")})`;
  return `${f.kind}(${pyRepr(f.pattern)})`;
}
