/**
 * explain(): the reason words of `ruff why`, `ruff -n --json` and the report, and that its work
 * grows with the number of files, not with its square — counted in element reads, not timed: a
 * merge of 10^5 missing inputs once took 28 s in `inputs.includes(f)` for every missing file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { explain, namedFiles } from "../../src/report/explain.ts";

/** An array that counts how often its elements are read, by any means (index, iteration, includes, indexOf). */
function counted(values: string[]): { array: string[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === "string" && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { array, reads: () => reads };
}

test("explain() reads each file a bounded number of times, however many inputs are missing", () => {
  const n = 3000;
  const inputs = counted(Array.from({ length: n }, (_, i) => `in/f${i}.txt`));
  // Ruffus's check lists the missing inputs and then the missing output.
  const files = counted([...Array.from({ length: n }, (_, i) => `in/f${i}.txt`), "all.txt"]);
  const e = explain({ needsUpdate: true, reason: "", kind: "missing-files", files: files.array }, inputs.array, false);
  assert.equal(e.kind, "missing-output");
  assert.deepEqual(e.files, ["all.txt"]);
  // Linear: a few reads per file (quadratic would be n * n / 2 = 4.5 million).
  const reads = inputs.reads() + files.reads();
  assert.ok(reads <= 10 * n, `${reads} element reads for ${n} inputs`);
});

test("explain() with only inputs missing says so, naming all of them, or the first few when asked", () => {
  const inputs = Array.from({ length: 8 }, (_, i) => `f${i}`);
  const r = { needsUpdate: true, reason: "", kind: "missing-files" as const, files: inputs };
  const all = explain(r, inputs, false);
  assert.deepEqual([all.kind, all.files], ["missing-input", inputs]);
  assert.equal(all.text, "input f0, f1, f2, f3, f4, f5, f6, f7 does not exist (it should be made by an earlier task)");
  const few = explain(r, inputs, false, 3);
  assert.equal(few.text, "input f0, f1, f2 and 5 more does not exist (it should be made by an earlier task)");
  assert.deepEqual(few.files, inputs, "files keeps them all");
  assert.equal(namedFiles(["a", "b"], 2), "a, b");
});
