/**
 * Up-to-date rules (reference §3.1–3.3, §3.6), checksum levels (§3.3), targets, forced tasks,
 * rebuild modes and touch modes (§3.8, §3.9).
 *
 * Expected texts marked "compared with Ruffus 2.8.4" were produced by running the same pipeline
 * with Ruffus 2.8.4 (/usr/bin/python3, OOP API, pipeline named like ours); the only deliberate
 * difference in those texts is that Ruffus prints extras as `map` (README "Differences").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, symlinkSync, unlinkSync, utimesSync, copyFileSync, statSync, mkdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import initSqlJs from "sql.js";
import { Pipeline, RethrownJobError, suffix, mkdir, touchFile } from "ruffus";
import { inTempDir, memoryLogger, write, read, exists, age, mtime } from "../helpers.ts";

const RULE = "_".repeat(40);
const HISTORY = ".ruffus_history.sqlite";

/** Sets a file's modification time to an absolute epoch time in seconds. */
function setTime(path: string, epochSeconds: number): void {
  utimesSync(path, epochSeconds, epochSeconds);
}

/** Rows of a query on a history file. */
async function query(file: string, sql: string): Promise<unknown[][]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(file));
  try {
    const r = db.exec(sql);
    return r.length ? r[0].values : [];
  } finally {
    db.close();
  }
}

/** Runs a statement on a history file and writes it back. */
async function modify(file: string, sql: string): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(file));
  db.run(sql);
  writeFileSync(file, db.export());
  db.close();
}

/** The part of a printout after "Tasks which will be run:". */
function toRunSection(text: string): string {
  const i = text.lastIndexOf("Tasks which will be run:");
  assert.ok(i >= 0, text);
  return text.slice(i);
}

// ---------------------------------------------------------------------------------------------
// §3.1 truth table: ruffus/test/test_task_file_dependencies.py, files 0..5 made in increasing time.
// Each case is a files() task with one job; it needs update iff printout lists it to run.
// ---------------------------------------------------------------------------------------------

const F = ["f0", "f1", "f2", "f3", "f4", "f5"];
const truthTable: [string, unknown, unknown, boolean][] = [
  ["f[0:2] -> f[2:6]", F.slice(0, 2), F.slice(2, 6), false],
  ["f[2:6] -> f[0:2]", F.slice(2, 6), F.slice(0, 2), true],
  ["f[0] -> f[2:6]", F[0], F.slice(2, 6), false],
  ["f[2:6] -> f[0]", F.slice(2, 6), F[0], true],
  ["f[3] -> f[0]", F[3], F[0], true],
  ["f[0] -> f[0] (self: pass-through)", F[0], F[0], false],
  ["f[0:2]+uncreated -> f[3:6]", [...F.slice(0, 2), "uncreated"], F.slice(3, 6), true],
  ["f[0:2] -> f[3:6]+uncreated", F.slice(0, 2), [...F.slice(3, 6), "uncreated"], true],
  ["f[0:2] -> None", F.slice(0, 2), null, true],
  ["None -> f[3:6]", null, F.slice(3, 6), false],
  ["f[0:2]+uncreated -> None", [...F.slice(0, 2), "uncreated"], null, true],
  ["None -> f[3:6]+uncreated", null, [...F.slice(3, 6), "uncreated"], true],
];

function makeSixFiles(): void {
  F.forEach((f, i) => {
    write(f, f);
    age(f, 60 - 10 * i);
  });
}

async function truthTableResults(level: number): Promise<string[]> {
  const wrong: string[] = [];
  let n = 0;
  for (const [label, input, output, expected] of truthTable) {
    const name = `case${++n}`;
    const p = new Pipeline(name);
    p.files({ task: function job() {}, input, output });
    const text = await p.printout({ verbose: 4, checksumLevel: level });
    const needs = text.includes(`Task = '${name}::job'`);
    if (needs !== expected) wrong.push(`${label}: expected ${expected ? "needs update" : "up to date"}\n${text}`);
  }
  return wrong;
}

test("truth table of test_task_file_dependencies.py at checksum level 0 (file times)", async () => {
  await inTempDir(async () => {
    makeSixFiles();
    assert.deepEqual(await truthTableResults(0), []);
  });
});

test("truth table of test_task_file_dependencies.py at checksum level 1 (all files in the history)", async () => {
  await inTempDir(async () => {
    makeSixFiles();
    // Record the six files as completed outputs without running anything.
    const rec = new Pipeline("rec");
    let called = 0;
    rec.originate({ task: function make() { called++; }, output: F });
    await rec.run({ verbose: 0, touchFilesOnly: 2 });
    assert.equal(called, 0);
    assert.deepEqual(await truthTableResults(1), []);
  });
});

test("the messages for missing outputs and for missing inputs", async () => {
  await inTempDir(async () => {
    makeSixFiles();
    const p = new Pipeline("p");
    p.files({ task: function noOutput() {}, input: ["f0"], output: null });
    p.files({ task: function missing() {}, input: ["f0", "nope1"], output: ["f2", "nope2"] });
    const text = await p.printout({ verbose: 4, checksumLevel: 0 });
    assert.ok(text.includes("Task = 'p::noOutput'\n       Job  = [[f0]\n             -> None]\n         Job needs update: Missing output file\n"), text);
    assert.ok(text.includes("         Job needs update: ...\n               Missing files [nope1, nope2]\n"), text);
  });
});

test("equal times are out of date (>=); the message lists file times, * marking the culprits (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const T = 1700000000.25;
    for (const [f, t] of [["i1", T + 1], ["i2", T + 20], ["o1", T + 10], ["o2", T + 30], ["e_in", T + 5], ["e_out", T + 5]] as const) {
      write(f, "x");
      setTime(f, t);
    }
    const p = new Pipeline("p");
    p.files({ task: function mixed() {}, input: ["i1", "i2"], output: ["o1", "o2"] });
    const q = new Pipeline("q");
    q.files({ task: function eq() {}, input: "e_in", output: "e_out" });
    assert.equal(
      await p.printout({ verbose: 4, checksumLevel: 0 }),
      `\n${RULE}\nTasks which will be run:\n\nTask = 'p::mixed'\n       Job  = [[i1, i2]\n             -> [o1, o2]]\n` +
        "         Job needs update:\n         Input files:\n            14 Nov 2023 22:13:21.25: i1\n          * 14 Nov 2023 22:13:40.25: i2\n" +
        "         Output files:\n          * 14 Nov 2023 22:13:30.25: o1\n            14 Nov 2023 22:13:50.25: o2\n\n\n" +
        `${RULE}\n`,
    );
    assert.equal(
      await q.printout({ verbose: 4, checksumLevel: 0 }),
      `\n${RULE}\nTasks which will be run:\n\nTask = 'q::eq'\n       Job  = [e_in\n             -> e_out]\n` +
        "         Job needs update:\n         Input files:\n          * 14 Nov 2023 22:13:25.25: e_in\n" +
        "         Output files:\n          * 14 Nov 2023 22:13:25.25: e_out\n\n\n" +
        `${RULE}\n`,
    );
    // One millisecond later and the output is up to date.
    utimesSync("e_out", T + 5.001, T + 5.001);
    assert.ok(!(await q.printout({ verbose: 4, checksumLevel: 0 })).includes("Task = 'q::eq'"));
  });
});

