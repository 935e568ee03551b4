/**
 * Per-task resources from the config file: exact names, "pipeline::task", and picomatch patterns
 * over task names (a family of tasks at once), patterns first so that a task's own entry wins.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pipeline } from "ruffus";
import { applyTaskResources } from "../../src/cli/config.ts";
import { UsageError } from "../../src/cli/errors.ts";

test("config task keys: exact names, patterns over a family of tasks, exact entries winning", () => {
  Pipeline.clearAll();
  const p = new Pipeline("cfg");
  const noop = (): void => undefined;
  p.originate({ name: "alignA", task: noop, output: ["a"] });
  p.originate({ name: "alignB", task: noop, output: ["b"] });
  p.originate({ name: "callVariants", task: noop, output: ["c"] });
  p.mkdir({ output: "out" });
  applyTaskResources(p, {
    tasks: {
      alignB: { cpus: 16 },
      "align*": { cpus: 8, memMb: 16000 },
      "cfg::call?ariants": { time: "1:00:00" },
      mkdir: { partition: "short" },
    },
  });
  assert.deepEqual(p.getTask("alignA").resourcesValue, { cpus: 8, memMb: 16000 });
  assert.deepEqual(p.getTask("alignB").resourcesValue, { cpus: 16, memMb: 16000 });
  assert.deepEqual(p.getTask("callVariants").resourcesValue, { time: "1:00:00" });
  assert.deepEqual(p.getTask("mkdir").resourcesValue, { partition: "short" });
  Pipeline.clearAll();
});

test("a config task pattern that matches no task is a usage error naming it and the tasks", () => {
  Pipeline.clearAll();
  const p = new Pipeline("cfg");
  p.originate({ name: "alignA", task: () => undefined, output: ["a"] });
  assert.throws(
    () => applyTaskResources(p, { tasks: { "algn*": { cpus: 2 } } }),
    (e: unknown) => e instanceof UsageError && e.message === "Config file: task pattern 'algn*' matches no task (the tasks are 'cfg::alignA').",
  );
  Pipeline.clearAll();
});
