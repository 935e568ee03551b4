/**
 * The benchmark harness (`npm run bench`), in its quick mode: it must run every workload and print
 * a table with a row per measurement and numbers in every cell of ours. Timings' values are never
 * judged here (the quick sizes are tiny and machines differ); only that they are there and well formed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ON_NODE = !("Bun" in globalThis) && !("Deno" in globalThis);

/** [workload prefix, measurement pattern]: every row the quick run must print. */
const EXPECTED: [string, RegExp][] = [
  ["W1 chain N=20", /^cold run$/],
  ["W1 chain N=20", /^no-op re-run$/],
  ["W1 chain N=20", /^incremental/],
  ["W1 chain N=200", /^cold run$/],
  ["W1 chain N=200", /^no-op re-run$/],
  ["W1 chain N=200", /^incremental/],
  ["W1 chain N=200", /^plain loop/],
  ["W2 dry run N=20", /^-n: /],
  ["W2 dry run N=20", /^-n -v 3: /],
  ["W2 dry run N=200", /^-n: /],
  ["W2 dry run N=200", /^-n -v 3: /],
  ["W3 start-up", /^--version$/],
  ["W3 start-up", /^one-job pipeline$/],
  ["W3 start-up", /^floor/],
  ["W4 shell jobs", /`sleep 0\.05`, -j 2$/],
  ["W4 shell jobs", /`true`, -j 4$/],
  ["W5 fan-out\/in N=200", /^cold run$/],
  ["W5 fan-out\/in N=200", /^no-op re-run$/],
];

const TIME = /^\d+(\.\d+)? (ms|s)$/;
const RANGE = /^\d+(\.\d+)?–\d+(\.\d+)? (ms|s)$/;
const RSS = /^(\d+ MB|–)$/;
/** A competitor's cell: not installed, not run at this size, a time (with RSS and ratio), a time limit, or an error. */
const COMPETITOR = /^(n\/i|—|error†?|> \d+ s†?( \(< [\d.e+-]+×\))?|\d+(\.\d+)? (ms|s), (\d+ MB|–)†?( \[n=\d+\])?( \(\*\*[\d.e+-]+×\*\*\))?)$/;

test(
  "npm run bench -- --quick: a row for every workload, with numbers",
  { skip: !ON_NODE && "runs the whole benchmark harness (about 2 minutes): once, in the Node test run", timeout: 15 * 60_000 },
  () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench/run.ts", "--quick"], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 14 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, `bench --quick exited ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("|"));
    assert.ok(lines.length >= 3, `no table in:\n${r.stdout}`);
    const cells = (l: string): string[] => l.slice(1, -1).split(" | ").map((c) => c.trim());
    const head = cells(lines[0]);
    assert.deepEqual(head.slice(0, 6), ["workload", "measurement", "jobs", "ours: median", "min–max", "peak RSS"]);
    assert.equal(head.length, 9, "three competitor columns (Ruffus, Snakemake, make)");
    assert.match(head[6], /^Ruffus/);
    assert.match(head[7], /^Snakemake/);
    assert.match(head[8], /^make/);
    const rows = lines.slice(2).map(cells);
    for (const row of rows) assert.equal(row.length, head.length, `row with ${row.length} cells: ${row.join(" | ")}`);

    for (const [workload, measurement] of EXPECTED) {
      const row = rows.find((c) => c[0] === workload && measurement.test(c[1]));
      assert.ok(row, `no row "${workload} · ${measurement}" in:\n${lines.join("\n")}`);
      const [, , jobs, median, range, rss, ...competitors] = row;
      assert.match(jobs, /^(\d[\d,]*)?$/, `jobs of ${row.join(" | ")}`);
      assert.match(median, TIME, `median of ${row.join(" | ")}`);
      assert.match(range, RANGE, `min–max of ${row.join(" | ")}`);
      assert.match(rss, RSS, `peak RSS of ${row.join(" | ")}`);
      const reference = /^(plain loop|floor)/.test(row[1]);
      for (const c of competitors) {
        if (reference) assert.equal(c, "", `reference rows have no competitor cells: ${row.join(" | ")}`);
        else assert.match(c, COMPETITOR, `competitor cell "${c}" of ${row.join(" | ")}`);
      }
    }
    assert.equal(rows.length, EXPECTED.length, `unexpected rows:\n${lines.join("\n")}`);
    // Derived figures follow the table.
    assert.match(r.stdout, /engine overhead per job/);
    assert.match(r.stdout, /W4 true: .*jobs\/s/);
  },
);
