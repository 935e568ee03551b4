/**
 * Emits the library's declaration files and packs them into dist/types.json, which `ruff init`
 * writes into a user's project (the binary embeds it).
 *
 *   node --import tsx scripts/dts.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const out = join(root, "dist/dts");
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "scripts/tsconfig.dts.json")], { stdio: "inherit" });

const files: Record<string, string> = {};
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".d.ts")) files[relative(out, p)] = readFileSync(p, "utf8");
  }
};
walk(out);
mkdirSync(join(root, "dist"), { recursive: true });
writeFileSync(join(root, "dist/types.json"), JSON.stringify(files));
console.log(`dist/types.json: ${Object.keys(files).length} declaration files`);
