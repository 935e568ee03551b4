/**
 * Ports ruffus/test/test_graphviz.py: graphviz() attributes (URL, colours, an HTML label with a
 * prefix and a suffix, shape, height, peripheries, style) reach the flowchart's DOT text, for a
 * chain of follows() tasks with checkIfUptodate() checks, two targets and two tasks downstream of
 * them. The original looks for the one attribute line; here the whole DOT text is compared with
 * what Ruffus 2.8.4's pipeline_printout_graph writes for the same pipeline (compared with Ruffus
 * 2.8.4). Ruffus orders sibling nodes by Python set order, which varies from run to run; the
 * expected text is one of its outputs, the one in our (declaration) order.
 *
 * Decorator style (the "main" pipeline) and the Pipeline style, as in the original.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline, checkIfUptodate, follows, graphviz, pipelinePrintoutGraph } from "ruffus";
import { inTempDir } from "../helpers.ts";
import { DOT_HEADER } from "./fixtures/dot-text.ts";

const ATTRIBUTE_LINE =
  '[URL="http://cnn.com", color="#FF0000", fillcolor="#FFCCCC", fontcolor="#4B6000", height=1.5, label=<What is this?<BR/> What <FONT COLOR="red">is</FONT>this???>, pencolor="#FF0000", peripheries=5, shape=component, style=dashed]';

const GRAPHVIZ = {
  URL: '"http://cnn.com"',
  fillcolor: '"#FFCCCC"',
  color: '"#FF0000"',
  pencolor: '"#FF0000"',
  fontcolor: '"#4B6000"',
  label_suffix: "???",
  label_prefix: "What is this?<BR/> ",
  label: '<What <FONT COLOR="red">is</FONT>this>',
  shape: "component",
  height: 1.5,
  peripheries: 5,
  style: "dashed",
};

/** Never needs to run: the check of every "Up_to_date" task. */
const upToDate = (): readonly [boolean, string] => [false, ""];

/** Written by Ruffus 2.8.4 for this pipeline, targets [Final_target, Up_to_date_final_target], in a fresh process. */
const EXPECTED_DOT = [
  ...DOT_HEADER,
  't0[color="#006000", fillcolor="#B8CC6E", fontcolor="#006000", label="Up_to_date_task1", shape=box3d, style=filled];',
  't4[color="#006000", fillcolor="#B8CC6E", fontcolor="#006000", label="Explicitly_specified_task", shape=box3d, style=filled];',
  "t0 -> t4[color=gray, arrowtype=normal];",
  't5[color="#0044A0", fillcolor="#EBF3FF", fontcolor="#0044A0", label="Task_to_run1", shape=box3d, style=filled];',
  "t4 -> t5[color=gray, arrowtype=normal];",
  't6[color="#0044A0", fillcolor="#EBF3FF", fontcolor="#0044A0", label="Task_to_run2", shape=box3d, style=filled];',
  't5 -> t6[color="#0044A0"];',
  't8[color="#0044A0", fillcolor=transparent, fontcolor="#0044A0", label="Up_to_date_task_forced_to_rerun", shape=box3d, style=dashed];',
  't6 -> t8[color="#0044A0"];',
  't7[color="#0044A0", fillcolor="#EBF3FF", fontcolor="#0044A0", label="Task_to_run3", shape=box3d, style=filled];',
  't6 -> t7[color="#0044A0"];',
  't9[color=black, fillcolor="#EFA03B", fontcolor=black, label="Final_target", shape=box3d, style=filled];',
  't8 -> t9[color="#0044A0"];',
  't7 -> t9[color="#0044A0"];',
  `t1${ATTRIBUTE_LINE};`,
  "t0 -> t1[color=gray, arrowtype=normal];",
  't2[color="#006000", fillcolor="#B8CC6E", fontcolor="#006000", label="Up_to_date_task3", shape=box3d, style=filled];',
  "t1 -> t2[color=gray, arrowtype=normal];",
  't3[color="#006000", fillcolor="#EFA03B", fontcolor="#006000", label="Up_to_date_final_target", shape=box3d, style=filled];',
  "t2 -> t3[color=gray, arrowtype=normal];",
  't10[color=gray, fillcolor=white, fontcolor=gray, label="Downstream_task1_ignored", shape=box3d, style=filled];',
  "t9 -> t10[color=gray, arrowtype=normal];",
  't11[color=gray, fillcolor=white, fontcolor=gray, label="Downstream_task2_ignored", shape=box3d, style=filled];',
  "t9 -> t11[color=gray, arrowtype=normal];",
  "}",
  "subgraph clusterkey1",
  "{",
  'rank="min";',
  "style=filled;",
  "fontsize=20;",
  'color="#F6F4F4";',
  'label = "Key:";',
  'fontcolor = black;node[margin="0.2,0.2", fontsize="14"];',
  'k1_1[color=gray, fillcolor=white, fontcolor=gray, label="Down stream", shape=box3d, style=filled];',
  'k2_1[color="#006000", fillcolor="#B8CC6E", fontcolor="#006000", label="Up-to-date task", shape=box3d, style=filled];',
  "k1_1 -> k2_1[color=gray, arrowtype=normal];",
  'k3_1[color="#0044A0", fillcolor="#EBF3FF", fontcolor="#0044A0", label="Task to run", shape=box3d, style=filled];',
  "k2_1 -> k3_1[color=gray, arrowtype=normal];",
  'k4_1[color="#0044A0", fillcolor=transparent, fontcolor="#0044A0", label="Up-to-date task\\nforced to rerun", shape=box3d, style=dashed];',
  'k3_1 -> k4_1[color="#0044A0", arrowtype=normal];',
  'k5_1[color="#006000", fillcolor="#EFA03B", fontcolor="#006000", label="Up-to-date\\nFinal target", shape=box3d, style=filled];',
  'k4_1 -> k5_1[color="#0044A0", arrowtype=normal];',
  'k6_1[color=black, fillcolor="#EFA03B", fontcolor=black, label="Final target", shape=box3d, style=filled];',
  "k5_1 -> k6_1[color=gray, arrowtype=normal];",
  "}",
  "}",
  "",
].join("\n");

