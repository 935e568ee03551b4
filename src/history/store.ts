/**
 * The job history in a SQLite file, through sql.js.
 *
 * sql.js keeps the database in memory and can only write it out whole (`export()`), so the store
 * reads every record into a Map once at open, answers look-ups from the Map, and batches changes:
 * they are applied and written out at most every few hundred milliseconds (longer when the file
 * is big, so that writing stays a small share of the run), and at close. The file is replaced by
 * writing a temporary sibling and renaming it, so a crash at any instant leaves the old or the new
 * complete file. A record only ever says "this output was completed", so losing the last batch
 * makes at worst a few finished jobs run again — never an unfinished one look finished.
 */
import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import { RuffusError } from "../core/errors.ts";
import type { JobHistory, JobRecord, OutputRecord, OutputRecordDetails } from "../core/history-types.ts";
import { abspath, isAbsolute, isSimpleRelative, relpath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { basename, dirname } from "pathe";
import { acquireLock } from "./lock.ts";
import { replacedFile } from "./replaced.ts";
import { checkSchema, JOB_ROWS_KEPT, JOB_RUNS_KEPT, migrate, SCHEMA_SQL, SCHEMA_VERSION } from "./schema.ts";
import { sqlJs } from "./sqlite.ts";

/** The history file cannot be read, or is not a ruffus history. It is left untouched. */
export class HistoryFileError extends RuffusError {
  override name = "HistoryFileError";
}

/** The history file cannot be written (a full disk, a read-only directory...). */
export class HistoryWriteError extends RuffusError {
  override name = "HistoryWriteError";
}

interface Row {
  rec: OutputRecord;
  details: OutputRecordDetails;
}

/** Options of {@link SqliteHistory.open}. */
export interface SqliteHistoryOptions {
  readonly cwd: string;
  /** Fingerprints are only read at checksum level 2 and above. */
  readonly checksumLevel: number;
  /** Take the lock and allow writing (runs); printouts open read-only. */
  readonly write: boolean;
  /** Start from an empty history if the file is unreadable, keeping the bad file aside (recreate mode). */
  readonly replaceUnreadable?: boolean;
  /** Shortest time between two writes of the file, ms. */
  readonly minFlushIntervalMs?: number;
  /** Wait after a failed write before trying again by itself, ms. */
  readonly retryAfterFailureMs?: number;
  /** From this size on, a run that changed nothing leaves the file as it was (default 4 MB). */
  readonly largeFileBytes?: number;
}

const OUTPUT_COLUMNS = ["path", "completed", "file_mtime", "file_size", "func_hash", "params_hash", "task", "duration_ms", "exit_status", "run_id", "finished"];
const JOB_COLUMNS = ["run_id", "task", "job", "status", "started", "duration_ms", "outputs", "error"];
const ROWS_PER_STATEMENT = 200;
/** Above this size, a run that changed nothing leaves the history file as it was. */
const NOOP_WRITE_LIMIT = 4 * 1024 * 1024;

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "input/output error",
};

/** The operating system's reason in words (`no space left on device`), else the error's message. */
function osReason(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code in REASONS) return REASONS[code];
  return e instanceof Error ? e.message : String(e);
}

/** Errors that mean the history's directory cannot be written. */
const NOT_WRITABLE = new Set(["EROFS", "EACCES", "EPERM", "ENOSPC", "EDQUOT"]);

const isSpace = (e: unknown): boolean => ["ENOSPC", "EDQUOT"].includes(String((e as { code?: unknown } | undefined)?.code));

/** `abs` relative to `dir` when it is inside it (`.` for `dir` itself), else undefined. */
function inside(abs: string, dir: string): string | undefined {
  if (abs === dir) return ".";
  const prefix = dir.endsWith("/") ? dir : dir + "/";
  return abs.startsWith(prefix) ? abs.slice(prefix.length) : undefined;
}

/**
 * The key of `path` (as the pipeline names it, relative to `cwd`): relative to the history's
 * directory `dir` for a file inside it, so that the project folder can be moved. A file outside
 * it keeps the form the pipeline gave it: a relative name (`../data/x`) stays relative (it moves
 * along with the project), an absolute one (`/refs/hg38.fa`) stays absolute (it does not; as a
 * `../` key it would name another file, or none, once the project moved).
 */
function keyOf(path: string, cwd: string, dir: string): string {
  const abs = abspath(path, cwd);
  return inside(abs, dir) ?? (isAbsolute(path) ? abs : relpath(abs, dir));
}

