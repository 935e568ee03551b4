/**
 * The npm package: what `npm pack` puts in it, and a consumer that installs the tarball and imports
 * "ruffus" with plain `node` (no tsx), which gets the compiled dist/npm/ (package.json "exports"),
 * and a TypeScript consumer run through tsx, whose worker processes must load TypeScript too.
 *
 * The package is packed from a staging copy of the repository's package files (node_modules linked),
 * so that the build `npm pack` runs (prepack: scripts/build-npm.ts) never rewrites this checkout's
 * dist/ while other tests run.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;
const SKIP = !ON_NODE && "packs with npm and runs the consumer with plain node: covered by the Node test run";
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { name: string; version: string };

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
function newDir(prefix: string): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  tempDirs.push(d);
  return d;
}

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 120000): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false" };
  for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "TSX_TSCONFIG_PATH"]) delete env[k];
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} (in ${cwd}): status ${r.status} ${r.error ?? ""}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  return r.stdout;
}

/** The TypeScript modules of src/ that the npm build compiles (all but the binary's entry points). */
function compiledSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(relative(join(REPO, "src"), p));
    }
  };
  walk(join(REPO, "src"));
  return out.filter((f) => f !== "cli/bin.ts" && f !== "cli/worker.ts").sort();
}

/**
 * A copy of what `npm pack` and its prepack build read, and the checkout's deno.json (whose import
 * map sends "ruffus" to src/mod.ts: a Deno worker started inside an installed checkout must not use it).
 */
