/**
 * Scheduling (reference §4.2–4.7): the task barrier, concurrency within and across tasks,
 * jobsLimit, failure handling, JobSignalledBreak, posttask.
 *
 * Concurrency is measured by counting jobs inside task functions, never by timing; the short
 * waits inside jobs only keep them running long enough for others to start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import initSqlJs from "sql.js";
import { Pipeline, RethrownJobError, JobSignalledBreak, suffix, touchFile, type PipelineEvent } from "ruffus";
import { rt, setRuntime } from "../../src/core/runtime.ts";
import { inTempDir, memoryLogger, write, read, exists, age, recordedPaths } from "../helpers.ts";

const HISTORY = ".ruffus_history.sqlite";

const pause = (ms = 5) => new Promise<void>((r) => setTimeout(r, ms));

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Counts jobs running at once, overall and per label. */
function counter() {
  const running = new Map<string, number>();
  const max = new Map<string, number>();
  let total = 0;
  let maxTotal = 0;
  const overlaps: string[][] = [];
  return {
    async around<T>(label: string, fn: () => Promise<T>): Promise<T> {
      total++;
      running.set(label, (running.get(label) ?? 0) + 1);
      maxTotal = Math.max(maxTotal, total);
      max.set(label, Math.max(max.get(label) ?? 0, running.get(label)!));
      overlaps.push([...running].filter(([, n]) => n > 0).map(([l]) => l).sort());
      try {
        return await fn();
      } finally {
        total--;
        running.set(label, running.get(label)! - 1);
      }
    },
    get maxTotal() {
      return maxTotal;
    },
    max: (label: string) => max.get(label) ?? 0,
    /** The label sets seen running together when a job started. */
    overlaps,
  };
}

const outputRows = (): Promise<string[]> => recordedPaths(HISTORY);

function inputs(names: string[], ext = ".in"): string[] {
  for (const n of names) write(n + ext, n);
  return names.map((n) => n + ext);
}

test("a task starts only after every job of all its parents finished", async () => {
  await inTempDir(async () => {
    const done = { A: 0, B: 0 };
    const seen: string[] = [];
    const events: string[] = [];
    const p = new Pipeline("p");
    const A = p.originate({
      task: async function A(o: string) {
        await pause(1 + Number(o.slice(1, 2)) * 2);
        await writeFile(o, "");
        done.A++;
      },
      output: ["a1.A", "a2.A", "a3.A", "a4.A", "a5.A", "a6.A"],
    });
    const B = p.originate({
      task: async function B(o: string) {
        await pause(15);
        await writeFile(o, "");
        done.B++;
      },
      output: ["b1.B", "b2.B", "b3.B"],
    });
    p.transform({
      task: async function D(i: string, o: string) {
        seen.push(`D saw A=${done.A}`);
        await writeFile(o, "");
      },
      input: A,
      filter: suffix(".A"),
      output: ".D",
    });
    p.merge({
      task: async function C(i: string[], o: string) {
        seen.push(`C saw A=${done.A} B=${done.B}`);
        await writeFile(o, "");
      },
      input: [A, B],
      output: "all.C",
    });
    const s = await p.run({
      verbose: 0,
      multithread: 8,
      onEvent: (e: PipelineEvent) => {
        if (e.type === "taskQueued") events.push(`queued ${e.task.name}`);
        if (e.type === "taskCompleted") events.push(`completed ${e.task.name}`);
      },
    });
    assert.equal(s.jobsRun, 6 + 3 + 6 + 1);
    assert.deepEqual(seen.filter((x) => x.startsWith("D")), Array(6).fill("D saw A=6"));
    assert.deepEqual(seen.filter((x) => x.startsWith("C")), ["C saw A=6 B=3"]);
    const at = (x: string) => events.indexOf(x);
    assert.ok(at("queued D") > at("completed A"), events.join());
    assert.ok(at("queued C") > at("completed A") && at("queued C") > at("completed B"), events.join());
    // A and B are independent: both enter the queue before either completes
    assert.ok(at("queued B") < at("completed A"), events.join());
  });
});

