/**
 * Files the user names on the command line for ruff to write (-L, --flowchart, --report,
 * --checksum-file-name): checked before the pipeline file is loaded, so that a path through a
 * regular file or onto a directory is a usage error naming the path, not a stack trace after the
 * work is done. Missing parent directories are created, as for the history file.
 *
 * The -L log is written synchronously, a line at a time as the run goes: a run stopped by Ctrl-C
 * leaves through `exit()` with no chance to flush, and its last lines (the interruption) are the
 * ones that matter most.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { abspath } from "../core/paths.ts";
import { rt } from "../core/runtime.ts";
import { UsageError } from "./errors.ts";

/** Streams and devices are written as they are. */
const special = (path: string): boolean => path === "-" || path.startsWith("/dev/");

/** What is at `path`; undefined also when a part of the path is a file (ENOTDIR), which the caller finds itself. */
function statOrNothing(path: string): ReturnType<ReturnType<typeof rt>["stat"]> {
  try {
    return rt().stat(path);
  } catch {
    return undefined;
  }
}

const parentOf = (path: string): string => path.replace(/\/[^/]*$/, "") || "/";

/** Refuses a path ruff cannot write a file at; creates its missing parent directories. */
export async function prepareOutputPath(option: string, path: string): Promise<void> {
  if (special(path)) return;
  const abs = abspath(path, rt().cwd());
  if (statOrNothing(abs)?.isDirectory) throw new UsageError(`${option} ${path}: that is a directory; give a file name (e.g. ${path.replace(/\/$/, "")}/out).`);
  // The nearest thing that exists above the file must be a directory.
  for (let dir = parentOf(abs); ; dir = parentOf(dir)) {
    const st = statOrNothing(dir);
    if (st && !st.isDirectory) throw new UsageError(`${option} ${path}: ${dir} is a file, not a directory.`);
    if (st || dir === "/") break;
  }
  try {
    await rt().mkdirp(parentOf(abs));
  } catch (e) {
    throw new UsageError(`${option} ${path}: ${fileSystemMessage(e) ?? String(e)}`);
  }
}

const REASONS: Record<string, string> = {
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "over the disk quota",
  ENOENT: "no such file or directory",
  EEXIST: "a file is in the way",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
};

const VERBS: Record<string, string> = { open: "open", mkdir: "create the directory", rename: "rename", unlink: "remove", write: "write", lstat: "look at", stat: "look at" };

/** A file-system error in one line, naming the path: "cannot open x/y.log: permission denied (EACCES)". */
export function fileSystemMessage(e: unknown): string | undefined {
  const { code, path, syscall } = (e ?? {}) as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return undefined;
  const verb = typeof syscall === "string" ? (VERBS[syscall] ?? syscall) : "use";
  return `cannot ${verb}${typeof path === "string" ? ` ${path}` : ""}: ${REASONS[code] ?? (e as Error).message} (${code}).`;
}

/** The -L file: lines in Ruffus's format (` HH:MM:SS - LEVEL   - text`), appended as they come. */
export class LogFile {
  private constructor(private fd: number | undefined) {}

  /** Opens (creating) the file for appending, or says why it cannot. */
  static async open(path: string): Promise<LogFile> {
    await prepareOutputPath("-L", path);
    try {
      return new LogFile(openSync(path, "a"));
    } catch (e) {
      throw new UsageError(`-L ${path}: ${fileSystemMessage(e) ?? String(e)}`);
    }
  }

  /** Writes raw text. */
  write(text: string): void {
    if (this.fd !== undefined) writeSync(this.fd, text);
  }

  /** One timed entry; `level` for warnings and errors. */
  entry(text: string, level?: string): void {
    this.write(` ${new Date().toTimeString().slice(0, 8)} - ${level ? `${level.padEnd(7)} - ` : ""}${text.trim()}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
