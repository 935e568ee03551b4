/**
 * The ways to start `ruff` that end-to-end tests compare: from source on Node, Bun and Deno, and
 * the compiled binary when it has been built.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const REPO = fileURLToPath(new URL("../", import.meta.url));
/** The compiled binary (made by `bun build.ts`). */
export const BINARY = join(REPO, "dist/ruff");

export type Cli = "node" | "bun" | "deno" | "binary";
/** Every way available here: the binary only once it is built. */
export const CLIS: Cli[] = ["node", "bun", "deno", ...(existsSync(BINARY) ? (["binary"] as const) : [])];

/** The command line that starts `ruff` that way (append its arguments). */
export function cliCommand(cli: Cli): string[] {
  switch (cli) {
    case "node":
      return ["node", join(REPO, "src/cli/ruff.mjs")];
    case "bun":
      return [join(REPO, "node_modules/.bin/bun"), join(REPO, "src/cli/main.ts")];
    case "deno":
      return [join(REPO, "node_modules/.bin/deno"), "run", "-A", join(REPO, "src/cli/main.ts")];
    case "binary":
      return [BINARY];
  }
}