test("independent tasks run at the same time with multithread, never with multithread 1", async () => {
  await inTempDir(async () => {
    for (const [mt, expectOverlap] of [[4, true], [1, false]] as const) {
      const c = counter();
      const p = new Pipeline(`p${mt}`);
      for (const name of ["A", "B"]) {
        p.originate({
          name,
          task: (o: string) => c.around(name, async () => {
            await pause(10);
            await writeFile(o, "");
          }),
          output: [`${name}${mt}.1`, `${name}${mt}.2`],
        });
      }
      await p.run({ verbose: 0, multithread: mt });
      const overlapped = c.overlaps.some((l) => l.includes("A") && l.includes("B"));
      assert.equal(overlapped, expectOverlap, `multithread ${mt}: ${JSON.stringify(c.overlaps)}`);
      assert.equal(c.maxTotal, mt === 1 ? 1 : 4);
    }
  });
});

// multiprocess runs jobs in worker threads, which import the declaring module again; it is tested
// with fixture modules in test/exec/, never with tasks declared in a test file.
test("jobs of one task run concurrently up to multithread", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]);
    for (const [opts, expected] of [
      [{ multithread: 1 }, 1],
      [{ multithread: 3 }, 3],
      [{ multithread: 10 }, 10],
      [{ multithread: 25 }, 10],
      [{}, 1],
    ] as const) {
      const c = counter();
      Pipeline.clearAll();
      const p = new Pipeline("p");
      p.transform({
        task: (i: string, o: string) => c.around("t", () => pause(5)),
        input: files,
        filter: suffix(".in"),
        output: ".out",
      });
      const s = await p.run({ verbose: 0, ...opts });
      assert.equal(s.jobsRun, 10);
      assert.equal(c.maxTotal, expected, JSON.stringify(opts));
    }
  });
});

test("jobsLimit(n) caps one task's jobs; a shared limit name caps both tasks together; other tasks use the free slots", async () => {
  await inTempDir(async () => {
    const c = counter();
    const files = inputs(["a", "b", "c", "d", "e", "f", "g", "h"]);
    const p = new Pipeline("p");
    const job = (label: string) => (i: string, o: string) => c.around(label, () => pause(5));
    p.transform({ name: "solo", task: job("solo"), input: files, filter: suffix(".in"), output: ".solo" }).jobsLimit(2);
    const s = await p.run({ verbose: 0, multithread: 6 });
    assert.equal(s.jobsRun, 8);
    assert.equal(c.max("solo"), 2);

    const d = counter();
    const q = new Pipeline("q");
    const shared = (label: string) => (i: string, o: string) => d.around(label, () => pause(5));
    q.transform({ name: "x", task: shared("net"), input: files, filter: suffix(".in"), output: ".x" }).jobsLimit(2, "network");
    q.transform({ name: "y", task: shared("net"), input: files, filter: suffix(".in"), output: ".y" }).jobsLimit(2, "network");
    q.transform({ name: "z", task: shared("free"), input: files, filter: suffix(".in"), output: ".z" });
    const s2 = await q.run({ verbose: 0, multithread: 8 });
    assert.equal(s2.jobsRun, 24);
    assert.equal(d.max("net"), 2, "x and y share one budget of 2");
    assert.ok(d.overlaps.some((l) => l.includes("net") && l.includes("free")), "z runs beside them");
    assert.ok(d.maxTotal > 2, "waiting jobs of x and y do not hold the other slots");
    assert.equal(d.maxTotal, 8);
  });
});

test("jobsLimit: one limit name cannot get two different limits", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("p");
    p.parallel({ name: "x", task: () => {}, jobs: [[1]] }).jobsLimit(2, "net");
    assert.throws(() => p.parallel({ name: "y", task: () => {}, jobs: [[1]] }).jobsLimit(3, "net"), /cannot be re-defined/);
    p.parallel({ name: "z", task: () => {}, jobs: [[1]] }).jobsLimit(2, "net");
  });
});

