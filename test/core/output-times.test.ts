/**
 * What a run does to the times of the files it wrote, and which outputs count as "the same file"
 * as an input (pass-through): the rule that moves an output's time just past its input's (only for
 * an output the job wrote within the same clock tick), never through a link, never failing a run;
 * and pass-through detection by real path, as Ruffus's `os.path.realpath` comparison.
 *
 * Job sequences marked "compared with Ruffus 2.8.4" come from the same pipeline run with Ruffus
 * 2.8.4 (/usr/bin/python3), the same files and times.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, linkSync, lstatSync, mkdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { Pipeline, suffix } from "ruffus";
import { rt, setRuntime } from "../../src/core/runtime.ts";
import type { FileStat, Runtime } from "../../src/runtime/types.ts";
import { inTempDir, write, read, age, mtime, recordedPaths } from "../helpers.ts";

function calls(): string[] {
  try {
    return read("calls.log").trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}
const log = (s: string): void => appendFileSync("calls.log", s + "\n");

/** Runs `fn` with some runtime calls replaced. */
async function withRuntime<T>(change: (base: Runtime) => Partial<Runtime>, fn: () => Promise<T>): Promise<T> {
  const base = rt();
  setRuntime({ ...base, ...change(base) });
  try {
    return await fn();
  } finally {
    setRuntime(base);
  }
}

/**
 * A file system with whole-second times: the parent writes `in.txt`, the child writes `in.out`
 * within the same second, so both get the same time (the case the adjustment is for).
 */
function sameSecondPipeline(name: string): Pipeline {
  let T = 0;
  const p = new Pipeline(name);
  const start = p.originate({
    task: function makeIn(o: string) {
      writeFileSync(o, "x");
      T = Math.floor(Date.now() / 1000);
      utimesSync(o, T, T);
    },
    output: "in.txt",
  });
  p.transform({
    task: function sameTick(i: string, o: string) {
      writeFileSync(o, "y");
      utimesSync(o, T, T);
    },
    input: start,
    filter: suffix(".txt"),
    output: ".out",
  });
  return p;
}

test("an output written within its input's clock tick is moved just past the input, at level 0 and 1", async () => {
  for (const checksumLevel of [0, 1]) {
    await inTempDir(async () => {
      const p = sameSecondPipeline(`p${checksumLevel}`);
      assert.equal((await p.run({ verbose: 0, checksumLevel })).jobsRun, 2);
      assert.ok(mtime("in.out") > mtime("in.txt"), `level ${checksumLevel}`);
      assert.ok(mtime("in.out") - mtime("in.txt") <= 2000, "by at most the file system's tick");
      assert.equal((await p.run({ verbose: 0, checksumLevel: 0 })).jobsRun, 0, "up to date by file times alone");
    });
  }
});

test("utimes failing (EPERM: a file owned by someone else) only skips the adjustment: the job completes and is recorded", async () => {
  await inTempDir(async () => {
    const p = sameSecondPipeline("p");
    const tried: string[] = [];
    const s = await withRuntime(
      () => ({
        utimes: async (path: string) => {
          tried.push(path);
          throw Object.assign(new Error(`EPERM: operation not permitted, utime '${path}'`), { code: "EPERM" });
        },
      }),
      () => p.run({ verbose: 0 }),
    );
    assert.deepEqual(tried, ["in.out"], "the adjustment was attempted");
    assert.equal(s.jobsRun, 2);
    assert.equal(mtime("in.out"), mtime("in.txt"), "the time stays as the job left it");
    assert.deepEqual(await recordedPaths(), ["in.out", "in.txt"]);
  });
});

test("a symlinked output's target is never touched: a shared reference file keeps its time (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("shared");
    write("shared/ref.fa", ">chr1");
    age("shared/ref.fa", 3600);
    const before = mtime("shared/ref.fa");
    const p = new Pipeline("p");
    const start = p.originate({ task: (o: string) => writeFileSync(o, "cfg"), output: "config.txt" });
    p.transform({
      task: function linkRef(i: string, o: string) {
        rmSync(o, { force: true });
        symlinkSync(`${dir}/shared/ref.fa`, o);
      },
      input: start,
      filter: suffix(".txt"),
      output: ".ref.fa",
    });
    for (const checksumLevel of [0, 1]) await p.run({ verbose: 0, checksumLevel });
    assert.equal(mtime("shared/ref.fa"), before);
    assert.ok(lstatSync("config.ref.fa").isSymbolicLink());
  });
});

test("an output linked to its input (symbolic or hard link) leaves the input's time alone", async () => {
  for (const kind of ["symbolic", "hard"]) {
    await inTempDir(async () => {
      const p = new Pipeline("p");
      // The input is written in this run, so the link's time (the input's) falls within the job.
      const start = p.originate({ task: (o: string) => writeFileSync(o, "x"), output: "a.in" });
      p.transform({
        task: function link(i: string, o: string) {
          rmSync(o, { force: true });
          if (kind === "hard") linkSync(i, o);
          else symlinkSync(i, o);
        },
        input: start,
        filter: suffix(".in"),
        output: ".lnk",
      });
      let before = 0;
      await p.run({
        verbose: 0,
        onEvent: (e) => {
          if (e.type === "jobStarted" && e.job.task.name === "link") before = mtime("a.in");
        },
      });
      assert.equal(mtime("a.in"), before, kind);
    });
  }
});

