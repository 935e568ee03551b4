/**
 * Commands a killed run leaves behind. Every local command runs in a process group of its own
 * (so that Ctrl-C stops it and everything it started), and such a group outlives a `kill -9` of
 * ruff: its command goes on writing its output while the next run starts the same job again, and
 * both write the same file. So a run that holds the history's lock notes each group it starts in
 * `<history>.lock.<pid>.procs` (its own identity on the first line), and the run that takes over
 * a stale lock stops the groups still running before it starts anything.
 *
 * A process is identified by its pid and its start time (Linux: `/proc/<pid>/stat`, ticks since
 * boot, with the boot id), so a pid reused by an unrelated process is never signalled. Where
 * there is no /proc (macOS, Windows) processes cannot be identified, so nothing is noted or stopped.
 */
import { basename, dirname } from "pathe";
import { rt } from "../core/runtime.ts";

/** Fields of `/proc/<pid>/stat` after the command name: state is [0], pgrp [2], session [3], starttime [19]. */
interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
  readonly session: number;
  readonly startTicks: string;
}

let bootId: string | null | undefined;

function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = rt().readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself hold spaces and parentheses.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  if (f.length < 20) return undefined;
  return { state: f[0], pgrp: Number(f[2]), session: Number(f[3]), startTicks: f[19] };
}

