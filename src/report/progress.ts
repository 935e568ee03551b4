/**
 * The live progress display on a terminal: a ninja-like `[done/total]` line and one line per
 * task in flight (done/total jobs, running, failed, elapsed), redrawn in place five times a second
 * so that the clocks move while jobs run. It only consumes engine events; log lines are printed
 * above it. Used only when stderr is a terminal that understands cursor movement — otherwise the
 * plain line-per-event log is all there is.
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

/** See the module comment. */
export class ProgressDisplay {
  private readonly tasks = new Map<Task, TaskProgress>();
  private drawnLines = 0;
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
    if (!this.running) return;
    this.clear();
    this.draw();
  }

  /** Prints text above the display. */
  log(text: string): void {
    this.clear();
    this.sink.write(text.endsWith("\n") ? text : text + "\n");
    this.draw();
  }

  /** Removes the display for good (the final state stays in the log); later `log`s print plainly. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.running = false;
    this.clear();
  }

  private clear(): void {
    if (!this.drawnLines) return;
    // Up to the display's first line, then erase to the end of the screen.
    this.sink.write(`\r\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    if (!this.running) return;
    // One column less than the terminal: a line that fills it would wrap (or leave the cursor
    // hanging at the margin), and the cursor-up above would then miss lines.
    const width = Math.max(1, Math.floor(this.options.width()) - 1);
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
    const now = this.now();
    const lines = [
      `${kleur.bold(`[${this.done}/${this.total}]`)} task ${this.tasksDone}/${this.tasksToRun}` +
        `${this.failed ? " " + kleur.red(`${this.failed} failed`) : ""} ${kleur.dim(seconds(now - this.started))}`,
    ];
    const active = [...this.tasks.values()].filter((t) => !t.finished).slice(0, 8);
    for (const t of active) {
      const failed = t.failed ? kleur.red(` ${t.failed} failed`) : "";
      lines.push(`  ${t.task.displayName}  ${t.done}/${t.total}  ${kleur.cyan(`${t.running} running`)}${failed}  ${kleur.dim(seconds(now - t.started))}`);
    }
    const clipped = lines.map((l) => clip(l, width));
    this.sink.write(clipped.join("\n") + "\n");
    this.drawnLines = clipped.length;
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