/** See the module comment. */
export class SqliteHistory implements JobHistory {
  private readonly pending = new Map<string, Row | null>();
  private readonly keys = new Map<string, string>();
  private readonly failuresPending: { task: string; job: string; error: string; at: string }[] = [];
  private jobsPending: SqlValue[][] = [];
  private jobsPruned = false;
  private interruptedJobs = 0;
  private runId: number | undefined;
  /** This run's `runs` row, inserted by the first write (a run that writes nothing leaves no row). */
  private run: { started: number; options: string } | undefined;
  private runEnd: SqlValue[] | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastWriteMs = 0;
  private dirty = false;
  private closed = false;
  /** Output records set since the file was last written (lost if it can never be written again). */
  private unsaved = 0;
  /** The last write's error, while writing fails. */
  private writeFailure: unknown;
  private warned = false;
  /** Size of the file when opened (0 for a new one). */
  loadedBytes = 0;

  private constructor(
    readonly file: string,
    private readonly SQL: SqlJsStatic,
    /** Closed after reading when nothing may need writing (see {@link open}); opened again for the first write. */
    private db: Database | undefined,
    private readonly records: Map<string, OutputRecord>,
    /** The physical path of the history's directory: keys are relative to it. */
    private readonly dir: string,
    private readonly cwd: string,
    private readonly release: (() => Promise<void>) | undefined,
    private readonly minInterval: number,
    private readonly retryInterval: number,
    private readonly largeFile: number,
  ) {}

  /** Opens (or creates) a history file. */
  static async open(file: string, o: SqliteHistoryOptions): Promise<SqliteHistory> {
    const absFile = abspath(file, o.cwd);
    const SQL = await sqlJs();
    let release: (() => Promise<void>) | undefined;
    if (o.write) {
      try {
        await rt().mkdirp(dirname(absFile));
        release = await acquireLock(absFile);
        // With the lock held, temporary files beside the history are leftovers of a killed writer.
        const real = replacedFile(absFile);
        for (const tmp of rt().glob(`.${basename(real)}.[0-9]*.tmp`, { cwd: dirname(real) })) await rt().removeFile(`${dirname(real)}/${tmp}`);
      } catch (e) {
        await release?.();
        // Other errors (a file where a directory should be...) say what is wrong themselves.
        throw NOT_WRITABLE.has(String((e as { code?: unknown } | undefined)?.code)) ? notWritable(replacedFile(absFile), e) : e;
      }
    }
    try {
      // Physical paths on both sides (the current directory is one already): a history reached
      // through a symlinked directory must not give its own files ../../real/... keys.
      const dir = rt().realpath(dirname(absFile));
      const { db, records, migrated } = await loadDatabase(SQL, absFile, o, dir);
      const h = new SqliteHistory(absFile, SQL, db, records, dir, rt().realpath(o.cwd), release, o.minFlushIntervalMs ?? 300, o.retryAfterFailureMs ?? 2000, o.largeFileBytes ?? NOOP_WRITE_LIMIT);
      h.loadedBytes = rt().stat(absFile)?.size ?? 0;
      // A migrated file is written at the end of the run, whatever the run does.
      if (migrated) h.dirty = true;
      // sql.js keeps a copy of the whole file for as long as the database is open (and the
      // process's peak memory grows by several times that). The records are read: a printout, or
      // a run over a large history that may change nothing (a no-op is not written), closes it now;
      // a run that writes opens it again.
      else if (!o.write || h.loadedBytes >= h.largeFile) {
        db.close();
        h.db = undefined;
      }
      return h;
    } catch (e) {
      await release?.();
      throw e;
    }
  }

  /** The key of a path (see {@link keyOf}), memoised. */
  private key(path: string): string {
    let k = this.keys.get(path);
    if (k === undefined) {
      // Most paths are already normalised and relative to a history file in the current directory.
      k = this.dir === this.cwd && isSimpleRelative(path) ? path : keyOf(path, this.cwd, this.dir);
      this.keys.set(path, k);
    }
    return k;
  }

  get(path: string): OutputRecord | undefined {
    return this.records.get(this.key(path));
  }

  has(path: string): boolean {
    return this.records.has(this.key(path));
  }

  set(path: string, rec: OutputRecord, details: OutputRecordDetails): void {
    const k = this.key(path);
    this.records.set(k, rec);
    this.pending.set(k, { rec, details });
    this.unsaved++;
    this.changed();
  }

  delete(path: string): void {
    const k = this.key(path);
    if (!this.records.has(k) && !this.pending.has(k)) return;
    this.records.delete(k);
    this.pending.set(k, null);
    this.changed();
  }

