/**
 * Commands as local child processes, each `/bin/sh -c` in a process group of its own, so that
 * stopping a run kills the command and everything it started (no stray `sleep`s).
 */
import { rt } from "../core/runtime.ts";
import type { ChildProcessHandle } from "../runtime/types.ts";
import type { CommandResult, CommandSpec, Executor } from "./executor.ts";
import { noteChildGroup } from "../history/procs.ts";

/** See the module comment. */
export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly running = new Set<ChildProcessHandle>();

  async run(spec: CommandSpec): Promise<CommandResult> {
    if (this.stopped) throw new Error(`The run was stopped before this command started: ${spec.cmd}`);
    if (spec.cwd !== undefined && !rt().stat(spec.cwd)?.isDirectory) {
      return { code: 126, signal: null, stdout: "", stderr: `working directory ${spec.cwd} does not exist\n` };
    }
    // Like make: a command of plain words needs no shell, and starting one costs a process per job.
    const argv = spec.env === undefined ? plainWords(spec.cmd) : undefined;
    const program = argv && findProgram(argv[0]);
    const child = rt().spawnProcess(program ?? "/bin/sh", program ? (argv as string[]).slice(1) : ["-c", spec.cmd], {
      cwd: spec.cwd,
      env: spec.env,
      onStdout: spec.echo ? (t) => rt().stdout.write(t) : undefined,
      onStderr: spec.echo ? (t) => rt().stderr.write(t) : undefined,
    });
    this.running.add(child);
    noteChildGroup(child.pid); // so that a run taking over after a kill -9 can stop it
    try {
      const { code, signal } = await child.exited;
      return { code, signal, stdout: child.stdout(), stderr: child.stderr() };
    } finally {
      this.running.delete(child);
    }
  }

  private stopped = false;
  get stopping(): boolean {
    return this.stopped;
  }

  /** SIGTERM to every process group, SIGKILL two seconds later to what is left. */
  async cancelAll(): Promise<void> {
    this.stopped = true;
    const all = [...this.running];
    if (!all.length) return;
    for (const c of all) c.killGroup("SIGTERM");
    const timeout = new Promise<void>((r) => (setTimeout(r, 2000) as { unref?: () => void }).unref?.());
    await Promise.race([Promise.all(all.map((c) => c.exited)), timeout]);
    for (const c of all) if (this.running.has(c)) c.killGroup("SIGKILL");
  }
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
