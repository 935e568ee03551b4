/**
 * JSR: deno.json names the package, its version and its entry point, and `deno publish --dry-run`
 * accepts it (type checks, the file list, and slow types in the public API).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(REPO, "node_modules/.bin/deno");
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const ON_NODE = !g.Bun && !g.Deno;
const DENO_JSON = JSON.parse(readFileSync(join(REPO, "deno.json"), "utf8")) as Record<string, unknown>;
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string; license: string };

function publishDryRun(extra: string[]): { status: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(DENO, ["publish", "--dry-run", "--allow-dirty", ...extra], { cwd: REPO, env, encoding: "utf8", timeout: 180000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("JSR (deno publish)", { skip: !ON_NODE && "runs the deno CLI on the repository: covered by the Node test run" }, () => {
  test("deno.json: name, version (package.json's), license and exports", () => {
    assert.equal(DENO_JSON.name, "@ruffus/ruffus");
    assert.equal(DENO_JSON.version, PKG.version);
    assert.equal(DENO_JSON.license, PKG.license);
    assert.equal(DENO_JSON.exports, "./src/mod.ts");
  });

  test("deno publish --dry-run --allow-dirty --allow-slow-types succeeds and publishes the sources only", () => {
    const r = publishDryRun(["--allow-slow-types"]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /Success Dry run complete/);
    const files = [...r.out.matchAll(/^\s+file:\/\/(\S+) \(/gm)].map((m) => m[1].slice(REPO.length));
    for (const f of ["README.md", "LICENSE", "deno.json", "src/mod.ts", "src/core/pipeline.ts", "src/exec/worker-entry.ts", "src/cli/main.ts"]) {
      assert.ok(files.includes(f), `${f} is not published:\n${files.join("\n")}`);
    }
    assert.deepEqual(files.filter((f) => !(f === "README.md" || f === "LICENSE" || f === "deno.json" || (f.startsWith("src/") && f.endsWith(".ts")))), []);
    assert.equal(files.includes("src/cli/bin.ts"), false);
    assert.equal(files.includes("src/cli/worker.ts"), false);
  });

  test(
    "deno publish --dry-run --allow-dirty succeeds (no slow types in the public API)",
    () => {
      const r = publishDryRun([]);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /Success Dry run complete/);
    },
  );
});