test("equal times are out of date at level 1 too (recorded times equal)", async () => {
  await inTempDir(async () => {
    const T = Date.now() / 1000 - 100;
    write("e_in", "x");
    write("e_out", "y");
    setTime("e_in", T);
    setTime("e_out", T);
    const rec = new Pipeline("rec");
    rec.originate({ task: function make() {}, output: ["e_in", "e_out"] });
    await rec.run({ verbose: 0, touchFilesOnly: 2 });
    const q = new Pipeline("q");
    q.files({ task: function eq() {}, input: "e_in", output: "e_out" });
    const text = await q.printout({ verbose: 4, checksumLevel: 1 });
    assert.ok(text.includes("Task = 'q::eq'"), text);
    assert.ok(text.includes("Input files:") && text.includes("Output files:"), text);
  });
});

test("outputs that are an input, or a symlink to one, are ignored in the time comparison", async () => {
  await inTempDir(async () => {
    write("in.txt", "in");
    write("out.txt", "out");
    copyFileSync("in.txt", "copy.txt");
    symlinkSync("in.txt", "link.txt");
    age("copy.txt", 50);
    age("in.txt", 20);
    age("out.txt", 10);
    const p = new Pipeline("p");
    p.files({ task: function passThrough() {}, input: "in.txt", output: ["in.txt", "out.txt"] });
    p.files({ task: function viaLink() {}, input: "in.txt", output: ["link.txt", "out.txt"] });
    p.files({ task: function olderCopy() {}, input: "in.txt", output: ["copy.txt", "out.txt"] });
    const text = await p.printout({ verbose: 4, checksumLevel: 0 });
    assert.ok(!text.includes("Task = 'p::passThrough'"), text);
    assert.ok(!text.includes("Task = 'p::viaLink'"), text);
    // control: a real, older output makes the job out of date
    assert.ok(text.includes("Task = 'p::olderCopy'"), text);
  });
});

test("a broken symlink counts as a missing file", async () => {
  await inTempDir(async () => {
    write("in.txt", "in");
    age("in.txt", 20);
    symlinkSync("gone.txt", "out.txt");
    const p = new Pipeline("p");
    p.files({ task: function t() {}, input: "in.txt", output: "out.txt" });
    const text = await p.printout({ verbose: 4, checksumLevel: 0 });
    assert.ok(text.includes("Job needs update: ...\n               Missing file [out.txt]"), text);
  });
});

test("level 1 compares the recorded completion time of outputs: touching an output by hand does not make it newer; a much older file (restored) counts by its own time (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    write("a.in", "x");
    age("a.in", 100);
    const p = new Pipeline("p");
    p.transform({ task: async function t(i: string, o: string) { await writeFile(o, "y"); }, input: "a.in", filter: suffix(".in"), output: ".out" });
    await p.run({ verbose: 0 });
    const outOfDate = async (level: number) => (await p.printout({ verbose: 4, checksumLevel: level })).includes("Task = 'p::t'");
    assert.equal(await outOfDate(1), false);
    // input newer than the recorded completion; the output touched by hand even later
    const now = Date.now() / 1000;
    setTime("a.in", now + 30);
    setTime("a.out", now + 60);
    assert.equal(await outOfDate(0), false, "file times alone: up to date");
    assert.equal(await outOfDate(1), true, "the record, not the touched file, counts");
    // the output restored from a backup: its file time is far older than the record, so it counts
    setTime("a.in", now - 100);
    setTime("a.out", now - 50);
    assert.equal(await outOfDate(1), false);
    setTime("a.in", now - 30);
    assert.equal(await outOfDate(1), true, "input newer than the restored file");
  });
});

test("originate is up to date once its outputs exist, whatever their age", async () => {
  await inTempDir(async () => {
    const calls: string[] = [];
    const build = (name: string) => {
      const p = new Pipeline(name);
      p.originate({ task: async function make(out: string) { calls.push(out); await writeFile(out, out); }, output: ["a.start", "b.start"] });
      return p;
    };
    // level 0: files made by hand count
    write("a.start", "hand");
    let s = await build("p0").run({ verbose: 0, checksumLevel: 0 });
    assert.deepEqual(calls, ["b.start"]);
    assert.equal(s.jobsRun, 1);
    assert.equal(s.jobsUptodate, 1);
    assert.equal(read("a.start"), "hand");
    // level 1: made by hand means not made by a completed job
    calls.length = 0;
    s = await build("p1").run({ verbose: 0 });
    assert.deepEqual(calls.sort(), ["a.start", "b.start"]);
    calls.length = 0;
    age("a.start", 3600);
    age("b.start", 7200);
    s = await build("p2").run({ verbose: 0 });
    assert.deepEqual(calls, []);
    assert.equal(s.jobsRun, 0);
    assert.equal(s.jobsUptodate, 2, "both originate jobs are up to date");
    assert.deepEqual(s.tasksRun, [], "nothing in the run set");
    assert.deepEqual(s.tasksUptodate, ["p2::make"]);
    unlinkSync("b.start");
    s = await build("p3").run({ verbose: 0 });
    assert.deepEqual(calls, ["b.start"]);
    assert.equal(s.jobsRun, 1);
    assert.equal(s.jobsUptodate, 1);
  });
});

test("a split whose output glob matches nothing always reruns: 'Missing output file'", async () => {
  await inTempDir(async () => {
    write("in.txt", "x");
    let calls = 0;
    let makeChunks = false;
    const p = new Pipeline("p");
    p.split({
      task: async function sp(input: string, outputs: string[]) {
        calls++;
        assert.deepEqual(outputs, [], "the glob matches nothing yet");
        if (makeChunks) {
          await writeFile("1.chunk", "1");
          await writeFile("2.chunk", "2");
        }
      },
      input: "in.txt",
      output: "*.chunk",
    });
    assert.ok((await p.printout({ verbose: 4 })).includes("       Job  = [in.txt\n             -> *.chunk]\n         Job needs update: Missing output file\n"));
    await p.run({ verbose: 0 });
    const s = await p.run({ verbose: 0 });
    assert.equal(calls, 2);
    assert.equal(s.jobsRun, 1);
    makeChunks = true;
    await p.run({ verbose: 0 });
    assert.equal(calls, 3);
    const after = await p.run({ verbose: 0 });
    assert.equal(calls, 3, "once the glob matches recorded files the split is up to date");
    assert.equal(after.jobsRun, 0);
  });
});

