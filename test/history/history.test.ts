/**
 * The history file (src/history/): where it lives, its schema as read with sql.js, moving a
 * project, the one-writer lock, unreadable files and rebuilding them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync, renameSync, mkdirSync, statSync, existsSync, utimesSync } from "node:fs";
import { writeFile, readFile } from "node:fs/promises";
import { spawn, spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join, parse } from "node:path";
import initSqlJs from "sql.js";
import { Pipeline, RethrownJobError, suffix, runtimeParameter } from "ruffus";
import { setPipelineFile } from "../../src/history/open.ts";
import { inTempDir, write, read, exists, age, mtime } from "../helpers.ts";

const HISTORY = ".ruffus_history.sqlite";

type Row = Record<string, unknown>;

/** All rows of a table (or query) as objects. */
async function rows(file: string, sql: string): Promise<Row[]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(file));
  try {
    const r = db.exec(sql);
    if (!r.length) return [];
    return r[0].values.map((v) => Object.fromEntries(r[0].columns.map((c, i) => [c, v[i]])));
  } finally {
    db.close();
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** a.in, b.in -> .mid -> all.sum */
function twoStep(name: string, calls: string[] = [], opts: { block?: Promise<void>; started?: () => void } = {}): Pipeline {
  const p = new Pipeline(name);
  const mid = p.transform({
    task: async function mid(i: string, o: string) {
      calls.push(`mid ${i}`);
      opts.started?.();
      if (opts.block) await opts.block;
      await writeFile(o, (await readFile(i, "utf8")).toUpperCase());
    },
    input: ["a.in", "b.in"],
    filter: suffix(".in"),
    output: ".mid",
  });
  p.merge({
    task: async function sum(ins: string[], o: string) {
      calls.push("sum");
      let s = "";
      for (const i of ins) s += await readFile(i, "utf8");
      await writeFile(o, s);
    },
    input: mid,
    output: "all.sum",
  });
  return p;
}

function makeInputs(): void {
  write("a.in", "aaa");
  write("b.in", "bb");
  age("a.in", 10);
  age("b.in", 10);
}

test("the default history is .ruffus_history.sqlite in the current directory; level 0 and printouts make none", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p0").printout({ verbose: 4 });
    assert.ok(!exists(HISTORY), "printout does not create it");
    await twoStep("p1").run({ verbose: 0, checksumLevel: 0 });
    assert.ok(!exists(HISTORY), "level 0 without a history file name keeps it in memory");
    assert.deepEqual(readdirSync(".").sort(), ["a.in", "a.mid", "all.sum", "b.in", "b.mid"]);
    await twoStep("p2").run({ verbose: 0 });
    assert.ok(exists(HISTORY));
    assert.ok(!exists(HISTORY + ".lock"), "lock released");
    const paths = (await rows(HISTORY, "SELECT path FROM outputs ORDER BY path")).map((r) => r.path);
    assert.deepEqual(paths, ["a.mid", "all.sum", "b.mid"]);
  });
});

test("historyFile names another file; paths inside are relative to its directory", async () => {
  await inTempDir(async (dir) => {
    makeInputs();
    const calls: string[] = [];
    await twoStep("p", calls).run({ verbose: 0, historyFile: "hist/h.sqlite" });
    assert.ok(exists("hist/h.sqlite"));
    assert.ok(!exists(HISTORY));
    const paths = (await rows("hist/h.sqlite", "SELECT path FROM outputs ORDER BY path")).map((r) => r.path);
    assert.deepEqual(paths, ["../a.mid", "../all.sum", "../b.mid"]);
    calls.length = 0;
    assert.equal((await twoStep("q", calls).run({ verbose: 0, historyFile: join(dir, "hist", "h.sqlite") })).jobsRun, 0, "an absolute name works the same");
    // without it the default history knows nothing: outputs are uncheckpointed
    const text = await twoStep("r").printout({ verbose: 4 });
    assert.ok(text.includes("Uncheckpointed file (left over from a failed run?)"), text);
    // level 0 with a history file named: it is used
    await twoStep("s").run({ verbose: 0, checksumLevel: 0, historyFile: "zero.sqlite" });
    assert.ok(exists("zero.sqlite"));
  });
});

