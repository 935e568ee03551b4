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
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
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

const g = globalThis as { Deno?: { execPath(): string; mainModule: string; args: string[] } };

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
 * Deno finds its config file (import map included) from the main module's directory, and a
 * worker's main module is the worker entry, inside ruffus: left to itself, a worker would use
 * ruffus's own deno.json (whose import map sends "ruffus" to another copy of the library than the
 * one the main program imported). So the worker gets the config this process used: the one named
 * with --config / -c, none with --no-config, else the one found from the main module's
 * directory up — and --no-config when there is none, never ruffus's.
 */
export function denoConfigFlags(mainModule: string, commandLine: readonly string[] | undefined): string[] {
  const named = commandLine && configOnCommandLine(commandLine);
  if (named) return named;
  const dir = mainModule.startsWith("file:") ? dirname(fileURLToPath(mainModule)) : undefined;
  const found = dir && findUp(dir, ["deno.json", "deno.jsonc"]);
  if (found) return ["--config", found];
  // A package.json alone makes Deno resolve bare names from node_modules, as Node does (its
  // "manual" mode), and --no-config would turn that off with the rest.
  return dir && findUp(dir, ["package.json"]) ? ["--no-config", "--node-modules-dir=manual"] : ["--no-config"];
}

/** `--config X` / `-c X` / `--no-config` (and an `--import-map`) among this Deno process's own flags. */
function configOnCommandLine(argv: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^(--config|-c|--import-map)(?:=(.*))?$/.exec(a);
    if (a === "--no-config") out.push(a);
    else if (m) {
      const value = m[2] ?? argv[++i];
      if (value === undefined) continue;
      // Relative to where this process started, and workers start there too; absolute is safer still.
      out.push(m[1] === "-c" ? "--config" : m[1], isAbsolute(value) || /^[a-z]+:/i.test(value) ? value : join(startDirectory, value));
    }
  }
  return out.some((f) => f === "--config" || f === "--no-config") ? out : undefined;
}

function findUp(dir: string, names: readonly string[]): string | undefined {
  for (;;) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * This Deno process's flags (what came between `deno run` and the script): /proc/self/cmdline less
 * the script and its arguments (Deno.args). Undefined where /proc is not there.
 */
function denoOwnFlags(scriptArgs: readonly string[]): string[] | undefined {
  let argv: string[];
  try {
    argv = readFileSync("/proc/self/cmdline", "utf8").split("\0");
  } catch {
    return undefined;
  }
  if (argv.at(-1) === "") argv.pop();
  // deno, the subcommand, flags..., the script, its arguments.
  return argv.slice(2, Math.max(2, argv.length - scriptArgs.length - 1));
}

/** The command line that starts a worker on this runtime. */
function workerCommand(start: WorkerStart, runtimeName: string): string[] {
  if (!start.entry) return [process.execPath];
  if (runtimeName === "deno" && g.Deno) {
    return [g.Deno.execPath(), "run", "-A", ...denoConfigFlags(g.Deno.mainModule, denoOwnFlags(g.Deno.args)), start.entry.href];
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

/**
 * Where the port is kept for the whole process. A worker can load ruffus twice (the worker entry's
 * copy, and another one a pipeline module's "ruffus" resolves to): every copy must see the same
 * channel, so that isWorker() is true in each and none of them runs the pipeline again. Not an
 * environment variable: programs a job starts would inherit it, and they are not workers.
 */
const PORT_KEY = Symbol.for("ruffus.workerPort");

/** Inside a worker process: its channel to the main process; undefined anywhere else. */
export function workerPortOfThisProcess(): WorkerPort | undefined {
  const shared = globalThis as { [PORT_KEY]?: WorkerPort };
  if (shared[PORT_KEY]) return shared[PORT_KEY];
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
  return (shared[PORT_KEY] = {
    data,
    postMessage: send,
    onMessage(h) {
      process.on("message", h);
      if (!announced) {
        announced = true;
        send({ [READY]: true });
      }
    },
  });
}
