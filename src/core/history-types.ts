/**
 * What the up-to-date check and the scheduler need from the job history. The sql.js store in
 * `src/history/` implements it; so does the in-memory store used at checksum level 0.
 */

/** What is remembered about one output file written by a successful job. */
export interface OutputRecord {
  /** The output's up-to-date time (ms since the epoch, sub-millisecond): its file time at completion, or just after its newest input's when the clock could not tell them apart. */
  readonly mtime: number;
  /** Fingerprint of the task function's source (checksum level 2). */
  readonly funcHash: string;
  /** Fingerprint of the job's extras (checksum level 3). */
  readonly paramsHash: string;
}

/** Extra facts stored with a record, for people reading the history. */
export interface OutputRecordDetails {
  readonly task: string;
  readonly fileMtime: number;
  readonly fileSize: number;
  readonly durationMs: number;
  /** When the job completed, ms since the epoch. */
  readonly finishedMs: number;
}

/** One job that ran, for the history's `jobs` table (people asking what ran and how long it took). */
export interface JobRecord {
  /** The task's display name. */
  readonly task: string;
  /** The job's description as logged, `Job  = [a.1 -> a.2]` (for the `failures` table; failed and interrupted jobs have one made already). */
  readonly job?: string;
  /** The job's parameters: the `jobs` table describes the job from them, with whole file names (cheaper than the logged description). */
  readonly params?: readonly unknown[];
  /** The task's kind (`transform`, `mkdir`...): how `params` read. */
  readonly kind?: string;
  readonly status: "ok" | "failed" | "interrupted";
  /** When it started, ms since the epoch (unknown for a job stopped by a signal). */
  readonly startedMs?: number;
  readonly durationMs?: number;
  /** Output files recorded as complete. */
  readonly outputs?: number;
  /** What went wrong (failed and interrupted jobs). */
  readonly error?: string;
}

/** The job history as the engine uses it. Paths are as the jobs wrote them; the store makes its own keys. */
export interface JobHistory {
  /** Where it is stored, or undefined for an in-memory history. */
  readonly file: string | undefined;
  get(path: string): OutputRecord | undefined;
  has(path: string): boolean;
  set(path: string, record: OutputRecord, details: OutputRecordDetails): void;
  delete(path: string): void;
  /** Notes a failed job (kept for people reading the history); the same as recordJob with status "failed". */
  recordFailure?(task: string, job: string, error: string): void;
  /** Notes a job that completed, failed or was interrupted (kept for people reading the history). */
  recordJob?(job: JobRecord): void;
  /** Records one run's start (returns its id) and end, for "what ran last time". */
  startRun(options: Readonly<Record<string, unknown>>): void;
  endRun(summary: Readonly<Record<string, unknown>>): void;
  /** Writes pending changes durably. */
  flush(): Promise<void>;
  /** Flushes and releases the store (and its lock). */
  close(): Promise<void>;
}

/** A history that lives only as long as the process (checksum level 0 without a file). */
export class MemoryHistory implements JobHistory {
  readonly file = undefined;
  private readonly records = new Map<string, OutputRecord>();
  get(path: string): OutputRecord | undefined {
    return this.records.get(path);
  }
  has(path: string): boolean {
    return this.records.has(path);
  }
  set(path: string, record: OutputRecord): void {
    this.records.set(path, record);
  }
  delete(path: string): void {
    this.records.delete(path);
  }
  startRun(): void {}
  endRun(): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
