/**
 * The library's declaration files for `ruff init`: embedded in the binary by its entry point, or
 * read from `dist/types.json` (made by `scripts/dts.ts`) when running from source or npm.
 */
import { rt } from "../core/runtime.ts";

let embedded: Record<string, string> | undefined;

/** Called by the binary's entry with the declarations bundled at build time. */
export function setDeclarationFiles(files: Record<string, string>): void {
  embedded = files;
}

/** `{ "mod.d.ts": "...", "core/pipeline.d.ts": "..." }`, or undefined when none are available. */
export async function declarationFiles(): Promise<Record<string, string> | undefined> {
  if (embedded) return embedded;
  // From sources: <repo>/dist/types.json; from the npm build (dist/npm/cli/): dist/types.json too.
  const url = new URL(import.meta.url.endsWith(".ts") ? "../../dist/types.json" : "../../types.json", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  const path = decodeURIComponent(url.pathname);
  if (!rt().stat(path)) return undefined;
  return JSON.parse(await rt().readTextFile(path)) as Record<string, string>;
}
