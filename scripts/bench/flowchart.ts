/**
 * Flowchart rendering at size: a 300-task pipeline (a layered DAG) to DOT, SVG, PNG and the HTML report in-process,
 * and one task of 10,000 jobs drawn as a single node. Prints the times.
 *
 *   node --import tsx scripts/bench/flowchart.ts
 *
 * With `--rasterisers OUTDIR` it instead compares PNG rasterisers on the example pipeline's committed
 * flowchart (examples/tutorial/flowchart.svg) and the 300-task one: ours (@resvg/resvg-wasm) and
 * svg2png-wasm, which is not a dependency (install it first: npm i --no-save svg2png-wasm). Same
 * fonts, same zoom; prints first-call and median-of-5 times and PNG sizes, and writes the PNGs to
 * OUTDIR to look at. Results: scripts/bench/PNG-RASTERISERS.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Pipeline, suffix, formatter, type Task } from "ruffus";
import { PNG_FONT_FILES, pngGeometry, svgToPng } from "../../src/report/render.ts";

const rasterOut = process.argv.includes("--rasterisers") ? resolve(process.argv[process.argv.indexOf("--rasterisers") + 1] ?? "png-rasterisers") : undefined;

/** svg2png-wasm's API, loaded by name: it is measured, not depended on. */
interface Svg2pngModule {
  initialize(wasm: Uint8Array): Promise<void>;
  createSvg2png(o: { fonts: Uint8Array[]; defaultFontFamily: Record<string, string> }): (svg: string, o: { scale: number; backgroundColor: string }) => Promise<Uint8Array>;
}

async function median(f: () => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return `${times.sort((a, b) => a - b)[2].toFixed(0)} ms`;
}

async function compareRasterisers(svgs: Record<string, string>, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  for (const [what, svg] of Object.entries(svgs)) writeFileSync(join(outDir, `${what}.svg`), svg);
  const require = createRequire(import.meta.url);
  const fonts = PNG_FONT_FILES.map((f) => new Uint8Array(readFileSync(require.resolve(f))));
  const name = "svg2png-wasm";
  const mod = (await import(name)) as Svg2pngModule;
  const family = "DejaVu Serif";
  let svg2png: ReturnType<Svg2pngModule["createSvg2png"]> | undefined;
  const other = async (svg: string): Promise<Uint8Array> => {
    if (!svg2png) {
      await mod.initialize(new Uint8Array(readFileSync(require.resolve("svg2png-wasm/svg2png_wasm_bg.wasm"))));
      svg2png = mod.createSvg2png({ fonts, defaultFontFamily: { serifFamily: family, sansSerifFamily: family, monospaceFamily: family } });
    }
    return svg2png(svg, { scale: pngGeometry(svg, 120).zoom, backgroundColor: "white" });
  };
  const size = (png: Uint8Array): string => {
    const header = new DataView(png.buffer, png.byteOffset);
    return `${header.getUint32(16)}x${header.getUint32(20)} px, ${png.length} bytes`;
  };
  for (const [label, render] of [["resvg-wasm", (svg: string) => svgToPng(svg, 120)], [name, other]] as const) {
    for (const [what, svg] of Object.entries(svgs)) {
      const t0 = performance.now();
      const png = await render(svg);
      const first = (performance.now() - t0).toFixed(0);
      writeFileSync(join(outDir, `${what}-${label}.png`), png);
      console.log(`${label} ${what}: first ${first} ms, then ${await median(() => render(svg))}; ${size(png)}`);
    }
  }
}

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
  if (rasterOut) await compareRasterisers({ example: readFileSync(join(import.meta.dirname, "../../examples/tutorial/flowchart.svg"), "utf8"), "300-tasks": String(await p.printoutGraph({ format: "svg", noKeyLegend: false })) }, rasterOut);
  else for (const format of ["dot", "svg", "png", "html"]) {
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
