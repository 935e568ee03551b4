/**
 * The terminal progress display on its own, fed engine events with a clock the test moves, its
 * output played on a test screen (test/cli/screen.ts) together with other programs' output: the
 * display keeps to the terminal's bottom lines, output written by anyone else scrolls above it and
 * is never erased, clocks advance on redraw without job events, lines never reach the terminal's
 * last column, stop() gives the lines back blank, and the colour decision follows stderr, NO_COLOR
 * and FORCE_COLOR.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { PipelineEvent } from "../../src/core/events.ts";
import type { Task } from "../../src/core/task.ts";
import { ProgressDisplay, colourWanted } from "../../src/report/progress.ts";
import { Screen } from "./screen.ts";

const task = (displayName: string): Task => ({ displayName }) as unknown as Task;
const job = (t: Task, n: number) => ({ task: t, job: {} as never, name: `Job  = [${n}]` });
const plan = (...toRun: Task[]): PipelineEvent => ({ type: "plan", toRun, uptodate: [], allTasks: [], forced: new Set() }) as unknown as PipelineEvent;

/** A display drawing on a screen `width` x `height` (resizable), and what else writes there. */
function display(width = 40, height = 12) {
  let now = 1000;
  let columns = width;
  let rows = height;
  const screen = new Screen(columns, rows);
  // Written to a terminal, LF reaches the screen as CR LF (the tty's onlcr).
  const terminal = (text: string): void => screen.write(text.replace(/\n/g, "\r\n"));
  const d = new ProgressDisplay({ write: terminal }, { width: () => columns, height: () => rows, colour: false, now: () => now });
  return {
    d,
    advance: (ms: number) => void (now += ms),
    resize: (c: number, r: number) => {
      [columns, rows] = [c, r];
      screen.resize(c, r);
    },
    /** Another program writing to the terminal (a worker, a command). */
    other: terminal,
    rows: () => screen.screenRows(),
    text: () => screen.text(),
  };
}

test("the display keeps to the bottom lines; the clocks advance on redraw with no job event; the header counts jobs and tasks", () => {
  const t = display();
  const a = task("p::align");
  t.d.listener(plan(a, task("p::merge")));
  t.d.listener({ type: "taskQueued", task: a, forced: false });
  for (const n of [1, 2]) t.d.listener({ type: "jobQueued", job: job(a, n), why: "outofdate", reason: "" });
  t.d.listener({ type: "jobStarted", job: job(a, 1) });
  t.advance(1500);
  t.d.tick();
  assert.deepEqual(t.rows().slice(-2), ["[0/2] task 0/2 1.5s", "  p::align  0/2  1 running  1.5s"]);
  t.advance(500);
  t.d.listener({ type: "jobCompleted", job: job(a, 1), durationMs: 500 });
  t.d.tick();
  assert.deepEqual(t.rows().slice(-2), ["[1/2] task 0/2 2.0s", "  p::align  1/2  0 running  2.0s"]);
  assert.deepEqual(t.rows().slice(0, -2), Array(10).fill(""), "nothing else on the screen");
  t.d.stop();
  assert.equal(t.text(), "\n", "stop() blanks the display's lines");
});

test("output of others (workers, commands, console.log) scrolls above the display and is never erased by a redraw", () => {
  const t = display(40, 8);
  const tasks = [task("p::a"), task("p::b"), task("p::c")];
  t.d.listener(plan(...tasks));
  t.other("$ ruff pipeline.ts\n");
  const printed: string[] = ["$ ruff pipeline.ts"];
  for (let n = 0; n < 30; n++) {
    if (n < 3) t.d.listener({ type: "taskQueued", task: tasks[n], forced: false });
    if (n === 20) t.d.listener({ type: "taskCompleted", task: tasks[0], jobsRun: 0, jobsUptodate: 0, uptodate: false, elapsedMs: 4000 });
    // Lines, a line in two writes, a redraw in between: as a worker writing while the display ticks.
    t.other(`job output ${n} `);
    t.d.tick();
    t.other(`continued\n`);
    printed.push(`job output ${n} continued`);
    t.advance(200);
    t.d.tick();
    if (n % 7 === 0) t.d.log(`WARNING ${n}`), printed.push(`WARNING ${n}`);
  }
  const rows = t.rows();
  assert.match(rows[4], /^\[0\/0\] task 1\/3 /, "the display: the header and the tasks in flight, at the bottom");
  assert.deepEqual(rows.slice(5).map((r) => r.replace(/ +\d+\.\ds$/, "")), ["  p::b  0/0  0 running", "  p::c  0/0  0 running", ""]);
  t.other("unfinished line");
  t.d.stop();
  t.other(" ends\nruff: done\n");
  assert.equal(t.text(), [...printed, "unfinished line ends", "ruff: done", ""].join("\n"));
});

test("lines are cut one column short of the terminal's width, read at every redraw; a resized terminal gets the display at its new bottom", () => {
  const t = display(20, 10);
  const a = task("p::a-task-with-a-long-name");
  t.d.listener(plan(a));
  t.d.listener({ type: "taskQueued", task: a, forced: false });
  t.other("before\n");
  t.d.tick();
  assert.deepEqual(t.rows().slice(-2), ["[0/0] task 0/1 0.0s", "  p::a-task-with-a-"]);
  t.resize(10, 6);
  t.other("after\n");
  t.d.tick();
  assert.deepEqual(t.rows(), ["before", "after", "", "", "[0/0] tas", "  p::a-ta"]);
  t.d.stop();
  assert.equal(t.text(), "before\nafter\n");
});

test("log() prints above the display; after stop() the display is gone and logs print plainly; no room, no display", () => {
  const t = display(40, 6);
  t.d.listener(plan());
  t.d.log("WARNING: something");
  assert.deepEqual(t.rows(), ["WARNING: something", "", "", "", "", "[0/0] task 0/0 0.0s"]);
  t.d.stop();
  t.d.log("ruffus: interrupted by SIGINT.");
  t.d.tick();
  assert.equal(t.text(), "WARNING: something\nruffus: interrupted by SIGINT.\n");
  const tiny = display(40, 1);
  tiny.d.listener(plan());
  tiny.d.tick();
  assert.equal(tiny.text(), "\n", "a one-line terminal has no room for it");
  tiny.d.stop();
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