function staging(): string {
  const dir = newDir("ruffus-stage-");
  for (const f of ["package.json", "README.md", "LICENSE", "tsconfig.json", "deno.json"]) cpSync(join(REPO, f), join(dir, f));
  cpSync(join(REPO, "src"), join(dir, "src"), { recursive: true });
  cpSync(join(REPO, "scripts"), join(dir, "scripts"), { recursive: true });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** The consumer script, in JavaScript or (`ts`) with TypeScript annotations. */
const consumer = (ts: boolean): string => {
  const str = ts ? ": string" : "";
  return `import { readFileSync, writeFileSync } from "node:fs";
import { Pipeline, suffix, isWorker } from "ruffus";

// Declared at load: with multiprocess, each worker imports this module and finds the tasks by name.
const p = new Pipeline("consumer");
const start = p.originate({
  task: function makeStart(output${str}) {
    writeFileSync(output, output + "\\n");
  },
  output: ["a.start", "b.start"],
});
p.transform({
  task: function toUpper(input${str}, output${str}) {
    writeFileSync(output, readFileSync(input, "utf8").toUpperCase() + (isWorker() ? "worker process" : "main process") + "\\n");
  },
  input: start,
  filter: suffix(".start"),
  output: ".upper",
});

if (!isWorker()) {
  const summary = await p.run({ verbose: 0, ...(process.argv.includes("multiprocess") ? { multiprocess: 2 } : {}) });
  console.log(JSON.stringify({
    resolved: import.meta.resolve("ruffus"),
    tsx: process.execArgv.join(" ").includes("tsx"),
    jobsRun: summary.jobsRun,
    a: readFileSync("a.upper", "utf8"),
    b: readFileSync("b.upper", "utf8"),
  }));
}
`;
};

const BIN_PIPELINE = `import { writeFileSync } from "node:fs";
import { Pipeline } from "ruffus";
const p = new Pipeline("from_bin");
p.originate({ task: function make(output: string) { writeFileSync(output, "made\\n"); }, output: ["x.out", "y.out"] });
export default p;
`;

describe("the npm package", { skip: SKIP }, () => {
  let stage = "";
  before(() => {
    stage = staging();
  });

  test("npm pack --dry-run --json: the compiled .js and .d.ts of every module, the sources, README, LICENSE; no tests", () => {
    const [pack] = JSON.parse(sh("npm", ["pack", "--dry-run", "--json"], stage)) as PackResult[];
    assert.equal(pack.filename, `${PKG.name}-${PKG.version}.tgz`);
    const files = pack.files.map((f) => f.path).sort();
    const modules = compiledSources().map((f) => f.slice(0, -3));
    const expectedDist = modules.flatMap((m) => [`dist/npm/${m}.d.ts`, `dist/npm/${m}.js`]).sort();
    assert.deepEqual(files.filter((f) => f.startsWith("dist/npm/")), expectedDist);
    for (const f of ["README.md", "LICENSE", "package.json", "dist/types.json", "src/mod.ts", "src/cli/ruff.mjs", "src/cli/main.ts", "dist/npm/exec/worker-entry.js"]) {
      assert.ok(files.includes(f), `${f} is not in the package`);
    }
    assert.deepEqual(files.filter((f) => !/^(src\/|dist\/npm\/|dist\/types\.json$|README\.md$|LICENSE$|package\.json$)/.test(f)), []);
    assert.deepEqual(files.filter((f) => /(^|\/)test\/|\.test\.ts$/.test(f)), []);
    // Compiled modules find their worker entry and their own mod.js, never a .ts file.
    const workerPool = readFileSync(join(stage, "dist/npm/exec/worker-pool.js"), "utf8");
    // worker-pool picks worker-entry.ts or .js by its own extension (the consumer test below runs it for real).
    assert.ok(/new URL\(`\.\/worker-entry\$\{EXT\}`, import\.meta\.url\)/.test(workerPool) && workerPool.includes('? ".ts" : ".js"'), "worker-pool.js does not find worker-entry.js");
    const sourceUrls = [];
    for (const m of modules) {
      const js = readFileSync(join(stage, "dist/npm", `${m}.js`), "utf8");
      for (const u of js.matchAll(/new URL\((["'])([^"']*\.ts)\1, import\.meta\.url\)/g)) sourceUrls.push(`${m}.js: ${u[2]}`);
    }
    assert.deepEqual(sourceUrls, []);
  });

  test("a consumer installs the tarball and runs a pipeline with plain node, in the main process and with multiprocess: 2; a TypeScript consumer too, through tsx", () => {
    const packs = newDir("ruffus-pack-");
    const [pack] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", packs], stage)) as PackResult[];
    const app = newDir("ruffus-consumer-");
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", join(packs, pack.filename)], app, 300000);
    assert.ok(existsSync(join(app, "node_modules/ruffus/dist/npm/mod.d.ts")));
    writeFileSync(join(app, "consumer.mjs"), consumer(false));
    writeFileSync(join(app, "consumer.ts"), consumer(true));
    const resolved = `file://${app}/node_modules/ruffus/dist/npm/mod.js`;

    const main = join(app, "main");
    mkdirSync(main);
    const first = JSON.parse(sh(process.execPath, ["../consumer.mjs"], main));
    assert.deepEqual(first, { resolved, tsx: false, jobsRun: 4, a: "A.START\nmain process\n", b: "B.START\nmain process\n" });
    const again = JSON.parse(sh(process.execPath, ["../consumer.mjs"], main));
    assert.equal(again.jobsRun, 0);

    const workers = join(app, "workers");
    mkdirSync(workers);
    const pooled = JSON.parse(sh(process.execPath, ["../consumer.mjs", "multiprocess"], workers));
    assert.deepEqual(pooled, { resolved, tsx: false, jobsRun: 4, a: "A.START\nworker process\n", b: "B.START\nworker process\n" });

    // TypeScript consumers: `node --import tsx` and `npx tsx` (tsx is a dependency of ruffus). Each
    // worker re-imports consumer.ts, so it must be started with tsx as well.
    const inWorkers = { resolved, tsx: true, jobsRun: 4, a: "A.START\nworker process\n", b: "B.START\nworker process\n" };
    const tsImport = join(app, "ts-import");
    mkdirSync(tsImport);
    assert.deepEqual(JSON.parse(sh(process.execPath, ["--import", "tsx", "../consumer.ts", "multiprocess"], tsImport)), inWorkers);
    const tsCli = join(app, "ts-cli");
    mkdirSync(tsCli);
    assert.deepEqual(JSON.parse(sh(join(app, "node_modules/.bin/tsx"), ["../consumer.ts", "multiprocess"], tsCli)), inWorkers);

    // The bin runs a TypeScript pipeline (through tsx, from the package's sources), in worker processes too.
    const bin = join(app, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "pipeline.ts"), BIN_PIPELINE);
    sh(join(app, "node_modules/.bin/ruff"), ["-j", "2", "pipeline.ts"], bin);
    assert.equal(readFileSync(join(bin, "x.out"), "utf8"), "made\n");
    assert.equal(readFileSync(join(bin, "y.out"), "utf8"), "made\n");
  });

  // A checkout installed as a dependency (`npm install <path>` links it): Deno found the checkout's
  // deno.json from the worker entry, whose import map gave the workers a second copy of ruffus,
  // which ran the pipeline again at import and failed every job with HistoryLockedError.
  test("npm install <checkout path>: a Deno script, a Node script and a Bun script run a pipeline with multiprocess: 2 on the checkout's one copy of ruffus", () => {
    if (!existsSync(join(stage, "dist/npm/mod.js"))) sh(process.execPath, ["--import", "tsx", "scripts/build-npm.ts"], stage);
    const app = newDir("ruffus-linked-");
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "linked", private: true, type: "module" }));
    sh("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", stage], app, 300000);
    assert.equal(realpathSync(join(app, "node_modules/ruffus")), stage);
    writeFileSync(join(app, "consumer.mjs"), consumer(false));
    writeFileSync(join(app, "consumer.ts"), consumer(true));
    const inWorkers = { jobsRun: 4, a: "A.START\nworker process\n", b: "B.START\nworker process\n" };
    const runs: [string, string[], string][] = [
      [join(REPO, "node_modules/.bin/deno"), ["run", "-A", "../consumer.ts", "multiprocess"], `file://${stage}/dist/npm/mod.js`],
      [process.execPath, ["../consumer.mjs", "multiprocess"], `file://${stage}/dist/npm/mod.js`],
      // Bun takes the package's "bun" condition: the TypeScript sources.
      [join(REPO, "node_modules/.bin/bun"), ["../consumer.ts", "multiprocess"], `file://${stage}/src/mod.ts`],
    ];
    for (const [program, args, resolved] of runs) {
      const dir = join(app, program.split("/").at(-1) ?? "run");
      mkdirSync(dir);
      const { resolved: got, tsx: _, ...result } = JSON.parse(sh(program, args, dir)) as { resolved: string; tsx: boolean };
      assert.deepEqual(result, inWorkers, program);
      assert.equal(realpathSync(fileURLToPath(got)), fileURLToPath(resolved), program);
      // The history the workers' jobs left is the main process's: a second run has nothing to do.
      assert.equal((JSON.parse(sh(program, args, dir)) as { jobsRun: number }).jobsRun, 0, program);
    }
  });
});
