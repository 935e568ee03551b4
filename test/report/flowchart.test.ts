/**
 * Flowcharts: DOT text byte-for-byte equal to Ruffus 2.8.4's for the same pipelines (the fixtures
 * were written by Ruffus's pipeline_printout_graph), SVG and PNG made in-process, JSON, job counts
 * in pictures, cycles drawn rather than refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWriteStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Pipeline, RuffusError, graphColourDemoPrintout, mkdir, suffix, pipelinePrintoutGraph, type PrintoutGraphOptions } from "ruffus";
import { inTempDir, age, assertWellFormedXml, PNG_SIGNATURE } from "../helpers.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");

/** The pipeline of fixtures/attributes-*.dot: first → second (graphviz attributes) → split third → merge fourth. */
function attributesPipeline(): { p: Pipeline; first: ReturnType<Pipeline["originate"]>; second: ReturnType<Pipeline["transform"]> } {
  const p = new Pipeline("main");
  const first = p.originate({ task: function first(o: string) { writeFileSync(o, ""); }, output: ["a.start"] });
  const second = p
    .transform({ task: function second(_i: string, o: string) { writeFileSync(o, ""); }, input: first, filter: suffix(".start"), output: ".mid" })
    .graphviz({
      URL: '"http://cnn.com"', fillcolor: '"#FFCCCC"', color: '"#FF0000"', pencolor: '"#FF0000"', fontcolor: '"#4B6000"',
      label_suffix: "???", label_prefix: "What is this?<BR/> ", label: '<What <FONT COLOR="red">is</FONT>this>',
      shape: "component", height: 1.5, peripheries: 5, style: "dashed",
    });
  const third = p.split({ task: function third(_i: string, _o: string[]) {}, input: second, output: "*.parts" });
  p.merge({ task: function fourth(_i: string, o: string) { writeFileSync(o, ""); }, input: third, output: "all.txt" });
  return { p, first, second };
}

test("DOT with graphviz() attributes (HTML label, prefix, suffix) and the full key equals Ruffus's (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    assert.equal(await p.printoutGraph({ format: "dot", noKeyLegend: false, minimalKeyLegend: false }), fixture("attributes-full-key.dot"));
  });
});

test("DOT with a target, a forced task and a horizontal layout equals Ruffus's (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p, first, second } = attributesPipeline();
    assert.equal(await p.printoutGraph({ format: "dot", targetTasks: [second], forcedtorunTasks: [first], drawVertically: false }), fixture("target-forced-horizontal.dot"));
  });
});

test("DOT skipping the tasks that will not run, with a user colour scheme and a title: Ruffus's without its uncoloured leftovers (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p, second } = attributesPipeline();
    const dot = await p.printoutGraph({
      format: "dot",
      targetTasks: [second],
      skipUptodateTasks: true,
      userColourScheme: { colour_scheme_index: 3, "Task to run": { fillcolor: '"#123456"' } },
      pipelineName: "My pipeline",
    });
    // Ruffus keeps third and fourth (after the target: they will not run) as plain boxes with no
    // colour and no edges; we leave them out, as skip_uptodate_tasks says. The rest is Ruffus's, byte for byte.
    const ruffus = fixture("skip-uptodate-colour-scheme.dot");
    assert.match(ruffus, /^t2\[label="third", peripheries=2, shape=house\];\nt3\[height=1\.1, label="fourth", peripheries=2, shape=invhouse\];\n/m);
    assert.equal(dot, ruffus.replace(/^t[23]\[.*\n/gm, ""));
  });
});

