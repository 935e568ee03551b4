/**
 * Flowcharts: DOT text byte-for-byte equal to Ruffus 2.8.4's for the same pipelines (the fixtures
 * were written by Ruffus's pipeline_printout_graph), SVG and PNG made in-process, JSON, job counts
 * in pictures, cycles drawn rather than refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Pipeline, suffix, pipelinePrintoutGraph } from "ruffus";
import { inTempDir, age } from "../helpers.ts";

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

test("DOT skipping up-to-date tasks, with a user colour scheme and a title, equals Ruffus's (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const { p, second } = attributesPipeline();
    const dot = await p.printoutGraph({
      format: "dot",
      targetTasks: [second],
      skipUptodateTasks: true,
      userColourScheme: { colour_scheme_index: 3, "Task to run": { fillcolor: '"#123456"' } },
      pipelineName: "My pipeline",
    });
    assert.equal(dot, fixture("skip-uptodate-colour-scheme.dot"));
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
