/**
 * The compiled binary (dist/ruff, built by `bun build.ts` when missing or older than the sources),
 * copied into a temp bin directory that is the whole PATH (no node, bun or deno), run in empty temp
 * directories with no node_modules anywhere above them: version, init, run, re-run, -n, flowcharts,
 * the other pipeline styles and error cases; `ruffus` is the same program.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertWellFormedXml, PNG_SIGNATURE } from "../helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
const DIST = join(REPO, "dist");

/** Newest modification time of the files the binary is built from. */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const f of readdirSync(path)) visit(join(path, f));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src", "build.ts", "scripts/dts.ts", "package.json"]) if (existsSync(join(REPO, p))) visit(join(REPO, p));
  return newest;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let binDir = "";
let home = "";
const tempDirs: string[] = [];
function tempDir(prefix = "ruff-bin-"): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  tempDirs.push(d);
  return d;
}

/** Runs `name args...` found through a PATH holding only the copied binaries, with a bare environment. */
function run(name: "ruff" | "ruffus", args: string[], cwd: string): Promise<Result> {
  const env = { PATH: binDir, HOME: home, NO_COLOR: "1" };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(name, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} ${args.join(" ")} did not finish in 30 s\n${stdout}\n${stderr}`));
    }, 30000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}
const ruff = (args: string[], cwd: string): Promise<Result> => run("ruff", args, cwd);

function assertExit(r: Result, code: number): void {
  assert.equal(r.code, code, `exit status ${r.code} (expected ${code})\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
}

const read = (dir: string, f: string): string => readFileSync(join(dir, f), "utf8");

/** An empty work directory with no node_modules in it or above it. */
function emptyWorkDir(): string {
  const dir = tempDir("ruff-bin-work-");
  for (let d = dir; ; d = dirname(d)) {
    assert.equal(existsSync(join(d, "node_modules")), false, `${d}/node_modules exists`);
    if (dirname(d) === d) break;
  }
  return dir;
}

const STARTER_PLAN_FRESH =
  "\n________________________________________\nTasks which will be run:\n\n" +
  "Task = 'starter::makeInput'\nTask = 'starter::shout'\nTask = 'starter::combine'\n" +
  "________________________________________\n";

const STARTER_PLAN_DONE =
  "\n________________________________________\nTasks which are up-to-date:\n\n\n" +
  "Task = 'starter::makeInput'\nTask = 'starter::shout'\nTask = 'starter::combine'\n" +
  "________________________________________\n\n\n\n________________________________________\nTasks which will be run:\n\n" +
  "________________________________________\n";

before(async () => {
  const binary = join(DIST, "ruff");
  if (!existsSync(binary) || !existsSync(join(DIST, "ruffus")) || statSync(binary).mtimeMs < newestSource()) {
    const r = spawnSync(join(REPO, "node_modules/.bin/bun"), ["build.ts"], { cwd: REPO, encoding: "utf8", timeout: 180000 });
    assert.equal(r.status, 0, `bun build.ts failed:\n${r.stdout}\n${r.stderr}`);
  }
  binDir = tempDir("ruff-bin-path-");
  home = tempDir("ruff-bin-home-");
  copyFileSync(join(DIST, "ruff"), join(binDir, "ruff"));
  copyFileSync(join(DIST, "ruffus"), join(binDir, "ruffus"));
  // Nothing else is reachable: no node, bun or deno (nor Graphviz's dot).
  const found = spawnSync("/bin/sh", ["-c", "command -v node; command -v bun; command -v deno; command -v dot; command -v ruff"], {
    env: { PATH: binDir },
    encoding: "utf8",
  });
  assert.equal(found.stdout, `${binDir}/ruff\n`);
});

