/**
 * The report, `ruff why` and `ruff -n --json` on a big merge: an originate of N files (none made yet)
 * merged into one, so the merge's one job has N missing inputs. Each command is one whole process
 * (`dist/ruff` when it is built, else the TypeScript command line on Node); prints the times and
 * output sizes. Linear work: 10× the inputs should take about 10× the time, not 100×.
 *
 *   node --import tsx scripts/bench/report.ts [N=100000 ...]
 */
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const binary = join(root, "dist/ruff");
const ruff = existsSync(binary) ? [binary] : [process.execPath, join(root, "src/cli/ruff.mjs")];
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

console.log(`ruff: ${ruff.join(" ")}`);
for (const n of sizes.length ? sizes : [100_000]) {
  const dir = mkdtempSync(join(tmpdir(), "ruffus-report-"));
  try {
    writeFileSync(
      join(dir, "pipeline.ts"),
      `import { Pipeline } from "ruffus";
const p = new Pipeline("bigmerge");
const make = p.originate({ name: "make", task: () => {}, output: Array.from({ length: ${n} }, (_, i) => \`in/f\${i}.txt\`) });
p.merge({ name: "gather", task: () => {}, input: make, output: "all.txt" });
export default p;
`,
    );
    const commands: [string, string[], string][] = [
      ["--report", ["--report", "report.html", "pipeline.ts"], "report.html"],
      ["why", ["why", "pipeline.ts", "gather"], "stdout.txt"],
      ["-n --json", ["-n", "--json", "pipeline.ts"], "stdout.txt"],
    ];
    for (const [label, args, file] of commands) {
      // Standard output to a file, not a pipe: what is measured is the command, not the reader.
      const stdout = openSync(join(dir, "stdout.txt"), "w");
      const t0 = performance.now();
      try {
        execFileSync(ruff[0], [...ruff.slice(1), ...args], { cwd: dir, stdio: ["ignore", stdout, "ignore"] });
      } finally {
        closeSync(stdout);
      }
      const seconds = ((performance.now() - t0) / 1000).toFixed(2);
      const bytes = statSync(join(dir, file)).size;
      console.log(`merge of ${n} missing inputs, ${label}: ${seconds} s, ${bytes} bytes`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
