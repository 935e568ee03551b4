/**
 * Ports ruffus/test/test_suffix_output_dir.py: `outputDir` with `suffix()` sends the outputs (and
 * the `\1` of extras) of transform and subdivide into another directory, through a five-task
 * pipeline originate → transform → subdivide → transform → merge whose functions each write their
 * input files' lines followed by "input -> output", so the final summary records every file name
 * each job was given. The summary text, the arguments each function received and the directories
 * made were compared with Ruffus 2.8.4 (same pipeline under /usr/bin/python3).
 *
 * Differences from the Python test, none of them in behaviour:
 * - jobs run with multithread: 50 instead of multiprocess=50 (these tasks are declared inside the
 *   tests, where worker processes cannot find them; see test/exec/workers.test.ts for that mode);
 * - our decorator calls take positional arguments only, so in the decorator-style test the two
 *   declarations that need `output_dir=` (transform and subdivide, and the filter-form mkdir) are
 *   made with the main pipeline's methods; originate, the mkdir decorator and merge stay decorators.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Pipeline, merge, mkdir, originate, pipelineRun, suffix } from "ruffus";
import { inTempDir } from "../helpers.ts";

const T = "sod";
const DATA = `${T}/data`;
const WORK = `${T}/work`;

/** Python's "%s" of a file-name argument: a string as is, None, or the repr of a list of strings. */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return `[${v.map((x) => `'${String(x)}'`).join(", ")}]`;
  return String(v);
}

/**
 * What each task function of the Python test does: for each output, copy the lines of every
 * input (except "...:" lines), then the text "<inputs> -> <output>" indented two spaces past the
 * deepest input line. As in Python, a single input is printed bare for the first output and as a
 * one-element list after.
 */
function echoInputs(infiles: unknown, outfiles: unknown): void {
  const outs = outfiles === null || outfiles === undefined ? [] : Array.isArray(outfiles) ? outfiles : [outfiles];
  let ins = infiles;
  for (const outfile of outs as string[]) {
    const fnStr = `${pyStr(ins)} -> ${outfile}`;
    if (ins === null || ins === undefined) ins = [];
    if (!Array.isArray(ins)) ins = [ins];
    let maxWhiteSpace = -2;
    let text = "";
    for (const infile of ins as string[]) {
      const lines = readFileSync(infile, "utf8").split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      for (const raw of lines) {
        const line = raw.trimEnd();
        if (!line.endsWith(":")) text += line + "\n";
        maxWhiteSpace = Math.max(maxWhiteSpace, line.length - line.trimStart().length);
      }
    }
    text += " ".repeat(maxWhiteSpace + 2) + fnStr + "\n";
    writeFileSync(outfile, text);
  }
}

type Calls = string[];

function tasks(calls: Calls) {
  return {
    task1: function task1(outfile: string): void {
      echoInputs(null, outfile);
    },
    task2: function task2(infile: string, outfile: string[], extraStr: string, extraNum: number, extraDir: string): void {
      calls.push(JSON.stringify(["task2", infile, outfile, extraStr, extraNum, extraDir]));
      if (extraStr !== "extra.tst" || extraNum !== 4 || !extraDir.startsWith(`orig_dir=${WORK}`)) {
        throw new Error(`transform with outputDir has changed extras: ${extraStr}, ${extraNum} ${extraDir}`);
      }
      echoInputs(infile, outfile);
    },
    task3: function task3(infile: string[], ignoreOutfiles: string[], outfiles: string[]): void {
      calls.push(JSON.stringify(["task3", infile, ignoreOutfiles, outfiles]));
      echoInputs(infile, outfiles);
    },
    task4: function task4(infile: string, outfile: string): void {
      calls.push(JSON.stringify(["task4", infile, outfile]));
      echoInputs(infile, outfile);
    },
    task5: function task5(infiles: string[], outfile: string): void {
      calls.push(JSON.stringify(["task5", infiles, outfile]));
      echoInputs(infiles, outfile);
    },
  };
}

const LETTERS = ["a", "b", "c", "d"];

/** The summary Ruffus 2.8.4 writes (built line by line from its observed layout). */
function expectedSummary(): string {
  let s = "";
  for (const x of LETTERS) {
    for (const y of ["a", "b"]) {
      s += `None -> ${DATA}/${x}.1\n`;
      s += `  ${DATA}/${x}.1 -> ${WORK}/${x}.1\n`;
      s += `None -> ${DATA}/${x}.1\n`;
      s += `  ['${DATA}/${x}.1'] -> ${WORK}/${x}.bak\n`;
      s += `    ['${WORK}/${x}.1', '${WORK}/${x}.bak'] -> ${DATA}/${x}.${y}.2\n`;
      s += `      ${DATA}/${x}.${y}.2 -> ${WORK}/${x}.${y}.3\n`;
    }
  }
  const all = LETTERS.flatMap((x) => [`'${WORK}/${x}.a.3'`, `'${WORK}/${x}.b.3'`]).join(", ");
  s += `        [${all}] -> ${DATA}/summary.5\n`;
  return s;
}

