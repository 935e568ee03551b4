/**
 * The self-contained HTML report (`ruff --report report.html`, or `printoutGraph` with format
 * "html"): the flowchart, and per task its state, job counts, recorded durations and what the last
 * run did, with the reason each out-of-date job would run. One file: inline SVG and CSS, no
 * scripts, no network.
 */
import type { Pipeline } from "../core/pipeline.ts";
import type { FlowchartModel } from "../core/flowchart-plan.ts";
import type { PlanOptions } from "../core/run-options.ts";
import { resolveChecksumLevel } from "../core/prepare.ts";
import { rt } from "../core/runtime.ts";
import { historyStats } from "../history/stats.ts";
import { flowchartDot } from "./dot.ts";
import { planJson } from "./plan-json.ts";
import { dotToSvg } from "./render.ts";

const MAX_JOBS_LISTED = 200;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
th{background:#f4f4f4}td.n{text-align:right}.run{color:#0044A0;font-weight:bold}.uptodate{color:#006000}
.failed{color:#c00;font-weight:bold}.flow svg{max-width:100%;height:auto}details{margin:.4em 0}code{font-size:.9em}
li{margin:.2em 0}`;

/** Builds the report. */
export async function htmlReport(pipeline: Pipeline, model: FlowchartModel, o: PlanOptions): Promise<string> {
  const svg = await dotToSvg(flowchartDot(model));
  const plan = await planJson(pipeline, o);
  const stats = await historyStats(o.historyFile, resolveChecksumLevel(o.checksumLevel), rt().cwd());
  const rows: string[] = [];
  const details: string[] = [];
  for (const t of plan.tasks) {
    const s = stats.tasks.get(t.name);
    const outOfDate = t.jobs.filter((j) => j.needsUpdate).length;
    const state = !t.active ? "inactive" : t.state === "run" ? (t.forced ? "forced" : "will run") : "up to date";
    const cls = t.state === "run" ? "run" : "uptodate";
    const last = s ? `${s.lastRunOutputs} output${s.lastRunOutputs === 1 ? "" : "s"}${s.lastRunFailures ? `, <span class="failed">${s.lastRunFailures} failed</span>` : ""}` : "";
    rows.push(
      `<tr><td><a href="#task-${esc(t.name)}">${esc(t.name)}</a></td><td class="${cls}">${state}</td><td class="n">${t.jobCount}</td>` +
        `<td class="n">${t.state === "run" ? outOfDate : 0}</td><td class="n">${s?.outputs ?? 0}</td><td class="n">${s ? duration(s.totalMs) : ""}</td><td>${last}</td></tr>`,
    );
    const items = t.jobs
      .filter((j) => j.needsUpdate)
      .slice(0, MAX_JOBS_LISTED)
      .map((j) => `<li><code>${esc(j.description)}</code><br>${esc(j.reason.message.replace(/\s+/g, " "))}</li>`);
    const more = outOfDate > MAX_JOBS_LISTED ? `<li>… and ${outOfDate - MAX_JOBS_LISTED} more</li>` : "";
    const failures = t.matchFailures.map((m) => `<li>input did not match: <code>${esc(m)}</code></li>`);
    if (items.length || failures.length) {
      details.push(`<details id="task-${esc(t.name)}"><summary>${esc(t.name)}: ${outOfDate} job${outOfDate === 1 ? "" : "s"} to run</summary><ul>${items.join("")}${more}${failures.join("")}</ul></details>`);
    }
  }
  const lr = stats.lastRun;
  const lastRun = lr
    ? `<p>Last run: started ${esc(lr.started)}, ${lr.finished ? `took ${duration(lr.elapsedMs ?? 0)}, ${lr.jobsRun ?? 0} jobs ran, ${lr.failures ? `<span class="failed">${lr.failures} failed</span>` : "none failed"}` : "<span class=\"failed\">did not finish</span>"}.</p>`
    : "<p>No run recorded yet.</p>";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(pipeline.name)}: ruffus report</title><style>${CSS}</style></head>
<body>
<h1>Pipeline ${esc(pipeline.name)}</h1>
<p>Report made ${esc(new Date().toISOString())}; history ${esc(stats.file ?? "in memory (checksum level 0)")}.</p>
${lastRun}
<div class="flow">${svg.replace(/^<\?xml[^>]*>\s*/, "").replace(/<!DOCTYPE[^>]*>\s*/, "")}</div>
<h2>Tasks</h2>
<table><thead><tr><th>task</th><th>state</th><th>jobs</th><th>to run</th><th>outputs recorded</th><th>recorded job time</th><th>last run</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<h2>Why jobs would run</h2>
${details.join("\n") || "<p>Nothing to run: everything is up to date.</p>"}
</body></html>
`;
}