test("multithread 1: the first failure ends the run; nothing downstream runs", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d", "e"]);
    const calls: string[] = [];
    const p = new Pipeline("p");
    const t = p.transform({
      task: async function t(i: string, o: string) {
        calls.push(i);
        if (i === "b.in") throw new Error("bad b");
        await writeFile(o, i);
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    p.merge({ task: async function m() { calls.push("merge"); }, input: t, output: "all" });
    await assert.rejects(p.run({ verbose: 0, multithread: 1 }), (e: unknown) => {
      assert.ok(e instanceof RethrownJobError);
      assert.equal(e.failures.length, 1);
      assert.equal((e.failures[0].error as Error).message, "bad b");
      return true;
    });
    assert.deepEqual(calls, ["a.in", "b.in"]);
    assert.deepEqual(await outputRows(), ["a.out"]);
  });
});

test("multithread N: a failure lets running jobs finish (and be recorded) but starts no new job", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d", "e", "f"]);
    const started: string[] = [];
    const finished: string[] = [];
    const aFailed = gate();
    let failOnce = true;
    const p = new Pipeline("p");
    p.transform({
      task: async function t(i: string, o: string) {
        started.push(i);
        if (i === "a.in" && failOnce) {
          failOnce = false;
          await pause(1);
          aFailed.open();
          throw new Error("a fails");
        }
        await aFailed.promise;
        await pause(10);
        await writeFile(o, i);
        finished.push(i);
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    let finishedAtRejection: string[] = [];
    await assert.rejects(
      p.run({ verbose: 0, multithread: 3 }).catch((e) => {
        finishedAtRejection = [...finished];
        throw e;
      }),
      (e: unknown) => e instanceof RethrownJobError && e.failures.length === 1,
    );
    assert.deepEqual(started, ["a.in", "b.in", "c.in"]);
    assert.deepEqual(finishedAtRejection.sort(), ["b.in", "c.in"], "the run waited for the running jobs");
    assert.deepEqual(await outputRows(), ["b.out", "c.out"]);
    assert.ok(!exists("a.out") && !exists("d.out"));
    // next time: b and c are up to date
    started.length = 0;
    const s = await p.run({ verbose: 0, multithread: 3 });
    assert.deepEqual(started.sort(), ["a.in", "d.in", "e.in", "f.in"]);
    assert.equal(s.jobsRun, 4);
    assert.equal(s.jobsUptodate, 2);
  });
});

test("multithread N: N failures end the run; every failure is reported", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d"]);
    const started: string[] = [];
    const p = new Pipeline("p");
    p.transform({
      task: async function t(i: string, o: string) {
        started.push(i);
        await pause(2);
        if (i === "a.in" || i === "b.in") throw new Error(`fail ${i}`);
        await writeFile(o, i);
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    await assert.rejects(p.run({ verbose: 0, multithread: 2 }), (e: unknown) => {
      assert.ok(e instanceof RethrownJobError);
      assert.deepEqual(e.failures.map((f) => (f.error as Error).message).sort(), ["fail a.in", "fail b.in"]);
      return true;
    });
    assert.deepEqual(started, ["a.in", "b.in"]);
  });
});

test("exceptionsTerminateImmediately: no new job starts after the first failure; run() settles after the jobs still running in this thread, whose results are not recorded", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d"]);
    const started: string[] = [];
    const finished: string[] = [];
    const release = gate();
    let failOnce = true;
    const p = new Pipeline("p");
    p.transform({
      task: async (i: string, o: string) => {
        started.push(i);
        if (i === "a.in" && failOnce) {
          failOnce = false;
          await pause(1);
          // b and c go on only well after the failure has stopped the run.
          setTimeout(() => release.open(), 200);
          throw new Error("a fails");
        }
        await release.promise;
        await writeFile(o, i);
        finished.push(i);
      },
      name: "t",
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    await assert.rejects(p.run({ verbose: 0, multithread: 3, exceptionsTerminateImmediately: true }), (e: unknown) => {
      assert.ok(e instanceof RethrownJobError);
      assert.equal(e.failures.length, 1);
      return true;
    });
    assert.deepEqual(finished.sort(), ["b.in", "c.in"], "run() waited for b and c, which no signal stopped");
    assert.deepEqual(started, ["a.in", "b.in", "c.in"]);
    assert.deepEqual(await outputRows(), [], "their outputs are not recorded");
    // the lock was released: another run can start
    const s = await p.run({ verbose: 0, multithread: 3 });
    assert.equal(s.jobsRun, 4);
  });
});

