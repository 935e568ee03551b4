/**
 * `filesRe` and `combine`: Ruffus's deprecated `@files_re`, kept so old pipelines translate line for
 * line. Expectations compared with Ruffus 2.8.4 (the same pipeline in Python, recording every call;
 * tuples became arrays). The order of independent tasks is not compared (Ruffus's is set order).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { TaskDeclarationError, combine, filesRe, inputs, pipelineRun, regex } from "ruffus";
import { inTempDir, read } from "../helpers.ts";

test("filesRe: 3 arguments transform; more than 3 make the third an input pattern; combine() collates (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    for (const n of ["a.txt", "b.txt", "a.dat", "b.dat"]) writeFileSync(n, n);
    const calls: unknown[][] = [];
    const t3 = filesRe("*.txt", String.raw`(.*)\.txt`, String.raw`\1.out`)(function t3(i: string, o: string) {
      calls.push(["t3", i, o]);
      writeFileSync(o, i);
    });
    filesRe("*.txt", String.raw`(.*)\.txt`, String.raw`\1.dat`, String.raw`\1.out2`, String.raw`x\1`)(function t5(i: string, o: string, e: string) {
      calls.push(["t5", i, o, e]);
      writeFileSync(o, i);
    });
    filesRe("*.txt", combine(String.raw`(.)\.txt`), "all.comb")(function tc(i: string[], o: string) {
      calls.push(["tc", i, o]);
      writeFileSync(o, i.join(" "));
    });
    filesRe(t3, String.raw`(.*)\.out`, String.raw`\1.txt`, String.raw`\1.out3`)(function t4(i: string, o: string) {
      calls.push(["t4", i, o]);
      writeFileSync(o, i);
    });
    const s = await pipelineRun({ verbose: 0 });
    const byTask = (name: string): unknown[][] => calls.filter((c) => c[0] === name);
    assert.deepEqual(byTask("t3"), [["t3", "a.txt", "a.out"], ["t3", "b.txt", "b.out"]]);
    assert.deepEqual(byTask("t5"), [["t5", "a.dat", "a.out2", "xa"], ["t5", "b.dat", "b.out2", "xb"]]);
    assert.deepEqual(byTask("tc"), [["tc", ["a.txt", "b.txt"], "all.comb"]]);
    assert.deepEqual(byTask("t4"), [["t4", "a.txt", "a.out3"], ["t4", "b.txt", "b.out3"]]);
    assert.equal(s.jobsRun, 7);
    assert.equal(read("all.comb"), "a.txt b.txt");
    // t4 ran after t3, its parent.
    assert.ok(calls.findIndex((c) => c[0] === "t4") > calls.findLastIndex((c) => c[0] === "t3"));
    const again = await pipelineRun({ verbose: 0 });
    assert.equal(again.jobsRun, 0);
  });
});

test("filesRe: a regex() or an explicit inputs() are taken as they are", async () => {
  await inTempDir(async () => {
    writeFileSync("a.txt", "a");
    writeFileSync("a.in", "A");
    const calls: unknown[][] = [];
    filesRe("*.txt", regex(String.raw`(.*)\.txt`), inputs(String.raw`\1.in`), String.raw`\1.out`, "e")(function t(i: string, o: string, e: string) {
      calls.push([i, o, e]);
      writeFileSync(o, i);
    });
    await pipelineRun({ verbose: 0 });
    assert.deepEqual(calls, [["a.in", "a.out", "e"]]);
  });
});

test("filesRe: too few arguments and a non-regex filter are declaration errors naming the task", async () => {
  await inTempDir(() => {
    assert.throws(
      () => filesRe("*.txt", String.raw`(.*)\.txt`)(function few() {}),
      (e: unknown) => e instanceof TaskDeclarationError && e.message === "Task 'few': filesRe() needs at least 3 arguments (input, regex, output), got 2.",
    );
    assert.throws(
      () => filesRe("*.txt", 3, "x")(function badFilter() {}),
      (e: unknown) => e instanceof TaskDeclarationError && e.message === "Task 'badFilter', argument 'filter': filesRe()'s second argument must be a regular expression string.",
    );
  });
});
