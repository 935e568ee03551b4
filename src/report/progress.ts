/**
 * The live progress display on a terminal: a ninja-like `[done/total]` line and one line per
 * task in flight (done/total jobs, running, failed, elapsed), redrawn five times a second so that
 * the clocks move while jobs run. It only consumes engine events. Used only when stderr is a
 * terminal that understands cursor movement — otherwise the plain line-per-event log is all there is.
 *
 * The display lives in the terminal's bottom lines, kept out of a scrolling region (DECSTBM) that
 * holds everything else: jobs' own output — console.log in this process, worker processes and
 * commands writing straight to the terminal they inherit — scrolls in the region above and is never
 * erased or overwritten by a redraw, which only touches the display's own lines (saving and restoring
 * the cursor around it). Redrawing by moving the cursor up over the last lines drawn would erase
 * whatever anyone else wrote since. The lines are reserved when needed (as many as tasks in
 * flight, at most 9 and half the terminal) and given back, blank, by `stop()`; a resized terminal
 * gets them reserved again.
 *
 * `total` counts the jobs of the tasks started so far: a task's jobs are known only once the files
 * they come from exist (a split's outputs, a glob), so the header also says how many of the tasks
 * that will run have finished (`task 2/5`).
 */
import kleur from "kleur";
import type { PipelineEvent } from "../core/events.ts";
import type { Task } from "../core/task.ts";
import type { TextSink } from "../runtime/types.ts";

interface TaskProgress {
  task: Task;
  total: number;
  done: number;
  running: number;
  failed: number;
  started: number;
  finished: boolean;
}

/** How the display is drawn. */
export interface ProgressOptions {
  /** The terminal's width now (it may be resized while the run goes). */
  readonly width: () => number;
  /** The terminal's height now: the display keeps to its bottom lines. */
  readonly height: () => number;
  /** Colour codes or not (see {@link colourWanted}). */
  readonly colour: boolean;
  /** The clock (milliseconds); tests pass their own. */
  readonly now?: () => number;
}

/**
 * Whether a display on stderr should be coloured: NO_COLOR (non-empty) and FORCE_COLOR=0/false turn
 * colour off, any other FORCE_COLOR turns it on, TERM=dumb turns it off; otherwise stderr being a
 * terminal decides (kleur on its own looks at stdout).
 */
export function colourWanted(env: (name: string) => string | undefined, stderrIsTTY: boolean): boolean {
  if (env("NO_COLOR")) return false;
  const force = env("FORCE_COLOR");
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  if (env("TERM") === "dumb") return false;
  return stderrIsTTY;
}

const REDRAW_MS = 200;
/** At most this many lines: the header and eight tasks. */
const MAX_LINES = 9;
const SAVE_CURSOR = "\x1b7";
const RESTORE_CURSOR = "\x1b8";
const RESET_REGION = "\x1b[r";

/** See the module comment. */
export class ProgressDisplay {
  private readonly tasks = new Map<Task, TaskProgress>();
  /** Lines kept at the bottom of the terminal, out of the scrolling region (0: none). */
  private reserved = 0;
  /** The terminal's height when they were reserved. */
  private rows = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private running = false;
  private readonly now: () => number;
  private readonly started: number;
  private done = 0;
  private total = 0;
  private failed = 0;
  private tasksToRun = 0;
  private tasksDone = 0;

  constructor(
    private readonly sink: TextSink,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    // kleur decides once, from stdout; the display goes to stderr and follows its own decision.
    kleur.enabled = options.colour;
  }

  /** The event listener to give to `run({ onEvent })`. */
  readonly listener = (e: PipelineEvent): void => {
    switch (e.type) {
      case "plan":
        this.tasksToRun = e.toRun.length;
        this.start();
        return;
      case "taskQueued":
        this.tasks.set(e.task, { task: e.task, total: 0, done: 0, running: 0, failed: 0, started: this.now(), finished: false });
        return;
      case "jobQueued":
        this.get(e.job.task).total++;
        this.total++;
        return;
      case "jobStarted":
        this.get(e.job.task).running++;
        return;
      case "jobCompleted": {
        const t = this.get(e.job.task);
        t.running--;
        t.done++;
        this.done++;
        return;
      }
      case "jobFailed": {
        const t = this.get(e.job.task);
        t.running--;
        t.failed++;
        this.failed++;
        return;
      }
      case "taskCompleted":
        this.get(e.task).finished = true;
        this.tasksDone++;
        return;
      case "runFinished":
        this.stop();
        return;
      default:
        return;
    }
  };

