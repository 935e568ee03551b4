/**
 * `ruff`: the command-line entry point. Runs unchanged under Node (with tsx), Bun, Deno and
 * inside the compiled binary:
 *
 *   node --import tsx src/cli/main.ts pipeline.ts | bun src/cli/main.ts pipeline.ts | deno run -A src/cli/main.ts pipeline.ts
 */
import "../runtime/select.ts";
import { rt } from "../core/runtime.ts";
import { VERSION } from "../version.ts";
import { parseArgs } from "./args.ts";
import { EXIT, PipelineFileError, UsageError } from "./errors.ts";
import { runCommand, listCommand } from "./commands.ts";
import { whyCommand } from "./why.ts";
import { initCommand } from "./init.ts";
import { sqlJs } from "../history/sqlite.ts";
import { fileSystemMessage } from "./output-files.ts";

/** Runs the command line; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    const opts = parseArgs(argv, VERSION);
    switch (opts.command) {
      case "version":
        rt().stdout.write(`ruff ${VERSION}\n`);
        return EXIT.ok;
      case "help":
        rt().stdout.write(opts.helpText ?? "");
        return EXIT.ok;
      case "init":
        return await initCommand(opts);
      case "list":
        return await listCommand(opts);
      case "why":
        return await whyCommand(opts);
      default:
        // Compiling sql.js's wasm is the slowest part of starting; overlap it with loading the pipeline.
        if (!opts.justPrint || opts.checksumLevel !== 0) void sqlJs().catch(() => {});
        return await runCommand(opts);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof PipelineFileError) {
      rt().stderr.write(`ruff: ${e.message}\n`);
      return EXIT.usage;
    }
    // A file the command could not read or write (a full disk, a read-only directory): the
    // machine's state, not a bug, and the path says where to look.
    const fs = fileSystemMessage(e);
    if (fs) {
      rt().stderr.write(`ruff: ${fs}\n`);
      return EXIT.usage;
    }
    // Not the user's mistake: say so, with the stack, for a bug report.
    rt().stderr.write(`ruff: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\nPlease report this at the project's issue tracker.\n`);
    return EXIT.internal;
  }
}

const g = globalThis as { Deno?: { args: string[] }; process?: { argv: string[]; exitCode?: number } };
const argv = g.Deno ? g.Deno.args : (g.process?.argv.slice(2) ?? []);
const code = await main(argv);
// Let pending output drain, then leave with the status (open handles must not keep us alive).
rt().exit(code);