/** Every edge of a DOT text joins two nodes the text declares (Graphviz would invent the others, as bare ellipses). */
function assertEdgesBetweenDrawnNodes(dot: string): void {
  const declared = new Set([...dot.matchAll(/^(\w+)\[/gm)].map((m) => m[1]));
  for (const [, a, b] of dot.matchAll(/^(\w+) -> (\w+)\[/gm)) {
    assert.ok(declared.has(a) && declared.has(b), `edge ${a} -> ${b} to an undrawn node in\n${dot}`);
  }
}

/** start → middle → end, run, then the first input made newer: middle and end are out of date. */
async function chainAfterTouch(): Promise<{ p: Pipeline; names: string[] }> {
  const p = new Pipeline("main");
  const start = p.originate({ task: function start(o: string) { writeFileSync(o, "s"); }, output: ["a.start", "b.start"] });
  const middle = p.transform({ task: function middle(i: string, o: string) { writeFileSync(o, readFileSync(i, "utf8")); }, input: start, filter: suffix(".start"), output: ".middle" });
  p.merge({ task: function end(_i: string[], o: string) { writeFileSync(o, ""); }, input: middle, output: "all.end" });
  await p.run({ verbose: 0 });
  age("a.middle", 10);
  age("b.middle", 10);
  age("all.end", 10);
  age("a.start", 5);
  return { p, names: ["start", "middle", "end"] };
}

test("ignoreUpstreamOfTarget draws the target and what follows, with no edge to the tasks left out", async () => {
  await inTempDir(async () => {
    const { p } = await chainAfterTouch();
    const dot = String(await p.printoutGraph({ format: "dot", targetTasks: ["middle"], ignoreUpstreamOfTarget: true }));
    assert.ok(!dot.includes('label="start"'), dot);
    assert.ok(dot.includes('label="middle"') && dot.includes('label="end"'), dot);
    assertEdgesBetweenDrawnNodes(dot);
    const svg = String(await p.printoutGraph({ format: "svg", targetTasks: ["middle"], ignoreUpstreamOfTarget: true, noKeyLegend: true }));
    assert.equal((svg.match(/<g id="node\d+" class="node">/g) ?? []).length, 2, "two boxes, no invented node");
    const json = JSON.parse(String(await p.printoutGraph({ format: "json", targetTasks: ["middle"], ignoreUpstreamOfTarget: true }))) as { tasks: { name: string; parents: string[] }[] };
    assert.deepEqual(json.tasks.map((t) => [t.name, t.parents.length]), [["middle", 0], ["end", 1]]);
  });
});

test("skipUptodateTasks leaves the up-to-date tasks out, and the edges to them", async () => {
  await inTempDir(async () => {
    const { p } = await chainAfterTouch();
    const full = String(await p.printoutGraph({ format: "dot" }));
    assert.ok(full.includes('label="start"'), "start is drawn (up to date) without the option");
    const dot = String(await p.printoutGraph({ format: "dot", skipUptodateTasks: true }));
    assert.ok(!dot.includes('label="start"'), dot);
    assert.match(dot, /label="middle"[\s\S]*label="end"/);
    assertEdgesBetweenDrawnNodes(dot);
    assert.equal((dot.match(/^t\d+ -> t\d+/gm) ?? []).length, 1, "middle -> end only");
  });
});

test("a double quote in a task name is escaped in the DOT, so every picture format draws it", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("q");
    p.originate({ name: 'say "hi" <b>', task: (_o: string) => {}, output: ["q.txt"] }).follows(mkdir("it's"));
    const dot = String(await p.printoutGraph({ format: "dot" }));
    // Ruffus writes label="mkdir("it's") \nbefore ...", which dot refuses.
    assert.ok(dot.includes('label="mkdir(\\"it\'s\\") \\nbefore say \\"hi\\" <b> "'), dot);
    assert.ok(dot.includes('label="say \\"hi\\" <b>"'), dot);
    const svg = String(await p.printoutGraph({ format: "svg" }));
    assert.ok(svg.includes(">say &quot;hi&quot; &lt;b&gt;</text>"), svg);
    assert.ok(svg.includes(">mkdir(&quot;it&#39;s&quot;) </text>"), svg);
    assertWellFormedXml(svg);
    const png = (await p.printoutGraph({ format: "png" })) as Uint8Array;
    assert.deepEqual([...png.slice(0, 8)], PNG_SIGNATURE);
  });
});

