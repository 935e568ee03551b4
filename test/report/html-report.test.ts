/**
 * The HTML report's numbers and reasons: which jobs a run would start and why — the reason
 * `ruff why` gives for a job out of date now, "upstream task X runs (N jobs)" for a job whose input
 * an earlier job remakes — and that every link in it goes somewhere.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { Pipeline, suffix } from "ruffus";
import { age, inTempDir, NODE } from "../helpers.ts";

/** start (2 jobs) → middle (2 jobs) → end (1 job) and a task after middle that reads b.start only; run; then a.start touched. */
async function touchedChain(): Promise<Pipeline> {
  const p = new Pipeline("rep");
  const start = p.originate({ task: function start(o: string) { writeFileSync(o, "s"); }, output: ["a.start", "b.start"] });
  const middle = p.transform({ task: function middle(i: string, o: string) { writeFileSync(o, readFileSync(i, "utf8")); }, input: start, filter: suffix(".start"), output: ".middle" });
  p.merge({ task: function end(_i: string[], o: string) { writeFileSync(o, ""); }, input: middle, output: "all.end" });
  p.transform({ task: function other(_i: string, o: string) { writeFileSync(o, ""); }, input: "b.start", filter: suffix(".start"), output: ".other" }).follows(middle);
  await p.run({ verbose: 0 });
  age("a.start", -5);
  return p;
}

/** The report's task table: name → [state, jobs, to run]. */
function table(html: string): Map<string, [string, number, number]> {
  const rows = new Map<string, [string, number, number]>();
  for (const [, name, state, jobs, toRun] of html.matchAll(/<tr><td><a href="#[^"]+">([^<]+)<\/a><\/td><td class="\w+">([^<]+)<\/td><td class="n">(\d+)<\/td><td class="n">(\d+)<\/td>/g)) {
    rows.set(name, [state, Number(jobs), Number(toRun)]);
  }
  return rows;
}

test("the report counts the jobs a run would start: out of date now, or fed by a job that runs first", async () => {
  await inTempDir(async () => {
    const p = await touchedChain();
    const html = String(await p.printoutGraph({ output: "report.html" }));
    assert.deepEqual(
      [...table(html)],
      [
        ["rep::start", ["up to date", 2, 0]],
        ["rep::middle", ["will run", 2, 1]],
        ["rep::end", ["will run", 1, 1]],
        // After middle, so in Ruffus's plan, but b.start is not remade: nothing of it runs.
        ["rep::other", ["re-checked after the tasks before it run", 1, 0]],
      ],
    );
    assert.ok(html.includes("<p>A run now would start 2 jobs.</p>"), html);
    // The reason ruff why gives, then the upstream one.
    assert.match(html, /<summary>rep::middle: 1 job of 2 to run<\/summary><ul><li><code>Job  = \[a\.start -&gt; a\.middle\]<\/code><br>because a\.middle is not newer than its input a\.start<\/li><\/ul>/);
    assert.match(html, /<summary>rep::end: 1 job of 1 to run<\/summary><ul><li><code>[^<]*<\/code><br>because upstream task 'rep::middle' runs \(1 job\)<\/li><\/ul>/);
    // And that is what a run does.
    assert.equal((await p.run({ verbose: 0 })).jobsRun, 2);
  });
});

test("every link of the report goes to an anchor in it, one per task, and flowchart boxes link to their task", async () => {
  await inTempDir(async () => {
    const p = await touchedChain();
    const html = String(await p.printoutGraph({ format: "html" }));
    const ids = new Set([...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const links = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    assert.ok(links.length >= 8, "four table rows and four boxes");
    for (const l of links) assert.ok(ids.has(l), `#${l} has an anchor`);
    assert.equal((html.match(/<details id="task-\d+"/g) ?? []).length, 4, "an entry for every task, up to date or not");
  });
});

test("a job of thousands of files is one short line in the report, the first thousand names under it", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("big");
    const inputs = Array.from({ length: 3000 }, (_, i) => `in/f${i}.txt`);
    p.merge({ task: function gather(_i: string[], o: string) { writeFileSync(o, ""); }, input: inputs, output: "all.txt" });
    const html = String(await p.printoutGraph({ format: "html" }));
    const short = "Job  = [[in/f0.txt, in/f1.txt, in/f2.txt, in/f3.txt, … and 2996 more] -&gt; all.txt]";
    const item = new RegExp(
      `<li><code>${short.replace(/[[\]().]/g, "\\$&")}</code><br>because output all\\.txt does not exist` +
        `<details class="files"><summary>1001 of its 3001 file names</summary><code>Job  = \\[\\[in/f0\\.txt, in/f1\\.txt, [^<]*, in/f999\\.txt, … and 2000 more\\] -&gt; all\\.txt\\]</code></details></li>`,
    );
    assert.match(html, item);
    const full = /<details class="files"><summary>[^<]*<\/summary><code>([^<]*)<\/code>/.exec(html)?.[1] ?? "";
    assert.equal(full.split(", ").length, 1001, "1000 inputs, then the mark with the output after it");
    assert.ok(!html.includes("in/f1000.txt") && !html.includes("in/f2999.txt"), "the rest is left out");
  });
});

