/**
 * The `ruff` command line, run as a real process in temporary directories: from source on Node
 * (the package's `bin` entry, which registers tsx), and the key cases again under Bun and Deno.
 * Fixture pipelines live in test/cli/fixtures/ and are copied into each test's directory.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { assertWellFormedXml, PNG_SIGNATURE, NODE } from "../helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
const MAIN = join(REPO, "src/cli/main.ts");

type Runtime = "node" | "node-import" | "bun" | "deno";

/** How each runtime starts the command line from source. */
function command(runtime: Runtime): string[] {
  switch (runtime) {
    case "node":
      // What `npx ruff` runs: the package's bin entry (registers tsx itself).
      return [NODE, join(REPO, PKG.bin.ruff)];
    case "node-import":
      return [NODE, "--import", pathToFileURL(join(REPO, "node_modules/tsx/dist/loader.mjs")).href, MAIN];
    case "bun":
      return [join(REPO, "node_modules/.bin/bun"), MAIN];
    case "deno":
      return [join(REPO, "node_modules/.bin/deno"), "run", "-A", MAIN];
  }
}

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called once the process is started (e.g. to signal it later). */
  started?: (pid: number) => void;
}

/** Paths that only show when ruffus's own stack frames leak into a message meant for the user. */
const INTERNAL = /src\/core|src\/cli|src\/exec|node_modules|\$bunfs|ext:deno|ext:core/;

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...extra };
  for (const k of ["NODE_TEST_CONTEXT", "FORCE_COLOR", "NODE_OPTIONS", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
  return env;
}

/** Runs `ruff args...` and collects everything it printed. */
function ruff(runtime: Runtime, args: string[], o: RunOptions): Promise<Result> {
  const [exe, ...pre] = command(runtime);
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...pre, ...args], { cwd: o.cwd, env: childEnv(o.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ruff ${args.join(" ")} (${runtime}) did not finish in ${o.timeoutMs ?? 30000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, o.timeoutMs ?? 30000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (child.pid !== undefined) o.started?.(child.pid);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Shows what the process printed when an exit status is not the expected one. */
function assertExit(r: Result, code: number): void {
  assert.equal(r.code, code, `exit status ${r.code} (expected ${code})\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A new temp directory holding copies of the named fixtures (and a package.json when asked). */
function workdir(fixtures: string[], packageJson?: object): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruff-cli-")));
  tempDirs.push(dir);
  for (const f of fixtures) copyFileSync(join(FIXTURES, f), join(dir, f));
  if (packageJson) writeFileSync(join(dir, "package.json"), JSON.stringify(packageJson));
  return dir;
}

const read = (dir: string, f: string): string => readFileSync(join(dir, f), "utf8");
const calls = (dir: string): string[] => (existsSync(join(dir, "calls.log")) ? read(dir, "calls.log").split("\n").filter(Boolean).sort() : []);
const listing = (dir: string): string[] => readdirSync(dir).sort();

const CHAIN_ALL_CALLS = [
  "lonely lonely.txt",
  "makeStart a.start",
  "makeStart b.start",
  "summarise all.summary",
  "toUpper a.upper",
  "toUpper b.upper",
];

const CHAIN_PRINTOUT_FRESH =
  "\n________________________________________\nTasks which will be run:\n\n" +
  "Task = 'chain::makeStart'\nTask = 'chain::toUpper'\nTask = 'chain::summarise'\nTask = 'chain::lonely'\n" +
  "________________________________________\n";

const CHAIN_PRINTOUT_DONE =
  "\n________________________________________\nTasks which are up-to-date:\n\n\n" +
  "Task = 'chain::makeStart'\nTask = 'chain::toUpper'\nTask = 'chain::summarise'\nTask = 'chain::lonely'\n" +
  "________________________________________\n\n\n\n________________________________________\nTasks which will be run:\n\n" +
  "________________________________________\n";

const SYNTAX_ERROR = 'import { Pipeline } from "ruffus";\nconst p = new Pipeline("x");\nconst q = {;\nexport default p;\n';

const TOP_LEVEL_AWAIT =
  'import { writeFileSync } from "node:fs";\nimport { Pipeline } from "ruffus";\n' +
  "const n = await Promise.resolve(7);\n" +
  'const p = new Pipeline("tla");\np.originate({ task: function make(o: string) { writeFileSync(o, String(n)); }, output: "n.txt" });\n' +
  "export default p;\n";

const HELP_ITEMS = [
  "-T, --target-tasks <task>", "--forced-tasks <task>", "-j, --jobs <n>", "--use-threads", "-n, --just-print", "--touch-files-only",
  "--recreate-database", "--checksum-file-name <file>", "--checksum-level <n>", "--flowchart <file>", "--flowchart-format <format>",
  "--draw-graph-horizontally", "--key-legend-in-graph", "-v, --verbose [level]", "-L, --log-file <file>", "--json", "--version", "-h, --help",
  "ruff init [dir]", "ruff list <pipeline.ts>", "ruff why <pipeline.ts> <task or file>",
];

const BAD_REGEX =
  'import { Pipeline, regex } from "ruffus";\nconst p = new Pipeline("pat");\n' +
  'const a = p.originate({ task: function a(o: string) { void o; }, output: "a.x" });\n' +
  'p.transform({ task: function b(i: string, o: string) { void i; void o; }, input: a, filter: regex("(unclosed"), output: "b.y" });\n' +
  "export default p;\n";

/**
 * `<name>`: pipeline "<stem>" of two tasks, `make` (originating a.txt) and `use`, a transform with the
 * given arguments (`a` is make): the transform is on line 4.
 */
function writePipeline(dir: string, name: string, imports: string, useArgs: string): void {
  writeFileSync(join(dir, name), [
    `import { Pipeline, ${imports} } from "ruffus";`,
    `const p = new Pipeline("${name.replace(/\.ts$/, "")}");`,
    'const a = p.originate({ task: function make(o: string) { void o; }, output: "a.txt" });',
    `p.transform({ task: function use(i: string, o: string) { void i; void o; }, ${useArgs} });`,
    "void a;\nexport default p;",
    "",
  ].join("\n"));
}

const seenRunning = (dir: string): number[] => ["c1.out", "c2.out", "c3.out", "c4.out"].map((f) => Number(read(dir, f)));

// ---------------------------------------------------------------------------------------------
// Node (from source) is the main runtime: every option, subcommand and error below runs there.
// Bun starts about five times faster, so the long tables (every underscore spelling, every
// verbosity form) and the checks that do not depend on the runtime run under Bun; then the key
// cases run again under Bun and Deno.

describe("ruff command line", { concurrency: 3 }, () => {
  describe("Node: running a pipeline", { concurrency: 2 }, () => {
    test("runs every out-of-date job, logs Ruffus's task lines to stderr and nothing to stdout; a second run does nothing", async () => {
      const dir = workdir(["chain.ts"]); // no package.json: tsx compiles the file as CommonJS
      const r = await ruff("node", ["chain.ts"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(r.stdout, "");
      for (const t of ["makeStart", "toUpper", "summarise", "lonely"]) {
        assert.ok(r.stderr.includes(`Task enters queue = 'chain::${t}' \n`), r.stderr);
        assert.ok(r.stderr.includes(`Completed Task = 'chain::${t}' \n`), r.stderr);
      }
      assert.equal(r.stderr.includes("Job  ="), false, "verbosity 1 without -v");
      assert.deepEqual(calls(dir), CHAIN_ALL_CALLS);
      assert.equal(read(dir, "all.summary"), "HELLO FROM A.START\nHELLO FROM B.START\n");
      assert.ok(existsSync(join(dir, ".ruffus_history.sqlite")));

      const again = await ruff("node", ["chain.ts"], { cwd: dir });
      assertExit(again, 0);
      assert.equal(again.stdout, "");
      assert.equal(again.stderr.includes("Task enters queue"), false, again.stderr);
      assert.ok(again.stderr.includes("Tasks which are up-to-date:"), again.stderr);
      assert.deepEqual(calls(dir), CHAIN_ALL_CALLS, "nothing ran the second time");
    });

    test("-T runs only the target's ancestry; --forced-tasks reruns a task and what follows it", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["-T", "toUpper", "chain.ts"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), ["makeStart a.start", "makeStart b.start", "toUpper a.upper", "toUpper b.upper"]);
      assert.equal(existsSync(join(dir, "all.summary")), false);
      assert.equal(existsSync(join(dir, "lonely.txt")), false);
      rmSync(join(dir, "calls.log"));
      const forced = await ruff("node", ["--forced-tasks", "toUpper", "chain.ts", "-T", "summarise"], { cwd: dir });
      assertExit(forced, 0);
      assert.deepEqual(calls(dir), ["summarise all.summary", "toUpper a.upper", "toUpper b.upper"]);
      assert.ok(forced.stderr.includes("Task enters queue = 'chain::toUpper' : Forced to rerun\n"), forced.stderr);
      assert.ok(forced.stderr.includes("Tasks which are up-to-date:\n\n\nTask = 'chain::makeStart'  \n"), forced.stderr);
    });

    test("-j 2 runs two jobs at once and never more", async () => {
      const dir = workdir(["concurrent.ts"]);
      assertExit(await ruff("node", ["-j", "2", "concurrent.ts"], { cwd: dir }), 0);
      assert.equal(Math.max(...seenRunning(dir)), 2, `jobs seen running at once: ${seenRunning(dir)}`);
    });

    test('-j 2 in a "type": "module" package', async () => {
      const dir = workdir(["concurrent.ts"], { type: "module" });
      assertExit(await ruff("node", ["concurrent.ts", "--jobs=2"], { cwd: dir }), 0);
      assert.equal(Math.max(...seenRunning(dir)), 2, `jobs seen running at once: ${seenRunning(dir)}`);
    });

    test("--use-threads with --jobs 2 runs two jobs at once and never more", async () => {
      const dir = workdir(["concurrent.ts"]);
      assertExit(await ruff("node", ["concurrent.ts", "--use_threads", "--jobs", "2"], { cwd: dir }), 0);
      assert.equal(Math.max(...seenRunning(dir)), 2, `jobs seen running at once: ${seenRunning(dir)}`);
    });

    test("--touch-files-only touches the outputs without calling the task functions, and records them", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--touch-files-only"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), []);
      for (const f of ["a.start", "b.start", "a.upper", "b.upper", "all.summary", "lonely.txt"]) assert.equal(statSync(join(dir, f)).size, 0, f);
      assert.equal((await ruff("node", ["chain.ts", "-n"], { cwd: dir })).stdout, CHAIN_PRINTOUT_DONE, "the touched files are up to date");
    });

    test("--recreate-database records the files on disk without running anything", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts"], { cwd: dir }), 0);
      rmSync(join(dir, ".ruffus_history.sqlite"));
      rmSync(join(dir, "calls.log"));
      assertExit(await ruff("node", ["chain.ts", "--recreate_database"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), []);
      assert.ok(existsSync(join(dir, ".ruffus_history.sqlite")));
      assert.equal((await ruff("node", ["chain.ts", "-n"], { cwd: dir })).stdout, CHAIN_PRINTOUT_DONE, "everything is up to date again");
    });

    test("--checksum-file-name writes the history to that file", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--checksum-file-name", "hist.sqlite"], { cwd: dir }), 0);
      assert.ok(existsSync(join(dir, "hist.sqlite")));
      assert.equal(existsSync(join(dir, ".ruffus_history.sqlite")), false);
      rmSync(join(dir, "calls.log"));
      assertExit(await ruff("node", ["chain.ts", "--checksum_file_name=hist.sqlite"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), [], "up to date according to hist.sqlite");
    });

    test("--checksum-level 0 goes by file times only and writes no history", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--checksum-level", "0"], { cwd: dir }), 0);
      assert.equal(existsSync(join(dir, ".ruffus_history.sqlite")), false);
      assert.deepEqual(calls(dir), CHAIN_ALL_CALLS);
      const plan = JSON.parse((await ruff("node", ["chain.ts", "--checksum_level=0", "-n", "--json"], { cwd: dir })).stdout) as { checksumLevel: number; tasks: { state: string }[] };
      assert.equal(plan.checksumLevel, 0);
      assert.deepEqual(plan.tasks.map((t) => t.state), ["uptodate", "uptodate", "uptodate", "uptodate"]);
    });

    test("arguments after -- reach pipelineArgs() and are not taken as options; a stray argument is refused", async () => {
      const dir = workdir(["args.ts"]);
      const r = await ruff("node", ["args.ts", "-v", "0", "--", "x", "--y", "-v", "-n", "--", "z"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(r.stderr, "");
      assert.deepEqual(JSON.parse(read(dir, "args.json")), ["x", "--y", "-v", "-n", "--", "z"]);
      const stray = await ruff("node", ["args.ts", "extra"], { cwd: dir });
      assertExit(stray, 2);
      assert.equal(stray.stderr, "ruff: Unexpected argument 'extra'. Arguments for the pipeline itself go after --: ruff args.ts -- extra\n");
    });

    test("SIGINT stops the run with 130 and SIGTERM with 143, naming the running job (on stderr and in the -L file)", async () => {
      await Promise.all(
        ([["SIGINT", 130], ["SIGTERM", 143]] as const).map(async ([sig, code]) => {
          const dir = workdir(["slow.ts"]);
          let pid = 0;
          const running = ruff("node", ["slow.ts", "-L", "logs/run.log"], { cwd: dir, started: (p) => (pid = p) });
          const until = Date.now() + 20000;
          while (!existsSync(join(dir, "running.marker")) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
          process.kill(pid, sig);
          const r = await running;
          assertExit(r, code);
          assert.ok(r.stderr.includes(`interrupted by ${sig}`), r.stderr);
          assert.ok(r.stderr.includes("slow::wait: Job  = [None -> slow.out]"), r.stderr);
          assert.equal(existsSync(join(dir, "slow.out")), false);
          // The log file (its directory made for it) has the run up to the interruption.
          const log = read(dir, "logs/run.log");
          assert.match(log, /^ \d\d:\d\d:\d\d - Task enters queue = 'slow::wait'$/m);
          assert.match(log, new RegExp(`^ \\d\\d:\\d\\d:\\d\\d - ruffus: interrupted by ${sig}\\. These jobs were running; .*\\n    slow::wait: Job  = \\[None -> slow\\.out\\]$`, "m"));
        }),
      );
    });
  });

  describe("Node: -n, --json and flowcharts", { concurrency: 2 }, () => {
    test("-n prints the task list to stdout (verbosity 1 without -v), runs nothing and writes no history", async () => {
      const dir = workdir(["chain.ts"]);
      const r = await ruff("node", ["-n", "chain.ts"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(r.stdout, CHAIN_PRINTOUT_FRESH);
      assert.equal(r.stderr, "");
      assert.deepEqual(listing(dir), ["chain.ts"]);
    });

    test("-n -v 3 lists the jobs", async () => {
      const dir = workdir(["chain.ts"]);
      const r = await ruff("node", ["chain.ts", "--just_print", "-v", "3", "-T", "toUpper"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(
        r.stdout,
        "\n________________________________________\nTasks which will be run:\n\n" +
          "Task = 'chain::makeStart'\n" +
          "       Job  = [None\n             -> a.start]\n         Job needs update\n" +
          "       Job  = [None\n             -> b.start]\n         Job needs update\n\n" +
          "Task = 'chain::toUpper'\n    \"Shouts the start file\"\n" +
          "       Job  = [a.start\n             -> a.upper]\n         Job needs update\n" +
          "       Job  = [b.start\n             -> b.upper]\n         Job needs update\n\n" +
          "________________________________________\n",
      );
      assert.deepEqual(listing(dir), ["chain.ts"]);
    });

    test("-n --json prints the plan, schema ruffus-plan/1", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "-T", "makeStart"], { cwd: dir }), 0);
      const r = await ruff("node", ["chain.ts", "-n", "--json"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(r.stderr, "");
      const doc = JSON.parse(r.stdout) as Record<string, unknown> & { tasks: Record<string, unknown>[] };
      assert.deepEqual(Object.keys(doc).sort(), ["checksumLevel", "pipeline", "schema", "tasks"]);
      assert.equal(doc.schema, "ruffus-plan/1");
      assert.equal(doc.pipeline, "chain");
      assert.equal(doc.checksumLevel, 1);
      assert.deepEqual(doc.tasks.map((t) => [t.name, t.state, t.jobCount]), [
        ["chain::makeStart", "uptodate", 2],
        ["chain::toUpper", "run", 2],
        ["chain::summarise", "run", 1],
        ["chain::lonely", "run", 1],
      ]);
      assert.deepEqual(doc.tasks[0], {
        name: "chain::makeStart", state: "uptodate", forced: false, active: true, jobCount: 2, jobs: [], matchFailures: [], warnings: [],
      });
      assert.deepEqual(doc.tasks[1], {
        name: "chain::toUpper",
        state: "run",
        forced: false,
        active: true,
        jobCount: 2,
        jobs: [
          {
            description: "Job  = [a.start -> a.upper]", input: "a.start", output: "a.upper", extras: [], needsUpdate: true,
            reason: { kind: "missing-output", files: ["a.upper"], message: "Output a.upper does not exist.", ruffus: "...\n        Missing file [a.upper]" },
          },
          {
            description: "Job  = [b.start -> b.upper]", input: "b.start", output: "b.upper", extras: [], needsUpdate: true,
            reason: { kind: "missing-output", files: ["b.upper"], message: "Output b.upper does not exist.", ruffus: "...\n        Missing file [b.upper]" },
          },
        ],
        matchFailures: [],
        warnings: [],
      });
      const summarise = (doc.tasks[2].jobs as Record<string, unknown>[])[0];
      assert.deepEqual(summarise.input, ["a.upper", "b.upper"]);
      assert.equal(summarise.output, "all.summary");
    });

    test("-n --json and why --json give each job the same reason; a message starting with a file name keeps its case", async () => {
      const dir = workdir(["chain.ts"]);
      type Reason = { kind: string; files: string[]; message: string };
      type WhyJob = { task: string; job: string; kind: string; files: string[]; explanation: string };
      /** The plan's reasons, checked against why --json's for every task. */
      const reasons = async (): Promise<string[]> => {
        const plan = JSON.parse((await ruff("node", ["chain.ts", "-n", "--json"], { cwd: dir })).stdout) as { tasks: { name: string; jobs: { description: string; reason: Reason }[] }[] };
        const planned = plan.tasks.flatMap((t) => t.jobs.map((j) => ({ task: t.name, job: j.description, ...j.reason })));
        let compared = 0;
        for (const task of ["makeStart", "toUpper", "summarise", "lonely"]) {
          const why = JSON.parse((await ruff("node", ["why", "chain.ts", task, "--json"], { cwd: dir })).stdout) as { tasks: { jobs: WhyJob[] }[] };
          for (const j of why.tasks.flatMap((t) => t.jobs)) {
            const p = planned.find((x) => x.task === j.task && x.job === j.job);
            assert.ok(p, `${j.task} ${j.job} is in the plan`);
            assert.deepEqual([p.kind, p.files], [j.kind, j.files]);
            assert.equal(p.message.replace(/^./, (c) => c.toLowerCase()), j.explanation + ".");
            compared++;
          }
        }
        assert.equal(compared, planned.length);
        return planned.map((j) => j.message);
      };
      assert.deepEqual(await reasons(), [
        "Output a.start does not exist.", "Output b.start does not exist.", "Output a.upper does not exist.", "Output b.upper does not exist.",
        "Output all.summary does not exist.", "Output lonely.txt does not exist.",
      ]);
      assertExit(await ruff("node", ["chain.ts", "-v", "0"], { cwd: dir }), 0);
      const future = Date.now() / 1000 + 60;
      utimesSync(join(dir, "b.upper"), future, future);
      assert.deepEqual(await reasons(), ["all.summary is not newer than its input b.upper."]);
      rmSync(join(dir, ".ruffus_history.sqlite"));
      const unrecorded = (f: string): string => `${f} exists but is not recorded as completed in the history (left over from a failed or interrupted run?).`;
      assert.deepEqual(await reasons(), ["a.start", "b.start", "a.upper", "b.upper", "all.summary", "lonely.txt"].map(unrecorded));
    });

    /** What the library draws for the chain fixture in an empty directory. */
    /**
     * Node ids count every task the process made (as in Ruffus); a test runner that runs many files
     * in one process (bun test) has made others before. Numbered by first appearance, ids compare.
     */
    function renumbered(dot: string): string {
      const ids = new Map<string, string>();
      return dot.replace(/\bt(\d+)\b/g, (m) => {
        if (!ids.has(m)) ids.set(m, `t${ids.size}`);
        return ids.get(m) as string;
      });
    }

    async function libraryDot(options: { drawVertically?: boolean; noKeyLegend?: boolean }): Promise<string> {
      const empty = realpathSync(mkdtempSync(join(tmpdir(), "ruff-cli-dot-")));
      tempDirs.push(empty);
      const old = process.cwd();
      try {
        process.chdir(empty);
        const { default: p } = await import("./fixtures/chain.ts");
        return String(await p.printoutGraph({ format: "dot", ...options }));
      } finally {
        process.chdir(old);
      }
    }

    test("--flowchart x.dot is what printoutGraph({ format: 'dot', noKeyLegend: true }) gives; nothing runs", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--flowchart", "x.dot"], { cwd: dir }), 0);
      assert.deepEqual(listing(dir), ["chain.ts", "x.dot"]);
      const expected = await libraryDot({ noKeyLegend: true });
      assert.ok(expected.includes('label="makeStart"'), expected);
      assert.equal(renumbered(read(dir, "x.dot")), renumbered(expected));
    });

    test("--draw-graph-horizontally and --key-legend-in-graph: printoutGraph({ drawVertically: false, noKeyLegend: false })", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--flowchart", "hk.dot", "--draw_graph_horizontally", "--key_legend_in_graph"], { cwd: dir }), 0);
      const expected = await libraryDot({ drawVertically: false, noKeyLegend: false });
      assert.ok(expected.includes('rankdir="LR";') && expected.includes('label = "Key:";'), expected);
      assert.equal(renumbered(read(dir, "hk.dot")), renumbered(expected));
    });

    test("--flowchart x.svg is well-formed SVG naming every task", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--flowchart", "x.svg"], { cwd: dir }), 0);
      const svg = read(dir, "x.svg");
      assert.equal(assertWellFormedXml(svg), "svg");
      for (const t of ["makeStart", "toUpper", "summarise", "lonely"]) assert.ok(svg.includes(`>${t}</text>`), t);
      assert.deepEqual(calls(dir), []);
    });

    test("--flowchart x.png has a PNG header", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("node", ["chain.ts", "--flowchart", "x.png"], { cwd: dir }), 0);
      const png = readFileSync(join(dir, "x.png"));
      assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
      assert.equal(png.subarray(12, 16).toString("latin1"), "IHDR");
    });

  });

  describe("Node: verbosity and logs", { concurrency: 2 }, () => {
    test("Ruffus's repeated -v forms (with N:M path abbreviation) reach the printout", async () => {
      // deep.ts after `-T makeDeep`: printouts differ at every level, and path abbreviation shows.
      const dir = workdir(["deep.ts"]);
      assertExit(await ruff("node", ["deep.ts", "-T", "makeDeep", "-v", "0"], { cwd: dir }), 0);
      const printout = async (verbosity: string[]): Promise<string> => {
        const r = await ruff("node", ["deep.ts", "-n", ...verbosity], { cwd: dir });
        assertExit(r, 0);
        return r.stdout;
      };
      // -v -v 5:3 -v -v 2:5 -v acts as -v 3:5: jobs listed (level 3, not 4: no reasons), whole relative paths (5 parts).
      const form = await printout(["-v", "-v", "5:3", "-v", "-v", "2:5", "-v"]);
      assert.ok(form.includes("Task = 'deep::copyDeep'\n    \"Copies a deep file\"\n       Job  = [d1/d2/d3/d4/d5/deep.txt\n             -> d1/d2/d3/d4/d5/deep.copy]\n         Job needs update\n"), form);
      assert.equal(form.includes("Missing file"), false, form);
      assert.equal(form.includes("Tasks which are up-to-date"), false, "level 3 does not list up-to-date tasks");
    });

    test("the run log on stderr follows the verbosity level", async () => {
      const log = async (verbosity: string[]): Promise<{ dir: string; err: string }> => {
        const dir = workdir(["chain.ts"]);
        const r = await ruff("node", ["chain.ts", "-T", "toUpper", ...verbosity], { cwd: dir });
        assertExit(r, 0);
        assert.equal(r.stdout, "");
        return { dir, err: r.stderr };
      };
      const [v0, v2, v30] = await Promise.all([["-v", "0"], ["-vv"], ["-v", "3:0"]].map(log));
      assert.equal(v0.err, "");
      assert.ok(v2.err.includes("Task enters queue = 'chain::toUpper' \n    Shouts the start file\nCompleted Task = 'chain::toUpper' \n"), v2.err);
      assert.equal(v2.err.includes("Job  ="), false, v2.err);
      assert.ok(v30.err.includes(`    Job  = [${v30.dir}/a.start -> ${v30.dir}/a.upper]\n`), v30.err);
      assert.ok(v30.err.includes(`    Job  = [${v30.dir}/a.start -> ${v30.dir}/a.upper] completed\n`), v30.err);
      assert.equal(v30.err.includes("Missing file"), false, "reasons start at level 4");
    });

    test("-L writes the log to a file (appending, Ruffus's format) as well as to stderr", async () => {
      const dir = workdir(["chain.ts"]);
      const r = await ruff("node", ["chain.ts", "-T", "makeStart", "-L", "run.log"], { cwd: dir });
      assertExit(r, 0);
      const first = read(dir, "run.log");
      const date = new Date().toISOString().slice(0, 10);
      assert.ok(first.startsWith(`\n${date} chain\n`), JSON.stringify(first.slice(0, 40)));
      assert.match(first, /^ \d\d:\d\d:\d\d - Task enters queue = 'chain::makeStart'$/m);
      assert.match(first, /^ \d\d:\d\d:\d\d - Completed Task = 'chain::makeStart'$/m);
      assert.ok(r.stderr.includes("Completed Task = 'chain::makeStart'"), r.stderr);
      const r2 = await ruff("node", ["chain.ts", "-T", "lonely", "--log_file=run.log", "-v", "0"], { cwd: dir });
      assertExit(r2, 0);
      assert.equal(r2.stderr, "");
      const second = read(dir, "run.log");
      assert.ok(second.startsWith(first), "the log file is appended to");
      assert.match(second.slice(first.length), /^ \d\d:\d\d:\d\d - Completed Task = 'chain::lonely'$/m);
    });
  });

  describe("Node: version, help, loaders", { concurrency: 2 }, () => {
    test("--version prints the package version", async () => {
      const r = await ruff("node", ["--version"], { cwd: workdir([]) });
      assertExit(r, 0);
      assert.equal(r.stdout, `ruff ${PKG.version}\n`);
      assert.equal(r.stderr, "");
    });

    test("--help prints the usage and every option to stdout", async () => {
      const r = await ruff("node", ["--help"], { cwd: workdir([]) });
      assertExit(r, 0);
      assert.equal(r.stderr, "");
      assert.ok(r.stdout.startsWith(`ruff ${PKG.version}: runs Ruffus-style pipelines written in TypeScript.\n\nUsage:\n  ruff [options] <pipeline.ts> [-- pipeline arguments]  `), r.stdout);
      for (const o of HELP_ITEMS) assert.ok(r.stdout.includes(o), `help mentions ${o}`);
      // Not cac's defaults: no command named [pipeline], no "run any command with --help" list.
      assert.doesNotMatch(r.stdout, /\[pipeline\]|For more info/);
      assert.ok(r.stdout.endsWith(".\n") && !r.stdout.endsWith("\n\n"), JSON.stringify(r.stdout.slice(-40)));
    });

    test("ruff <command> --help prints that command's usage and options", async () => {
      const dir = workdir([]);
      const [init, list, why] = await Promise.all(["init", "list", "why"].map((c) => ruff("node", [c, "--help"], { cwd: dir })));
      assert.equal(init.stdout, "Usage: ruff init [dir]\n\nWrite a starter pipeline.ts, its types, tsconfig.json and deno.json into dir (default: here); existing files are kept.\n");
      assert.equal(list.stdout, "Usage: ruff list <pipeline.ts> [-- pipeline arguments]\n\nPrint the pipeline's task names, one per line.\n");
      assert.ok(why.stdout.startsWith("Usage: ruff why <pipeline.ts> <task or file> [options] [-- pipeline arguments]\n\nSay why each out-of-date job"), why.stdout);
      assert.match(why.stdout, /^Options:\n  --forced-tasks <task> .*\n(  .*\n){3}  --json  +With -n or why: print JSON\n$/m);
      assert.doesNotMatch(why.stdout, /--flowchart/);
      for (const r of [init, list, why]) assertExit(r, 0);
    });

    test("`node --import tsx src/cli/main.ts` runs a pipeline too", async () => {
      const dir = workdir(["decorators.ts"]);
      assertExit(await ruff("node-import", ["decorators.ts"], { cwd: dir }), 0);
      assert.equal(read(dir, "forest.txt"), "x.tree\ny.tree\n");
    });
  });

  describe("Node: broken pipelines and failing jobs", { concurrency: 2 }, () => {
    test("a job that throws: exit 1, the error and the job on stderr and in the -L file", async () => {
      const dir = workdir(["failing.ts"]);
      const r = await ruff("node", ["failing.ts", "-L", "run.log"], { cwd: dir });
      assertExit(r, 1);
      assert.ok(r.stderr.includes("ruff: 1 job failed:"), r.stderr);
      assert.ok(r.stderr.includes("'Error(boom: cannot check bad.num)' raised in ..."), r.stderr);
      assert.ok(r.stderr.includes("Task = failing::checkNumber"), r.stderr);
      assert.ok(r.stderr.includes("Job  = [bad.num -> bad.checked]"), r.stderr);
      assert.ok(r.stderr.includes(`${dir}/failing.ts:14:`), "the stack points into the pipeline file");
      assert.equal(r.stdout, "");
      assert.equal(existsSync(join(dir, "bad.checked")), false);
      const log = read(dir, "run.log");
      assert.match(log, /^ \d\d:\d\d:\d\d - ruff: 1 job failed:$/m);
      assert.ok(log.includes("'Error(boom: cannot check bad.num)' raised in ...") && log.includes("Job  = [bad.num -> bad.checked]"), log);
    });

    test("a syntax error in pipeline.ts (CommonJS or ES module): exit 2, file:line:column, no internal stack", async () => {
      await Promise.all(
        [undefined, { type: "module" }].map(async (pkg) => {
          const dir = workdir([], pkg);
          writeFileSync(join(dir, "pipeline.ts"), SYNTAX_ERROR);
          const r = await ruff("node", ["pipeline.ts"], { cwd: dir });
          assertExit(r, 2);
          assert.ok(r.stderr.startsWith(`ruff: ${dir}/pipeline.ts:3:12: `), r.stderr);
          assert.ok(r.stderr.includes("The pipeline file could not be compiled."), r.stderr);
          assert.doesNotMatch(r.stderr, INTERNAL);
        }),
      );
    });

    test("a syntax error in a .mjs pipeline names the right line", async () => {
      const dir = workdir([]);
      writeFileSync(join(dir, "pipeline.mjs"), SYNTAX_ERROR);
      const r = await ruff("node", ["pipeline.mjs"], { cwd: dir });
      assertExit(r, 2);
      assert.match(r.stderr, new RegExp(`^ruff: ${dir}/pipeline\\.mjs:3:\\d+: `));
      assert.doesNotMatch(r.stderr, INTERNAL);
    });

    test("an error thrown while loading the pipeline file: exit 2 at the user's line", async () => {
      const dir = workdir([]);
      writeFileSync(join(dir, "pipeline.ts"), 'import { Pipeline } from "ruffus";\nconst p = new Pipeline("x");\nthrow new Error("no config found");\nexport default p;\n');
      const r = await ruff("node", ["pipeline.ts"], { cwd: dir });
      assertExit(r, 2);
      assert.equal(r.stderr, `ruff: ${dir}/pipeline.ts:3:7: no config found\nLoading the pipeline file failed before any task ran.\n`);
    });

    test("a cycle: exit 2 naming the tasks and where they are declared (-n too)", async () => {
      const dir = workdir(["cycle.ts"]);
      for (const args of [["cycle.ts"], ["cycle.ts", "-n"]]) {
        const r = await ruff("node", args, { cwd: dir });
        assertExit(r, 2);
        assert.equal(
          r.stderr,
          "ruff: Circular dependencies found in the pipeline involving one or more of ('cycle::chicken', 'cycle::egg'). " +
            `'cycle::chicken' is declared at ${dir}/cycle.ts:5, 'cycle::egg' is declared at ${dir}/cycle.ts:6. ` +
            "Each of them waits for another (follows() or an input): remove one of those links.\n",
        );
      }
    });

    test("an unknown name in follows() or outputFrom(): the task that refers to it, where, and the closest name", async () => {
      const dir = workdir([]);
      writePipeline(dir, "refs.ts", "outputFrom, suffix", 'input: outputFrom("mkae"), filter: suffix(".x"), output: ".y"');
      writeFileSync(join(dir, "ghost.ts"), 'import { Pipeline } from "ruffus";\nconst p = new Pipeline("g");\np.originate({ name: "make", task: () => {}, output: "a.x" }).follows("ghost");\nexport default p;\n');
      const [refs, refsPlan, ghost] = await Promise.all([["refs.ts"], ["refs.ts", "-n"], ["ghost.ts"]].map((a) => ruff("node", a, { cwd: dir })));
      for (const r of [refs, refsPlan]) {
        assertExit(r, 2);
        assert.equal(r.stderr, `ruff: ${dir}/refs.ts:4: Task 'refs::use': Input task 'mkae' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'make'?\n`);
      }
      assertExit(ghost, 2);
      assert.equal(ghost.stderr, `ruff: ${dir}/ghost.ts:3: Task 'g::make': follows() task 'ghost' is not a pipelined task in ruffus. Is it spelt correctly?\n`);
    });

    test("an output pattern naming a group the regex does not have: one paragraph at plan time (-n, why and a run), exit 2", async () => {
      const dir = workdir([]);
      writePipeline(dir, "sub.ts", "regex", 'input: a, filter: regex("(.*)\\\\.txt"), output: "\\\\2.out"');
      // Ruffus's own message, as one line, before any job runs (Ruffus would run 'make' first).
      const expected = `ruff: ${dir}/sub.ts:4: the pipeline is broken: in task 'sub::use': File 'a.txt' does not match regex('(.*)\\.txt') ` +
        "and pattern '\\2.out': invalid group reference 2 at position 1\n";
      for (const args of [["sub.ts", "-n"], ["sub.ts"], ["why", "sub.ts", "use"]]) {
        const r = await ruff("node", args, { cwd: dir });
        assertExit(r, 2);
        assert.equal(r.stderr, expected, args.join(" "));
      }
      assert.deepEqual(listing(dir), ["sub.ts"], "nothing ran");
    });

    test("an unknown -T task: exit 2 with 'Did you mean'", async () => {
      const dir = workdir(["chain.ts"]);
      const r = await ruff("node", ["chain.ts", "-T", "toUper"], { cwd: dir });
      assertExit(r, 2);
      assert.equal(r.stderr, "ruff: Target task 'toUper' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'toUpper'?\n");
      assert.deepEqual(listing(dir), ["chain.ts"]);
    });

    test("a missing pipeline file: exit 2", async () => {
      const dir = workdir([]);
      const r = await ruff("node", ["nosuch.ts"], { cwd: dir });
      assertExit(r, 2);
      assert.equal(r.stderr, "ruff: No such pipeline file: nosuch.ts\n");
      assert.deepEqual(listing(dir), []);
    });

    test("a declaration error (missing output): exit 2 naming the task, the argument and the line", async () => {
      const dir = workdir(["missing-output.ts"]);
      const r = await ruff("node", ["missing-output.ts"], { cwd: dir });
      assertExit(r, 2);
      assert.ok(r.stderr.startsWith(`ruff: ${dir}/missing-output.ts:7:`), r.stderr);
      assert.ok(r.stderr.includes("Task 'broken::noOutput', argument 'output'"), r.stderr);
      assert.doesNotMatch(r.stderr, INTERNAL);
    });
  });

  describe("Node: pipeline file styles and module kinds", { concurrency: 2 }, () => {
    test("decorator style into the main pipeline (CommonJS and ES module)", async () => {
      await Promise.all(
        [undefined, { type: "module" }].map(async (pkg) => {
          const dir = workdir(["decorators.ts"], pkg);
          const r = await ruff("node", ["decorators.ts"], { cwd: dir });
          assertExit(r, 0);
          assert.ok(r.stderr.includes("Completed Task = 'plant' \n"), r.stderr);
          assert.deepEqual(calls(dir), ["grow x.tree", "grow y.tree", "makeSeed x.seed", "makeSeed y.seed", "plant forest.txt"]);
          assert.equal(read(dir, "x.tree"), "seed\nleafy\n");
        }),
      );
    });

    test("a default-exported function receiving the API", async () => {
      const dir = workdir(["function-style.ts"]);
      const r = await ruff("node", ["function-style.ts"], { cwd: dir });
      assertExit(r, 0);
      assert.deepEqual(calls(dir), ["first one.txt", "second one.two"]);
      assert.ok(r.stderr.includes("Completed Task = 'fromFunction::second' "), r.stderr);
    });

    test("a plain JavaScript .mjs pipeline", async () => {
      const dir = workdir(["plain.mjs"]);
      assertExit(await ruff("node", ["plain.mjs"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), ["copyJs p.js2", "copyJs q.js2", "makeJs p.js1", "makeJs q.js1"]);
    });

    test("top-level await in a pipeline.ts without package.json (works under Bun, Deno and the binary)", async () => {
      const dir = workdir([]);
      writeFileSync(join(dir, "pipeline.ts"), TOP_LEVEL_AWAIT);
      const r = await ruff("node", ["pipeline.ts"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(read(dir, "n.txt"), "7");
    });
  });

  describe("Node: ruff list and ruff why", { concurrency: 2 }, () => {
    test("ruff list prints the task names, one per line", async () => {
      const dir = workdir(["chain.ts"]);
      const r = await ruff("node", ["list", "chain.ts"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(r.stdout, "makeStart\ntoUpper\nsummarise\nlonely\n");
      assert.equal(r.stderr, "");
      assert.deepEqual(listing(dir), ["chain.ts"]);
    });

    test("why: a missing output; up to date; older than an input (asked by file name); not recorded in the history", async () => {
      const dir = workdir(["chain.ts"]);
      const missing = await ruff("node", ["why", "chain.ts", "summarise"], { cwd: dir });
      assertExit(missing, 0);
      assert.equal(missing.stdout, "Task 'chain::summarise': 1 job will run\n    Job  = [[a.upper, b.upper] -> all.summary]\n        because output all.summary does not exist\n");
      assert.deepEqual(listing(dir), ["chain.ts"], "why runs nothing");
      assertExit(await ruff("node", ["chain.ts", "-v", "0"], { cwd: dir }), 0);
      const future = Date.now() / 1000 + 60;
      utimesSync(join(dir, "b.upper"), future, future);
      const older = await ruff("node", ["why", "chain.ts", "all.summary"], { cwd: dir });
      assertExit(older, 0);
      assert.equal(older.stdout, "Task 'chain::summarise': 1 job will run\n    Job  = [[a.upper, b.upper] -> all.summary]\n        because all.summary is not newer than its input b.upper\n");
      rmSync(join(dir, ".ruffus_history.sqlite"));
      const unrecorded = await ruff("node", ["why", "chain.ts", "lonely"], { cwd: dir });
      assertExit(unrecorded, 0);
      assert.equal(
        unrecorded.stdout,
        "Task 'chain::lonely': 1 job will run\n    Job  = [None -> lonely.txt]\n" +
          "        because lonely.txt exists but is not recorded as completed in the history (left over from a failed or interrupted run?)\n",
      );
    });

    test("why --json: schema ruffus-why/1", async () => {
      const dir = workdir(["chain.ts"]);
      const r = await ruff("node", ["why", "chain.ts", "toUpper", "--json"], { cwd: dir });
      assertExit(r, 0);
      assert.deepEqual(JSON.parse(r.stdout), {
        schema: "ruffus-why/1",
        subject: "toUpper",
        tasks: [
          {
            name: "chain::toUpper",
            willRun: true,
            jobs: [
              { task: "chain::toUpper", job: "Job  = [a.start -> a.upper]", needsUpdate: true, kind: "missing-output", files: ["a.upper"], explanation: "output a.upper does not exist" },
              { task: "chain::toUpper", job: "Job  = [b.start -> b.upper]", needsUpdate: true, kind: "missing-output", files: ["b.upper"], explanation: "output b.upper does not exist" },
            ],
          },
        ],
        unmatched: [],
      });
    });
  });

  // -------------------------------------------------------------------------------------------

  describe("Bun: Ruffus's verbosity forms (handle_verbose, ruffus/test/test_cmdline.py)", { concurrency: 4 }, () => {
    const cases: [string[], string][] = [
      [[], "1"],
      [["-v"], "1"],
      [["-vv"], "2"],
      [["-vvv"], "3"],
      [["--verbose"], "1"],
      [["-v", "-v"], "2"],
      [["--verbose", "4"], "4"],
      [["--verbose=5"], "5"],
      [["-v5"], "5"],
      [["-v", "-v", "5", "-v"], "6"],
      [["-v", "-v", "5", "-v", "-v", "4"], "4"],
      [["-v", "-v", "5", "-v", "-v", "4:3"], "4:3"],
      [["-v", "-v", "5:3", "-v", "-v", "7:5", "-v"], "8:5"],
      [["--verbose", "--verbose=5:3", "--verbose", "--verbose=7", "--verbose"], "8:3"],
      [["--verbose", "--verbose=2:3", "--verbose"], "3:3"],
    ];
    let dir = "";
    const canonical = new Map<string, Promise<string>>();
    const printout = async (verbosity: string[]): Promise<string> => {
      const r = await ruff("bun", ["deep.ts", "-n", ...verbosity], { cwd: dir });
      assertExit(r, 0);
      return r.stdout;
    };
    const expected = (canon: string): Promise<string> => {
      if (!canonical.has(canon)) canonical.set(canon, printout(["-v", canon]));
      return canonical.get(canon) as Promise<string>;
    };
    before(async () => {
      dir = workdir(["deep.ts"]);
      assertExit(await ruff("bun", ["deep.ts", "-T", "makeDeep", "-v", "0"], { cwd: dir }), 0);
    });

    test("the printouts at levels 1..7 differ, and so do path abbreviations 2, 3 and 5", async () => {
      const outs = await Promise.all(["1", "2", "3", "4", "5", "6", "7", "3:3", "3:5"].map(expected));
      assert.equal(new Set(outs).size, outs.length);
      assert.ok(outs[2].includes("Job  = [.../d5/deep.txt\n"), outs[2]);
      assert.ok(outs[7].includes("Job  = [.../d4/d5/deep.txt\n"), outs[7]);
    });

    for (const [form, canon] of cases) {
      test(`${form.join(" ") || "(no -v)"} acts as -v ${canon}`, async () => {
        assert.equal(await printout(form), await expected(canon));
      });
    }

    test("a bad verbosity value is a usage error", async () => {
      const r = await ruff("bun", ["deep.ts", "--verbose=loud"], { cwd: dir });
      assertExit(r, 2);
      assert.equal(r.stderr, "ruff: error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value 'loud'\n");
    });
  });

  describe("Bun: option spellings and forms, usage errors", { concurrency: 4 }, () => {
    // Compared with Ruffus 2.8.4: `-T a,b` is one task named "a,b" ("Target task 'a,b' is not a pipelined task").
    test("--target_tasks=, --target_tasks, --forced_tasks=, --target_t (a prefix); -T a,b is one name, refused with how to give two", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("bun", ["chain.ts", "--target_tasks=chain::makeStart", "--target_t", "lonely"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), ["lonely lonely.txt", "makeStart a.start", "makeStart b.start"]);
      rmSync(join(dir, "calls.log"));
      const comma = await ruff("bun", ["chain.ts", "--forced_tasks=lonely", "-T", "lonely,toUpper"], { cwd: dir });
      assertExit(comma, 2);
      assert.match(comma.stderr, /'lonely,toUpper' is not a pipelined task in ruffus\. Is it spelt correctly\?.*\n-T and --forced-tasks take one task each: write -T lonely -T toUpper\.\n$/s);
      assert.deepEqual(calls(dir), []);
      assertExit(await ruff("bun", ["chain.ts", "--forced_tasks=lonely", "-T", "lonely", "-T", "toUpper"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), ["lonely lonely.txt", "toUpper a.upper", "toUpper b.upper"]);
    });

    test("-T and --target-tasks given together: both count (Ruffus appends to one list)", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("bun", ["chain.ts", "-T", "lonely", "--target-tasks", "makeStart"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), ["lonely lonely.txt", "makeStart a.start", "makeStart b.start"]);
    });

    test("--just_print, --touch_files_only, --use_threads, --jobs=2, -h", async () => {
      const dir = workdir(["chain.ts"]);
      assert.equal((await ruff("bun", ["chain.ts", "--just_print"], { cwd: dir })).stdout, CHAIN_PRINTOUT_FRESH);
      assertExit(await ruff("bun", ["chain.ts", "--touch_files_only", "--use_threads", "--jobs=2"], { cwd: dir }), 0);
      assert.deepEqual(calls(dir), []);
      assert.equal(statSync(join(dir, "all.summary")).size, 0);
      const h = await ruff("bun", ["-h"], { cwd: dir });
      assertExit(h, 0);
      for (const o of HELP_ITEMS) assert.ok(h.stdout.includes(o), `-h mentions ${o}`);
    });

    test("--flowchart_format=, --log_file=, --checksum_file_name, --checksum_level; the default history knows nothing of another", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("bun", ["chain.ts", "--flowchart", "g.out", "--flowchart_format=json"], { cwd: dir }), 0);
      const doc = JSON.parse(read(dir, "g.out")) as { tasks: { name: string }[] };
      assert.deepEqual(doc.tasks.map((t) => t.name), ["chain::makeStart", "chain::toUpper", "chain::summarise", "chain::lonely"]);
      assertExit(await ruff("bun", ["chain.ts", "-T", "lonely", "--log_file=x.log", "--checksum_file_name", "h.db", "--checksum_level", "3"], { cwd: dir }), 0);
      assert.match(read(dir, "x.log"), /Completed Task = 'chain::lonely'/);
      assert.ok(existsSync(join(dir, "h.db")));
      assert.equal(existsSync(join(dir, ".ruffus_history.sqlite")), false);
      const plan = await ruff("bun", ["chain.ts", "-n", "-v", "4", "-T", "lonely"], { cwd: dir });
      assert.ok(plan.stdout.includes("Uncheckpointed file (left over from a failed run?)"), plan.stdout);
    });

    test("other flowchart formats go through the system dot (a PDF here), or say which formats work without it", async () => {
      const dir = workdir(["chain.ts"]);
      const hasDot = spawnSync("sh", ["-c", "command -v dot"]).status === 0;
      const r = await ruff("bun", ["chain.ts", "--flowchart", "x.pdf"], { cwd: dir });
      if (hasDot) {
        assertExit(r, 0);
        assert.equal(readFileSync(join(dir, "x.pdf")).subarray(0, 5).toString("latin1"), "%PDF-");
      } else {
        assertExit(r, 2);
        assert.match(r.stderr, /needs Graphviz's dot program, which is not installed\. Without it these formats work: svg, png, dot, json, html\./);
      }
    });

    test("without -j, one job runs at a time", async () => {
      const dir = workdir(["concurrent.ts"]);
      assertExit(await ruff("bun", ["concurrent.ts"], { cwd: dir, env: { WAIT_MS: "300" } }), 0);
      assert.deepEqual(seenRunning(dir), [1, 1, 1, 1]);
    });

    test("flags work before the pipeline file too", async () => {
      const cases = [
        ["--use-threads", "chain.ts"],
        ["--just-print", "chain.ts"],
        ["--touch-files-only", "chain.ts"],
        ["--recreate-database", "chain.ts"],
        ["--flowchart", "x.dot", "--draw-graph-horizontally", "chain.ts"],
        ["--flowchart", "x.dot", "--key-legend-in-graph", "chain.ts"],
        ["--json", "-n", "chain.ts"],
        ["--use_threads", "chain.ts"],
      ];
      const results = await Promise.all(cases.map((args) => ruff("bun", args, { cwd: workdir(["chain.ts"]) })));
      const failures = results.flatMap((r, i) => (r.code === 0 ? [] : [`ruff ${cases[i].join(" ")} → exit ${r.code}: ${r.stderr.trim()}`]));
      assert.deepEqual(failures, []);
    });

    test("usage errors exit 2: no pipeline, an unknown option, -j 0, --jobs two, --checksum-level high, a directory, a missing file", async () => {
      const dir = workdir(["chain.ts"]);
      const cases: [string[], string][] = [
        [[], "ruff: Which pipeline? Usage: ruff [options] <pipeline.ts>  (ruff --help for more)\n"],
        [["--bogus", "chain.ts"], "ruff: Unknown option '--bogus'. See ruff --help.\n"],
        [["-j", "0", "chain.ts"], "ruff: --jobs must be at least 1.\n"],
        [["--jobs", "two", "chain.ts"], "ruff: --jobs expects a whole number, not 'two'.\n"],
        [["chain.ts", "--checksum-level", "high"], "ruff: --checksum-level expects a whole number, not 'high'.\n"],
        [["."], "ruff: . is a directory; give the pipeline file, e.g. ./pipeline.ts\n"],
        [["nosuch.ts"], "ruff: No such pipeline file: nosuch.ts\n"],
        [["list", "nosuch.ts"], "ruff: No such pipeline file: nosuch.ts\n"],
      ];
      const results = await Promise.all(cases.map(([args]) => ruff("bun", args, { cwd: dir })));
      results.forEach((r, i) => {
        assertExit(r, 2);
        assert.equal(r.stderr, cases[i][1], cases[i][0].join(" "));
      });
      assert.deepEqual(listing(dir), ["chain.ts"]);
    });

    test("a file with no pipeline, a bad regex, an unknown --forced-tasks task: exit 2", async () => {
      const dir = workdir(["chain.ts"]);
      writeFileSync(join(dir, "empty.ts"), "export const answer = 42;\n");
      writeFileSync(join(dir, "badregex.ts"), BAD_REGEX);
      const [empty, bad, forced] = await Promise.all([
        ruff("bun", ["empty.ts"], { cwd: dir }),
        ruff("bun", ["badregex.ts"], { cwd: dir }),
        ruff("bun", ["chain.ts", "-n", "--forced-tasks", "sumarise"], { cwd: dir }),
      ]);
      assertExit(empty, 2);
      assert.ok(empty.stderr.includes("no pipeline found"), empty.stderr);
      assertExit(bad, 2);
      assert.ok(bad.stderr.includes("(unclosed"), bad.stderr);
      assert.doesNotMatch(bad.stderr, /internal error/);
      assertExit(forced, 2);
      assert.equal(forced.stderr, "ruff: Forced to run task 'sumarise' is not a pipelined task in ruffus. Is it spelt correctly? Did you mean 'summarise'?\n");
    });

    test("why: the task function changed (checksum level 2); asking about nothing known is exit 2", async () => {
      const dir = workdir(["chain.ts"]);
      assertExit(await ruff("bun", ["chain.ts", "--checksum-level", "2", "-v", "0"], { cwd: dir }), 0);
      writeFileSync(join(dir, "chain.ts"), read(dir, "chain.ts").replace("hello from", "hi from"));
      const r = await ruff("bun", ["why", "chain.ts", "makeStart", "--checksum-level", "2"], { cwd: dir });
      assertExit(r, 0);
      assert.equal(
        r.stdout,
        "Task 'chain::makeStart': 2 jobs will run\n" +
          "    Job  = [None -> a.start]\n        because the task function changed since a.start was made\n" +
          "    Job  = [None -> b.start]\n        because the task function changed since b.start was made\n",
      );
      const nope = await ruff("bun", ["why", "chain.ts", "nope"], { cwd: dir });
      assertExit(nope, 2);
      assert.equal(nope.stderr, "ruff: 'nope' is neither a task of the pipeline nor an output of any of its jobs. Try: ruff list <pipeline>\n");
    });

    test("why: a regex that matches no input, and a glob that matches no file, with the nearest names", async () => {
      const dir = workdir(["unmatched.ts"]);
      assertExit(await ruff("bun", ["unmatched.ts", "-v", "0"], { cwd: dir }), 0);
      mkdirSync(join(dir, "raw"));
      for (const f of ["raw/lane1.fq", "raw/lane2.fastq.gz"]) writeFileSync(join(dir, f), "");
      const [align, count, json] = await Promise.all([
        ruff("bun", ["why", "unmatched.ts", "align"], { cwd: dir }),
        ruff("bun", ["why", "unmatched.ts", "count"], { cwd: dir }),
        ruff("bun", ["why", "unmatched.ts", "align", "--json"], { cwd: dir }),
      ]);
      assertExit(align, 0);
      assert.equal(
        align.stdout,
        "Task 'unmatched::align': up to date\n" +
          "Task 'unmatched::align': 2 inputs did not match regex(\"(.+)\\\\.fastq$\")\n" +
          "    nearest file names: reads_1.fq, reads_2.fq\n",
      );
      assertExit(count, 0);
      assert.equal(count.stdout, "Task 'unmatched::count': up to date\nTask 'unmatched::count': no file matches raw/*.fastq\n    nearest file names: raw/lane1.fq, raw/lane2.fastq.gz\n");
      assert.deepEqual((JSON.parse(json.stdout) as { unmatched: unknown }).unmatched, [
        { task: "unmatched::align", pattern: 'regex("(.+)\\\\.fastq$")', inputs: ["reads_1.fq", "reads_2.fq"], candidates: ["reads_1.fq", "reads_2.fq"] },
      ]);
    });
  });

  for (const runtime of ["bun", "deno"] as const) {
    describe(`${runtime === "bun" ? "Bun" : "Deno"}: key cases`, { concurrency: 3 }, () => {
      test("export default Pipeline: runs, then has nothing to do", async () => {
        const dir = workdir(["chain.ts"]);
        const r = await ruff(runtime, ["chain.ts"], { cwd: dir });
        assertExit(r, 0);
        assert.equal(r.stdout, "");
        assert.ok(r.stderr.includes("Completed Task = 'chain::summarise' \n"), r.stderr);
        assert.deepEqual(calls(dir), CHAIN_ALL_CALLS);
        assertExit(await ruff(runtime, ["chain.ts"], { cwd: dir }), 0);
        assert.deepEqual(calls(dir), CHAIN_ALL_CALLS);
        assert.equal((await ruff(runtime, ["-n", "chain.ts"], { cwd: dir })).stdout, CHAIN_PRINTOUT_DONE);
      });

      test("-n prints the same printout as on Node; -T limits the run; --forced-tasks reruns", async () => {
        const dir = workdir(["chain.ts"]);
        const r = await ruff(runtime, ["-n", "chain.ts"], { cwd: dir });
        assertExit(r, 0);
        assert.equal(r.stdout, CHAIN_PRINTOUT_FRESH);
        assert.deepEqual(listing(dir), ["chain.ts"]);
        assertExit(await ruff(runtime, ["-T", "toUpper", "chain.ts"], { cwd: dir }), 0);
        assert.deepEqual(calls(dir), ["makeStart a.start", "makeStart b.start", "toUpper a.upper", "toUpper b.upper"]);
        rmSync(join(dir, "calls.log"));
        assertExit(await ruff(runtime, ["--forced-tasks", "makeStart", "-T", "makeStart", "chain.ts"], { cwd: dir }), 0);
        assert.deepEqual(calls(dir), ["makeStart a.start", "makeStart b.start"]);
      });

      test("-n --json has the documented shape", async () => {
        const dir = workdir(["chain.ts"]);
        const r = await ruff(runtime, ["chain.ts", "-n", "--json", "-T", "toUpper"], { cwd: dir });
        assertExit(r, 0);
        const doc = JSON.parse(r.stdout) as { schema: string; pipeline: string; checksumLevel: number; tasks: { name: string; state: string; jobs: { description: string }[] }[] };
        assert.equal(doc.schema, "ruffus-plan/1");
        assert.equal(doc.pipeline, "chain");
        assert.equal(doc.checksumLevel, 1);
        assert.deepEqual(doc.tasks.map((t) => [t.name, t.state, t.jobs.map((j) => j.description)]), [
          ["chain::makeStart", "run", ["Job  = [None -> a.start]", "Job  = [None -> b.start]"]],
          ["chain::toUpper", "run", ["Job  = [a.start -> a.upper]", "Job  = [b.start -> b.upper]"]],
        ]);
      });

      test("decorator style, a function receiving the API, a .mjs file, top-level await", async () => {
        const dir = workdir(["decorators.ts", "function-style.ts", "plain.mjs"]);
        writeFileSync(join(dir, "tla.ts"), TOP_LEVEL_AWAIT);
        for (const f of ["decorators.ts", "function-style.ts", "plain.mjs", "tla.ts"]) assertExit(await ruff(runtime, [f], { cwd: dir }), 0);
        assert.deepEqual(calls(dir), [
          "copyJs p.js2", "copyJs q.js2", "first one.txt", "grow x.tree", "grow y.tree", "makeJs p.js1", "makeJs q.js1",
          "makeSeed x.seed", "makeSeed y.seed", "plant forest.txt", "second one.two",
        ]);
        assert.equal(read(dir, "n.txt"), "7");
      });

      test('"type": "module" package, arguments after --, and -j 2', async () => {
        const dir = workdir(["args.ts", "concurrent.ts"], { type: "module" });
        assertExit(await ruff(runtime, ["args.ts", "--", "a", "-v", "--b=c"], { cwd: dir }), 0);
        assert.deepEqual(JSON.parse(read(dir, "args.json")), ["a", "-v", "--b=c"]);
        assertExit(await ruff(runtime, ["-j", "2", "concurrent.ts"], { cwd: dir }), 0);
        assert.equal(Math.max(...seenRunning(dir)), 2, `jobs seen running at once: ${seenRunning(dir)}`);
      });

      test("a failing job exits 1; a cycle, an unknown target, a declaration error exit 2", async () => {
        // Separate directories: runs sharing a history file wait for each other.
        const dirs = ["failing.ts", "cycle.ts", "chain.ts", "missing-output.ts"].map((f) => workdir([f]));
        const [fail, cycle, target, decl] = await Promise.all(
          [["failing.ts"], ["cycle.ts"], ["chain.ts", "-T", "toUper"], ["missing-output.ts"]].map((a, i) => ruff(runtime, a, { cwd: dirs[i] })),
        );
        assertExit(fail, 1);
        assert.ok(fail.stderr.includes("boom: cannot check bad.num") && fail.stderr.includes("Job  = [bad.num -> bad.checked]"), fail.stderr);
        assertExit(cycle, 2);
        assert.ok(cycle.stderr.includes("('cycle::chicken', 'cycle::egg')"), cycle.stderr);
        assertExit(target, 2);
        assert.ok(target.stderr.includes("Did you mean 'toUpper'?"), target.stderr);
        assertExit(decl, 2);
        assert.ok(decl.stderr.startsWith(`ruff: ${dirs[3]}/missing-output.ts:7:`), decl.stderr);
        assert.ok(decl.stderr.includes("Task 'broken::noOutput', argument 'output'"), decl.stderr);
      });

      test("a syntax error: exit 2 with file:line:column and no internal stack", async () => {
        const dir = workdir([]);
        writeFileSync(join(dir, "pipeline.ts"), SYNTAX_ERROR);
        const r = await ruff(runtime, ["pipeline.ts"], { cwd: dir });
        assertExit(r, 2);
        assert.match(r.stderr, new RegExp(`^ruff: ${dir}/pipeline\\.ts:3:\\d+: `));
        assert.doesNotMatch(r.stderr, INTERNAL);
      });

      test("list, why, and --flowchart svg", async () => {
        const dir = workdir(["chain.ts"]);
        assert.equal((await ruff(runtime, ["list", "chain.ts"], { cwd: dir })).stdout, "makeStart\ntoUpper\nsummarise\nlonely\n");
        const why = await ruff(runtime, ["why", "chain.ts", "summarise"], { cwd: dir });
        assertExit(why, 0);
        assert.equal(why.stdout, "Task 'chain::summarise': 1 job will run\n    Job  = [[a.upper, b.upper] -> all.summary]\n        because output all.summary does not exist\n");
        assertExit(await ruff(runtime, ["chain.ts", "--flowchart", "x.svg"], { cwd: dir }), 0);
        const svg = read(dir, "x.svg");
        assert.equal(assertWellFormedXml(svg), "svg");
        for (const t of ["makeStart", "toUpper", "summarise", "lonely"]) assert.ok(svg.includes(`>${t}</text>`), t);
      });
    });
  }
});
