/**
 * Commands left running by a run killed with SIGKILL: the run that takes over its stale lock stops
 * them before it starts (they would write into the outputs it is about to make), and never a
 * process that merely got one of their pids. Linux only: elsewhere there is no /proc to identify
 * processes by, and nothing is stopped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { rt, setRuntime } from "../../src/core/runtime.ts";
import { acquireLock } from "../../src/history/lock.ts";
import { processStartToken, procsFile } from "../../src/history/procs.ts";
import { cliCommand } from "../clis.ts";
import { inTempDir } from "../helpers.ts";

const HISTORY = ".ruffus_history.sqlite";
const skip = !existsSync("/proc/self/stat") && "no /proc here";

const exited = (c: ChildProcess): Promise<NodeJS.Signals | number | null> => new Promise((r) => c.on("exit", (code, signal) => r(signal ?? code)));

test("taking over a stale lock stops the process groups its dead run left running, and only those", { skip }, async () => {
  await inTempDir(async (dir) => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    // an orphaned command: a group leader (setsid) whose child keeps it alive
    const orphan = spawn("sh", ["-c", "sleep 30; true"], { detached: true, stdio: "ignore" });
    // a process that only has a pid recorded in the file: its start time differs
    const bystander = spawn("sh", ["-c", "sleep 30; true"], { detached: true, stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const orphanToken = processStartToken(orphan.pid!);
      const bystanderToken = processStartToken(bystander.pid!);
      assert.ok(orphanToken && bystanderToken);
      const lockFile = join(dir, HISTORY + ".lock");
      writeFileSync(lockFile, JSON.stringify({ pid: dead, host: hostname(), started: new Date().toISOString() }) + "\n");
      writeFileSync(
        procsFile(lockFile, dead),
        `owner ${dead} - ${hostname()}\n${orphan.pid} ${orphanToken}\n${bystander.pid} ${bystanderToken.replace(/\d+$/, (n) => String(Number(n) - 7))}\n`,
      );
      const stderr: string[] = [];
      const base = rt();
      setRuntime({ ...base, stderr: { write: (t) => void stderr.push(t) } });
      let release: () => Promise<void>;
      const orphanExit = exited(orphan);
      try {
        release = await acquireLock(join(dir, HISTORY), { graceMs: 3000 });
      } finally {
        setRuntime(base);
      }
      assert.equal(await orphanExit, "SIGTERM");
      assert.equal(bystander.exitCode, null, "the other process still runs");
      assert.equal(bystander.signalCode, null);
      assert.deepEqual(stderr, [
        `ruffus: the run that held ${lockFile} (pid ${dead}) died and left 1 command running (process group ${orphan.pid}); ` +
          `stopping it before this run starts, so that it does not write into its outputs.\n`,
      ]);
      assert.ok(!existsSync(procsFile(lockFile, dead)), "the dead run's list is removed");
      await release();
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      for (const c of [orphan, bystander]) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
    }
  });
});

test("ruff killed with SIGKILL while a command writes its output: the next run stops that command first, so the output is written once", { skip, timeout: 60_000 }, async () => {
  await inTempDir(async (dir) => {
    writeFileSync(
      "pipeline.ts",
      'import { Pipeline, sh } from "ruffus";\nconst p = new Pipeline("orph");\n' +
        'p.originate({ task: async function slowcmd(out: string) { await sh`sh -c ${"printf BEGIN > " + out + "; sleep 3; printf END >> " + out}`; }, output: ["big.bam"] });\n' +
        "export default p;\n",
    );
    const [exe, ...pre] = cliCommand("node");
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
    const first = spawn(exe, [...pre, "pipeline.ts"], { cwd: dir, env, stdio: "ignore" });
    const firstExit = exited(first);
    for (let i = 0; i < 300 && !existsSync("big.bam"); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync("big.bam"), "the command started");
    first.kill("SIGKILL");
    assert.equal(await firstExit, "SIGKILL");
    assert.ok(existsSync(HISTORY + ".lock"), "a stale lock is left");
    const second = spawnSync(exe, [...pre, "pipeline.ts"], { cwd: dir, env, encoding: "utf8", timeout: 30_000 });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /died and left 1 command running \(process group \d+\); stopping it before this run starts/);
    // give an unstopped orphan the time to append its END
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(readFileSync("big.bam", "utf8"), "BEGINEND");
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".lock")), []);
  });
});

/** Running: not gone, and not a zombie waiting for its parent (init here) to collect it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

test("a group whose leader has exited is still stopped: its remaining processes are found in /proc", { skip }, async () => {
  await inTempDir(async (dir) => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const leader = spawn("sh", ["-c", "sleep 30 & echo $!; exit 0"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const token = processStartToken(leader.pid!, true); // as the executor notes it: it may have exited already
    let out = "";
    leader.stdout!.on("data", (d: Buffer) => (out += d));
    await exited(leader);
    const sleeper = Number(out.trim());
    try {
      assert.ok(token && running(sleeper));
      const lockFile = join(dir, HISTORY + ".lock");
      writeFileSync(procsFile(lockFile, dead), `owner ${dead} - ${hostname()}\n${leader.pid} ${token}\n`);
      const base = rt();
      const stderr: string[] = [];
      setRuntime({ ...base, stderr: { write: (t) => void stderr.push(t) } });
      try {
        await (await acquireLock(join(dir, HISTORY), { graceMs: 3000 }))();
      } finally {
        setRuntime(base);
      }
      assert.match(stderr.join(""), new RegExp(`left 1 command running \\(process group ${leader.pid}\\)`));
      assert.ok(!running(sleeper), "the leader's child was stopped");
    } finally {
      if (running(sleeper)) process.kill(sleeper, "SIGKILL");
    }
  });
});
