#!/usr/bin/env node
// `npx ruff` / `bunx ruff`: the TypeScript command line, through tsx when running on Node.
const g = globalThis;
if (!g.Bun && !g.Deno) {
  const esm = await import("tsx/esm/api");
  esm.register();
  const cjs = await import("tsx/cjs/api");
  cjs.register();
}
await import("./main.ts");