test("env DEFAULT_RUFFUS_HISTORY_FILE, with {basename} of the pipeline script; the historyFile option wins", async () => {
  await inTempDir(async () => {
    const saved = process.env.DEFAULT_RUFFUS_HISTORY_FILE;
    try {
      makeInputs();
      process.env.DEFAULT_RUFFUS_HISTORY_FILE = "plain.sqlite";
      await twoStep("p1").run({ verbose: 0 });
      assert.ok(exists("plain.sqlite") && !exists(HISTORY));
      assert.equal((await rows("plain.sqlite", "SELECT path FROM outputs")).length, 3);
      // {basename} comes from the pipeline file (the ruff command sets it; here, as ruff would)
      setPipelineFile("/somewhere/history.test.ts");
      process.env.DEFAULT_RUFFUS_HISTORY_FILE = "hist-{basename}{ext}.sqlite";
      const expected = "hist-history.test.ts.sqlite";
      const s = await twoStep("p2").run({ verbose: 0 });
      assert.equal(s.jobsRun, 3, "a new history: everything is uncheckpointed");
      assert.ok(exists(expected), readdirSync(".").join());
      assert.equal((await twoStep("p3").run({ verbose: 0 })).jobsRun, 0);
      // the option wins over the env
      await twoStep("p4").run({ verbose: 0, historyFile: "option.sqlite" });
      assert.ok(exists("option.sqlite"));
      // the env also applies at level 0
      process.env.DEFAULT_RUFFUS_HISTORY_FILE = "zero.sqlite";
      await twoStep("p5").run({ verbose: 0, checksumLevel: 0 });
      assert.ok(exists("zero.sqlite"));
    } finally {
      setPipelineFile(undefined);
      if (saved === undefined) delete process.env.DEFAULT_RUFFUS_HISTORY_FILE;
      else process.env.DEFAULT_RUFFUS_HISTORY_FILE = saved;
    }
  });
});

