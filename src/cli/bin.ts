/**
 * The compiled binary's entry point (`bun build --compile`): hands the embedded sql.js wasm and
 * the type declarations to the library, then runs the command line. Only Bun understands the
 * `type: "file"` import, so this file is kept out of the Node and Deno module graphs.
 */
import wasmPath from "sql.js/dist/sql-wasm.wasm" with { type: "file" };
import declarations from "../../dist/types.json" with { type: "json" };
import { readFileSync } from "node:fs";
import { setSqlWasm } from "../history/sqlite.ts";
import { setDeclarationFiles } from "./types-bundle.ts";

setSqlWasm(() => new Uint8Array(readFileSync(wasmPath)));
setDeclarationFiles(declarations as Record<string, string>);
await import("./main.ts");
