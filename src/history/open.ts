/**
 * Which history a run or printout uses (reference §3.4): the `historyFile` option, else env
 * DEFAULT_RUFFUS_HISTORY_FILE (whose `{basename}`, `{path}`... are those of the pipeline script),
 * else `.ruffus_history.sqlite` in the current directory. At checksum level 0 without the option
 * the history lives in memory only, whatever the env says (Ruffus's `_pipeline_prepare_to_run`).
 */
import { MemoryHistory, type JobHistory } from "../core/history-types.ts";
import { abspath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { pathDecomposition } from "../patterns/path-decomposition.ts";
import { pyFormat } from "../patterns/py-format.ts";
import { RuffusError } from "../core/errors.ts";
import { SqliteHistory } from "./store.ts";

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
  if (!o.write && !rt().stat(abspath(file, o.cwd))) return new MemoryHistory();
  return SqliteHistory.open(file, { cwd: o.cwd, write: o.write, checksumLevel: o.checksumLevel, replaceUnreadable: o.replaceUnreadable });
}