test("schema: outputs, runs and failures rows as documented", async () => {
  await inTempDir(async () => {
    makeInputs();
    const before = Date.now();
    const s1 = await twoStep("main").run({ verbose: 0, multithread: 2 });
    const after = Date.now();
    const tables = (await rows(HISTORY, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    assert.deepEqual(tables, ["failures", "meta", "outputs", "runs"]);
    assert.deepEqual(await rows(HISTORY, "SELECT key, value FROM meta"), [{ key: "schema_version", value: "1" }]);

    const runs = await rows(HISTORY, "SELECT * FROM runs");
    assert.equal(runs.length, 1);
    const run = runs[0];
    assert.equal(run.ok, 1);
    assert.equal(run.jobs_run, 3);
    assert.equal(run.jobs_run, s1.jobsRun);
    assert.equal(run.jobs_uptodate, s1.jobsUptodate);
    assert.equal(run.failures, 0);
    assert.equal(run.pid, process.pid);
    assert.equal(run.host, hostname());
    const started = Date.parse(String(run.started));
    const finished = Date.parse(String(run.finished));
    // wall-clock stamps of this run (loose bounds: these are dates, not durations)
    assert.ok(before - 5000 <= started && started <= finished && finished <= after + 5000, JSON.stringify(run));
    assert.ok(Number(run.elapsed_ms) >= 0, JSON.stringify(run));
    assert.match(String(run.started), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const options = JSON.parse(String(run.options));
    assert.equal(typeof options, "object");

    const outs = await rows(HISTORY, "SELECT * FROM outputs ORDER BY completed");
    assert.deepEqual(outs.map((o) => o.path).sort(), ["a.mid", "all.sum", "b.mid"]);
    assert.equal(outs[2].path, "all.sum", "the merge completed last");
    for (const o of outs) {
      const f = String(o.path);
      assert.equal(o.task, f === "all.sum" ? "sum" : "mid");
      assert.equal(o.file_size, statSync(f).size);
      // (all.sum may have its time moved past its inputs': see the next test)
      if (f !== "all.sum") assert.ok(Math.abs(Number(o.file_mtime) - mtime(f)) < 0.001, `${f}: ${o.file_mtime} vs ${mtime(f)}`);
      assert.ok(Number(o.completed) >= Number(o.file_mtime) - 1, "completed: when the job completed, not before the file was written");
      assert.ok(Number(o.completed) >= before - 5000 && Number(o.completed) <= after + 5000, JSON.stringify(o));
      assert.ok(Number(o.duration_ms) >= 0);
      assert.equal(o.exit_status, 0);
      assert.equal(o.run_id, run.id);
      assert.equal(typeof o.func_hash, "string");
      assert.ok(String(o.func_hash).length > 0);
      assert.equal(typeof o.params_hash, "string");
    }
    assert.ok(Number(outs[2].completed) > Number(outs[1].completed));
    assert.deepEqual(await rows(HISTORY, "SELECT * FROM failures"), []);

    // a second run: a new runs row; a failing run: ok 0, a failures row, the output gone
    const s2 = await twoStep("main2").run({ verbose: 0 });
    const p3 = new Pipeline("main3");
    p3.transform({
      task: async function boom(i: string, o: string) {
        throw new Error("boom " + i);
      },
      input: "a.in",
      filter: suffix(".in"),
      output: ".mid",
    });
    await assert.rejects(p3.run({ verbose: 0, forcedtorunTasks: "boom" }), RethrownJobError);
    const runs2 = await rows(HISTORY, "SELECT * FROM runs ORDER BY id");
    assert.equal(runs2.length, 3);
    assert.equal(runs2[1].ok, 1);
    assert.equal(runs2[1].jobs_run, s2.jobsRun);
    assert.equal(runs2[1].jobs_run, 0);
    assert.equal(runs2[2].ok, 0);
    assert.equal(runs2[2].failures, 1);
    assert.equal(runs2[2].jobs_run, 0);
    assert.ok(runs2[2].finished !== null);
    const failures = await rows(HISTORY, "SELECT * FROM failures");
    assert.equal(failures.length, 1);
    assert.equal(failures[0].run_id, runs2[2].id);
    assert.equal(failures[0].task, "main3::boom");
    assert.equal(failures[0].job, "Job  = [a.in -> a.mid]");
    assert.match(String(failures[0].error), /boom a\.in/);
    assert.ok(!Number.isNaN(Date.parse(String(failures[0].at))));
    assert.deepEqual((await rows(HISTORY, "SELECT path FROM outputs ORDER BY path")).map((r) => r.path), ["all.sum", "b.mid"]);
  });
});

test("file_mtime is the output's modification time as the run left it, also when the run moved it past its input's", async () => {
  await inTempDir(async () => {
    // A file system with whole-second times: the input and the output, written one after the
    // other within the same second, get the same time.
    let T = 0;
    const p = new Pipeline("p");
    const start = p.originate({
      task: async function makeIn(o: string) {
        await writeFile(o, "x");
        T = Math.floor(Date.now() / 1000);
        utimesSync(o, T, T);
      },
      output: "in.txt",
    });
    p.transform({
      task: async function sameTick(i: string, o: string) {
        await writeFile(o, "y");
        utimesSync(o, T, T);
      },
      input: start,
      filter: suffix(".txt"),
      output: ".out",
    });
    await p.run({ verbose: 0 });
    assert.ok(mtime("in.out") > mtime("in.txt"), "the output's time was moved past its input's");
    const [row] = await rows(HISTORY, "SELECT file_mtime, file_size FROM outputs WHERE path = 'in.out'");
    assert.equal(row.file_size, 1);
    assert.ok(Math.abs(Number(row.file_mtime) - mtime("in.out")) < 0.001, `recorded ${row.file_mtime}, file ${mtime("in.out")}`);
  });
});

test("a split's output glob is expanded after the job ran: every file it made is recorded", async () => {
  await inTempDir(async () => {
    write("big.txt", "abc");
    const p = new Pipeline("p");
    p.split({
      task: async function chunk(i: string, outs: string[]) {
        for (const c of "abc") await writeFile(`${c}.chunk`, c);
      },
      input: "big.txt",
      output: "*.chunk",
    });
    await p.run({ verbose: 0 });
    assert.deepEqual((await rows(HISTORY, "SELECT path, task FROM outputs ORDER BY path")).map((r) => [r.path, r.task]), [
      ["a.chunk", "p::chunk"],
      ["b.chunk", "p::chunk"],
      ["c.chunk", "p::chunk"],
    ]);
    assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
  });
});

test("paths of outputs outside the current directory, or given absolute, are stored relative to the history file", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("proj");
    process.chdir("proj");
    try {
      write("x.in", "x");
      const p = new Pipeline("p");
      p.files({ task: async function t(i: string, o: string) { await writeFile(o, "y"); }, input: "x.in", output: "../x.out" });
      p.originate({ task: async function abs(o: string) { await writeFile(o, "z"); }, output: join(dir, "proj", "sub.out") });
      await p.run({ verbose: 0 });
      const paths = (await rows(HISTORY, "SELECT path FROM outputs ORDER BY path")).map((r) => r.path);
      assert.deepEqual(paths, ["../x.out", "sub.out"]);
      assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
    } finally {
      process.chdir(dir);
    }
  });
});

