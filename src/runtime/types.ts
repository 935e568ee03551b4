/**
 * The small interface through which the runtime-agnostic core touches the outside world.
 *
 * `src/core`, `src/patterns` and `src/report` never import `node:*`, `Deno` or `Bun`; the
 * entry point picks one adapter from `src/runtime/` and hands it over. File-system queries
 * the up-to-date check makes per file are synchronous on purpose: a no-op re-run over
 * 100,000 files is dominated by stat calls, and synchronous stats are several times cheaper
 * than promise round-trips.
 */

/** What the core needs to know about a file. */
export interface FileStat {
  /** Modification time in milliseconds since the epoch, with the file system's sub-millisecond part. */
  readonly mtimeMs: number;
  readonly size: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  /** True for a symbolic link itself (only from {@link Runtime.lstat}; stat follows links). */
  readonly isSymbolicLink: boolean;
  /**
   * Device and inode numbers: equal for two paths that are the same file (links included). Inode
   * numbers above 2^53 (Lustre, some network file systems) lose precision: two different files
   * may compare equal, so equal numbers only mean "maybe the same file".
   */
  readonly dev: number;
  readonly ino: number;
  /** Number of hard links (names) the file has. */
  readonly nlink: number;
}

/** Options for {@link Runtime.glob}. */
export interface GlobOptions {
  /** Directory relative patterns are matched against. */
  readonly cwd: string;
}

/** A line sink used by loggers (stderr) and printouts (stdout). */
export interface TextSink {
  write(text: string): void;
}

/** A job worker (a child process of its own) as the engine sees it. */
export interface WorkerHandle {
  /** Sends a message (structured-cloned); messages sent before the worker is listening wait for it. */
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** The worker could not be started, or its channel failed. */
  onError(handler: (error: Error) => void): void;
  /** Called once when the worker has stopped: its exit code, or the signal that killed it. */
  onExit(handler: (code: number | null, signal: string | null) => void): void;
  /** Stops the worker and everything it started (its process group); resolves once it is gone. */
  terminate(): Promise<void>;
  /** The worker's process id (unique among the live workers: "which worker ran this job"). */
  readonly id: number;
  /** The worker has started and listens for messages. */
  readonly ready: boolean;
}

/**
 * A thread of this process running one module (the history's database work, off the main thread).
 * Messages are structured-cloned; `transfer` hands buffers over without a copy.
 */
export interface ThreadHandle {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
  /** The thread could not start, threw, or stopped: called once, and nothing is received after it. */
  onError(handler: (error: Error) => void): void;
  /** Whether a waiting thread keeps the process alive (it must while an answer is awaited, and must not otherwise). */
  ref(): void;
  unref(): void;
  terminate(): Promise<void>;
}

/** Inside a thread started with {@link Runtime.createThread}: what it was given, and its channel. */
export interface ThreadPort {
  readonly data: unknown;
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
}

/** How to start a job worker ({@link Runtime.createWorker}). */
export interface WorkerStart {
  /** The worker's entry module; undefined: this program itself (the compiled binary), which becomes a worker when it finds the worker variable in its environment. */
  readonly entry: URL | undefined;
  /** Handed to the worker, as {@link WorkerPort.data} (JSON). */
  readonly data: unknown;
  /** The worker will import TypeScript modules: on Node it is started with tsx. */
  readonly typescript: boolean;
}

/** The worker side of the channel: set inside a worker, undefined in the main process. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** What the main process passed when it created the worker. */
  readonly data: unknown;
}

/** A child process started by {@link Runtime.spawnProcess}. */
export interface ChildProcessHandle {
  readonly pid: number;
  /** Resolves when it has exited: its exit code, or the signal that killed it. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Everything it wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Signals its whole process group (it was started as a group leader). */
  killGroup(signal: "SIGTERM" | "SIGKILL" | "SIGINT"): void;
}

/** Options of {@link Runtime.spawnProcess}. */
export interface SpawnOptions {
  readonly cwd?: string;
  /** The whole environment of the child (not merged). */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with each chunk of output as it arrives. */
  readonly onStdout?: (text: string) => void;
  readonly onStderr?: (text: string) => void;
}

/** A value scoped to an async call chain (AsyncLocalStorage). */
export interface AsyncContext<T> {
  run<R>(value: T, fn: () => R): R;
  get(): T | undefined;
}

