/**
 * Ports ruffus/test/test_filesre_combine.py: a task that writes one file per animal
 * ("<species>.<group>.animal"), then one job per group gathering that group's files into
 * "<group>.results".
 *
 * The original uses the deprecated `@files_re(glob, regex, combine(input_pattern), output_pattern)`,
 * which Ruffus 2.8.4 turns into `@collate(glob, regex(regex), inputs(input_pattern), output_pattern)`
 * (`Task._decorator_files_re`: `combine` makes it a collate, a 4th argument wraps the 3rd in
 * `inputs()`). This library has no `files_re`/`combine`, so the port declares that collate directly.
 *
 * The original checks each .results file; the jobs (inputs grouped and sorted), the posttask calls
 * and the job count were also compared with Ruffus 2.8.4. The original runs with multiprocess=10;
 * the task functions are declared inside this file, so the jobs run with multithread.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { collate, follows, inputs, mkdir, pipelineRun, posttask, regex } from "ruffus";
import { exists, inTempDir, read } from "../helpers.ts";

const tempdir = "test_filesre_combine/";
const testFile = `${tempdir}task.done`;

const speciesList: Record<string, string[]> = {
  mammals: ["cow", "horse", "sheep"],
  reptiles: ["snake", "lizard", "crocodile"],
  fish: ["pufferfish"],
};

/** Python's json.dumps for nested lists of strings. */
const pyJson = (v: unknown): string => (Array.isArray(v) ? `[${v.map(pyJson).join(", ")}]` : JSON.stringify(v));

const doWrite = (file: string, what: string): void => appendFileSync(file, what);

function checkSpeciesCorrect(): void {
  for (const [grouping, species] of Object.entries(speciesList)) {
    assert.equal(read(`${tempdir}${grouping}.results`), [...species].sort().map((s) => `${s}\n`).join(""));
  }
}

describe("test_filesre_combine", () => {
  test("files_re(glob, regex, combine(...), output) as collate(): one job per group (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const prepareFiles = follows(mkdir(tempdir, `${tempdir}test`))(
        posttask(() => doWrite(testFile, "Task 1 Done\n"))(function prepare_files() {
          for (const [grouping, species] of Object.entries(speciesList)) {
            for (const name of species) writeFileSync(`${tempdir}${name}.${grouping}.animal`, `${name}\n`);
          }
        }),
      );
      collate(`${tempdir}*.animal`, regex(String.raw`(.*/)(.*)\.(.*)\.animal`), inputs(String.raw`\1\2.\3.animal`), String.raw`\1\3.results`)(
        follows(prepareFiles)(
          posttask(() => doWrite(testFile, "Task 2 Done\n"))(function summarise_by_grouping(infiles: string[], outfile: string) {
            "Summarise by each species group, e.g. mammals, reptiles, fish";
            appendFileSync(`${tempdir}jobs.start`, `job = ${pyJson([infiles, outfile])}\n`);
            writeFileSync(outfile, infiles.map((i) => read(i)).join(""));
            appendFileSync(`${tempdir}jobs.finish`, `job = ${pyJson([infiles, outfile])}\n`);
          }),
        ),
      );

      const summary = await pipelineRun({ multithread: 10, verbose: 0 });
      checkSpeciesCorrect();

      const jobs = (which: string): string[] => read(`${tempdir}jobs.${which}`).split("\n").filter((l) => l !== "").sort();
      const d = (f: string): string => JSON.stringify(tempdir + f);
      assert.deepEqual(jobs("start"), [
        `job = [[${d("cow.mammals.animal")}, ${d("horse.mammals.animal")}, ${d("sheep.mammals.animal")}], ${d("mammals.results")}]`,
        `job = [[${d("crocodile.reptiles.animal")}, ${d("lizard.reptiles.animal")}, ${d("snake.reptiles.animal")}], ${d("reptiles.results")}]`,
        `job = [[${d("pufferfish.fish.animal")}], ${d("fish.results")}]`,
      ].sort());
      assert.deepEqual(jobs("finish"), jobs("start"));
      assert.equal(read(testFile), "Task 1 Done\nTask 2 Done\n");
      assert.ok(exists(`${tempdir}test`));
      const jobsOf = Object.fromEntries(summary.tasks.map((t) => [t.task, t.jobsRun]));
      assert.equal(jobsOf["prepare_files"], 1);
      assert.equal(jobsOf["summarise_by_grouping"], 3);
    });
  });
});
