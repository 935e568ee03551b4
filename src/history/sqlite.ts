/**
 * Loads sql.js (SQLite compiled to WebAssembly) once per process, on first use, so that
 * importing the library and running level-0 pipelines pay nothing for it. The compiled binary
 * hands over the embedded wasm bytes with {@link setSqlWasm}; elsewhere sql.js finds its own.
 */
import type { SqlJsStatic } from "sql.js";

let wasmBinary: (() => Uint8Array) | undefined;
let loading: Promise<SqlJsStatic> | undefined;

/** Gives sql.js a source of its wasm bytes (the single binary, where no node_modules exist); read on first use. */
export function setSqlWasm(bytes: () => Uint8Array): void {
  wasmBinary = bytes;
}

/** The embedded wasm bytes (the compiled binary), for the history's thread; undefined where sql.js finds its own. */
export function embeddedSqlWasm(): Uint8Array | undefined {
  return wasmBinary?.();
}

/** The sql.js module, initialised. */
export function sqlJs(): Promise<SqlJsStatic> {
  loading ??= (async () => {
    const mod = (await import("sql.js")) as unknown as { default: (config?: { wasmBinary?: ArrayBuffer }) => Promise<SqlJsStatic> };
    const init = mod.default;
    const bytes = wasmBinary?.();
    const config = bytes ? { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer } : undefined;
    return init(config);
  })();
  return loading;
}
