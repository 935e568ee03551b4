/**
 * `ruff` on a real terminal (a pseudo-terminal made by util-linux `script`; skipped where there is
 * none): without -v the live display replaces the task lines but warnings still show, and what jobs
 * print (console.log, workers, commands on the terminal) all stays on the screen (played on
 * test/cli/screen.ts); TERM=dumb gets the plain log with no escape codes; FORCE_COLOR=0 keeps the
 * display but drops colour.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLIS, cliCommand, type Cli } from "../clis.ts";
import { Screen } from "./screen.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs ruff (Node, from source, unless `cli` says otherwise) on a pseudo-terminal `columns` x 24 with
 * the fixture named first in args; returns what the terminal got (`raw`; `text` with \r\n as \n).
 */
function onTerminal(args: string[], env: Record<string, string>, columns = 60, cli: Cli = "node"): { text: string; raw: string; status: number | null } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruff-tty-")));
  dirs.push(dir);
  copyFileSync(join(FIXTURES, args[0]), join(dir, args[0]));
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm", DENO_NO_UPDATE_CHECK: "1", ...env };
  const unset = ["NO_COLOR", "FORCE_COLOR", "CI", "COLUMNS", "NODE_TEST_CONTEXT", "NODE_OPTIONS"].filter((k) => !(k in env));
  for (const k of unset) delete base[k];
  // `env -u` as well: Deno's child_process adds its own environment back to the one given.
  const command = `stty cols ${columns} rows 24; env ${unset.map((k) => `-u ${k}`).join(" ")} ${[...cliCommand(cli), ...args].map(quote).join(" ")}`;
  const r = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: dir, env: base, encoding: "utf8", timeout: 120000 });
  return { text: r.stdout.replace(/\r\n/g, "\n"), raw: r.stdout, status: r.status };
}

const WARNING = "\nWARNING:\n        In Task 'unmatched::align':\n        No jobs were run because no file names matched.\n";

describe("on a terminal", { skip: !hasScript && "no util-linux script here to make a terminal", concurrency: 3 }, () => {
  test("without -v: the display (cursor codes, colour) and the warnings, not the task lines", () => {
    const r = onTerminal(["unmatched.ts"], {}, 16);
    assert.equal(r.status, 0, r.text);
    assert.ok(r.text.includes(WARNING), r.text);
    assert.match(r.text, /\x1b\[1;\d+r/, "the display keeps the bottom lines out of the scrolling region");
    assert.doesNotMatch(r.text, /\x1b\[\d+A\x1b\[J/, "and never moves up to erase what it drew");
    assert.match(r.text, /\x1b\[1m\[\d+\/\d+\]/, "coloured (bold) header");
    assert.doesNotMatch(r.text, /Task enters queue/);
    assert.match(r.text, /ruff: 2 jobs run, 0 up to date, \d+\.\ds\n$/);
    // No line the display drew reaches the last column (it would wrap and break the redraw): the
    // width is the terminal's own (no COLUMNS here).
    const plain = (l: string): string => l.replace(/\x1b\[[0-9;]*m/g, "");
    const drawn = [...r.text.matchAll(/\x1b\[\d+;1H\x1b\[2K((?:\x1b\[[0-9;]*m|[^\x1b])*)/g)].map((m) => m[1]);
    assert.ok(drawn.some((l) => /^\[\d+\/\d+\] /.test(plain(l))), r.text);
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
    assert.match(r.text, /\x1b\[1;\d+r/);
    assert.doesNotMatch(r.text, /\x1b\[\d+m/);
    assert.ok(r.text.includes(WARNING), r.text);
  });

  // What the jobs print must all be on the screen at the end, once each: a redraw that moved the
  // cursor up over the display's lines erased whatever a job had written since.
  const chatter = (dir: "a" | "b" | "c" | "d"): string[] => [
    `${dir}.out says 1`, `${dir}.out says 2`, `${dir}.out says 3`, `${dir}.out from a command`, `${dir}.out on stderr`, `${dir}.answer answers`,
  ];
  for (const cli of CLIS) {
    for (const mode of [["-j", "2"], ["-j", "2", "--use-threads"], []]) {
      test(`${cli}${mode.length ? " " + mode.join(" ") : ""}: every line the jobs print stays on the screen, the display does not`, () => {
        const r = onTerminal(["chatty-jobs.ts", ...mode], { NO_COLOR: "1" }, 60, cli);
        assert.equal(r.status, 0, r.text);
        const screen = new Screen(60, 24);
        screen.write(r.raw);
        const lines = screen.text().split("\n");
        for (const d of ["a", "b", "c", "d"] as const) {
          const expected = chatter(d);
          const at = expected.map((l) => lines.indexOf(l));
          assert.ok(at.every((i) => i >= 0), `${d}: ${JSON.stringify(expected.filter((_, k) => at[k] < 0))} missing from\n${screen.text()}`);
          assert.deepEqual(at, [...at].sort((x, y) => x - y), `${d}'s lines in order`);
          for (const l of expected) assert.equal(lines.filter((x) => x === l).length, 1, `${l} once`);
        }
        assert.match(lines.at(-2) ?? "", /^ruff: 8 jobs run, 0 up to date, \d+\.\ds$/, screen.text());
        assert.equal(lines.filter((l) => /^\[\d+\/\d+\] task/.test(l)).length, 0, `no display left:\n${screen.text()}`);
        assert.equal(lines.length, 4 * 6 + 2, `nothing else:\n${screen.text()}`);
      });
    }
  }
});
