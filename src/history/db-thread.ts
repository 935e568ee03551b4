/**
 * The history's thread: holds the database for a run that records many jobs, so that applying
 * batches and exporting the file (sql.js can only write the whole database out) run beside the
 * jobs instead of between them. The main thread keeps everything else: the records it answers
 * look-ups from, the batching, and writing the file (temporary file and rename), so that the
 * crash-safety rules and the handling of write failures are the same with or without the thread.
 *
 * Protocol: the thread is given the database's bytes and state; each request carries batches,
 * which it applies in order (each in its own transaction) and answers with how many it applied,
 * the state, and the exported bytes (handed over, not copied), or the error that stopped it.
 */
import "../runtime/select.ts";
import { rt } from "../core/runtime.ts";
import { applyBatch, type Batch, type DbState } from "./db-batch.ts";
import { setSqlWasm, sqlJs } from "./sqlite.ts";

/** What the thread is started with. */
export interface ThreadInit {
  readonly bytes: Uint8Array;
  readonly state: DbState;
  /** sql.js's wasm, where it is embedded (the compiled binary). */
  readonly wasm?: Uint8Array;
}

/** A request to the thread. */
export interface ThreadRequest {
  readonly seq: number;
  /** The batches (`Batch[]`) as JSON. */
  readonly batches: string;
}

/** The thread's answer to the request `seq`. */
export interface ThreadReply {
  readonly seq: number;
  /** How many of the request's batches are in the database now. */
  readonly applied: number;
  readonly state: DbState;
  readonly bytes?: Uint8Array;
  /** The thread's time on the request, ms. */
  readonly ms: number;
  /** Why not all were applied, or the export failed. */
  readonly error?: { readonly message: string; readonly code?: string };
}

const port = rt().threadPort?.();
if (port) {
  const init = port.data as ThreadInit;
  const wasm = init.wasm;
  if (wasm) setSqlWasm(() => wasm);
  const state: DbState = { ...init.state };
  const opened = sqlJs().then((SQL) => new SQL.Database(init.bytes));
  // One request at a time, in order (the main thread sends the next only after this one's answer anyway).
  let queue: Promise<void> = Promise.resolve();
  port.onMessage((m) => {
    const { seq, batches: text } = m as ThreadRequest;
    queue = queue.then(async () => {
      const t0 = performance.now();
      let applied = 0;
      const fail = (e: unknown): void => port.postMessage({ seq, applied, state, ms: performance.now() - t0, error: errorOf(e) } satisfies ThreadReply);
      let db;
      try {
        const batches = JSON.parse(text) as Batch[];
        db = await opened;
        for (const b of batches) {
          applyBatch(db, b, state);
          applied++;
        }
      } catch (e) {
        return fail(e);
      }
      let bytes: Uint8Array;
      try {
        bytes = db.export();
      } catch (e) {
        return fail(e);
      }
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      port.postMessage({ seq, applied, state, bytes, ms: performance.now() - t0 } satisfies ThreadReply, whole ? [bytes.buffer as ArrayBuffer] : []);
    });
  });
}

function errorOf(e: unknown): { message: string; code?: string } {
  const code = (e as { code?: unknown } | undefined)?.code;
  return { message: e instanceof Error ? e.message : String(e), ...(typeof code === "string" ? { code } : {}) };
}
