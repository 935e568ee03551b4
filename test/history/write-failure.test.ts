/**
 * A history file that cannot be written (a full disk, a read-only directory): records are kept in
 * memory and written by a later flush, nothing is rejected unhandled, one warning says so, and a
 * run whose last write still fails reports it naming the file. The disk is faked through the
 * runtime interface: its writeFileAtomic fails a given number of times.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Pipeline } from "ruffus";
import { rt, setRuntime } from "../../src/core/runtime.ts";
import { SqliteHistory, HistoryFileError, HistoryWriteError } from "../../src/history/store.ts";
import type { Runtime } from "../../src/runtime/types.ts";
import { inTempDir, recordedPaths, exists } from "../helpers.ts";

const HISTORY = ".ruffus_history.sqlite";

function osError(code: string, text: string): Error {
  return Object.assign(new Error(`${code}: ${text}, write`), { code });
}

/** Installs a runtime whose history writes fail `failures` times (with ENOSPC); returns what it saw. */
function failingDisk(failures: number): { stderr: string[]; attempts: () => number; restore: () => void } {
  const base = rt();
  const stderr: string[] = [];
  let attempts = 0;
  const fake: Runtime = {
    ...base,
    stderr: { write: (t) => void stderr.push(t) },
    async writeFileAtomic(path, data) {
      if (path.endsWith(HISTORY) && attempts++ < failures) throw osError("ENOSPC", "no space left on device");
      await base.writeFileAtomic(path, data);
    },
  };
  setRuntime(fake);
  return { stderr, attempts: () => attempts, restore: () => setRuntime(base) };
}

/** Collects unhandled rejections while `fn` runs (there must be none). */
async function noUnhandledRejections(fn: () => Promise<void>): Promise<void> {
  const seen: unknown[] = [];
  const onRejection = (e: unknown): void => void seen.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  assert.deepEqual(seen, []);
}

const details = { task: "t", fileMtime: 1, fileSize: 1, durationMs: 1, finishedMs: 1 };
const record = { mtime: 1, funcHash: "", paramsHash: "" };

test("a failed history write keeps its records: an explicit flush rejects naming the file, the next one writes everything; one warning", async () => {
  await inTempDir(async (dir) => {
    const disk = failingDisk(2);
    try {
      const h = await SqliteHistory.open(HISTORY, { cwd: dir, checksumLevel: 1, write: true, minFlushIntervalMs: 60_000 });
      h.set("a.out", record, details);
      await assert.rejects(h.flush(), (e: Error) => e instanceof HistoryWriteError && e.message === `Cannot write the history file ${dir}/${HISTORY}: no space left on device.`);
      h.set("b.out", record, details);
      await assert.rejects(h.flush(), HistoryWriteError);
      h.set("c.out", record, details);
      await h.flush();
      assert.deepEqual(await recordedPaths(), ["a.out", "b.out", "c.out"]);
      await h.close();
      assert.equal(disk.attempts(), 3);
      assert.deepEqual(disk.stderr, [
        `ruffus: cannot write the history file ${dir}/${HISTORY}: no space left on device; its records are kept in memory and written when possible.\n`,
        `ruffus: the history file ${dir}/${HISTORY} is written again; no record was lost.\n`,
      ]);
      assert.ok(!exists(HISTORY + ".lock"));
    } finally {
      disk.restore();
    }
  });
});

test("background writes that fail are retried by themselves, without an unhandled rejection", async () => {
  await inTempDir(async (dir) => {
    const disk = failingDisk(3);
    try {
      await noUnhandledRejections(async () => {
        const h = await SqliteHistory.open(HISTORY, { cwd: dir, checksumLevel: 1, write: true, minFlushIntervalMs: 5, retryAfterFailureMs: 5 });
        h.set("a.out", record, details);
        // three failed timer writes, then one that succeeds
        for (let i = 0; i < 400 && disk.attempts() < 4; i++) await new Promise((r) => setTimeout(r, 10));
        assert.equal(disk.attempts(), 4);
        await h.close();
      });
      assert.deepEqual(await recordedPaths(), ["a.out"]);
      assert.equal(disk.stderr.filter((l) => l.includes("cannot write")).length, 1, disk.stderr.join(""));
    } finally {
      disk.restore();
    }
  });
});

test("a run whose last history write fails reports it naming the file and what was not recorded; the lock is released", async () => {
  await inTempDir(async (dir) => {
    const disk = failingDisk(Infinity);
    try {
      const p = new Pipeline("p");
      p.originate({ task: async function make(o: string) { await writeFile(o, "x"); }, output: ["a.out", "b.out"] });
      await noUnhandledRejections(async () => {
        await assert.rejects(p.run({ verbose: 0 }), (e: Error) => {
          assert.ok(e instanceof HistoryWriteError, String(e));
          assert.equal(
            e.message,
            `Cannot write the history file ${dir}/${HISTORY}: no space left on device. 2 outputs of jobs that completed in this run could not be recorded: ` +
              `those jobs will run again next time (their files are on disk). Free some space and run again (to trust the files on disk as they are instead, run once with --recreate-database).`,
          );
          return true;
        });
      });
      assert.ok(exists("a.out") && exists("b.out"), "the jobs ran");
      assert.ok(!exists(HISTORY + ".lock"));
      assert.equal(disk.stderr.filter((l) => l.includes("cannot write")).length, 1);
    } finally {
      disk.restore();
    }
    // space freed: the next run redoes the unrecorded jobs and records them
    const q = new Pipeline("q");
    q.originate({ task: async function make(o: string) { await writeFile(o, "x"); }, output: ["a.out", "b.out"] });
    assert.equal((await q.run({ verbose: 0 })).jobsRun, 2);
    assert.deepEqual(await recordedPaths(), ["a.out", "b.out"]);
  });
});

test("writeFileAtomic removes its temporary file when the write fails", async () => {
  await inTempDir(async (dir) => {
    // A directory where the file should be: the rename fails after the temporary file was written.
    const { mkdirSync } = await import("node:fs");
    mkdirSync("target");
    mkdirSync("target/x");
    await assert.rejects(rt().writeFileAtomic(`${dir}/target`, new Uint8Array(1000)));
    assert.deepEqual(readdirSync(dir), ["target"]);
  });
});

test("a history directory that cannot be written gives one clear error naming it (read-only file system)", async () => {
  await inTempDir(async (dir) => {
    const base = rt();
    setRuntime({ ...base, createExclusive: async () => { throw osError("EROFS", "read-only file system"); } });
    try {
      const p = new Pipeline("p");
      p.originate({ task: async function make(o: string) { await writeFile(o, "x"); }, output: "a.out" });
      await assert.rejects(p.run({ verbose: 0 }), (e: Error) => {
        assert.ok(e instanceof HistoryFileError, String(e));
        assert.equal(
          e.message,
          `Cannot use the history file ${dir}/${HISTORY}: its directory ${dir} is not writable (read-only file system). ` +
            `Put the history elsewhere with --checksum-file-name FILE (historyFile), or see what would run without writing anything with -n (printout()).`,
        );
        return true;
      });
      assert.ok(!exists("a.out"), "nothing ran");
    } finally {
      setRuntime(base);
    }
  });
});