test("moving the whole project folder keeps everything up to date", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("proj");
    process.chdir("proj");
    try {
      makeInputs();
      const calls: string[] = [];
      await twoStep("p1", calls).run({ verbose: 0 });
      assert.equal(calls.length, 3);
      process.chdir(dir);
      mkdirSync("elsewhere");
      renameSync("proj", "elsewhere/moved");
      process.chdir("elsewhere/moved");
      calls.length = 0;
      const text = await twoStep("p2").printout({ verbose: 4 });
      assert.ok(!text.includes("Job needs update"), text);
      const s = await twoStep("p3", calls).run({ verbose: 0 });
      assert.deepEqual(calls, []);
      assert.equal(s.jobsRun, 0);
    } finally {
      process.chdir(dir);
    }
  });
});

test("lock: a second run on the same history fails at once naming the first run's pid; printouts and other histories are not blocked", async () => {
  await inTempDir(async () => {
    makeInputs();
    const block = gate();
    const started = gate();
    const first = twoStep("first", [], { block: block.promise, started: started.open }).run({ verbose: 0 });
    first.catch(() => {});
    await started.promise;
    try {
      assert.ok(exists(HISTORY + ".lock"));
      const lock = JSON.parse(read(HISTORY + ".lock"));
      assert.equal(lock.pid, process.pid);
      const calls: string[] = [];
      await assert.rejects(twoStep("second", calls).run({ verbose: 0 }), (e: Error) => {
        assert.ok(e.message.includes(`pid ${process.pid}`), e.message);
        assert.ok(e.message.includes(HISTORY), e.message);
        return true;
      });
      assert.deepEqual(calls, [], "the second run ran nothing");
      // reading is fine
      assert.ok((await twoStep("reader").printout({ verbose: 4 })).includes("Tasks which will be run"));
      // another history file is another lock
      const o = new Pipeline("other");
      o.originate({ task: async function other(f: string) { await writeFile(f, ""); }, output: "other.out" });
      assert.equal((await o.run({ verbose: 0, historyFile: "other.sqlite" })).jobsRun, 1);
    } finally {
      block.open();
    }
    const s = await first;
    assert.equal(s.jobsRun, 3);
    assert.ok(!exists(HISTORY + ".lock"));
    assert.equal((await twoStep("third").run({ verbose: 0 })).jobsRun, 0);
  });
});

test("lock: released when a run fails, whether in a job or while preparing", async () => {
  await inTempDir(async () => {
    makeInputs();
    const p = new Pipeline("p");
    p.transform({ task: async function needsData(i: string, o: string) { await writeFile(o, ""); }, input: runtimeParameter("files"), filter: suffix(".in"), output: ".x" });
    await assert.rejects(p.run({ verbose: 0 }), /files/);
    assert.ok(!exists(HISTORY + ".lock"));
    const q = new Pipeline("q");
    q.originate({ task: async function fails(o: string) { throw new Error("no"); }, output: "q.out" });
    await assert.rejects(q.run({ verbose: 0 }), RethrownJobError);
    assert.ok(!exists(HISTORY + ".lock"));
    assert.equal((await p.run({ verbose: 0, runtimeData: { files: ["a.in"] } })).jobsRun, 1);
  });
});

