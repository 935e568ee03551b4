/**
 * Command-line mistakes get a usage message and exit 2 (never an internal error); flowcharts are
 * written through a symlink or into a device instead of replacing it.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NODE } from "../helpers.ts";

const RUFF = fileURLToPath(new URL("../../src/cli/ruff.mjs", import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "ruffus-usage-"));
  dirs.push(dir);
  writeFileSync(join(dir, "package.json"), '{"type":"module"}');
  writeFileSync(join(dir, "p.ts"), `import { Pipeline } from "ruffus";\nconst p = new Pipeline("u");\np.originate({ name: "make", task: () => {}, output: ["a.out"] });\nexport default p;\n`);
  return dir;
}

function ruff(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [RUFF, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("usage mistakes: exit 2 with the usage, no internal error", { timeout: 120_000 }, () => {
  const dir = project();
  const cases: [string[], string][] = [
    [["list"], "ruff: Missing argument. Usage: ruff list <pipeline.ts>\n"],
    [["list", "p.ts", "extra"], "ruff: Unexpected argument 'extra'. Usage: ruff list <pipeline.ts>\n"],
    [["why", "p.ts"], "ruff: Missing argument. Usage: ruff why <pipeline.ts> <task or file>\n"],
    [["init", "a", "b"], "ruff: Unexpected argument 'b'. Usage: ruff init [dir]\n"],
    [["-v", "abc", "p.ts"], "ruff: error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value 'abc'\n"],
    [["p.ts", "-v", "5:x"], "ruff: error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value '5:x'\n"],
    [["why", "p.ts", "mkae"], "ruff: 'mkae' is neither a task of the pipeline nor an output of any of its jobs. Did you mean 'make'?\n"],
    [["p.ts", "--json"], "ruff: --json goes with -n (the plan as JSON) or ruff why; for a flowchart as JSON use --flowchart FILE.json.\n"],
  ];
  for (const [args, stderr] of cases) {
    const r = ruff(dir, ...args);
    assert.equal(r.stderr, stderr, args.join(" "));
    assert.equal(r.status, 2, args.join(" "));
  }
  // Still fine: -v before the file, -v N.
  assert.equal(ruff(dir, "-v", "p.ts", "-n").status, 0);
  assert.equal(ruff(dir, "-v", "2", "p.ts", "-n").status, 0);
});

test("--flowchart through a symlink writes its target; --flowchart /dev/stdout prints", { timeout: 120_000 }, () => {
  const dir = project();
  symlinkSync("real.dot", join(dir, "link.dot"));
  assert.equal(ruff(dir, "p.ts", "--flowchart", "link.dot").status, 0);
  assert.ok(lstatSync(join(dir, "link.dot")).isSymbolicLink(), "the link is still a link");
  assert.match(readFileSync(join(dir, "real.dot"), "utf8"), /^digraph "Pipeline:"/);
  const r = ruff(dir, "p.ts", "--flowchart", "/dev/stdout", "--flowchart-format", "dot");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^digraph "Pipeline:"\n\{\n/);
  assert.match(r.stdout, /label="make"/);
  const dash = ruff(dir, "p.ts", "--flowchart", "-", "--flowchart-format", "dot");
  assert.equal(dash.status, 0, dash.stderr);
  assert.equal(dash.stdout, r.stdout);
  assert.deepEqual(readdirSync(dir).sort(), ["link.dot", "p.ts", "package.json", "real.dot"]);
});

test("ruffus.config.json: a misspelt key or a wrong type is named (exit 2), not ignored", { timeout: 120_000 }, () => {
  const dir = project();
  const cases: [string, string][] = [
    ['{"executor":"slurm","slurm":{"partiton":"x"}}', '"slurm"."partiton": unknown key; the keys here are maxQueued, pollMs, maxPollMs, arrayWindowMs, partition, options, sbatch, squeue, scontrol, scancel, maxSubmitting, failUnsatisfiable, lostJobGraceMs, retryMs, sacct'],
    ['{"slurm":{"options":"--comment=x"}}', '"slurm"."options": expected a list of strings, e.g. ["--qos=short"], not "--comment=x"'],
    ['{"task":{}}', '"task": unknown key; the keys are "executor", "slurm" and "tasks"'],
    ['{"tasks":{"make":{"cpu":2}}}', '"tasks"."make"."cpu": unknown key; the keys here are cpus, memMb, time, partition, options'],
    ['{"tasks":{"make":{"cpus":"2"}}}', '"tasks"."make"."cpus": expected a number, not "2"'],
  ];
  for (const [json, message] of cases) {
    writeFileSync(join(dir, "ruffus.config.json"), json);
    const r = ruff(dir, "p.ts", "-v", "0");
    assert.equal(r.stderr, `ruff: ${join(dir, "ruffus.config.json")}: ${message}\n`, json);
    assert.equal(r.status, 2, json);
  }
  writeFileSync(join(dir, "ruffus.config.json"), '{"executor":"local","tasks":{"make":{"cpus":2,"options":["--qos=x"]}}}');
  assert.equal(ruff(dir, "p.ts", "-v", "0").status, 0);
});
