/**
 * Behaviour found missing by an audit against Ruffus 2.8.4: clone() and indicator values, follows()
 * of a plain function, module functions over every pipeline, combinatorics with no jobs, error
 * texts, declaration-time checks. Each "compared with Ruffus 2.8.4" expectation comes from the same
 * pipeline written in Python and run with Ruffus 2.8.4.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline, addInputs, inputs, outputFrom, suffix } from "ruffus";
import { inTempDir } from "../helpers.ts";
import { Recorder } from "./fixtures-kinds.ts";

const run0 = { verbose: 0 } as const;

describe("clone()", () => {
  test("Task objects inside outputFrom(), addInputs(), inputs() and nested lists point to the clone's tasks (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const rec = new Recorder();
      const p = new Pipeline("p");
      const a = p.originate({ task: rec.fn("make", "orig"), output: ["p.start"] });
      p.transform({ task: rec.fn("copy"), input: outputFrom(a), filter: suffix(".start"), output: ".copy" });
      p.transform({ task: rec.fn("addin"), input: outputFrom(a), filter: suffix(".start"), addInputs: addInputs(outputFrom(a)), output: ".add" });
      p.transform({ task: rec.fn("rep"), input: [a], filter: suffix(".start"), replaceInputs: inputs(outputFrom(a)), output: ".rep" });
      p.merge({ task: rec.fn("m"), input: [[a]], output: "m.out" });
      p.setHeadTasks([a]);
      const q = p.clone("q");
      q.setOutput({ output: ["q.start"] });
      await q.run(run0);
      const calls = rec.calls.filter((c) => c[0] !== "make").sort((x, y) => x[0].localeCompare(y[0]));
      assert.deepEqual(calls, [
        ["addin", [["q.start", "q.start"], "q.add"]],
        ["copy", ["q.start", "q.copy"]],
        ["m", [[["q.start"]], "m.out"]],
        ["rep", [["q.start"], "q.rep"]],
      ]);
    });
  });
});
