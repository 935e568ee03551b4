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

/**
 * tsc writes `from "./x.ts"` into the declarations, which only tsc maps to x.d.ts; Deno (`deno check`
 * in a `ruff init` project) looks for x.ts itself. Point every relative specifier at the .d.ts.
 */
function denoFriendly(text: string): string {
  return text.replace(/((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)\.ts\2/g, (_m, lead: string, q: string, path: string) => `${lead}${q}${path}.d.ts${q}`);
}

const files: Record<string, string> = {};
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".d.ts")) files[relative(out, p)] = denoFriendly(readFileSync(p, "utf8"));
  }
};
walk(out);
mkdirSync(join(root, "dist"), { recursive: true });
writeFileSync(join(root, "dist/types.json"), JSON.stringify(files));
console.log(`dist/types.json: ${Object.keys(files).length} declaration files`);
