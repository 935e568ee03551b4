/**
 * Flowchart rendering at size: a 300-task pipeline (a layered DAG) to DOT, SVG, PNG and the HTML report in-process,
 * and one task of 10,000 jobs drawn as a single node. Prints the times.
 *
 *   node --import tsx scripts/bench/flowchart.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pipeline, suffix, formatter, type Task } from "ruffus";

const dir = mkdtempSync(join(tmpdir(), "ruffus-flow-"));
process.chdir(dir);
try {
  const p = new Pipeline("big");
  const layers: Task[][] = [[p.originate({ name: "start", task: () => {}, output: ["s.0"] })]];
  // 1 + 29 rows of 10 + a last row of 6 + the 3 below: 300 tasks.
  for (let layer = 1; layer <= 30; layer++) {
    const row: Task[] = [];
    for (let i = 0; i < (layer === 30 ? 6 : 10); i++) {
      const parents = layers[layer - 1];
      row.push(p.merge({ name: `t${layer}_${i}`, task: () => {}, input: [parents[i % parents.length], parents[(i + 3) % parents.length]], output: `o${layer}_${i}` }));
    }
    layers.push(row);
  }
  const many = p.originate({ name: "many", task: () => {}, output: Array.from({ length: 10_000 }, (_, i) => `m${i}.in`) });
  p.transform({ name: "each", task: () => {}, input: many, filter: suffix(".in"), output: ".out" });
  p.transform({ name: "again", task: () => {}, input: many, filter: formatter(), output: "{basename[0]}.x" });
  console.log(`${p.getTaskNames().length} tasks`);
  for (const format of ["dot", "svg", "png", "html"]) {
    const t0 = performance.now();
    const out = await p.printoutGraph({ format, noKeyLegend: false });
    const seconds = ((performance.now() - t0) / 1000).toFixed(2);
    let size = "";
    if (out instanceof Uint8Array) size = `, ${new DataView(out.buffer, out.byteOffset).getUint32(16)}x${new DataView(out.buffer, out.byteOffset).getUint32(20)} px`;
    else if (format === "svg") size = `, ${/<svg width="([^"]+)" height="([^"]+)"/.exec(out)?.slice(1).join(" x ")}`;
    console.log(`${format}: ${seconds} s, ${out.length} bytes${size}`);
  }
} finally {
  process.chdir(tmpdir());
  rmSync(dir, { recursive: true, force: true });
}
