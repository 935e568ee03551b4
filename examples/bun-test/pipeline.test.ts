/**
 * Testing a ruffus pipeline with `bun test`:
 *
 *   bun test ./examples/bun-test
 *
 * "ruffus" resolves to this repository's sources (package.json "exports", condition "bun"); in
 * your own project it is the installed package. Each test builds the pipeline in a new temporary
 * directory, runs it, and checks the files it made. (Tasks are declared here because these runs use
 * the main process. With `multiprocess`, declare the pipeline in a module of its own and import it
 * here: each worker process imports the module that declared the tasks, and a test file imported
 * outside `bun test` fails with "Cannot use test outside of the test runner".)
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pipeline, RethrownJobError, suffix } from "ruffus";

let dir = "";
const home = process.cwd();
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ruffus-bun-test-"));
  process.chdir(dir);
  Pipeline.clearAll();
});
afterEach(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

/** Words files -> counts -> one total. */
function wordCount(): Pipeline {
  const p = new Pipeline("words");
  const texts = p.originate({
    task: async function write(output: string, text: string) {
      await Bun.write(output, text);
    },
    output: ["a.txt", "b.txt"],
    extras: ["the quick brown fox"],
  });
  const counts = p.transform({
    task: async function count(input: string, output: string) {
      const words = (await Bun.file(input).text()).split(/\s+/).filter(Boolean);
      await Bun.write(output, `${words.length}\n`);
    },
    input: texts,
    filter: suffix(".txt"),
    output: ".count",
  });
  p.merge({
    task: async function total(inputs: string[], output: string) {
      let sum = 0;
      for (const f of inputs) sum += Number(await Bun.file(f).text());
      await Bun.write(output, `${sum}\n`);
    },
    input: counts,
    output: "total.count",
  });
  return p;
}

test("the pipeline makes every file, then finds them up to date", async () => {
  const p = wordCount();
  const first = await p.run({ verbose: 0, multithread: 2 });
  expect(first.jobsRun).toBe(5);
  expect(readdirSync(dir).filter((f) => !f.startsWith(".ruffus_history")).sort()).toEqual(["a.count", "a.txt", "b.count", "b.txt", "total.count"]);
  expect(readFileSync("a.count", "utf8")).toBe("4\n");
  expect(readFileSync("total.count", "utf8")).toBe("8\n");
  const second = await p.run({ verbose: 0 });
  expect(second.jobsRun).toBe(0);
});

test("a changed input reruns only what depends on it", async () => {
  const p = wordCount();
  await p.run({ verbose: 0 });
  writeFileSync("b.txt", "one two");
  // The kernel stamps files with a coarse clock (a few ms per tick) while the history records exact
  // completion times: an edit made within a tick of the run can look older than the run's outputs.
  // A person is never that fast; a test is, so it dates the edit a second later.
  const later = new Date(Date.now() + 1000);
  utimesSync("b.txt", later, later);
  const again = await p.run({ verbose: 0 });
  expect(again.tasksRun).toEqual(["words::count", "words::total"]);
  expect(again.jobsRun).toBe(2);
  expect(readFileSync("total.count", "utf8")).toBe("6\n");
});

test("a failing job rejects the run with RethrownJobError naming the job", async () => {
  const p = new Pipeline("broken");
  p.originate({
    task: function explode(output: string) {
      throw new Error(`cannot make ${output}`);
    },
    output: "x.out",
  });
  const error = await p.run({ verbose: 0 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RethrownJobError);
  expect((error as RethrownJobError).message).toContain("cannot make x.out");
  expect((error as RethrownJobError).message).toContain("Job  = [None -> x.out]");
});
