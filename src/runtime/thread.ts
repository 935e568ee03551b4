/**
 * Threads of this process (node:worker_threads, which Bun and Deno implement too), for work that
 * can run beside the main thread: the history's database updates. Under Node a TypeScript entry
 * (the sources, run through tsx) is started through tsx's loader, which threads do not inherit.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { ThreadHandle, ThreadPort } from "./types.ts";

/** Starts `entry` in a new thread; `typescriptLoader`: start it through tsx (Node running TypeScript sources). */
export function startThread(entry: URL, data: unknown, typescriptLoader: boolean): ThreadHandle {
  let worker: Worker;
  if (typescriptLoader) {
    const api = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
    worker = new Worker(code, { eval: true, workerData: data });
  } else worker = new Worker(entry, { workerData: data });
  let failed = false;
  const errorHandlers: ((e: Error) => void)[] = [];
  const fail = (e: Error): void => {
    if (failed) return;
    failed = true;
    for (const h of errorHandlers) h(e);
  };
  worker.on("error", (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
  worker.on("messageerror", (e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
  worker.on("exit", (code: number) => fail(new Error(`the thread stopped (exit code ${code})`)));
  return {
    postMessage: (m, transfer) => worker.postMessage(m, transfer),
    onMessage: (h) => void worker.on("message", h),
    onError: (h) => void errorHandlers.push(h),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    async terminate() {
      failed = true;
      await worker.terminate();
    },
  };
}

/** Inside a thread: its data and channel (undefined on the main thread). */
export function threadPortOfThisThread(): ThreadPort | undefined {
  const port = parentPort;
  if (isMainThread || !port) return undefined;
  return {
    data: workerData,
    postMessage: (m, transfer) => port.postMessage(m, transfer),
    onMessage: (h) => void port.on("message", h),
  };
}