/** Everything platform-specific the engine uses. */
export interface Runtime {
  /** `"node"`, `"deno"` or `"bun"`. */
  readonly name: string;
  /** The process's current directory. */
  cwd(): string;
  /** An environment variable, or undefined. */
  env(name: string): string | undefined;
  /** Follows symlinks; undefined when the file (or the symlink's target) does not exist. */
  stat(path: string): FileStat | undefined;
  /** Does not follow symlinks; undefined when nothing is there. */
  lstat(path: string): FileStat | undefined;
  /** Canonical path with symlinks resolved; the path itself when it does not exist. */
  realpath(path: string): string;
  /** Python-`glob.glob`-like expansion of one pattern (only `*`, `?`, `[...]` are special); results sorted. */
  glob(pattern: string, options: GlobOptions): string[];
  readTextFile(path: string): Promise<string>;
  writeTextFile(path: string, text: string): Promise<void>;
  /** Appends text, creating the file if needed. */
  appendTextFile(path: string, text: string): Promise<void>;
  /** Synchronous forms, for the few writes that must be done before anything else happens (noting a started process). */
  readTextFileSync(path: string): string;
  appendTextFileSync(path: string, text: string): void;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Runs a program (no shell) with `input` on its stdin and waits for it. */
  runProgram(program: string, args: readonly string[], input?: Uint8Array): Promise<{ status: number | null; stdout: Uint8Array; stderr: string }>;
  /** The path of a program found on PATH, or undefined. */
  which(program: string): string | undefined;
  /**
   * Writes a temporary sibling then renames it over `path`, so readers never see a torn file. A
   * symlink stays a link: the file it names is replaced (beside itself). The replacement keeps the
   * old file's mode (and its owner and group, where this process may set them). A file this process
   * may not write is refused (EACCES), as a plain write would refuse it.
   */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /**
   * What {@link writeFileAtomic} would replace: the file `path` names (its symlinks followed, a
   * dangling one's too), its permission bits (undefined when no file is there yet) and whether this
   * process may write it.
   */
  writeTarget(path: string): { readonly path: string; readonly mode: number | undefined; readonly writable: boolean };
  /** Like `mkdir -p`; succeeds when the directory exists. */
  mkdirp(path: string): Promise<void>;
  /** Creates an empty file, or sets its modification time to now. */
  touch(path: string): Promise<void>;
  /** Sets access and modification times (milliseconds since the epoch). */
  utimes(path: string, atimeMs: number, mtimeMs: number): Promise<void>;
  /** Creates a file only if it does not exist yet; false when it already exists (lock files). */
  createExclusive(path: string, text: string): Promise<boolean>;
  /** Removes a file; no error when it is already gone. */
  removeFile(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** True when a process with this id runs on this host. */
  processAlive(pid: number): boolean;
  /** Signals every process of a process group (commands a killed run left behind); false when there is none. */
  signalProcessGroup(pgid: number, signal: "SIGTERM" | "SIGKILL"): boolean;
  /** The script the process was started with (for `{basename}` in DEFAULT_RUFFUS_HISTORY_FILE), if any. */
  mainScript(): string | undefined;
  /** Starts a program (no shell) in a new process group, so that it and its children can be stopped together. */
  spawnProcess(program: string, args: readonly string[], options?: SpawnOptions): ChildProcessHandle;
  /** The process environment. */
  environment(): Record<string, string>;
  /** A new async-scoped context (which job is running, for `sh` and `runJob`). */
  createAsyncContext<T>(): AsyncContext<T>;
  /**
   * Starts a job worker: a child process of the same runtime, in a process group of its own, with
   * a message channel to this process; its stdout and stderr are this process's.
   */
  createWorker(start: WorkerStart): WorkerHandle;
  /** Inside a job worker: its channel to the main process. */
  workerPort(): WorkerPort | undefined;
  /** Starts a thread running the module `entry` (TypeScript too, where the process runs it), given `data`; undefined where threads are unavailable. */
  createThread?(entry: URL, data: unknown): ThreadHandle;
  /** Inside a thread started by {@link createThread}: its channel. */
  threadPort?(): ThreadPort | undefined;
  /** Calls `handler` on SIGINT/SIGTERM/SIGHUP instead of dying; returns a function that removes it. */
  onSignal(signal: "SIGINT" | "SIGTERM" | "SIGHUP", handler: () => void): () => void;
  /**
   * Calls `handler` (synchronous) when the process ends: when it exits, and when a SIGINT, SIGTERM
   * or SIGHUP arrives that no other listener handles; that signal then takes its default course (the
   * process dies of it, as it would have). A program that handles signals itself is left alone.
   * Returns a function that removes the handler.
   */
  onProcessEnd(handler: () => void): () => void;
  /** Ends the process. */
  exit(code: number): never;
  /** Wall-clock time in milliseconds since the epoch, with a sub-millisecond fraction. */
  now(): number;
  /** The process id (for lock files and worker identification). */
  readonly pid: number;
  /** The host name (for lock files). */
  hostname(): string;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** True when stderr is an interactive terminal (progress display). */
  readonly stderrIsTTY: boolean;
}
