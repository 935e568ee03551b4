/**
 * The history file (src/history/): where it lives, its schema as read with sql.js, moving a
 * project, the one-writer lock, unreadable files and rebuilding them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync, renameSync, mkdirSync, statSync, existsSync, utimesSync, symlinkSync } from "node:fs";
import { writeFile, readFile } from "node:fs/promises";
import { spawn, spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join, parse } from "node:path";
import initSqlJs from "sql.js";
import { Pipeline, RethrownJobError, suffix, runtimeParameter } from "ruffus";
import { setPipelineFile } from "../../src/history/open.ts";
import { rt, setRuntime } from "../../src/core/runtime.ts";
import { inTempDir, write, read, exists, age, mtime, recordedPaths } from "../helpers.ts";

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
      // At level 0 the env does not count: the history is in memory unless historyFile is passed
      // (compared with Ruffus 2.8.4, task.py _pipeline_prepare_to_run: ':memory:' when
      // checksum_level == 0 and history_file is None, with DEFAULT_RUFFUS_HISTORY_FILE set or not).
      process.env.DEFAULT_RUFFUS_HISTORY_FILE = "zero.sqlite";
      write("a.in", "changed");
      assert.equal((await twoStep("p5").run({ verbose: 0, checksumLevel: 0 })).jobsRun, 2);
      assert.ok(!exists("zero.sqlite"), "level 0 without historyFile writes no history, whatever the env says");
      await twoStep("p5b").printout({ checksumLevel: 0 });
      assert.ok(!exists("zero.sqlite"));
      // ...passed, it is used; an empty name passed means the default file, which the env names (as Ruffus's open_job_history(""))
      write("a.in", "changed again");
      assert.equal((await twoStep("p6").run({ verbose: 0, checksumLevel: 0, historyFile: "" })).jobsRun, 2);
      assert.deepEqual(await recordedPaths("zero.sqlite"), ["a.mid", "all.sum"], "the jobs that ran are recorded in it");
    } finally {
      setPipelineFile(undefined);
      if (saved === undefined) delete process.env.DEFAULT_RUFFUS_HISTORY_FILE;
      else process.env.DEFAULT_RUFFUS_HISTORY_FILE = saved;
    }
  });
});

test("schema: outputs, jobs, runs and failures rows as documented", async () => {
  await inTempDir(async () => {
    makeInputs();
    const before = Date.now();
    const s1 = await twoStep("main").run({ verbose: 0, multithread: 2 });
    const after = Date.now();
    const tables = (await rows(HISTORY, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    assert.deepEqual(tables, ["failures", "jobs", "meta", "outputs", "runs"]);
    assert.deepEqual(await rows(HISTORY, "SELECT key, value FROM meta"), [{ key: "schema_version", value: "3" }]);

    const runs = await rows(HISTORY, "SELECT * FROM runs");
    assert.equal(runs.length, 1);
    const run = runs[0];
    assert.equal(run.ok, 1);
    assert.equal(run.jobs_run, 3);
    assert.equal(run.jobs_run, s1.jobsRun);
    assert.equal(run.jobs_uptodate, s1.jobsUptodate);
    assert.equal(run.failures, 0);
    assert.equal(run.interrupted, 0);
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
      assert.ok(Number(o.completed) >= Number(o.file_mtime) - 1, "completed: the up-to-date time, not before the file was written");
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
    // one row per job (the merge has one output, each transform one), times in ms like outputs'
    const jobs = await rows(HISTORY, "SELECT * FROM jobs ORDER BY started");
    assert.deepEqual(
      jobs.map((j) => [j.run_id, j.task, j.job, j.status, j.outputs, j.error]).sort(),
      [
        [run.id, "mid", "Job  = [a.in -> a.mid]", "ok", 1, null],
        [run.id, "mid", "Job  = [b.in -> b.mid]", "ok", 1, null],
        [run.id, "sum", "Job  = [[a.mid, b.mid] -> all.sum]", "ok", 1, null],
      ],
    );
    for (const j of jobs) {
      assert.ok(Number(j.started) >= before && Number(j.started) <= after, JSON.stringify(j));
      assert.ok(Number(j.duration_ms) >= 0 && Number(j.started) + Number(j.duration_ms) <= after + 1, JSON.stringify(j));
      // outputs.finished: when the job that wrote the output completed, its start plus its duration
      const out = outs.find((o) => String(j.job).endsWith(`-> ${o.path}]`));
      assert.ok(out, JSON.stringify(j));
      assert.equal(out.finished, Number(j.started) + Number(j.duration_ms), JSON.stringify([j, out]));
    }
    assert.ok(Number(outs[2].finished) > Number(outs[0].finished) && Number(outs[2].finished) > Number(outs[1].finished), "the merge finished last");

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
    const failedJobs = await rows(HISTORY, `SELECT task, job, status, outputs, error FROM jobs WHERE run_id = ${Number(runs2[2].id)}`);
    assert.deepEqual(failedJobs, [{ task: "main3::boom", job: "Job  = [a.in -> a.mid]", status: "failed", outputs: 0, error: failures[0].error }]);
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

test("paths inside the history's directory are stored relative to it; outside it, relative names stay relative and absolute ones absolute", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("proj");
    process.chdir("proj");
    try {
      write("x.in", "x");
      const p = new Pipeline("p");
      p.files({ task: async function t(i: string, o: string) { await writeFile(o, "y"); }, input: "x.in", output: "../x.out" });
      p.originate({ task: async function abs(o: string) { await writeFile(o, "z"); }, output: join(dir, "proj", "sub.out") });
      p.originate({ task: async function ext(o: string) { await writeFile(o, "e"); }, output: join(dir, "ext.out") });
      await p.run({ verbose: 0 });
      const paths = (await rows(HISTORY, "SELECT path FROM outputs ORDER BY path")).map((r) => r.path);
      assert.deepEqual(paths, ["../x.out", join(dir, "ext.out"), "sub.out"].sort());
      assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
    } finally {
      process.chdir(dir);
    }
  });
});

test("an absolute output outside the project keeps its record when the project moves; a file at its old relative place is not taken for it", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("a/proj", { recursive: true });
    mkdirSync("a/ext");
    mkdirSync("b/ext", { recursive: true });
    const ext = join(dir, "a", "ext", "abs.txt");
    const build = (name: string): Pipeline => {
      const p = new Pipeline(name);
      p.originate({ task: async function out(o: string) { await writeFile(o, "abs"); }, output: ext });
      return p;
    };
    process.chdir("a/proj");
    try {
      assert.equal((await build("p1").run({ verbose: 0 })).jobsRun, 1);
      process.chdir(dir);
      renameSync("a/proj", "b/proj");
      // b/ext/abs.txt is where a ../ext/abs.txt key would now point
      write("b/ext/abs.txt", "other");
      process.chdir("b/proj");
      assert.equal((await build("p2").run({ verbose: 0 })).jobsRun, 0, "the record of the absolute path is still found");
      const p3 = new Pipeline("p3");
      p3.originate({ task: async function other(o: string) { await writeFile(o, "x"); }, output: "../ext/abs.txt" });
      assert.match(await p3.printout({ verbose: 4 }), /Uncheckpointed file/, "the other file is not taken for it");
    } finally {
      process.chdir(dir);
    }
  });
});

test("a history reached through a symlinked directory keys its files as relative physical paths", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("real/proj", { recursive: true });
    symlinkSync("real", "link");
    const saved = process.env.DEFAULT_RUFFUS_HISTORY_FILE;
    process.env.DEFAULT_RUFFUS_HISTORY_FILE = "{path}/.{basename}.hist.sqlite";
    // as `ruff <dir>/link/proj/pipeline.ts` run from real/proj (whose cwd is physical)
    setPipelineFile(join(dir, "link", "proj", "pipeline.ts"));
    process.chdir("real/proj");
    try {
      const p = new Pipeline("p");
      p.originate({ task: async function a(o: string) { await writeFile(o, "a"); }, output: "a.txt" });
      await p.run({ verbose: 0 });
      assert.deepEqual((await rows(".pipeline.hist.sqlite", "SELECT path FROM outputs")).map((r) => r.path), ["a.txt"]);
      assert.equal((await p.run({ verbose: 0 })).jobsRun, 0);
    } finally {
      process.chdir(dir);
      setPipelineFile(undefined);
      if (saved === undefined) delete process.env.DEFAULT_RUFFUS_HISTORY_FILE;
      else process.env.DEFAULT_RUFFUS_HISTORY_FILE = saved;
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

/** An SQLite file made with sql.js from `sql`. */
async function sqliteFile(path: string, sql: string): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.exec(sql);
  const bytes = Buffer.from(db.export());
  db.close();
  writeFileSync(path, bytes);
  return bytes;
}

