/**
 * The Node.js adapter. Deno and Bun implement `node:fs` too, so this adapter also serves them
 * until they get adapters of their own.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import { isatty } from "node:tty";
import { dirname, basename, join, delimiter, resolve } from "node:path";
import { spawn } from "node:child_process";
import { AsyncLocalStorage } from "node:async_hooks";
import type { ChildProcessHandle, FileStat, Runtime, SpawnOptions } from "./types.ts";
import { pythonGlob } from "./python-glob.ts";
import { startWorkerProcess, workerPortOfThisProcess } from "./worker-process.ts";
import { startThread, threadPortOfThisThread } from "./thread.ts";

function toStat(s: fs.Stats | undefined): FileStat | undefined {
  if (!s) return undefined;
  return {
    mtimeMs: s.mtimeMs,
    size: s.size,
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymbolicLink: s.isSymbolicLink(),
    dev: s.dev,
    ino: s.ino,
    nlink: s.nlink,
  };
}

let tmpCounter = 0;

/**
 * The file `path` finally names: its symlinks followed, also a dangling one's (a write creates the
 * file where the link points); `path` itself when it is no link.
 */
function fileNamed(path: string): string {
  try {
    return fs.realpathSync.native(path);
  } catch {
    // not there (yet), or a link to nothing
  }
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st?.isSymbolicLink()) return p;
    // Relative to the link's physical directory, as the kernel reads it.
    let dir = dirname(p);
    try {
      dir = fs.realpathSync.native(dir);
    } catch {
      // a directory that is not there: the write fails and says so
    }
    p = resolve(dir, fs.readlinkSync(p));
  }
  return p;
}

/**
 * Whether this process may write `path`, asked of the kernel by opening it for writing (without
 * truncating: nothing changes). access(W_OK) is not used because Deno's answers from the mode bits
 * alone, refusing root a 0640 file. With `throwIfNot`, the open's own error (EACCES...) is thrown.
 */
function mayWrite(path: string, throwIfNot: boolean): boolean {
  try {
    fs.closeSync(fs.openSync(path, fs.constants.O_WRONLY));
    return true;
  } catch (e) {
    if (throwIfNot) throw e;
    return false;
  }
}

/**
 * Gives the replacement `tmp` the replaced file's mode (0660 stays 0660, whatever the umask) and,
 * where this process may, its owner and group (root may set both; a user may set a group it
 * belongs to).
 */
async function keepOwnerAndMode(tmp: string, old: fs.Stats): Promise<void> {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid !== undefined && (old.uid !== uid || old.gid !== gid)) {
    try {
      await fsp.chown(tmp, old.uid, old.gid);
    } catch {
      await fsp.chown(tmp, uid, old.gid).catch(() => {});
    }
  }
  // After chown, which may clear the set-id bits.
  await fsp.chmod(tmp, old.mode & 0o7777);
}

