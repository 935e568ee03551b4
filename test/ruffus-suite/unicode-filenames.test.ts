/**
 * Ports ruffus/test/test_unicode_filenames.py: follows(mkdir(...)) with a list holding an absolute
 * and a relative directory, a single directory, two directories, and one directory named twice;
 * posttask(touchFile(...)); an originate of two files. Every directory and file must exist after
 * the run. (The Python file exists to pass Python 2 `unicode` objects, which have no TypeScript
 * counterpart; its names are plain ASCII.) A third test uses non-ASCII names — accents, CJK, a
 * space, symbols — for the same pipeline: the directories and files made, the mkdir task names
 * (Ruffus's repr of the arguments) and the printout job lines were compared with Ruffus 2.8.4
 * (same pipeline, /usr/bin/python3).
 *
 * Jobs run with multithread: 10 instead of multiprocess=10 (these tasks are declared inside the
 * tests, where worker processes cannot find them).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Pipeline, follows, mkdir, originate, pipelineRun, posttask, touchFile } from "ruffus";
import { inTempDir } from "../helpers.ts";

const T = "uni/";

function touch(filename: string): void {
  writeFileSync(filename, "");
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

/** The Python test's check: a–e are directories, f (posttask), g and h (originate) files. */
function assertAllMade(names: string[]): void {
  const [a, b, c, d, e, f, g, h] = names.map((n) => T + n);
  for (const dir of [a, b, c, d, e]) assert.ok(isDir(dir), `directory ${dir}`);
  for (const file of [f, g, h]) assert.ok(isFile(file), `file ${file}`);
}

describe("test_unicode_filenames", () => {
  test("new style: follows() with four mkdir() indicators and a posttask touchFile; originate makes two files (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(T);
      const directories = [resolve(T + "a"), T + "b"];
      const p = new Pipeline("test");
      p.follows({
        task: function task_which_makes_directories() {},
        parents: [mkdir(directories), mkdir(T + "c"), mkdir(T + "d", T + "e"), mkdir(T + "e")],
      }).posttask(touchFile(T + "f"));
      p.originate({ task: function task_which_makes_files(o: string) { touch(o); }, output: [T + "g", T + "h"] });
      await p.run({ multithread: 10, verbose: 0 });
      assertAllMade(["a", "b", "c", "d", "e", "f", "g", "h"]);
    });
  });

  test("decorator style: the same pipeline with follows(mkdir(...)) and posttask(touchFile(...)) on the main pipeline (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(T);
      const directories = [resolve(T + "a"), T + "b"];
      follows(mkdir(directories), mkdir(T + "c"), mkdir(T + "d", T + "e"), mkdir(T + "e"))(
        posttask(touchFile(T + "f"))(function task_which_makes_directories() {}),
      );
      originate([T + "g", T + "h"])(function task_which_makes_files(o: string) {
        touch(o);
      });
      await pipelineRun({ multithread: 10, verbose: 0 });
      assertAllMade(["a", "b", "c", "d", "e", "f", "g", "h"]);
    });
  });

  test("non-ASCII names: directories, files, mkdir task names and job lines as Ruffus 2.8.4 has them", async () => {
    await inTempDir(async () => {
      mkdirSync(T);
      const abs = resolve(T + "ä");
      const p = new Pipeline("test");
      p.follows({
        task: function task_which_makes_directories() {},
        parents: [mkdir([abs, T + "b日本"]), mkdir(T + "c é"), mkdir(T + "d", T + "eñ"), mkdir(T + "eñ")],
      }).posttask(touchFile(T + "fü"));
      p.originate({ task: function task_which_makes_files(o: string) { touch(o); }, output: [T + "g€", T + "h✓"] });

      assert.deepEqual(p.getTaskNames().sort(), [
        `mkdir('${T}c é') #2   before task_which_makes_directories `,
        `mkdir('${T}d',   '${T}eñ') #3   before task_which_makes_directories `,
        `mkdir('${T}eñ') #4   before task_which_makes_directories `,
        `mkdir(['${abs}',   '${T}b日本'])   before task_which_makes_directories `,
        "task_which_makes_directories",
        "task_which_makes_files",
      ].sort());

      const text = await p.printout({ verbose: 3 });
      for (const line of [
        `       Make directories [${T}ä, ${T}b日本]\n`,
        `       Make directories [${T}c é]\n`,
        `       Make directories [${T}d, ${T}eñ]\n`,
        `       Make directories [${T}eñ]\n`,
        `       Job  = [None\n             -> ${T}g€]\n`,
        `       Job  = [None\n             -> ${T}h✓]\n`,
      ]) {
        assert.ok(text.includes(line), `printout lacks ${JSON.stringify(line)}:\n${text}`);
      }

      const first = await p.run({ multithread: 10, verbose: 0 });
      assertAllMade(["ä", "b日本", "c é", "d", "eñ", "fü", "g€", "h✓"]);
      // 4 mkdir jobs, the follows task, 2 originate jobs
      assert.equal(first.jobsRun, 7);
      // a task with only follows() has no up-to-date check: it runs every time, and only it
      const second = await p.run({ multithread: 10, verbose: 0 });
      assert.deepEqual(second.tasksRun, ["test::task_which_makes_directories"]);
      assert.equal(second.jobsRun, 1);
    });
  });
});
