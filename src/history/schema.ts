/**
 * The history file's schema: plain tables anyone can read with the `sqlite3` shell
 * (see the README, "The history file").
 */

/** Bumped when the tables change incompatibly. */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- One row per output file written by a job that completed successfully.
CREATE TABLE IF NOT EXISTS outputs (
  path        TEXT PRIMARY KEY,   -- relative to the directory holding the history file
  completed   REAL NOT NULL,      -- when the job completed, ms since 1970 (the output's up-to-date time)
  file_mtime  REAL NOT NULL,      -- the file's modification time then, ms since 1970
  file_size   INTEGER NOT NULL,   -- the file's size then, bytes
  func_hash   TEXT NOT NULL,      -- fingerprint of the task function's source (checksum level 2)
  params_hash TEXT NOT NULL,      -- fingerprint of the job's extras (checksum level 3)
  task        TEXT NOT NULL,      -- the task that wrote it
  duration_ms REAL NOT NULL,      -- how long the job took
  exit_status INTEGER NOT NULL,   -- 0: only successful jobs are recorded
  run_id      INTEGER             -- runs.id of the run that wrote it
);
-- One row per run of a pipeline (not per printout).
CREATE TABLE IF NOT EXISTS runs (
  id            INTEGER PRIMARY KEY,
  started       TEXT NOT NULL,    -- ISO 8601, UTC
  finished      TEXT,             -- NULL while running, or if the run was killed
  elapsed_ms    REAL,
  ok            INTEGER,          -- 1 success, 0 a job failed or the run was interrupted
  jobs_run      INTEGER,
  jobs_uptodate INTEGER,
  failures      INTEGER,
  options       TEXT NOT NULL,    -- JSON: targets, parallelism, checksum level...
  pid           INTEGER NOT NULL,
  host          TEXT NOT NULL
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
