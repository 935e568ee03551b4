/**
 * Ports ruffus/test/test_filesre_split_and_combine.py: one files() job splits original.fa into 50
 * files (and writes a success flag), each is "aligned", each alignment gets a percent-identity file
 * and a success flag (the split index passed as an extra), and one job combines them all.
 *
 * The original uses the deprecated `@files_re`, which Ruffus 2.8.4 turns into (`Task._decorator_files_re`):
 *   files_re(glob, ".fa$", ".aln")                              -> transform(glob, regex(".fa$"), ".aln")
 *   files_re(task, rx, r"\g<0>", [out1, out2], r"\2")           -> transform(task, regex(rx), inputs(r"\g<0>"), [out1, out2], r"\2")
 *   files_re(task, combine(r".*.pcid$"), [out1, out2])         -> collate(task, regex(r".*.pcid$"), [out1, out2])
 * This library has no `files_re`/`combine`, so the port declares those tasks directly.
 *
 * The original only checks that the run succeeds (multiprocess=100; multithread here, since the task
 * functions are declared inside this file). The files made, their contents, the arguments of the
 * combining job, the posttask order, the job counts and the second, empty run were compared with
 * Ruffus 2.8.4 running the same pipeline.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, unlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { collate, files, follows, inputs, pipelineRun, posttask, regex, transform } from "ruffus";
import { inTempDir, read } from "../helpers.ts";

const JOBS_PER_TASK = 50;
const tempdir = "test_filesre_split_and_combine/";

const pad3 = (i: number): string => String(i).padStart(3, "0");
const indices = Array.from({ length: JOBS_PER_TASK }, (_, i) => pad3(i));

describe("test_filesre_split_and_combine", () => {
  test("split into 50 files, transform each twice, combine all (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      mkdirSync(tempdir);
      writeFileSync(`${tempdir}original.fa`, "");
      const verboseOutput: string[] = [];
      let combineArgs: unknown[] = [];

      const splitFastaFile = posttask(() => verboseOutput.push(`    Split into ${JOBS_PER_TASK} files\n`))(
        files(`${tempdir}original.fa`, `${tempdir}files.split.success`)(function split_fasta_file(_inputFile: string, successFlag: string) {
          // remove existing fasta files
          for (const f of readdirSync(tempdir).filter((f) => /^files\.split\..*\.fa$/.test(f))) unlinkSync(tempdir + f);
          for (let i = 0; i < JOBS_PER_TASK; i++) writeFileSync(`${tempdir}files.split.${pad3(i)}.fa`, "");
          writeFileSync(successFlag, "");
        }),
      );

      const alignSequences = posttask(() => verboseOutput.push("    Sequences aligned\n"))(
        follows(splitFastaFile)(
          transform(`${tempdir}files.split.*.fa`, regex(".fa$"), ".aln")(function align_sequences(_inputFile: string, outputFilename: string) {
            writeFileSync(outputFilename, `${outputFilename}\n`);
          }),
        ),
      );

      const percentageIdentity = posttask(() => verboseOutput.push("    %Identity calculated\n"))(
        transform(alignSequences, regex(String.raw`(.*\.)(.+).aln$`), inputs(String.raw`\g<0>`), [String.raw`\1\2.pcid`, String.raw`\1\2.pcid_success`], String.raw`\2`)(
          function percentage_identity(_inputFile: string, outputFiles: string[], splitIndex: string) {
            const [outputFilename, successFlagFilename] = outputFiles;
            writeFileSync(outputFilename, `${splitIndex}\n`);
            writeFileSync(successFlagFilename, "");
          },
        ),
      );

      posttask(() => verboseOutput.push("    Results recombined\n"))(
        collate(percentageIdentity, regex(".*.pcid$"), [`${tempdir}all.combine_results`, `${tempdir}all.combine_results_success`])(
          function combine_results(inputFiles: string[][], outputFiles: string[]) {
            "Combine all";
            combineArgs = [inputFiles, outputFiles];
            const [outputFilename, successFlagFilename] = outputFiles;
            writeFileSync(outputFilename, inputFiles.map(([inp]) => read(inp)).join(""));
            writeFileSync(successFlagFilename, "");
          },
        ),
      );

      const summary = await pipelineRun({ multithread: 100, verbose: 0 });

      // Everything Ruffus 2.8.4 leaves behind, with the same contents.
      const expectedFiles = ["all.combine_results", "all.combine_results_success", "files.split.success", "original.fa"];
      for (const i of indices) expectedFiles.push(`files.split.${i}.aln`, `files.split.${i}.fa`, `files.split.${i}.pcid`, `files.split.${i}.pcid_success`);
      assert.deepEqual(readdirSync(tempdir).sort(), expectedFiles.sort());
      assert.equal(read(`${tempdir}all.combine_results`), indices.map((i) => `${i}\n`).join(""));
      for (const i of indices) {
        assert.equal(read(`${tempdir}files.split.${i}.aln`), `${tempdir}files.split.${i}.aln\n`);
        assert.equal(read(`${tempdir}files.split.${i}.pcid`), `${i}\n`);
        assert.equal(read(`${tempdir}files.split.${i}.pcid_success`), "");
      }

      // The combining job receives the [pcid, pcid_success] pair of every job, sorted.
      assert.deepEqual(combineArgs, [
        indices.map((i) => [`${tempdir}files.split.${i}.pcid`, `${tempdir}files.split.${i}.pcid_success`]),
        [`${tempdir}all.combine_results`, `${tempdir}all.combine_results_success`],
      ]);

      assert.deepEqual(verboseOutput, [`    Split into ${JOBS_PER_TASK} files\n`, "    Sequences aligned\n", "    %Identity calculated\n", "    Results recombined\n"]);
      const jobsOf = Object.fromEntries(summary.tasks.map((t) => [t.task, t.jobsRun]));
      assert.deepEqual(jobsOf, { split_fasta_file: 1, align_sequences: JOBS_PER_TASK, percentage_identity: JOBS_PER_TASK, combine_results: 1 });

      // A second run finds every task up to date.
      const again = await pipelineRun({ multithread: 100, verbose: 0 });
      assert.equal(again.jobsRun, 0);
      assert.deepEqual(again.tasksUptodate, ["split_fasta_file", "align_sequences", "percentage_identity", "combine_results"]);
    });
  });
});
