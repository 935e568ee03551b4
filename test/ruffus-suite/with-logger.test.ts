/**
 * Ports ruffus/test/test_with_logger.py: 20 jobs originate files, two transforms follow and a
 * merge combines them; every job logs "inputs -> output" to one logger shared by all jobs, inside
 * its lock. The original runs this with multiprocess (one process per core) and checks only that
 * the run succeeds; here, with multiprocess and with multithread, in both styles, the merged file is
 * compared with the one Ruffus 2.8.4 writes (its inputs sorted by name: 0.3, 1.3, 10.3, ...), and
 * the log file must hold the 61 messages Ruffus's does, each on a whole line of its own, each once
 * (compared with Ruffus 2.8.4).
 *
 * Our shared logger is setupLogging (Ruffus's cmdline.setup_logging), whose file is laid out as
 * Ruffus 2.8.4's on Python 3: an empty line and "<date> my_logger" first, then
 * "<time> - my_logger -   INFO - <message>" lines (compared with Ruffus 2.8.4).
 *
 * The tasks live in fixtures/with-logger-tasks.ts: a worker imports the module that declared a task.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { availableParallelism, tmpdir } from "node:os";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pipelineRun, type RunOptions, type RunSummary } from "ruffus";
import { LOG_FILE, finalFileName, tempdir, testPipeline } from "./fixtures/with-logger-tasks.ts";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const D = "test_with_logger/";
/** The file numbers in the order Ruffus feeds the merge: task outputs sorted by name. */
const SORTED = Array.from({ length: 20 }, (_, i) => String(i)).sort();
const MERGED = "[" + SORTED.map((n) => `'${D}${n}.3'`).join(", ") + `] -> ${D}final.result`;

/** final.result as Ruffus 2.8.4 writes it. */
const EXPECTED_FINAL =
  SORTED.map((n) => `None -> ${D}${n}.1\n  ${D}${n}.1 -> ${D}${n}.2\n    ${D}${n}.2 -> ${D}${n}.3\n`).join("") + `      ${MERGED}\n`;

/** The messages of Ruffus 2.8.4's log, sorted. */
const EXPECTED_MESSAGES = [
  ...SORTED.flatMap((n) => [`None -> ${D}${n}.1`, `${D}${n}.1 -> ${D}${n}.2`, `${D}${n}.2 -> ${D}${n}.3`]),
  MERGED,
].sort();

/** The message of each log line after the file's heading (the longest expected message the line ends with). */
function loggedMessages(): string[] {
  const text = readFileSync(LOG_FILE, "utf8");
  assert.ok(text.endsWith("\n"));
  const heading = /^\n\d{4}-\d\d-\d\d my_logger\n/;
  assert.match(text, heading);
  const byLength = [...EXPECTED_MESSAGES].sort((a, b) => b.length - a.length);
  return text
    .replace(heading, "")
    .slice(0, -1)
    .split("\n")
    .map((l) => {
      const m = byLength.find((k) => l.endsWith(` - ${k}`));
      assert.ok(m, `not a whole log line: ${JSON.stringify(l)}`);
      assert.match(l.slice(0, -m.length), /^\d\d:\d\d:\d\d - my_logger - {3}INFO - $/);
      return m;
    });
}

async function runAndCheck(run: (o: RunOptions) => Promise<RunSummary>, o: RunOptions): Promise<void> {
  const old = process.cwd();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruffus-with-logger-")));
  dirs.push(dir);
  process.chdir(dir);
  try {
    mkdirSync(tempdir);
    const summary = await run({ ...o, verbose: 0 });
    assert.equal(summary.jobsRun, 61);
    assert.equal(readFileSync(finalFileName, "utf8"), EXPECTED_FINAL);
    // run() resolves once the logged lines are in the file.
    assert.deepEqual(loggedMessages().sort(), EXPECTED_MESSAGES);
  } finally {
    process.chdir(old);
  }
}

const CORES = Math.max(2, availableParallelism());

describe("test_with_logger", () => {
  test(`decorator style, multiprocess: ${CORES}: the merged file and the log's 61 messages equal Ruffus's (compared with Ruffus 2.8.4)`, async () => {
    // The fixture also declares the Pipeline-style copy: pipelineRun() alone would run both, as in Ruffus.
    await runAndCheck((o) => pipelineRun({ pipeline: "main", ...o }), { multiprocess: CORES });
  });

  test(`Pipeline style, multiprocess: ${CORES}: the same (compared with Ruffus 2.8.4)`, async () => {
    await runAndCheck((o) => testPipeline.run(o), { multiprocess: CORES });
  });

  test(`decorator style, multithread: ${CORES}: the same`, async () => {
    await runAndCheck((o) => pipelineRun({ pipeline: "main", ...o }), { multithread: CORES });
  });

  test(`Pipeline style, multithread: ${CORES}: the same`, async () => {
    await runAndCheck((o) => testPipeline.run(o), { multithread: CORES });
  });
});
