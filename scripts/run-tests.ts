/**
 * `npm test`: runs every `test/**\/*.test.ts` with node:test under tsx. Node 20 has no test
 * globs, and a bare `node --test` finds no .ts files and passes, so the list is made here.
 * Extra arguments are passed on (e.g. `npm test -- --test-name-pattern=collate`).
 */
import { spawnSync } from "node:child_process";
import { globSync } from "tinyglobby";

const files = globSync(["test/**/*.test.ts"], { ignore: ["**/node_modules/**"] }).sort();
if (!files.length) {
  console.error("no test files found under test/");
  process.exit(1);
}
const reporter = process.argv.includes("--test-reporter") ? [] : ["--test-reporter=spec"];
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", ...reporter, ...process.argv.slice(2), ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