test("a graphviz() attribute Graphviz cannot read gives a RuffusError naming the task and the format", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("e");
    p.originate({ task: function fine(_o: string) {}, output: ["a.txt"] });
    p.originate({ task: function badly(_o: string) {}, output: ["b.txt"] }).graphviz({ URL: 'a"b' });
    for (const format of ["svg", "png", "html"]) {
      await assert.rejects(p.printoutGraph({ format }), (e: Error) => {
        assert.ok(e instanceof RuffusError, String(e));
        assert.match(e.message, new RegExp(`^Cannot draw the flowchart as ${format} at task 'e::badly': Graphviz says "syntax error in line \\d+`));
        return true;
      });
    }
  });
});

test("DOT of the reference pipeline after touching one input: up-to-date and to-run colours (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const start = p.originate({ task: function make_start(o: string) { writeFileSync(o, "start"); }, output: ["a.start", "b.start"] });
    const middle = p.transform({ task: function to_middle(i: string, o: string) { writeFileSync(o, readFileSync(i, "utf8")); }, input: start, filter: suffix(".start"), output: ".middle", extras: ["extra_value"] });
    p.merge({ task: function summarise(_i: string[], o: string) { writeFileSync(o, ""); }, input: middle, output: "all.summary" });
    await p.run({ verbose: 0 });
    age("a.start", -5);
    assert.equal(await pipelinePrintoutGraph({ format: "dot" }), fixture("reference-after-touch.dot"));
  });
});

test("SVG is made in-process, well formed, with every task; PNG has a PNG header and a sensible size; JSON lists tasks", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    const svg = String(await p.printoutGraph({ output: "flow.svg" }));
    assert.equal(readFileSync("flow.svg", "utf8"), svg);
    assert.match(svg, /^<\?xml[^>]*>\s*<!DOCTYPE svg[^>]*>[\s\S]*<svg [\s\S]*<\/svg>\s*$/);
    for (const name of ["first", "third", "fourth"]) assert.ok(svg.includes(`>${name}</text>`), name);
    assert.equal((svg.match(/<title>t\d+<\/title>/g) ?? []).length, 4, "one node per task (the key has its own)");
    const png = (await p.printoutGraph({ output: "flow.png" })) as Uint8Array;
    assert.deepEqual([...png.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = new DataView(png.buffer, png.byteOffset).getUint32(16);
    const height = new DataView(png.buffer, png.byteOffset).getUint32(20);
    assert.ok(width > 100 && width < 4000 && height > 100 && height < 4000, `${width}x${height}`);
    const json = JSON.parse(String(await p.printoutGraph({ format: "json" }))) as { schema: string; tasks: { name: string; parents: string[] }[] };
    assert.equal(json.schema, "ruffus-flowchart/1");
    assert.deepEqual(json.tasks.map((t) => t.name), ["first", "second", "third", "fourth"]);
    assert.deepEqual(json.tasks[3].parents, ["t2"]);
  });
});

test("a task with many jobs is one node, its job count under its name in pictures but not in DOT", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const names = Array.from({ length: 10_000 }, (_, i) => `f${i}.in`);
    const start = p.originate({ task: function make(o: string) { writeFileSync(o, ""); }, output: names });
    p.transform({ task: function step(_i: string, o: string) { writeFileSync(o, ""); }, input: start, filter: suffix(".in"), output: ".out" });
    const svg = String(await p.printoutGraph({ format: "svg" }));
    assert.equal((svg.match(/<title>t\d+<\/title>/g) ?? []).length, 2, "one node per task, not per job");
    assert.ok(svg.includes(">(10000 jobs)</text>"), "job count in the picture");
    assert.ok(!String(await p.printoutGraph({ format: "dot" })).includes("jobs)"));
  });
});

test("a cycle is drawn in the 'Vicious cycle' colours instead of refusing", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const a = p.follows({ task: function ta() {} });
    const b = p.follows({ task: function tb() {}, parents: [a] });
    a.follows(b);
    const dot = String(await p.printoutGraph({ format: "dot", noKeyLegend: false }));
    assert.ok(dot.includes('t0[color=white, fillcolor="#FF3232", fontcolor=white, label="ta", shape=box3d, style=filled];'), dot);
    assert.ok(dot.includes('label="Vicious cycle"'), dot);
  });
});

