/**
 * What a run does to the history file itself besides its contents: a symlinked history stays a
 * link (the file it names is written, and locked), its mode (and, as root, owner) is kept, a
 * write-protected one is refused before anything runs, and a path through a regular file gives a
 * clear error, not a raw mkdir one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Pipeline, suffix } from "ruffus";
import { inTempDir, exists, recordedPaths, NODE } from "../helpers.ts";

const HISTORY = ".ruffus_history.sqlite";
const FIXTURE = fileURLToPath(new URL("./fixtures/protected-history.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const isRoot = process.getuid?.() === 0;

/**
 * Whether any user may read `file` (its directories searchable by others, the file readable): a
 * checkout under a private directory (`mktemp -d` is 0700) cannot be read as nobody.
 */
function othersMayRead(file: string): boolean {
  if (!(statSync(file).mode & 0o004)) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) if (!(statSync(dir).mode & 0o001)) return false;
  return true;
}

/** x.in -> x.out for each name; `hold` keeps the first job (and so the run and its lock) waiting. */
function pipeline(name: string, inputs: string[], hold?: Promise<void>, started?: () => void): Pipeline {
  const p = new Pipeline(name);
  p.transform({
    task: async function copy(i: string, o: string) {
      started?.();
      if (hold) await hold;
      await writeFile(o, readFileSync(i));
    },
    input: inputs,
    filter: suffix(".in"),
    output: ".out",
  });
  return p;
}

test("a history reached through a symlink: the file it names is written (also when it does not exist yet), the link stays a link", async () => {
  await inTempDir(async () => {
    mkdirSync("store");
    symlinkSync("store/h.sqlite", HISTORY);
    writeFileSync("a.in", "a");
    assert.equal((await pipeline("p1", ["a.in"]).run({ verbose: 0 })).jobsRun, 1);
    assert.ok(lstatSync(HISTORY).isSymbolicLink(), "the link is still a link");
    assert.ok(lstatSync("store/h.sqlite").isFile());
    assert.deepEqual(await recordedPaths("store/h.sqlite"), ["a.out"], "keys relative to the link's directory, where the pipeline is");

    writeFileSync("b.in", "b");
    assert.equal((await pipeline("p2", ["a.in", "b.in"]).run({ verbose: 0 })).jobsRun, 1);
    assert.ok(lstatSync(HISTORY).isSymbolicLink());
    assert.deepEqual(await recordedPaths("store/h.sqlite"), ["a.out", "b.out"], "the linked file holds the second run's records: it is not stale");
    assert.equal((await pipeline("p3", ["a.in", "b.in"]).run({ verbose: 0 })).jobsRun, 0);
    assert.deepEqual(readdirSync(".").sort(), [HISTORY, "a.in", "a.out", "b.in", "b.out", "store"]);
    assert.deepEqual(readdirSync("store"), ["h.sqlite"], "no temporary file or lock left beside it");
  });
});

test("one history under two names (a link and its file): the second run finds the first one's lock", async () => {
  await inTempDir(async () => {
    mkdirSync("store");
    symlinkSync("store/h.sqlite", HISTORY);
    writeFileSync("a.in", "a");
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = pipeline("p1", ["a.in"], hold, started).run({ verbose: 0 });
    await running;
    try {
      assert.ok(exists("store/h.sqlite.lock"), "the lock is beside the file the link names");
      assert.ok(!exists(HISTORY + ".lock"));
      await assert.rejects(pipeline("p2", ["a.in"]).run({ verbose: 0, historyFile: "store/h.sqlite" }), { name: "HistoryLockedError" });
    } finally {
      // (awaited here too, so that a failed assertion does not leave it running in another directory)
      release();
      await first.catch(() => {});
    }
    assert.equal((await first).jobsRun, 1);
    assert.ok(!exists("store/h.sqlite.lock"));
  });
});

test("the history keeps its mode (0660 stays 0660 whatever the umask, 0600 stays 0600), and as root its owner and group", async () => {
  await inTempDir(async () => {
    writeFileSync("a.in", "a");
    await pipeline("p0", ["a.in"]).run({ verbose: 0 });
    for (const [i, mode] of [0o660, 0o600, 0o640].entries()) {
      chmodSync(HISTORY, mode);
      // (the umask of 022 would make a new file 0644)
      writeFileSync("a.in", `a${i}`);
      assert.equal((await pipeline(`p${i + 1}`, ["a.in"]).run({ verbose: 0 })).jobsRun, 1);
      assert.equal((statSync(HISTORY).mode & 0o7777).toString(8), mode.toString(8));
    }
    if (isRoot) {
      chownSync(HISTORY, 65534, 65534);
      writeFileSync("a.in", "root");
      assert.equal((await pipeline("p9", ["a.in"]).run({ verbose: 0 })).jobsRun, 1);
      const st = statSync(HISTORY);
      assert.deepEqual([st.uid, st.gid], [65534, 65534], "root's write keeps the owner and group");
    }
    assert.deepEqual(await recordedPaths(), ["a.out"], "each run was written");
  });
});

