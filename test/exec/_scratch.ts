import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as fx from "./fixtures/pool.ts";
import { addToCounter } from "ruffus";
const dir = mkdtempSync(join(tmpdir(), "scr-"));
process.chdir(dir);
writeFileSync("meet", "4");
const which = process.argv[2] ?? "basic";
const t0 = Date.now();
try {
  if (which === "late") { const p = fx.declareLate(); await p.run({ verbose: 0, multiprocess: 2 }); }
  else if (which === "exit") { writeFileSync("crash", ""); await (fx as any).exiting.run({ verbose: 0, multiprocess: 2 }); }
  else { const s = await (fx as any)[which].run({ verbose: 0, multiprocess: 4 }); console.log(s.jobsRun); }
} catch (e) { console.log("ERR", (e as Error).name, (e as Error).message); }
console.log(Date.now() - t0, "ms");
for (const f of readdirSync(".").sort()) if (!f.startsWith("started.")) console.log(f, JSON.stringify(readFileSync(f, "utf8").slice(0, 60)));
if (which === "counting") console.log("counter", await addToCounter("wk_count", 0));
if (which === "logging") { console.log("lines", readFileSync("pipeline.log", "utf8").split("\n").length); await new Promise((r) => setTimeout(r, 1000)); } if (which === "logging") console.log("lines", readFileSync("pipeline.log", "utf8").split("\n").length);