  /** Notes a failed job, for people asking what went wrong last time. */
  recordFailure(task: string, job: string, error: string): void {
    this.recordJob({ task, job, status: "failed", error });
  }

  /** Notes a job in the `jobs` table (and a failed or interrupted one in `failures`). */
  recordJob(j: JobRecord): void {
    // The description is made when the batch is written: a job costs a push until then.
    this.jobsPending.push([0, j.task, j.params ? [j.kind, j.params] : (j.job ?? ""), j.status, j.startedMs ?? null, j.durationMs ?? null, j.outputs ?? 0, j.error ?? null] as SqlValue[]);
    if (j.status !== "ok") this.failuresPending.push({ task: j.task, job: j.job ?? jobText(j.kind, j.params ?? []), error: j.error ?? j.status, at: new Date().toISOString() });
    if (j.status === "interrupted") this.interruptedJobs++;
    this.changed();
  }

  startRun(options: Readonly<Record<string, unknown>>): void {
    // Inserted with the first write: a run that does nothing leaves the file alone (rewriting a
    // 100,000-record history costs more than the no-op run).
    this.run = { started: rt().now(), options: JSON.stringify(options) };
  }

  endRun(summary: Readonly<Record<string, unknown>>): void {
    if (!this.run) return;
    const now = rt().now();
    this.runEnd = [
      new Date(now).toISOString(),
      now - this.run.started,
      summary.ok ? 1 : 0,
      Number(summary.jobsRun ?? 0),
      Number(summary.jobsUptodate ?? 0),
      Number(summary.failures ?? 0),
      this.interruptedJobs,
    ];
    const didSomething = Number(summary.jobsRun ?? 0) > 0 || Number(summary.failures ?? 0) > 0 || Boolean(summary.interrupted) || !summary.ok;
    // A run that did nothing is recorded, except in a large history, where rewriting the whole
    // file would cost more than the run itself (a no-op re-run of 100,000 jobs must stay instant).
    if (this.dirty || didSomething || this.loadedBytes < this.largeFile) this.changed();
  }