function spawnGroup(program: string, args: readonly string[], o: SpawnOptions = {}): ChildProcessHandle {
  const child = spawn(program, [...args], { cwd: o.cwd, env: o.env ? { ...o.env } : process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (t: string) => {
    out += t;
    o.onStdout?.(t);
  });
  child.stderr?.on("data", (t: string) => {
    err += t;
    o.onStderr?.(t);
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on("error", (e) => {
      err += `${e.message}\n`;
      resolve({ code: 127, signal: null });
    });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid ?? -1,
    exited,
    stdout: () => out,
    stderr: () => err,
    killGroup(signal) {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
}

// Read once, at start-up: the worker removes the variable from its environment.
const port = workerPortOfThisProcess();

const onTerminal = [0, 1, 2].map((fd) => isatty(fd));

/**
 * Node before 24 aborts on exit when the terminal it started on has gone (a closed window sends
 * SIGHUP; nodejs/node#51519): restoring the terminal's settings fails. Standard streams whose
 * terminal is gone are pointed at /dev/null first, which Node then leaves alone.
 */
function releaseGoneTerminal(): void {
  for (const fd of [0, 1, 2]) {
    if (!onTerminal[fd] || isatty(fd)) continue;
    try {
      fs.closeSync(fd);
      const got = fs.openSync("/dev/null", fd === 0 ? "r" : "w");
      if (got !== fd) fs.closeSync(got);
    } catch {
      // nothing better to do on the way out
    }
  }
}

/** Builds the Node adapter around the current process. */
export function nodeRuntime(name = "node"): Runtime {
  return {
    name,
    cwd: () => process.cwd(),
    env: (key) => process.env[key],
    stat: (path) => toStat(fs.statSync(path, { throwIfNoEntry: false })),
    lstat: (path) => toStat(fs.lstatSync(path, { throwIfNoEntry: false })),
    realpath(path) {
      try {
        // The native call is one syscall; the JS version lstats every path component.
        return fs.realpathSync.native(path);
      } catch {
        return path;
      }
    },
    glob: (pattern, { cwd }) => pythonGlob(pattern, cwd),
    readTextFile: (path) => fsp.readFile(path, "utf8"),
    writeTextFile: (path, text) => fsp.writeFile(path, text),
    appendTextFile: (path, text) => fsp.appendFile(path, text),
    readTextFileSync: (path) => fs.readFileSync(path, "utf8"),
    appendTextFileSync: (path, text) => fs.appendFileSync(path, text),
    readFile: async (path) => {
      // A view, not a copy: a history file of 20 MB must not be held twice.
      const b = await fsp.readFile(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    writeFile: (path, data) => fsp.writeFile(path, data),
    runProgram(program, args, input) {
      return new Promise((resolve, reject) => {
        const child = spawn(program, [...args], { stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout: new Uint8Array(Buffer.concat(out)), stderr: Buffer.concat(err).toString("utf8") }));
        child.stdin.end(input ? Buffer.from(input) : undefined);
      });
    },
    which(program) {
      for (const dir of (process.env.PATH ?? "").split(delimiter)) {
        if (!dir) continue;
        const p = join(dir, program);
        try {
          fs.accessSync(p, fs.constants.X_OK);
          if (fs.statSync(p).isFile()) return p;
        } catch {
          // not here
        }
      }
      return undefined;
    },
    async writeFileAtomic(path, data) {
      // Through a symlink the file it names is replaced, and the link stays a link.
      const target = fileNamed(path);
      const old = await fsp.stat(target).catch(() => undefined);
      const existing = old?.isFile() ? old : undefined;
      // A rename needs only the directory's permission: without this check a file this user may
      // not write would be replaced all the same.
      if (existing) mayWrite(target, true);
      const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${++tmpCounter}.tmp`);
      try {
        // Private until it has the old file's owner and mode, before any contents: a private file's
        // new contents are never readable by others.
        const handle = await fsp.open(tmp, "w", existing ? 0o600 : 0o666);
        try {
          if (existing) await keepOwnerAndMode(tmp, existing);
          await handle.writeFile(data);
          // The rename below is only atomic for readers; fsync makes it survive a power cut too.
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fsp.rename(tmp, target);
      } catch (e) {
        // A full disk: the half-written temporary file would keep the space the next attempt needs.
        await fsp.rm(tmp, { force: true }).catch(() => {});
        throw e;
      }
    },
    writeTarget(path) {
      const target = fileNamed(path);
      const st = fs.statSync(target, { throwIfNoEntry: false });
      if (!st?.isFile()) return { path: target, mode: undefined, writable: true };
      return { path: target, mode: st.mode & 0o7777, writable: mayWrite(target, false) };
    },
    mkdirp: async (path) => {
      await fsp.mkdir(path, { recursive: true });
    },
    async touch(path) {
      const now = new Date();
      try {
        await fsp.utimes(path, now, now);
      } catch {
        await (await fsp.open(path, "a")).close();
      }
    },
    utimes: (path, atimeMs, mtimeMs) => fsp.utimes(path, atimeMs / 1000, mtimeMs / 1000),
    async createExclusive(path, text) {
      // Written in full under a temporary name, then hard-linked into place: the link fails if the
      // file exists, and a reader never sees it empty (a kill between create and write could leave that).
      const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++tmpCounter}.tmp`);
      try {
        await fsp.writeFile(tmp, text);
        await fsp.link(tmp, path);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw e;
      } finally {
        await fsp.rm(tmp, { force: true });
      }
    },
    removeFile: (path) => fsp.rm(path, { force: true }),
    rename: (from, to) => fsp.rename(from, to),
    processAlive(pid) {
      try {
        process.kill(pid, 0);
        return true;
      } catch (e) {
        // EPERM: the process exists but belongs to someone else.
        return (e as NodeJS.ErrnoException).code === "EPERM";
      }
    },
    signalProcessGroup(pgid, signal) {
      try {
        process.kill(-pgid, signal);
        return true;
      } catch {
        return false;
      }
    },
    mainScript: () => process.argv[1],
    createWorker: (start) => startWorkerProcess(start, name),
    spawnProcess: spawnGroup,
    environment: () => Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    createAsyncContext<T>() {
      const als = new AsyncLocalStorage<T>();
      return { run: <R>(value: T, fn: () => R): R => als.run(value, fn), get: () => als.getStore() };
    },
    workerPort: () => port,
    // Node runs TypeScript sources through tsx; Bun and Deno (and the compiled binary) run them themselves.
    createThread: (entry, data) => startThread(entry, data, name === "node" && /\.[cm]?ts$/.test(entry.pathname)),
    threadPort: threadPortOfThisThread,
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => void process.off(signal, handler);
    },
    onProcessEnd(handler) {
      const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
      const listeners = signals.map((sig) => {
        const listener = (): void => {
          // Someone else listens: the program handles the signal itself (and exits, or not, as it likes).
          if (process.listenerCount(sig) > 1) return;
          remove();
          handler();
          // No listener left: the default action (death by that signal) happens as without us.
          process.kill(process.pid, sig);
        };
        process.on(sig, listener);
        return listener;
      });
      process.on("exit", handler);
      function remove(): void {
        process.off("exit", handler);
        signals.forEach((sig, i) => process.off(sig, listeners[i]));
      }
      return remove;
    },
    exit(code) {
      if (name === "node") releaseGoneTerminal();
      process.exit(code);
    },
    now: () => performance.timeOrigin + performance.now(),
    pid: process.pid,
    hostname: () => os.hostname(),
    stdout: { write: (t) => void process.stdout.write(t) },
    stderr: { write: (t) => void process.stderr.write(t) },
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
