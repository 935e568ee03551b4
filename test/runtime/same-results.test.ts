/**
 * One pipeline (fixtures/results.ts), run by `ruff` under Node, Bun and Deno (and the compiled
 * binary when dist/ruff exists), in the main process and with -j 2 worker processes: every run makes
 * the same files with the same contents, and leaves the same history rows (paths, tasks, and the
 * function and parameter fingerprints of checksum levels 2 and 3; not times). So a history written
 * under one runtime is up to date under another, even at --checksum-level 3.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import initSqlJs from "sql.js";
import { CLIS, cliCommand, type Cli } from "../clis.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/results.ts", import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;



const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function ruff(cli: Cli, args: string[], cwd: string): string {
  const [exe, ...pre] = cliCommand(cli);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "FORCE_COLOR", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
  const r = spawnSync(exe, [...pre, ...args], { cwd, env, encoding: "utf8", timeout: 120000 });
  assert.equal(r.status, 0, `ruff ${args.join(" ")} (${cli}): status ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Every file under `dir` (but the history) with its contents. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.startsWith(".ruffus_history")) out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

interface HistoryRows {
  outputs: string[][];
  runs: number[][];
  failures: number;
}

async function historyRows(dir: string): Promise<HistoryRows> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(join(dir, ".ruffus_history.sqlite")));
  try {
    const rows = (sql: string): unknown[][] => db.exec(sql)[0]?.values ?? [];
    return {
      outputs: rows("SELECT path, task, exit_status, run_id, func_hash, params_hash FROM outputs ORDER BY path").map((r) => r.map(String)),
      runs: rows("SELECT id, ok, jobs_run, jobs_uptodate, failures, finished IS NOT NULL FROM runs ORDER BY id").map((r) => r.map(Number)),
      failures: Number(rows("SELECT count(*) FROM failures")[0][0]),
    };
  } finally {
    db.close();
  }
}

const EXPECTED_FILES: Record<string, string> = {
  "group.a": "raw/s1.a.txt 17\nraw/s2.a.txt 18\n",
  "group.b": "raw/s3.b.txt 19\n",
  "out.0.upper": "RAW/S1.A.TXT 17\n",
  "out.1.upper": "RAW/S2.A.TXT 18\n",
  "package.json": '{"type":"module"}',
  "piece.0.part": "raw/s1.a.txt 17\n",
  "piece.1.part": "raw/s2.a.txt 18\n",
  "raw/s1.a.size": "raw/s1.a.txt 17\n",
  "raw/s1.a.txt": "raw/s1.a.txt\n###\n",
  "raw/s2.a.size": "raw/s2.a.txt 18\n",
  "raw/s2.a.txt": "raw/s2.a.txt\n####\n",
  "raw/s3.b.size": "raw/s3.b.txt 19\n",
  "raw/s3.b.txt": "raw/s3.b.txt\n#####\n",
  "results.ts": readFileSync(FIXTURE, "utf8"),
  "summary.txt": "out.0.upper: RAW/S1.A.TXT 17\nout.1.upper: RAW/S2.A.TXT 18\ngroup.a: raw/s1.a.txt 17\nraw/s2.a.txt 18\ngroup.b: raw/s3.b.txt 19\n",
};

interface Outcome {
  files: Record<string, string>;
  history: HistoryRows;
}

/** A new directory holding the fixture. */
function project(cli: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `ruffus-same-${cli}-`)));
  tempDirs.push(dir);
  copyFileSync(FIXTURE, join(dir, "results.ts"));
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  return dir;
}

/** Runs the fixture twice (the second run finds everything up to date) in a new directory. */
function runTwice(cli: Cli, args: string[]): Promise<Outcome> {
  const dir = project(cli);
  ruff(cli, [...args, "results.ts"], dir);
  ruff(cli, [...args, "results.ts"], dir);
  return historyRows(dir).then((history) => ({ files: tree(dir), history }));
}

