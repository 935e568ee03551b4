/**
 * Is a job up to date? Ruffus's `needs_update_check_modify_time` and
 * `needs_update_check_directory_missing`, step for step (reference §3.1–3.3), with the same
 * messages, so that `why` output and printouts read like Ruffus's.
 */
import { stringsIn } from "../patterns/flatten.ts";
import { epochToText } from "../report/shorten.ts";
import { RuffusError } from "./errors.ts";
import type { FileCache } from "./file-cache.ts";
import { functionFingerprint, paramsFingerprint } from "./fingerprint.ts";
import type { JobHistory } from "./history-types.ts";
import type { Task } from "./task.ts";

/** The answer of an up-to-date check: Ruffus's `(needs_update, message)`. */
export interface UptodateResult {
  readonly needsUpdate: boolean;
  readonly reason: string;
}

/** Everything an up-to-date check reads. */
export interface UptodateContext {
  readonly files: FileCache;
  readonly history: JobHistory;
  readonly checksumLevel: number;
  /** Formats file names for messages (path shortening). */
  readonly show: (v: unknown) => string;
}

/** A file that exists but is not a directory where a directory should be made. */
export class NotADirectoryError extends RuffusError {
  override name = "NotADirectoryError";
}

/** Checks files exist and outputs are newer than inputs, with history checks at level >= 1. */
export function checkModifyTime(params: readonly unknown[], task: Task, ctx: UptodateContext, datesWhenUptodate = false): UptodateResult {
  if (params.length < 2) return { needsUpdate: true, reason: "" };
  const inputs = stringsIn(params[0]);
  const outputs = stringsIn(params[1]);
  if (!outputs.length) return { needsUpdate: true, reason: "Missing output file" };
  const { files, history, checksumLevel: level } = ctx;

  const missing: string[] = [];
  for (const f of inputs) if (!files.exists(f)) missing.push(f);
  for (const f of outputs) if (!files.exists(f)) missing.push(f);
  if (missing.length) {
    return { needsUpdate: true, reason: `...\n        Missing file${missing.length > 1 ? "s" : ""} ${ctx.show(missing)}` };
  }

  if (level >= 1) {
    const unrecorded = unique(outputs.filter((f) => !history.has(f)));
    if (unrecorded.length) {
      return {
        needsUpdate: true,
        reason: `Uncheckpointed file${unrecorded.length > 1 ? "s" : ""} (left over from a failed run?):\n        ${ctx.show(unrecorded)}`,
      };
    }
    if (level >= 2) {
      const funcChanged: string[] = [];
      const paramsChanged: string[] = [];
      const funcHash = functionFingerprint(task.func);
      const paramsHash = level >= 3 ? paramsFingerprint(params.slice(2)) : "";
      for (const f of unique(outputs)) {
        const rec = history.get(f)!;
        if (level >= 3 && rec.paramsHash !== paramsHash) paramsChanged.push(f);
        else if (rec.funcHash !== funcHash) funcChanged.push(f);
      }
      if (funcChanged.length) return { needsUpdate: true, reason: `Pipeline function has changed:\n        ${ctx.show(funcChanged)}` };
      if (paramsChanged.length) return { needsUpdate: true, reason: `Pipeline parameters have changed:\n        ${ctx.show(paramsChanged)}` };
    }
  }

  if (!inputs.length) return { needsUpdate: false, reason: "Missing input files" };

  const inTimes: [number, string][] = [];
  // Same device and inode = the same file: cheaper than realpath() and catches hard links too.
  const inputIds = new Set<string>();
  for (const f of inputs) {
    const st = files.stat(f)!;
    inputIds.add(st.identity);
    let t = st.mtimeMs;
    if (level >= 1) {
      const rec = history.get(f);
      if (rec) t = Math.max(t, rec.mtime);
    }
    inTimes.push([t, f]);
  }
  const outTimes: [number, string][] = [];
  for (const f of outputs) {
    // An output that is (a link to) one of the inputs passes through; it cannot be out of date with itself.
    const st = files.stat(f)!;
    if (inputIds.has(st.identity)) continue;
    let t = st.mtimeMs;
    if (level >= 1) {
      const rec = history.get(f)!;
      // Touching an output by hand does not make it newer than when the job recorded it; only
      // an output much older than its record (restored from a backup, say) counts by its file time.
      if (!(rec.mtime > t && rec.mtime - t > 1100)) t = rec.mtime;
    }
    outTimes.push([t, f]);
  }
  if (inTimes.length && outTimes.length) {
    const newestInput = Math.max(...inTimes.map((x) => x[0]));
    const oldestOutput = Math.min(...outTimes.map((x) => x[0]));
    if (newestInput >= oldestOutput) return { needsUpdate: true, reason: fileDates(inTimes, outTimes, ctx) };
  }
  if (datesWhenUptodate) return { needsUpdate: false, reason: "Up to date\n" + fileDates(inTimes, outTimes, ctx) };
  return { needsUpdate: false, reason: "Up to date" };
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
  if (missing.length > 1) return { needsUpdate: true, reason: `: Directories '${missing.join(", ")}' are missing` };
  if (missing.length) return { needsUpdate: true, reason: `: Directories '${missing[0]}' is missing` };
  return { needsUpdate: false, reason: "All directories exist" };
}