test("formats other than svg/png/dot/json/html need Graphviz's dot, or give an error listing what works", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    const oldPath = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await assert.rejects(p.printoutGraph({ output: "flow.pdf" }), /needs Graphviz's dot program, which is not installed\. Without it these formats work: svg, png, dot, json, html\./);
    } finally {
      process.env.PATH = oldPath;
    }
  });
});

/** A 40-wide fan-out with long names: far wider than Ruffus's size="8,11". */
function wide(): Pipeline {
  const p = new Pipeline("wide");
  const start = p.originate({ name: "start", task: () => {}, output: ["s.0"] });
  for (let i = 0; i < 40; i++) p.transform({ name: `a_task_with_a_long_name_${i}`, task: () => {}, input: start, filter: suffix(".0"), output: `.${i}` });
  return p;
}

const svgSize = (svg: string): [number, number] => {
  const m = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg);
  assert.ok(m, "an SVG sized in points");
  return [Number(m[1]), Number(m[2])];
};
const pngSize = (png: Uint8Array): [number, number] => {
  const v = new DataView(png.buffer, png.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
};

test("pictures come at their natural size (as Ruffus's dot draws them), and within `size` when one is given", async () => {
  await inTempDir(async () => {
    const p = wide();
    const [w, h] = svgSize(String(await p.printoutGraph({ format: "svg" })));
    // 41 boxes side by side, each wider than 2 inches; Ruffus's size="8,11" would squeeze them into 576pt.
    assert.ok(w > 40 * 144 && h > 100, `${w}x${h}`);
    const [sw, sh] = svgSize(String(await p.printoutGraph({ format: "svg", size: [30, 40] })));
    assert.ok(Math.abs(sw - 30 * 72) <= 1 && sh < h, `${sw}x${sh}`);
    assert.deepEqual(svgSize(String(await p.printoutGraph({ format: "svg", size: "30,40" }))), [sw, sh]);
    // The DOT text stays Ruffus's, whatever the size.
    assert.match(String(await p.printoutGraph({ format: "dot", size: [30, 40] })), /^size="8,11";$/m);
    await assert.rejects(p.printoutGraph({ format: "svg", size: "big" }), /size 'big' is not a size in inches/);
  });
});

test("PNG pixels are the SVG's points times dpi/72", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    const [w, h] = svgSize(String(await p.printoutGraph({ format: "svg" })));
    for (const dpi of [72, 120, 300]) {
      const [pw, ph] = pngSize((await p.printoutGraph({ format: "png", dpi })) as Uint8Array);
      assert.ok(Math.abs(pw - (w * dpi) / 72) <= 1 && Math.abs(ph - (h * dpi) / 72) <= 1, `dpi ${dpi}: ${pw}x${ph} for ${w}x${h}pt`);
    }
    // A 1-inch size at 50 dpi: at most 50 pixels either way.
    const [sw, sh] = pngSize((await p.printoutGraph({ format: "png", size: [1, 1], dpi: 50 })) as Uint8Array);
    assert.ok(Math.max(sw, sh) <= 51 && Math.max(sw, sh) >= 49, `${sw}x${sh}`);
  });
});

test("every SVG text gets the width Graphviz laid it out with (textLength), so it fits its box in any font", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    const svg = String(await p.printoutGraph({ format: "svg", noKeyLegend: false }));
    const texts = [...svg.matchAll(/<text [^>]*>[^<]*<\/text>/g)].map((m) => m[0]);
    assert.ok(texts.length > 8, svg);
    for (const t of texts) assert.match(t, / textLength="[\d.]+" lengthAdjust="spacingAndGlyphs">/, t);
    // The HTML label's parts keep their spaces, inside the width Graphviz gave them: " What " then "is".
    const what = texts.find((t) => t.endsWith("> What </text>"));
    const is = texts.find((t) => t.endsWith(">is</text>"));
    const num = (t: string | undefined, a: string): number => Number(new RegExp(` ${a}="([\\d.-]+)"`).exec(t ?? "")?.[1]);
    assert.ok(what && is, texts.join("\n"));
    assert.ok(Math.abs(num(what, "x") + num(what, "textLength") - num(is, "x")) < 0.02, `${what}\n${is}`);
  });
});

