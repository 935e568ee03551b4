/**
 * Ports ruffus/test/test_pipeline_printout_graph.py: flowcharts of an originate -> split (output
 * glob) -> subdivide (formatter) pipeline written to files whose extension picks the format:
 * .dot; .jpg with a target, a forced task and no key; .svg with the key; an unknown extension,
 * which fails; and the same unknown extension with the format given, which works.
 *
 * The original only checks that these calls succeed or raise. Here the DOT text is compared whole
 * with what Ruffus 2.8.4's pipeline_printout_graph writes for the same pipeline in the same state
 * (before any run, and, added here, after one run) (compared with Ruffus 2.8.4). SVG is made
 * in-process by ours and checked for well-formedness and content; JPEG (and unknown formats) go
 * through Graphviz's `dot`, as in Ruffus: where `dot` is missing we expect our message saying so.
 *
 * Decorator style (the "main" pipeline) and the Pipeline style, as in the original.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { Pipeline, formatter, originate, pipelinePrintoutGraph, pipelineRun, split, subdivide, type PrintoutGraphOptions } from "ruffus";
import { inTempDir, exists, assertWellFormedXml } from "../helpers.ts";
import { DOT_HEADER } from "./fixtures/dot-text.ts";

const tempdir = "test_pipeline_printout_graph/";

function make_start(outfile: string): void {
  writeFileSync(outfile, "");
}

/** Makes one more file than the previous invocation made. */
function split_start(_infiles: string[], outfiles: string[]): void {
  for (const f of outfiles) unlinkSync(f);
  for (let i = 0; i < outfiles.length + 1; i++) writeFileSync(`${tempdir}${i}.split`, "");
}

/** Makes one more file than the previous invocation made, for each input. */
function subdivide_start(_infile: string, outfiles: string[], infileBasename: string): void {
  for (const f of outfiles) unlinkSync(f);
  for (let i = 0; i < outfiles.length + 1; i++) writeFileSync(`${infileBasename}_${i}.subdivided`, "");
}

function declareDecoratorStyle(): void {
  originate([tempdir + "start"])(make_start);
  split(make_start, tempdir + "*.split")(split_start);
  subdivide(split_start, formatter(), tempdir + "{basename[0]}_*.subdivided", tempdir + "{basename[0]}")(subdivide_start);
}

function declarePipelineStyle(): Pipeline {
  const p = new Pipeline("test");
  p.originate({ task: make_start, output: [tempdir + "start"] });
  p.split({ task: split_start, input: make_start, output: tempdir + "*.split" });
  p.subdivide({
    task: subdivide_start,
    input: split_start,
    filter: formatter(),
    output: tempdir + "{basename[0]}_*.subdivided",
    extras: [tempdir + "{basename[0]}"],
  });
  return p;
}

// ---- DOT text written by Ruffus 2.8.4 for this pipeline --------------------------------------------

const KEY = (entries: string[]): string[] => [
  "subgraph clusterkey1",
  "{",
  'rank="min";',
  "style=filled;",
  "fontsize=20;",
  'color="#F6F4F4";',
  'label = "Key:";',
  'fontcolor = black;node[margin="0.2,0.2", fontsize="14"];',
  ...entries,
  "}",
];
const dot = (tasks: string[], key?: string[]): string => [...DOT_HEADER, ...tasks, "}", ...(key ? KEY(key) : []), "}", ""].join("\n");

/** Before any run, all tasks (the default targets). */
const BEFORE_RUN_DEFAULT = dot(
  [
    't0[color=black, fillcolor="#EFA03B", fontcolor=black, label="make_start", shape=box3d, style=filled];',
    't1[color=black, fillcolor="#EFA03B", fontcolor=black, label="split_start", peripheries=2, shape=house, style=filled];',
    't0 -> t1[color="#0044A0"];',
    't2[color=black, fillcolor="#EFA03B", fontcolor=black, label="subdivide_start", shape=box3d, style=filled];',
    't1 -> t2[color="#0044A0"];',
  ],
  ['k1_1[color=black, fillcolor="#EFA03B", fontcolor=black, label="Final target", shape=box3d, style=filled];'],
);

/** Before any run, target subdivide_start, split_start forced, no key. */
const BEFORE_RUN_TARGETED = dot([
  't0[color="#0044A0", fillcolor="#EBF3FF", fontcolor="#0044A0", label="make_start", shape=box3d, style=filled];',
  't1[color=black, fillcolor=transparent, fontcolor=black, label="split_start", peripheries=2, shape=house, style=filled];',
  't0 -> t1[color="#0044A0"];',
  't2[color=black, fillcolor="#EFA03B", fontcolor=black, label="subdivide_start", shape=box3d, style=filled];',
  't1 -> t2[color="#0044A0"];',
]);

/** After one run: every task an up-to-date target. */
const AFTER_RUN_DEFAULT = dot(
  [
    't0[color="#006000", fillcolor="#EFA03B", fontcolor="#006000", label="make_start", shape=box3d, style=filled];',
    't1[color="#006000", fillcolor="#EFA03B", fontcolor="#006000", label="split_start", peripheries=2, shape=house, style=filled];',
    "t0 -> t1[color=gray, arrowtype=normal];",
    't2[color="#006000", fillcolor="#EFA03B", fontcolor="#006000", label="subdivide_start", shape=box3d, style=filled];',
    "t1 -> t2[color=gray, arrowtype=normal];",
  ],
  ['k1_1[color="#006000", fillcolor="#EFA03B", fontcolor="#006000", label="Up-to-date\\nFinal target", shape=box3d, style=filled];'],
);

