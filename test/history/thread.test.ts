/**
 * The history's thread: a write of many rows moves the database to a thread of its own, which
 * must leave exactly the file the main thread would have written; a thread that cannot start or
 * dies mid-run must lose nothing and apply nothing twice (the main thread rebuilds the database
 * from the file as last written and what was sent since); failed file writes are kept and retried
 * as without the thread (the file is still written by the main thread).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import initSqlJs from "sql.js";
import { rt, setRuntime } from "../../src/core/runtime.ts";
import { HistoryWriteError, setHistoryThreadEntry, SqliteHistory } from "../../src/history/store.ts";
import type { Runtime, ThreadHandle } from "../../src/runtime/types.ts";
import { inTempDir } from "../helpers.ts";

const HISTORY = ".ruffus_history.sqlite";
const details = { task: "t", fileMtime: 1, fileSize: 1, durationMs: 1, finishedMs: 1 };

/** The file's tables, without the columns that differ between two runs (times, pids). */
async function contents(): Promise<unknown> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(HISTORY));
  try {
    return Object.fromEntries(
      [
        ["outputs", "SELECT path, completed, file_mtime, file_size, func_hash, params_hash, task, duration_ms, exit_status, run_id FROM outputs ORDER BY path"],
        ["jobs", "SELECT run_id, task, job, status, started, duration_ms, outputs, error FROM jobs ORDER BY rowid"],
        ["runs", "SELECT id, ok, jobs_run, failures, finished IS NOT NULL FROM runs ORDER BY id"],
        ["failures", "SELECT run_id, task, job, error FROM failures ORDER BY rowid"],
      ].map(([name, sql]) => [name, db.exec(sql)[0]?.values ?? []]),
    );
  } finally {
    db.close();
  }
}

/** One run's worth of changes, in three writes: records, a job each, deletions, a failure. */
async function scriptedRun(threadRows: number, between?: () => void): Promise<void> {
  const h = await SqliteHistory.open(HISTORY, { cwd: process.cwd(), checksumLevel: 1, write: true, minFlushIntervalMs: 60_000, threadRows });
  h.startRun({ test: true });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 300; i++) {
      const f = `out/r${round}-${i}.txt`;
      h.set(f, { mtime: round * 1000 + i, funcHash: "f", paramsHash: "p" }, details);
      h.recordJob({ task: "t", kind: "transform", params: [`in/${i}.txt`, f, i], status: "ok", startedMs: i, durationMs: 1, outputs: 1 });
    }
    if (round > 0) for (let i = 0; i < 300; i += 7) h.delete(`out/r${round - 1}-${i}.txt`);
    // A failed file write (a test's fake disk) rejects its flush; the run goes on and close() writes everything.
    await h.flush().catch((e: unknown) => {
      if (!(e instanceof HistoryWriteError)) throw e;
    });
    between?.();
  }
  h.recordJob({ task: "t", job: "Job  = [x -> y]", status: "failed", error: "Error: boom" });
  h.endRun({ ok: false, jobsRun: 900, failures: 1 });
  await h.close();
}

test("a large write moves the database to the history's thread: the file is the same as written without it", async () => {
  const withThread = await inTempDir(async () => {
    const threads = killableThreads();
    try {
      await scriptedRun(0);
      await scriptedRun(0); // a second run over the file the thread wrote
      assert.equal(threads.started(), 2);
    } finally {
      threads.restore();
    }
    return contents();
  });
  const without = await inTempDir(async () => {
    await scriptedRun(Infinity);
    await scriptedRun(Infinity);
    return contents();
  });
  assert.deepEqual(withThread, without);
  const c = without as { outputs: unknown[]; jobs: unknown[]; runs: unknown[] };
  assert.equal(c.outputs.length, 900 - 2 * 43);
  assert.equal(c.jobs.length, 2 * 901);
  assert.deepEqual(c.runs, [[1, 0, 900, 1, 1], [2, 0, 900, 1, 1]]);
});

/**
 * A runtime whose history threads can be made to die (as an uncaught error or a crash would end
 * them), at once or while a request is in flight (`killOnSend`: the n-th request), and whose
 * history file writes fail at the given attempts.
 */