test("the format comes from a file stream's path, as Ruffus takes it from stream.name", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    const stream = createWriteStream("stream.svg");
    await p.printoutGraph({ output: stream });
    await new Promise<void>((resolve, reject) => stream.end(() => resolve()).on("error", reject));
    assert.match(readFileSync("stream.svg", "utf8"), /^<\?xml[\s\S]*<\/svg>\s*$/);
  });
});

test("a binary format to standard output ('-') is refused with a RuffusError, and nothing named '-' is written", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    await assert.rejects(p.printoutGraph({ output: "-", format: "png" }), (e: Error) => e instanceof RuffusError && /A png flowchart is binary and is not printed to standard output \('-'\): give a file name, e\.g\. flowchart\.png\./.test(e.message));
    assert.ok(!existsSync("-"));
  });
});

test("graphColourDemoPrintout draws the key of all eight colour schemes, as Ruffus's graph_colour_demo_printout", async () => {
  await inTempDir(async () => {
    const dot = String(await graphColourDemoPrintout("schemes.dot"));
    assert.equal(readFileSync("schemes.dot", "utf8"), dot);
    for (let i = 0; i < 8; i++) assert.ok(dot.includes(`subgraph clusterkey${i}\n`) && dot.includes(`label = "Colour Scheme ${i}";`), `scheme ${i}`);
    const svg = String(await graphColourDemoPrintout(undefined, "svg"));
    assert.equal((svg.match(/<g id="clust\d+" class="cluster">/g) ?? []).length, 8);
  });
});

test("pictures: job counts under graphviz() labels too, and inactive tasks dashed and grey; the DOT stays Ruffus's", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const start = p.originate({ task: function start(o: string) { writeFileSync(o, ""); }, output: ["a.s", "b.s", "c.s"] }).graphviz({ label: '"Begin"' });
    p.transform({ task: function off(_i: string, o: string) { writeFileSync(o, ""); }, input: start, filter: suffix(".s"), output: ".o" }).activeIf(false);
    p.transform({ task: function html(_i: string, o: string) { writeFileSync(o, ""); }, input: start, filter: suffix(".s"), output: ".h" }).graphviz({ label: "<An <B>html</B> label>" });
    const svg = String(await p.printoutGraph({ format: "svg" }));
    assert.ok(svg.includes(">Begin</text>") && svg.includes(">(3 jobs)</text>"), svg);
    const off = /<title>t\d+<\/title>\n(?:<[^\n]*\n)*?<text[^>]*>off<\/text>\n<text[^>]*>\(inactive\)<\/text>/.exec(svg);
    assert.ok(off, "the inactive task says so");
    const offNode = svg.slice(svg.lastIndexOf("<g id=", off.index), off.index + off[0].length);
    assert.match(offNode, /stroke="gray" stroke-dasharray/);
    assert.ok((svg.match(/>\(3 jobs\)<\/text>/g) ?? []).length === 2, "the HTML label has its count too");
    const dot = String(await p.printoutGraph({ format: "dot" }));
    assert.ok(!dot.includes("inactive") && !dot.includes("jobs)") && !dot.includes("gray, fontcolor=gray"), dot);
  });
});

test("a double quote or a trailing backslash in pipelineName is escaped, so every format draws it", async () => {
  await inTempDir(async () => {
    const { p } = attributesPipeline();
    for (const [name, written] of [['My "best" run', 'My \\"best\\" run'], ["results\\", "results\\\\"]]) {
      const dot = String(await p.printoutGraph({ format: "dot", pipelineName: name }));
      assert.ok(dot.startsWith(`digraph "${written}"\n{\n`) && dot.includes(`\nlabel = "${written}";\n`), dot);
      const svg = String(await p.printoutGraph({ format: "svg", pipelineName: name }));
      assertWellFormedXml(svg);
      assert.ok(svg.includes(`>${name.replace(/"/g, "&quot;")}</text>`), svg);
      assert.deepEqual([...((await p.printoutGraph({ format: "png", pipelineName: name })) as Uint8Array).slice(0, 8)], PNG_SIGNATURE);
    }
  });
});