/** The boot id, or undefined on systems without /proc (processes cannot be identified there). */
function boot(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = rt().readTextFileSync("/proc/sys/kernel/random/boot_id").trim();
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

/**
 * The identity of a running process, `<boot id>:<start ticks>`, or undefined when it is not
 * running (a zombie is not, unless `zombie`: a child that exited but is not collected yet still is
 * the process it was) or this system has no /proc. Synchronous: a command is noted the moment it
 * starts, before a kill -9 of ruff can come in between.
 */
export function processStartToken(pid: number, zombie = false): string | undefined {
  const b = boot();
  const st = b ? readProcStat(pid) : undefined;
  return b && st && (zombie || st.state !== "Z") ? `${b}:${st.startTicks}` : undefined;
}

/** Who wrote a `.procs` file (its first line). */
export interface ProcOwner {
  readonly pid: number;
  readonly host: string;
  /** {@link processStartToken} of the owner, if known. */
  readonly start: string | undefined;
}

/**
 * @internal An append-only note file beside a history's lock, `<lock>.<pid>.<kind>`, with its
 * owner on the first line: the `.procs` file here and the `.jobs` file of cluster jobs.
 */
export class SideLog {
  private started = false;
  private failed = false;

  constructor(
    readonly file: string,
    private readonly owner: ProcOwner,
  ) {}

  /** Appends one line, synchronously: noted before a kill -9 can come in between. */
  append(line: string): void {
    if (this.failed) return;
    const head = this.started ? "" : `owner ${this.owner.pid} ${this.owner.start ?? "-"} ${this.owner.host}\n`;
    try {
      rt().appendTextFileSync(this.file, `${head}${line}\n`);
      this.started = true;
    } catch {
      // A full disk: the work still runs; it just cannot be stopped after a kill -9.
      this.failed = true;
    }
  }

  async close(): Promise<void> {
    if (this.started) await rt().removeFile(this.file);
  }
}

/**
 * @internal Starts a {@link SideLog} of `kind` for this run and adds it to `logs` (where the
 * notes are sent); the returned function removes it and its file (the run ended).
 */
export function startSideLog(lockFile: string, owner: ProcOwner, kind: string, logs: Set<SideLog>): () => Promise<void> {
  const log = new SideLog(`${lockFile}.${owner.pid}.${kind}`, owner);
  logs.add(log);
  return async () => {
    logs.delete(log);
    await log.close();
  };
}

const escapeGlob = (s: string): string => s.replace(/[*?[]/g, "[$&]");

/**
 * @internal With the lock held: hands each `kind` side file of a dead run of this history (its
 * owner, when the first line names one, and the lines after it) to `handle`, then removes it.
 * Files of a live run (its lock was deleted by hand) are left alone.
 */
export async function forEachDeadRunLog(lockFile: string, kind: string, handle: (owner: ProcOwner | undefined, lines: string[]) => Promise<void>): Promise<void> {
  const dir = dirname(lockFile);
  for (const name of rt().glob(`${escapeGlob(basename(lockFile))}.[0-9]*.${kind}`, { cwd: dir })) {
    const file = `${dir}/${name}`;
    let text: string;
    try {
      text = await rt().readTextFile(file);
    } catch {
      continue;
    }
    const [first = "", ...lines] = text.split("\n").filter(Boolean);
    const head = /^owner (\d+) (\S+) (.*)$/.exec(first);
    const owner = head ? { pid: Number(head[1]), start: head[2] === "-" ? undefined : head[2], host: head[3] } : undefined;
    if (owner && (owner.host !== rt().hostname() || (owner.pid !== rt().pid && ownerAlive(owner)))) continue;
    await handle(owner, head ? lines : [first, ...lines]);
    await rt().removeFile(file);
  }
}

const logs = new Set<SideLog>();

/** The `.procs` file of the run that holds `lockFile` with process `pid`. */
export function procsFile(lockFile: string, pid: number): string {
  return `${lockFile}.${pid}.procs`;
}

/**
 * Starts noting this run's process groups beside `lockFile`; the returned function removes the
 * file (the run ended: its commands have ended too).
 */
export function startProcLog(lockFile: string, owner: ProcOwner): () => Promise<void> {
  return startSideLog(lockFile, owner, "procs", logs);
}

/**
 * @internal The local executor calls this for each command's process group (the group's id is the
 * leader's pid). Every run of this process that holds a lock notes it: if the process dies, all
 * its commands are orphans, whichever run started them.
 */
export function noteChildGroup(pid: number): void {
  if (pid <= 0 || !logs.size) return;
  // A command that put its work in the background and exited at once is a zombie by now; its
  // group lives on. Gone already (or no /proc): nothing to stop later, or nothing verifiable.
  const token = processStartToken(pid, true);
  if (token) for (const log of logs) log.append(`${pid} ${token}`);
}

/** The groups of a `.procs` file's lines: `<pgid> <token>`. */
function parseGroups(lines: readonly string[]): { pgid: number; token: string }[] {
  const groups: { pgid: number; token: string }[] = [];
  for (const l of lines) {
    const m = /^(\d+) (\S+)$/.exec(l);
    if (m) groups.push({ pgid: Number(m[1]), token: m[2] });
  }
  return groups;
}

/** True while the recorded owner process is alive (the same process, not a reused pid). */
export function ownerAlive(o: ProcOwner): boolean {
  if (!rt().processAlive(o.pid)) return false;
  if (!o.start) return true;
  const now = processStartToken(o.pid);
  // No identity with /proc there: it exited just now, or is a zombie.
  if (now === undefined) return boot() === undefined;
  return now === o.start;
}

/** Whether group `pgid` (leader recorded with `token`) still has processes of its own: the leader, or members left when it exited. */
function groupRunning(pgid: number, token: string): boolean {
  const leader = processStartToken(pgid);
  if (leader !== undefined) return leader === token; // another process has the pid now: not ours
  // The leader exited; its group (and session: commands start with setsid) may live on. A group id
  // is only reused once no process is left in it, so members started after the leader are ours.
  const ticks = Number(token.slice(token.lastIndexOf(":") + 1));
  for (const entry of rt().glob("[0-9]*", { cwd: "/proc" })) {
    const st = readProcStat(Number(entry));
    if (st && st.state !== "Z" && st.pgrp === pgid && st.session === pgid && Number(st.startTicks) >= ticks) return true;
  }
  return false;
}

/**
 * With the lock held: stops the commands left running by dead runs of this history (their
 * `.procs` files), SIGTERM first and SIGKILL after `graceMs`, and says so on stderr.
 */
export async function stopOrphans(lockFile: string, graceMs = 2000): Promise<void> {
  await forEachDeadRunLog(lockFile, "procs", async (owner, lines) => {
    const groups = parseGroups(lines);
    const alive: number[] = [];
    for (const g of groups) if (!alive.includes(g.pgid) && groupRunning(g.pgid, g.token)) alive.push(g.pgid);
    if (!alive.length) return;
    rt().stderr.write(
      `ruffus: the run that held ${lockFile}${owner ? ` (pid ${owner.pid})` : ""} died and left ${alive.length} command${alive.length > 1 ? "s" : ""} running ` +
        `(process group${alive.length > 1 ? "s" : ""} ${alive.join(", ")}); stopping ${alive.length > 1 ? "them" : "it"} before this run starts, so that ${alive.length > 1 ? "they do" : "it does"} not write into its outputs.\n`,
    );
    await stopGroups(groups.filter((g) => alive.includes(g.pgid)), graceMs);
  });
}

async function stopGroups(groups: { pgid: number; token: string }[], graceMs: number): Promise<void> {
  const still = (): typeof groups => groups.filter((g) => groupRunning(g.pgid, g.token));
  for (const g of groups) rt().signalProcessGroup(g.pgid, "SIGTERM");
  let left = groups;
  for (const deadline = rt().now() + graceMs; left.length && rt().now() < deadline; left = still()) await new Promise((r) => setTimeout(r, 50));
  for (const g of left) rt().signalProcessGroup(g.pgid, "SIGKILL");
  for (let i = 0; left.length && i < 20; i++, left = still()) await new Promise((r) => setTimeout(r, 50));
}
