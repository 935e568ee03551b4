/**
 * Builds what the npm package serves to Node: src/ compiled to JavaScript and declaration files in
 * dist/npm/ (relative `.ts` imports rewritten to `.js`), plus dist/types.json for `ruff init`.
 * Bun and Deno (package.json "exports" conditions) and the `ruff` bin keep using src/*.ts.
 *
 *   node --import tsx scripts/build-npm.ts      (npm run build:npm; also run by `npm pack` / `npm publish`)
 *
 * tsc rewrites import specifiers only. File URLs made with `new URL("./x.ts", import.meta.url)` are
 * rewritten here to `.js` when the compiled file exists beside them; any such URL left pointing at a
 * `.ts` file fails the build, as does a `../../dist/` URL that would point outside the package.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = join(import.meta.dirname, "..");
const out = join(root, "dist/npm");

// Everything this prints goes to stderr: `npm pack --json` runs this (prepack) and its stdout must stay JSON.
const toStderr = { stdio: ["ignore", 2, 2] as ["ignore", number, number] };
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "scripts/tsconfig.npm.json")], toStderr);
// dist/types.json: the declarations `ruff init` copies into a project (the bin, run from src/, reads it).
execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/dts.ts")], { cwd: root, ...toStderr });

const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".js")) files.push(p);
  }
};
walk(out);

const problems: string[] = [];
let rewritten = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const next = text.replace(/new URL\((["'])(\.{1,2}\/[^"']*)\1, import\.meta\.url\)/g, (whole, q: string, spec: string) => {
    const target = resolve(dirname(file), spec);
    if (spec.endsWith(".ts")) {
      const js = spec.slice(0, -3) + ".js";
      if (!existsSync(resolve(dirname(file), js))) {
        problems.push(`${relative(root, file)}: ${spec} has no compiled ${js}`);
        return whole;
      }
      rewritten++;
      return `new URL(${q}${js}${q}, import.meta.url)`;
    }
    // A data file the sources find from src/<dir>/: from dist/npm/<dir>/ it sits one level less up.
    if (spec.startsWith("../../dist/") && !existsSync(target)) {
      const moved = spec.replace("../../dist/", "../../");
      rewritten++;
      return `new URL(${q}${moved}${q}, import.meta.url)`;
    }
    return whole;
  });
  if (next !== text) writeFileSync(file, next);
}
if (problems.length) {
  console.error(`dist/npm: file URLs that point at TypeScript sources:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.error(`dist/npm: ${files.length} modules (${rewritten} file URLs rewritten)`);
