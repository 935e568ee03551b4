/**
 * Memoised file-system queries for one run or printout. A run must stat each file once, however
 * many tasks mention it. After jobs ran, the caller says what may have changed: only what the jobs
 * declared (their outputs, primed with the stat taken right after; and any file that did not exist
 * may exist now) — {@link forgetAfterJobs} — or anything (a task function with undeclared effects) —
 * {@link invalidate}.
 */
import { rt } from "./runtime.ts";
import type { FileStat } from "../runtime/types.ts";

/** Counts kept for benchmarks and tests ("one stat per file per run"). */
export interface FileCacheCounters {
  stats: number;
  globs: number;
}

/** See the module comment. */
export class FileCache {
  private stats = new Map<string, FileStat | null>();
  private lstats = new Map<string, FileStat | null>();
  private reals = new Map<string, string>();
  private globs = new Map<string, string[]>();
  readonly counters: FileCacheCounters = { stats: 0, globs: 0 };

  constructor(readonly cwd: string) {}

  /** Forget everything: files may have changed. */
  invalidate(): void {
    if (!this.stats.size && !this.globs.size) return;
    this.stats = new Map();
    this.lstats = new Map();
    this.reals = new Map();
    this.globs = new Map();
  }

  /**
   * After jobs that declared what they write: files known to exist keep their answers (the jobs'
   * outputs are primed afresh by the caller); files known to be missing, directory listings,
   * symlink and realpath answers are dropped, since a job may have created files or links.
   */
  forgetAfterJobs(): void {
    for (const [path, st] of this.stats) if (st === null) this.stats.delete(path);
    this.lstats = new Map();
    this.reals = new Map();
    this.globs = new Map();
  }

  /** Records a stat made elsewhere (a job's output, just written), so that it is not made again. */
  prime(path: string, st: FileStat): void {
    this.stats.set(path, st);
  }

  /** Forget what is known about these paths only. */
  forget(paths: Iterable<string>): void {
    for (const p of paths) {
      this.stats.delete(p);
      this.lstats.delete(p);
      this.reals.delete(p);
    }
    // (Called after every job: no new Map when there is nothing to drop.)
    if (this.globs.size) this.globs = new Map();
  }

  /** stat() following symlinks; undefined when missing (a broken symlink counts as missing). */
  stat(path: string): FileStat | undefined {
    let s = this.stats.get(path);
    if (s === undefined) {
      this.counters.stats++;
      s = rt().stat(path) ?? null;
      this.stats.set(path, s);
    }
    return s ?? undefined;
  }

  /** lstat(): tells a broken symlink from a missing file. */
  lstat(path: string): FileStat | undefined {
    let s = this.lstats.get(path);
    if (s === undefined) {
      s = rt().lstat(path) ?? null;
      this.lstats.set(path, s);
    }
    return s ?? undefined;
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  realpath(path: string): string {
    let r = this.reals.get(path);
    if (r === undefined) {
      r = rt().realpath(path);
      this.reals.set(path, r);
    }
    return r;
  }

  /** Python-style glob, sorted. */
  glob(pattern: string): string[] {
    let g = this.globs.get(pattern);
    if (g === undefined) {
      this.counters.globs++;
      g = rt().glob(pattern, { cwd: this.cwd });
      this.globs.set(pattern, g);
    }
    return g;
  }
}