test("RethrownJobError carries every failure: task display name, job description, the original error with its stack", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c"]);
    class MyError extends Error {}
    const thrown = new Map<string, unknown>();
    function explode(i: string): never {
      const e = i === "c.in" ? "a plain string" : i === "b.in" ? new MyError(`custom ${i}`) : new Error(`bad ${i}`);
      thrown.set(i, e);
      throw e;
    }
    const p = new Pipeline("sched");
    p.transform({
      task: async function failing(i: string, o: string, extra: string) {
        await pause(1);
        explode(i);
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
      extras: ["x"],
    });
    let err: RethrownJobError | undefined;
    await p.run({ verbose: 0, multithread: 3 }).catch((e) => (err = e));
    assert.ok(err instanceof RethrownJobError, String(err));
    assert.equal(err.length, 3);
    const byJob = [...err.failures].sort((x, y) => String(x.job).localeCompare(String(y.job)));
    assert.deepEqual(
      byJob.map((f) => [f.task, f.job]),
      [
        ["sched::failing", "Job  = [a.in -> a.out, x]"],
        ["sched::failing", "Job  = [b.in -> b.out, x]"],
        ["sched::failing", "Job  = [c.in -> c.out, x]"],
      ],
    );
    assert.equal(byJob[0].error, thrown.get("a.in"));
    assert.equal(byJob[1].error, thrown.get("b.in"));
    assert.ok(byJob[1].error instanceof MyError);
    assert.equal(byJob[2].error, "a plain string");
    assert.match((byJob[0].error as Error).stack ?? "", /explode/);
    assert.match(err.message, /Original exceptions:/);
    for (const j of ["a", "b", "c"]) assert.ok(err.message.includes(`Job  = [${j}.in -> ${j}.out, x]`), err.message);
    assert.ok(err.message.includes("bad a.in") && err.message.includes("custom b.in") && err.message.includes("a plain string"), err.message);
  });
});

test("RethrownJobError for one failure (compared with Ruffus 2.8.4's layout)", async () => {
  await inTempDir(async () => {
    write("b.start", "");
    const p = new Pipeline("main");
    p.transform({
      task: async function to_middle(i: string, o: string) {
        throw new Error(`bad file ${i}`);
      },
      input: "b.start",
      filter: suffix(".start"),
      output: ".middle",
    });
    const err = (await p.run({ verbose: 0 }).catch((e) => e)) as RethrownJobError;
    assert.ok(err instanceof RethrownJobError);
    const lines = err.message.split("\n");
    // Ruffus: "Original exception:" / "    Exception #1" / "      'builtins.ValueError(bad file b.start)' raised in ..." /
    //         "       Task = def to_middle(...):" / "       Job  = [b.start -> b.middle]" / "" / traceback
    assert.ok(lines.includes("Original exception:"), err.message);
    assert.ok(lines.includes("    Exception #1"), err.message);
    assert.ok(lines.includes("      'Error(bad file b.start)' raised in ..."), err.message);
    assert.ok(lines.includes("       Job  = [b.start -> b.middle]"), err.message);
    assert.ok(lines.some((l) => l.startsWith("       Task = ") && l.includes("to_middle")), err.message);
  });
});

