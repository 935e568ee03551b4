/**
 * A plain function named in follows() becomes a task of "main" while the pipeline is wired, in the
 * main thread only; a worker importing the module would not find it, so it runs in the main thread.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { Pipeline } from "ruffus";

test("with multiprocess, the task made for a plain function runs in the main thread, its follower in a worker", async () => {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-implicit-")));
  process.chdir(dir);
  Pipeline.clearAll();
  try {
    const fx = await import("./fixtures/implicit-follows.ts");
    await fx.pipeline.run({ verbose: 0, multiprocess: 2 });
    assert.equal(readFileSync("helper.thread", "utf8"), String(threadId));
    assert.notEqual(readFileSync("b.thread", "utf8"), String(threadId));
  } finally {
    process.chdir(old);
    rmSync(dir, { recursive: true, force: true });
  }
});