test("parallel and follows-only tasks always run (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const calls: string[] = [];
    const p = new Pipeline("p");
    const par = p.parallel({ task: function par(a: string, b: number) { calls.push(`${a}${b}`); }, jobs: [["A", 1], ["B", 2]] });
    p.follows({ task: function fol() { calls.push("fol"); }, parents: [par] });
    const v4 = await p.printout({ verbose: 4 });
    assert.equal(v4, `\n${RULE}\nTasks which will be run:\n\nTask = 'p::par'\n\nTask = 'p::fol'\n       Task needs update: No func to check if up-to-date.\n${RULE}\n`);
    const v5 = await p.printout({ verbose: 5 });
    assert.ok(
      v5.includes(
        "Task = 'p::par'\n       Job  = [A\n             -> 1]\n         Jobs needs update: No function to check if up-to-date or not\n" +
          "       Job  = [B\n             -> 2]\n         Jobs needs update: No function to check if up-to-date or not\n",
      ),
      v5,
    );
    for (let i = 0; i < 2; i++) {
      const log = memoryLogger();
      const s = await p.run({ verbose: 4, logger: log });
      assert.equal(s.jobsRun, 3);
      assert.deepEqual(log.lines, [
        "",
        RULE,
        "Tasks which will be run:",
        "",
        "",
        "Task enters queue = 'p::par' ",
        "    Job  = [A -> 1] no function to check if up-to-date ",
        "    Job  = [B -> 2] no function to check if up-to-date ",
        "    Job  = [A -> 1] completed",
        "    Job  = [B -> 2] completed",
        "Completed Task = 'p::par' ",
        "Task enters queue = 'p::fol' ",
        "    Job no function to check if up-to-date ",
        "    Job completed",
        "Completed Task = 'p::fol' ",
      ]);
    }
    assert.deepEqual(calls, ["A1", "B2", "fol", "A1", "B2", "fol"]);
  });
});

test("mkdir tasks: messages, directories made, then up to date (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    mkdirSync("d_exist");
    const p = new Pipeline("p");
    p.mkdir({ name: "mk2", output: ["d1", "d2"] });
    p.mkdir({ name: "mk1", output: "d3" });
    p.mkdir({ name: "mk0", output: "d_exist" });
    const v4 = await p.printout({ verbose: 4 });
    assert.ok(v4.includes("       Make directories [d1, d2]\n         Job needs update: : Directories 'd1, d2' are missing\n"), v4);
    assert.ok(v4.includes("       Make directories [d3]\n         Job needs update: : Directories 'd3' is missing\n"), v4);
    assert.ok(!toRunSection(v4).includes("mk0"), v4);
    const log = memoryLogger();
    const s = await p.run({ verbose: 4, logger: log });
    assert.ok(statSync("d1").isDirectory() && statSync("d2").isDirectory() && statSync("d3").isDirectory());
    assert.equal(s.jobsRun, 2);
    assert.ok(log.lines.includes("    Make directories [d1, d2] : Directories 'd1, d2' are missing "), log.text());
    assert.ok(log.lines.includes("    Make directories [d1, d2] completed"), log.text());
    const again = await p.run({ verbose: 0 });
    assert.equal(again.jobsRun, 0);
    assert.deepEqual(again.tasksRun, []);
    // Ruffus's description of a mkdir task is "Make missing directories [<absolute paths>]" (§2.12),
    // shown at verbose >= 2 in printouts and run logs.
    const q = new Pipeline("q");
    q.mkdir("e1", "e2");
    const cwd = process.cwd();
    assert.equal(
      await q.printout({ verbose: 4 }),
      `\n${RULE}\nTasks which will be run:\n\nTask = 'q::mkdir'\n    "Make missing directories [${cwd}/e1, ${cwd}/e2]"\n` +
        `       Make directories [e1, e2]\n         Job needs update: : Directories 'e1, e2' are missing\n\n${RULE}\n`,
    );
  });
});

test("mkdir: a file where a directory should be is an error", async () => {
  await inTempDir(async () => {
    write("d1", "a file");
    const p = new Pipeline("p");
    p.mkdir({ name: "mk", output: "d1" });
    await assert.rejects(p.run({ verbose: 0 }), (e: Error) => {
      assert.match(String(e.message), /d1 already exists but as a file, not a directory/);
      return true;
    });
    assert.equal(read("d1"), "a file");
  });
});

test("checkIfUptodate decides, given the job's parameters (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const calls: string[] = [];
    const seen: unknown[][] = [];
    const p = new Pipeline("p");
    p.parallel({ task: function par(a: string, b: number) { calls.push(a); }, jobs: [["A", 1], ["B", 2]] }).checkIfUptodate(
      (a: string, b: number) => {
        seen.push([a, b]);
        return [a === "A", `because ${a}`] as const;
      },
    );
    write("in.txt", "x");
    p.transform({ task: function tr(i: string, o: string, x: string) { calls.push("tr"); }, input: "in.txt", filter: suffix(".txt"), output: ".out", extras: ["x"] })
      .checkIfUptodate((i: string, o: string, x: string) => {
        seen.push([i, o, x]);
        return [false, "never"] as const;
      });
    const v4 = await p.printout({ verbose: 4 });
    assert.equal(v4, `\n${RULE}\nTasks which will be run:\n\nTask = 'p::par'\n       Job  = [A\n             -> 1]\n         Job needs update: because A\n\n${RULE}\n`);
    const v5 = await p.printout({ verbose: 5 });
    assert.ok(v5.includes("         Job needs update: because A\n       Job  = [B\n             -> 2]\n\n"), v5);
    assert.ok(seen.some((x) => x.length === 3 && x[0] === "in.txt" && x[1] === "in.out" && x[2] === "x"), JSON.stringify(seen));
    const log = memoryLogger();
    const s = await p.run({ verbose: 4, logger: log });
    assert.deepEqual(calls, ["A"]);
    assert.equal(s.jobsRun, 1);
    assert.ok(log.lines.includes("    Job  = [A -> 1] because A "), log.text());
    assert.ok(!exists("in.out"));
  });
});

// ---------------------------------------------------------------------------------------------
// §3.3 checksum levels: port of ruffus/test/test_job_completion_checksums.py
// ---------------------------------------------------------------------------------------------

const LEVELS = [0, 1, 2, 3];

function transformPipeline(name: string, extras: unknown[] = [[]], body: "copy" | "raise" | "other" = "copy"): Pipeline {
  const p = new Pipeline(name);
  const funcs = {
    copy: async function transform1(i: string, o: string) {
      await writeFile(o, await readFile(i, "utf8"));
    },
    other: async function transform1(i: string, o: string) {
      await writeFile(o, (await readFile(i, "utf8")) + "!");
    },
    raise: async function transform1(i: string, o: string, howMany: string[]) {
      await writeFile(o, await readFile(i, "utf8"));
      if (!howMany.includes("okay")) throw new Error("'okay' wasn't in runtime_data!");
    },
  };
  p.transform({ task: funcs[body], input: "input.txt", filter: suffix(".txt"), output: ".output", extras });
  return p;
}

