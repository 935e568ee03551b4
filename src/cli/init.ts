/**
 * `ruff init [dir]`: a starter pipeline plus what an editor needs to type-check
 * `import ... from "ruffus"` with nothing but the binary installed — the library's declaration
 * files under `.ruff/types/`, a tsconfig.json (and deno.json) pointing "ruffus" at them, and a
 * package.json making `.ts` files ES modules. Existing files are never overwritten.
 */
import { rt } from "../core/runtime.ts";
import { join } from "../core/paths.ts";
import type { CliOptions } from "./args.ts";
import { EXIT, UsageError } from "./errors.ts";
import { declarationFiles } from "./types-bundle.ts";

const STARTER = `/**
 * A starter pipeline: run it with \`ruff pipeline.ts\`, see what would run with \`ruff -n -v 3 pipeline.ts\`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { Pipeline, suffix } from "ruffus";

const p = new Pipeline("starter");

const start = p.originate({
  task: async function makeInput(output: string) {
    await writeFile(output, \`hello from \${output}\\n\`);
  },
  output: ["a.txt", "b.txt"],
});

const upper = p.transform({
  task: async function shout(input: string, output: string) {
    await writeFile(output, (await readFile(input, "utf8")).toUpperCase());
  },
  input: start,
  filter: suffix(".txt"),
  output: ".upper",
});

p.merge({
  task: async function combine(inputs: string[], output: string) {
    const parts = await Promise.all(inputs.map((f) => readFile(f, "utf8")));
    await writeFile(output, parts.join(""));
  },
  input: upper,
  output: "all.upper",
});

export default p;
`;

/**
 * Minimal declarations of `process` and the node: modules pipelines use most, so the starter (and
 * the user's next pipeline) type-checks with tsc without @types/node. Deno has its own, and never
 * reads this file (tsconfig.json includes it; deno.json does not).
 */
