/** The file-name pattern engine: indicators, Python regex/format emulation, per-job substitution. */

export type { FileFilter, FormatterFilter, RegexFilter, SuffixFilter } from "./types.ts";
export { FatalMatchError, NoMatchError, PatternSyntaxError, PythonError } from "./errors.ts";
export type { PythonErrorType } from "./errors.ts";
export { filterRepr, formatter, isFileFilter, regex, suffix } from "./indicators.ts";
export { compilePythonRegex, pyEscape, pythonRegexInfo, pythonSearch, pythonSubn } from "./python-regex.ts";
export type { PythonMatch, PythonRegexInfo } from "./python-regex.ts";
export { pathDecomposition } from "./path-decomposition.ts";
export type { PathParts } from "./path-decomposition.ts";
export { pyFormat } from "./py-format.ts";
export { pyRepr, pyStr } from "./py-repr.ts";
export { mapStrings, stringsIn } from "./flatten.ts";
export { compileFilter, jobSubstituter, nestedSubstituter } from "./substitute.ts";
export type { CompiledFilter, JobSubstituter } from "./substitute.ts";