async function printoutAtLevels(p: Pipeline, target?: string): Promise<string[]> {
  const out: string[] = [];
  for (const level of LEVELS) out.push(await p.printout({ verbose: 6, checksumLevel: level, targetTasks: target }));
  return out;
}

test("checksums: output missing means 'Missing file' at every level", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    for (const text of await printoutAtLevels(transformPipeline("main"))) {
      assert.match(text, /Job needs update:.*Missing file.*\[input\.output\]/s);
    }
  });
});

test("checksums: output older than input: file dates at level 0, 'Uncheckpointed file' at >= 1 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const T = 1700000000.25;
    write("input.txt", "testme");
    write("input.output", "testme");
    setTime("input.txt", T + 10);
    setTime("input.output", T);
    const texts = await printoutAtLevels(transformPipeline("p", [[]]));
    assert.ok(
      texts[0].includes(
        "Task = 'p::transform1'\n       Job  = [input.txt\n             -> input.output, []]\n         Job needs update:\n" +
          "         Input files:\n          * 14 Nov 2023 22:13:30.25: input.txt\n         Output files:\n          * 14 Nov 2023 22:13:20.25: input.output\n",
      ),
      texts[0],
    );
    assert.ok(!texts[0].includes("left over from a failed run?"));
    for (const text of texts.slice(1)) {
      assert.ok(text.includes("         Job needs update: Uncheckpointed file (left over from a failed run?):\n               [input.output]\n"), text);
      assert.ok(!text.includes("Input files:"), text);
    }
  });
});

test("checksums: output newer than input but never recorded: up to date at 0, 'left over from a failed run?' at >= 1", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    write("input.output", "testme");
    age("input.txt", 20);
    age("input.output", 10);
    const texts = await printoutAtLevels(transformPipeline("main"));
    assert.ok(!texts[0].includes("Job needs update"), texts[0]);
    for (const text of texts.slice(1)) {
      assert.ok(text.includes("Job needs update:"), text);
      assert.ok(text.includes("left over from a failed run?"), text);
    }
  });
});

test("checksums: after a level-1 run the output is up to date at every level", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    const p = transformPipeline("main");
    const s = await p.run({ verbose: 0, checksumLevel: 1 });
    assert.equal(s.jobsRun, 1);
    assert.equal(read("input.output"), "testme");
    for (const text of await printoutAtLevels(p)) {
      assert.ok(!text.includes("Job needs update"), text);
      assert.ok(!toRunSection(text).includes("Task = 'transform1'"), text);
    }
  });
});

test("checksums: a changed task function reruns at levels >= 2 only: 'Pipeline function has changed'", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    await transformPipeline("main", [[]], "copy").run({ verbose: 0, checksumLevel: 1 });
    Pipeline.clearAll();
    // Same pipeline and task name, same history file, another function body.
    const changed = transformPipeline("main", [[]], "other");
    const texts = await printoutAtLevels(changed);
    for (const level of [0, 1]) assert.ok(!texts[level].includes("Job needs update"), texts[level]);
    for (const level of [2, 3]) {
      assert.ok(texts[level].includes("         Job needs update: Pipeline function has changed:\n               [input.output]\n"), texts[level]);
      assert.ok(!texts[level].includes("Pipeline parameters have changed"), texts[level]);
    }
    assert.equal((await changed.run({ verbose: 0, checksumLevel: 1 })).jobsRun, 0);
    assert.equal((await changed.run({ verbose: 0, checksumLevel: 2 })).jobsRun, 1);
    assert.equal(read("input.output"), "testme!");
    assert.equal((await changed.run({ verbose: 0, checksumLevel: 2 })).jobsRun, 0);
  });
});

test("checksums: a function whose source differs only in whitespace has not changed", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    // Built from text so that the transpiler does not reformat them.
    const make = (src: string) => new Function("writeFile", `return ${src}`)(writeFile) as (i: string, o: string) => Promise<void>;
    const f1 = make("async function transform1(i, o) { await writeFile(o, i); }");
    const f2 = make("async  function transform1(i,  o)\n{\n    await   writeFile(o, i);\n}");
    const f3 = make("async function transform1(i, o) { await writeFile(o, o); }");
    const build = (f: (i: string, o: string) => Promise<void>) => {
      Pipeline.clearAll();
      const p = new Pipeline("main");
      p.transform({ task: f, input: "input.txt", filter: suffix(".txt"), output: ".output" });
      return p;
    };
    await build(f1).run({ verbose: 0, checksumLevel: 2 });
    assert.ok(!(await build(f2).printout({ verbose: 4, checksumLevel: 2 })).includes("Job needs update"));
    assert.ok((await build(f3).printout({ verbose: 4, checksumLevel: 2 })).includes("Pipeline function has changed"));
  });
});

test("checksums: changed extras rerun at level 3 only: 'Pipeline parameters have changed'", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    await transformPipeline("main", [[]]).run({ verbose: 0, checksumLevel: 1 });
    Pipeline.clearAll();
    const texts = await printoutAtLevels(transformPipeline("main", [["different"]]));
    for (const level of [0, 1, 2]) assert.ok(!texts[level].includes("Job needs update"), texts[level]);
    assert.ok(texts[3].includes("         Job needs update: Pipeline parameters have changed:\n               [input.output]\n"), texts[3]);
    assert.ok(!texts[3].includes("Pipeline function has changed"), texts[3]);
    // the same extras again: up to date at level 3
    Pipeline.clearAll();
    assert.ok(!(await transformPipeline("main", [[]]).printout({ verbose: 4, checksumLevel: 3 })).includes("Job needs update"));
  });
});

test("checksums: function and extras both changed: level 2 says function, level 3 says parameters (Ruffus checks parameters first per file)", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    await transformPipeline("main", [[]], "copy").run({ verbose: 0 });
    Pipeline.clearAll();
    const both = transformPipeline("main", [["different"]], "other");
    const l2 = await both.printout({ verbose: 4, checksumLevel: 2 });
    const l3 = await both.printout({ verbose: 4, checksumLevel: 3 });
    assert.ok(l2.includes("Job needs update: Pipeline function has changed:"), l2);
    assert.ok(l3.includes("Job needs update: Pipeline parameters have changed:") && !l3.includes("Pipeline function has changed"), l3);
  });
});

