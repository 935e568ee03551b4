/**
 * The history is replaced whole or not at all: a child process writes version after version of a
 * large file through the runtime's writeFileAtomic (as the history store does) and is killed with
 * SIGKILL at random moments; after every kill the file must be exactly the last version it
 * reported written or the one it was writing — compared by hash, byte for byte. The same harness
 * with a plain writeFile must catch a torn file, or the test proves nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { lstatSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { inTempDir, NODE } from "../helpers.ts";
import { content } from "./fixtures/atomic-writer.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/atomic-writer.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const KILLS = 15;

const sha = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Starts the writer at version `first`, SIGKILLs it `delayMs` after its first write; the last version it reported. */
function writeUntilKilled(path: string, how: "atomic" | "plain", first: number, delayMs: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    // Node, also under Bun and Deno (see crash.test.ts)
    const child = spawn(NODE, ["--import", TSX, FIXTURE, path, how, String(first)], { stdio: ["ignore", "pipe", "pipe"] });
    let last: number | undefined;
    let stderr = "";
    let buf = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        last = Number(/^WROTE (\d+)$/.exec(buf.slice(0, nl))?.[1]);
        buf = buf.slice(nl + 1);
        timer ??= setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    // "close": after the last of its output has arrived
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`the writer stopped by itself: ${stderr}`));
      else resolve(last);
    });
  });
}

/** Kills the writer `kills` times (or until `stop` says so); for each, what the file held: "old", "new" or "torn", and whether a write was under way. */
async function killRepeatedly(path: string, how: "atomic" | "plain", kills: number, check: () => void, stop = (_seen: string[]) => false): Promise<{ seen: string[]; midWrite: number }> {
  const seen: string[] = [];
  let midWrite = 0;
  let next = 1;
  writeFileSync(path, content(0));
  for (let k = 0; k < kills && !stop(seen); k++) {
    // Versions `next`, `next + 1`... are written in this round: the last one reported, or the one after it, must be there.
    const last = await writeUntilKilled(path, how, next, Math.random() * 40);
    assert.ok(last !== undefined && last >= next, "the writer reported at least one version");
    const got = sha(readFileSync(path));
    seen.push(got === sha(content(last)) ? "old" : got === sha(content(last + 1)) ? "new" : "torn");
    check();
    next = last + 2;
    // A temporary file left: the kill came while a version was being written. (The history store removes those when it opens.)
    const tmp = readdirSync(".").filter((f) => f.endsWith(".tmp"));
    if (tmp.length) midWrite++;
    for (const f of tmp) rmSync(f);
  }
  return { seen, midWrite };
}

test("SIGKILL during writeFileAtomic leaves the complete old or the complete new file, never a torn one (through a symlink: the link stays)", { timeout: 120_000 }, async (t) => {
  await inTempDir(async () => {
    symlinkSync("real.bin", "history.bin");
    const { seen, midWrite } = await killRepeatedly(join(process.cwd(), "history.bin"), "atomic", KILLS, () => {
      assert.ok(lstatSync("history.bin").isSymbolicLink(), "the link is still a link");
    });
    assert.deepEqual(seen.filter((s) => s === "torn"), [], seen.join(" "));
    assert.ok(midWrite > 0, "no kill came during a write: the test did not exercise anything");
    t.diagnostic(`after ${KILLS} kills (${midWrite} during a write): ${seen.join(" ")}`);
  });
});

test("control: the same kills do catch a plain writeFile's torn file", { timeout: 120_000 }, async (t) => {
  await inTempDir(async () => {
    const { seen } = await killRepeatedly(join(process.cwd(), "plain.bin"), "plain", 4 * KILLS, () => {}, (s) => s.includes("torn"));
    assert.ok(seen.includes("torn"), `no torn file in ${seen.length} kills of a plain writer: the harness cannot see one (${seen.join(" ")})`);
    t.diagnostic(`plain writes: ${seen.join(" ")}`);
  });
});
