/**
 * Test helpers: run each test in a fresh temporary directory (the process's cwd, since pipelines
 * use relative file names), with the pipeline registry cleared.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, utimesSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import initSqlJs from "sql.js";
import { Pipeline, type Logger } from "ruffus";

/** Node itself: under `bun test` or `deno test`, process.execPath is their own binary (and Deno reports exit statuses above 128 as signals). */
export const NODE = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" || "Deno" in globalThis ? "node" : process.execPath;

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

/** The output paths a history file records, sorted. */
export async function recordedPaths(file = ".ruffus_history.sqlite"): Promise<string[]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(file));
  try {
    const r = db.exec("SELECT path FROM outputs ORDER BY path");
    return r.length ? r[0].values.map((v) => String(v[0])) : [];
  } finally {
    db.close();
  }
}

/** A few checks that an XML document is well formed (balanced tags, quoted attributes, known entities, one root). */
export function assertWellFormedXml(xml: string): string {
  const stack: string[] = [];
  let root: string | undefined;
  let i = 0;
  const fail = (why: string): never => assert.fail(`not well-formed XML (${why}) at offset ${i}: ${JSON.stringify(xml.slice(i, i + 80))}`);
  const checkText = (t: string): void => {
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(t)) fail("bare &");
    if (!stack.length && t.trim()) fail("text outside the root element");
  };
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      checkText(xml.slice(i));
      break;
    }
    checkText(xml.slice(i, lt));
    i = lt;
    const skip = (open: string, close: string): boolean => {
      if (!xml.startsWith(open, i)) return false;
      const end = xml.indexOf(close, i + open.length);
      if (end < 0) fail(`unterminated ${open}`);
      i = end + close.length;
      return true;
    };
    if (skip("<?", "?>") || skip("<!--", "-->") || skip("<![CDATA[", "]]>") || skip("<!DOCTYPE", ">")) continue;
    const m = /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(xml.slice(i, i + 100000));
    if (!m) fail("malformed tag");
    const [whole, closing, name, attrs, selfClosing] = m as RegExpExecArray;
    const names = [...attrs.matchAll(/([A-Za-z_][\w:.-]*)\s*=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) fail("duplicate attribute");
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(attrs)) fail("bare & in an attribute");
    if (closing) {
      if (stack.pop() !== name) fail(`unexpected </${name}>`);
    } else {
      if (!stack.length) {
        if (root) fail("second root element");
        root = name;
      }
      if (!selfClosing) stack.push(name);
    }
    i += whole.length;
  }
  if (stack.length) assert.fail(`not well-formed XML: unclosed <${stack.join("> <")}>`);
  if (!root) assert.fail("not well-formed XML: no root element");
  return root;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
