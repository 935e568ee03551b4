/**
 * Cluster jobs a killed run leaves behind. A job in a cluster's queue outlives a `kill -9` of
 * ruff (nothing is left to cancel it): it goes on writing its outputs while the next run submits
 * the same job again, and both write the same files. So a run that holds the history's lock notes
 * each job it submits in `<history>.lock.<pid>.jobs` (its own identity on the first line, as the
 * `.procs` file of local commands has), and the run that takes over a stale lock cancels the jobs
 * still queued before it starts anything. Each scheduler's executor says how (see
 * {@link registerJobCanceller}); the file is removed when the run ends.
 */
import { rt } from "../core/runtime.ts";
import { forEachDeadRunLog, startSideLog, type ProcOwner, type SideLog } from "../history/procs.ts";

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

const logs = new Set<SideLog>();

/**
 * @internal Starts noting this run's cluster jobs beside `lockFile` (`<lock>.<pid>.jobs`); the
 * returned function removes the file (the run ended, and cancelled or waited for its jobs).
 */
export function startClusterJobLog(lockFile: string, owner: ProcOwner): () => Promise<void> {
  return startSideLog(lockFile, owner, "jobs", logs);
}

/**
 * @internal A cluster executor calls this as soon as the scheduler gave a job its id. Every run of
 * this process that holds a lock notes it: if the process dies, all its jobs are orphans.
 */
export function noteClusterJob(job: ClusterJobNote): void {
  if (!logs.size) return;
  const line = JSON.stringify(job);
  for (const log of logs) log.append(line);
}

/**
 * @internal With the lock held: cancels the jobs that dead runs of this history left queued (their
 * `.jobs` files), saying so on stderr. Files of a live run (its lock was deleted by hand) are left alone.
 */
export async function stopOrphanClusterJobs(lockFile: string): Promise<void> {
  await forEachDeadRunLog(lockFile, "jobs", async (owner, lines) => {
    const bySchedulers = new Map<string, ClusterJobNote[]>();
    for (const line of lines) {
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
  });
}
