/**
 * The file-name pattern indicators (`suffix()`, `regex()`, `formatter()`) as plain data.
 *
 * They are data, not behaviour, so that a task's declaration can be printed, cloned and
 * fingerprinted; the substitution engines in this folder interpret them.
 */

/** `suffix(".ext")`: matches file names ending in `.ext`; the part before it is group 1. */
export interface SuffixFilter {
  readonly kind: "suffix";
  /** The literal suffix, e.g. `".fastq.gz"`. */
  readonly pattern: string;
}

/** `regex(pattern)`: a Python-style regular expression, searched (not anchored) in the first input file name. */
export interface RegexFilter {
  readonly kind: "regex";
  /** The pattern source as the user wrote it (Python `(?P<name>...)` syntax is accepted). */
  readonly pattern: string;
}

/** `formatter(re0, re1, ...)`: regex *i* is searched in input file name *i*; `null` means no constraint. */
export interface FormatterFilter {
  readonly kind: "formatter";
  readonly patterns: readonly (string | null)[];
}

/** Any of the three file-name patterns a task's `filter` may hold. */
export type FileFilter = SuffixFilter | RegexFilter | FormatterFilter;
