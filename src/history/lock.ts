/**
 * One writer per history file. A run takes `<history>.lock` (its pid, host and start time);
 * a second run fails at once naming the first; a lock left by a dead process on this host is
 * taken over. Printouts only read, so they take no lock.
 */
import { rt } from "../core/runtime.ts";
import { RuffusError } from "../core/errors.ts";

/** Another run holds the history. */
export class HistoryLockedError extends RuffusError {
  override name = "HistoryLockedError";
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

/** Takes the lock; returns a function that releases it. */
export async function acquireLock(historyFile: string): Promise<() => Promise<void>> {
  const lockFile = historyFile + ".lock";
  const me: LockInfo = { pid: rt().pid, host: rt().hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await rt().createExclusive(lockFile, JSON.stringify(me) + "\n")) {
      return async () => {
        await rt().removeFile(lockFile);
      };
    }
    let other: LockInfo | undefined;
    try {
      other = JSON.parse(await rt().readTextFile(lockFile)) as LockInfo;
    } catch {
      // Empty or half-written: a run starting right now (look again shortly), or one killed
      // between creating and writing it — that one is stale once it is a few seconds old.
      const st = rt().stat(lockFile);
      if (st && rt().now() - st.mtimeMs > 5000) {
        await rt().removeFile(lockFile);
        continue;
      }
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (other.host === me.host && !rt().processAlive(other.pid)) {
      // Stale: its owner died without releasing it. Move it aside atomically, then retry.
      await rt().rename(lockFile, `${lockFile}.stale-${other.pid}`).catch(() => {});
      await rt().removeFile(`${lockFile}.stale-${other.pid}`);
      continue;
    }
    throw new HistoryLockedError(
      `The history file ${historyFile} is in use by another run (pid ${other.pid} on ${other.host}, started ${other.started}). ` +
        `Wait for it to finish, or use another history file (historyFile / --checksum-file-name). ` +
        `If that run is gone, delete ${lockFile}.`,
    );
  }
  throw new HistoryLockedError(
    `Could not take the lock ${lockFile}: it exists but does not say which run holds it. If no other run uses ${historyFile}, delete ${lockFile}.`,
  );
}
