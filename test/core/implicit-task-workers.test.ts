/**
 * A plain function named in follows() becomes a task of "main" while the pipeline is wired, in the
 * main process only; a worker importing the module would not find it, so it runs in the main process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pipeline } from "ruffus";

test("with multiprocess, the task made for a plain function runs in the main process, its follower in a worker process", async () => {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-implicit-")));
  process.chdir(dir);
  Pipeline.clearAll();
  try {
    const fx = await import("./fixtures/implicit-follows.ts");
    await fx.pipeline.run({ verbose: 0, multiprocess: 2 });
    assert.equal(readFileSync("helper.pid", "utf8"), String(process.pid));
    assert.notEqual(readFileSync("b.pid", "utf8"), String(process.pid));
  } finally {
    process.chdir(old);
    rmSync(dir, { recursive: true, force: true });
  }
});
