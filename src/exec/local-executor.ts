/**
 * Commands as local child processes, each `/bin/sh -c` in a process group of its own, so that
 * stopping a run kills the command and everything it started (no stray `sleep`s).
 */
import { rt } from "../core/runtime.ts";
import type { ChildProcessHandle } from "../runtime/types.ts";
import type { CommandResult, CommandSpec, Executor } from "./executor.ts";
import { noteChildGroup } from "../history/procs.ts";

/**
 * Every command running under any LocalExecutor of this process. While there are some, one hook
 * kills their process groups when the process ends (exit, or a Ctrl-C nobody handles: `sh` in a
 * plain script, or a run with handleSignals: false), since a detached group would outlive us.
 */
const alive = new Set<ChildProcessHandle>();
let removeEndHook: (() => void) | undefined;

function track(child: ChildProcessHandle): void {
  alive.add(child);
  removeEndHook ??= rt().onProcessEnd(() => {
    for (const c of alive) c.killGroup("SIGKILL");
  });
}

function untrack(child: ChildProcessHandle): void {
  alive.delete(child);
  if (alive.size === 0 && removeEndHook) {
    removeEndHook();
    removeEndHook = undefined;
  }
}

/**
 * Commands as local child processes (the default executor), each in a process group of its own.
 *
 * @example
 * await p.run({ executor: new LocalExecutor() }); // the same as executor: "local"
 */
export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly running = new Set<ChildProcessHandle>();

  /**
   * Runs `spec.cmd` (through `/bin/sh -c` unless it is plain words) and resolves to its exit code,
   * signal and output; exit 126 when `spec.cwd` does not exist.
   *
   * @example
   * const r = await new LocalExecutor().run({ cmd: "ls", cwd: "data" });
   */
  async run(spec: CommandSpec): Promise<CommandResult> {
    if (this.stopped) throw new Error(`The run was stopped before this command started: ${spec.cmd}`);
    if (spec.cwd !== undefined && !rt().stat(spec.cwd)?.isDirectory) {
      return { code: 126, signal: null, stdout: "", stderr: `working directory ${spec.cwd} does not exist\n` };
    }
    // Like make: a command of plain words needs no shell, and starting one costs a process per job.
    const argv = spec.env === undefined ? plainWords(spec.cmd) : undefined;
    const program = argv && findProgram(argv[0]);
    let child: ChildProcessHandle;
    try {
      child = rt().spawnProcess(program ?? "/bin/sh", program ? (argv as string[]).slice(1) : ["-c", spec.cmd], {
        cwd: spec.cwd,
        env: spec.env,
        onStdout: spec.echo ? (t) => rt().stdout.write(t) : undefined,
        onStderr: spec.echo ? (t) => rt().stderr.write(t) : undefined,
      });
    } catch (e) {
      // Node throws it ("spawn E2BIG", naming no command); Bun and Deno report it as the child's failure, below.
      if ((e as { code?: unknown }).code === "E2BIG") return tooLong(spec.cmd);
      throw e;
    }
    const started = rt().now();
    this.running.add(child);
    track(child);
    noteChildGroup(child.pid); // so that a run taking over after a kill -9 can stop it
    spec.onStatus?.(`started as process ${child.pid}`);
    try {
      const { code, signal } = await child.exited;
      if (code === 127 && SPAWN_E2BIG.test(child.stderr())) return tooLong(spec.cmd);
      const usage = spec.usage ? `${((rt().now() - started) / 1000).toFixed(1)}s of wall-clock time` : undefined;
      return { code, signal, stdout: child.stdout(), stderr: child.stderr(), ...(usage ? { usage } : {}) };
    } finally {
      this.running.delete(child);
      untrack(child);
    }
  }

  private stopped = false;
  /**
   * True once {@link cancelAll} was called.
   *
   * @example
   * if (!executor.stopping) await executor.run({ cmd: "make" });
   */
  get stopping(): boolean {
    return this.stopped;
  }

  /**
   * SIGTERM to every process group, SIGKILL two seconds later to what is left.
   *
   * @example
   * const local = new LocalExecutor();
   * const job = local.run({ cmd: "sleep 60" });
   * await local.cancelAll(); // job resolves with signal "SIGTERM"
   */
  async cancelAll(): Promise<void> {
    this.stopped = true;
    const all = [...this.running];
    if (!all.length) return;
    for (const c of all) c.killGroup("SIGTERM");
    const timeout = new Promise<void>((r) => (setTimeout(r, 2000) as { unref?: () => void }).unref?.());
    await Promise.race([Promise.all(all.map((c) => c.exited)), timeout]);
    for (const c of all) if (this.running.has(c)) c.killGroup("SIGKILL");
  }

  /** SIGKILL to every process group, now. */
  killAll(): void {
    this.stopped = true;
    for (const c of this.running) c.killGroup("SIGKILL");
  }
}

/** How Bun and Deno report a command line the system refused (E2BIG) as the child's failure. */
const SPAWN_E2BIG = /^(E2BIG: argument list too long, posix_spawn|Failed to spawn .*: Argument list too long)/;

/**
 * A command the system would not start because its command line is too long (Linux: 128 KiB for
 * one argument, and `sh -c` makes one of the whole command; about 2 MiB in all): said in words
 * with the way out, as a shell's 126 ("cannot execute").
 */
function tooLong(cmd: string): CommandResult {
  const bytes = new TextEncoder().encode(cmd).length;
  const description =
    `could not be started: the command line is ${bytes} bytes, more than the system allows (E2BIG). ` +
    "Pass long lists of file names through a file instead: write them to one (list.txt, a name a line) and run, e.g., `xargs cat < list.txt`, " +
    "or use the program's own option for a file of names";
  return { code: 126, signal: null, stdout: "", stderr: "", description };
}

/** Words that mean something to the shell itself: such commands always go through /bin/sh. */
const SHELL_WORDS = new Set([
  "!", ".", ":", "alias", "bg", "break", "case", "cd", "command", "continue", "do", "done", "elif", "else", "esac", "eval",
  "exec", "exit", "export", "fc", "fg", "fi", "for", "getopts", "hash", "if", "in", "jobs", "local", "read", "readonly",
  "return", "set", "shift", "source", "then", "times", "trap", "type", "ulimit", "umask", "unalias", "unset", "until", "wait", "while",
]);

/**
 * The argument vector of a command made only of plain words (letters, digits and `_./,:=+@%^-`,
 * separated by single spaces, no assignment first): what /bin/sh -c would run, without the shell.
 * Anything else (quotes, variables, globs, redirections, pipes, ~, backslashes) returns undefined.
 */
export function plainWords(cmd: string): string[] | undefined {
  if (!/^[A-Za-z0-9_./,:=+@%^-]+( [A-Za-z0-9_./,:=+@%^-]+)*$/.test(cmd)) return undefined;
  const words = cmd.split(" ");
  if (SHELL_WORDS.has(words[0]) || words[0].includes("=")) return undefined;
  return words;
}

const found = new Map<string, string | undefined>();

/** The executable file `name` on PATH (as the shell would find it), or undefined: then the shell runs it and complains. */
function findProgram(name: string): string | undefined {
  const path = rt().env("PATH") ?? "";
  const key = `${path}\0${name}`;
  if (found.has(key)) return found.get(key);
  let hit: string | undefined;
  // A name with a slash is relative to the job's directory: left to the shell.
  for (const dir of name.includes("/") ? [] : path.split(":")) {
    const candidate = `${dir || "."}/${name}`;
    if (rt().stat(candidate)?.isFile) {
      hit = candidate;
      break;
    }
  }
  found.set(key, hit);
  return hit;
}