const notOurs = (why: string): string =>
  `The history file ${join(process.cwd(), HISTORY)} is not a ruffus history (${why}). It has not been changed. ` +
  `Use --checksum-file-name (historyFile) to choose another file, or --recreate-database (touchFilesOnly: 2) to move it aside and rebuild the history from the files on disk.`;

test("an SQLite file that is not a ruffus history is refused naming the file (a Python Ruffus history, another schema); runs and printouts leave it unchanged", async () => {
  await inTempDir(async () => {
    makeInputs();
    // Python Ruffus 2.8.4's history (ruffus/dbdict.py): one table of pickles
    const python = await sqliteFile(HISTORY, "create table data (key PRIMARY KEY,value); insert into data values ('a.mid', x'80')");
    const calls: string[] = [];
    await assert.rejects(twoStep("p1", calls).run({ verbose: 0 }), { name: "HistoryFileError", message: notOurs("it looks like a Python Ruffus history file") });
    await assert.rejects(twoStep("p2").printout({ verbose: 4 }), { name: "HistoryFileError", message: notOurs("it looks like a Python Ruffus history file") });
    assert.deepEqual(calls, []);
    assert.ok(readFileSync(HISTORY).equals(python), "not one of our tables was added");
    assert.ok(!exists(HISTORY + ".lock"));

    // one of ours whose outputs table was replaced
    await sqliteFile(HISTORY, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '1'); CREATE TABLE outputs (x)");
    await assert.rejects(twoStep("p3").run({ verbose: 0 }), { name: "HistoryFileError", message: notOurs("it has an unknown schema: table outputs lacks path, completed, file_mtime, file_size, func_hash, params_hash, task, duration_ms, exit_status, run_id") });
    const other = await sqliteFile(HISTORY, "CREATE TABLE notes (id, text)");
    await assert.rejects(twoStep("p4").run({ verbose: 0 }), { name: "HistoryFileError", message: notOurs("it has an unknown schema: tables notes and no meta table") });
    assert.ok(readFileSync(HISTORY).equals(other));

    // --recreate-database moves it aside and rebuilds
    await twoStep("p5").run({ verbose: 0 }).catch(() => {});
    await twoStep("p6").run({ verbose: 0, touchFilesOnly: 2 });
    const aside = readdirSync(".").filter((f) => f.startsWith(`${HISTORY}.not-ruffus-`));
    assert.equal(aside.length, 1, readdirSync(".").join());
    assert.ok(readFileSync(aside[0]).equals(other));
    assert.equal((await rows(HISTORY, "SELECT count(*) AS n FROM outputs"))[0].n, 0, "nothing ran before the rebuild: no outputs to record");
  });
});