test("JobSignalledBreak stops the run at once", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d", "e", "f"]);
    const started: string[] = [];
    const release = gate();
    const p = new Pipeline("p");
    const t = p.transform({
      name: "t",
      task: async (i: string, o: string) => {
        started.push(i);
        if (i === "a.in") {
          await pause(1);
          setTimeout(() => release.open(), 200); // after the break has stopped the run
          throw new JobSignalledBreak("stop here");
        }
        await release.promise;
        await writeFile(o, i);
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    let after = 0;
    p.merge({ task: async function m() { after++; }, input: t, output: "all" });
    const err = await p.run({ verbose: 0, multithread: 3 }).catch((e) => e);
    assert.ok(err instanceof RethrownJobError, String(err));
    assert.equal(err.failures.length, 1);
    assert.ok(err.failures[0].error instanceof JobSignalledBreak);
    assert.deepEqual(started, ["a.in", "b.in", "c.in"], "no new job started after the break");
    assert.ok(exists("b.out") && exists("c.out"), "run() settled after the running jobs");
    assert.equal(after, 0);
  });
});

test("posttask: once per completed task, also when its jobs were all up to date; not for inactive tasks nor printout (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    for (const f of ["a.in", "x.in"]) {
      write(f, "x");
      age(f, 100);
    }
    const post: string[] = [];
    const p = new Pipeline("c");
    const a = p.transform({ task: async function ta(i: string, o: string) { await writeFile(o, "1"); }, input: "a.in", filter: suffix(".in"), output: ".a" })
      .posttask(() => post.push("a"));
    p.transform({ task: async function tb(i: string, o: string) { await writeFile(o, "2"); }, input: "x.in", filter: suffix(".in"), output: ".b" })
      .follows(a)
      .posttask(() => post.push("b"));
    p.transform({ task: async function ti(i: string, o: string) { await writeFile(o, "3"); }, input: "x.in", filter: suffix(".in"), output: ".i" })
      .follows(a)
      .posttask(() => post.push("i"))
      .activeIf(false);
    await p.run({ verbose: 0 });
    assert.deepEqual(post, ["a", "b"]);
    post.length = 0;
    await p.run({ verbose: 0 });
    assert.deepEqual(post, [], "no task in the run set");
    write("a.in", "newer");
    await p.printout({ verbose: 6 });
    assert.deepEqual(post, [], "printout never runs posttasks");
    const log = memoryLogger();
    const s = await p.run({ verbose: 5, logger: log });
    assert.deepEqual(post, ["a", "b"]);
    assert.equal(s.jobsRun, 1);
    assert.equal(s.jobsUptodate, 1);
    const l = log.lines;
    for (const line of [
      "Task enters queue = 'c::ta' ",
      "    Job  = [a.in -> a.a] completed",
      "Completed Task = 'c::ta' ",
      "Inactive Task = 'c::ti'",
      "Task enters queue = 'c::tb' ",
      "    Job  = [x.in -> x.b] unnecessary: already Up to date",
      "Uptodate Task = 'c::tb'",
    ]) {
      assert.ok(l.includes(line), `${line}\n---\n${log.text()}`);
    }
    assert.ok(l.indexOf("Inactive Task = 'c::ti'") > l.indexOf("Completed Task = 'c::ta' "));
    assert.ok(!exists("x.i"));
  });
});

test("posttask: runs once after all jobs, in order, before children start; touchFile makes its file", async () => {
  await inTempDir(async () => {
    const order: string[] = [];
    const p = new Pipeline("p");
    const a = p.originate({ task: async function a(o: string) { order.push(`job ${o}`); await writeFile(o, ""); }, output: ["1.a", "2.a", "3.a"] })
      .posttask(() => order.push("post 1"), touchFile("a.flag"), () => order.push(`post 3 flag=${exists("a.flag")}`));
    p.transform({ task: async function b(i: string, o: string) { order.push(`child ${i}`); await writeFile(o, ""); }, input: a, filter: suffix(".a"), output: ".b" });
    await p.run({ verbose: 0, multithread: 3 });
    assert.deepEqual(order.slice(0, 3).sort(), ["job 1.a", "job 2.a", "job 3.a"]);
    assert.deepEqual(order.slice(3, 5), ["post 1", "post 3 flag=true"]);
    assert.deepEqual(order.slice(5).sort(), ["child 1.a", "child 2.a", "child 3.a"]);
    assert.equal(read("a.flag"), "");
  });
});