test("a PNG shrunk by the pixel caps until its task names cannot be read is still written, with a warning to draw SVG or HTML", async () => {
  await inTempDir(async () => {
    const warnings: string[] = [];
    const logger = { info: () => {}, debug: () => {}, error: () => {}, warning: (m: string) => void warnings.push(m) };
    // 40 boxes side by side fit in 32,767 pixels with names a readable size: no warning.
    const [w] = pngSize((await wide().printoutGraph({ format: "png", logger })) as Uint8Array);
    assert.ok(w > 10_000, String(w));
    assert.deepEqual(warnings, []);
    const p = new Pipeline("wider");
    const start = p.originate({ name: "start", task: () => {}, output: ["s.0"] });
    for (let i = 0; i < 150; i++) {
      p.transform({ name: `a_task_with_a_very_very_very_long_name_that_goes_on_and_on_and_on_${i}`, task: () => {}, input: start, filter: suffix(".0"), output: `.${i}` });
    }
    const png = (await p.printoutGraph({ output: "wider.png", logger })) as Uint8Array;
    assert.deepEqual([...png.slice(0, 8)], PNG_SIGNATURE);
    assert.equal(pngSize(png)[0], 32_767);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^The flowchart is too large for a PNG: at 32767x\d+ pixels \(PNGs are kept within 32767 pixels a side and 64 million in all\) its task names are \d\.\d pixels high, too small to read\. Draw it as SVG or as the HTML report \(format "svg" or "html": no pixel limit, zoomable in a browser\)\.$/,
    );
  });
});

test("testAllTaskForUpdate: a task after a rerun whose files are up to date is 'Up-to-date task forced to rerun', or with false not asked and 'Task to run' (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const write = (o: string): void => writeFileSync(o, "");
    const first = p.originate({ task: function first(o: string) { write(o); }, output: ["a.start"] });
    const second = p.transform({ task: function second(_i: string, o: string) { write(o); }, input: first, filter: suffix(".start"), output: ".mid" });
    const third = p.transform({ task: function third(_i: string, o: string) { write(o); }, input: second, filter: suffix(".mid"), output: ".end" });
    const fourth = p.transform({ task: function fourth(_i: string, o: string) { write(o); }, input: third, filter: suffix(".end"), output: ".fin" });
    await p.run({ verbose: 0, checksumLevel: 0 });
    // second is out of date (its input is newer); third's own files are not.
    age("a.start", -5);
    age("a.end", -10);
    age("a.fin", -15);
    const options: PrintoutGraphOptions = { format: "dot", targetTasks: [fourth], checksumLevel: 0 };
    assert.equal(await p.printoutGraph(options), fixture("rerun-downstream-test-all.dot"));
    assert.equal(await p.printoutGraph({ ...options, testAllTaskForUpdate: true }), fixture("rerun-downstream-test-all.dot"));
    assert.equal(await p.printoutGraph({ ...options, testAllTaskForUpdate: false }), fixture("rerun-downstream-test-none.dot"));
  });
});

test("skipUptodateTasks with nothing to run draws a note saying so, never a blank picture", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const first = p.originate({ task: function first(o: string) { writeFileSync(o, ""); }, output: ["a.start"] });
    p.transform({ task: function second(_i: string, o: string) { writeFileSync(o, ""); }, input: first, filter: suffix(".start"), output: ".mid" });
    await p.run({ verbose: 0 });
    const note = 'note[shape=plaintext, label="Nothing to run: 2 tasks up to date"];\n';
    assert.ok(String(await p.printoutGraph({ format: "dot", skipUptodateTasks: true })).includes(`label = "Pipeline:";\n${note}}\n`));
    // Without skipUptodateTasks the tasks are drawn and there is no note.
    assert.ok(!String(await p.printoutGraph({ format: "dot" })).includes("note["));
    const svg = String(await p.printoutGraph({ format: "svg", skipUptodateTasks: true }));
    assert.match(svg, />Nothing to run: 2 tasks up to date<\/text>/);
    const [w, h] = pngSize((await p.printoutGraph({ format: "png", skipUptodateTasks: true })) as Uint8Array);
    assert.ok(w > 300 && h > 100, `${w}x${h}`);
  });
});