/** After one run, target subdivide_start, split_start forced, no key. */
const AFTER_RUN_TARGETED = dot([
  't0[color="#006000", fillcolor="#B8CC6E", fontcolor="#006000", label="make_start", shape=box3d, style=filled];',
  't1[color=black, fillcolor=transparent, fontcolor=black, label="split_start", peripheries=2, shape=house, style=filled];',
  "t0 -> t1[color=gray, arrowtype=normal];",
  't2[color=black, fillcolor="#EFA03B", fontcolor=black, label="subdivide_start", shape=box3d, style=filled];',
  't1 -> t2[color="#0044A0"];',
]);

// ---------------------------------------------------------------------------------------------------

const HAVE_DOT = (() => {
  try {
    return spawnSync("dot", ["-V"], { stdio: "ignore" }).status === 0;
  } catch {
    return false;
  }
})();

type Draw = (o: PrintoutGraphOptions) => Promise<string | Uint8Array>;

/** The calls of the original's test, with the results checked. */
async function flowcharts(draw: Draw): Promise<void> {
  const targeted: PrintoutGraphOptions = { targetTasks: [subdivide_start], forcedtorunTasks: [split_start], noKeyLegend: true };

  // .jpg goes through Graphviz's dot.
  if (HAVE_DOT) {
    const jpg = await draw({ output: tempdir + "flowchart.jpg", ...targeted });
    assert.ok(jpg instanceof Uint8Array);
    assert.deepEqual([...readFileSync(tempdir + "flowchart.jpg").subarray(0, 3)], [0xff, 0xd8, 0xff], "a JPEG file");
  } else {
    await assert.rejects(draw({ output: tempdir + "flowchart.jpg", ...targeted }), /needs Graphviz's dot program, which is not installed/);
  }

  // .svg, made in-process, with the key.
  const svg = String(await draw({ output: tempdir + "flowchart.svg", noKeyLegend: false }));
  assert.equal(readFileSync(tempdir + "flowchart.svg", "utf8"), svg);
  assert.equal(assertWellFormedXml(svg), "svg");
  for (const name of ["make_start", "split_start", "subdivide_start", "Key:", "Final target"]) assert.ok(svg.includes(`>${name}</text>`), name);

  // An unknown extension fails (Ruffus: CalledProcessError from dot -Tunknown) and writes nothing.
  await assert.rejects(draw({ output: tempdir + "flowchart.unknown", noKeyLegend: false }), /Unknown flowchart format 'unknown'\. These work: svg, png, dot, json, html; with Graphviz's dot installed also pdf, ps/);
  assert.equal(exists(tempdir + "flowchart.unknown"), false);
  // ... but works with the format given.
  const named = String(await draw({ output: tempdir + "flowchart.unknown", format: "svg", noKeyLegend: false }));
  assert.equal(readFileSync(tempdir + "flowchart.unknown", "utf8"), named);
  assert.equal(assertWellFormedXml(named), "svg");
  assert.ok(named.includes(">subdivide_start</text>"));

  // Drawing runs nothing.
  assert.equal(exists(tempdir + "start"), false);

  // .dot: the extension picks the format.
  await draw({ output: tempdir + "flowchart.dot" });
  assert.equal(readFileSync(tempdir + "flowchart.dot", "utf8"), BEFORE_RUN_DEFAULT);
  // What the original draws when Graphviz is missing: the .jpg's options, as DOT.
  await draw({ output: tempdir + "flowchart-targeted.dot", ...targeted });
  assert.equal(readFileSync(tempdir + "flowchart-targeted.dot", "utf8"), BEFORE_RUN_TARGETED);
}

/** After one run: the same two DOT flowcharts in the up-to-date state. */
async function flowchartsAfterRun(draw: Draw, run: () => Promise<unknown>): Promise<void> {
  await run();
  assert.ok(exists(tempdir + "start") && exists(tempdir + "0.split") && exists(tempdir + "0_0.subdivided"));
  assert.equal(await draw({ format: "dot" }), AFTER_RUN_DEFAULT);
  assert.equal(await draw({ format: "dot", targetTasks: [subdivide_start], forcedtorunTasks: [split_start], noKeyLegend: true }), AFTER_RUN_TARGETED);
}

describe("test_pipeline_printout_graph", () => {
  test("decorator style: .dot, .jpg, .svg, an unknown extension, and svg named explicitly (DOT compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(tempdir);
      declareDecoratorStyle();
      await flowcharts((o) => pipelinePrintoutGraph(o));
    });
  });

  test("Pipeline style: .dot, .jpg, .svg, an unknown extension, and svg named explicitly (DOT compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(tempdir);
      const p = declarePipelineStyle();
      await flowcharts((o) => p.printoutGraph(o));
    });
  });

  test("decorator style, after one run: DOT of the up-to-date pipeline (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(tempdir);
      declareDecoratorStyle();
      await flowchartsAfterRun((o) => pipelinePrintoutGraph(o), () => pipelineRun({ verbose: 0 }));
    });
  });

  test("Pipeline style, after one run: DOT of the up-to-date pipeline (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(tempdir);
      const p = declarePipelineStyle();
      await flowchartsAfterRun((o) => p.printoutGraph(o), () => p.run({ verbose: 0 }));
    });
  });
});