/** Ruffus numbers flowchart nodes with a counter over every task the process ever created. */
const shiftNodeIds = (dot: string, by: number): string => dot.replace(/\bt(\d+)\b/g, (_m, n: string) => `t${Number(n) + by}`);

// The task functions (never run: only drawn).
function Up_to_date_task1(_infile: unknown, _outfile: unknown): void {}
function Up_to_date_task2(_infile: unknown, _outfile: unknown): void {}
function Up_to_date_task3(_infile: unknown, _outfile: unknown): void {}
function Up_to_date_final_target(_infile: unknown, _outfile: unknown): void {}
function Explicitly_specified_task(_infile: unknown, _outfile: unknown): void {}
function Task_to_run1(_infile: unknown, _outfile: unknown): void {}
function Task_to_run2(_infile: unknown, _outfile: unknown): void {}
function Task_to_run3(_infile: unknown, _outfile: unknown): void {}
function Up_to_date_task_forced_to_rerun(_infile: unknown, _outfile: unknown): void {}
function Final_target(_infile: unknown, _outfile: unknown): void {}
function Downstream_task1_ignored(_infile: unknown, _outfile: unknown): void {}
function Downstream_task2_ignored(_infile: unknown, _outfile: unknown): void {}

/** The decorator-style pipeline of the original, in its decorator order (innermost first). */
function declareDecoratorStyle(): void {
  checkIfUptodate(upToDate)(Up_to_date_task1);
  graphviz(GRAPHVIZ)(checkIfUptodate(upToDate)(follows(Up_to_date_task1)(Up_to_date_task2)));
  checkIfUptodate(upToDate)(follows(Up_to_date_task2)(Up_to_date_task3));
  checkIfUptodate(upToDate)(follows(Up_to_date_task3)(Up_to_date_final_target));
  checkIfUptodate(upToDate)(follows(Up_to_date_task1)(Explicitly_specified_task));
  follows(Explicitly_specified_task)(Task_to_run1);
  follows(Task_to_run1)(Task_to_run2);
  follows(Task_to_run2)(Task_to_run3);
  checkIfUptodate(upToDate)(follows(Task_to_run2)(Up_to_date_task_forced_to_rerun));
  follows(Up_to_date_task_forced_to_rerun, Task_to_run3)(Final_target);
  follows(Final_target)(Downstream_task1_ignored);
  follows(Final_target)(Downstream_task2_ignored);
}