const refused = (file: string, what: string, mode: string): string =>
  `The history file ${file} is ${what} (mode ${mode}), and a run rewrites it. ` +
  `Make it writable (chmod u+w ${file}) if it may change, or choose another history file with --checksum-file-name FILE (historyFile); ` +
  `-n (printout()) shows what would run without writing anything.`;

test("a read-only history (no write bit: 0444) stops a run before it starts, naming it, and is left as it was; also for root; a printout still reads it", async () => {
  await inTempDir(async () => {
    writeFileSync("a.in", "a");
    await pipeline("p0", ["a.in"]).run({ verbose: 0 });
    writeFileSync("a.in", "changed");
    chmodSync(HISTORY, 0o444);
    const before = readFileSync(HISTORY);
    const calls: string[] = [];
    const p = pipeline("p1", ["a.in"], undefined, () => calls.push("copy"));
    await assert.rejects(p.run({ verbose: 0 }), { name: "HistoryFileError", message: refused(HISTORY, "write-protected", "0444") });
    assert.deepEqual(calls, [], "nothing ran");
    assert.ok(readFileSync(HISTORY).equals(before), "the file is unchanged");
    assert.equal((statSync(HISTORY).mode & 0o7777).toString(8), "444");
    assert.ok(!exists(HISTORY + ".lock"));
    assert.match(await pipeline("p2", ["a.in"]).printout({ verbose: 1 }), /Task = 'p2::copy'/);
    // through a link to it: the same (the link is named)
    symlinkSync(HISTORY, "link.sqlite");
    await assert.rejects(pipeline("p3", ["a.in"]).run({ verbose: 0, historyFile: "link.sqlite" }), { message: refused("link.sqlite", "write-protected", "0444") });
    assert.ok(readFileSync(HISTORY).equals(before));
  });
});

test("a history this user may not write, though it has a write bit, is refused at open and by the atomic write (as nobody when the test runs as root)", {
  skip: !isRoot ? false : !exists("/usr/bin/setpriv") ? "needs setpriv to run as nobody" : !othersMayRead(FIXTURE) || !othersMayRead(fileURLToPath(TSX)) ? "the checkout is in a directory nobody may read (run from a clone others can read)" : false,
}, async () => {
  await inTempDir(async (dir) => {
    writeFileSync("h.sqlite", "not written by this test's runs");
    let prefix: string[] = [];
    let mode: number;
    if (isRoot) {
      // root may write anything: the fixture runs as nobody, in a directory nobody may write to
      // (so that only the file's own permission stops it), on a file of root's that is 0644
      chmodSync(dir, 0o777);
      mode = 0o644;
      prefix = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    } else {
      // the owner's bits are the ones that count for the owner: r-- here, though its group may write
      mode = 0o464;
    }
    chmodSync("h.sqlite", mode);
    const argv = [...prefix, NODE, "--import", TSX, FIXTURE, join(dir, "h.sqlite")];
    const env: Record<string, string> = { ...(process.env as Record<string, string>), TSX_TSCONFIG_PATH: join(import.meta.dirname, "../../tsconfig.json") };
    for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
    const r = spawnSync(argv[0], argv.slice(1), { cwd: dir, env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, string>;
    assert.equal(out.atomic, "EACCES", "the atomic write refuses it, as a plain write would");
    const file = join(dir, "h.sqlite");
    assert.equal(out.run, `HistoryFileError: ${refused(file, "not writable by this user", "0" + mode.toString(8))}`);
    assert.equal(readFileSync("h.sqlite", "utf8"), "not written by this test's runs");
    assert.ok(!exists("a.out"), "nothing ran");
  });
});

test("a history path through a regular file, or naming a directory, is a clear error naming it (not a raw mkdir EEXIST)", async () => {
  await inTempDir(async (dir) => {
    writeFileSync("a.in", "a");
    writeFileSync("afile", "");
    const other = " Choose another with --checksum-file-name FILE (historyFile).";
    await assert.rejects(pipeline("p1", ["a.in"]).run({ verbose: 0, historyFile: "afile/h.sqlite" }), {
      name: "HistoryFileError",
      message: `Cannot use the history file afile/h.sqlite: ${join(dir, "afile")} is a file, not a directory.${other}`,
    });
    await assert.rejects(pipeline("p2", ["a.in"]).run({ verbose: 0, historyFile: "afile/sub/dir/h.sqlite" }), {
      message: `Cannot use the history file afile/sub/dir/h.sqlite: ${join(dir, "afile")} is a file, not a directory.${other}`,
    });
    mkdirSync("adir");
    await assert.rejects(pipeline("p3", ["a.in"]).run({ verbose: 0, historyFile: "adir" }), {
      name: "HistoryFileError",
      message: `Cannot use the history file adir: it is a directory, not a file.${other}`,
    });
    assert.ok(!exists("a.out"), "nothing ran");
    // a printout says the same (as a run would)
    await assert.rejects(pipeline("p4", ["a.in"]).printout({ verbose: 1, historyFile: "afile/h.sqlite" }), { name: "HistoryFileError" });
  });
});
