/**
 * Test helpers: run each test in a fresh temporary directory (the process's cwd, since pipelines
 * use relative file names), with the pipeline registry cleared.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, utimesSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pipeline, type Logger } from "ruffus";

/** Runs `fn` inside a new temp dir as cwd; restores cwd and removes the dir afterwards. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  const old = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), "ruffus-test-"));
  process.chdir(dir);
  Pipeline.clearAll();
  try {
    return await fn(dir);
  } finally {
    process.chdir(old);
    Pipeline.clearAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A logger that keeps every line. */
export function memoryLogger(): Logger & { lines: string[]; text(): string } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    debug: (m) => lines.push(m),
    warning: (m) => lines.push("WARNING: " + m),
    error: (m) => lines.push("ERROR: " + m),
    text: () => lines.join("\n"),
  };
}

export function write(path: string, text = ""): void {
  writeFileSync(path, text);
}

export function read(path: string): string {
  return readFileSync(path, "utf8");
}

export function exists(path: string): boolean {
  return existsSync(path);
}

/** Sets a file's modification time, in seconds relative to now. */
export function age(path: string, secondsAgo: number): void {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(path, t, t);
}

export function mtime(path: string): number {
  return statSync(path).mtimeMs;
}