test("the key of a picture lists the states drawn: an inactive task's own state is not, 'Inactive task' is; DOT keeps Ruffus's key", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const a = p.originate({ task: function a(o: string) { writeFileSync(o, ""); }, output: ["a.start"] });
    const b = p.transform({ task: function b(_i: string, o: string) { writeFileSync(o, ""); }, input: a, filter: suffix(".start"), output: ".mid" });
    const c = p.transform({ task: function c(_i: string, o: string) { writeFileSync(o, ""); }, input: b, filter: suffix(".mid"), output: ".end" });
    const keyOf = async (format: string): Promise<string[]> => {
      const text = String(await p.printoutGraph({ format, targetTasks: [c], forcedtorunTasks: [b], noKeyLegend: false }));
      return format === "dot"
        ? [...text.matchAll(/^k\d+_1\[.*label="([^"]*)"/gm)].map((m) => m[1])
        : [...text.split(">Key:</text>")[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).filter((t) => !["a", "b", "c", "(inactive)"].includes(t));
    };
    // Task b is the only forced task; its key entry goes when it is drawn inactive.
    assert.deepEqual(await keyOf("dot"), ["Explicitly specified task", "Task to run", "Final target"]);
    assert.deepEqual(await keyOf("svg"), ["Explicitly specified task", "Task to run", "Final target"]);
    b.activeIf(false);
    assert.deepEqual(await keyOf("dot"), ["Explicitly specified task", "Task to run", "Final target"]);
    assert.deepEqual(await keyOf("svg"), ["Task to run", "Final target", "Inactive task"]);
  });
});

/**
 * start (2 files) → middle → merge end, and other after start too, run once: everything up to date.
 * The fixtures after-run*.dot are Ruffus 2.8.4's pipeline_printout_graph(stream, "dot", ...) for the
 * same pipeline (decorators, same files) after its pipeline_run().
 */
async function afterRun(): Promise<{ p: Pipeline; start: Task; middle: Task; end: Task }> {
  const p = new Pipeline("main");
  const start = p.originate({ task: function start(o: string) { writeFileSync(o, "s"); }, output: ["a.start", "b.start"] });
  const middle = p.transform({ task: function middle(i: string, o: string) { writeFileSync(o, readFileSync(i, "utf8")); }, input: start, filter: suffix(".start"), output: ".middle" });
  const end = p.merge({ task: function end(_i: string[], o: string) { writeFileSync(o, ""); }, input: middle, output: "all.end" });
  p.transform({ task: function other(_i: string, o: string) { writeFileSync(o, ""); }, input: start, filter: suffix(".start"), output: ".other" });
  await p.run({ verbose: 0 });
  return { p, start, middle, end };
}
type Task = ReturnType<Pipeline["originate"]>;

test("DOT after a run, no targetTasks: every task an 'Up-to-date Final target', as Ruffus draws it (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p } = await afterRun();
    // Without targets Ruffus makes every task of the pipeline a target (_pipeline_prepare_to_run),
    // so every box is a final target; naming the last task gives the up-to-date colours (next test).
    assert.equal(await p.printoutGraph({ format: "dot" }), fixture("after-run.dot"));
  });
});

test("DOT after a run with a target: up to date before it, 'Down stream' after it (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p, middle } = await afterRun();
    assert.equal(await p.printoutGraph({ format: "dot", targetTasks: [middle] }), fixture("after-run-target-middle.dot"));
  });
});

test("DOT after a run with forcedtorunTasks, with and without a target (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p, start, middle, end } = await afterRun();
    // No target: the forced task is 'Explicitly specified', every task after it a 'Final target'.
    assert.equal(await p.printoutGraph({ format: "dot", forcedtorunTasks: [start] }), fixture("after-run-forced.dot"));
    assert.equal(await p.printoutGraph({ format: "dot", targetTasks: [end], forcedtorunTasks: [middle] }), fixture("after-run-target-forced.dot"));
  });
});

