/**
 * Job workers as child processes (`multiprocess`), on Node, Bun, Deno and in the compiled binary.
 *
 * A worker is the same runtime started again on the worker entry (the binary starts itself), with
 * a node:child_process IPC channel using "advanced" (structured-clone) serialization, which all
 * three runtimes implement. Threads would be cheaper to start, but only Node gives a thread a heap
 * limit of its own: on Bun and Deno a job that runs out of memory in a worker thread takes the whole
 * run down, while a worker process that dies leaves the main process running.
 *
 * Each worker leads a process group of its own, so that stopping it stops whatever its jobs
 * started too, and a terminal's Ctrl-C reaches the main process only, which then stops the
 * workers. A worker never outlives the run: it leaves when its channel closes (the main process
 * exited or was killed), and the main process kills the workers left when it exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WorkerHandle, WorkerPort, WorkerStart } from "./types.ts";

/** The environment variable that makes a process a job worker: JSON of its directory and {@link WorkerStart.data}. */
export const WORKER_ENV = "RUFFUS_WORKER";
/**
 * Workers start where this process started, so that the flags they inherit (`--import tsx`,
 * `--import ./setup.mjs`) resolve as they did here; then they change to the run's directory.
 */
const startDirectory = process.cwd();
const isWindows = process.platform === "win32";
/** True in a process started as a job worker (read before anything removes the variable). */
export const startedAsWorker: boolean = process.env[WORKER_ENV] !== undefined;
/** The worker's first message: it listens now (messages sent before might be lost on some runtimes). */
const READY = "ruffus:worker-ready";
/** How long a worker gets to leave after SIGTERM before it is killed. */
const TERMINATE_GRACE_MS = 2000;

const g = globalThis as { Deno?: { execPath(): string; mainModule: string } };

/**
 * Node flags of this process that a worker needs too (loaders, conditions, memory limits), and
 * not those that would make it something else (--test, --inspect, --eval, --watch...).
 */
function inheritedNodeFlags(): string[] {
  const out: string[] = [];
  const withValue = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader", "--conditions", "-C", "--disable-warning"]);
  const keep = /^(--import|--require|--loader|--experimental-loader|--conditions|--disable-warning|--max-old-space-size|--max-semi-space-size|--stack-size|--enable-source-maps|--no-warnings|--no-deprecation|--(no-)?experimental-[\w-]+|-r|-C)(=|$)/;
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!keep.test(a)) continue;
    out.push(a);
    if (withValue.has(a) && i + 1 < argv.length) out.push(argv[++i]);
  }
  return out;
}

/** tsx's loader, resolved from ruffus's own dependencies (the user's project need not have it). */
function tsxLoader(): string | undefined {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return undefined;
  }
}

/**
 * Deno finds its config file (import map included) from the main module's directory: give the
 * worker the one this process found, since the worker's main module lives elsewhere.
 */
function denoConfigOf(mainModule: string): string | undefined {
  if (!mainModule.startsWith("file:")) return undefined;
  let dir = dirname(fileURLToPath(mainModule));
  for (;;) {
    for (const name of ["deno.json", "deno.jsonc"]) if (existsSync(join(dir, name))) return join(dir, name);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The command line that starts a worker on this runtime. */
function workerCommand(start: WorkerStart, runtimeName: string): string[] {
  if (!start.entry) return [process.execPath];
  if (runtimeName === "deno" && g.Deno) {
    const config = denoConfigOf(g.Deno.mainModule);
    return [g.Deno.execPath(), "run", "-A", ...(config ? ["--config", config] : []), start.entry.href];
  }
  const file = fileURLToPath(start.entry);
  if (runtimeName === "bun") return [process.execPath, file];
  const flags = inheritedNodeFlags();
  const tsx = start.typescript && !flags.some((f) => f.includes("tsx")) ? tsxLoader() : undefined;
  return [process.execPath, ...flags, ...(tsx ? ["--import", tsx] : []), file];
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (isWindows) throw new Error("no process groups");
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Starts a job worker process (see the module comment). */
export function startWorkerProcess(start: WorkerStart, runtimeName: string): WorkerHandle {
  const [program, ...args] = workerCommand(start, runtimeName);
  const child = spawn(program, args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    serialization: "advanced",
    // A process group of its own (on Windows, detached would open a console window instead).
    detached: !isWindows,
    windowsHide: true,
    cwd: existsSync(startDirectory) ? startDirectory : process.cwd(),
    env: { ...process.env, [WORKER_ENV]: JSON.stringify({ cwd: process.cwd(), data: start.data ?? null }) },
  });
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A second Ctrl-C (or any exit) leaves at once: no worker may keep running a job after that.
    process.on("exit", () => {
      for (const c of live) killGroup(c, "SIGKILL");
    });
  }
  let ready = false;
  let gone = false;
  const queue: unknown[] = [];
  const onMessage: ((m: unknown) => void)[] = [];
  const onError: ((e: Error) => void)[] = [];
  const onExit: ((code: number | null, signal: string | null) => void)[] = [];
  let markGone!: () => void;
  const exited = new Promise<void>((resolve) => (markGone = resolve));
  const finish = (code: number | null, signal: string | null): void => {
    if (gone) return;
    gone = true;
    live.delete(child);
    markGone();
    for (const h of onExit) h(code, signal);
  };
  const send = (m: unknown): void => {
    // The callback form: a closed channel is reported by onExit, not thrown at a later tick.
    if (child.connected) child.send(m as never, () => {});
  };
  child.on("message", (m: unknown) => {
    if (!ready && m && typeof m === "object" && READY in m) {
      ready = true;
      for (const q of queue.splice(0)) send(q);
      return;
    }
    for (const h of onMessage) h(m);
  });
  child.on("error", (e) => {
    for (const h of onError) h(e);
    // It never started (no program, no permission): there will be no exit event.
    if (child.pid === undefined) finish(null, null);
  });
  child.on("exit", (code, signal) => finish(code, signal));
  return {
    id: child.pid ?? -1,
    get ready() {
      return ready;
    },
    postMessage(m) {
      if (!ready) {
        // Cloned now, as a direct send would: an unclonable value throws here, to the sender.
        queue.push(structuredClone(m));
        return;
      }
      send(m);
    },
    onMessage: (h) => void onMessage.push(h),
    onError: (h) => void onError.push(h),
    onExit: (h) => void onExit.push(h),
    async terminate() {
      if (gone) return;
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), TERMINATE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Inside a worker process: its channel to the main process; undefined anywhere else. */
export function workerPortOfThisProcess(): WorkerPort | undefined {
  const text = process.env[WORKER_ENV];
  if (text === undefined || typeof process.send !== "function") return undefined;
  // Programs a job starts are not workers.
  delete process.env[WORKER_ENV];
  const { cwd, data } = JSON.parse(text) as { cwd: string; data: unknown };
  process.chdir(cwd);
  const send = (m: unknown): void => {
    if (process.connected) process.send?.(m as never);
  };
  // The main process is gone: so is the run.
  process.on("disconnect", () => process.exit(0));
  let announced = false;
  return {
    data,
    postMessage: send,
    onMessage(h) {
      process.on("message", h);
      if (!announced) {
        announced = true;
        send({ [READY]: true });
      }
    },
  };
}
