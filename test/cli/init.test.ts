/**
 * `ruff init [dir]`: the starter project it writes, that it never overwrites the user's files,
 * that the repo's TypeScript type-checks the generated project (and rejects a wrong pipeline),
 * and that the generated pipeline runs. `ruff` runs from source on Node (the package's bin entry),
 * with the generated pipeline also run under Bun and Deno.
 */
import { describe, test, after, before } from "node:test";
import { spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

// `ruff init` run from the sources writes dist/types.json's declarations; a fresh clone has none yet.
before(() => {
  if (existsSync(join(REPO, "dist/types.json"))) return;
  const r = spawnSync("node", ["--import", "tsx", join(REPO, "scripts/dts.ts")], { cwd: REPO, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scripts/dts.ts failed:\n${r.stdout}${r.stderr}`);
});
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { bin: Record<string, string> };
const MAIN = join(REPO, "src/cli/main.ts");
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(exe: string, args: string[], cwd: string): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  for (const k of ["NODE_TEST_CONTEXT", "FORCE_COLOR", "NODE_OPTIONS"]) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${exe} ${args.join(" ")} did not finish in 30 s\n${stdout}\n${stderr}`));
    }, 30000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ruff = (args: string[], cwd: string): Promise<Result> => run(process.execPath, [join(REPO, PKG.bin.ruff), ...args], cwd);
const tsc = (project: string): Promise<Result> => run(process.execPath, [TSC, "-p", "."], project);

function assertExit(r: Result, code: number): void {
  assert.equal(r.code, code, `exit status ${r.code} (expected ${code})\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), "ruff-init-")));
  tempDirs.push(d);
  return d;
}

const read = (dir: string, f: string): string => readFileSync(join(dir, f), "utf8");

/** Runs `ruff init proj` in a new temp dir and returns the project's path. */
async function initProject(): Promise<string> {
  const parent = tempDir();
  const r = await ruff(["init", "proj"], parent);
  assertExit(r, 0);
  return join(parent, "proj");
}

describe("ruff init", { concurrency: 4 }, () => {
  test("writes pipeline.ts, .ruff/types/*.d.ts, tsconfig.json, deno.json, package.json and .gitignore", async () => {
    const parent = tempDir();
    const r = await ruff(["init", "proj"], parent);
    assertExit(r, 0);
    assert.equal(r.stderr, "");
    assert.equal(
      r.stdout,
      "Wrote pipeline.ts, .ruff/types/mod.d.ts, tsconfig.json, deno.json, package.json, .gitignore and the type declarations in .ruff/types/ in proj\n" +
        "Next: cd proj && ruff pipeline.ts\n",
    );
    const dir = join(parent, "proj");
    assert.deepEqual(readdirSync(dir).sort(), [".gitignore", ".ruff", "deno.json", "package.json", "pipeline.ts", "tsconfig.json"]);
    assert.ok(read(dir, "pipeline.ts").includes('from "ruffus"'));
    const types = readdirSync(join(dir, ".ruff/types"), { recursive: true }).map(String);
    for (const f of ["mod.d.ts", "node-fs.d.ts", "core/pipeline.d.ts", "core/task.d.ts", "patterns/indicators.d.ts"]) assert.ok(types.includes(f), f);
    assert.ok(read(dir, ".ruff/types/mod.d.ts").includes("Pipeline"));
    const tsconfig = JSON.parse(read(dir, "tsconfig.json")) as { compilerOptions: { paths: Record<string, string[]>; strict: boolean } };
    assert.deepEqual(tsconfig.compilerOptions.paths, { ruffus: ["./.ruff/types/mod.d.ts"] });
    assert.equal(tsconfig.compilerOptions.strict, true);
    assert.deepEqual(JSON.parse(read(dir, "deno.json")), { imports: { ruffus: "./.ruff/types/mod.d.ts" }, nodeModulesDir: "none" });
    assert.equal((JSON.parse(read(dir, "package.json")) as { type: string }).type, "module");
    assert.ok(read(dir, ".gitignore").split("\n").includes(".ruffus_history.sqlite"));
  });

  test("with no directory, initialises the current one", async () => {
    const dir = tempDir();
    const r = await ruff(["init"], dir);
    assertExit(r, 0);
    assert.ok(existsSync(join(dir, "pipeline.ts")));
    assert.ok(existsSync(join(dir, ".ruff/types/mod.d.ts")));
  });

  test("keeps existing files: a second init does not overwrite the user's pipeline.ts or configuration", async () => {
    const dir = await initProject();
    const mine = 'import { Pipeline } from "ruffus";\n// my own pipeline\nexport default new Pipeline("mine");\n';
    writeFileSync(join(dir, "pipeline.ts"), mine);
    writeFileSync(join(dir, "package.json"), '{ "type": "module", "name": "mine" }\n');
    writeFileSync(join(dir, ".gitignore"), "results/\n");
    const r = await ruff(["init", dir], REPO);
    assertExit(r, 0);
    assert.equal(read(dir, "pipeline.ts"), mine);
    assert.equal(read(dir, "package.json"), '{ "type": "module", "name": "mine" }\n');
    assert.equal(read(dir, ".gitignore"), "results/\n");
    assert.ok(r.stdout.includes("Kept existing pipeline.ts, tsconfig.json, deno.json, package.json, .gitignore\n"), r.stdout);
  });

  test("init into a directory with an unrelated pipeline.ts keeps it, and still writes the rest", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "pipeline.ts"), "// already here\n");
    const r = await ruff(["init", "."], dir);
    assertExit(r, 0);
    assert.equal(read(dir, "pipeline.ts"), "// already here\n");
    for (const f of ["tsconfig.json", "deno.json", "package.json", ".gitignore", ".ruff/types/mod.d.ts"]) assert.ok(existsSync(join(dir, f)), f);
    assert.ok(r.stdout.includes("Kept existing pipeline.ts"), r.stdout);
  });

  test("init beside the user's own tsconfig.json keeps it as it was and says what to add for \"ruffus\"", async () => {
    const dir = tempDir();
    const mine = '{ "compilerOptions": { "strict": false } }\n';
    writeFileSync(join(dir, "tsconfig.json"), mine);
    const r = await ruff(["init", "."], dir);
    assertExit(r, 0);
    assert.equal(read(dir, "tsconfig.json"), mine);
    assert.ok(r.stdout.includes("Kept existing tsconfig.json\n"), r.stdout);
    assert.ok(r.stdout.includes('For types of "ruffus" in your tsconfig.json, add to "compilerOptions": "paths": { "ruffus": ["./.ruff/types/mod.d.ts"] }'), r.stdout);
    assert.ok(!r.stdout.includes("For Deno"), r.stdout);
    // A second init: deno.json is its own (no hint), the tsconfig.json still the user's.
    const again = await ruff(["init", "."], dir);
    assert.ok(again.stdout.includes("For types of"), "the user's tsconfig still lacks it");
    assert.ok(!again.stdout.includes("For Deno"), again.stdout);
  });

  test("the repo's TypeScript type-checks the generated project", async () => {
    const dir = await initProject();
    const r = await tsc(dir);
    assertExit(r, 0);
    assert.equal(r.stdout, "");
  });

  test("a second pipeline using node:fs (sync), node:fs/promises, node:path and process type-checks without @types/node", async () => {
    const dir = await initProject();
    writeFileSync(
      join(dir, "other.ts"),
      `import { existsSync, readFileSync, writeFileSync } from "node:fs";\nimport { readFile } from "node:fs/promises";\nimport { join } from "node:path";\nimport { Pipeline, suffix } from "ruffus";\n` +
        `const p = new Pipeline("other");\n` +
        `p.transform({ task: async (i: string, o: string) => { if (existsSync(i)) writeFileSync(join(process.cwd(), o), readFileSync(i, "utf8") + (await readFile(i, "utf8"))); }, input: "*.txt", filter: suffix(".txt"), output: ".out" });\n` +
        `export default p;\n`,
    );
    const r = await tsc(dir);
    assert.equal(r.stdout, "");
    assertExit(r, 0);
  });

  test("a pipeline with a missing output, a misspelt option or a wrong type fails the type check", async () => {
    const cases: [string, string, RegExp][] = [
      [
        "missing output",
        'const a = p.originate({ task: async function a(o: string) { void o; }, output: "a.x" });\n' +
          'p.transform({ task: async function b(i: string, o: string) { void i; void o; }, input: a, filter: suffix(".x") });\n',
        /^wrong\.ts\(4,\d+\): error TS2741: Property 'output' is missing/m,
      ],
      [
        "misspelt option",
        'const a = p.originate({ task: async function a(o: string) { void o; }, output: "a.x" });\n' +
          'p.transform({ task: async function b(i: string, o: string) { void i; void o; }, input: a, filter: suffix(".x"), ouput: ".y" });\n',
        /^wrong\.ts\(4,\d+\): error TS2561: .*'ouput' does not exist in type 'TransformOptions'/m,
      ],
      [
        "wrong type",
        'p.originate({ task: async function a(o: string) { void o; }, output: "a.x" }).jobsLimit("two");\nvoid suffix;\n',
        /^wrong\.ts\(3,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/m,
      ],
    ];
    await Promise.all(
      cases.map(async ([name, body, expected]) => {
        const dir = await initProject();
        writeFileSync(join(dir, "wrong.ts"), `import { Pipeline, suffix } from "ruffus";\nconst p = new Pipeline("w");\n${body}export default p;\n`);
        const r = await tsc(dir);
        assert.notEqual(r.code, 0, `${name}: tsc accepted it`);
        assert.match(r.stdout, expected, name);
        // Only the wrong file is reported: the starter and the declarations are fine.
        assert.deepEqual(r.stdout.split("\n").filter((l) => /error TS/.test(l) && !l.startsWith("wrong.ts")), [], name);
      }),
    );
  });

  test("the generated pipeline runs (ruff <dir>/pipeline.ts), makes its outputs, then has nothing to do", async () => {
    const dir = await initProject();
    const r = await ruff(["pipeline.ts"], dir);
    assertExit(r, 0);
    assert.equal(r.stdout, "");
    assert.equal(read(dir, "a.txt"), "hello from a.txt\n");
    assert.equal(read(dir, "b.upper"), "HELLO FROM B.TXT\n");
    assert.equal(read(dir, "all.upper"), "HELLO FROM A.TXT\nHELLO FROM B.TXT\n");
    assert.ok(r.stderr.includes("Completed Task = 'starter::combine' \n"), r.stderr);
    const made = statSync(join(dir, "all.upper")).mtimeMs;
    const again = await ruff(["pipeline.ts"], dir);
    assertExit(again, 0);
    assert.equal(again.stderr.includes("Task enters queue"), false, again.stderr);
    assert.equal(statSync(join(dir, "all.upper")).mtimeMs, made);
    const plan = await ruff(["-n", "--json", "pipeline.ts"], dir);
    const doc = JSON.parse(plan.stdout) as { tasks: { name: string; state: string }[] };
    assert.deepEqual(doc.tasks.map((t) => [t.name, t.state]), [["starter::makeInput", "uptodate"], ["starter::shout", "uptodate"], ["starter::combine", "uptodate"]]);
  });

  test("the generated pipeline runs with its path given from another directory (outputs land in the current directory)", async () => {
    const dir = await initProject();
    const elsewhere = join(dir, "..", "work");
    mkdirSync(elsewhere);
    const r = await ruff([join(dir, "pipeline.ts"), "-v", "0"], elsewhere);
    assertExit(r, 0);
    assert.equal(read(elsewhere, "all.upper"), "HELLO FROM A.TXT\nHELLO FROM B.TXT\n");
  });

  test("`deno check` type-checks the generated project offline, and rejects a wrong pipeline", async () => {
    const dir = await initProject();
    const deno = join(REPO, "node_modules/.bin/deno");
    const ok = await run(deno, ["check", "pipeline.ts"], dir);
    assertExit(ok, 0);
    writeFileSync(join(dir, "wrong.ts"), 'import { join } from "node:path";\nimport { Pipeline } from "ruffus";\nconst p = new Pipeline("w");\np.originate({ task: async function a(o: string) { void join(o); }, output: "a.x" }).jobsLimit("two");\nexport default p;\n');
    const wrong = await run(deno, ["check", "wrong.ts"], dir);
    assert.notEqual(wrong.code, 0, "deno check accepted it");
    assert.match(wrong.stderr, /TS2345 \[ERROR\]: Argument of type 'string' is not assignable to parameter of type 'number'\.[\s\S]*wrong\.ts:4:/);
    assert.doesNotMatch(wrong.stderr, /TS2307|@types\/node/, "only the real mistake");
  });

  for (const [runtime, exe, pre] of [
    ["Bun", join(REPO, "node_modules/.bin/bun"), [MAIN]],
    ["Deno", join(REPO, "node_modules/.bin/deno"), ["run", "-A", MAIN]],
  ] as const) {
    test(`the generated pipeline runs under ${runtime} (its deno.json and package.json in place)`, async () => {
      const dir = await initProject();
      const r = await run(exe, [...pre, "pipeline.ts"], dir);
      assertExit(r, 0);
      assert.equal(read(dir, "all.upper"), "HELLO FROM A.TXT\nHELLO FROM B.TXT\n");
    });
  }
});
