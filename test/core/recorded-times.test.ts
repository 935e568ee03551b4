/**
 * The time recorded for an output written just now: its file time, or just after its newest input
 * when the clock ticked too coarsely to tell them apart — never the (later) completion time, which
 * would hide an input edited right after the job, within the same clock tick.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { utimesSync, writeFileSync } from "node:fs";
import { Pipeline, suffix } from "ruffus";
import { inTempDir } from "../helpers.ts";

/** Files as a file system with whole-second times keeps them. */
const wholeSecond = (): number => Math.floor(Date.now() / 1000);

/** Writes the output and gives it a whole-second time, as such a file system would. */
function step(i: string, o: string): void {
  writeFileSync(o, i);
  utimesSync(o, wholeSecond(), wholeSecond());
}

function chain(): Pipeline {
  const p = new Pipeline("times");
  const one = p.transform({ name: "one", task: step, input: ["a.in"], filter: suffix(".in"), output: ".mid" });
  p.transform({ name: "two", task: step, input: one, filter: suffix(".mid"), output: ".out" });
  return p;
}

test("an input edited in the same clock tick as its output was written makes the job run again", async () => {
  await inTempDir(async () => {
    writeFileSync("a.in", "v1");
    const past = new Date(Date.now() - 60_000);
    utimesSync("a.in", past, past);
    const p = chain();
    assert.equal((await p.run({ verbose: 0 })).jobsRun, 2);
    // The edit lands in the second a.mid was written (a quick script): the same whole-second time.
    writeFileSync("a.in", "v2");
    utimesSync("a.in", wholeSecond(), wholeSecond());
    const again = await p.run({ verbose: 0 });
    assert.equal(again.jobsRun, 2, "both jobs must see the new a.in");
  });
});

test("outputs written in the same tick as their inputs still read as up to date along a chain", async () => {
  await inTempDir(async () => {
    writeFileSync("a.in", "v1");
    const p = chain();
    await p.run({ verbose: 0 });
    // All three files share one time, as on a file system with whole-second times.
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    for (const f of ["a.in", "a.mid", "a.out"]) utimesSync(f, t, t);
    await p.run({ verbose: 0, touchFilesOnly: 2 });
    const r = await p.run({ verbose: 0 });
    assert.equal(r.jobsRun, 0);
  });
});
