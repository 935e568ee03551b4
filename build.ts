/**
 * Builds the single `ruff` binary with `bun build --compile` (Bun is a dev dependency):
 *
 *   node_modules/.bin/bun build.ts                 # dist/ruff (and dist/ruffus) for this machine
 *   node_modules/.bin/bun build.ts --all           # every release target into dist/<target>/
 *   node_modules/.bin/bun build.ts bun-linux-arm64 # one target
 *
 * The binary embeds the library, the sql.js wasm and the type declarations for `ruff init`.
 */
import { $ } from "bun";
import { copyFileSync, linkSync, mkdirSync, rmSync, statSync } from "node:fs";

const TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-arm64", "bun-darwin-x64", "bun-windows-x64"];
const args = process.argv.slice(2);
const targets: (string | undefined)[] = args.includes("--all") ? TARGETS : args.length ? args : [undefined];

await $`node --import tsx scripts/dts.ts`;

for (const target of targets) {
  const dir = target ? `dist/${target.replace(/^bun-/, "")}` : "dist";
  mkdirSync(dir, { recursive: true });
  const exe = target?.includes("windows") ? ".exe" : "";
  const outfile = `${dir}/ruff${exe}`;
  const result = await Bun.build({
    // Job workers are the binary itself started again (bin.ts imports worker.ts then); the
    // history's thread is a module of its own, found by bin.ts (src/ is the root of both).
    entrypoints: ["src/cli/bin.ts", "src/history/db-thread.ts"],
    root: "src",
    compile: target ? { target: target as Bun.Build.CompileTarget, outfile } : { outfile },
    minify: true,
    bytecode: true,
    format: "esm",
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
  // `ruffus` is the same program under its other name: a hard link, not a second 115 MiB copy
  // (a copy where the file system has no hard links).
  const alias = `${dir}/ruffus${exe}`;
  rmSync(alias, { force: true });
  try {
    linkSync(outfile, alias);
  } catch {
    copyFileSync(outfile, alias);
  }
  console.log(`${outfile} (${(statSync(outfile).size / 1048576).toFixed(1)} MiB) and ${alias} (${statSync(alias).nlink > 1 ? "a hard link to it" : "a copy"})`);
}
