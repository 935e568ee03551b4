/**
 * Commands as local child processes, each `/bin/sh -c` in a process group of its own, so that
 * stopping a run kills the command and everything it started (no stray `sleep`s).
 */
import { rt } from "../core/runtime.ts";
import type { ChildProcessHandle } from "../runtime/types.ts";
import type { CommandResult, CommandSpec, Executor } from "./executor.ts";

/** See the module comment. */
export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly running = new Set<ChildProcessHandle>();

  async run(spec: CommandSpec): Promise<CommandResult> {
    if (spec.cwd !== undefined && !rt().stat(spec.cwd)?.isDirectory) {
      return { code: 126, signal: null, stdout: "", stderr: `working directory ${spec.cwd} does not exist\n` };
    }
    const child = rt().spawnProcess("/bin/sh", ["-c", spec.cmd], {
      cwd: spec.cwd,
      env: spec.env,
      onStdout: spec.echo ? (t) => rt().stdout.write(t) : undefined,
      onStderr: spec.echo ? (t) => rt().stderr.write(t) : undefined,
    });
    this.running.add(child);
    try {
      const { code, signal } = await child.exited;
      return { code, signal, stdout: child.stdout(), stderr: child.stderr() };
    } finally {
      this.running.delete(child);
    }
  }

  /** SIGTERM to every process group, SIGKILL two seconds later to what is left. */
  async cancelAll(): Promise<void> {
    const all = [...this.running];
    if (!all.length) return;
    for (const c of all) c.killGroup("SIGTERM");
    const timeout = new Promise<void>((r) => (setTimeout(r, 2000) as { unref?: () => void }).unref?.());
    await Promise.race([Promise.all(all.map((c) => c.exited)), timeout]);
    for (const c of all) if (this.running.has(c)) c.killGroup("SIGKILL");
  }
}
