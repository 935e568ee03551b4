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
import type { JobHistory, OutputRecord, OutputRecordDetails } from "../core/history-types.ts";
import { abspath, isSimpleRelative, relpath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { basename, dirname } from "pathe";
import { acquireLock } from "./lock.ts";
import { SCHEMA_SQL, SCHEMA_VERSION } from "./schema.ts";
import { sqlJs } from "./sqlite.ts";

/** The history file cannot be read. It is left untouched. */
export class HistoryFileError extends RuffusError {
  override name = "HistoryFileError";
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
}

const INSERT_COLUMNS = "(path, completed, file_mtime, file_size, func_hash, params_hash, task, duration_ms, exit_status, run_id)";
const ROWS_PER_STATEMENT = 200;
/** Above this size, a run that changed nothing leaves the history file as it was. */
const NOOP_WRITE_LIMIT = 4 * 1024 * 1024;

/** See the module comment. */
export class SqliteHistory implements JobHistory {
  private readonly records = new Map<string, OutputRecord>();
  private readonly pending = new Map<string, Row | null>();
  private readonly keys = new Map<string, string>();
  private readonly failuresPending: { task: string; job: string; error: string; at: string }[] = [];
  private runId: number | undefined;
  private runStarted = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastWriteMs = 0;
  private dirty = false;
  private closed = false;
  /** Size of the file when opened (0 for a new one). */
  loadedBytes = 0;

  private constructor(
    readonly file: string,
    private readonly db: Database,
    private readonly dir: string,
    private readonly cwd: string,
    private readonly release: (() => Promise<void>) | undefined,
    private readonly minInterval: number,
  ) {}

  /** Opens (or creates) a history file. */
  static async open(file: string, o: SqliteHistoryOptions): Promise<SqliteHistory> {
    const absFile = abspath(file, o.cwd);
    const SQL = await sqlJs();
    let release: (() => Promise<void>) | undefined;
    if (o.write) {
      await rt().mkdirp(dirname(absFile));
      release = await acquireLock(absFile);
      // With the lock held, temporary files beside the history are leftovers of a killed writer.
      for (const tmp of rt().glob(`.${basename(absFile)}.[0-9]*.tmp`, { cwd: dirname(absFile) })) await rt().removeFile(`${dirname(absFile)}/${tmp}`);
    }
    try {
      const db = await loadDatabase(SQL, absFile, o);
      const h = new SqliteHistory(absFile, db, dirname(absFile), o.cwd, release, o.minFlushIntervalMs ?? 300);
      h.loadedBytes = rt().stat(absFile)?.size ?? 0;
      h.readAll(o.checksumLevel >= 2);
      return h;
    } catch (e) {
      await release?.();
      throw e;
    }
  }

  /** Reads every record once. Below level 2 the fingerprints are not compared, so not read (half the time). */
  private readAll(withHashes: boolean): void {
    const res = this.db.exec(withHashes ? "SELECT path, completed, func_hash, params_hash FROM outputs" : "SELECT path, completed FROM outputs");
    if (!res.length) return;
    for (const r of res[0].values) {
      this.records.set(r[0] as string, { mtime: r[1] as number, funcHash: (r[2] as string) ?? "", paramsHash: (r[3] as string) ?? "" });
    }
  }

  /** The key of a path: relative to the history file's directory, so the project folder can move. */
  private key(path: string): string {
    let k = this.keys.get(path);
    if (k === undefined) {
      // Most paths are already normalised and relative to a history file in the current directory.
      k = this.dir === this.cwd && isSimpleRelative(path) ? path : relpath(abspath(path, this.cwd), this.dir);
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
    this.changed();
  }

  delete(path: string): void {
    const k = this.key(path);
    if (!this.records.has(k) && !this.pending.has(k)) return;
    this.records.delete(k);
    this.pending.set(k, null);
    this.changed();
  }

  /** Notes a failed or interrupted job, for people asking what went wrong last time. */
  recordFailure(task: string, job: string, error: string): void {
    this.failuresPending.push({ task, job, error, at: new Date().toISOString() });
    this.changed();
  }

  startRun(options: Readonly<Record<string, unknown>>): void {
    this.runStarted = rt().now();
    this.db.run("INSERT INTO runs (started, options, pid, host) VALUES (?, ?, ?, ?)", [
      new Date(this.runStarted).toISOString(),
      JSON.stringify(options),
      rt().pid,
      rt().hostname(),
    ]);
    this.runId = this.db.exec("SELECT last_insert_rowid()")[0].values[0][0] as number;
    // Not written out by itself: the first recorded job writes it along. A run that does nothing
    // leaves the file alone (rewriting a 100,000-record history costs more than the no-op run).
  }

  endRun(summary: Readonly<Record<string, unknown>>): void {
    if (this.runId === undefined) return;
    const now = rt().now();
    this.db.run("UPDATE runs SET finished = ?, elapsed_ms = ?, ok = ?, jobs_run = ?, jobs_uptodate = ?, failures = ? WHERE id = ?", [
      new Date(now).toISOString(),
      now - this.runStarted,
      summary.ok ? 1 : 0,
      Number(summary.jobsRun ?? 0),
      Number(summary.jobsUptodate ?? 0),
      Number(summary.failures ?? 0),
      this.runId,
    ]);
    const didSomething = Number(summary.jobsRun ?? 0) > 0 || Number(summary.failures ?? 0) > 0 || Boolean(summary.interrupted) || !summary.ok;
    // A run that did nothing is recorded, except in a large history, where rewriting the whole
    // file would cost more than the run itself (a no-op re-run of 100,000 jobs must stay instant).
    if (this.dirty || didSomething || this.loadedBytes < NOOP_WRITE_LIMIT) this.changed();
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer || this.closed || !this.release) return;
    // Writing the whole file costs time proportional to its size: space writes out so that
    // they stay around a tenth of the run, and never closer than minInterval.
    const delay = Math.max(this.minInterval, 10 * this.lastWriteMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Applies pending changes and writes the file (one writer at a time). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeOut());
    return this.flushing;
  }

  private async writeOut(): Promise<void> {
    if (!this.dirty || !this.release) return;
    const t0 = rt().now();
    this.dirty = false;
    this.applyPending();
    const bytes = this.db.export();
    await rt().writeFileAtomic(this.file, bytes);
    this.lastWriteMs = rt().now() - t0;
  }

  private applyPending(): void {
    if (!this.pending.size && !this.failuresPending.length) return;
    const deletes: string[] = [];
    const inserts: SqlValue[][] = [];
    for (const [k, row] of this.pending) {
      if (row === null) deletes.push(k);
      else {
        const { rec, details: d } = row;
        inserts.push([k, rec.mtime, d.fileMtime, d.fileSize, rec.funcHash, rec.paramsHash, d.task, d.durationMs, 0, this.runId ?? null]);
      }
    }
    this.pending.clear();
    this.db.run("BEGIN");
    try {
      for (let i = 0; i < deletes.length; i += ROWS_PER_STATEMENT) {
        const chunk = deletes.slice(i, i + ROWS_PER_STATEMENT);
        this.db.run(`DELETE FROM outputs WHERE path IN (${chunk.map(() => "?").join(",")})`, chunk);
      }
      // One prepared statement for every full chunk (compiling SQL per chunk cost as much as inserting).
      const full = Math.floor(inserts.length / ROWS_PER_STATEMENT) * ROWS_PER_STATEMENT;
      if (full) {
        const stmt = this.db.prepare(`INSERT OR REPLACE INTO outputs ${INSERT_COLUMNS} VALUES ${Array(ROWS_PER_STATEMENT).fill("(?,?,?,?,?,?,?,?,?,?)").join(",")}`);
        try {
          for (let i = 0; i < full; i += ROWS_PER_STATEMENT) stmt.run(inserts.slice(i, i + ROWS_PER_STATEMENT).flat());
        } finally {
          stmt.free();
        }
      }
      if (full < inserts.length) {
        const rest = inserts.slice(full);
        this.db.run(`INSERT OR REPLACE INTO outputs ${INSERT_COLUMNS} VALUES ${rest.map(() => "(?,?,?,?,?,?,?,?,?,?)").join(",")}`, rest.flat());
      }
      for (const f of this.failuresPending.splice(0)) {
        this.db.run("INSERT INTO failures (run_id, task, job, error, at) VALUES (?, ?, ?, ?, ?)", [this.runId ?? 0, f.task, f.job, f.error, f.at]);
      }
      this.db.run("COMMIT");
    } catch (e) {
      this.db.run("ROLLBACK");
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } finally {
      this.db.close();
      await this.release?.();
    }
  }
}

async function loadDatabase(SQL: SqlJsStatic, file: string, o: SqliteHistoryOptions): Promise<Database> {
  let bytes: Uint8Array | undefined;
  if (rt().stat(file)) {
    try {
      bytes = await rt().readFile(file);
    } catch (e) {
      throw new HistoryFileError(`Cannot read the history file ${file}: ${(e as Error).message}`);
    }
  }
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes && bytes.length ? bytes : undefined);
    db.exec(SCHEMA_SQL);
    const v = db.exec("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!v.length) db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", [String(SCHEMA_VERSION)]);
    else if (Number(v[0].values[0][0]) > SCHEMA_VERSION) {
      throw new Error(`it was written by a newer ruffus (schema version ${String(v[0].values[0][0])})`);
    }
    return db;
  } catch (e) {
    db?.close();
    const why = (e as Error).message;
    if (o.replaceUnreadable) {
      const aside = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      await rt().rename(file, aside);
      rt().stderr.write(`ruffus: the history file ${file} was unreadable (${why}); moved it to ${aside} and started a new one.\n`);
      return loadDatabase(SQL, file, { ...o, replaceUnreadable: false });
    }
    throw new HistoryFileError(
      `The history file ${file} is unreadable (${why}). It has not been changed. ` +
        `Rebuild it from the files on disk with --recreate-database (touchFilesOnly: 2), ` +
        `which keeps the bad file aside, or point historyFile / --checksum-file-name elsewhere.`,
    );
  }
}