const NODE_SHIM = `// Enough of process, node:fs, node:fs/promises, node:path and node:child_process for pipelines to
// type-check with tsc without @types/node. Delete this file (and its tsconfig entry) if you install
// @types/node or @types/bun.
declare var process: {
  argv: string[];
  env: Record<string, string | undefined>;
  exitCode: number | undefined;
  platform: string;
  pid: number;
  cwd(): string;
  chdir(dir: string): void;
  exit(code?: number): never;
  stdout: { write(text: string): boolean; isTTY?: boolean };
  stderr: { write(text: string): boolean; isTTY?: boolean };
};
declare module "node:fs/promises" {
  export function readFile(path: string, encoding: "utf8" | "utf-8"): Promise<string>;
  export function readFile(path: string): Promise<Uint8Array>;
  export function writeFile(path: string, data: string | Uint8Array): Promise<void>;
  export function appendFile(path: string, data: string | Uint8Array): Promise<void>;
  export function mkdir(path: string, options?: { recursive?: boolean }): Promise<string | undefined>;
  export function readdir(path: string): Promise<string[]>;
  export function rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  export function unlink(path: string): Promise<void>;
  export function rename(from: string, to: string): Promise<void>;
  export function copyFile(from: string, to: string): Promise<void>;
  export function stat(path: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean; isDirectory(): boolean }>;
}
declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8" | "utf-8"): string;
  export function readFileSync(path: string): Uint8Array;
  export function writeFileSync(path: string, data: string | Uint8Array): void;
  export function appendFileSync(path: string, data: string | Uint8Array): void;
  export function existsSync(path: string): boolean;
  export function mkdirSync(path: string, options?: { recursive?: boolean }): string | undefined;
  export function readdirSync(path: string): string[];
  export function rmSync(path: string, options?: { recursive?: boolean; force?: boolean }): void;
  export function unlinkSync(path: string): void;
  export function renameSync(from: string, to: string): void;
  export function copyFileSync(from: string, to: string): void;
  export function statSync(path: string): { size: number; mtimeMs: number; isFile(): boolean; isDirectory(): boolean };
}
declare module "node:path" {
  export function join(...parts: string[]): string;
  export function resolve(...parts: string[]): string;
  export function relative(from: string, to: string): string;
  export function dirname(path: string): string;
  export function basename(path: string, suffix?: string): string;
  export function extname(path: string): string;
  export function isAbsolute(path: string): boolean;
  export const sep: string;
}
declare module "node:child_process" {
  export function execSync(command: string, options?: { cwd?: string; encoding?: "utf8"; stdio?: "inherit" | "pipe" }): string;
  export function execFileSync(file: string, args?: readonly string[], options?: { cwd?: string; encoding?: "utf8"; stdio?: "inherit" | "pipe" }): string;
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "preserve",
    moduleResolution: "bundler",
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
    paths: { ruffus: ["./.ruff/types/mod.d.ts"] },
  },
  include: ["*.ts", ".ruff/types/node-fs.d.ts"],
};

/** What a kept file needs so that editors and type checkers find "ruffus" (init never rewrites a user's file). */
async function keptHints(dir: string, kept: readonly string[]): Promise<string[]> {
  const hints: string[] = [];
  // A file already naming the declarations (an earlier init's) needs nothing.
  const lacks = async (name: string): Promise<boolean> => kept.includes(name) && !(await rt().readTextFile(join(dir, name))).includes(".ruff/types/mod.d.ts");
  if (await lacks("tsconfig.json")) {
    hints.push(
      'For types of "ruffus" in your tsconfig.json, add to "compilerOptions": "paths": { "ruffus": ["./.ruff/types/mod.d.ts"] }, ' +
        '"moduleResolution": "bundler", "allowImportingTsExtensions": true, "noEmit": true; and to "include": ".ruff/types/node-fs.d.ts" ' +
        "(unless @types/node is installed)\n",
    );
  }
  if (await lacks("deno.json")) hints.push('For Deno, add to your deno.json: "imports": { "ruffus": "./.ruff/types/mod.d.ts" }\n');
  return hints;
}

/** `ruff init`. */
export async function initCommand(o: CliOptions): Promise<number> {
  const dir = o.subject ?? ".";
  await rt().mkdirp(dir);
  const written: string[] = [];
  const kept: string[] = [];
  const put = async (name: string, text: string, overwrite = false): Promise<void> => {
    const path = join(dir, name);
    if (!overwrite && rt().stat(path)) {
      kept.push(name);
      return;
    }
    const slash = path.lastIndexOf("/");
    if (slash > 0) await rt().mkdirp(path.slice(0, slash));
    await rt().writeTextFile(path, text);
    written.push(name);
  };
  const types = await declarationFiles();
  if (!types) {
    throw new UsageError(
      "This ruff has no type declarations to write: in the ruffus checkout run `node --import tsx scripts/dts.ts` " +
        "(the binary made by `node_modules/.bin/bun build.ts` carries them).",
    );
  }
  await put("pipeline.ts", STARTER);
  // The declarations belong to this version of ruff: refresh them every time.
  for (const [name, text] of Object.entries(types)) await put(join(".ruff/types", name), text, true);
  await put(".ruff/types/node-fs.d.ts", NODE_SHIM, true);
  await put("tsconfig.json", JSON.stringify(TSCONFIG, null, 2) + "\n");
  // nodeModulesDir "none": with a package.json beside it, Deno would otherwise look for npm:@types/node
  // in a node_modules directory there is none of (and `deno check` would fail); its own node: types serve.
  await put("deno.json", JSON.stringify({ imports: { ruffus: "./.ruff/types/mod.d.ts" }, nodeModulesDir: "none" }, null, 2) + "\n");
  await put("package.json", JSON.stringify({ type: "module", private: true }, null, 2) + "\n");
  await put(".gitignore", ".ruffus_history.sqlite\n.ruffus_history.sqlite.lock*\n.ruffus_jobs/\n");
  const listed = written.filter((f) => !f.startsWith(".ruff/types/") || f.endsWith("mod.d.ts"));
  rt().stdout.write(
    `Wrote ${listed.join(", ")}${written.length > listed.length ? " and the type declarations in .ruff/types/" : ""} in ${dir}\n` +
      (kept.length ? `Kept existing ${kept.join(", ")}\n` : "") +
      (await keptHints(dir, kept)).join("") +
      `Next: ${dir === "." ? "" : `cd ${dir} && `}ruff pipeline.ts\n`,
  );
  return EXIT.ok;
}
