/**
 * The history's share of a cold run (benchmark (a) of the history issue): W1's chain (N inputs →
 * .s1 → .s2 → .s3, then a merge: 3N + 1 jobs) run cold through `dist/ruff` at checksum level 1
 * (history on: every job recorded, the file rewritten in batches) and at level 0 (no history
 * file), interleaved, on a tmpfs so that the disk does not blur the difference. Wall time, CPU
 * (user + system) and peak RSS come from GNU time; the difference between the levels is what the
 * history costs.
 *
 *   node --import tsx scripts/bench/history.ts                      # 100,003 jobs, 3 repeats
 *   node --import tsx scripts/bench/history.ts --jobs 30000 --repeats 5
 *   node --import tsx scripts/bench/history.ts --base /path/to/other/ruff   # also an older binary, level 1 (before/after)
 *   node --import tsx scripts/bench/history.ts --dir /some/tmpfs --keep
 *
 * Prints a Markdown table; RESULTS.md ("The history's share of a cold run") has the figures.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, release, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measure, median, type Sample } from "./lib/measure.ts";
import { ensureBinary } from "./lib/tools.ts";
import * as W from "./lib/workloads.ts";

const REPO = resolve(fileURLToPath(new URL("../../", import.meta.url)));

function option(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const jobs = Number(option("--jobs", "100000"));
const repeats = Number(option("--repeats", "3"));
const base = option("--base");
const keep = process.argv.includes("--keep");
const n = Math.ceil(jobs / 3); // --jobs 100000: 33,334 inputs, 100,003 jobs
const shm = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
const root = mkdtempSync(join(option("--dir", shm) as string, "ruffus-bench-history-"));
const ruff = ensureBinary(REPO, (s) => console.error(s));

interface Config {
  label: string;
  binary: string;
  level: number;
}
const configs: Config[] = [
  { label: "level 1 (history)", binary: ruff, level: 1 },
  { label: "level 0 (no history)", binary: ruff, level: 0 },
  ...(base ? [{ label: `level 1, ${base}`, binary: base, level: 1 }] : []),
];

/** Removes every output and history file: the next run is cold. */
function clean(dir: string): void {
  for (const f of readdirSync(join(dir, "in"))) if (!f.endsWith(".txt")) rmSync(join(dir, "in", f));
  for (const f of readdirSync(dir)) if (f.startsWith(".ruffus_history") || f === "all.txt") rmSync(join(dir, f));
}

const dir = join(root, "w");
execFileSync("mkdir", ["-p", dir]);
W.chainInputs(dir, n);
W.chainPipelines(dir);
const samples = new Map<string, Sample[]>(configs.map((c) => [c.label, []]));
const historyBytes: number[] = [];
console.error(`history bench: ${W.chainJobs(n).toLocaleString("en")} jobs in ${dir}, ${repeats} repeats`);
for (let r = 0; r < repeats; r++) {
  for (const c of configs) {
    clean(dir);
    const s = await measure({ cmd: [c.binary, "--checksum-level", String(c.level), "chain.ts"], cwd: dir, timeout: 600, log: join(root, "log.txt") });
    if (s.code !== 0 || s.timedOut) throw new Error(`${c.label}: exit ${s.code}${s.timedOut ? " (timed out)" : ""}; see ${join(root, "log.txt")}`);
    if (c.binary === ruff && c.level === 1) historyBytes.push(statSync(join(dir, ".ruffus_history.sqlite")).size);
    samples.get(c.label)!.push(s);
    console.error(`  ${c.label}: ${s.wall.toFixed(2)} s wall, ${s.cpu?.toFixed(2)} s CPU, ${s.rssMb?.toFixed(0)} MB`);
  }
}

const fmt = (xs: (number | undefined)[], digits: number, unit: string): string => {
  const v = xs.filter((x): x is number => x !== undefined);
  return v.length ? `${median(v).toFixed(digits)} ${unit} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})` : "—";
};
const med = (label: string, key: "wall" | "cpu" | "rssMb"): number => median(samples.get(label)!.map((s) => s[key] ?? NaN));
const lines = [
  `| ${W.chainJobs(n).toLocaleString("en")} jobs, cold, tmpfs | wall: median (min–max) | CPU user+sys | peak RSS |`,
  "| --- | ---: | ---: | ---: |",
  ...configs.map((c) => {
    const s = samples.get(c.label)!;
    return `| ${c.label} | ${fmt(s.map((x) => x.wall), 2, "s")} | ${fmt(s.map((x) => x.cpu), 2, "s")} | ${fmt(s.map((x) => x.rssMb), 0, "MB")} |`;
  }),
];
const [l1, l0] = [configs[0].label, configs[1].label];
const least = (label: string, key: "wall" | "cpu"): number => Math.min(...samples.get(label)!.map((s) => s[key] ?? NaN));
// On a shared machine the fastest runs are the least disturbed: the difference of the minima too.
const share = (key: "wall" | "cpu"): string => {
  const d = med(l1, key) - med(l0, key);
  const dMin = least(l1, key) - least(l0, key);
  return `${d.toFixed(2)} s (${((100 * d) / med(l1, key)).toFixed(0)}% of the level-1 run, ${((1e6 * d) / W.chainJobs(n)).toFixed(1)} µs per job; fastest runs: ${dMin.toFixed(2)} s, ${((100 * dMin) / least(l1, key)).toFixed(0)}%)`;
};
lines.push(
  "",
  `History's share: wall ${share("wall")}; CPU ${share("cpu")}; peak RSS +${(med(l1, "rssMb") - med(l0, "rssMb")).toFixed(0)} MB. ` +
    `History file: ${(median(historyBytes) / 1048576).toFixed(1)} MB.`,
);
if (base) {
  const d = (key: "wall" | "cpu"): string => `${((1e6 * (med(l1, key) - med(configs[2].label, key))) / W.chainJobs(n)).toFixed(1)} µs`;
  lines.push(`This binary against ${base}, both at level 1: ${d("wall")} wall and ${d("cpu")} CPU per job.`);
}
const bun = execFileSync(join(REPO, "node_modules/.bin/bun"), ["--version"], { encoding: "utf8" }).trim();
lines.push("", `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Linux ${release()}; bun ${bun} (the binary's runtime); ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}.`);
console.log(lines.join("\n"));
if (!keep) rmSync(root, { recursive: true, force: true });
