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
import type { ThreadHandle } from "../runtime/types.ts";
import { abspath, isAbsolute, isSimpleRelative, relpath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { basename, dirname } from "pathe";
import { applyBatch, isEmptyBatch, JOB_VALUES, OUTPUT_VALUES, type Batch, type DbState } from "./db-batch.ts";
import type { ThreadInit, ThreadReply, ThreadRequest } from "./db-thread.ts";
import { acquireLock } from "./lock.ts";
import { replacedFile } from "./replaced.ts";
import { checkSchema, migrate, SCHEMA_SQL, SCHEMA_VERSION } from "./schema.ts";
import { embeddedSqlWasm, sqlJs } from "./sqlite.ts";

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
  /**
   * From a write of this many rows on, the database moves to a thread of its own (see
   * `db-thread.ts`); default {@link THREAD_ROWS}. 0: from the first write; Infinity: never.
   */
  readonly threadRows?: number;
}

/**
 * A write of this many rows (a few hundred milliseconds of a run of quick jobs) moves the
 * database to the history's thread. Smaller runs keep it here: a thread costs its start and a
 * second sql.js, which only pays off when the run goes on while the thread works.
 */
const THREAD_ROWS = 1000;
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

// Sources run as .ts; the npm build is .js (tsc rewrites import specifiers, not URLs).
const EXT = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
let threadEntry: URL | undefined = new URL(`./db-thread${EXT}`, import.meta.url);

/** @internal The history thread's entry module (the compiled binary has its own); undefined: no thread. */
export function setHistoryThreadEntry(url: URL | undefined): void {
  threadEntry = url;
}

