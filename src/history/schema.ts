/**
 * The history file's schema: plain tables anyone can read with the `sqlite3` shell
 * (see the README, "The history file"), the check that a file really is one of ours, and the
 * migrations from older versions.
 */
import type { Database } from "sql.js";

/** Bumped when the tables change; older files are migrated on open (see {@link migrate}). */
export const SCHEMA_VERSION = 3;

/** How many runs keep their rows in `jobs`: this one and the 4 before it... */
export const JOB_RUNS_KEPT = 5;
/** ...as long as those earlier runs have no more rows than this between them (a cold run of 100,000 jobs adds 100,000 rows). */
export const JOB_ROWS_KEPT = 50_000;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row per output file written by a job that completed successfully.
CREATE TABLE IF NOT EXISTS outputs (
  path        TEXT PRIMARY KEY,   -- relative to the directory holding the history file (see the README for files outside it)
  completed   REAL NOT NULL,      -- the output's up-to-date time, ms since 1970: its file time at completion, or just after its newest input's when the clock could not tell them apart (not when the job completed: see finished)
  file_mtime  REAL NOT NULL,      -- the file's modification time then, ms since 1970
  file_size   INTEGER NOT NULL,   -- the file's size then, bytes
  func_hash   TEXT NOT NULL,      -- fingerprint of the task function's source (checksum level 2)
  params_hash TEXT NOT NULL,      -- fingerprint of the job's extras (checksum level 3)
  task        TEXT NOT NULL,      -- the task that wrote it
  duration_ms REAL NOT NULL,      -- how long the job took (the whole job: shared by all its outputs)
  exit_status INTEGER NOT NULL,   -- 0: only successful jobs are recorded
  run_id      INTEGER,            -- runs.id of the run that wrote it
  finished    REAL                -- when the job completed, ms since 1970 (NULL for records older than schema version 3)
);
-- One row per job that completed, failed or was interrupted, in the last few runs.
CREATE TABLE IF NOT EXISTS jobs (
  run_id      INTEGER NOT NULL,   -- runs.id
  task        TEXT NOT NULL,
  job         TEXT NOT NULL,      -- e.g. "Job  = [a.txt -> a.out]"
  status      TEXT NOT NULL,      -- 'ok', 'failed' or 'interrupted'
  started     REAL,               -- ms since 1970 (NULL for an interrupted job)
  duration_ms REAL,               -- NULL for an interrupted job
  outputs     INTEGER NOT NULL,   -- output files recorded in "outputs"
  error       TEXT                -- NULL when status = 'ok'
);
-- One row per run of a pipeline (not per printout).
CREATE TABLE IF NOT EXISTS runs (
  id            INTEGER PRIMARY KEY,
  started       TEXT NOT NULL,    -- ISO 8601, UTC (text, unlike the ms numbers of outputs and jobs)
  finished      TEXT,             -- NULL while running, or if the run was killed
  elapsed_ms    REAL,
  ok            INTEGER,          -- 1 success, 0 a job failed or the run was interrupted
  jobs_run      INTEGER,          -- jobs that completed
  jobs_uptodate INTEGER,
  failures      INTEGER,          -- jobs (or task set-ups) that failed
  options       TEXT NOT NULL,    -- JSON: targets, parallelism, checksum level...
  pid           INTEGER NOT NULL,
  host          TEXT NOT NULL,
  interrupted   INTEGER           -- jobs that were running when a signal stopped the run
);
-- One row per failed or interrupted job (its outputs were removed from "outputs").
CREATE TABLE IF NOT EXISTS failures (
  run_id INTEGER NOT NULL,
  task   TEXT NOT NULL,
  job    TEXT NOT NULL,
  error  TEXT NOT NULL,
  at     TEXT NOT NULL             -- ISO 8601, UTC
);
`;

/** The columns of each table of version 1 (version 2 added `jobs` and `runs.interrupted`, version 3 `outputs.finished`). */
const V1_COLUMNS: Record<string, readonly string[]> = {
  meta: ["key", "value"],
  outputs: ["path", "completed", "file_mtime", "file_size", "func_hash", "params_hash", "task", "duration_ms", "exit_status", "run_id"],
  runs: ["id", "started", "finished", "elapsed_ms", "ok", "jobs_run", "jobs_uptodate", "failures", "options", "pid", "host"],
  failures: ["run_id", "task", "job", "error", "at"],
};
const V2_COLUMNS: Record<string, readonly string[]> = {
  ...V1_COLUMNS,
  runs: [...V1_COLUMNS.runs, "interrupted"],
  jobs: ["run_id", "task", "job", "status", "started", "duration_ms", "outputs", "error"],
};
const V3_COLUMNS: Record<string, readonly string[]> = { ...V2_COLUMNS, outputs: [...V2_COLUMNS.outputs, "finished"] };
const COLUMNS_OF_VERSION: Record<number, Record<string, readonly string[]>> = { 1: V1_COLUMNS, 2: V2_COLUMNS, 3: V3_COLUMNS };

/** What {@link checkSchema} found in an existing database. */
export type SchemaState =
  | { readonly kind: "empty" }
  | { readonly kind: "ours"; readonly version: number }
  | { readonly kind: "foreign"; readonly why: string };

function columnsOf(db: Database, table: string): string[] {
  return (db.exec(`PRAGMA table_info(${JSON.stringify(table)})`)[0]?.values ?? []).map((r) => String(r[1]));
}

/**
 * Whether the database is empty (a new or 0-byte file), one of ours (which version), or something
 * else: a Python Ruffus history (its `data` table of pickles) or tables we do not know. Nothing is
 * changed.
 */
export function checkSchema(db: Database): SchemaState {
  const tables = (db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) => String(r[0]));
  if (!tables.length) return { kind: "empty" };
  const has = new Set(tables);
  if (has.has("data") && !has.has("outputs") && columnsOf(db, "data").join(",") === "key,value") {
    return { kind: "foreign", why: "it looks like a Python Ruffus history file" };
  }
  if (!has.has("meta")) return { kind: "foreign", why: `it has an unknown schema: tables ${tables.join(", ")} and no meta table` };
  const v = db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]?.values[0]?.[0];
  const version = Number(v);
  if (v === undefined || !Number.isInteger(version) || version < 1) return { kind: "foreign", why: `it has an unknown schema: no valid schema_version in its meta table` };
  // A newer file may have more tables or columns: the caller refuses it by its version alone.
  if (version > SCHEMA_VERSION) return { kind: "ours", version };
  const expected = COLUMNS_OF_VERSION[version];
  for (const [table, cols] of Object.entries(expected)) {
    const found = new Set(columnsOf(db, table));
    const missing = cols.filter((c) => !found.has(c));
    if (!found.size) return { kind: "foreign", why: `it has an unknown schema: schema version ${version} without a ${table} table` };
    if (missing.length) return { kind: "foreign", why: `it has an unknown schema: table ${table} lacks ${missing.join(", ")}` };
  }
  return { kind: "ours", version };
}

/**
 * Brings a database of an older version up to {@link SCHEMA_VERSION} (in memory: the caller writes
 * it out). `rekey` turns a version-1 `../` key (relative to the history's directory as it was
 * named) into the current key. Returns whether anything changed.
 */
export function migrate(db: Database, from: number, rekey: (oldKey: string) => string): boolean {
  if (from >= SCHEMA_VERSION) return false;
  db.run("BEGIN");
  try {
    if (from < 2) {
      db.run("ALTER TABLE runs ADD COLUMN interrupted INTEGER");
      db.exec(SCHEMA_SQL); // the jobs table
      // Through a symlinked directory, version 1 gave even the files inside it ../ keys.
      const res = db.exec("SELECT path FROM outputs WHERE path LIKE '../%'")[0];
      for (const [p] of res?.values ?? []) {
        const next = rekey(String(p));
        if (next !== p) db.run("UPDATE OR REPLACE outputs SET path = ? WHERE path = ?", [next, p]);
      }
    }
    // Earlier records do not know when their job completed: NULL.
    if (from < 3) db.run("ALTER TABLE outputs ADD COLUMN finished REAL");
    db.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", [String(SCHEMA_VERSION)]);
    db.run("COMMIT");
  } catch (e) {
    db.run("ROLLBACK");
    throw e;
  }
  return true;
}
