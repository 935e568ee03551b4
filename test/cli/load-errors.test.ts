/**
 * A pipeline file that cannot be loaded gets the same `file:line:column` (1-based) and a
 * one-paragraph message under Node, Bun, Deno and the binary: syntax errors, a throw while loading,
 * an import of a name that is not exported, a module that is not there. Deno runs without NO_COLOR
 * here, since it colours the locations inside its own messages then.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIS, cliCommand, type Cli } from "../clis.ts";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(cli: Cli, args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, DENO_NO_UPDATE_CHECK: "1" };
  for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "FORCE_COLOR", "NO_COLOR"]) delete env[k];
  const [exe, ...pre] = cliCommand(cli);
  const r = spawnSync(exe, [...pre, ...args], { cwd, env, encoding: "utf8", timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PIPELINE = 'import { Pipeline } from "ruffus";\nconst p = new Pipeline("x");\n';

/** File name, its text, the place every runtime must name, and the message (a RegExp where runtimes word it differently). */
const CASES: [string, string, string, RegExp | string][] = [
  ["syntax.ts", "export const x = (;\n", "1:19", /^Unexpected "?;"?\nThe pipeline file could not be compiled\. Fix the syntax error above and run again\.$/],
  ["syntax2.ts", `${PIPELINE}const q = {;\nexport default p;\n`, "3:12", /^Expected identifier but found ";"\nThe pipeline file could not be compiled\./],
  ["syntax.mjs", "export const x = (;\n", "1:19", /^Unexpected "?;"?\nThe pipeline file could not be compiled\./],
  ["throws.ts", `${PIPELINE}  throw new Error("no config found");\nexport default p;\n`, "3:9", "no config found\nLoading the pipeline file failed before any task ran."],
  ["export.ts", 'import { Pipeline, piplineRun } from "ruffus";\nvoid piplineRun;\nexport default new Pipeline("e");\n', "1:20",
    "The module 'ruffus' has no export named 'piplineRun'. Did you mean 'pipelineRun'?\nFix the import and run again."],
  ["export2.mjs", 'import { Pipeline } from "ruffus";\nimport { b } from "./helper.mjs";\nvoid b;\nexport default new Pipeline("e");\n', "2:10",
    "The module './helper.mjs' has no export named 'b'.\nFix the import and run again."],
  ["module.ts", 'import { x } from "./nothere.ts";\nexport default x;\n', "1:19", "Cannot find module './nothere.ts'.\nFix the import and run again."],
];

describe("load errors: the same place on every runtime", () => {
  for (const cli of CLIS) {
    test(cli, () => {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruff-load-errors-")));
      dirs.push(dir);
      writeFileSync(join(dir, "helper.mjs"), "export const a = 1;\n");
      for (const [name, text] of CASES) writeFileSync(join(dir, name), text);
      for (const [name, , place, message] of CASES) {
        const r = run(cli, [name, "-n"], dir);
        const prefix = `ruff: ${dir}/${name}:${place}: `;
        assert.ok(r.stderr.startsWith(prefix), `${cli} ${name}: ${JSON.stringify(r.stderr)}`);
        const rest = r.stderr.slice(prefix.length).replace(/\n$/, "");
        if (typeof message === "string") assert.equal(rest, message, `${cli} ${name}`);
        else assert.match(rest, message, `${cli} ${name}`);
        assert.doesNotMatch(r.stderr, /\x1b/, `${cli} ${name}: no colour codes`);
        assert.equal(r.code, 2, `${cli} ${name}`);
        assert.equal(r.stdout, "");
      }
    });
  }
});