test("lock: a stale lock of a dead process on this host is taken over; a live one or another host's is not", async () => {
  await inTempDir(async () => {
    makeInputs();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    assert.ok(dead > 0);
    const lockText = (pid: number, host = hostname()) => JSON.stringify({ pid, host, started: new Date().toISOString() }) + "\n";
    writeFileSync(HISTORY + ".lock", lockText(dead));
    const s = await twoStep("p1").run({ verbose: 0 });
    assert.equal(s.jobsRun, 3);
    assert.ok(!exists(HISTORY + ".lock"));

    writeFileSync(HISTORY + ".lock", lockText(dead, "some-other-host.example"));
    await assert.rejects(twoStep("p2").run({ verbose: 0 }), (e: Error) => e.message.includes(`pid ${dead}`));
    assert.ok(exists(HISTORY + ".lock"));

    const alive = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      writeFileSync(HISTORY + ".lock", lockText(alive.pid!));
      await assert.rejects(twoStep("p3").run({ verbose: 0 }), (e: Error) => e.message.includes(`pid ${alive.pid}`));
      assert.equal(JSON.parse(read(HISTORY + ".lock")).pid, alive.pid, "a live lock is left alone");
    } finally {
      alive.kill("SIGKILL");
    }
  });
});

test("an unreadable history file gives an error naming it and suggesting --recreate-database; the file is left unchanged", async () => {
  await inTempDir(async () => {
    makeInputs();
    const garbage = Buffer.concat([Buffer.from("this is not an SQLite database\n"), Buffer.alloc(4096, 0xab)]);
    writeFileSync(HISTORY, garbage);
    const calls: string[] = [];
    await assert.rejects(twoStep("p", calls).run({ verbose: 0 }), (e: Error) => {
      assert.ok(e.message.includes(HISTORY), e.message);
      assert.ok(e.message.includes("--recreate-database"), e.message);
      return true;
    });
    assert.deepEqual(calls, []);
    assert.ok(readFileSync(HISTORY).equals(garbage), "byte-for-byte unchanged");
    assert.ok(!exists(HISTORY + ".lock"), "the lock is released");
    // a printout does not change it either
    await twoStep("q").printout({ verbose: 4 }).catch(() => "");
    assert.ok(readFileSync(HISTORY).equals(garbage));
  });
});

test("a truncated history file is refused the same way, and left unchanged", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p").run({ verbose: 0 });
    const whole = readFileSync(HISTORY);
    assert.ok(whole.length > 1024);
    const truncated = whole.subarray(0, 100);
    writeFileSync(HISTORY, truncated);
    await assert.rejects(twoStep("q").run({ verbose: 0 }), (e: Error) => e.message.includes(HISTORY) && e.message.includes("--recreate-database"));
    assert.ok(readFileSync(HISTORY).equals(truncated));
  });
});

test("touchFilesOnly 2 with an unreadable history moves it aside and rebuilds from the files on disk", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p1").run({ verbose: 0 });
    const garbage = Buffer.from("garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage");
    writeFileSync(HISTORY, garbage);
    const calls: string[] = [];
    await twoStep("p2", calls).run({ verbose: 0, touchFilesOnly: 2 });
    assert.deepEqual(calls, [], "nothing ran");
    const aside = readdirSync(".").filter((f) => f.startsWith(HISTORY) && f !== HISTORY && !f.endsWith(".lock"));
    assert.equal(aside.length, 1, readdirSync(".").join());
    assert.ok(readFileSync(aside[0]).equals(garbage), "the bad file is kept aside unchanged");
    const paths = (await rows(HISTORY, "SELECT path FROM outputs ORDER BY path")).map((r) => r.path);
    assert.deepEqual(paths, ["a.mid", "all.sum", "b.mid"]);
    const s = await twoStep("p3", calls).run({ verbose: 0 });
    assert.equal(s.jobsRun, 0);
    assert.deepEqual(calls, []);
  });
});

test("printouts never write the history file", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p").run({ verbose: 0 });
    const bytes = readFileSync(HISTORY);
    const t = mtime(HISTORY);
    write("a.in", "changed");
    for (const v of [1, 4, 6]) await twoStep(`q${v}`).printout({ verbose: v });
    assert.ok(readFileSync(HISTORY).equals(bytes));
    assert.equal(mtime(HISTORY), t);
    assert.ok(!existsSync(HISTORY + ".lock"));
  });
});
