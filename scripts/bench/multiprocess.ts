/**
 * Is a CPU-bound pipeline faster with worker processes? 8 jobs counting primes, run by the `ruff`
 * binary (or `bun src/cli/main.ts` when it is not built) with -j 1 and -j 2 (and --use-threads,
 * where jobs share the main thread). Median of 3 runs each; prints the speed-up.
 *
 *   node --import tsx scripts/bench/multiprocess.ts
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = join(import.meta.dirname, "../..");
const binary = join(repo, "dist/ruff");
const command = existsSync(binary) ? [binary] : [join(repo, "node_modules/.bin/bun"), join(repo, "src/cli/main.ts")];
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeRun(args: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), "ruffus-cpu-"));
  try {
    copyFileSync(join(import.meta.dirname, "fixtures/cpu-pipeline.ts"), join(dir, "pipeline.ts"));
    writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    const t0 = performance.now();
    const r = spawnSync(command[0], [...command.slice(1), "pipeline.ts", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, TSX_TSCONFIG_PATH: join(repo, "tsconfig.json") } });
    if (r.status !== 0) throw new Error(r.stderr);
    return performance.now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: [string, string[]][] = [
  ["sequential (-j 1)", ["-j", "1"]],
  ["threads (-j 2 --use-threads)", ["-j", "2", "--use-threads"]],
  ["worker processes (-j 2)", ["-j", "2"]],
];
const results = rows.map(([name, args]) => [name, median([0, 1, 2].map(() => timeRun(args)))] as const);
console.log(`8 CPU-bound jobs through ${existsSync(binary) ? "dist/ruff" : "bun src/cli/main.ts"}, median of 3`);
console.log("| mode | wall s | speed-up |\n| --- | ---: | ---: |");
for (const [name, ms] of results) console.log(`| ${name} | ${(ms / 1000).toFixed(2)} | ${(results[0][1] / ms).toFixed(2)}× |`);
