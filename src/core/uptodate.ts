/**
 * Is a job up to date? Ruffus's `needs_update_check_modify_time` and
 * `needs_update_check_directory_missing`, step for step (reference §3.1–3.3), with the same
 * messages, so that `why` output and printouts read like Ruffus's.
 */
import { stringsIn } from "../patterns/flatten.ts";
import { epochToText } from "../report/shorten.ts";
import { NotADirectoryError } from "./errors.ts";
import { pyStringRepr } from "./describe.ts";
import type { FileCache } from "./file-cache.ts";
import { functionFingerprint, paramsFingerprint } from "./fingerprint.ts";
import type { JobHistory, OutputRecord } from "./history-types.ts";
import type { Task } from "./task.ts";
import type { FileStat } from "../runtime/types.ts";

/** The answer of an up-to-date check: Ruffus's `(needs_update, message)`. */
export interface UptodateResult {
  readonly needsUpdate: boolean;
  readonly reason: string;
  /** The reason as data, for `ruff why` and JSON output. */
  readonly kind?: ReasonKind;
  /** The files the reason is about (for "older-than-input": the newest input, then the oldest output). */
  readonly files?: readonly string[];
}

/** Why a job needs to run (or that it does not). */
export type ReasonKind =
  | "uptodate"
  | "missing-files"
  | "no-output"
  | "uncheckpointed"
  | "function-changed"
  | "params-changed"
  | "older-than-input"
  | "directories-missing"
  | "custom";

/** Everything an up-to-date check reads. */
export interface UptodateContext {
  readonly files: FileCache;
  readonly history: JobHistory;
  readonly checksumLevel: number;
  /** Formats file names for messages (path shortening). */
  readonly show: (v: unknown) => string;
}

/** Checks files exist and outputs are newer than inputs, with history checks at level >= 1. */
export function checkModifyTime(params: readonly unknown[], task: Task, ctx: UptodateContext, datesWhenUptodate = false, lazyReason = false): UptodateResult {
  if (params.length < 2) return { needsUpdate: true, reason: "" };
  const inputs = stringsIn(params[0]);
  const outputs = stringsIn(params[1]);
  if (!outputs.length) return { needsUpdate: true, reason: "Missing output file", kind: "no-output" };
  const { files, history, checksumLevel: level } = ctx;

  // At level >= 1 a job whose outputs were never recorded runs whatever the files say. On a cold
  // run that is every job: skip the stats (one failing stat per output) and say why only if asked.
  if (lazyReason && level >= 1 && !outputs.every((o) => history.get(o))) {
    let full: UptodateResult | undefined;
    const why = (): UptodateResult => (full ??= checkModifyTime(params, task, ctx, datesWhenUptodate));
    return {
      needsUpdate: true,
      get reason() {
        return why().reason;
      },
      get kind() {
        return why().kind;
      },
      get files() {
        return why().files;
      },
    };
  }

  // This runs once per job on every re-run: one stat per file, no allocation on the common path.
  let missing: string[] | undefined;
  const inStats: FileStat[] = new Array(inputs.length);
  const outStats: FileStat[] = new Array(outputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const st = files.stat(inputs[i]);
    if (st) inStats[i] = st;
    else (missing ??= []).push(inputs[i]);
  }
  for (let i = 0; i < outputs.length; i++) {
    const st = files.stat(outputs[i]);
    if (st) outStats[i] = st;
    else (missing ??= []).push(outputs[i]);
  }
  if (missing) {
    return { needsUpdate: true, reason: `...\n        Missing file${missing.length > 1 ? "s" : ""} ${ctx.show(missing)}`, kind: "missing-files", files: missing };
  }

  const records: (OutputRecord | undefined)[] = new Array(outputs.length);
  if (level >= 1) {
    let unrecorded: string[] | undefined;
    for (let i = 0; i < outputs.length; i++) {
      const rec = history.get(outputs[i]);
      if (rec) records[i] = rec;
      else (unrecorded ??= []).push(outputs[i]);
    }
    if (unrecorded) {
      const u = unique(unrecorded);
      return {
        needsUpdate: true,
        reason: `Uncheckpointed file${u.length > 1 ? "s" : ""} (left over from a failed run?):\n        ${ctx.show(u)}`,
        kind: "uncheckpointed",
        files: u,
      };
    }
    if (level >= 2) {
      const funcChanged: string[] = [];
      const paramsChanged: string[] = [];
      const funcHash = functionFingerprint(task.func);
      const paramsHash = level >= 3 ? paramsFingerprint(params.slice(2)) : "";
      const seen = new Set<string>();
      for (let i = 0; i < outputs.length; i++) {
        const f = outputs[i];
        if (seen.has(f)) continue;
        seen.add(f);
        const rec = records[i]!;
        if (level >= 3 && rec.paramsHash !== paramsHash) paramsChanged.push(f);
        else if (rec.funcHash !== funcHash) funcChanged.push(f);
      }
      if (funcChanged.length) {
        return { needsUpdate: true, reason: `Pipeline function has changed:\n        ${ctx.show(funcChanged)}`, kind: "function-changed", files: funcChanged };
      }
      if (paramsChanged.length) {
        return { needsUpdate: true, reason: `Pipeline parameters have changed:\n        ${ctx.show(paramsChanged)}`, kind: "params-changed", files: paramsChanged };
      }
    }
  }

  if (!inputs.length) return { needsUpdate: false, reason: "Missing input files", kind: "uptodate" };

  const inTimes: number[] = new Array(inputs.length);
  let newestInput = -Infinity;
  for (let i = 0; i < inputs.length; i++) {
    let t = inStats[i].mtimeMs;
    if (level >= 1) {
      const rec = history.get(inputs[i]);
      if (rec && rec.mtime > t) t = rec.mtime;
    }
    inTimes[i] = t;
    if (t > newestInput) newestInput = t;
  }
  const outTimes: (number | undefined)[] = new Array(outputs.length);
  let oldestOutput = Infinity;
  for (let i = 0; i < outputs.length; i++) {
    const st = outStats[i];
    // An output that is one of the inputs, or a symbolic link to one, passes through: it cannot be
    // out of date with itself. (A hard link to an input is another file, as Ruffus's realpath sees it.)
    if (isOneOf(outputs[i], st, inputs, inStats, files)) continue;
    let t = st.mtimeMs;
    if (level >= 1) {
      const rec = records[i]!;
      // Touching an output by hand does not make it newer than when the job recorded it; only
      // an output much older than its record (restored from a backup, say) counts by its file time.
      if (!(rec.mtime > t && rec.mtime - t > 1100)) t = rec.mtime;
    }
    outTimes[i] = t;
    if (t < oldestOutput) oldestOutput = t;
  }
  const dates = (): string => fileDates(pairs(inTimes, inputs), pairs(outTimes, outputs), ctx);
  if (oldestOutput !== Infinity && newestInput >= oldestOutput) {
    const newest = inputs[inTimes.indexOf(newestInput)];
    const oldest = outputs[outTimes.indexOf(oldestOutput)];
    return { needsUpdate: true, reason: dates(), kind: "older-than-input", files: [newest, oldest] };
  }
  if (datesWhenUptodate) return { needsUpdate: false, reason: "Up to date\n" + dates(), kind: "uptodate" };
  return { needsUpdate: false, reason: "Up to date", kind: "uptodate" };
}

