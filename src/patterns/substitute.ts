/**
 * Per-job substitution of output, extras and `add_inputs`/`inputs` values from the job's input
 * file names (Ruffus `t_suffix_file_names_transform`, `t_regex_file_names_transform`,
 * `t_formatter_file_names_transform`, `t_nested_formatter_file_names_transform`, `t_regex_replace`).
 */

import { FatalMatchError, NoMatchError, PatternSyntaxError, PythonError } from "./errors.ts";
import { mapStrings } from "./flatten.ts";
import {
  absolutePaths,
  allPathsComponents,
  formatTemplate,
  formatterArgsText,
  swapDoublyNested,
  swapNesting,
} from "./formatter-replace.ts";
import { compileFormatter, compileRegex, compileSuffix } from "./indicators.ts";
import { basename, join } from "./posix-path.ts";
import { pythonSubn } from "./python-regex.ts";
import type { FileFilter } from "./types.ts";

/** A filter with its regular expressions compiled, once per task. */
export interface CompiledFilter {
  readonly filter: FileFilter;
  /** suffix: `(.*)<escaped suffix>$`; regex: the pattern; formatter: `null`. */
  readonly regex: RegExp | null;
  /** formatter: one regex (or `null`) per pattern; otherwise empty. */
  readonly regexes: readonly (RegExp | null)[];
}

/** Substitutes one job's values. Errors are thrown lazily, by the string that fails. */
export interface JobSubstituter {
  /**
   * Substitute an output value: every string inside (nested arrays kept as arrays; non-strings and
   * plain objects untouched). `suffix()` uses Ruffus's SUFFIX output mode (`\g<1>` prepended when
   * the pattern has no `\1` / `\g<1>`).
   */
  output(value: unknown): unknown;
  /** Substitute an extras / add_inputs / inputs value: same recursion, REGEX mode for suffix (a string without \1 comes back verbatim). */
  extra(value: unknown): unknown;
}

/** Compiles a filter's regular expressions; throws `PatternSyntaxError` with Ruffus's text. */
export function compileFilter(f: FileFilter): CompiledFilter {
  switch (f.kind) {
    case "suffix":
      return { filter: f, regex: compileSuffix([f.pattern]), regexes: [] };
    case "regex":
      return { filter: f, regex: compileRegex([f.pattern]), regexes: [] };
    case "formatter":
      return { filter: f, regex: null, regexes: compileFormatter(f.patterns) };
    default:
      throw new PatternSyntaxError(`Unknown file name filter ${String((f as { kind?: unknown }).kind)}`);
  }
}

const UNESCAPED_HINT =
  "The special regular expression characters \\1 and \\2 need to be 'escaped' in JavaScript. " +
  "The easiest option is to use String.raw`\\1_in_a string\\2`, or to double the backslashes: \"\\\\1_in_a string\\\\2\". " +
  "See https://docs.python.org/3/library/re.html#re.sub.";

/**
 * Ruffus `t_regex_replace` for one string. `display` is the suffix or regex text as the user
 * wrote it; `suffixOutput` selects Ruffus's SUFFIX_SUBSTITUTE mode.
 */
function regexReplace(fileName: string, display: string, re: RegExp, p: string, suffixOutput: boolean): string {
  if (p.includes("\x01") || p.includes("\x02")) {
    // "\1" in a sloppy-mode string literal is the control character U+0001, not a group reference.
    throw new FatalMatchError(`['${p.replace(/\x01/g, "\\1").replace(/\x02/g, "\\2")}'] ${UNESCAPED_HINT}`);
  }
  const kind = suffixOutput ? "suffix" : "regex";
  const template = suffixOutput && !p.includes("\\1") && !p.includes("\\g<1>") ? "\\g<1>" + p : p;
  let subn: { result: string; count: number };
  try {
    subn = pythonSubn(re, template, fileName);
  } catch (e) {
    // Ruffus lets this escape as a bare re.error in suffix output mode; the port always says where.
    if (e instanceof PythonError && (e.pythonType === "re.error" || e.pythonType === "IndexError")) {
      throw new FatalMatchError(`File '${fileName}' does not match ${kind}('${display}') and pattern '${p}':\n\t${e.message}\n`);
    }
    throw e;
  }
  if (subn.count > 0) return subn.result;
  if (suffixOutput) throw new NoMatchError(`File '${fileName}' does not match suffix('${display}') and pattern '${p}'`);
  throw new NoMatchError(`File '${fileName}' does not match regex('${display}') and pattern '${p}'\n\n`);
}

const group1Splits = new Map<string, string[] | null>();

/**
 * Splits a replacement template at its `\1` / `\g<1>` references, or null when it uses anything
 * else (other groups, escapes): then the general Python re.sub emulation is used.
 */