  private changed(delay?: number): void {
    this.dirty = true;
    if (this.timer || this.closed || !this.release) return;
    // Writing the whole file costs time proportional to its size: space writes out so that
    // they stay around a tenth of the run, and never closer than minInterval.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // A failed write keeps everything in memory and is tried again later (and at close,
        // which reports it if it still fails): nothing to do with the error here but say so.
        this.flush().catch(() => this.changed(this.retryInterval));
      },
      delay ?? Math.max(this.minInterval, 10 * this.lastWriteMs),
    );
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Applies pending changes and writes the file (one writer at a time). Rejects with a
   * {@link HistoryWriteError} if the file cannot be written; the changes stay in memory and the
   * next flush writes them.
   */
  flush(): Promise<void> {
    const write = (): Promise<void> => this.writeOut();
    this.flushing = this.flushing.then(write, write);
    return this.flushing;
  }

  private async writeOut(): Promise<void> {
    if (!this.dirty || !this.release) return;
    const t0 = rt().now();
    const saving = this.unsaved;
    this.dirty = false;
    try {
      const db = (this.db ??= new this.SQL.Database(await rt().readFile(this.file)));
      this.applyPending(db);
      await rt().writeFileAtomic(this.file, db.export());
    } catch (e) {
      // The database in memory holds every change: the next write (a timer, the next flush, close) carries it.
      this.dirty = true;
      this.writeFailure = e;
      if (!this.warned) {
        this.warned = true;
        rt().stderr.write(`ruffus: cannot write the history file ${this.file}: ${osReason(e)}; its records are kept in memory and written when possible.\n`);
      }
      throw new HistoryWriteError(`Cannot write the history file ${this.file}: ${osReason(e)}.`);
    }
    if (this.writeFailure !== undefined) {
      this.writeFailure = undefined;
      rt().stderr.write(`ruffus: the history file ${this.file} is written again; no record was lost.\n`);
    }
    this.unsaved -= saving;
    this.lastWriteMs = rt().now() - t0;
  }

  /** Moves the pending changes into the database, in one transaction (all or nothing: they stay pending if it fails). */
  private applyPending(db: Database): void {
    const newRun = this.run !== undefined && this.runId === undefined;
    if (!newRun && !this.runEnd && !this.pending.size && !this.failuresPending.length && !this.jobsPending.length) return;
    db.run("BEGIN");
    try {
      let runId = this.runId ?? null;
      if (newRun && this.run) {
        db.run("INSERT INTO runs (started, options, pid, host) VALUES (?, ?, ?, ?)", [new Date(this.run.started).toISOString(), this.run.options, rt().pid, rt().hostname()]);
        runId = db.exec("SELECT last_insert_rowid()")[0].values[0][0] as number;
      }
      if (this.runEnd) {
        db.run("UPDATE runs SET finished = ?, elapsed_ms = ?, ok = ?, jobs_run = ?, jobs_uptodate = ?, failures = ?, interrupted = ? WHERE id = ?", [...this.runEnd, runId]);
      }
      const deletes: string[] = [];
      const inserts: SqlValue[][] = [];
      for (const [k, row] of this.pending) {
        if (row === null) deletes.push(k);
        else {
          const { rec, details: d } = row;
          inserts.push([k, rec.mtime, d.fileMtime, d.fileSize, rec.funcHash, rec.paramsHash, d.task, d.durationMs, 0, runId, d.finishedMs]);
        }
      }
      if (this.jobsPending.length && !this.jobsPruned) {
        this.jobsPruned = true;
        pruneJobs(db, runId ?? 0);
      }
      for (let i = 0; i < deletes.length; i += ROWS_PER_STATEMENT) {
        const chunk = deletes.slice(i, i + ROWS_PER_STATEMENT);
        db.run(`DELETE FROM outputs WHERE path IN (${chunk.map(() => "?").join(",")})`, chunk);
      }
      insertRows(db, "INSERT OR REPLACE INTO outputs", OUTPUT_COLUMNS, inserts);
      for (const row of this.jobsPending) {
        row[0] = runId ?? 0;
        if (typeof row[2] !== "string") row[2] = jobText(...(row[2] as unknown as [string | undefined, readonly unknown[]]));
      }
      insertRows(db, "INSERT INTO jobs", JOB_COLUMNS, this.jobsPending);
      for (const f of this.failuresPending) {
        db.run("INSERT INTO failures (run_id, task, job, error, at) VALUES (?, ?, ?, ?, ?)", [runId ?? 0, f.task, f.job, f.error, f.at]);
      }
      db.run("COMMIT");
      this.runId = runId ?? undefined;
    } catch (e) {
      db.run("ROLLBACK");
      throw e;
    }
    this.pending.clear();
    this.failuresPending.length = 0;
    this.jobsPending = [];
    this.runEnd = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } catch {
      const lost = this.unsaved;
      throw new HistoryWriteError(
        `Cannot write the history file ${this.file}: ${osReason(this.writeFailure)}. ` +
          (lost
            ? `${lost} output${lost > 1 ? "s" : ""} of jobs that completed in this run could not be recorded: those jobs will run again next time (their files are on disk). `
            : `Nothing this run completed is lost, but the file does not hold its last changes. `) +
          (isSpace(this.writeFailure)
            ? `Free some space and run again`
            : `Make the file writable, or choose another with --checksum-file-name (historyFile), and run again`) +
          ` (to trust the files on disk as they are instead, run once with --recreate-database).`,
      );
    } finally {
      this.db?.close();
      await this.release?.();
    }
  }
}

/**
 * A job as the `jobs` table shows it, in the logged layout (`Job  = [a.in -> a.out, extra]`,
 * `Make directories [out]`) but with whole file names: the log's shortened ones cost more to make
 * than recording the job.
 */