describe("the same pipeline gives the same results under every runtime", { skip: !ON_NODE && "spawns ruff under every runtime itself: run once, by the Node test run" }, () => {
  for (const args of [[], ["-j", "2"]]) {
    test(`ruff ${[...args, "results.ts"].join(" ")}: the same files and history rows under ${CLIS.join(", ")}`, async () => {
      const outcomes = new Map<Cli, Outcome>();
      for (const cli of CLIS) outcomes.set(cli, await runTwice(cli, args));
      const node = outcomes.get("node") as Outcome;
      assert.deepEqual(node.files, EXPECTED_FILES);
      // 13 outputs; run 1 ran 13 jobs (1 mkdir, 3 makeSample, 3 measure, 2 byGroup, 1 cut, 2 rename, 1 summarise), run 2 none.
      // The fingerprints are what they are (func_hash, params_hash), but the same under every runtime.
      assert.deepEqual(node.history.outputs.map((row) => row.slice(0, 4)), [
        ["group.a", "results::byGroup"], ["group.b", "results::byGroup"], ["out.0.upper", "results::rename"], ["out.1.upper", "results::rename"],
        ["piece.0.part", "results::cut"], ["piece.1.part", "results::cut"], ["raw/s1.a.size", "results::measure"], ["raw/s1.a.txt", "results::makeSample"],
        ["raw/s2.a.size", "results::measure"], ["raw/s2.a.txt", "results::makeSample"], ["raw/s3.b.size", "results::measure"],
        ["raw/s3.b.txt", "results::makeSample"], ["summary.txt", "results::summarise"],
      ].map(([path, task]) => [path, task, "0", "1"]));
      assert.deepEqual(node.history.runs, [
        [1, 1, 13, 0, 0, 1],
        [2, 1, 0, 13, 0, 1],
      ]);
      assert.equal(node.history.failures, 0);
      for (const [, , , , funcHash, paramsHash] of node.history.outputs) {
        assert.match(funcHash, /^[0-9a-f]{14}$/);
        assert.match(paramsHash, /^[0-9a-f]{14}$/);
      }
      for (const cli of CLIS) {
        assert.deepEqual(outcomes.get(cli)?.files, node.files, `${cli}: files differ from node's`);
        assert.deepEqual(outcomes.get(cli)?.history, node.history, `${cli}: history rows differ from node's`);
      }
    });
  }
});

describe("a history written under one runtime is up to date under the others", { skip: !ON_NODE && "spawns ruff under every runtime itself: run once, by the Node test run" }, () => {
  test(`--checksum-level 3: after a run under node, ${CLIS.filter((c) => c !== "node").join(", ")} find nothing to do; a changed function is noticed`, () => {
    const dir = project("level3");
    ruff("node", ["--checksum-level", "3", "results.ts"], dir);
    for (const cli of CLIS) {
      const plan = JSON.parse(ruff(cli, ["-n", "--json", "--checksum-level", "3", "results.ts"], dir)) as { tasks: { name: string; state: string }[] };
      assert.deepEqual(plan.tasks.filter((t) => t.state !== "uptodate").map((t) => t.name), [], `${cli} would rerun tasks of node's run`);
    }
    // The same comparison notices a real change: one character of measure's code.
    writeFileSync(join(dir, "results.ts"), readFileSync(FIXTURE, "utf8").replace("${read(input).length}", "${read(input).length + 0}"));
    for (const cli of CLIS) {
      const plan = JSON.parse(ruff(cli, ["-n", "--json", "--checksum-level", "3", "results.ts"], dir)) as { tasks: { name: string; state: string; jobs: { reason: { kind: string } }[] }[] };
      const measure = plan.tasks.find((t) => t.name === "results::measure");
      assert.equal(measure?.state, "run", cli);
      assert.deepEqual([...new Set(measure?.jobs.map((j) => j.reason.kind))], ["function-changed"], cli);
    }
  });
});