function splitAtGroup1(template: string): string[] | null {
  let cached = group1Splits.get(template);
  if (cached !== undefined) return cached;
  const pieces: string[] = [];
  let cur = "";
  cached = pieces;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "\\") {
      cur += c;
      continue;
    }
    if (template.startsWith("\\g<1>", i)) {
      pieces.push(cur);
      cur = "";
      i += 4;
    } else if (template[i + 1] === "1" && !/[0-9]/.test(template[i + 2] ?? "")) {
      pieces.push(cur);
      cur = "";
      i += 1;
    } else {
      cached = null;
      break;
    }
  }
  if (cached) pieces.push(cur);
  if (group1Splits.size < 10000) group1Splits.set(template, cached);
  return cached;
}

/**
 * suffix() output, the common case, without the regex engine: `(.*)<suffix>$` on a name without
 * newlines matches exactly when the name ends with the suffix, with group 1 the part before it.
 * Returns undefined when the fast path does not apply.
 */
function suffixFast(fileName: string, suffix: string, p: string): string | undefined {
  if (!suffix || fileName.includes("\n") || p.includes("\x01") || p.includes("\x02")) return undefined;
  const template = !p.includes("\\1") && !p.includes("\\g<1>") ? "\\g<1>" + p : p;
  const pieces = splitAtGroup1(template);
  if (!pieces || !fileName.endsWith(suffix)) return undefined;
  return pieces.join(fileName.slice(0, fileName.length - suffix.length));
}

function regexSubstituter(f: CompiledFilter, inputFileNames: readonly string[], outputDir: string | undefined): JobSubstituter {
  const filter = f.filter as Extract<FileFilter, { kind: "suffix" | "regex" }>;
  const re = f.regex as RegExp;
  const isSuffix = filter.kind === "suffix";
  const start = (): string => {
    if (inputFileNames.length === 0) {
      throw new FatalMatchError(`${filter.kind}('${filter.pattern}') needs at least one input file name`);
    }
    const first = inputFileNames[0];
    return isSuffix && outputDir !== undefined ? join(outputDir, basename(first)) : first;
  };
  return {
    output: (value) =>
      mapStrings(value, (p) => (isSuffix ? suffixFast(start(), filter.pattern, p) : undefined) ?? regexReplace(start(), filter.pattern, re, p, isSuffix)),
    extra: (value) => mapStrings(value, (p) => regexReplace(start(), filter.pattern, re, p, false)),
  };
}

function formatterSubstituter(f: CompiledFilter, inputFileNames: readonly string[], cwd: string): JobSubstituter {
  const patterns = (f.filter as Extract<FileFilter, { kind: "formatter" }>).patterns;
  let swapped: ReturnType<typeof swapNesting> | undefined;
  const describe = { input: inputFileNames, filter: formatterArgsText(patterns) };
  const replace = (p: string): string => {
    swapped ??= swapNesting(allPathsComponents(absolutePaths(inputFileNames, cwd), f.regexes));
    return formatTemplate(p, swapped.list, swapped.dict, describe);
  };
  const sub = (value: unknown): unknown => mapStrings(value, replace);
  return { output: sub, extra: sub };
}

/**
 * The substituter for one job. `inputFileNames` = `stringsIn(job input)`. suffix/regex use only
 * the first string; formatter uses all (made absolute against `opts.cwd`, as Ruffus does).
 * `outputDir` (suffix only): the starting file name becomes `join(outputDir, basename(file))`
 * before substitution, for outputs and extras alike. Errors (`NoMatchError`, `FatalMatchError`,
 * with Ruffus's message text) are thrown by `output()`/`extra()` on the string that fails.
 */
export function jobSubstituter(f: CompiledFilter, inputFileNames: readonly string[], opts: { cwd: string; outputDir?: string }): JobSubstituter {
  if (f.filter.kind === "formatter") return formatterSubstituter(f, inputFileNames, opts.cwd);
  return regexSubstituter(f, inputFileNames, opts.outputDir);
}

/**
 * The nested formatter of `product()` and the combinatorics: `{basename[i][j]}` = input set (or
 * tuple position) `i`, file `j`. One formatter `CompiledFilter` per set (for combinatorics the
 * same filter for every tuple position). A regex failing in one set empties only that set.
 */
export function nestedSubstituter(
  filters: readonly CompiledFilter[],
  inputFileNamesPerSet: readonly (readonly string[])[],
  opts: { cwd: string },
): JobSubstituter {
  if (filters.length !== inputFileNamesPerSet.length) throw new Error("Logic Error.");
  for (const f of filters) {
    if (f.filter.kind !== "formatter") throw new PatternSyntaxError(`nested substitution needs formatter() filters, not ${f.filter.kind}()`);
  }
  const display = filters
    .map((f) => `formatter(${formatterArgsText((f.filter as Extract<FileFilter, { kind: "formatter" }>).patterns)})`)
    .join(", ");
  const describe = { input: inputFileNamesPerSet, filter: display };
  let swapped: ReturnType<typeof swapDoublyNested> | undefined;
  const replace = (p: string): string => {
    swapped ??= swapDoublyNested(
      inputFileNamesPerSet.map((names, i) => allPathsComponents(absolutePaths(names, opts.cwd), filters[i].regexes)),
    );
    return formatTemplate(p, swapped.list, swapped.dict, describe);
  };
  const sub = (value: unknown): unknown => mapStrings(value, replace);
  return { output: sub, extra: sub };
}