test("a job that leaves its output untouched: the output keeps its time and its children do not rerun (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4, two runs, a.in touched, two more runs: t1 t2 t1 t1 (at levels 0 and 1).
  for (const checksumLevel of [0, 1]) {
    await inTempDir(async () => {
      write("a.in", "x");
      age("a.in", 3600);
      const p = new Pipeline("p");
      const t1 = p.transform({
        task: function t1(i: string, o: string) {
          log("t1");
          const text = read(i);
          // writes only when the content changes
          let old: string | undefined;
          try {
            old = read(o);
          } catch {
            old = undefined;
          }
          if (old !== text) writeFileSync(o, text);
        },
        input: "a.in",
        filter: suffix(".in"),
        output: ".mid",
      });
      p.transform({ task: function t2(i: string, o: string) { log("t2"); writeFileSync(o, read(i)); }, input: t1, filter: suffix(".mid"), output: ".out" });
      await p.run({ verbose: 0, checksumLevel });
      age("a.mid", 60);
      age("a.out", 30);
      const midBefore = mtime("a.mid");
      age("a.in", 0);
      await p.run({ verbose: 0, checksumLevel });
      assert.equal(mtime("a.mid"), midBefore, "not moved past a.in");
      await p.run({ verbose: 0, checksumLevel });
      assert.deepEqual(calls(), ["t1", "t2", "t1", "t1"], `level ${checksumLevel}`);
    });
  }
});

test("outputs written with old times (cp -p) or not written at all keep their times and rerun every time (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4, three runs: cp cp cp, nothing nothing nothing (at levels 0 and 1).
  for (const checksumLevel of [0, 1]) {
    await inTempDir(async () => {
      write("a.in", "x");
      write("b.in", "y");
      write("b.none", "old");
      age("b.none", 7200);
      age("a.in", 3600);
      age("b.in", 3600);
      const p = new Pipeline("p");
      p.transform({
        task: function cp(i: string, o: string) {
          log("cp");
          copyFileSync(i, o);
          const s = statSync(i);
          utimesSync(o, s.atime, s.mtime);
        },
        input: "a.in",
        filter: suffix(".in"),
        output: ".copy",
      });
      p.transform({ task: function nothing() { log("nothing"); }, input: "b.in", filter: suffix(".in"), output: ".none" });
      const noneBefore = mtime("b.none");
      for (let i = 0; i < 3; i++) await p.run({ verbose: 0, checksumLevel });
      assert.deepEqual(calls().sort(), ["cp", "cp", "cp", "nothing", "nothing", "nothing"], `level ${checksumLevel}`);
      assert.equal(mtime("a.copy"), mtime("a.in"));
      assert.equal(mtime("b.none"), noneBefore);
    });
  }
});

test("an input with a time in the future (clock skew): outputs are not pinned to it, and rewrites reach the children (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4: run, run, version changed, run forcing mid: mid sum mid sum mid sum, summary v2.
  await inTempDir(async () => {
    write("version", "v1");
    write("a.start", "s");
    age("a.start", -3600);
    const p = new Pipeline("p");
    const mid = p.transform({
      task: function mid(i: string, o: string) {
        log("mid");
        writeFileSync(o, read("version"));
      },
      input: ["a.start"],
      filter: suffix(".start"),
      output: ".middle",
    });
    p.merge({ task: function summ(i: string[], o: string) { log("sum"); writeFileSync(o, read(i[0])); }, input: mid, output: "all.summary" });
    await p.run({ verbose: 0 });
    assert.ok(mtime("a.middle") < mtime("a.start") - 3000_000, "left at the time it was written");
    await p.run({ verbose: 0 });
    write("version", "v2");
    await p.run({ verbose: 0, forcedtorunTasks: ["mid"] });
    assert.deepEqual(calls(), ["mid", "sum", "mid", "sum", "mid", "sum"]);
    assert.equal(read("all.summary"), "v2");
  });
});

test("links to the input as Ruffus's realpath sees them: a symlink passes through, a hard link is another file and reruns (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4, three runs, a.in ten seconds old: symbolic link t1; hard link t1 t1 t1 (levels 0 and 1 alike).
  const expected = { symbolic: ["t1"], hard: ["t1", "t1", "t1"] };
  for (const [kind, want] of Object.entries(expected)) {
    for (const checksumLevel of [0, 1]) {
      await inTempDir(async () => {
        write("a.in", "x");
        age("a.in", 10);
        const p = new Pipeline("p");
        p.transform({
          task: function t1(i: string, o: string) {
            log("t1");
            rmSync(o, { force: true });
            if (kind === "hard") linkSync(i, o);
            else symlinkSync(i, o);
          },
          input: "a.in",
          filter: suffix(".in"),
          output: ".lnk",
        });
        for (let i = 0; i < 3; i++) await p.run({ verbose: 0, checksumLevel });
        assert.deepEqual(calls(), want, `${kind} link, level ${checksumLevel}`);
      });
    }
  }
});

test("inode numbers that a JS number cannot tell apart (above 2^53, as on Lustre) do not make an output pass through", async () => {
  await inTempDir(async () => {
    write("a.start", "v1");
    const p = new Pipeline("p");
    p.transform({ task: function mid(i: string, o: string) { log("mid"); writeFileSync(o, "x"); }, input: "a.start", filter: suffix(".start"), output: ".middle" });
    // Every file gets the same (rounded) inode number.
    const sameIno = (s: FileStat | undefined): FileStat | undefined => (s ? { ...s, ino: 144115188193296400 } : s);
    await withRuntime(
      (base) => ({ stat: (f: string) => sameIno(base.stat(f)), lstat: (f: string) => sameIno(base.lstat(f)) }),
      async () => {
        await p.run({ verbose: 0 });
        age("a.start", -5); // the input edited later
        assert.equal((await p.run({ verbose: 0 })).jobsRun, 1);
      },
    );
    assert.deepEqual(calls(), ["mid", "mid"]);
  });
});
