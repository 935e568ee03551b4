/**
 * The terminal progress display on its own, fed engine events with a clock the test moves: clocks
 * advance on redraw without job events, lines never reach the terminal's last column (so nothing
 * wraps and cursor-up clears exactly what was drawn), stop() clears it for good, and the colour
 * decision follows stderr, NO_COLOR and FORCE_COLOR.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PipelineEvent } from "../../src/core/events.ts";
import type { Task } from "../../src/core/task.ts";
import { ProgressDisplay, colourWanted } from "../../src/report/progress.ts";

const task = (displayName: string): Task => ({ displayName }) as unknown as Task;
const job = (t: Task, n: number) => ({ task: t, job: {} as never, name: `Job  = [${n}]` });

function display(width = 80) {
  let now = 1000;
  let out = "";
  let columns = width;
  const d = new ProgressDisplay({ write: (t) => void (out += t) }, { width: () => columns, colour: false, now: () => now });
  return {
    d,
    advance: (ms: number) => void (now += ms),
    resize: (c: number) => void (columns = c),
    take: () => {
      const s = out;
      out = "";
      return s;
    },
  };
}

test("the clocks advance on redraw with no job event; the header counts jobs and tasks", () => {
  const t = display();
  const a = task("p::align");
  t.d.listener({ type: "plan", toRun: [a, task("p::merge")], uptodate: [], allTasks: [], forced: new Set() } as PipelineEvent);
  t.d.listener({ type: "taskQueued", task: a, forced: false });
  for (const n of [1, 2]) t.d.listener({ type: "jobQueued", job: job(a, n), why: "outofdate", reason: "" });
  t.d.listener({ type: "jobStarted", job: job(a, 1) });
  t.take();
  t.advance(1500);
  t.d.tick();
  assert.equal(t.take(), "\r\x1b[1A\x1b[J[0/2] task 0/2 1.5s\n  p::align  0/2  1 running  1.5s\n");
  t.advance(500);
  t.d.tick();
  assert.equal(t.take(), "\r\x1b[2A\x1b[J[0/2] task 0/2 2.0s\n  p::align  0/2  1 running  2.0s\n");
  t.d.stop();
});

test("lines are cut one column short of the terminal's width, read at every redraw", () => {
  const t = display(20);
  const a = task("p::a-task-with-a-long-name");
  t.d.listener({ type: "plan", toRun: [a], uptodate: [], allTasks: [], forced: new Set() } as PipelineEvent);
  t.d.listener({ type: "taskQueued", task: a, forced: false });
  t.take();
  t.d.tick();
  const lines = t.take().replace(/^\r\x1b\[\d+A\x1b\[J/, "").split("\n");
  assert.deepEqual(lines, ["[0/0] task 0/1 0.0s", "  p::a-task-with-a-", ""]);
  assert.ok(lines.every((l) => l.length <= 19));
  t.resize(10);
  t.d.tick();
  assert.deepEqual(t.take().replace(/^\r\x1b\[\d+A\x1b\[J/, "").split("\n"), ["[0/0] tas", "  p::a-ta", ""]);
  t.d.stop();
});

test("log() prints above the display; after stop() the display is gone and logs print plainly", () => {
  const t = display();
  t.d.listener({ type: "plan", toRun: [], uptodate: [], allTasks: [], forced: new Set() } as PipelineEvent);
  t.take();
  t.d.log("WARNING: something");
  assert.equal(t.take(), "\r\x1b[1A\x1b[JWARNING: something\n[0/0] task 0/0 0.0s\n");
  t.d.stop();
  assert.equal(t.take(), "\r\x1b[1A\x1b[J");
  t.d.log("ruffus: interrupted by SIGINT.");
  t.d.tick();
  assert.equal(t.take(), "ruffus: interrupted by SIGINT.\n");
});

test("colour: stderr a terminal, unless NO_COLOR, FORCE_COLOR=0 or TERM=dumb; FORCE_COLOR=1 forces it", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(colourWanted(env({}), true), true);
  assert.equal(colourWanted(env({}), false), false);
  assert.equal(colourWanted(env({ NO_COLOR: "1" }), true), false);
  assert.equal(colourWanted(env({ FORCE_COLOR: "0" }), true), false);
  assert.equal(colourWanted(env({ FORCE_COLOR: "false" }), true), false);
  assert.equal(colourWanted(env({ FORCE_COLOR: "1" }), false), true);
  assert.equal(colourWanted(env({ TERM: "dumb" }), true), false);
  assert.equal(colourWanted(env({ NO_COLOR: "1", FORCE_COLOR: "1" }), true), false);
});