test("a column missing from a table of ours is an unknown schema too; a 0-byte file is a new history", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p1").run({ verbose: 0 });
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(HISTORY));
    db.exec("DROP TABLE outputs; CREATE TABLE outputs (path TEXT PRIMARY KEY, completed REAL)");
    writeFileSync(HISTORY, db.export());
    db.close();
    await assert.rejects(twoStep("p2").run({ verbose: 0 }), (e: Error) => e.message.startsWith(`The history file ${join(process.cwd(), HISTORY)} is not a ruffus history (it has an unknown schema: table outputs lacks file_mtime, file_size,`));
    writeFileSync(HISTORY, "");
    assert.equal((await twoStep("p3").run({ verbose: 0 })).jobsRun, 3, "uncheckpointed: rerun and recorded");
    assert.equal((await rows(HISTORY, "SELECT count(*) AS n FROM outputs"))[0].n, 3);
  });
});

/** Version 1's tables, as the first release wrote them. */
const SCHEMA_V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE outputs (path TEXT PRIMARY KEY, completed REAL NOT NULL, file_mtime REAL NOT NULL, file_size INTEGER NOT NULL, func_hash TEXT NOT NULL,
  params_hash TEXT NOT NULL, task TEXT NOT NULL, duration_ms REAL NOT NULL, exit_status INTEGER NOT NULL, run_id INTEGER);
CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, elapsed_ms REAL, ok INTEGER, jobs_run INTEGER, jobs_uptodate INTEGER,
  failures INTEGER, options TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL);