  private get(task: Task): TaskProgress {
    let t = this.tasks.get(task);
    if (!t) {
      t = { task, total: 0, done: 0, running: 0, failed: 0, started: this.now(), finished: false };
      this.tasks.set(task, t);
    }
    return t;
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.tick(), REDRAW_MS);
    // The display must never keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
    this.draw();
  }

  /** Redraws (the timer calls this; the clocks advance even when no job event comes). */
  tick(): void {
    this.draw();
  }

  /**
   * Prints text above the display. A plain write: whatever reaches the terminal lands in the
   * scrolling region above the display, so this needs no redraw.
   */
  log(text: string): void {
    this.sink.write(text.endsWith("\n") ? text : text + "\n");
  }

  /** Removes the display for good (the final state stays in the log); later `log`s print plainly. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.running = false;
    this.release();
  }

  /**
   * Gives the reserved lines back: the whole screen scrolls again, and the display's lines are
   * blanked. The cursor stays where the last output left it, above them.
   */
  private release(): void {
    if (!this.reserved) return;
    const first = this.rows - this.reserved + 1;
    this.sink.write(`${SAVE_CURSOR}${RESET_REGION}${RESTORE_CURSOR}${SAVE_CURSOR}\x1b[${first};1H\x1b[J${RESTORE_CURSOR}`);
    this.reserved = 0;
  }

  /** The display's lines now, each cut to the terminal's width. */
  private lines(): string[] {
    // One column less than the terminal: a line that fills it would leave the cursor hanging at the margin.
    const width = Math.max(1, Math.floor(this.options.width()) - 1);
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
    const now = this.now();
    const lines = [
      `${kleur.bold(`[${this.done}/${this.total}]`)} task ${this.tasksDone}/${this.tasksToRun}` +
        `${this.failed ? " " + kleur.red(`${this.failed} failed`) : ""} ${kleur.dim(seconds(now - this.started))}`,
    ];
    const active = [...this.tasks.values()].filter((t) => !t.finished).slice(0, MAX_LINES - 1);
    for (const t of active) {
      const failed = t.failed ? kleur.red(` ${t.failed} failed`) : "";
      lines.push(`  ${t.task.displayName}  ${t.done}/${t.total}  ${kleur.cyan(`${t.running} running`)}${failed}  ${kleur.dim(seconds(now - t.started))}`);
    }
    return lines.map((l) => clip(l, width));
  }

  private draw(): void {
    if (!this.running) return;
    const rows = Math.floor(this.options.height());
    let out = "";
    if (this.reserved && rows !== this.rows) {
      // Resized: terminals reset or move the scrolling region; drop it (and the old display below the
      // cursor) and reserve again for the new height.
      out += `${SAVE_CURSOR}${RESET_REGION}${RESTORE_CURSOR}\x1b[J`;
      this.reserved = 0;
    }
    this.rows = rows;
    const lines = this.lines();
    const room = Math.min(MAX_LINES, Math.floor(rows / 2));
    if (room < 1) {
      if (out) this.sink.write(out);
      return;
    }
    const wanted = Math.min(lines.length, room);
    if (wanted > this.reserved) {
      // Make room below the cursor without erasing anything: index down (scrolling the text up
      // when the cursor is at the bottom), come back up to the same text, then shrink the region.
      const more = wanted - this.reserved;
      out += "\x1bD".repeat(more) + `\x1b[${more}A` + `${SAVE_CURSOR}\x1b[1;${rows - wanted}r${RESTORE_CURSOR}`;
      this.reserved = wanted;
    }
    // The lines are drawn with the cursor saved and restored around them, in colour with attributes
    // reset first (a job's unfinished colour must not tint them; restoring brings it back for the job).
    out += SAVE_CURSOR + (this.options.colour ? "\x1b[0m" : "");
    for (let i = 0; i < this.reserved; i++) out += `\x1b[${rows - this.reserved + 1 + i};1H\x1b[2K${lines[i] ?? ""}`;
    out += RESTORE_CURSOR;
    // One write: another process's output cannot land in the middle of it.
    this.sink.write(out);
  }
}

/** Cuts a line (with colour codes) to a visible width. */
export function clip(line: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\x1b") {
      const end = line.indexOf("m", i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += line[i];
    visible++;
  }
  return out;
}