test("a job with only missing inputs names the first five in the report's reason", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("missing");
    p.merge({ task: function gather(_i: string[], o: string) { writeFileSync(o, ""); }, input: ["a", "b", "c", "d", "e", "f", "g"], output: "all.txt" });
    writeFileSync("all.txt", "");
    const html = String(await p.printoutGraph({ format: "html" }));
    assert.match(html, /<li><code>Job  = \[\[a, b, c, d, … and 3 more\] -&gt; all\.txt\]<\/code><br>because input a, b, c, d, e and 2 more does not exist/);
  });
});

/** The report's lines about runs: "Last run: ..." and "A run is in progress: ...". */
const runLines = (html: string): string[] => [...html.matchAll(/^<p>(?:Last run|No run|A run is in progress)[^\n]*<\/p>$/gm)].map((m) => m[0].replace(/<[^>]+>/g, ""));

test("a report made while a run holds the history says it is running, not that it did not finish", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("lk");
    let during = "";
    p.originate({ task: async function slow(o: string) { during = String(await p.printoutGraph({ format: "html" })); writeFileSync(o, ""); }, output: ["a.txt"] });
    // First run: nothing recorded yet, but the lock is there.
    await p.run({ verbose: 0 });
    assert.deepEqual(runLines(during), ["No run recorded yet.", `A run is in progress: running (pid ${process.pid} on ${hostname()}), started ${/started (\S+)\./.exec(runLines(during)[1])?.[1]}.`]);
    // Second run: its start is in the history.
    rmSync("a.txt");
    await p.run({ verbose: 0 });
    assert.match(runLines(during).join("\n"), new RegExp(`^Last run: started \\S+, running \\(pid ${process.pid} on ${hostname()}\\)\\.$`));
    assert.ok(!during.includes("did not finish"));
    assert.match(runLines(String(await p.printoutGraph({ format: "html" }))).join("\n"), /^Last run: started \S+, took [\d.]+ m?s, 1 jobs ran, none failed\.$/);
  });
});

test("a run that did not finish, with its lock gone or left by a dead process, is reported as such", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("lk");
    // A history whose last run had not finished: a copy taken while the run was going.
    p.originate({ task: async function slow(o: string) { if (existsSync(".ruffus_history.sqlite")) copyFileSync(".ruffus_history.sqlite", "snapshot.sqlite"); writeFileSync(o, ""); }, output: ["a.txt"] });
    await p.run({ verbose: 0 });
    rmSync("a.txt");
    await p.run({ verbose: 0 });
    const report = async (): Promise<string> => runLines(String(await p.printoutGraph({ format: "html", historyFile: "snapshot.sqlite" }))).join("\n");
    assert.match(await report(), /^Last run: started \S+, did not finish\.$/);
    const dead = spawnSync(NODE, ["-e", ""]).pid;
    writeFileSync("snapshot.sqlite.lock", JSON.stringify({ pid: dead, host: hostname(), started: "2026-01-01T00:00:00.000Z" }) + "\n");
    assert.match(await report(), /^Last run: started \S+, did not finish\.$/, "a dead process's lock");
    writeFileSync("snapshot.sqlite.lock", JSON.stringify({ pid: 4242, host: "elsewhere", started: "2026-01-01T00:00:00.000Z" }) + "\n");
    assert.match(await report(), /^Last run: started \S+, running \(pid 4242 on elsewhere\)\.$/, "another host's lock is taken at its word");
  });
});
