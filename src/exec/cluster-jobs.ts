/**
 * Cluster jobs a killed run leaves behind. A job in a cluster's queue outlives a `kill -9` of
 * ruff (nothing is left to cancel it): it goes on writing its outputs while the next run submits
 * the same job again, and both write the same files. So a run that holds the history's lock notes
 * each job it submits in `<history>.lock.<pid>.jobs` (its own identity on the first line, as the
 * `.procs` file of local commands has), and the run that takes over a stale lock cancels the jobs
 * still queued before it starts anything. Each scheduler's executor says how (see
 * {@link registerJobCanceller}); the file is removed when the run ends.
 */
import { basename, dirname } from "pathe";
import { rt } from "../core/runtime.ts";
import { ownerAlive, type ProcOwner } from "../history/procs.ts";

/** One submitted job (for an array, the array's job id), with what the scheduler needs to cancel it. */
export interface ClusterJobNote {
  /** Which canceller handles it ("slurm"). */
  readonly scheduler: string;
  readonly id: string;
  /** The scheduler's commands as the run that submitted it called them (a config may name others). */
  readonly [command: string]: string;
}

/**
 * Cancels the jobs of one scheduler that a dead run left: finds which are still queued, calls
 * `say` with their ids (before cancelling them), and cancels them.
 */
export type JobCanceller = (jobs: readonly ClusterJobNote[], say: (queued: readonly string[]) => void) => Promise<void>;

const cancellers = new Map<string, { what: string; cancel: JobCanceller }>();

/** @internal A cluster executor's module registers how to cancel its jobs, and what they are called ("SLURM job"). */
export function registerJobCanceller(scheduler: string, what: string, cancel: JobCanceller): void {
  cancellers.set(scheduler, { what, cancel });
}

const logs = new Set<JobLog>();

/** The `.jobs` file of one run, appended to as each job is submitted. */
class JobLog {
  private started = false;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly owner: ProcOwner,
  ) {}

  note(job: ClusterJobNote): void {
    if (this.failed) return;
    const head = this.started ? "" : `owner ${this.owner.pid} ${this.owner.start ?? "-"} ${this.owner.host}\n`;
    try {
      // Synchronous: noted before a kill -9 can come in between.
      rt().appendTextFileSync(this.file, `${head}${JSON.stringify(job)}\n`);
      this.started = true;
    } catch {
      // A full disk: the jobs still run; they just cannot be cancelled after a kill -9.
      this.failed = true;
    }
  }

  async close(): Promise<void> {
    if (this.started) await rt().removeFile(this.file);
  }
}

/**
 * @internal Starts noting this run's cluster jobs beside `lockFile`; the returned function removes
 * the file (the run ended, and cancelled or waited for its jobs).
 */
export function startClusterJobLog(lockFile: string, owner: ProcOwner): () => Promise<void> {
  const log = new JobLog(`${lockFile}.${owner.pid}.jobs`, owner);
  logs.add(log);
  return async () => {
    logs.delete(log);
    await log.close();
  };
}

/**
 * @internal A cluster executor calls this as soon as the scheduler gave a job its id. Every run of
 * this process that holds a lock notes it: if the process dies, all its jobs are orphans.
 */
export function noteClusterJob(job: ClusterJobNote): void {
  for (const log of logs) log.note(job);
}

const escapeGlob = (s: string): string => s.replace(/[*?[]/g, "[$&]");

/**
 * @internal With the lock held: cancels the jobs that dead runs of this history left queued (their
 * `.jobs` files), saying so on stderr. Files of a live run (its lock was deleted by hand) are left alone.
 */
export async function stopOrphanClusterJobs(lockFile: string): Promise<void> {
  const dir = dirname(lockFile);
  for (const name of rt().glob(`${escapeGlob(basename(lockFile))}.[0-9]*.jobs`, { cwd: dir })) {
    const file = `${dir}/${name}`;
    let text: string;
    try {
      text = await rt().readTextFile(file);
    } catch {
      continue;
    }
    const [first = "", ...rest] = text.split("\n").filter(Boolean);
    const head = /^owner (\d+) (\S+) (.*)$/.exec(first);
    const owner = head ? { pid: Number(head[1]), start: head[2] === "-" ? undefined : head[2], host: head[3] } : undefined;
    if (owner && (owner.host !== rt().hostname() || (owner.pid !== rt().pid && ownerAlive(owner)))) continue;
    const bySchedulers = new Map<string, ClusterJobNote[]>();
    for (const line of rest) {
      let job: ClusterJobNote;
      try {
        job = JSON.parse(line) as ClusterJobNote;
      } catch {
        continue; // a line cut short by the kill
      }
      if (typeof job.scheduler === "string" && typeof job.id === "string") bySchedulers.set(job.scheduler, [...(bySchedulers.get(job.scheduler) ?? []), job]);
    }
    const dead = `the run that held ${lockFile}${owner ? ` (pid ${owner.pid})` : ""} died`;
    for (const [scheduler, jobs] of bySchedulers) {
      const c = cancellers.get(scheduler);
      try {
        if (!c) throw new Error(`no canceller for "${scheduler}" jobs is loaded`);
        await c.cancel(jobs, (queued) => {
          if (!queued.length) return;
          rt().stderr.write(
            `ruffus: ${dead} and left ${queued.length} ${c.what}${queued.length > 1 ? "s" : ""} in the queue (${queued.join(", ")}); ` +
              `cancelling ${queued.length > 1 ? "them" : "it"} before this run starts, so that ${queued.length > 1 ? "they do" : "it does"} not write into its outputs.\n`,
          );
        });
      } catch (e) {
        // The scheduler's commands are gone (another machine, another PATH): this run still starts,
        // and the user is told which jobs to look for, since nothing else will cancel them.
        rt().stderr.write(
          `ruffus: ${dead} and may have left ${scheduler} jobs in the queue (${jobs.map((j) => j.id).join(", ")}), which could not be checked (${(e as Error).message}). ` +
            `Cancel any still queued by hand, so that they do not write into this run's outputs.\n`,
        );
      }
    }
    await rt().removeFile(file);
  }
}