test("a run at level 0 leaves outputs newer than their inputs, even within one file-system clock tick", async () => {
  await inTempDir(async () => {
    write("s0", "x");
    const p = new Pipeline("main");
    let prev: unknown = "s0";
    for (let i = 1; i <= 10; i++) {
      prev = p.transform({
        name: `step${i}`,
        task: async (inp: string, out: string) => writeFile(out, await readFile(inp, "utf8")),
        input: prev,
        filter: suffix(`${i - 1}`),
        output: `${i}`,
      });
    }
    assert.equal((await p.run({ verbose: 0, checksumLevel: 0 })).jobsRun, 10);
    for (let i = 1; i <= 10; i++) assert.ok(mtime(`s${i}`) > mtime(`s${i - 1}`), `s${i}`);
    assert.equal((await p.run({ verbose: 0, checksumLevel: 0 })).jobsRun, 0);
  });
});

test("checksums: split outputs: made by hand, or one record missing, read as left over at >= 1", async () => {
  await inTempDir(async () => {
    const build = (name: string) => {
      const p = new Pipeline(name);
      const split1 = p.split({
        task: async function split1(i: string, outs: string[]) {
          for (const n of outs) await writeFile(n, (await readFile(i, "utf8")) + "\n");
        },
        input: "input.txt",
        output: ["split.out1.txt", "split.out2.txt"],
      });
      p.merge({
        task: async function merge2(ins: string[], o: string) {
          let s = "";
          for (const n of ins) s += (await readFile(n, "utf8")) + "\n";
          await writeFile(o, s);
        },
        input: split1,
        output: "merged.out",
      });
      return p;
    };
    // all outputs made by hand, after the input
    write("input.txt", "testme");
    age("input.txt", 10);
    write("split.out1.txt", "testme");
    write("split.out2.txt", "testme");
    let texts = await printoutAtLevels(build("a"), "split1");
    assert.ok(!texts[0].includes("Job needs update"), texts[0]);
    for (const text of texts.slice(1)) {
      assert.ok(text.includes("Job needs update: Uncheckpointed files (left over from a failed run?):\n               [split.out1.txt, split.out2.txt]\n"), text);
    }
    // a real run, then one record removed from the history
    unlinkSync("split.out1.txt");
    unlinkSync("split.out2.txt");
    const p = build("b");
    await p.run({ verbose: 0, targetTasks: "split1" });
    await modify(HISTORY, "DELETE FROM outputs WHERE path = 'split.out1.txt'");
    for (const target of ["split1", "merge2"]) {
      texts = await printoutAtLevels(p, target);
      // (merged.out does not exist yet, so at level 0 only split1 is up to date)
      assert.ok(!texts[0].includes("Task = 'b::split1'\n       Job  = [input.txt\n             -> split.out1.txt\n             -> split.out2.txt]\n         Job needs update"), texts[0]);
      for (const text of texts.slice(1)) {
        assert.ok(text.includes("Job needs update: Uncheckpointed file (left over from a failed run?):\n               [split.out1.txt]\n"), text);
      }
    }
    // and the jobs run fine (level 0 after a level-1 run: see the next test)
    const s = await p.run({ verbose: 0, targetTasks: "merge2" });
    assert.equal(s.jobsRun, 2);
    for (const text of (await printoutAtLevels(p, "merge2")).slice(1)) {
      assert.ok(!text.includes("Job needs update"), text);
      assert.ok(!text.includes("left over from a failed run?"), text);
    }
  });
});

test("checksums: after a run at level 1, every level (0 included) finds the jobs up to date (compared with Ruffus 2.8.4)", async () => {
  // test_job_completion_checksums.py (test_merge_output) expects no "Job needs update" at any level
  // after a level-1 run. Ruffus gets distinct file times from its 0.1 s sleep per task; we do not
  // sleep, so a job and its child often write their files within one file-system clock tick. Ten
  // quick steps make at least one such pair near-certain.
  await inTempDir(async () => {
    write("s0", "x");
    age("s0", 10);
    const p = new Pipeline("main");
    let prev: unknown = "s0";
    for (let i = 1; i <= 10; i++) {
      prev = p.transform({
        name: `step${i}`,
        task: async (inp: string, out: string) => writeFile(out, await readFile(inp, "utf8")),
        input: prev,
        filter: suffix(`${i - 1}`),
        output: `${i}`,
      });
    }
    assert.equal((await p.run({ verbose: 0, checksumLevel: 1 })).jobsRun, 10);
    const texts = await printoutAtLevels(p);
    LEVELS.forEach((level) => assert.ok(!texts[level].includes("Job needs update"), `level ${level}:\n${texts[level]}`));
  });
});

test("checksums: a job that throws after writing its output is rerun next time; its output is not in the history", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    age("input.txt", 10);
    const runtimeData: string[] = [];
    const p = transformPipeline("main", [runtimeData], "raise");
    await assert.rejects(p.run({ verbose: 0, checksumLevel: 1 }), RethrownJobError);
    assert.equal(read("input.output"), "testme", "the output was written before the error");
    assert.deepEqual(await query(HISTORY, "SELECT path FROM outputs"), []);
    const texts = await printoutAtLevels(p);
    assert.ok(!texts[0].includes("Job needs update"), texts[0]);
    for (const text of texts.slice(1)) {
      assert.ok(text.includes("Job needs update: Uncheckpointed file (left over from a failed run?):\n               [input.output]\n"), text);
    }
    // The same at run time: the job is rerun, and recorded once it succeeds.
    runtimeData.push("okay");
    const s = await p.run({ verbose: 0, checksumLevel: 1 });
    assert.equal(s.jobsRun, 1);
    assert.deepEqual(await query(HISTORY, "SELECT path FROM outputs"), [["input.output"]]);
    assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
  });
});

test("checksums: a recorded output whose job fails on a rerun loses its record", async () => {
  await inTempDir(async () => {
    write("input.txt", "testme");
    const runtimeData: string[] = ["okay"];
    const p = transformPipeline("main", [runtimeData], "raise");
    await p.run({ verbose: 0 });
    assert.deepEqual(await query(HISTORY, "SELECT path FROM outputs"), [["input.output"]]);
    runtimeData.length = 0;
    await assert.rejects(p.run({ verbose: 0, forcedtorunTasks: "transform1" }), RethrownJobError);
    assert.deepEqual(await query(HISTORY, "SELECT path FROM outputs"), []);
    assert.ok((await p.printout({ verbose: 4 })).includes("left over from a failed run?"));
  });
});

