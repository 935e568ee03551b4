/**
 * Ports ruffus/test/test_tutorial7.py (the old tutorial's variance pipeline): files(null, list)
 * after mkdir writes 10,000 random numbers; a split, declared after it with follows(), cuts the
 * list into 1,000-line chunks; a transform sums each chunk; a merge computes the variance, with
 * two posttask() calls (a function; then two functions and touchFile("done")).
 *
 * The Python test only checks that variance.result exists. Here also, as Ruffus 2.8.4 does (same
 * pipeline run under /usr/bin/python3): ten chunks and ten sums files, 1,000 values per chunk, the
 * "done" flag touched, the posttask functions called once each in declaration order
 * ("hooray", "hooray again", "whoppee again"), the variance equal to one computed directly, and a
 * second run that finds every task up to date and runs no posttask.
 *
 * Python-specific pieces left out: the posttasks print to stdout (here they record their call);
 * the jobs run with multithread: 50 instead of multiprocess=50 (these tasks are declared inside the
 * test, where worker processes cannot find them); the decorator-style variant is disabled in the
 * Python file (`atest_ruffus`), so only the Pipeline-method style is ported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Pipeline, mkdir, suffix, touchFile } from "ruffus";
import { inTempDir } from "../helpers.ts";

const NUMBER_OF_RANDOMS = 10000;
const CHUNK_SIZE = 1000;
const T = "tut7/";

/** Python's "%g": 6 significant digits, trailing zeros dropped. */
function pyG(x: number): string {
  return String(Number(x.toPrecision(6)));
}

test("test_tutorial7 new style: split into chunks, sum each, merge into the variance; posttasks run in order (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const posttaskCalls: string[] = [];

    function create_random_numbers(_inputFileName: null, outputFileName: string): void {
      let text = "";
      for (let i = 0; i < NUMBER_OF_RANDOMS; i++) text += pyG(Math.random() * 100.0) + "\n";
      writeFileSync(outputFileName, text);
    }

    function step_4_split_numbers_into_chunks(inputFileName: string, outputFiles: string[]): void {
      "Splits random numbers file into XXX files of CHUNK_SIZE each";
      for (const f of outputFiles) unlinkSync(f);
      const lines = readFileSync(inputFileName, "utf8").split("\n").filter((l) => l !== "");
      for (let start = 0, n = 1; start < lines.length; start += CHUNK_SIZE, n++) {
        writeFileSync(`${T}${n}.chunks`, lines.slice(start, start + CHUNK_SIZE).map((l) => l + "\n").join(""));
      }
    }

    function step_5_calculate_sum_of_squares(inputFileName: string, outputFileName: string): void {
      let sumSquared = 0.0;
      let sum = 0.0;
      let cntValues = 0;
      for (const line of readFileSync(inputFileName, "utf8").split("\n")) {
        if (line === "") continue;
        cntValues += 1;
        const val = Number.parseFloat(line.trimEnd());
        sumSquared += val * val;
        sum += val;
      }
      writeFileSync(outputFileName, `${sumSquared}\n${sum}\n${cntValues}\n`);
    }

    function step_6_calculate_variance(inputFileNames: string[], outputFileName: string): void {
      "Calculate variance naively";
      let allSumSquared = 0.0;
      let allSum = 0.0;
      let allCntValues = 0.0;
      for (const f of inputFileNames) {
        const [sumSquared, sum, cntValues] = readFileSync(f, "utf8").split("\n").filter((l) => l !== "").map(Number.parseFloat);
        allSumSquared += sumSquared;
        allSum += sum;
        allCntValues += cntValues;
      }
      const allMean = allSum / allCntValues;
      const variance = (allSumSquared - allSum * allMean) / allCntValues;
      writeFileSync(outputFileName, `${variance}\n`);
    }

    const p = new Pipeline("test");
    const createRandomNumbers = p.files({ task: create_random_numbers, input: null, output: T + "random_numbers.list" }).follows(mkdir(T));
    const splitChunks = p
      .split({ task: step_4_split_numbers_into_chunks, input: T + "random_numbers.list", output: T + "*.chunks" })
      .follows(createRandomNumbers);
    const sums = p.transform({ task: step_5_calculate_sum_of_squares, input: splitChunks, filter: suffix(".chunks"), output: ".sums" });
    p.merge({ task: step_6_calculate_variance, input: sums, output: join(T, "variance.result") })
      .posttask(() => void posttaskCalls.push("hooray"))
      .posttask(
        function print_hooray_again() {
          posttaskCalls.push("hooray again");
        },
        function print_whoppee_again() {
          posttaskCalls.push("whoppee again");
        },
        touchFile(join(T, "done")),
      );

    await p.run({ multithread: 50, verbose: 0 });

    const outputFile = join(T, "variance.result");
    assert.ok(existsSync(outputFile), `Missing ${outputFile}`);

    // ten chunks of 1,000 values, each summed
    const names = readdirSync(T).sort();
    const chunks = names.filter((f) => f.endsWith(".chunks"));
    const sumFiles = names.filter((f) => f.endsWith(".sums"));
    assert.equal(chunks.length, NUMBER_OF_RANDOMS / CHUNK_SIZE);
    assert.deepEqual(sumFiles, chunks.map((c) => c.replace(/\.chunks$/, ".sums")));
    for (const s of sumFiles) assert.equal(readFileSync(join(T, s), "utf8").split("\n")[2], String(CHUNK_SIZE));

    // the variance of the numbers written, computed directly
    const values = readFileSync(T + "random_numbers.list", "utf8").split("\n").filter((l) => l !== "").map(Number.parseFloat);
    assert.equal(values.length, NUMBER_OF_RANDOMS);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const direct = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    const written = Number.parseFloat(readFileSync(outputFile, "utf8"));
    assert.ok(Math.abs(written - direct) <= 1e-6 * direct, `variance ${written} vs ${direct}`);

    // posttasks: once each, in declaration order; touchFile made "done"
    assert.deepEqual(posttaskCalls, ["hooray", "hooray again", "whoppee again"]);
    assert.ok(existsSync(join(T, "done")) && statSync(join(T, "done")).size === 0);

    // a second run finds all five tasks up to date and runs no posttask (as Ruffus 2.8.4)
    const again = await p.run({ multithread: 50, verbose: 0 });
    assert.equal(again.jobsRun, 0);
    assert.deepEqual(again.tasksUptodate, [
      "test::mkdir('tut7/')   before create_random_numbers ",
      "test::create_random_numbers",
      "test::step_4_split_numbers_into_chunks",
      "test::step_5_calculate_sum_of_squares",
      "test::step_6_calculate_variance",
    ]);
    assert.deepEqual(posttaskCalls, ["hooray", "hooray again", "whoppee again"]);
  });
});