function pairs(times: readonly (number | undefined)[], names: readonly string[]): [number, string][] {
  const out: [number, string][] = [];
  for (let i = 0; i < names.length; i++) if (times[i] !== undefined) out.push([times[i] as number, names[i]]);
  return out;
}

/**
 * Ruffus compares real paths. Comparing device and inode numbers first keeps the per-job cost to
 * number comparisons; only when they are equal (a pass-through, a link, or two inode numbers above
 * 2^53 that a JS number cannot tell apart, as on Lustre) are the real paths looked up, once per path.
 */
function isOneOf(output: string, st: FileStat, inputs: readonly string[], inStats: readonly FileStat[], files: FileCache): boolean {
  for (let i = 0; i < inStats.length; i++) {
    const o = inStats[i];
    if (o.ino !== st.ino || o.dev !== st.dev) continue;
    if (output === inputs[i] || files.realpath(output) === files.realpath(inputs[i])) return true;
  }
  return false;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** The "Input files: / Output files:" block, `*` marking the files that make the job out of date. */
function fileDates(inTimes: [number, string][], outTimes: [number, string][], ctx: UptodateContext): string {
  const byTime = (a: [number, string], b: [number, string]): number => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  const ins = [...inTimes].sort(byTime);
  const outs = [...outTimes].sort(byTime);
  const oldestOutput = outs.length ? outs[0][0] : Infinity;
  const newestInput = ins.length ? ins[ins.length - 1][0] : -Infinity;
  let msg = "\n";
  msg += "  Input files:\n";
  for (const [t, f] of ins) msg += `   ${t >= oldestOutput ? "*" : " "} ${epochToText(t)}: ${ctx.show(f)}\n`;
  msg += "  Output files:\n";
  for (const [t, f] of outs) msg += `   ${t <= newestInput ? "*" : " "} ${epochToText(t)}: ${ctx.show(f)}\n`;
  return msg;
}

/** mkdir tasks: up to date when every directory exists; a plain file in the way is an error. */
export function checkDirectoriesMissing(params: readonly unknown[], ctx: UptodateContext): UptodateResult {
  const dirs = params.length === 1 ? params[0] : params[1];
  const missing: string[] = [];
  for (const d of stringsIn(dirs)) {
    const s = ctx.files.stat(d);
    if (!s) {
      missing.push(d);
      continue;
    }
    if (!s.isDirectory) throw new NotADirectoryError(`${d} already exists but as a file, not a directory`);
  }
  if (missing.length > 1) return { needsUpdate: true, reason: `: Directories ${pyStringRepr(missing.join(", "))} are missing`, kind: "directories-missing", files: missing };
  if (missing.length) return { needsUpdate: true, reason: `: Directories ${pyStringRepr(missing[0])} is missing`, kind: "directories-missing", files: missing };
  return { needsUpdate: false, reason: "All directories exist", kind: "uptodate" };
}
