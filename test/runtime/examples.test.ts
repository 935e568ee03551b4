/**
 * The runtime examples run as their READMEs say: examples/deno/pipeline.ts with `deno run -A`, and
 * examples/bun-test/ with `bun test`.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function run(exe: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...extraEnv };
  for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "FORCE_COLOR"]) delete env[k];
  const r = spawnSync(exe, args, { cwd, env, encoding: "utf8", timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("runtime examples", { skip: !ON_NODE && "starts Deno and Bun themselves: covered by the Node test run" }, () => {
  test("deno run -A examples/deno/pipeline.ts runs the pipeline (in two worker processes), then finds it up to date", () => {
    const work = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-deno-example-")));
    tempDirs.push(work);
    // Started from elsewhere: the example's own deno.json maps "ruffus".
    const r = run(join(REPO, "node_modules/.bin/deno"), ["run", "-A", join(REPO, "examples/deno/pipeline.ts"), work], tmpdir());
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(
      r.stdout,
      "first run: 8 jobs (deno_example::makeSample, deno_example::countLetters, deno_example::summarise, deno_example::shout)\n" +
        "second run: 0 jobs\n" +
        "ONE.TXT 8\nTHREE.TXT 10\nTWO.TXT 8\n",
    );
    assert.deepEqual(readdirSync(work).sort(), [
      ".ruffus_history.sqlite", "one.count", "one.txt", "summary.loud", "summary.txt", "three.count", "three.txt", "two.count", "two.txt",
    ]);
    assert.equal(readFileSync(join(work, "two.txt"), "utf8"), "two: xxx\n");
  });

  test("examples/deno/pipeline.ts without a work dir makes one temporary directory, not one per worker process", () => {
    const tmp = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-deno-tmp-")));
    tempDirs.push(tmp);
    const r = run(join(REPO, "node_modules/.bin/deno"), ["run", "-A", join(REPO, "examples/deno/pipeline.ts")], tmp, { TMPDIR: tmp });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const made = readdirSync(tmp);
    assert.equal(made.length, 1, made.join(" "));
    assert.match(made[0], /^ruffus-deno-/);
    assert.ok(readdirSync(join(tmp, made[0])).includes("summary.loud"));
  });

  test("bun test ./examples/bun-test passes its 3 tests (run 10 times: the changed-input test dates its edit, so it cannot race the clock)", () => {
    for (let i = 0; i < 9; i++) {
      const again = run(join(REPO, "node_modules/.bin/bun"), ["test", "./examples/bun-test"], REPO);
      assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
    }
    const r = run(join(REPO, "node_modules/.bin/bun"), ["test", "./examples/bun-test"], REPO);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    // bun test reports on stderr.
    const lines = r.stderr.split("\n");
    assert.deepEqual(lines.filter((l) => l.startsWith("(pass) ")).map((l) => l.replace(/ \[[\d.]+m?s\]$/, "")), [
      "(pass) the pipeline makes every file, then finds them up to date",
      "(pass) a changed input reruns only what depends on it",
      "(pass) a failing job rejects the run with RethrownJobError naming the job",
    ]);
    assert.ok(lines.includes(" 3 pass") && lines.includes(" 0 fail"), r.stderr);
  });
});
