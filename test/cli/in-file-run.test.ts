/**
 * A pipeline file written as a script (`node pipeline.ts`), ending with its own `pipelineRun()`:
 * under `ruff` that call does nothing, so `-n`, `list` and `--flowchart` never run a job and a
 * plain `ruff pipeline.ts` runs each job once.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE } from "../helpers.ts";

const RUFF = fileURLToPath(new URL("../../src/cli/ruff.mjs", import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SCRIPT = `import { appendFileSync, writeFileSync } from "node:fs";
import { originate, transform, suffix, pipelineRun } from "ruffus";
const start = originate(["a.start", "b.start"])(function makeStart(out: string) { appendFileSync("calls.log", "start " + out + "\\n"); writeFileSync(out, ""); });
transform(start, suffix(".start"), ".end")(function finish(i: string, o: string) { appendFileSync("calls.log", "end " + o + "\\n"); writeFileSync(o, ""); });
await pipelineRun({ verbose: 3 });
`;

function ruff(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [RUFF, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("a pipelineRun() at the top of the file: -n, list and --flowchart run nothing; ruff runs each job once", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "ruffus-in-file-run-"));
  dirs.push(dir);
  writeFileSync(join(dir, "pipeline.ts"), SCRIPT);
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  const files = (): string[] => readdirSync(dir).filter((f) => !f.startsWith(".")).sort();

  const dry = ruff(dir, "-n", "pipeline.ts");
  assert.equal(dry.status, 0, dry.stderr);
  assert.ok(dry.stdout.includes("Task = 'makeStart'") || dry.stderr.includes("Task = 'makeStart'"), dry.stdout + dry.stderr);
  assert.equal(ruff(dir, "list", "pipeline.ts").stdout, "makeStart\nfinish\n");
  assert.equal(ruff(dir, "pipeline.ts", "--flowchart", "f.dot").status, 0);
  assert.deepEqual(files(), ["f.dot", "package.json", "pipeline.ts"]);

  const r = ruff(dir, "pipeline.ts", "-v", "0");
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readFileSync(join(dir, "calls.log"), "utf8").split("\n").filter(Boolean).sort(), ["end a.end", "end b.end", "start a.start", "start b.start"]);
});
