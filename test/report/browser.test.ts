/**
 * The HTML report and the SVG flowchart in a real headless browser (Debian's chromium driven by
 * playwright-core): both render, every task is visible. The screenshots are kept, and their paths
 * printed, as CI artefacts (RUFFUS_ARTIFACTS, default: the OS temp dir).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pipeline, suffix, formatter, mkdir } from "ruffus";
import { inTempDir } from "../helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip =
  typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" || "Deno" in globalThis
    ? "browser tests run once, under Node"
    : !existsSync(CHROMIUM)
      ? "no /usr/bin/chromium (apt-get install -y chromium; .ci/run installs it)"
      : false;

function demo(): { p: Pipeline; names: string[] } {
  const p = new Pipeline("report-demo");
  const start = p.originate({ task: function makeReads(o: string) { writeFileSync(o, "ACGT"); }, output: ["a.fq", "b.fq", "c.fq"] });
  const aligned = p.transform({ task: function align(i: string, o: string) { writeFileSync(o, i); }, input: start, filter: suffix(".fq"), output: ".bam" });
  const called = p.transform({ task: function callVariants(i: string, o: string) { writeFileSync(o, i); }, input: aligned, filter: formatter(), output: "{basename[0]}.vcf" });
  const merged = p.merge({ task: function report(_i: string[], o: string) { writeFileSync(o, ""); }, input: called, output: "all.vcf" });
  // Long names and an HTML label with bold and spaces between its parts: the text that overflowed
  // its box (and ran "Per", "part" and "& more" together) when browsers drew it wider than Graphviz's Times.
  p.transform({ task: function per_part_of_every_sample(i: string, o: string) { writeFileSync(o, i); }, input: merged, filter: suffix(".vcf"), output: ".parts" })
    .graphviz({ label: "<Per <B>part</B> &amp; more>", shape: "component" })
    .follows(mkdir("results/with a rather long directory name"));
  return { p, names: ["report-demo::makeReads", "report-demo::align", "report-demo::callVariants", "report-demo::report"] };
}

/**
 * Run in the page (as text: the tests are compiled without the DOM's types): for every node of the
 * flowchart, each text's box must lie inside the box of its shapes, and texts on one line must not
 * overlap. Returns what does not fit.
 */
const LABEL_MISFITS = `(() => {
  const bad = [];
  for (const node of document.querySelectorAll("svg g.node")) {
    const shapes = [...node.querySelectorAll("polygon, ellipse, path, polyline")].map((s) => s.getBBox());
    const box = { x1: Math.min(...shapes.map((b) => b.x)), y1: Math.min(...shapes.map((b) => b.y)), x2: Math.max(...shapes.map((b) => b.x + b.width)), y2: Math.max(...shapes.map((b) => b.y + b.height)) };
    const texts = [...node.querySelectorAll("text")].map((t) => ({ text: t.textContent, b: t.getBBox() }));
    for (const { text, b } of texts) {
      if (b.x < box.x1 - 0.5 || b.x + b.width > box.x2 + 0.5 || b.y < box.y1 - 0.5 || b.y + b.height > box.y2 + 0.5) {
        bad.push('"' + text + '" (' + b.x.toFixed(1) + ".." + (b.x + b.width).toFixed(1) + ") outside its box (" + box.x1.toFixed(1) + ".." + box.x2.toFixed(1) + ")");
      }
    }
    const lines = texts.filter((t) => t.text.trim()).sort((a, b) => a.b.y - b.b.y || a.b.x - b.b.x);
    for (let i = 1; i < lines.length; i++) {
      const [a, b] = [lines[i - 1], lines[i]];
      if (Math.abs(a.b.y - b.b.y) < 1 && b.b.x < a.b.x + a.b.width - 0.5) bad.push('"' + a.text + '" runs into "' + b.text + '"');
    }
  }
  return bad;
})()`;

test("the HTML report and the SVG render in Chromium with every task visible", { skip, timeout: 120_000 }, async (t) => {
  const { chromium } = await import("playwright-core");
  const artifacts = process.env.RUFFUS_ARTIFACTS ?? join(tmpdir(), "ruffus-artifacts");
  mkdirSync(artifacts, { recursive: true });
  await inTempDir(async (dir) => {
    const { p, names } = demo();
    await p.run({ verbose: 0, targetTasks: ["align"] });
    await p.printoutGraph({ output: "report.html", format: "html" });
    await p.printoutGraph({ output: "flow.svg" });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const failed: string[] = [];
      page.on("requestfailed", (r) => failed.push(r.url()));
      for (const file of ["report.html", "flow.svg"]) {
        await page.goto(`file://${join(dir, file)}`);
        for (const name of names) {
          // Boxes show bare task names, as Ruffus's flowcharts do.
          const node = page.locator("svg g.node text", { hasText: name.split("::").pop() }).first();
          assert.ok(await node.isVisible(), `${file}: ${name} is visible`);
          const box = await node.boundingBox();
          assert.ok(box && box.width > 10 && box.height > 5, `${file}: ${name} has a size`);
        }
        // Every label inside its box, and the parts of a line of text one after the other, not over each other.
        const misfits = (await page.evaluate(LABEL_MISFITS)) as string[];
        assert.deepEqual(misfits, [], `${file}: labels fit their boxes`);
        const shot = join(artifacts, file.replace(/\W/g, "-") + ".png");
        // Chromium cannot measure a bare SVG document for a full-page shot; the viewport holds it.
        await page.screenshot({ path: shot, fullPage: file.endsWith(".html") });
        t.diagnostic(`screenshot: ${shot}`);
      }
      // The report's table has one row per task, and says which will run.
      await page.goto(`file://${join(dir, "report.html")}`);
      const rows = await page.locator("table tbody tr").allTextContents();
      assert.equal(rows.length, names.length + 2, "and the labelled task and its mkdir");
      assert.ok(rows.some((r) => r.includes("report-demo::callVariants") && r.includes("will run")), rows.join("\n"));
      assert.ok(rows.some((r) => r.includes("report-demo::align") && r.includes("up to date")), rows.join("\n"));
      assert.deepEqual(failed, [], "the report loads nothing from the network or elsewhere");
    } finally {
      await browser.close();
    }
  });
});