after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe("the compiled ruff binary, alone on the PATH", () => {
  let project = "";

  test("ruff --version and ruffus --version print the package version", async () => {
    const dir = emptyWorkDir();
    const [a, b] = await Promise.all([ruff(["--version"], dir), run("ruffus", ["--version"], dir)]);
    assertExit(a, 0);
    assert.equal(a.stdout, `ruff ${PKG.version}\n`);
    assert.equal(a.stderr, "");
    assertExit(b, 0);
    assert.equal(b.stdout, a.stdout);
  });

  test("ruff init writes the starter project with the bundled declarations", async () => {
    project = emptyWorkDir();
    const r = await ruff(["init"], project);
    assertExit(r, 0);
    assert.equal(
      r.stdout,
      "Wrote pipeline.ts, .ruff/types/mod.d.ts, tsconfig.json, deno.json, package.json, .gitignore and the type declarations in .ruff/types/ in .\n" +
        "Next: ruff pipeline.ts\n",
    );
    assert.deepEqual(readdirSync(project).sort(), [".gitignore", ".ruff", "deno.json", "package.json", "pipeline.ts", "tsconfig.json"]);
    const bundled = JSON.parse(read(REPO, "dist/types.json")) as Record<string, string>;
    assert.equal(read(project, ".ruff/types/mod.d.ts"), bundled["mod.d.ts"]);
    assert.equal(read(project, ".ruff/types/core/pipeline.d.ts"), bundled["core/pipeline.d.ts"]);
  });

  test("ruff -n (and ruffus -n) print the plan of the new pipeline and run nothing", async () => {
    assert.ok(project, "made by the init test");
    const [a, b] = await Promise.all([ruff(["-n", "pipeline.ts"], project), run("ruffus", ["-n", "pipeline.ts"], project)]);
    assertExit(a, 0);
    assert.equal(a.stdout, STARTER_PLAN_FRESH);
    assert.equal(a.stderr, "");
    assert.equal(b.stdout, a.stdout);
    assert.equal(existsSync(join(project, "a.txt")), false);
    assert.equal(existsSync(join(project, ".ruffus_history.sqlite")), false);
  });

  test("ruff pipeline.ts runs the generated pipeline and makes its outputs", async () => {
    const r = await ruff(["pipeline.ts"], project);
    assertExit(r, 0);
    assert.equal(r.stdout, "");
    for (const t of ["makeInput", "shout", "combine"]) assert.ok(r.stderr.includes(`Completed Task = 'starter::${t}' \n`), r.stderr);
    assert.equal(read(project, "a.txt"), "hello from a.txt\n");
    assert.equal(read(project, "all.upper"), "HELLO FROM A.TXT\nHELLO FROM B.TXT\n");
    assert.ok(existsSync(join(project, ".ruffus_history.sqlite")));
  });

  test("a re-run has nothing to do (0 jobs), and -n says everything is up to date", async () => {
    const before = readdirSync(project).map((f) => [f, statSync(join(project, f)).mtimeMs] as const).filter(([f]) => !f.startsWith(".ruffus_history"));
    const r = await ruff(["pipeline.ts"], project);
    assertExit(r, 0);
    assert.equal(r.stderr.includes("Task enters queue"), false, r.stderr);
    assert.ok(r.stderr.includes("Tasks which are up-to-date:"), r.stderr);
    const afterwards = readdirSync(project).map((f) => [f, statSync(join(project, f)).mtimeMs] as const).filter(([f]) => !f.startsWith(".ruffus_history"));
    assert.deepEqual(afterwards, before);
    const plan = await ruff(["-n", "pipeline.ts"], project);
    assert.equal(plan.stdout, STARTER_PLAN_DONE);
    const json = JSON.parse((await ruff(["-n", "--json", "pipeline.ts"], project)).stdout) as { schema: string; tasks: { state: string; jobs: unknown[] }[] };
    assert.equal(json.schema, "ruffus-plan/1");
    assert.deepEqual(json.tasks.map((t) => [t.state, t.jobs.length]), [["uptodate", 0], ["uptodate", 0], ["uptodate", 0]]);
  });

  test("--flowchart writes SVG (well-formed, every task) and PNG without Graphviz installed; ruffus draws the same", async () => {
    assertExit(await ruff(["pipeline.ts", "--flowchart", "flow.svg"], project), 0);
    const svg = read(project, "flow.svg");
    assert.equal(assertWellFormedXml(svg), "svg");
    for (const t of ["makeInput", "shout", "combine"]) assert.ok(svg.includes(`>${t}</text>`), t);
    assertExit(await ruff(["pipeline.ts", "--flowchart", "flow.png"], project), 0);
    const png = readFileSync(join(project, "flow.png"));
    assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
    assert.equal(png.subarray(12, 16).toString("latin1"), "IHDR");
    assertExit(await run("ruffus", ["pipeline.ts", "--flowchart", "flow2.svg"], project), 0);
    assert.equal(read(project, "flow2.svg"), svg);
  });

  test("a format that needs Graphviz's dot says so (exit 2)", async () => {
    const r = await ruff(["pipeline.ts", "--flowchart", "flow.pdf"], project);
    assertExit(r, 2);
    assert.equal(r.stderr, "ruff: Flowchart format 'pdf' needs Graphviz's dot program, which is not installed. Without it these formats work: svg, png, dot, json, html.\n");
    assert.equal(existsSync(join(project, "flow.pdf")), false);
  });

  test("list and why", async () => {
    const list = await ruff(["list", "pipeline.ts"], project);
    assertExit(list, 0);
    assert.equal(list.stdout, "makeInput\nshout\ncombine\n");
    rmSync(join(project, "all.upper"));
    const why = await ruff(["why", "pipeline.ts", "all.upper"], project);
    assertExit(why, 0);
    assert.equal(why.stdout, "Task 'starter::combine': 1 job will run\n    Job  = [[a.upper, b.upper] -> all.upper]\n        because output all.upper does not exist\n");
  });

  test("decorator style, a function receiving the API, a .mjs file, -j 2 and arguments after --", async () => {
    const dir = emptyWorkDir();
    for (const f of ["decorators.ts", "function-style.ts", "plain.mjs", "args.ts", "concurrent.ts"]) copyFileSync(join(FIXTURES, f), join(dir, f));
    for (const f of ["decorators.ts", "function-style.ts", "plain.mjs"]) assertExit(await ruff([f, "-v", "0"], dir), 0);
    assert.equal(read(dir, "forest.txt"), "x.tree\ny.tree\n");
    assert.equal(read(dir, "one.two"), "2\n");
    assert.equal(read(dir, "q.js2"), "js2\n");
    assertExit(await ruff(["args.ts", "--checksum-file-name", "args.db", "--", "x", "-n"], dir), 0);
    assert.deepEqual(JSON.parse(read(dir, "args.json")), ["x", "-n"]);
    assertExit(await ruff(["-j", "2", "concurrent.ts", "--checksum-file-name", "c.db"], dir), 0);
    const seen = ["c1.out", "c2.out", "c3.out", "c4.out"].map((f) => Number(read(dir, f)));
    assert.equal(Math.max(...seen), 2, `jobs seen running at once: ${seen}`);
  });

  test("a failing job exits 1; a syntax error exits 2 at file:line:column with no internal stack", async () => {
    const dir = emptyWorkDir();
    copyFileSync(join(FIXTURES, "failing.ts"), join(dir, "failing.ts"));
    const fail = await ruff(["failing.ts"], dir);
    assertExit(fail, 1);
    assert.ok(fail.stderr.includes("'Error(boom: cannot check bad.num)' raised in ...") && fail.stderr.includes("Job  = [bad.num -> bad.checked]"), fail.stderr);
    writeFileSync(join(dir, "broken.ts"), 'import { Pipeline } from "ruffus";\nconst p = new Pipeline("x");\nconst q = {;\nexport default p;\n');
    const broken = await ruff(["broken.ts"], dir);
    assertExit(broken, 2);
    assert.match(broken.stderr, new RegExp(`^ruff: ${dir}/broken\\.ts:3:\\d+: `));
    assert.doesNotMatch(broken.stderr, /\$bunfs|node_modules|src\/core/);
  });

  test("startup time of ruff --version (printed, not asserted)", async (t) => {
    const dir = emptyWorkDir();
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await ruff(["--version"], dir);
      assertExit(r, 0);
      times.push(r.ms);
    }
    times.sort((a, b) => a - b);
    const median = (times[4] + times[5]) / 2;
    t.diagnostic(`ruff --version: median ${median.toFixed(1)} ms over 10 runs (min ${times[0].toFixed(1)}, max ${times[9].toFixed(1)})`);
    console.log(`# ruff --version startup: median ${median.toFixed(1)} ms over 10 runs`);
  });
});
