/**
 * `ruff` on a real terminal (a pseudo-terminal made by util-linux `script`; skipped where there is
 * none): without -v the live display replaces the task lines but warnings still show; TERM=dumb
 * gets the plain log with no escape codes; FORCE_COLOR=0 keeps the display but drops colour.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliCommand } from "../clis.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs ruff (Node, from source) on a pseudo-terminal `columns` wide; returns what the terminal got, with \r\n as \n. */
function onTerminal(args: string[], env: Record<string, string>, columns = 60): { text: string; status: number | null } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruff-tty-")));
  dirs.push(dir);
  copyFileSync(join(FIXTURES, "unmatched.ts"), join(dir, "unmatched.ts"));
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", DENO_NO_UPDATE_CHECK: "1", ...env };
  const unset = ["NO_COLOR", "FORCE_COLOR", "CI", "COLUMNS", "NODE_TEST_CONTEXT", "NODE_OPTIONS"].filter((k) => !(k in env));
  for (const k of unset) delete base[k];
  // `env -u` as well: Deno's child_process adds its own environment back to the one given.
  const command = `stty cols ${columns} rows 24; env ${unset.map((k) => `-u ${k}`).join(" ")} ${[...cliCommand("node"), ...args].map(quote).join(" ")}`;
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: dir, env: base, encoding: "utf8", timeout: 60000 });
  return { text: r.stdout.replace(/\r\n/g, "\n"), status: r.status };
}

const WARNING = "\nWARNING:\n        In Task 'unmatched::align':\n        No jobs were run because no file names matched.\n";

describe("on a terminal", { skip: !hasScript && "no util-linux script here to make a terminal", concurrency: 3 }, () => {
  test("without -v: the display (cursor codes, colour) and the warnings, not the task lines", () => {
    const r = onTerminal(["unmatched.ts"], {}, 16);
    assert.equal(r.status, 0, r.text);
    assert.ok(r.text.includes(WARNING), r.text);
    assert.match(r.text, /\x1b\[\d+A\x1b\[J/, "the display moves the cursor up and clears");
    assert.match(r.text, /\x1b\[1m\[\d+\/\d+\]/, "coloured (bold) header");
    assert.doesNotMatch(r.text, /Task enters queue/);
    assert.match(r.text, /ruff: 2 jobs run, 0 up to date, \d+\.\ds\n$/);
    // No line the display drew reaches the last column (it would wrap and break the redraw): the
    // width is the terminal's own (no COLUMNS here).
    const plain = (l: string): string => l.replace(/\x1b\[[0-9;]*[A-Za-z]|\r/g, "");
    const drawn = r.text.split(/\n|\x1b\[J/).filter((l) => /^\[\d+\/\d+\] /.test(plain(l)));
    assert.ok(drawn.length > 0, r.text);
    for (const line of drawn) assert.ok(plain(line).length <= 15, JSON.stringify(line));
  });

  test("TERM=dumb: Ruffus's plain log, no escape codes", () => {
    const r = onTerminal(["unmatched.ts"], { TERM: "dumb" });
    assert.equal(r.status, 0, r.text);
    assert.doesNotMatch(r.text, /\x1b/);
    assert.ok(r.text.includes("Task enters queue = 'unmatched::makeReads' \n"), r.text);
    assert.ok(r.text.includes(WARNING), r.text);
  });

  test("FORCE_COLOR=0: the display without colour", () => {
    const r = onTerminal(["unmatched.ts"], { FORCE_COLOR: "0" });
    assert.equal(r.status, 0, r.text);
    assert.match(r.text, /\x1b\[\d+A\x1b\[J/);
    assert.doesNotMatch(r.text, /\x1b\[\d+m/);
    assert.ok(r.text.includes(WARNING), r.text);
  });
});
