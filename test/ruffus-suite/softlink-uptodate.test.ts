/**
 * Ports ruffus/test/test_softlink_uptodate.py: a transform whose output is its own input (suffix
 * ".1" -> ".1", a pass-through that does nothing) and a transform whose output is a symbolic link to
 * its input both count as up to date — an output that resolves to one of the job's inputs is left
 * out of the time comparison — and a final transform consumes both. Decorator style (the "main"
 * pipeline) and `new Pipeline(...)` style.
 *
 * Compared with Ruffus 2.8.4: the run log at verbose 3 (the pass-through task is "Uptodate" on the
 * first run, its function never called), the eight files left (two of them symbolic links), and a
 * second run and a printout that find every task up to date. Ruffus queues the two middle tasks in
 * Python's set order; ours follows declaration order (README, "Differences from Ruffus").
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lstatSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { Pipeline, originate, pipelinePrintout, pipelineRun, suffix, transform, type RunOptions, type RunSummary } from "ruffus";
import { inTempDir, memoryLogger } from "../helpers.ts";

const FILES = ["a.1", "a.3", "a.linked.1", "a.linked.3", "b.1", "b.3", "b.linked.1", "b.linked.3"];

type Style = "decorator" | "pipeline";

function build(style: Style, calls: string[]) {
  function start_task(output_file_name: string): void {
    writeFileSync(output_file_name, "");
  }
  function same_file_name_task(_input_file_name: string, output_file_name: string): void {
    calls.push(`same ${output_file_name}`);
  }
  function linked_file_name_task(input_file_name: string, output_file_name: string): void {
    symlinkSync(input_file_name, output_file_name);
  }
  function final_task(_input_file_name: string, output_file_name: string): void {
    writeFileSync(output_file_name, "");
  }
  if (style === "decorator") {
    originate(["a.1", "b.1"])(start_task);
    transform(start_task, suffix(".1"), ".1")(same_file_name_task);
    transform(start_task, suffix(".1"), ".linked.1")(linked_file_name_task);
    transform([linked_file_name_task, same_file_name_task], suffix(".1"), ".3")(final_task);
    return { prefix: "", run: (o: RunOptions): Promise<RunSummary> => pipelineRun(o), printout: () => pipelinePrintout({ verbose: 5 }) };
  }
  const test_pipeline = new Pipeline("test");
  test_pipeline.originate({ task: start_task, output: ["a.1", "b.1"] });
  test_pipeline.transform({ task: same_file_name_task, input: start_task, filter: suffix(".1"), output: ".1" });
  test_pipeline.transform({ task: linked_file_name_task, input: start_task, filter: suffix(".1"), output: ".linked.1" });
  test_pipeline.transform({ task: final_task, input: [linked_file_name_task, same_file_name_task], filter: suffix(".1"), output: ".3" });
  return { prefix: "test::", run: (o: RunOptions) => test_pipeline.run(o), printout: () => test_pipeline.printout({ verbose: 5 }) };
}

describe("test_softlink_uptodate", () => {
  for (const style of ["decorator", "pipeline"] as const) {
    test(`${style} style: pass-through and symlinked outputs are up to date; the pipeline completes and then has nothing to do (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const calls: string[] = [];
        const b = build(style, calls);
        const log = memoryLogger();
        await b.run({ logExceptions: true, verbose: 3, logger: log });
        const t = (name: string): string => `'${b.prefix}${name}'`;
        // Ruffus 2.8.4's log at verbose 3, but for its set order of the two middle tasks and the
        // interleaving of the final task's concurrent jobs (compared as a set below).
        const lines = log.lines;
        const finalAt = lines.indexOf(`Task enters queue = ${t("final_task")} `);
        assert.ok(finalAt > 0, log.text());
        assert.deepEqual(lines.slice(0, finalAt), [
          "",
          "________________________________________",
          "Tasks which will be run:",
          "",
          "",
          `Task enters queue = ${t("start_task")} `,
          "    Job  = [None -> a.1]",
          "    Job  = [None -> b.1]",
          "    Job  = [None -> a.1] completed",
          "    Job  = [None -> b.1] completed",
          `Completed Task = ${t("start_task")} `,
          `Task enters queue = ${t("same_file_name_task")} `,
          `Uptodate Task = ${t("same_file_name_task")}`,
          `Task enters queue = ${t("linked_file_name_task")} `,
          "    Job  = [a.1 -> a.linked.1]",
          "    Job  = [b.1 -> b.linked.1]",
          "    Job  = [a.1 -> a.linked.1] completed",
          "    Job  = [b.1 -> b.linked.1] completed",
          `Completed Task = ${t("linked_file_name_task")} `,
        ]);
        const jobs = ["a.1 -> a.3", "a.linked.1 -> a.linked.3", "b.1 -> b.3", "b.linked.1 -> b.linked.3"];
        assert.deepEqual(lines.slice(finalAt + 1, -1).sort(), [...jobs.map((j) => `    Job  = [${j}]`), ...jobs.map((j) => `    Job  = [${j}] completed`)].sort());
        assert.equal(lines.at(-1), `Completed Task = ${t("final_task")} `);
        assert.deepEqual(calls, [], "the pass-through task's function is never called");

        // The original's tearDown: every file exists (lexists: the links themselves).
        assert.deepEqual(readdirSync(".").filter((f) => !f.startsWith(".ruffus_history")).sort(), FILES);
        for (const x of "ab") {
          assert.ok(lstatSync(`${x}.linked.1`).isSymbolicLink());
          assert.equal(readlinkSync(`${x}.linked.1`), `${x}.1`);
        }

        const again = await b.run({ verbose: 0 });
        assert.equal(again.jobsRun, 0);
        const s = await b.printout();
        assert.deepEqual([...s.slice(s.indexOf("Tasks which will be run:")).matchAll(/^Task = /gm)], []);
        assert.deepEqual([...s.matchAll(/^Task = '(.+)'$/gm)].map((m) => m[1]).sort(), ["final_task", "linked_file_name_task", "same_file_name_task", "start_task"].map((n) => b.prefix + n));
      });
    });
  }
});