/**
 * The Pipeline-style pipeline of the original. Ruffus's `pipeline.check_if_uptodate(f, check)`
 * declares f when it is not a task yet; that is tested on its own below, so here the first task
 * is declared with follows() and given its check.
 */
function declarePipelineStyle(name: string): Pipeline {
  const p = new Pipeline(name);
  p.follows({ task: Up_to_date_task1 }).checkIfUptodate(upToDate);
  p.follows({ task: Up_to_date_task2, parents: [Up_to_date_task1] }).checkIfUptodate(upToDate).graphviz(GRAPHVIZ);
  p.follows({ task: Up_to_date_task3, parents: [Up_to_date_task2] }).checkIfUptodate(upToDate);
  p.follows({ task: Up_to_date_final_target, parents: [Up_to_date_task3] }).checkIfUptodate(upToDate);
  p.follows({ task: Explicitly_specified_task, parents: [Up_to_date_task1] }).checkIfUptodate(upToDate);
  p.follows({ task: Task_to_run1, parents: [Explicitly_specified_task] });
  p.follows({ task: Task_to_run2, parents: [Task_to_run1] });
  p.follows({ task: Task_to_run3, parents: [Task_to_run2] });
  p.follows({ task: Up_to_date_task_forced_to_rerun, parents: [Task_to_run2] }).checkIfUptodate(upToDate);
  p.follows({ task: Final_target, parents: [Up_to_date_task_forced_to_rerun, Task_to_run3] });
  p.follows({ task: Downstream_task1_ignored, parents: [Final_target] });
  p.follows({ task: Downstream_task2_ignored, parents: [Final_target] });
  return p;
}

const TARGETS = [Final_target, Up_to_date_final_target];

/** Collects what printoutGraph writes to a stream (the original passes a BytesIO). */
function sink(): { write(chunk: string | Uint8Array): void; text(): string } {
  const chunks: string[] = [];
  return {
    write: (chunk) => void chunks.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk)),
    text: () => chunks.join(""),
  };
}

describe("test_graphviz", () => {
  test("decorator style: graphviz() attributes appear in the DOT written to a stream, which equals Ruffus's (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      declareDecoratorStyle();
      const s = sink();
      const returned = await pipelinePrintoutGraph({ output: s, format: "dot", targetTasks: TARGETS });
      assert.ok(s.text().includes(ATTRIBUTE_LINE), s.text());
      assert.equal(returned, s.text());
      assert.equal(s.text(), EXPECTED_DOT);
    });
  });

  test("Pipeline style: graphviz() attributes appear in the DOT, which equals Ruffus's: nodes are labelled with the bare task names (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const p = declarePipelineStyle("test");
      const s = sink();
      await p.printoutGraph({ output: s, format: "dot", targetTasks: TARGETS });
      assert.ok(s.text().includes(ATTRIBUTE_LINE), s.text());
      assert.equal(s.text(), EXPECTED_DOT);
    });
  });

  test("Pipeline style beside the decorator-style tasks, as in the original's module: node ids continue after main's 12 tasks (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      declareDecoratorStyle();
      const p = declarePipelineStyle("test");
      // The functions name the "test" pipeline's own tasks (the DOT would show main's otherwise).
      const dot = String(await p.printoutGraph({ format: "dot", targetTasks: TARGETS }));
      assert.ok(dot.includes(ATTRIBUTE_LINE), dot);
      assert.equal(dot, shiftNodeIds(EXPECTED_DOT, 12));
    });
  });

  test("p.checkIfUptodate(f, check) declares f as a task of p when it is not one yet, as Ruffus's pipeline.check_if_uptodate does", async () => {
    await inTempDir(async () => {
      const p = new Pipeline("test");
      const t = p.checkIfUptodate(Up_to_date_task1, upToDate);
      assert.deepEqual(p.getTaskNames(), ["Up_to_date_task1"]);
      assert.equal(p.getTask(Up_to_date_task1), t);
    });
  });
});
