/**
 * One batch of history changes and how it is applied to the database, wherever the database is
 * held: on the main thread (small runs) or in the history's own thread (see `db-thread.ts`). A
 * batch is plain data (it crosses threads), its rows flat arrays: one array per table, not one per
 * row, is cheaper to make, to send and to bind.
 */
import type { Database, SqlValue } from "sql.js";
import { JOB_ROWS_KEPT, JOB_RUNS_KEPT } from "./schema.ts";

/** Values per `outputs` row in {@link Batch.outputs}: exit_status (0) and run_id are the same for every row. */
export const OUTPUT_VALUES = 9;
const OUTPUT_COLUMNS = "path, completed, file_mtime, file_size, func_hash, params_hash, task, duration_ms, finished, exit_status, run_id";
/** Values per `jobs` row in {@link Batch.jobs}: run_id is the same for every row. */
export const JOB_VALUES = 7;
const JOB_COLUMNS = "run_id, task, job, status, started, duration_ms, outputs, error";
/** Values per `failures` row in {@link Batch.failures}. */
export const FAILURE_VALUES = 4;
const ROWS_PER_STATEMENT = 200;

/** Changes to write, in one transaction. */
export interface Batch {
  /** This run's `runs` row, inserted by the batch that first carries it. */
  readonly run?: { readonly started: string; readonly options: string; readonly pid: number; readonly host: string };
  /** finished, elapsed_ms, ok, jobs_run, jobs_uptodate, failures, interrupted. */
  readonly runEnd?: SqlValue[];
  /** Keys whose records are removed. */
  readonly deletes: string[];
  /** path, completed, file_mtime, file_size, func_hash, params_hash, task, duration_ms, finished; per output. */
  readonly outputs: SqlValue[];
  /** task, job, status, started, duration_ms, outputs, error; per job. */
  readonly jobs: SqlValue[];
  /** task, job, error, at; per failed or interrupted job. */
  readonly failures: SqlValue[];
}

/** What the holder of the database keeps between batches. */
export interface DbState {
  /** This run's `runs.id`, once its row is in. */
  runId: number | undefined;
  /** Earlier runs' `jobs` rows were pruned (once per run, before its first rows). */
  jobsPruned: boolean;
}

/** True when the batch changes nothing. */
export function isEmptyBatch(b: Batch): boolean {
  return !b.run && !b.runEnd && !b.deletes.length && !b.outputs.length && !b.jobs.length && !b.failures.length;
}

/** Applies the batch in one transaction: all or nothing (the state is left as it was if it throws). */
export function applyBatch(db: Database, b: Batch, state: DbState): void {
  if (isEmptyBatch(b) && !(b.run && state.runId === undefined)) return;
  let runId = state.runId;
  let pruned = state.jobsPruned;
  db.run("BEGIN");
  try {
    if (b.run && runId === undefined) {
      db.run("INSERT INTO runs (started, options, pid, host) VALUES (?, ?, ?, ?)", [b.run.started, b.run.options, b.run.pid, b.run.host]);
      runId = db.exec("SELECT last_insert_rowid()")[0].values[0][0] as number;
    }
    if (b.runEnd) {
      db.run("UPDATE runs SET finished = ?, elapsed_ms = ?, ok = ?, jobs_run = ?, jobs_uptodate = ?, failures = ?, interrupted = ? WHERE id = ?", [...b.runEnd, runId ?? null]);
    }
    if (b.jobs.length && !pruned) {
      pruned = true;
      pruneJobs(db, runId ?? 0);
    }
    for (let i = 0; i < b.deletes.length; i += ROWS_PER_STATEMENT) {
      const chunk = b.deletes.slice(i, i + ROWS_PER_STATEMENT);
      db.run(`DELETE FROM outputs WHERE path IN (${chunk.map(() => "?").join(",")})`, chunk);
    }
    // run_id is a number this database gave (or NULL): written into the statement, not bound per row.
    const id = runId === undefined ? "NULL" : String(Math.trunc(runId));
    insertRows(db, `INSERT OR REPLACE INTO outputs (${OUTPUT_COLUMNS}) VALUES `, `(?,?,?,?,?,?,?,?,?,0,${id})`, OUTPUT_VALUES, b.outputs);
    insertRows(db, `INSERT INTO jobs (${JOB_COLUMNS}) VALUES `, `(${runId === undefined ? "0" : id},?,?,?,?,?,?,?)`, JOB_VALUES, b.jobs);
    insertRows(db, "INSERT INTO failures (run_id, task, job, error, at) VALUES ", `(${runId === undefined ? "0" : id},?,?,?,?)`, FAILURE_VALUES, b.failures);
    db.run("COMMIT");
  } catch (e) {
    db.run("ROLLBACK");
    throw e;
  }
  state.runId = runId;
  state.jobsPruned = pruned;
}

/**
 * Once per run, before its first `jobs` rows: the rows of earlier runs are kept for the last
 * {@link JOB_RUNS_KEPT} runs, whole runs, while they number at most {@link JOB_ROWS_KEPT} (the
 * whole file is held in memory by every run, a no-op included).
 */
function pruneJobs(db: Database, runId: number): void {
  const runs = db.exec("SELECT run_id, count(*) FROM jobs WHERE run_id <> ? GROUP BY run_id ORDER BY run_id DESC", [runId])[0]?.values ?? [];
  let kept = 0;
  let n = 0;
  for (const [id, count] of runs) {
    kept += Number(count);
    if (++n >= JOB_RUNS_KEPT || kept > JOB_ROWS_KEPT) {
      db.run("DELETE FROM jobs WHERE run_id <= ? AND run_id <> ?", [id, runId]);
      return;
    }
  }
}

/**
 * One multi-row INSERT per {@link ROWS_PER_STATEMENT} rows of `width` values in the flat `values`;
 * one prepared statement for every full chunk (compiling SQL per chunk cost as much as inserting).
 */
function insertRows(db: Database, head: string, tuple: string, width: number, values: SqlValue[]): void {
  const rows = values.length / width;
  if (!rows) return;
  const sql = (n: number): string => head + Array(n).fill(tuple).join(",");
  const full = Math.floor(rows / ROWS_PER_STATEMENT) * ROWS_PER_STATEMENT;
  const chunk = ROWS_PER_STATEMENT * width;
  if (full) {
    const stmt = db.prepare(sql(ROWS_PER_STATEMENT));
    try {
      for (let i = 0; i < full * width; i += chunk) stmt.run(values.slice(i, i + chunk));
    } finally {
      stmt.free();
    }
  }
  if (full < rows) db.run(sql(rows - full), values.slice(full * width));
}
