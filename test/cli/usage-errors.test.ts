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
import { CLIS, cliCommand } from "../clis.ts";

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
    ['{"executor":"slurm","slurm":{"partiton":"x"}}', '"slurm"."partiton": unknown key; the keys here are maxQueued, pollMs, maxPollMs, arrayWindowMs, partition, options, sbatch, squeue, scontrol, scancel, maxSubmitting, failUnsatisfiable, lostJobGraceMs, retryMs, sacct, submitRetryMs'],
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

test("files ruff is to write, named where a directory or a file is in the way: exit 2 naming the path, before anything runs", { timeout: 120_000 }, () => {
  const dir = project();
  writeFileSync(join(dir, "afile"), "");
  const cases: [string[], string][] = [
    [["-L", "afile/x.log"], `ruff: -L afile/x.log: ${dir}/afile is a file, not a directory.\n`],
    [["-L", "."], "ruff: -L .: that is a directory; give a file name (e.g. ./out).\n"],
    [["--flowchart", "afile/deeper/x.svg"], `ruff: --flowchart afile/deeper/x.svg: ${dir}/afile is a file, not a directory.\n`],
    [["--report", "afile/r.html"], `ruff: --report afile/r.html: ${dir}/afile is a file, not a directory.\n`],
    [["--checksum-file-name", "afile/h.sqlite"], `ruff: --checksum-file-name afile/h.sqlite: ${dir}/afile is a file, not a directory.\n`],
  ];
  for (const [args, stderr] of cases) {
    const r = ruff(dir, "p.ts", ...args);
    assert.equal(r.stderr, stderr, args.join(" "));
    assert.equal(r.status, 2, args.join(" "));
  }
  assert.deepEqual(readdirSync(dir).sort(), ["afile", "p.ts", "package.json"], "nothing ran, no history");
  // A history path from the environment is not checked up front, and still gets one line naming it, not a stack.
  const env = spawnSync(NODE, [RUFF, "p.ts"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "", DEFAULT_RUFFUS_HISTORY_FILE: "afile/h.sqlite" } });
  assert.equal(env.stderr, `ruff: Cannot use the history file afile/h.sqlite: ${dir}/afile is a file, not a directory. Choose another with --checksum-file-name FILE (historyFile).\n`);
  assert.equal(env.status, 2);
  // Missing directories for the log and a flowchart are made.
  assert.equal(ruff(dir, "p.ts", "-L", "logs/today/run.log", "-v", "0").status, 0);
  assert.match(readFileSync(join(dir, "logs/today/run.log"), "utf8"), /Completed Task = 'u::make'/);
  assert.equal(ruff(dir, "p.ts", "--flowchart", "charts/p.dot").status, 0);
  assert.match(readFileSync(join(dir, "charts/p.dot"), "utf8"), /^digraph/);
});

test("a pipeline that prints while it loads: its console.log goes to stderr when stdout carries data", { timeout: 120_000 }, () => {
  const dir = project();
  writeFileSync(join(dir, "chatty.ts"), 'import { Pipeline } from "ruffus";\nconsole.log("loading chatty");\nconsole.info("info too");\nconst p = new Pipeline("c");\np.originate({ name: "make", task: () => {}, output: ["a.out"] });\nexport default p;\n');
  const plan = ruff(dir, "chatty.ts", "-n", "--json");
  assert.equal(plan.status, 0, plan.stderr);
  assert.equal((JSON.parse(plan.stdout) as { schema: string }).schema, "ruffus-plan/1");
  assert.equal(plan.stderr, "loading chatty\ninfo too\n");
  const list = ruff(dir, "list", "chatty.ts");
  assert.equal(list.stdout, "make\n");
  assert.equal(list.stderr, "loading chatty\ninfo too\n");
  const why = ruff(dir, "why", "chatty.ts", "make", "--json");
  assert.equal((JSON.parse(why.stdout) as { schema: string }).schema, "ruffus-why/1");
  const dot = ruff(dir, "chatty.ts", "--flowchart", "-", "--flowchart-format", "dot");
  assert.match(dot.stdout, /^digraph/);
  // A plain run leaves the pipeline's output where it wrote it.
  const run = ruff(dir, "chatty.ts", "-v", "0");
  assert.equal(run.stdout, "loading chatty\ninfo too\n");
});

