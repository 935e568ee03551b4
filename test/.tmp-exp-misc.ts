import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { Pipeline, RethrownJobError } from "ruffus";
process.chdir("/tmp/tsexp");
mkdirSync("exists_dir", { recursive: true });
writeFileSync("afile.dot", "");
const p = new Pipeline("p");
p.mkdir("exists_dir");
p.mkdir("missing directory");
console.log(await p.printout({ verbose: 6 }));
const s = await p.run({ verbose: 5 });
console.log(s.jobsRun, s.tasksRun, s.tasksUptodate, existsSync("missing directory"));
const r = new Pipeline("r");
r.mkdir("exists_dir", "m1", "m2");
console.log(await r.printout({ verbose: 6 }));
const q = new Pipeline("q");
q.mkdir("afile.dot");
try { console.log(await q.printout({ verbose: 6 })); } catch (e) { console.log("PRINTOUT EXC", e instanceof RethrownJobError, (e as Error).name, (e as Error).message); }
try { await q.run({ verbose: 5 }); } catch (e) { console.log("RUN EXC", (e as Error).name, (e as Error).message); }
