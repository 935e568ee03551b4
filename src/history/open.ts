/**
 * Which history a run or printout uses (reference §3.4): the `historyFile` option, else env
 * DEFAULT_RUFFUS_HISTORY_FILE (whose `{basename}`, `{path}`... are those of the pipeline script),
 * else `.ruffus_history.sqlite` in the current directory. At checksum level 0 without the option
 * the history lives in memory only, whatever the env says (Ruffus's `_pipeline_prepare_to_run`).
 */
import { MemoryHistory, type JobHistory } from "../core/history-types.ts";
import { abspath } from "../core/paths.ts";
import { dirname } from "pathe";
import { rt } from "../core/runtime.ts";
import { pathDecomposition } from "../patterns/path-decomposition.ts";
import { pyFormat } from "../patterns/py-format.ts";
import { RuffusError } from "../core/errors.ts";
import type { FileStat } from "../runtime/types.ts";
import { HistoryFileError, SqliteHistory } from "./store.ts";

/** The default history file name. */
export const DEFAULT_HISTORY_FILE = ".ruffus_history.sqlite";

let pipelineFile: string | undefined;

/** Tells the history which file the pipeline was loaded from (the CLI does; otherwise the main script counts). */
export function setPipelineFile(path: string | undefined): void {
  pipelineFile = path;
}

/** The pipeline file the command line loaded, if any. */
export function pipelineFileLoaded(): string | undefined {
  return pipelineFile;
}

/** How to open the history. */
export interface OpenHistoryOptions {
  readonly file: string | undefined;
  readonly checksumLevel: number;
  readonly cwd: string;
  /** False for printouts: read only, no lock taken. */
  readonly write: boolean;
  /** Recreate mode: an unreadable file is moved aside instead of stopping the run. */
  readonly replaceUnreadable?: boolean;
}

/**
 * The history file a call would use, or undefined for an in-memory history. As in Ruffus, level 0
 * keeps the history in memory unless a file is passed: the env does not count, and an empty name
 * counts as passed (it means the default file, env or `.ruffus_history.sqlite`, at every level).
 */
export function historyFileFor(file: string | undefined, checksumLevel: number, cwd: string): string | undefined {
  if (file === undefined && checksumLevel === 0) return undefined;
  if (file !== undefined && file !== "") return file;
  const env = rt().env("DEFAULT_RUFFUS_HISTORY_FILE");
  if (env) {
    const script = pipelineFile ?? rt().mainScript();
    if (!/[{}]/.test(env)) return env;
    if (!script) throw new RuffusError(`DEFAULT_RUFFUS_HISTORY_FILE='${env}' uses placeholders, but there is no pipeline script to fill them from.`);
    const parts = pathDecomposition(abspath(script, cwd));
    try {
      return pyFormat(env, [], { ...parts });
    } catch (e) {
      throw new RuffusError(`DEFAULT_RUFFUS_HISTORY_FILE='${env}': ${(e as Error).message}. Placeholders: {basename}, {ext}, {path}, {subdir[0]}, {subpath[0]}.`);
    }
  }
  return DEFAULT_HISTORY_FILE;
}

/** Opens the history for a call. */
export async function openHistory(o: OpenHistoryOptions): Promise<JobHistory> {
  const file = historyFileFor(o.file, o.checksumLevel, o.cwd);
  if (file === undefined) return new MemoryHistory();
  const abs = abspath(file, o.cwd);
  checkUsable(file, abs, o.write);
  if (!o.write && !rt().stat(abs)) return new MemoryHistory();
  return SqliteHistory.open(file, { cwd: o.cwd, write: o.write, checksumLevel: o.checksumLevel, replaceUnreadable: o.replaceUnreadable });
}

/**
 * Stops a run before it starts, with an error naming the file, when the history cannot be used as
 * named: a file where a directory of its path should be, a directory where the file should be, or
 * (when writing) a file that is write-protected. Ruffus replaces the file through a rename, which
 * only needs the directory's permission, so without this check a protected file would be replaced
 * silently. Root may write any file, so for root a file with no write bit at all (`chmod a-w`, the
 * usual "leave this alone") counts as protected too.
 */
function checkUsable(file: string, abs: string, write: boolean): void {
  const other = " Choose another with --checksum-file-name FILE (historyFile).";
  const st = statOrNothing(abs);
  if (st?.isDirectory) throw new HistoryFileError(`Cannot use the history file ${file}: it is a directory, not a file.${other}`);
  if (!st) {
    // The directories to be made: the nearest part of the path that exists must be a directory.
    for (let dir = dirname(abs); dir !== dirname(dir); dir = dirname(dir)) {
      const d = statOrNothing(dir);
      if (!d) continue;
      if (!d.isDirectory) throw new HistoryFileError(`Cannot use the history file ${file}: ${dir} is a file, not a directory.${other}`);
      break;
    }
    return;
  }
  if (!write) return;
  const { mode, writable } = rt().writeTarget(abs);
  if (mode === undefined || (writable && mode & 0o222)) return;
  throw new HistoryFileError(
    `The history file ${file} is ${writable ? "write-protected" : "not writable by this user"} (mode ${mode.toString(8).padStart(4, "0")}), and a run rewrites it. ` +
      `Make it writable (chmod u+w ${file}) if it may change, or choose another history file with --checksum-file-name FILE (historyFile); ` +
      `-n (printout()) shows what would run without writing anything.`,
  );
}

/** stat, with a path through a regular file (ENOTDIR) counting as nothing there. */
function statOrNothing(path: string): FileStat | undefined {
  try {
    return rt().stat(path);
  } catch {
    return undefined;
  }
}
