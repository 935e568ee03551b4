/**
 * The compiled binary's entry point (`bun build --compile`): hands the embedded sql.js wasm and
 * the type declarations to the library, then runs the command line. Only Bun understands the
 * `type: "file"` import, so this file is kept out of the Node and Deno module graphs.
 */
import wasmPath from "sql.js/dist/sql-wasm.wasm" with { type: "file" };
import resvgWasmPath from "@resvg/resvg-wasm/index_bg.wasm" with { type: "file" };
import fontPath from "dejavu-fonts-ttf/ttf/DejaVuSerifCondensed.ttf" with { type: "file" };
import boldFontPath from "dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Bold.ttf" with { type: "file" };
import declarations from "../../dist/types.json" with { type: "json" };
import { readFileSync } from "node:fs";
import { setSqlWasm } from "../history/sqlite.ts";
import { setHistoryThreadEntry } from "../history/store.ts";
import { setDeclarationFiles } from "./types-bundle.ts";
import { setRenderAssets } from "../report/render.ts";
import { setWorkerEntry } from "../exec/worker-pool.ts";
import { startedAsWorker } from "../runtime/worker-process.ts";

setSqlWasm(() => new Uint8Array(readFileSync(wasmPath)));
setDeclarationFiles(declarations as Record<string, string>);
setRenderAssets({ resvgWasm: () => new Uint8Array(readFileSync(resvgWasmPath)), fonts: () => [fontPath, boldFontPath].map((f) => new Uint8Array(readFileSync(f))) });
// The history's thread: the build's second entry point, under the binary's root (src/). Run from
// the sources (profiling), the library finds it itself.
if (!import.meta.url.endsWith(".ts")) setHistoryThreadEntry(new URL("./history/db-thread.ts", import.meta.url));
// Job workers are this binary started again, with the worker variable in their environment.
setWorkerEntry(undefined);
if (startedAsWorker) await import("./worker.ts");
else await import("./main.ts");
