/**
 * Fixture for shell.test.ts: pipelines whose jobs run shell commands, declared when this module
 * loads so that worker threads (multiprocess) find the tasks by name. Jobs use relative paths
 * (the test's cwd).
 */
import { Pipeline, sh } from "ruffus";

export const SIX = ["a", "b", "c", "d", "e", "f"];

/**
 * Six jobs, each appending "start X" and "end X" to `overlap.log` around a short wait. A job first
 * waits (bounded, ~5 s) until two jobs have started, so that two jobs running at once is certain
 * when the limit allows it, and a third would have time to show up if the limit were broken.
 */
export const overlapping = new Pipeline("shell_overlap");
overlapping.originate({
  task: async function overlapJob(output: string) {
    await sh`echo start ${output} >> overlap.log
i=0
while [ "$(grep -c '^start' overlap.log)" -lt 2 ] && [ "$i" -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
sleep 0.3
echo end ${output} >> overlap.log
echo done > ${output}`;
  },
  output: SIX.map((n) => `${n}.overlap`),
});

/** A job whose command fails: the worker builds the CommandError and the main thread reports it. */
export const failingInWorker = new Pipeline("shell_failing_worker");
failingInWorker.originate({
  task: async function failInWorker(output: string) {
    await sh`echo made > ${output}; echo "worker went wrong" >&2; exit 4`;
  },
  output: "worker.out",
});
