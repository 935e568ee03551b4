/**
 * Read-only questions to a history file for reports: per task, how many outputs are recorded and
 * how long their jobs took, and what the last run did.
 */
import { abspath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { historyFileFor } from "./open.ts";
import { checkSchema } from "./schema.ts";
import { sqlJs } from "./sqlite.ts";

/** Per-task figures from the history. */
export interface TaskHistoryStats {
  /** Outputs recorded as completed. */
  outputs: number;
  /** Sum of the durations of the jobs whose outputs are recorded (a job with several outputs counts once). */
  totalMs: number;
  /** In the last run: outputs written and jobs failed. */
  lastRunOutputs: number;
  lastRunFailures: number;
}

/** What a report shows from the history. */
export interface HistoryStats {
  file: string | undefined;
  lastRun: { started: string; finished: string | null; elapsedMs: number | null; ok: boolean | null; jobsRun: number | null; failures: number | null } | undefined;
  tasks: Map<string, TaskHistoryStats>;
}

/** Reads the statistics; an absent history gives empty figures. */
export async function historyStats(file: string | undefined, checksumLevel: number, cwd: string): Promise<HistoryStats> {
  const name = historyFileFor(file, checksumLevel, cwd);
  const out: HistoryStats = { file: name, lastRun: undefined, tasks: new Map() };
  if (!name) return out;
  const abs = abspath(name, cwd);
  if (!rt().stat(abs)) return out;
  const SQL = await sqlJs();
  const db = new SQL.Database(await rt().readFile(abs));
  try {
    const get = (t: string): TaskHistoryStats => {
      let s = out.tasks.get(t);
      if (!s) out.tasks.set(t, (s = { outputs: 0, totalMs: 0, lastRunOutputs: 0, lastRunFailures: 0 }));
      return s;
    };
    if (checkSchema(db).kind !== "ours") return out;
    for (const [task, n] of db.exec("SELECT task, count(*) FROM outputs GROUP BY task")[0]?.values ?? []) get(String(task)).outputs = Number(n);
    // The outputs of one job share its run and duration: each job counted once.
    for (const [task, ms] of db.exec("SELECT task, sum(duration_ms) FROM (SELECT DISTINCT task, run_id, duration_ms FROM outputs) GROUP BY task")[0]?.values ?? []) {
      get(String(task)).totalMs = Number(ms ?? 0);
    }
    const run = db.exec("SELECT id, started, finished, elapsed_ms, ok, jobs_run, failures FROM runs ORDER BY id DESC LIMIT 1")[0]?.values[0];
    if (run) {
      const [id, started, finished, elapsed, ok, jobsRun, failures] = run;
      out.lastRun = {
        started: String(started),
        finished: finished === null ? null : String(finished),
        elapsedMs: elapsed === null ? null : Number(elapsed),
        ok: ok === null ? null : Boolean(ok),
        jobsRun: jobsRun === null ? null : Number(jobsRun),
        failures: failures === null ? null : Number(failures),
      };
      for (const [task, n] of db.exec("SELECT task, count(*) FROM outputs WHERE run_id = ? GROUP BY task", [id])[0]?.values ?? []) get(String(task)).lastRunOutputs = Number(n);
      for (const [task, n] of db.exec("SELECT task, count(*) FROM failures WHERE run_id = ? GROUP BY task", [id])[0]?.values ?? []) get(String(task)).lastRunFailures = Number(n);
    }
  } finally {
    db.close();
  }
  return out;
}