test("no job is recorded complete if it failed, even with other jobs succeeding around it", async () => {
  await inTempDir(async () => {
    const files = inputs(["a", "b", "c", "d"]);
    const p = new Pipeline("p");
    p.transform({
      task: async function t(i: string, o: string) {
        await writeFile(o, "partial");
        await pause(2);
        if (i === "c.in") throw new Error("c fails after writing");
        await writeFile(o, "complete");
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    await assert.rejects(p.run({ verbose: 0, multithread: 4 }), RethrownJobError);
    assert.equal(read("c.out"), "partial");
    assert.deepEqual(await outputRows(), ["a.out", "b.out", "d.out"]);
    const text = await p.printout({ verbose: 4 });
    assert.ok(text.includes("Uncheckpointed file (left over from a failed run?):\n               [c.out]"), text);
    assert.ok(!text.includes("[a.out]") && !text.includes("-> a.out"), text);
  });
});

test("a forced task that fails keeps the records of the jobs that never started: only the failed job reruns (compared with Ruffus 2.8.4)", async () => {
  // Ruffus 2.8.4: t0 makes a.1..d.1, t1 (forced, a.1 failing) runs a.1 only; the next run reruns a.1 only.
  await inTempDir(async () => {
    const calls: string[] = [];
    let fail = false;
    const p = new Pipeline("p");
    const t0 = p.originate({ task: async function t0(o: string) { await writeFile(o, "x"); }, output: ["a.1", "b.1", "c.1", "d.1"] });
    p.transform({
      task: async function t1(i: string, o: string) {
        calls.push(i);
        if (fail && i === "a.1") throw new Error("boom");
        await writeFile(o, "x");
      },
      input: t0,
      filter: suffix(".1"),
      output: ".2",
    });
    await p.run({ verbose: 0 });
    fail = true;
    calls.length = 0;
    await assert.rejects(p.run({ verbose: 0, forcedtorunTasks: ["t1"] }), RethrownJobError);
    assert.deepEqual(calls, ["a.1"]);
    assert.deepEqual(await outputRows(), ["a.1", "b.1", "b.2", "c.1", "c.2", "d.1", "d.2"]);
    fail = false;
    calls.length = 0;
    await p.run({ verbose: 0 });
    assert.deepEqual(calls, ["a.1"]);
  });
});

test("a job's recorded outputs are gone from the history file before it starts; one write covers a batch of jobs", async () => {
  await inTempDir(async () => {
    const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, "0")}`);
    const files = inputs(names);
    const onDisk = new Map<string, Uint8Array>();
    let forced = false;
    const p = new Pipeline("p");
    p.transform({
      task: async function t(i: string, o: string) {
        if (forced) onDisk.set(o, readFileSync(HISTORY));
        await writeFile(o, "x");
      },
      input: files,
      filter: suffix(".in"),
      output: ".out",
    });
    await p.run({ verbose: 0 });
    assert.equal((await outputRows()).length, 40);
    forced = true;
    let writes = 0;
    const base = rt();
    setRuntime({ ...base, writeFileAtomic: async (path, data) => { if (path.endsWith(HISTORY)) writes++; await base.writeFileAtomic(path, data); } });
    try {
      await p.run({ verbose: 0, forcedtorunTasks: ["t"] });
    } finally {
      setRuntime(base);
    }
    const SQL = await initSqlJs();
    for (const [o, bytes] of onDisk) {
      const db = new SQL.Database(bytes);
      const r = db.exec("SELECT count(*) FROM outputs WHERE path = ?", [o]);
      db.close();
      assert.equal(r[0].values[0][0], 0, `${o} was still recorded on disk when its job started`);
    }
    assert.equal(onDisk.size, 40);
    // Batches of 1, 1, 2, 4, 8, 16, 8 jobs, then the final write: not one write per job.
    assert.ok(writes <= 9, `${writes} history writes`);
  });
});