test("a value-taking option with nothing after it is a usage error (cac took it as the value true: a file named 'true', -j 1)", { timeout: 120_000 }, () => {
  const dir = project();
  const cases: [string[], string][] = [
    [["p.ts", "--flowchart"], "argument --flowchart"],
    [["p.ts", "-L"], "argument -L/--log-file"],
    [["--log-file", "-n", "p.ts"], "argument -L/--log-file"],
    [["--report", "-n", "p.ts"], "argument --report"],
    [["p.ts", "--checksum-file-name"], "argument --checksum-file-name"],
    [["-j", "-n", "p.ts"], "argument -j/--jobs"],
    [["p.ts", "--config"], "argument --config"],
  ];
  for (const [args, label] of cases) {
    const r = ruff(dir, ...args);
    assert.equal(r.stderr, `ruff: error: ${label}: expected one argument\n`, args.join(" "));
    assert.equal(r.status, 2, args.join(" "));
  }
  const empty = ruff(dir, "p.ts", "--checksum-level", "");
  assert.equal(empty.stderr, "ruff: error: argument --checksum-level: expected one argument, not an empty string\n");
  assert.equal(empty.status, 2);
  assert.deepEqual(readdirSync(dir).sort(), ["p.ts", "package.json"], "nothing written, nothing ran");
});

test("--flowchart, --report and -n together: each is written, no job runs; a flowchart name without an extension needs --flowchart-format", { timeout: 120_000 }, () => {
  const dir = project();
  const both = ruff(dir, "--flowchart", "f.svg", "--report", "r.html", "p.ts");
  assert.equal(both.status, 0, both.stderr);
  const all = ruff(dir, "-n", "--report", "n.html", "--flowchart", "n.dot", "p.ts");
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /Tasks which will be run:\n\nTask = 'u::make'\n/);
  assert.match(readFileSync(join(dir, "f.svg"), "utf8"), /<svg/);
  assert.match(readFileSync(join(dir, "n.dot"), "utf8"), /^digraph/);
  for (const f of ["r.html", "n.html"]) assert.match(readFileSync(join(dir, f), "utf8"), /^<!DOCTYPE html>/i);
  assert.deepEqual(readdirSync(dir).sort(), ["f.svg", "n.dot", "n.html", "p.ts", "package.json", "r.html"], "a.out not made: nothing ran");
  const noExt = ruff(dir, "p.ts", "--flowchart", "chart");
  assert.equal(
    noExt.stderr,
    "ruff: --flowchart chart: no extension to tell the format by. Name the file .svg, .png, .dot, .json or .html, " +
      "or give --flowchart-format (one of those, or a Graphviz format such as pdf when dot is installed).\n",
  );
  assert.equal(noExt.status, 2);
  assert.equal(ruff(dir, "p.ts", "--flowchart", "chart", "--flowchart-format", "dot").status, 0);
  assert.match(readFileSync(join(dir, "chart"), "utf8"), /^digraph/);
  const dash = ruff(dir, "p.ts", "--flowchart", "-");
  assert.equal(dash.stderr, "ruff: --flowchart - prints the flowchart on standard output: say which format with --flowchart-format (dot, json, svg or html).\n");
  const clash = ruff(dir, "p.ts", "-n", "--flowchart", "-", "--flowchart-format", "dot");
  assert.equal(clash.stderr, "ruff: -n and --flowchart - would both print on standard output: give --flowchart a file name.\n");
  assert.equal(clash.status, 2);
});

test("ruff pipe.py: a Python Ruffus script is told to run with python (exit 2), on every runtime", { timeout: 240_000 }, () => {
  const dir = project();
  writeFileSync(join(dir, "pipe.py"), 'from ruffus import *\n\n@originate(["a.out"])\ndef make(o):\n    open(o, "w").close()\n\npipeline_run()\n');
  for (const cli of CLIS) {
    const [exe, ...pre] = cliCommand(cli);
    const r = spawnSync(exe, [...pre, "pipe.py"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "", DENO_NO_UPDATE_CHECK: "1" } });
    assert.equal(r.stderr, "ruff: pipe.py: ruff runs TypeScript/JavaScript pipelines (.ts, .mts, .js, .mjs); a Python Ruffus script runs with python: python pipe.py\n", cli);
    assert.equal(r.status, 2, cli);
  }
});