test("env DEFAULT_RUFFUS_CHECKSUM_LEVEL sets the default level; the option wins", async () => {
  await inTempDir(async () => {
    const saved = process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL;
    try {
      write("input.txt", "testme");
      write("input.output", "by hand");
      age("input.txt", 20);
      age("input.output", 10);
      const p = transformPipeline("main");
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "0";
      assert.ok(!(await p.printout({ verbose: 4 })).includes("Job needs update"));
      assert.ok((await p.printout({ verbose: 4, checksumLevel: 1 })).includes("left over from a failed run?"));
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "1";
      assert.ok((await p.printout({ verbose: 4 })).includes("left over from a failed run?"));
      assert.ok(!(await p.printout({ verbose: 4, checksumLevel: 0 })).includes("Job needs update"));
      // run at level 0 from the env: the file made by hand is taken as is, nothing runs, no history file
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "0";
      assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
      assert.ok(!exists(HISTORY));
      assert.equal(read("input.output"), "by hand");
      // level 2 by name (documented; Ruffus itself only accepts digits)
      delete process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL;
      unlinkSync("input.output");
      await p.run({ verbose: 0 });
      Pipeline.clearAll();
      const changed = transformPipeline("main", [[]], "other");
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "CHECKSUM_FUNCTIONS";
      assert.ok((await changed.printout({ verbose: 4 })).includes("Pipeline function has changed"));
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "2";
      assert.ok((await changed.printout({ verbose: 4 })).includes("Pipeline function has changed"));
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "1";
      assert.ok(!(await changed.printout({ verbose: 4 })).includes("Job needs update"));
      process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = "9";
      await assert.rejects(changed.printout({ verbose: 4 }), /DEFAULT_RUFFUS_CHECKSUM_LEVEL/);
    } finally {
      if (saved === undefined) delete process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL;
      else process.env.DEFAULT_RUFFUS_CHECKSUM_LEVEL = saved;
    }
  });
});

// ---------------------------------------------------------------------------------------------
// §3.8 targets, forced tasks, rebuild modes
// ---------------------------------------------------------------------------------------------

/** t1.in -> t1 -> t2 -> t3 (transforms), each recording its calls. */
function chain(name: string, calls: string[]) {
  const p = new Pipeline(name);
  const mk = (label: string) =>
    async function (i: string, o: string) {
      calls.push(label);
      await writeFile(o, label);
    };
  const t1 = p.transform({ name: "t1", task: mk("t1"), input: "t1.in", filter: suffix(".in"), output: ".t1" });
  const t2 = p.transform({ name: "t2", task: mk("t2"), input: t1, filter: suffix(".t1"), output: ".t2" });
  const t3 = p.transform({ name: "t3", task: mk("t3"), input: t2, filter: suffix(".t2"), output: ".t3" });
  return { p, t1, t2, t3 };
}

test("targetTasks: only the targets and their ancestors run", async () => {
  await inTempDir(async () => {
    write("t1.in", "x");
    const calls: string[] = [];
    const { p, t2 } = chain("c", calls);
    p.originate({ task: async function other(o: string) { calls.push("other"); await writeFile(o, ""); }, output: "other.out" });
    let s = await p.run({ verbose: 0, targetTasks: [t2] });
    assert.deepEqual(calls, ["t1", "t2"]);
    assert.deepEqual(s.tasksRun, ["c::t1", "c::t2"]);
    assert.ok(!exists("t1.t3") && !exists("other.out"));
    calls.length = 0;
    s = await p.run({ verbose: 0, targetTasks: "t3" });
    assert.deepEqual(calls, ["t3"]);
    assert.deepEqual(s.tasksRun, ["c::t3"]);
    assert.deepEqual(s.tasksUptodate, ["c::t1", "c::t2"]);
    calls.length = 0;
    s = await p.run({ verbose: 0 });
    assert.deepEqual(calls, ["other"]);
  });
});

test("forcedtorunTasks: the forced task and what follows it rerun; printout and log say so (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    write("t1.in", "x");
    age("t1.in", 100);
    const calls: string[] = [];
    const { p, t1, t2 } = chain("c", calls);
    await p.run({ verbose: 0 });
    assert.deepEqual(calls, ["t1", "t2", "t3"]);
    calls.length = 0;
    assert.equal(
      await p.printout({ verbose: 1, forcedtorunTasks: [t2] }),
      `\n${RULE}\nTasks which are up-to-date:\n\n\nTask = 'c::t1'\n${RULE}\n\n\n\n${RULE}\nTasks which will be run:\n\nTask = 'c::t2'     >>Forced to rerun<<\nTask = 'c::t3'\n${RULE}\n`,
    );
    assert.equal(
      await p.printout({ verbose: 3, forcedtorunTasks: t2 }),
      `\n${RULE}\nTasks which will be run:\n\nTask = 'c::t2'     >>Forced to rerun<<\n\nTask = 'c::t3'\n\n${RULE}\n`,
    );
    const log = memoryLogger();
    const s = await p.run({ verbose: 3, logger: log, forcedtorunTasks: [t2] });
    assert.deepEqual(calls, ["t2", "t3"]);
    assert.equal(s.jobsRun, 2);
    assert.deepEqual(log.lines, [
      "",
      RULE,
      "Tasks which will be run:",
      "",
      "",
      "Task enters queue = 'c::t2' : Forced to rerun",
      "    force task Job  = [t1.t1 -> t1.t2] to rerun ",
      "    Job  = [t1.t1 -> t1.t2] completed",
      "Completed Task = 'c::t2' ",
      "Task enters queue = 'c::t3' ",
      "    Job  = [t1.t2 -> t1.t3]",
      "    Job  = [t1.t2 -> t1.t3] completed",
      "Completed Task = 'c::t3' ",
    ]);
    // forced within the targets' ancestry only
    calls.length = 0;
    const s2 = await p.run({ verbose: 0, targetTasks: [t2], forcedtorunTasks: [t1] });
    assert.deepEqual(calls, ["t1", "t2"]);
    assert.deepEqual(s2.tasksRun, ["c::t1", "c::t2"]);
  });
});

test("a forced task outside the targets' ancestry does not run, in either rebuild mode (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4 searches from the targets only: target t1, forced t3 (all up to date) runs
  // nothing, and the printout lists neither t2 nor t3.
  await inTempDir(async () => {
    write("t1.in", "x");
    age("t1.in", 100);
    const calls: string[] = [];
    const { p, t1, t3 } = chain("c", calls);
    await p.run({ verbose: 0 });
    calls.length = 0;
    for (const gnuMakeMaximalRebuildMode of [true, false]) {
      const s = await p.run({ verbose: 0, targetTasks: [t1], forcedtorunTasks: [t3], gnuMakeMaximalRebuildMode });
      assert.deepEqual(s.tasksRun, []);
      assert.equal(
        await p.printout({ verbose: 1, targetTasks: [t1], forcedtorunTasks: [t3], gnuMakeMaximalRebuildMode }),
        `\n${RULE}\nTasks which are up-to-date:\n\n\nTask = 'c::t1'\n${RULE}\n\n\n\n${RULE}\nTasks which will be run:\n\n${RULE}\n`,
      );
    }
    assert.deepEqual(calls, []);
    // Without targets every task is a target: the forced task runs.
    assert.deepEqual((await p.run({ verbose: 0, forcedtorunTasks: [t3] })).tasksRun, ["c::t3"]);
    // A forced ancestor of the target runs with what follows it, up to the target (minimal mode too).
    calls.length = 0;
    await p.run({ verbose: 0, targetTasks: [t3], forcedtorunTasks: [t1], gnuMakeMaximalRebuildMode: false });
    assert.deepEqual(calls, ["t1", "t2", "t3"]);
  });
});

