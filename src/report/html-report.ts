/**
 * The self-contained HTML report (`ruff --report report.html`, or `printoutGraph` with format
 * "html"): the flowchart, and per task its state, job counts, recorded durations and what the last
 * run did, with the reason each job a run would start runs. One file: inline SVG and CSS, no
 * scripts, no network.
 */
import type { Pipeline } from "../core/pipeline.ts";
import type { FlowchartModel } from "../core/flowchart-plan.ts";
import type { PlanOptions } from "../core/run-options.ts";
import { prepare, resolveChecksumLevel } from "../core/prepare.ts";
import { rt } from "../core/runtime.ts";
import { abspath } from "../core/paths.ts";
import { ownerAlive } from "../history/procs.ts";
import { historyStats } from "../history/stats.ts";
import { flowchartDot } from "./dot.ts";
import { forecastJobs, type JobToRun, type TaskForecast } from "./explain.ts";
import { dotToSvg, withPictureSize } from "./render.ts";

const MAX_JOBS_LISTED = 200;
/** A job's line names the first few entries of each of its lists, a dozen in all... */
const SHORT_PER_LIST = 4;
const SHORT_TOTAL = 12;
/** ...and, under it, up to this many: a merge of 10^5 files would otherwise be one line of megabytes. */
const FULL_TOTAL = 1000;

