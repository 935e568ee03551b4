/**
 * One writer per history file. A run takes `<history>.lock` (its pid, host, start time and the
 * process's identity); a second run fails at once naming the first; a lock left by a dead process
 * on this host — or by a process whose pid now belongs to another program — is taken over, after
 * stopping the commands the dead run left running (see procs.ts) and cancelling the cluster jobs
 * it left queued (see ../exec/cluster-jobs.ts). Printouts only read, so they take no lock.
 */
import { rt } from "../core/runtime.ts";
import { RuffusError } from "../core/errors.ts";
import { ownerAlive, processStartToken, startProcLog, stopOrphans } from "./procs.ts";
import { startClusterJobLog, stopOrphanClusterJobs } from "../exec/cluster-jobs.ts";
import { replacedFile } from "./replaced.ts";

/** Another run holds the history. */
export class HistoryLockedError extends RuffusError {
  override name = "HistoryLockedError";
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** The owner's identity (boot id and start time), where /proc tells it. */
  procStart?: string;
  /** Makes every lock's text unique, so a takeover can tell the stale lock from a new one. */
  nonce?: string;
}

let takeovers = 0;

/** Options of {@link acquireLock}. */
export interface LockOptions {
  /** How long orphaned commands get between SIGTERM and SIGKILL, ms. */
  readonly graceMs?: number;
}

/** Takes the lock; returns a function that releases it. */
export async function acquireLock(historyFile: string, o: LockOptions = {}): Promise<() => Promise<void>> {
  const lockFile = replacedFile(historyFile) + ".lock";
  const me: LockInfo = {
    pid: rt().pid,
    host: rt().hostname(),
    started: new Date().toISOString(),
    procStart: processStartToken(rt().pid),
    nonce: Math.random().toString(36).slice(2, 10),
  };
  const mine = JSON.stringify(me) + "\n";
  for (const deadline = rt().now() + 10_000; rt().now() < deadline; ) {
    if (await rt().createExclusive(lockFile, mine)) {
      try {
        await stopOrphans(lockFile, o.graceMs);
        await stopOrphanClusterJobs(lockFile);
      } catch (e) {
        await rt().removeFile(lockFile);
        throw e;
      }
      const stopLog = startProcLog(lockFile, { pid: me.pid, host: me.host, start: me.procStart });
      const stopJobLog = startClusterJobLog(lockFile, { pid: me.pid, host: me.host, start: me.procStart });
      return async () => {
        await stopLog();
        await stopJobLog();
        // Only our own lock: never one another run put there.
        if ((await rt().readTextFile(lockFile).catch(() => undefined)) === mine) await rt().removeFile(lockFile);
      };
    }
    let text: string;
    try {
      text = await rt().readTextFile(lockFile);
    } catch {
      continue; // released just now: try again
    }
    let other: LockInfo | undefined;
    try {
      other = JSON.parse(text) as LockInfo;
    } catch {
      // Empty or half-written (locks are written whole now; older versions could leave these): a
      // run starting right now (look again shortly), or one killed while writing it — stale once
      // it is a few seconds old.
      const st = rt().stat(lockFile);
      if (st && rt().now() - st.mtimeMs > 5000) await takeOver(lockFile, text);
      else await sleep(100);
      continue;
    }
    if (other.host === me.host && !ownerAlive({ pid: other.pid, host: other.host, start: other.procStart })) {
      await takeOver(lockFile, text);
      continue;
    }
    throw new HistoryLockedError(
      `The history file ${historyFile} is in use by another run (pid ${other.pid} on ${other.host}, started ${other.started}). ` +
        `Wait for it to finish, or use another history file (historyFile / --checksum-file-name). ` +
        `If that run is gone, delete ${lockFile}.`,
    );
  }
  throw new HistoryLockedError(
    `Could not take the lock ${lockFile}: other runs keep taking it. If no other run uses ${historyFile}, delete ${lockFile}.`,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Removes the stale lock whose text was `stale`. Several runs may find the same stale lock at once,
 * and one of them may already have replaced it with its own by the time another acts: so takers
 * go one at a time, each holding `<lock>.takeover` (created exclusively) while it checks that the
 * lock is still the stale one and removes it. Nothing else removes a lock it does not own, so the
 * lock cannot change between that check and the removal.
 */
async function takeOver(lockFile: string, stale: string): Promise<void> {
  const guard = `${lockFile}.takeover`;
  const mine = JSON.stringify({ pid: rt().pid, n: ++takeovers, nonce: Math.random() }) + "\n";
  if (!(await rt().createExclusive(guard, mine))) {
    // Another run is taking over right now (it takes milliseconds), or was killed doing so.
    const st = rt().stat(guard);
    if (st && rt().now() - st.mtimeMs > 5000) await removeIfUnchanged(guard);
    else await sleep(10 + Math.random() * 20);
    return;
  }
  try {
    if ((await rt().readTextFile(lockFile).catch(() => undefined)) === stale) await rt().removeFile(lockFile);
  } finally {
    await rt().removeFile(guard);
  }
}

/** Removes a takeover guard left by a killed run, unless another run replaced it meanwhile (then it is put back). */
async function removeIfUnchanged(guard: string): Promise<void> {
  const text = await rt().readTextFile(guard).catch(() => undefined);
  const aside = `${guard}-${rt().pid}-${++takeovers}`;
  try {
    await rt().rename(guard, aside);
  } catch {
    return;
  }
  const moved = await rt().readTextFile(aside).catch(() => undefined);
  if (moved !== undefined && moved !== text) await rt().createExclusive(guard, moved);
  await rt().removeFile(aside);
}