test("gnuMakeMaximalRebuildMode: chain t1 -> t2 -> t3 with t1's input touched (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    write("t1.in", "x");
    age("t1.in", 100);
    const calls: string[] = [];
    const { p, t3 } = chain("c", calls);
    await p.run({ verbose: 0, checksumLevel: 0 });
    for (const [f, a] of [["t1.t1", 40], ["t1.t2", 30], ["t1.t3", 20], ["t1.in", 10]] as const) age(f, a);
    calls.length = 0;
    let s = await p.run({ verbose: 0, checksumLevel: 0, targetTasks: [t3], gnuMakeMaximalRebuildMode: false });
    assert.deepEqual(calls, [], "t3 is up to date, so the search stops there");
    assert.deepEqual(s.tasksRun, []);
    unlinkSync("t1.t3");
    s = await p.run({ verbose: 0, checksumLevel: 0, targetTasks: [t3], gnuMakeMaximalRebuildMode: false });
    assert.deepEqual(calls, ["t3"]);
    assert.deepEqual(s.tasksRun, ["c::t3"]);
    calls.length = 0;
    s = await p.run({ verbose: 0, checksumLevel: 0, targetTasks: [t3], gnuMakeMaximalRebuildMode: true });
    assert.deepEqual(calls, ["t1", "t2", "t3"]);
    assert.deepEqual(s.tasksRun, ["c::t1", "c::t2", "c::t3"]);
    calls.length = 0;
    s = await p.run({ verbose: 0, checksumLevel: 0, targetTasks: [t3] });
    assert.deepEqual(calls, [], "everything up to date afterwards");
  });
});

test("gnuMakeMaximalRebuildMode (default true): an up-to-date task downstream of a rerun task is rerun-scheduled but its jobs are re-checked", async () => {
  await inTempDir(async () => {
    write("t1.in", "x");
    write("side.in", "y");
    age("t1.in", 100);
    age("side.in", 100);
    const calls: string[] = [];
    const { p, t1 } = chain("c", calls);
    p.transform({ task: async function side(i: string, o: string) { calls.push("side"); await writeFile(o, ""); }, input: "side.in", filter: suffix(".in"), output: ".out" }).follows(t1);
    await p.run({ verbose: 0, checksumLevel: 0 });
    for (const [f, a] of [["t1.t1", 40], ["t1.t2", 30], ["t1.t3", 20], ["side.out", 20], ["t1.in", 10]] as const) age(f, a);
    calls.length = 0;
    const s = await p.run({ verbose: 0, checksumLevel: 0 });
    assert.deepEqual(calls, ["t1", "t2", "t3"]);
    assert.ok(s.tasksRun.includes("c::side"), JSON.stringify(s.tasksRun));
    assert.equal(s.jobsUptodate, 1);
  });
});

// ---------------------------------------------------------------------------------------------
// §3.9 touchFilesOnly
// ---------------------------------------------------------------------------------------------

function touchPipeline(name: string, calls: string[]) {
  const p = new Pipeline(name);
  const start = p.originate({ task: async function make(o: string) { calls.push("make"); await writeFile(o, "made"); }, output: ["a.start", "b.start"] });
  p.transform({ task: async function mid(i: string, o: string) { calls.push("mid"); await writeFile(o, "mid"); }, input: start, filter: suffix(".start"), output: ".mid" })
    .follows(mkdir("outdir"))
    .posttask(() => calls.push("posttask"), touchFile("mid.flag"));
  p.parallel({ task: function par(a: string) { calls.push(`par ${a}`); }, jobs: [["A"]] });
  return p;
}

test("touchFilesOnly true: outputs touched, file-task functions not called, history written; parallel still runs", async () => {
  await inTempDir(async () => {
    const calls: string[] = [];
    const p = touchPipeline("main", calls);
    const log = memoryLogger();
    const s = await p.run({ verbose: 1, logger: log, touchFilesOnly: true });
    assert.deepEqual(calls.sort(), ["par A", "posttask"]);
    assert.equal(log.lines[0], "Touch output files instead of remaking them.", log.text());
    for (const f of ["a.start", "b.start", "a.mid", "b.mid"]) assert.equal(read(f), "", f);
    assert.ok(statSync("outdir").isDirectory());
    assert.ok(exists("mid.flag"));
    assert.equal(s.jobsRun, 2 + 2 + 1 + 1);
    const rows = await query(HISTORY, "SELECT path FROM outputs ORDER BY path");
    assert.deepEqual(rows, [["a.mid"], ["a.start"], ["b.mid"], ["b.start"]]);
    calls.length = 0;
    const again = await p.run({ verbose: 0 });
    assert.deepEqual(calls, ["par A"], "only the always-run task runs");
    assert.equal(again.jobsRun, 1);
  });
});

test("touchFilesOnly true with a missing input fails the job as a run would (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4: RethrownJobError ... "No way to run job: Input file 'nothere.txt' does not exist".
  await inTempDir(async () => {
    const p = new Pipeline("p");
    p.files({ task: function t1(i: string, o: string) { writeFileSync(o, "x"); }, input: "nothere.txt", output: "x.out" });
    const log = memoryLogger();
    const err = await p.run({ verbose: 3, logger: log, touchFilesOnly: true }).catch((e) => e);
    assert.ok(err instanceof RethrownJobError, String(err));
    assert.equal((err.failures[0].error as Error).message, "No way to run job: Input file 'nothere.txt' does not exist");
    assert.ok(!exists("x.out"), "nothing was touched");
    // As in Ruffus, the job is logged before its inputs are checked.
    assert.deepEqual(log.lines.slice(-2), ["Task enters queue = 'p::t1' ", "    Job  = [nothere.txt -> x.out]"]);
  });
});

test("touchFilesOnly true on existing outputs: their time moves on, their content stays", async () => {
  await inTempDir(async () => {
    const calls: string[] = [];
    const p = touchPipeline("main", calls);
    await p.run({ verbose: 0 });
    assert.equal(read("a.mid"), "mid");
    write("a.start", "changed by hand");
    age("a.mid", 60);
    const before = mtime("a.mid");
    calls.length = 0;
    await p.run({ verbose: 0, touchFilesOnly: true, checksumLevel: 0 });
    assert.ok(!calls.includes("mid"));
    assert.ok(mtime("a.mid") > before);
    assert.equal(read("a.mid"), "mid");
    assert.ok(!(await p.printout({ verbose: 4, checksumLevel: 0, targetTasks: "mid" })).includes("a.mid"));
  });
});