/** One job of the "why" list: its short description, the longer one when that was cut, the reason. */
function jobItem(j: JobToRun): string {
  const short = j.describe(SHORT_PER_LIST, SHORT_TOTAL);
  let more = "";
  if (short.cut) {
    const full = j.describe(FULL_TOTAL, FULL_TOTAL);
    const what = full.cut ? `${full.shown} of its ${full.files} file names` : `all ${full.files} file names`;
    more = `<details class="files"><summary>${what}</summary><code>${esc(full.text)}</code></details>`;
  }
  return `<li><code>${esc(short.text)}</code><br>because ${esc(j.explanation)}${more}</li>`;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Zoom steps of the flowchart (CSS only: radio buttons before the picture; "fit" fits the page width). */
const ZOOMS = [["fit", 0], ["50%", 0.5], ["100%", 1], ["150%", 1.5], ["200%", 2]] as const;

const CSS = `body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f4f4f4}td.n{text-align:right}.run{color:#0044A0;font-weight:bold}.uptodate{color:#006000}
.inactive{color:#777}.failed{color:#c00;font-weight:bold}.running{color:#0044A0;font-weight:bold}details{margin:.4em 0}code{font-size:.9em}li{margin:.2em 0}
.files code{display:block;max-height:20em;overflow:auto}
.zoom{margin:.5em 0}.zoom input{margin-left:.8em}
.flow{overflow:auto;max-height:85vh;border:1px solid #ddd;background:#fff}
.flow svg{display:block;width:var(--w);height:var(--h)}
${ZOOMS.map(([name, f]) => `#zoom-${name.replace("%", "")}:checked~.flow svg{${f ? `width:calc(var(--w)*${f});height:calc(var(--h)*${f})` : "width:100%;height:auto"}}`).join("\n")}`;

/** The state word of a task in the table, and its CSS class. */
function stateOf(f: TaskForecast, forced: boolean): [string, string] {
  if (!f.active) return ["inactive", "inactive"];
  if (!f.inPlan) return ["up to date", "uptodate"];
  if (f.jobsToRun.length || !f.jobCount) return [forced ? "forced" : "will run", "run"];
  // In Ruffus's plan (after a task that runs), but none of its jobs' inputs will change.
  return ["re-checked after the tasks before it run", "uptodate"];
}

/**
 * The run holding the history's lock (`<history>.lock`, see src/history/lock.ts), if it is alive:
 * a run in progress is not a failed one. A lock from another host is taken at its word, as runs do.
 */
async function runInProgress(historyFile: string | undefined): Promise<{ pid: number; host: string; started: string } | undefined> {
  if (!historyFile) return undefined;
  let lock: { pid?: unknown; host?: unknown; started?: unknown; procStart?: unknown };
  try {
    lock = JSON.parse(await rt().readTextFile(abspath(historyFile, rt().cwd()) + ".lock")) as typeof lock;
  } catch {
    return undefined; // no lock, or one being written: no run to speak of
  }
  const { pid, host, started, procStart } = lock;
  if (typeof pid !== "number" || typeof host !== "string") return undefined;
  if (host === rt().hostname() && !ownerAlive({ pid, host, start: typeof procStart === "string" ? procStart : undefined })) return undefined;
  return { pid, host, started: String(started ?? "") };
}

/** Builds the report. */
export async function htmlReport(pipeline: Pipeline, model: FlowchartModel, o: PlanOptions): Promise<string> {
  const { session, plan, history } = await prepare(pipeline, { ...o, forHistoryWrite: false });
  let forecast: TaskForecast[];
  try {
    forecast = forecastJobs(session, plan);
  } finally {
    await history.close();
  }
  const anchor = new Map(forecast.map((f, i) => [f.task.displayName, `task-${i + 1}`]));
  // Clicking a box in the flowchart goes to its task (unless graphviz() gave it a URL of its own).
  // flowchartModel() makes the nodes afresh for each drawing; they are changed in place so that the
  // model's sets and parent links, which hold them, stay valid.
  for (const n of model.nodes) {
    const id = anchor.get(model.tasks.get(n)?.displayName ?? "");
    if (id && !("URL" in n.attributes)) Object.assign(n, { attributes: { ...n.attributes, URL: `"#${id}"` } });
  }
  const svg = (await dotToSvg(withPictureSize(flowchartDot(model)))).replace(/^<\?xml[^>]*>\s*/, "").replace(/<!DOCTYPE[^>]*>\s*/, "").replace(/<!--[\s\S]*?-->\s*/g, "");
  const [, w = "0pt", h = "0pt"] = /<svg[^>]*\bwidth="([^"]+)"[^>]*\bheight="([^"]+)"/.exec(svg) ?? [];
  const stats = await historyStats(o.historyFile, resolveChecksumLevel(o.checksumLevel), rt().cwd());
  const rows: string[] = [];
  const details: string[] = [];
  for (const f of forecast) {
    const name = f.task.displayName;
    const id = anchor.get(name) ?? "";
    const s = stats.tasks.get(name);
    const [state, cls] = stateOf(f, plan.forced.has(f.task));
    const toRun = f.jobsToRun.length;
    const last = s ? `${plural(s.lastRunOutputs, "output")}${s.lastRunFailures ? `, <span class="failed">${s.lastRunFailures} failed</span>` : ""}` : "";
    rows.push(
      `<tr><td><a href="#${id}">${esc(name)}</a></td><td class="${cls}">${esc(state)}</td><td class="n">${f.jobCount}</td>` +
        `<td class="n">${toRun}</td><td class="n">${s?.outputs ?? 0}</td><td class="n">${s ? duration(s.totalMs) : ""}</td><td>${last}</td></tr>`,
    );
    const items = f.jobsToRun.slice(0, MAX_JOBS_LISTED).map(jobItem);
    if (toRun > MAX_JOBS_LISTED) items.push(`<li>… and ${toRun - MAX_JOBS_LISTED} more</li>`);
    for (const m of f.matchFailures.slice(0, MAX_JOBS_LISTED)) items.push(`<li>input did not match: <code>${esc(m)}</code></li>`);
    if (f.matchFailures.length > MAX_JOBS_LISTED) items.push(`<li>… and ${f.matchFailures.length - MAX_JOBS_LISTED} more inputs that did not match</li>`);
    const summary = !f.active
      ? "inactive (activeIf), does not run"
      : toRun
        ? `${plural(toRun, "job")} of ${f.jobCount} to run`
        : f.inPlan && f.jobCount
          ? `no job to run: its jobs are up to date and none of their inputs is remade (checked again when the tasks before it have run)`
          : `up to date (${plural(f.jobCount, "job")})`;
    details.push(`<details id="${id}"${toRun ? " open" : ""}><summary>${esc(name)}: ${esc(summary)}</summary>${items.length ? `<ul>${items.join("")}</ul>` : ""}</details>`);
  }
  const lr = stats.lastRun;
  const running = await runInProgress(stats.file);
  const now = running ? `<span class="running">running (pid ${running.pid} on ${esc(running.host)})</span>` : "";
  let lastRun = lr
    ? `<p>Last run: started ${esc(lr.started)}, ${lr.finished ? `took ${duration(lr.elapsedMs ?? 0)}, ${lr.jobsRun ?? 0} jobs ran, ${lr.failures ? `<span class="failed">${lr.failures} failed</span>` : "none failed"}` : now || "<span class=\"failed\">did not finish</span>"}.</p>`
    : "<p>No run recorded yet.</p>";
  // A run that has not written its start to the history yet (or a first run) holds the lock all the same.
  if (running && lr?.finished !== null) lastRun += `\n<p>A run is in progress: ${now}, started ${esc(running.started)}.</p>`;
  const total = forecast.reduce((n, f) => n + f.jobsToRun.length, 0);
  const zoom = ZOOMS.map(([label]) => {
    const id = `zoom-${label.replace("%", "")}`;
    return `<input type="radio" name="zoom" id="${id}"${label === "100%" ? " checked" : ""}><label for="${id}">${label}</label>`;
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(pipeline.name)}: ruffus report</title><style>${CSS}</style></head>
<body>
<h1>Pipeline ${esc(pipeline.name)}</h1>
<p>Report made ${esc(new Date().toISOString())}; history ${esc(stats.file ?? "in memory (checksum level 0)")}.</p>
${lastRun}
<p>A run now would start ${plural(total, "job")}.</p>
<span class="zoom">Flowchart zoom:</span>${zoom.join("")}
<div class="flow" style="--w:${esc(w)};--h:${esc(h)}">${svg}</div>
<h2>Tasks</h2>
<table><thead><tr><th>task</th><th>state</th><th>jobs</th><th>to run</th><th>outputs recorded</th><th>recorded job time</th><th>last run</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<h2>Why jobs would run</h2>
${total ? "" : "<p>Nothing to run: everything is up to date.</p>\n"}${details.join("\n")}
</body></html>
`;
}