test("DOT after a run with forcedtorunTasks and skipUptodateTasks: Ruffus's without its uncoloured up-to-date boxes (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p, middle } = await afterRun();
    const ruffus = fixture("after-run-forced-skip.dot");
    // Ruffus keeps start and other (up to date) as plain boxes, no colour, no edge; we leave them out.
    assert.match(ruffus, /^t0\[label="start", shape=box3d\];\n/m);
    assert.match(ruffus, /^t3\[label="other", shape=box3d\];\n/m);
    assert.equal(await p.printoutGraph({ format: "dot", forcedtorunTasks: [middle], skipUptodateTasks: true }), ruffus.replace(/^t[03]\[label=.*\n/gm, ""));
  });
});

test("DOT after a run with skipUptodateTasks and nothing to run: a note instead of Ruffus's plain boxes (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p } = await afterRun();
    const dot = String(await p.printoutGraph({ format: "dot", skipUptodateTasks: true }));
    // Ruffus 2.8.4: t0[label="start", shape=box3d]; ... the four tasks uncoloured, no edges, no key.
    assert.match(dot, /^note\[shape=plaintext, label="Nothing to run: 4 tasks up to date"\];\n\}\n\}\n$/m);
    assert.doesNotMatch(dot, /^t\d+\[/m);
  });
});

/** base: s1 → s2, not run; the fixtures clone*.dot and other-pipeline-input.dot are Ruffus 2.8.4's for it. */
function basePipeline(): { base: Pipeline; s2: ReturnType<Pipeline["transform"]> } {
  const base = new Pipeline("base");
  const s1 = base.originate({ task: function s1(o: string) { writeFileSync(o, ""); }, output: ["x.a"] });
  const s2 = base.transform({ task: function s2(_i: string, o: string) { writeFileSync(o, ""); }, input: s1, filter: suffix(".a"), output: ".b" });
  return { base, s2 };
}

/**
 * Ruffus numbers a clone's tasks in the order of a Python set (Pipeline.clone iterates
 * `self.tasks`), which varies between runs; we number them in the original's order. For the
 * two-task clone Ruffus gave s1 t3 and s2 t2 in each of 6 runs: swap them to compare the rest.
 */
const cloneIdsInOrder = (ruffus: string): string => ruffus.replace(/\bt3\b/g, "T").replace(/\bt2\b/g, "t3").replace(/\bT\b/g, "t2");

test("DOT of a cloned pipeline: bare task names, as Ruffus labels them (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { base } = basePipeline();
    const b = base.clone("b");
    assert.equal(await b.printoutGraph({ format: "dot" }), cloneIdsInOrder(fixture("clone.dot")));
  });
});

test("DOT of a pipeline and its clone together: bare names in DOT as Ruffus's; pictures prefix a name drawn twice (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { base } = basePipeline();
    const b = base.clone("b");
    const ruffus = fixture("clone-and-original.dot");
    assert.equal((ruffus.match(/label="s1"/g) ?? []).length, 2);
    assert.equal(await base.printoutGraph({ format: "dot", targetTasks: [base, b] }), cloneIdsInOrder(ruffus));
    // Two boxes both called "s1" cannot be told apart: the SVG says which pipeline each is from.
    const svg = String(await base.printoutGraph({ format: "svg", targetTasks: [base, b] }));
    for (const name of ["base::s1", "base::s2", "b::s1", "b::s2"]) assert.ok(svg.includes(`>${name}</text>`), name);
    assert.doesNotMatch(svg, />s1<\/text>/);
  });
});

test("DOT of a pipeline whose task takes a task of another pipeline as input: that pipeline's tasks drawn with bare names (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { s2 } = basePipeline();
    const other = new Pipeline("other");
    other.transform({ task: function t1(_i: string, o: string) { writeFileSync(o, ""); }, input: s2, filter: suffix(".b"), output: ".c" });
    const ruffus = fixture("other-pipeline-input.dot");
    assert.equal(await other.printoutGraph({ format: "dot" }), ruffus);
    // A name drawn once keeps its bare name in pictures too.
    assert.match(String(await other.printoutGraph({ format: "svg" })), />s1<\/text>/);
  });
});