CREATE TABLE failures (run_id INTEGER NOT NULL, task TEXT NOT NULL, job TEXT NOT NULL, error TEXT NOT NULL, at TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO runs VALUES (1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 1000, 1, 3, 0, 0, '{}', 1, 'h');
`;

test("a version-1 history keeps working: it is migrated (jobs table, runs.interrupted), its records still count", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p0").run({ verbose: 0 });
    const recorded = await rows(HISTORY, "SELECT * FROM outputs");
    const values = recorded.map((r) => `('${r.path}', ${r.completed}, ${r.file_mtime}, ${r.file_size}, '', '', '${r.task}', 1, 0, 1)`).join(", ");
    await sqliteFile(HISTORY, `${SCHEMA_V1} INSERT INTO outputs VALUES ${values}`);
    const calls: string[] = [];
    assert.equal((await twoStep("p1", calls).run({ verbose: 0 })).jobsRun, 0);
    assert.deepEqual(calls, []);
    assert.deepEqual(await rows(HISTORY, "SELECT value FROM meta WHERE key = 'schema_version'"), [{ value: "3" }]);
    assert.deepEqual((await rows(HISTORY, "SELECT id, interrupted FROM runs ORDER BY id")).map((r) => r.id), [1, 2]);
    assert.deepEqual(await rows(HISTORY, "SELECT * FROM jobs"), []);
    // outputs.finished (version 3) is NULL for records made before it existed
    assert.deepEqual(await rows(HISTORY, "SELECT path, finished FROM outputs ORDER BY path"), [
      { path: "a.mid", finished: null },
      { path: "all.sum", finished: null },
      { path: "b.mid", finished: null },
    ]);
  });
});

/** Version 2's tables: version 1's, runs.interrupted and the jobs table. */
const SCHEMA_V2 = `${SCHEMA_V1.replace("INSERT INTO meta VALUES ('schema_version', '1');", "INSERT INTO meta VALUES ('schema_version', '2');")}
ALTER TABLE runs ADD COLUMN interrupted INTEGER;
CREATE TABLE jobs (run_id INTEGER NOT NULL, task TEXT NOT NULL, job TEXT NOT NULL, status TEXT NOT NULL, started REAL, duration_ms REAL, outputs INTEGER NOT NULL, error TEXT);
INSERT INTO jobs VALUES (1, 'mid', 'Job  = [a.in -> a.mid]', 'ok', 1, 2, 1, NULL);
`;

test("a version-2 history is migrated to version 3 (outputs.finished, NULL for its records), which still count; new records get the completion time", async () => {
  await inTempDir(async () => {
    makeInputs();
    await twoStep("p0").run({ verbose: 0 });
    const recorded = await rows(HISTORY, "SELECT * FROM outputs");
    const values = recorded.map((r) => `('${r.path}', ${r.completed}, ${r.file_mtime}, ${r.file_size}, '', '', '${r.task}', 1, 0, 1)`).join(", ");
    await sqliteFile(HISTORY, `${SCHEMA_V2} INSERT INTO outputs VALUES ${values}`);
    const calls: string[] = [];
    assert.equal((await twoStep("p1", calls).run({ verbose: 0 })).jobsRun, 0, "its records count");
    assert.deepEqual(calls, []);
    assert.deepEqual(await rows(HISTORY, "SELECT value FROM meta WHERE key = 'schema_version'"), [{ value: "3" }]);
    assert.deepEqual(await rows(HISTORY, "SELECT run_id, job FROM jobs"), [{ run_id: 1, job: "Job  = [a.in -> a.mid]" }], "its jobs rows are kept");
    assert.deepEqual((await rows(HISTORY, "SELECT path, finished FROM outputs ORDER BY path")).map((r) => r.finished), [null, null, null]);
    write("b.in", "new");
    const before = Date.now();
    assert.equal((await twoStep("p2", calls).run({ verbose: 0 })).jobsRun, 2);
    const after = Date.now();
    const finished = await rows(HISTORY, "SELECT path, finished FROM outputs ORDER BY path");
    assert.equal(finished[0].finished, null, "a.mid did not run again");
    for (const r of finished.slice(1)) assert.ok(Number(r.finished) >= before && Number(r.finished) <= after, JSON.stringify(r));
  });
});

test("outputs.finished is when the job completed, not the file's time: a job that writes its output and goes on working", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("p");
    p.originate({
      task: async function slow(o: string) {
        await writeFile(o, "x");
        await new Promise((r) => setTimeout(r, 100));
      },
      output: "a.out",
    });
    await p.run({ verbose: 0 });
    const [r] = await rows(HISTORY, "SELECT completed, file_mtime, finished FROM outputs");
    assert.equal(r.completed, r.file_mtime, "completed: the up-to-date time, the file's");
    // (the job ran 100 ms after writing the file; a margin for file systems whose clock ticks coarsely)
    assert.ok(Number(r.finished) - Number(r.file_mtime) >= 80, JSON.stringify(r));
  });
});

test("migrating a version-1 history reached through a symlinked directory turns its ../../real/... keys into relative ones", async () => {
  await inTempDir(async (dir) => {
    mkdirSync("real/proj", { recursive: true });
    symlinkSync("real", "link");
    process.chdir("real/proj");
    try {
      write("a.txt", "a");
      // what version 1 wrote for link/proj/h.sqlite with a.txt made in the physical real/proj
      await sqliteFile("h.sqlite", `${SCHEMA_V1} INSERT INTO outputs VALUES ('../../real/proj/a.txt', ${Date.now() + 1000}, 0, 1, '', '', 'a', 1, 0, 1)`);
      const p = new Pipeline("p");
      p.originate({ task: async function a(o: string) { await writeFile(o, "a"); }, output: "a.txt" });
      assert.equal((await p.run({ verbose: 0, historyFile: join(dir, "link", "proj", "h.sqlite") })).jobsRun, 0);
      assert.deepEqual((await rows("h.sqlite", "SELECT path FROM outputs")).map((r) => r.path), ["a.txt"]);
    } finally {
      process.chdir(dir);
    }
  });
});

test("lock: a lock whose pid now belongs to another process (its start time differs) is stale; the same process's is not", { skip: !existsSync("/proc/self/stat") }, async () => {
  await inTempDir(async () => {
    makeInputs();
    const { processStartToken } = await import("../../src/history/procs.ts");
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const token = processStartToken(other.pid!);
      assert.ok(token, "a live process has a start token");
      const lock = (procStart: string) => JSON.stringify({ pid: other.pid, host: hostname(), started: new Date().toISOString(), procStart }) + "\n";
      writeFileSync(HISTORY + ".lock", lock(token.replace(/\d+$/, (n) => String(Number(n) + 1))));
      assert.equal((await twoStep("p1").run({ verbose: 0 })).jobsRun, 3, "the pid was reused: taken over");
      writeFileSync(HISTORY + ".lock", lock(token));
      await assert.rejects(twoStep("p2").run({ verbose: 0 }), { name: "HistoryLockedError" });
    } finally {
      other.kill("SIGKILL");
    }
  });
});

test("lock: several runs taking over one stale lock at once: exactly one gets it", async () => {
  await inTempDir(async (dir) => {
    const { acquireLock } = await import("../../src/history/lock.ts");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const file = join(dir, HISTORY);
    // Random pauses in the file operations, so that the starters interleave in every order
    // (one reads the stale lock, another replaces it meanwhile...).
    const base = rt();
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * 4));
    setRuntime({
      ...base,
      readTextFile: async (p) => { await pause(); const t = await base.readTextFile(p); await pause(); return t; },
      rename: async (a, b) => { await pause(); await base.rename(a, b); await pause(); },
      createExclusive: async (p, t) => { await pause(); return base.createExclusive(p, t); },
    });
    try {
    for (let round = 0; round < 30; round++) {
      writeFileSync(file + ".lock", JSON.stringify({ pid: dead, host: hostname(), started: new Date().toISOString() }) + "\n");
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireLock(file)));
      const won = results.filter((r) => r.status === "fulfilled");
      assert.equal(won.length, 1, `round ${round}: ${results.map((r) => (r.status === "rejected" ? String(r.reason) : "acquired")).join("; ")}`);
      for (const r of results) if (r.status === "rejected") assert.equal((r.reason as Error).name, "HistoryLockedError", String(r.reason));
      assert.equal(JSON.parse(read(file + ".lock")).pid, process.pid);
      await (won[0] as PromiseFulfilledResult<() => Promise<void>>).value();
      assert.deepEqual(readdirSync(dir), [], "no lock, no takeover leftovers");
    }
    } finally {
      setRuntime(base);
    }
  });
});

test("historyStats counts a job with several outputs once in its task's time", async () => {
  await inTempDir(async () => {
    const { historyStats } = await import("../../src/history/stats.ts");
    const p = new Pipeline("p");
    p.originate({ task: async function two(o: string[]) { for (const f of o) await writeFile(f, "x"); await new Promise((r) => setTimeout(r, 20)); }, output: [["a.1", "a.2", "a.3"], ["b.1", "b.2", "b.3"]] });
    await p.run({ verbose: 0 });
    const jobs = await rows(HISTORY, "SELECT sum(duration_ms) AS ms, count(*) AS n, sum(outputs) AS outs FROM jobs");
    assert.deepEqual([jobs[0].n, jobs[0].outs], [2, 6]);
    const s = (await historyStats(undefined, 1, process.cwd())).tasks.get("p::two");
    assert.equal(s?.outputs, 6);
    assert.ok(Math.abs((s?.totalMs ?? 0) - Number(jobs[0].ms)) < 0.001, `${s?.totalMs} vs ${jobs[0].ms}`);
  });
});

test("a large history: a run that changes nothing leaves the file as it was; one that does writes its records and its runs row", async () => {
  await inTempDir(async (dir) => {
    const { SqliteHistory } = await import("../../src/history/store.ts");
    const details = { task: "t", fileMtime: 1, fileSize: 1, durationMs: 1, finishedMs: 1 };
    const open = () => SqliteHistory.open(HISTORY, { cwd: dir, checksumLevel: 1, write: true, largeFileBytes: 1 });
    let h = await open();
    h.startRun({});
    h.set("a.out", { mtime: 5, funcHash: "", paramsHash: "" }, details);
    h.endRun({ ok: true, jobsRun: 1 });
    await h.close();
    const bytes = readFileSync(HISTORY);
    // "large" (over 1 byte): the database is closed once its records are read
    h = await open();
    assert.equal(h.get("a.out")?.mtime, 5);
    h.startRun({});
    h.endRun({ ok: true, jobsRun: 0, jobsUptodate: 1 });
    await h.close();
    assert.ok(readFileSync(HISTORY).equals(bytes), "a no-op is not written");
    h = await open();
    h.startRun({ n: 3 });
    h.set("b.out", { mtime: 6, funcHash: "", paramsHash: "" }, details);
    h.recordJob({ task: "t", kind: "transform", params: ["x", "b.out"], status: "ok", outputs: 1 });
    h.endRun({ ok: true, jobsRun: 1 });
    await h.close();
    assert.deepEqual(await rows(HISTORY, "SELECT id, jobs_run, options FROM runs ORDER BY id"), [
      { id: 1, jobs_run: 1, options: "{}" },
      { id: 2, jobs_run: 1, options: '{"n":3}' },
    ]);
    assert.deepEqual(await rows(HISTORY, "SELECT path, run_id FROM outputs ORDER BY path"), [{ path: "a.out", run_id: 1 }, { path: "b.out", run_id: 2 }]);
    assert.deepEqual(await rows(HISTORY, "SELECT run_id, job FROM jobs"), [{ run_id: 2, job: "Job  = [x -> b.out]" }]);
  });
});

test("the jobs table keeps the last 5 runs' jobs, and earlier runs' only up to 50,000 rows", async () => {
  await inTempDir(async (dir) => {
    const { SqliteHistory } = await import("../../src/history/store.ts");
    const runWith = async (jobs: number): Promise<void> => {
      const h = await SqliteHistory.open(HISTORY, { cwd: dir, checksumLevel: 1, write: true });
      h.startRun({});
      for (let i = 0; i < jobs; i++) h.recordJob({ task: "t", job: `j${i}`, status: "ok" });
      h.endRun({ ok: true, jobsRun: jobs });
      await h.close();
    };
    const perRun = async () => (await rows(HISTORY, "SELECT run_id, count(*) AS n FROM jobs GROUP BY run_id ORDER BY run_id")).map((r) => [r.run_id, r.n]);
    for (let r = 0; r < 7; r++) await runWith(2);
    assert.deepEqual(await perRun(), [[3, 2], [4, 2], [5, 2], [6, 2], [7, 2]]);
    await runWith(50_001);
    assert.deepEqual((await perRun()).map((r) => r[0]), [4, 5, 6, 7, 8]);
    await runWith(1);
    assert.deepEqual(await perRun(), [[9, 1]], "the runs before the big one had to go with it");
  });
});