function killableThreads(o: { killOnSend?: number; failWrites?: number[] } = {}): { kill: () => void; started: () => number; restore: () => void } {
  const base = rt();
  const live: { thread: ThreadHandle; fail: (e: Error) => void }[] = [];
  let started = 0;
  let sent = 0;
  let writes = 0;
  const kill = (): void => {
    for (const { thread, fail } of live.splice(0)) {
      void thread.terminate();
      fail(new Error("the thread stopped (exit code 1)"));
    }
  };
  const fake: Runtime = {
    ...base,
    stderr: { write: () => {} },
    createThread(entry, data) {
      started++;
      const thread = base.createThread!(entry, data);
      const handlers: ((e: Error) => void)[] = [];
      thread.onError((e) => handlers.forEach((h) => h(e)));
      live.push({ thread, fail: (e) => handlers.forEach((h) => h(e)) });
      return {
        ...thread,
        onError: (h) => void handlers.push(h),
        postMessage(m, transfer) {
          thread.postMessage(m, transfer);
          if (++sent === o.killOnSend) kill();
        },
      };
    },
    async writeFileAtomic(path, data) {
      if (path.endsWith(HISTORY) && o.failWrites?.includes(++writes)) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      await base.writeFileAtomic(path, data);
    },
  };
  setRuntime(fake);
  return { kill, started: () => started, restore: () => setRuntime(base) };
}

test("the history's thread dying mid-run loses nothing and applies nothing twice: the database is rebuilt here from the file", async () => {
  const expected = await inTempDir(async () => {
    await scriptedRun(Infinity);
    return contents();
  });
  const cases: { name: string; killAfter?: number; killOnSend?: number; failWrites?: number[] }[] = [
    { name: "killed after the first write", killAfter: 1 },
    { name: "killed after the second write", killAfter: 2 },
    { name: "killed while applying the first batch (nothing written yet: a new file)", killOnSend: 1 },
    { name: "killed while applying the second batch", killOnSend: 2 },
    // The second batch is in the thread's database but not in the file when the thread dies.
    { name: "killed after a failed file write", killAfter: 2, failWrites: [2] },
  ];
  for (const c of cases) {
    const got = await inTempDir(async () => {
      const threads = killableThreads(c);
      try {
        let writes = 0;
        await scriptedRun(0, () => {
          if (++writes === c.killAfter) threads.kill();
        });
        assert.equal(threads.started(), 1, c.name);
      } finally {
        threads.restore();
      }
      return contents();
    });
    assert.deepEqual(got, expected, c.name);
  }
});

test("a history thread that cannot start: the run writes its history in this thread (a new file, nothing written before)", async () => {
  const expected = await inTempDir(async () => {
    await scriptedRun(Infinity);
    return contents();
  });
  const got = await inTempDir(async () => {
    setHistoryThreadEntry(new URL("./no-such-thread-module.ts", import.meta.url));
    try {
      await scriptedRun(0);
    } finally {
      setHistoryThreadEntry(new URL(`../../src/history/db-thread.ts`, import.meta.url));
    }
    return contents();
  });
  assert.deepEqual(got, expected);
});

test("with the history's thread, a failed file write keeps its records and the next write carries them", async () => {
  await inTempDir(async (dir) => {
    const base = rt();
    let attempts = 0;
    const stderr: string[] = [];
    setRuntime({
      ...base,
      stderr: { write: (t) => void stderr.push(t) },
      async writeFileAtomic(path, data) {
        if (path.endsWith(HISTORY) && attempts++ === 1) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        await base.writeFileAtomic(path, data);
      },
    });
    try {
      const h = await SqliteHistory.open(HISTORY, { cwd: dir, checksumLevel: 1, write: true, minFlushIntervalMs: 60_000, threadRows: 0 });
      h.startRun({});
      h.set("a.out", { mtime: 1, funcHash: "", paramsHash: "" }, details);
      await h.flush();
      h.set("b.out", { mtime: 2, funcHash: "", paramsHash: "" }, details);
      h.delete("a.out");
      await assert.rejects(h.flush(), (e: Error) => e instanceof HistoryWriteError && e.message === `Cannot write the history file ${dir}/${HISTORY}: no space left on device.`);
      h.set("c.out", { mtime: 3, funcHash: "", paramsHash: "" }, details);
      h.endRun({ ok: true, jobsRun: 3 });
      await h.close();
      assert.equal(attempts, 3);
      const c = (await contents()) as { outputs: unknown[][]; runs: unknown[] };
      assert.deepEqual(c.outputs.map((r) => r[0]), ["b.out", "c.out"]);
      assert.deepEqual(c.runs, [[1, 1, 3, 0, 1]]);
      assert.deepEqual(stderr, [
        `ruffus: cannot write the history file ${dir}/${HISTORY}: no space left on device; its records are kept in memory and written when possible.\n`,
        `ruffus: the history file ${dir}/${HISTORY} is written again; no record was lost.\n`,
      ]);
    } finally {
      setRuntime(base);
    }
  });
});
