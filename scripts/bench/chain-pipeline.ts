/**
 * The W1 workload: N input files, three transform steps (a.txt → a.s1 → a.s2 → a.s3, each job
 * writes a tiny file in-process) and a merge of every .s3. Run as a child process by chain.ts:
 *
 *   node --import tsx scripts/bench/chain-pipeline.ts <dir> <N> <run|printout|setup> [checksumLevel]
 *
 * Prints one JSON line: {"ms": time inside the process, "jobs": jobs run, "rssMb": peak RSS}.
 */
import { mkdirSync, writeFileSync, readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Pipeline, suffix } from "ruffus";

const [dir, nText, mode, levelText] = process.argv.slice(2);
const n = Number(nText);
const checksumLevel = levelText === undefined ? 1 : Number(levelText);
process.chdir(dir);

if (mode === "setup") {
  mkdirSync("in", { recursive: true });
  const have = new Set(readdirSync("in"));
  for (let i = 0; i < n; i++) {
    const f = `f${String(i).padStart(6, "0")}.txt`;
    if (!have.has(f)) writeFileSync(`in/${f}`, String(i));
  }
  process.exit(0);
}

const t0 = performance.now();
const step = (i: string, o: string) => writeFile(o, i);
const p = new Pipeline("chain");
const s1 = p.transform({ name: "s1", task: step, input: "in/*.txt", filter: suffix(".txt"), output: ".s1" });
const s2 = p.transform({ name: "s2", task: step, input: s1, filter: suffix(".s1"), output: ".s2" });
const s3 = p.transform({ name: "s3", task: step, input: s2, filter: suffix(".s2"), output: ".s3" });
p.merge({ name: "all", task: async (inputs: string[], o: string) => writeFile(o, String(inputs.length)), input: s3, output: "all.txt" });

let jobs = 0;
let summaryStats = 0;
if (mode === "printout") {
  const text = await p.printout({ verbose: 3, checksumLevel });
  jobs = text.split("Job needs update").length - 1;
} else {
  const s = await p.run({ verbose: 0, multithread: 4, checksumLevel });
  jobs = s.jobsRun;
  summaryStats = s.fileSystemCalls.stats;
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms: Math.round(ms), jobs, stats: summaryStats, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
