/**
 * Two modules each declaring a task function `align` (decorator style and Pipeline methods):
 * both tasks are accepted as `m1.align` and `m2.align`, and the short name is an error naming
 * both only when it is used. Compared with Ruffus 2.8.4 (two modules m1.py, m2.py each with an
 * `@originate def align`): pipeline_get_task_names() gives ['m1.align', 'm2.align'], the full
 * names are found, and "align" raises "align is ambiguous. Which do you mean? (m1.align,m2.align).".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline, TaskLookupError, follows, pipelinePrintout, pipelineRun } from "ruffus";
import { inTempDir, read } from "../helpers.ts";

function listed(printout: string): string[] {
  return [...printout.matchAll(/^Task = '([^']+)'/gm)].map((m) => m[1]);
}

function ambiguous(message: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TaskLookupError, String(e));
    assert.equal(e.message, message);
    return true;
  };
}

const MAIN_MSG =
  "Task name 'align' is ambiguous: functions of that name in several modules made tasks 'm1.align', 'm2.align'. " +
  "Which do you mean? Use one of those names, or the function or Task object.";

test("functions named align in two modules make tasks m1.align and m2.align; 'align' is ambiguous only when used (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    // Imported here, after inTempDir forgot earlier pipelines: the decorators run at import.
    const m1 = await import("./fixtures/m1.ts");
    const m2 = await import("./fixtures/m2.ts");
    assert.deepEqual(Pipeline.main.getTaskNames(), ["m1.align", "m2.align"]);
    assert.deepEqual(listed(await pipelinePrintout({ verbose: 1, targetTasks: ["m1.align"] })), ["m1.align"]);
    await assert.rejects(pipelinePrintout({ verbose: 1, targetTasks: ["align"] }), ambiguous(MAIN_MSG));
    await assert.rejects(pipelinePrintout({ verbose: 1, targetTasks: ["main::align"] }), ambiguous(MAIN_MSG));
    follows("m2.align")(function after() {});
    const summary = await pipelineRun({ verbose: 0, targetTasks: ["after"] });
    assert.equal(read("m2.start"), "m2");
    assert.equal(summary.jobsRun, 2, "m2.align's job and after's; not m1.align's");
    follows("align")(function confused() {});
    await assert.rejects(pipelineRun({ verbose: 0 }), ambiguous(`Task 'confused': ${MAIN_MSG}`));

    // The same with Pipeline methods: the task function passed as `task` in each module.
    const q = Pipeline.lookup("q") as Pipeline;
    const [a1, a2] = [m1.oopAlign, m2.oopAlign];
    assert.deepEqual([a1.name, a2.name], ["m1.align", "m2.align"]);
    assert.deepEqual(q.getTaskNames(), ["m1.align", "m2.align"]);
    assert.equal(q.getTask("q::m2.align"), a2);
    assert.throws(() => q.getTask("align"), ambiguous(MAIN_MSG.replace("'m1.align', 'm2.align'", "'q::m1.align', 'q::m2.align'")));
  });
});

test("one module cannot declare two tasks of one name; the error is unchanged", () => {
  const p = new Pipeline("same-module");
  p.originate({ task: function make() {}, output: ["a"] });
  assert.throws(
    () => p.originate({ task: function make() {}, output: ["b"] }),
    /^RuffusError: Same task name 'make' specified multiple times in the same pipeline \(same-module\)\. Use the name option to tell them apart\.$/,
  );
});