function jobText(kind: string | undefined, params: readonly unknown[]): string {
  const show = (v: unknown): string => {
    if (typeof v === "string") return v;
    if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
    if (v === undefined || v === null) return "None";
    if (typeof v === "function") return "<function>";
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  };
  if (kind === "mkdir") return `Make directories ${show(params.length === 1 ? params[0] : params[1])}`;
  if (kind === undefined || kind === "follows") return params.length ? `Job  = ${show(params)}` : "Job";
  const extras = params.slice(2).map(show).join(", ");
  return `Job  = [${params.length ? show(params[0]) : "??"} -> ${params.length > 1 ? show(params[1]) : "??"}${extras ? ", " + extras : ""}]`;
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

/** One multi-row INSERT per {@link ROWS_PER_STATEMENT} rows; one prepared statement for every full chunk (compiling SQL per chunk cost as much as inserting). */
function insertRows(db: Database, head: string, columns: readonly string[], rows: SqlValue[][]): void {
  if (!rows.length) return;
  const tuple = `(${columns.map(() => "?").join(",")})`;
  const sql = (n: number): string => `${head} (${columns.join(", ")}) VALUES ${Array(n).fill(tuple).join(",")}`;
  const full = Math.floor(rows.length / ROWS_PER_STATEMENT) * ROWS_PER_STATEMENT;
  if (full) {
    const stmt = db.prepare(sql(ROWS_PER_STATEMENT));
    try {
      for (let i = 0; i < full; i += ROWS_PER_STATEMENT) stmt.run(rows.slice(i, i + ROWS_PER_STATEMENT).flat());
    } finally {
      stmt.free();
    }
  }
  if (full < rows.length) db.run(sql(rows.length - full), rows.slice(full).flat());
}

/** Opening a history for writing failed with the operating system's error `e` (a read-only directory, a full disk). */
function notWritable(file: string, e: unknown): HistoryFileError {
  const dir = dirname(file);
  if (isSpace(e)) {
    return new HistoryFileError(`Cannot use the history file ${file}: ${osReason(e)} in ${dir}. Free some space, or put the history elsewhere with --checksum-file-name FILE (historyFile).`);
  }
  return new HistoryFileError(
    `Cannot use the history file ${file}: its directory ${dir} is not writable (${osReason(e)}). ` +
      `Put the history elsewhere with --checksum-file-name FILE (historyFile), or see what would run without writing anything with -n (printout()).`,
  );
}

/** The database and its records, or a {@link HistoryFileError} naming the file (recreate mode moves a bad one aside instead). */
async function loadDatabase(
  SQL: SqlJsStatic,
  file: string,
  o: SqliteHistoryOptions,
  dir: string,
): Promise<{ db: Database; records: Map<string, OutputRecord>; migrated: boolean }> {
  let bytes: Uint8Array | undefined;
  if (rt().stat(file)) {
    try {
      bytes = await rt().readFile(file);
    } catch (e) {
      throw new HistoryFileError(`Cannot read the history file ${file}: ${osReason(e)}`);
    }
  }
  let db: Database | undefined;
  let foreign: string | undefined;
  try {
    // A 0-byte file is an empty database to sqlite: a new history.
    db = new SQL.Database(bytes && bytes.length ? bytes : undefined);
    const state = checkSchema(db);
    let migrated = false;
    if (state.kind === "foreign") {
      foreign = state.why;
      throw new Error(state.why);
    } else if (state.kind === "empty") {
      db.exec(SCHEMA_SQL);
      db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", [String(SCHEMA_VERSION)]);
    } else if (state.version > SCHEMA_VERSION) {
      throw new Error(`it was written by a newer ruffus (schema version ${state.version})`);
    } else {
      // Version 1 keys were relative to the directory as named: through a symlinked directory,
      // the files inside it had ../../real/... keys, which now are plain relative ones.
      const given = dirname(file);
      migrated = migrate(db, state.version, (old) => {
        const abs = abspath(old, given);
        return inside(abs, dir) ?? inside(abs, given) ?? old;
      });
    }
    return { db, records: readAll(db, o.checksumLevel >= 2), migrated };
  } catch (e) {
    db?.close();
    const why = (e as Error).message;
    if (o.replaceUnreadable) {
      const aside = `${file}.${foreign ? "not-ruffus" : "unreadable"}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      await rt().rename(file, aside);
      rt().stderr.write(`ruffus: the history file ${file} was ${foreign ? `not a ruffus history (${why})` : `unreadable (${why})`}; moved it to ${aside} and started a new one.\n`);
      return loadDatabase(SQL, file, { ...o, replaceUnreadable: false }, dir);
    }
    if (foreign) {
      throw new HistoryFileError(
        `The history file ${file} is not a ruffus history (${why}). It has not been changed. ` +
          `Use --checksum-file-name (historyFile) to choose another file, or --recreate-database (touchFilesOnly: 2) to move it aside and rebuild the history from the files on disk.`,
      );
    }
    throw new HistoryFileError(
      `The history file ${file} is unreadable (${why}). It has not been changed. ` +
        `Rebuild it from the files on disk with --recreate-database (touchFilesOnly: 2), ` +
        `which keeps the bad file aside, or point historyFile / --checksum-file-name elsewhere.`,
    );
  }
}

/** Reads every record once. Below level 2 the fingerprints are not compared, so not read (half the time). */
function readAll(db: Database, withHashes: boolean): Map<string, OutputRecord> {
  const records = new Map<string, OutputRecord>();
  const res = db.exec(withHashes ? "SELECT path, completed, func_hash, params_hash FROM outputs" : "SELECT path, completed FROM outputs");
  for (const r of res[0]?.values ?? []) {
    records.set(r[0] as string, { mtime: r[1] as number, funcHash: (r[2] as string) ?? "", paramsHash: (r[3] as string) ?? "" });
  }
  return records;
}