/** Applying batches failed: the first `applied` of them are in the database; `lost`: the thread holding it is gone. */
class ApplyError extends Error {
  constructor(
    readonly reason: unknown,
    readonly applied: number,
    readonly lost = false,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** Where the database is held: here, or in the history's thread. */
interface DbHolder {
  /** Applies the batches in order, each in its own transaction, and exports the database; rejects with an {@link ApplyError}. */
  apply(batches: readonly Batch[]): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The database in this thread. */
class LocalDb implements DbHolder {
  constructor(
    readonly db: Database,
    private readonly state: DbState,
  ) {}

  async apply(batches: readonly Batch[]): Promise<Uint8Array> {
    let applied = 0;
    try {
      for (const b of batches) {
        applyBatch(this.db, b, this.state);
        applied++;
      }
      return this.db.export();
    } catch (e) {
      throw new ApplyError(e, applied);
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** The database in the history's thread; one request at a time (the caller serialises writes). */
class ThreadDb implements DbHolder {
  /** The thread's time on the last request (ms): this thread only waited for it. */
  busyMs = 0;
  private seq = 0;
  private waiting: { seq: number; resolve: (b: Uint8Array) => void; reject: (e: ApplyError) => void } | undefined;
  private gone: Error | undefined;

  constructor(
    private readonly thread: ThreadHandle,
    private readonly state: DbState,
  ) {
    thread.onMessage((m) => {
      const r = m as ThreadReply;
      const w = this.waiting;
      if (!w || w.seq !== r.seq) return;
      this.waiting = undefined;
      // Idle, the thread must not keep the process alive.
      thread.unref();
      Object.assign(this.state, r.state);
      this.busyMs = r.ms;
      if (r.error || !r.bytes) w.reject(new ApplyError(Object.assign(new Error(r.error?.message ?? "no data"), r.error?.code ? { code: r.error.code } : {}), r.applied));
      else w.resolve(r.bytes);
    });
    thread.onError((e) => {
      this.gone = e;
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(new ApplyError(e, 0, true));
    });
    thread.unref();
  }

  apply(batches: readonly Batch[]): Promise<Uint8Array> {
    if (this.gone) return Promise.reject(new ApplyError(this.gone, 0, true));
    return new Promise((resolve, reject) => {
      const seq = ++this.seq;
      this.waiting = { seq, resolve, reject };
      // Awaited, it must keep the process alive until it answers.
      this.thread.ref();
      try {
        // As JSON text: one string is copied across far faster than the structured clone of
        // arrays of a few hundred thousand values (the rows hold only strings, finite numbers and nulls).
        this.thread.postMessage({ seq, batches: JSON.stringify(batches) } satisfies ThreadRequest);
      } catch (e) {
        this.waiting = undefined;
        this.thread.unref();
        reject(new ApplyError(e, 0, true));
      }
    });
  }

  async close(): Promise<void> {
    this.gone ??= new Error("the history's thread was closed");
    await this.thread.terminate();
  }
}

/** Rows a batch writes (what moving to the thread is decided on). */
function batchRows(b: Batch): number {
  return b.outputs.length / OUTPUT_VALUES + b.jobs.length / JOB_VALUES + b.deletes.length;
}

/** See the module comment. */
export class SqliteHistory implements JobHistory {
  private readonly pending = new Map<string, Row | null>();
  private readonly keys = new Map<string, string>();
  private failuresPending: SqlValue[] = [];
  /** task, job (or its kind and parameters, described when the batch is made), status, started, duration_ms, outputs, error. */
  private jobsPending: unknown[] = [];
  private interruptedJobs = 0;
  /** The database's state (this run's runs.id...), as its holder has it. */
  private state: DbState = { runId: undefined, jobsPruned: false };
  /** Where the database is held once the first write opened it. */
  private holder: DbHolder | undefined;
  /**
   * What the holder's database started from: the file as last written (`bytes` undefined), or the
   * bytes the history's thread was started with; the batches applied to it since are `unwritten`.
   * If the thread fails, the database is rebuilt here from these.
   */
  private base: { bytes: Uint8Array | undefined; state: DbState } = { bytes: undefined, state: { ...this.state } };
  /** The history's thread failed to start or died: the database stays in this thread. */
  private noThread = false;
  /** Batches not in the database yet (oldest first), and batches in it but not yet in the file. */
  private queued: Batch[] = [];
  private unwritten: Batch[] = [];
  /** This run's `runs` row, inserted by the first write (a run that writes nothing leaves no row). */
  private run: { started: number; options: string } | undefined;
  private runEnd: SqlValue[] | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastWriteMs = 0;
  /** Time the current write spent waiting for the history's thread. */
  private waitedMs = 0;
  private dirty = false;
  private closed = false;
  /** Output records set since the file was last written (lost if it can never be written again). */
  private unsaved = 0;
  /** The last write's error, while writing fails. */
  private writeFailure: unknown;
  private warned = false;
  /** Size of the file when opened (0 for a new one). */
  loadedBytes = 0;
  /** The history is in the current directory. */
  private readonly here: boolean;

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
    private readonly threadRows: number,
  ) {
    this.here = dir === cwd;
  }

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
      const h = new SqliteHistory(absFile, SQL, db, records, dir, rt().realpath(o.cwd), release, o.minFlushIntervalMs ?? 300, o.retryAfterFailureMs ?? 2000, o.largeFileBytes ?? NOOP_WRITE_LIMIT, o.threadRows ?? THREAD_ROWS);
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
    // Most paths are already normalised and relative to a history file in the current directory:
    // their own keys (telling that is cheaper than the memo's look-up, several times per job).
    if (this.here && isSimpleRelative(path)) return path;
    let k = this.keys.get(path);
    if (k === undefined) {
      k = keyOf(path, this.cwd, this.dir);
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
    // The description is made when the batch is made: a job costs a few pushes until then.
    this.jobsPending.push(j.task, j.params ? [j.kind, j.params] : (j.job ?? ""), j.status, j.startedMs ?? null, j.durationMs ?? null, j.outputs ?? 0, j.error ?? null);
    if (j.status !== "ok") this.failuresPending.push(j.task, j.job ?? jobText(j.kind, j.params ?? []), j.error ?? j.status, new Date().toISOString());
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
    // they stay around a tenth of the run (of this thread's time), and never closer than minInterval.
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
    this.waitedMs = 0;
    const batch = this.takeBatch();
    if (!isEmptyBatch(batch)) this.queued.push(batch);
    try {
      const bytes = await this.applyQueued();
      await rt().writeFileAtomic(this.file, bytes);
    } catch (e) {
      // The database holds every batch applied, and batches not applied wait in order: the next
      // write (a timer, the next flush, close) carries them.
      this.dirty = true;
      this.writeFailure = e;
      if (!this.warned) {
        this.warned = true;
        rt().stderr.write(`ruffus: cannot write the history file ${this.file}: ${osReason(e)}; its records are kept in memory and written when possible.\n`);
      }
      throw new HistoryWriteError(`Cannot write the history file ${this.file}: ${osReason(e)}.`);
    }
    this.unwritten = [];
    this.base = { bytes: undefined, state: { ...this.state } };
    if (this.writeFailure !== undefined) {
      this.writeFailure = undefined;
      rt().stderr.write(`ruffus: the history file ${this.file} is written again; no record was lost.\n`);
    }
    this.unsaved -= saving;
    // What the write cost, this thread's time and the history thread's (not the wait for it).
    this.lastWriteMs = rt().now() - t0 - this.waitedMs + (this.holder instanceof ThreadDb ? this.holder.busyMs : 0);
  }

  /** The pending changes as one batch (each output's last change; jobs described now); they are no longer pending. */
  private takeBatch(): Batch {
    const deletes: string[] = [];
    const outputs: SqlValue[] = [];
    for (const [k, row] of this.pending) {
      if (row === null) deletes.push(k);
      else {
        const { rec, details: d } = row;
        outputs.push(k, rec.mtime, d.fileMtime, d.fileSize, rec.funcHash, rec.paramsHash, d.task, d.durationMs, d.finishedMs);
      }
    }
    const jobs = this.jobsPending;
    for (let i = 1; i < jobs.length; i += JOB_VALUES) {
      const job = jobs[i];
      if (typeof job !== "string") jobs[i] = jobText(...(job as [string | undefined, readonly unknown[]]));
    }
    const run = this.run;
    const batch: Batch = {
      // Carried until the database has the row (a batch that failed to apply is applied again).
      run: run && this.state.runId === undefined ? { started: new Date(run.started).toISOString(), options: run.options, pid: rt().pid, host: rt().hostname() } : undefined,
      runEnd: this.runEnd,
      deletes,
      outputs,
      jobs: jobs as SqlValue[],
      failures: this.failuresPending,
    };
    this.pending.clear();
    this.jobsPending = [];
    this.failuresPending = [];
    this.runEnd = undefined;
    return batch;
  }

  /**
   * Moves the queued batches into the database and returns its bytes. If the history's thread
   * fails, the database is opened here again from what the thread started from (the file as last
   * written), and every batch since is applied again: nothing is lost, nothing applied twice.
   */
  private async applyQueued(): Promise<Uint8Array> {
    for (;;) {
      const holder = await this.holderFor();
      try {
        const t0 = rt().now();
        const bytes = await holder.apply(this.queued);
        if (holder instanceof ThreadDb) this.waitedMs += rt().now() - t0;
        this.unwritten.push(...this.queued.splice(0));
        return bytes;
      } catch (e) {
        if (!(e instanceof ApplyError)) throw e;
        this.unwritten.push(...this.queued.splice(0, e.applied));
        if (!(holder instanceof ThreadDb) || !e.lost) throw e.reason;
        this.noThread = true;
        this.holder = undefined;
        this.queued.unshift(...this.unwritten.splice(0));
        this.state = { ...this.base.state };
        if (this.base.bytes) this.db = new this.SQL.Database(this.base.bytes);
        this.base.bytes = undefined;
      }
    }
  }

  /** The database's holder: opened by the first write, moved to the history's thread by a large one. */
  private async holderFor(): Promise<DbHolder> {
    const wantThread = (): boolean =>
      !this.noThread && !this.closed && threadEntry !== undefined && rt().createThread !== undefined && this.queued.reduce((n, b) => n + batchRows(b), 0) >= this.threadRows;
    if (this.holder instanceof LocalDb && wantThread()) {
      const thread = this.startThread(this.holder.db.export(), true);
      if (thread) {
        this.holder.db.close();
        this.db = undefined;
        this.holder = thread;
      }
    }
    if (this.holder) return this.holder;
    if (wantThread()) {
      // A database open here may differ from the file (a new history, a migrated one): kept until the first write.
      const thread = this.db ? this.startThread(this.db.export(), true) : this.startThread(await rt().readFile(this.file), false);
      if (thread) {
        this.db?.close();
        this.db = undefined;
        return (this.holder = thread);
      }
    }
    this.db ??= new this.SQL.Database(await rt().readFile(this.file));
    return (this.holder = new LocalDb(this.db, this.state));
  }

  /**
   * Starts the history's thread with the database `bytes` (`keep`: they are not the file on disk,
   * so they are what a failed thread's work is rebuilt from); undefined, and no thread from now on,
   * if it cannot start.
   */
  private startThread(bytes: Uint8Array, keep: boolean): ThreadDb | undefined {
    try {
      const init: ThreadInit = { bytes, state: { ...this.state }, wasm: embeddedSqlWasm() };
      const thread = new ThreadDb(rt().createThread!(threadEntry!, init), this.state);
      // What the thread holds from now on includes every batch applied so far.
      this.base = { bytes: keep ? bytes : undefined, state: { ...this.state } };
      this.unwritten = [];
      return thread;
    } catch {
      this.noThread = true;
      return undefined;
    }
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
      if (this.holder) await this.holder.close().catch(() => {});
      else this.db?.close();
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