/** The arguments Ruffus 2.8.4 gave each function (sorted; jobs run concurrently). */
function expectedCalls(): string[] {
  const c: string[] = [];
  for (const x of LETTERS) {
    c.push(JSON.stringify(["task2", `${DATA}/${x}.1`, [`${WORK}/${x}.1`, `${WORK}/${x}.bak`], "extra.tst", 4, `orig_dir=${WORK}/${x}`]));
    c.push(JSON.stringify(["task3", [`${WORK}/${x}.1`, `${WORK}/${x}.bak`], [], [`${DATA}/${x}.a.2`, `${DATA}/${x}.b.2`]]));
    for (const y of ["a", "b"]) c.push(JSON.stringify(["task4", `${DATA}/${x}.${y}.2`, `${WORK}/${x}.${y}.3`]));
  }
  c.push(JSON.stringify(["task5", LETTERS.flatMap((x) => [`${WORK}/${x}.a.3`, `${WORK}/${x}.b.3`]), `${DATA}/summary.5`]));
  return c.sort();
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** The Python test's setUp: the three directories exist before the run. */
function setUp(): void {
  for (const d of [T, WORK, DATA]) mkdirSync(d, { recursive: true });
}

describe("test_suffix_output_dir", () => {
  test("new style: outputDir moves transform/subdivide outputs and the \\1 of extras; summary text as Ruffus writes it (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      setUp();
      const calls: Calls = [];
      const t = tasks(calls);
      const p = new Pipeline("test");
      p.mkdir(DATA, WORK);
      const t1 = p.originate({ task: t.task1, output: LETTERS.map((x) => join(DATA, `${x}.1`)) });
      // As in the Python test: a filter-form mkdir with no input, so it has no jobs.
      p.mkdir({ filter: suffix(".1"), output: ".dir", outputDir: WORK });
      const t2 = p.transform({
        task: t.task2,
        input: t1,
        filter: suffix(".1"),
        output: [".1", ".bak"],
        extras: ["extra.tst", 4, String.raw`orig_dir=\1`],
        outputDir: WORK,
      });
      const t3 = p.subdivide({ task: t.task3, input: t2, filter: suffix(".1"), output: String.raw`\1.*.2`, extras: [[String.raw`\1.a.2`, String.raw`\1.b.2`]], outputDir: DATA });
      const t4 = p.transform({ task: t.task4, input: t3, filter: suffix(".2"), output: ".3", outputDir: WORK });
      p.merge({ task: t.task5, input: t4, output: join(DATA, "summary.5") });
      await p.run({ multithread: 50, verbose: 0 });

      assert.equal(readFileSync(join(DATA, "summary.5"), "utf8"), expectedSummary());
      assert.deepEqual([...calls].sort(), expectedCalls());
      // the input-less mkdir made nothing
      for (const x of LETTERS) assert.ok(!existsSync(`${WORK}/${x}.dir`), `${WORK}/${x}.dir should not exist`);
    });
  });

  test("decorator style (main pipeline): same summary; the filter-form mkdir with outputDir makes work/<x>.dir before task2 (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      setUp();
      const calls: Calls = [];
      const t = tasks(calls);
      const main = Pipeline.main;
      const task1 = mkdir(DATA, WORK)(originate(LETTERS.map((x) => join(DATA, `${x}.1`)))(t.task1));
      const dirs = main.mkdir({ input: task1, filter: suffix(".1"), output: ".dir", outputDir: WORK });
      const t2 = main
        .transform({ task: t.task2, input: task1, filter: suffix(".1"), output: [".1", ".bak"], extras: ["extra.tst", 4, String.raw`orig_dir=\1`], outputDir: WORK })
        .follows(dirs);
      const t3 = main.subdivide({ task: t.task3, input: t2, filter: suffix(".1"), output: String.raw`\1.*.2`, extras: [[String.raw`\1.a.2`, String.raw`\1.b.2`]], outputDir: DATA });
      const t4 = main.transform({ task: t.task4, input: t3, filter: suffix(".2"), output: ".3", outputDir: WORK });
      merge(t4, join(DATA, "summary.5"))(t.task5);
      await pipelineRun({ multithread: 50, verbose: 0 });

      assert.equal(readFileSync(join(DATA, "summary.5"), "utf8"), expectedSummary());
      assert.deepEqual([...calls].sort(), expectedCalls());
      for (const x of LETTERS) assert.ok(isDir(`${WORK}/${x}.dir`), `${WORK}/${x}.dir should be a directory`);
    });
  });
});
