/**
 * The live progress display on a terminal: a ninja-like `[done/total]` line and one line per
 * task in flight (done/total jobs, running, failed, elapsed), redrawn in place at most ten times a
 * second. It only consumes engine events; log lines are printed above it. Used only when stderr
 * is a TTY — otherwise the plain line-per-event log is all there is.
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

/** See the module comment. */
export class ProgressDisplay {
  private readonly tasks = new Map<Task, TaskProgress>();
  private drawnLines = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly started = Date.now();
  private done = 0;
  private total = 0;
  private failed = 0;
  private dirty = false;

  constructor(
    private readonly sink: TextSink,
    private readonly width: () => number = () => 100,
  ) {}

  /** The event listener to give to `run({ onEvent })`. */
  readonly listener = (e: PipelineEvent): void => {
    switch (e.type) {
      case "taskQueued":
        this.tasks.set(e.task, { task: e.task, total: 0, done: 0, running: 0, failed: 0, started: Date.now(), finished: false });
        break;
      case "jobQueued":
        this.get(e.job.task).total++;
        this.total++;
        break;
      case "jobStarted":
        this.get(e.job.task).running++;
        break;
      case "jobCompleted": {
        const t = this.get(e.job.task);
        t.running--;
        t.done++;
        this.done++;
        break;
      }
      case "jobFailed": {
        const t = this.get(e.job.task);
        t.running--;
        t.failed++;
        this.failed++;
        break;
      }
      case "taskCompleted":
        this.get(e.task).finished = true;
        break;
      case "plan":
        this.start();
        return;
      case "runFinished":
        this.stop();
        return;
      default:
        return;
    }
    this.dirty = true;
  };

  private get(task: Task): TaskProgress {
    let t = this.tasks.get(task);
    if (!t) {
      t = { task, total: 0, done: 0, running: 0, failed: 0, started: Date.now(), finished: false };
      this.tasks.set(task, t);
    }
    return t;
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.dirty) this.redraw();
    }, 100);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Prints a line above the display. */
  log(text: string): void {
    this.clear();
    this.sink.write(text.endsWith("\n") ? text : text + "\n");
    this.draw();
  }

  /** Removes the display (the final state stays in the log). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private clear(): void {
    if (!this.drawnLines) return;
    this.sink.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }

  private redraw(): void {
    this.clear();
    this.draw();
  }

  private draw(): void {
    if (!this.timer) return;
    this.dirty = false;
    const cols = Math.max(40, this.width());
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const lines = [
      `${kleur.bold(`[${this.done}/${this.total}]`)} ${this.failed ? kleur.red(`${this.failed} failed`) + " " : ""}${kleur.dim(`${seconds}s`)}`,
    ];
    const active = [...this.tasks.values()].filter((t) => !t.finished).slice(0, 8);
    for (const t of active) {
      const elapsed = ((Date.now() - t.started) / 1000).toFixed(1);
      const failed = t.failed ? kleur.red(` ${t.failed} failed`) : "";
      lines.push(`  ${t.task.displayName}  ${t.done}/${t.total}  ${kleur.cyan(`${t.running} running`)}${failed}  ${kleur.dim(`${elapsed}s`)}`);
    }
    const clipped = lines.map((l) => clip(l, cols - 1));
    this.sink.write(clipped.join("\n") + "\n");
    this.drawnLines = clipped.length;
  }
}

/** Cuts a line (with colour codes) to a visible width. */
function clip(line: string, width: number): string {
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