test("touchFilesOnly 2: files made by hand are Uncheckpointed until the history is rebuilt from disk; nothing runs but parallel", async () => {
  await inTempDir(async () => {
    const calls: string[] = [];
    const p = touchPipeline("main", calls);
    mkdirSync("outdir");
    write("mid.flag");
    for (const [f, a] of [["a.start", 30], ["b.start", 30], ["a.mid", 20], ["b.mid", 20]] as const) {
      write(f, `hand ${f}`);
      age(f, a);
    }
    const times = ["a.start", "b.start", "a.mid", "b.mid"].map(mtime);
    const before = await p.printout({ verbose: 4 });
    assert.ok(before.includes("Task = 'make'") && before.includes("Task = 'mid'"), before);
    assert.ok(before.includes("Job needs update: Uncheckpointed file (left over from a failed run?):\n               [a.start]\n"), before);
    assert.ok(before.includes("Job needs update: Uncheckpointed file (left over from a failed run?):\n               [a.mid]\n"), before);
    await p.run({ verbose: 0, touchFilesOnly: 2 });
    assert.ok(!calls.includes("make") && !calls.includes("mid"), calls.join());
    assert.ok(calls.includes("par A"), "parallel tasks still run their function");
    assert.deepEqual(["a.start", "b.start", "a.mid", "b.mid"].map(mtime), times, "no file touched");
    assert.equal(read("a.mid"), "hand a.mid");
    const rows = await query(HISTORY, "SELECT path FROM outputs ORDER BY path");
    assert.deepEqual(rows, [["a.mid"], ["a.start"], ["b.mid"], ["b.start"]]);
    const after = await p.printout({ verbose: 4 });
    assert.ok(!after.includes("Task = 'make'") && !after.includes("Task = 'mid'"), after);
    calls.length = 0;
    const s = await p.run({ verbose: 0 });
    assert.deepEqual(calls, ["par A"]);
    assert.equal(s.jobsRun, 1);
  });
});

test("touchFilesOnly true does not touch an output that is also an input", async () => {
  await inTempDir(async () => {
    write("in.txt", "x");
    age("in.txt", 100);
    const before = mtime("in.txt");
    const p = new Pipeline("p");
    p.files({ task: function passThrough() { throw new Error("not called"); }, input: "in.txt", output: ["in.txt", "out.txt"] });
    const s = await p.run({ verbose: 0, touchFilesOnly: true });
    assert.equal(s.jobsRun, 1);
    assert.equal(mtime("in.txt"), before);
    assert.equal(read("out.txt"), "");
  });
});

// Counting stats (reference: issue "performance", proposal 6 in scripts/bench/RESULTS.md): a cold run
// at level 1 does not stat an output whose history record is missing before its job runs, and a
// no-op re-run stats every file exactly once.
test("stat counts: cold run one stat per input, no-op one per file; the reason is still there for listeners", async () => {
  await inTempDir(async () => {
    const n = 20;
    for (let i = 0; i < n; i++) write(`f${i}.txt`, String(i));
    const make = (): Pipeline => {
      Pipeline.clearAll();
      const p = new Pipeline("chain");
      const s1 = p.transform({ name: "s1", task: (i: string, o: string) => writeFile(o, i), input: "*.txt", filter: suffix(".txt"), output: ".s1" });
      p.transform({ name: "s2", task: (i: string, o: string) => writeFile(o, i), input: s1, filter: suffix(".s1"), output: ".s2" });
      return p;
    };
    const cold = await make().run({ verbose: 0 });
    // The plan looks at the first job of each task; s1 starts with what the plan learnt (its glob
    // too), stats its other 19 inputs, and s2's inputs were stat-ed right after s1's jobs wrote them.
    assert.deepEqual(cold.fileSystemCalls, { stats: n + 1, globs: 1 });
    assert.equal(cold.jobsRun, 2 * n);
    const noop = await make().run({ verbose: 0 });
    assert.deepEqual(noop.fileSystemCalls, { stats: 3 * n, globs: 1 });
    assert.equal(noop.jobsRun, 0);
    // One input changed: still one stat per file (a task starting after jobs ran keeps what is known
    // of files that exist; only its parents' outputs are new, and those were stat-ed when written).
    write("f5.txt", "changed");
    setTime("f5.txt", Date.now() / 1000 + 5);
    const incremental = await make().run({ verbose: 0 });
    assert.equal(incremental.jobsRun, 2);
    assert.deepEqual(incremental.fileSystemCalls, { stats: 3 * n, globs: 1 });
    // Listeners asking why a job runs get the full reason, computed before the job ran, also when
    // no output has a record (a lost history): "Missing file" first, as Ruffus checks.
    unlinkSync("f3.s2");
    unlinkSync(HISTORY);
    const reasons = new Map<string, string>();
    await make().run({ verbose: 0, onEvent: (e) => void (e.type === "jobQueued" && reasons.set(e.job.name, e.reason)) });
    assert.equal(reasons.size, 2 * n, [...reasons.keys()].slice(0, 3).join(" "));
    assert.equal(reasons.get("Job  = [f3.s1 -> f3.s2]"), "...\n        Missing file [f3.s2]");
    assert.equal(reasons.get("Job  = [f4.s1 -> f4.s2]"), "Uncheckpointed file (left over from a failed run?):\n        [f4.s2]");
    assert.equal(reasons.get("Job  = [f4.txt -> f4.s1]"), "Uncheckpointed file (left over from a failed run?):\n        [f4.s1]");
  });
});

test("touchFilesOnly 2 trusts files whose times tie with their inputs' (unpacked from an archive); a clearly newer input still counts", async () => {
  await inTempDir(async () => {
    const make = (): Pipeline => {
      Pipeline.clearAll();
      const p = new Pipeline("tar");
      const up = p.transform({ name: "shout", task: async (i: string, o: string) => writeFile(o, (await readFile(i, "utf8")).toUpperCase()), input: "*.txt", filter: suffix(".txt"), output: ".upper" });
      p.merge({ name: "combine", task: async (ins: string[], o: string) => writeFile(o, ins.join(" ")), input: up, output: "all.upper" });
      return p;
    };
    for (const f of ["a.txt", "b.txt", "a.upper", "b.upper", "all.upper"]) {
      write(f, f);
      setTime(f, 1_700_000_000); // every file the same whole second, as tar leaves them
    }
    await make().run({ verbose: 0, touchFilesOnly: 2 });
    const after = await make().run({ verbose: 0 });
    assert.equal(after.jobsRun, 0);
    assert.equal(read("all.upper"), "all.upper", "nothing was remade");
    // An input edited an hour after its output is a real change.
    setTime("a.txt", 1_700_003_600);
    await make().run({ verbose: 0, touchFilesOnly: 2 });
    const changed = await make().run({ verbose: 0 });
    assert.equal(changed.jobsRun, 2);
    assert.equal(read("a.upper"), "A.TXT");
  });
});
