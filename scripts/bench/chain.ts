/**
 * Benchmark of the 3-step chain (W1/W2): cold run, no-op re-run and printout at size N.
 *
 *   npm run bench -- [N=10000] [repeats=3]
 *
 * Each measurement is a fresh process (end to end: start-up, module load, planning, running).
 * Prints medians of wall time, time inside the process, and peak RSS.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const n = Number(process.argv[2] ?? 10000);
const repeats = Number(process.argv[3] ?? 3);
const script = join(import.meta.dirname, "chain-pipeline.ts");

interface Sample {
  wall: number;
  inside: number;
  rss: number;
  jobs: number;
}

function child(dir: string, mode: string): Sample {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", script, dir, String(n), mode], { encoding: "utf8" });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${mode} failed:\n${r.stderr}`);
  const line = r.stdout.trim().split("\n").pop() ?? "{}";
  const j = JSON.parse(line) as { ms: number; jobs: number; rssMb: number };
  return { wall, inside: j.ms, rss: j.rssMb, jobs: j.jobs };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows: [string, Sample[]][] = [["cold run", []], ["no-op re-run", []], ["printout (nothing up to date)", []]];
for (let r = 0; r < repeats; r++) {
  const dir = mkdtempSync(join(tmpdir(), "ruffus-bench-"));
  try {
    spawnSync(process.execPath, ["--import", "tsx", script, dir, String(n), "setup"], { stdio: "inherit" });
    rows[2][1].push(child(dir, "printout"));
    rows[0][1].push(child(dir, "run"));
    rows[1][1].push(child(dir, "run"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`3-step chain + merge over N=${n} files (${3 * n + 1} jobs), median of ${repeats}, node ${process.version}`);
console.log("| measurement | wall ms | in-process ms | peak RSS MB | jobs |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, samples] of rows) {
  console.log(`| ${name} | ${Math.round(median(samples.map((s) => s.wall)))} | ${median(samples.map((s) => s.inside))} | ${median(samples.map((s) => s.rss))} | ${median(samples.map((s) => s.jobs))} |`);
}
