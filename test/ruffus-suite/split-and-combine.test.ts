/**
 * Ports ruffus/test/test_split_and_combine.py: split() one file into a success flag plus a glob of
 * ten pieces, transform each piece twice (the second transform makes two outputs per job), then
 * merge() everything into a result file and its flag; every task has a posttask(). Decorator style
 * (the "main" pipeline) and `new Pipeline(...)` style.
 *
 * Compared with Ruffus 2.8.4: the arguments of the split job (only the flag file on the first run;
 * the flag and the ten existing pieces, which the job deletes, once the input changed), the merge
 * job's input pairs, the result file's contents, the files left, the order of the posttask messages,
 * the run log at verbose 1, and that a second run is all up to date. The posttask actions write to
 * an array instead of stderr. The original runs with multiprocess=50; these tasks are declared
 * inside the tests, so the jobs run with multithread (worker processes need tasks declared when
 * their module loads: test/exec/workers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { Pipeline, merge, pipelineRun, posttask, split, suffix, transform, type RunOptions, type RunSummary } from "ruffus";
import { exists, inTempDir, memoryLogger, read } from "../helpers.ts";

const tempdir = "test_split_and_combine/";

type Style = "decorator" | "pipeline";

function build(style: Style, messages: string[], splitCalls: unknown[][], mergeCalls: unknown[][]) {
  function split_fasta_file(input_file: string, outputs: string[]): void {
    splitCalls.push([input_file, [...outputs]]);
    // remove previous fasta files
    const [success_flag, ...output_file_names] = outputs;
    for (const f of output_file_names) unlinkSync(f);
    for (let i = 0; i < 10; i++) writeFileSync(`${tempdir}files.split.${String(i).padStart(3, "0")}.fa`, "");
    writeFileSync(success_flag, "");
  }
  function align_sequences(_input_file: string, output_filename: string): void {
    writeFileSync(output_filename, `${output_filename}\n`);
  }
  function percentage_identity(_input_file: string, output_files: string[]): void {
    const [output_filename, success_flag_filename] = output_files;
    writeFileSync(output_filename, `${output_filename}\n`);
    writeFileSync(success_flag_filename, "");
  }
  function combine_results(input_files: string[][], output_files: string[]): void {
    "Combine all";
    mergeCalls.push([structuredClone(input_files), [...output_files]]);
    const [output_filename, success_flag_filename] = output_files;
    writeFileSync(output_filename, input_files.map(([inp]) => readFileSync(inp, "utf8")).join(""));
    writeFileSync(success_flag_filename, "");
  }
  const note = (m: string) => (): void => {
    messages.push(m);
  };

  if (style === "decorator") {
    posttask(note(`    Split into ${10} files\n`))(split(tempdir + "original.fa", [tempdir + "files.split.success", tempdir + "files.split.*.fa"])(split_fasta_file));
    posttask(note("    Sequences aligned\n"))(transform(split_fasta_file, suffix(".fa"), ".aln")(align_sequences));
    posttask(note("    %Identity calculated\n"))(transform(align_sequences, suffix(".aln"), [".pcid", ".pcid_success"])(percentage_identity));
    posttask(note("    Results recombined\n"))(merge(percentage_identity, [tempdir + "all.combine_results", tempdir + "all.combine_results_success"])(combine_results));
    return { prefix: "", run: (o: RunOptions): Promise<RunSummary> => pipelineRun(o) };
  }
  const test_pipeline = new Pipeline("test");
  test_pipeline
    .split({ task: split_fasta_file, input: tempdir + "original.fa", output: [tempdir + "files.split.success", tempdir + "files.split.*.fa"] })
    .posttask(note(`    Split into ${10} files\n`));
  test_pipeline.transform({ task: align_sequences, input: split_fasta_file, filter: suffix(".fa"), output: ".aln" }).posttask(note("    Sequences aligned\n"));
  test_pipeline
    .transform({ task: percentage_identity, input: align_sequences, filter: suffix(".aln"), output: [".pcid", ".pcid_success"] })
    .posttask(note("    %Identity calculated\n"));
  test_pipeline
    .merge({ task: combine_results, input: percentage_identity, output: [tempdir + "all.combine_results", tempdir + "all.combine_results_success"] })
    .posttask(note("    Results recombined\n"));
  return { prefix: "test::", run: (o: RunOptions) => test_pipeline.run(o) };
}

const PIECES = Array.from({ length: 10 }, (_, i) => `${tempdir}files.split.${String(i).padStart(3, "0")}`);
const POSTTASKS = ["    Split into 10 files\n", "    Sequences aligned\n", "    %Identity calculated\n", "    Results recombined\n"];

describe("test_split_and_combine", () => {
  for (const style of ["decorator", "pipeline"] as const) {
    test(`${style} style: split into ten pieces, two transforms, merged back; a second run does nothing (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        // The original's setUp.
        mkdirSync(tempdir);
        writeFileSync(tempdir + "original.fa", "");
        const messages: string[] = [];
        const splitCalls: unknown[][] = [];
        const mergeCalls: unknown[][] = [];
        const b = build(style, messages, splitCalls, mergeCalls);
        const t = (name: string): string => `'${b.prefix}${name}'`;

        const log = memoryLogger();
        const summary = await b.run({ multithread: 50, verbose: 1, logger: log });
        assert.ok(exists(tempdir + "all.combine_results"), `Missing ${tempdir}all.combine_results`);
        assert.equal(summary.jobsRun, 1 + 10 + 10 + 1);
        // Ruffus 2.8.4's log at verbose 1.
        assert.deepEqual(log.lines, [
          "",
          "________________________________________",
          "Tasks which will be run:",
          "",
          "",
          ...["split_fasta_file", "align_sequences", "percentage_identity", "combine_results"].flatMap((n) => [`Task enters queue = ${t(n)} `, `Completed Task = ${t(n)} `]),
        ]);
        // The split job sees only its flag file: the glob matches nothing yet.
        assert.deepEqual(splitCalls, [[tempdir + "original.fa", [tempdir + "files.split.success"]]]);
        assert.deepEqual(mergeCalls, [[PIECES.map((p) => [`${p}.pcid`, `${p}.pcid_success`]), [tempdir + "all.combine_results", tempdir + "all.combine_results_success"]]]);
        assert.equal(read(tempdir + "all.combine_results"), PIECES.map((p) => `${p}.pcid\n`).join(""));
        assert.equal(read(`${tempdir}files.split.004.aln`), `${tempdir}files.split.004.aln\n`);
        assert.deepEqual(messages, POSTTASKS);
        const names = (p: string): string[] => ["aln", "fa", "pcid", "pcid_success"].map((e) => `${p.slice(tempdir.length)}.${e}`);
        assert.deepEqual(readdirSync(tempdir).sort(), ["all.combine_results", "all.combine_results_success", ...PIECES.flatMap(names), "files.split.success", "original.fa"].sort());

        // Second run: every task is up to date (Ruffus lists them under "Tasks which are up-to-date:").
        messages.length = 0;
        const log2 = memoryLogger();
        const again = await b.run({ multithread: 50, verbose: 1, logger: log2 });
        assert.equal(again.jobsRun, 0);
        assert.deepEqual(messages, []);
        assert.deepEqual(log2.lines.filter((l) => l.startsWith("Task = ")), ["split_fasta_file", "align_sequences", "percentage_identity", "combine_results"].map((n) => `Task = ${t(n)}  `));
        assert.ok(!log2.lines.some((l) => l.startsWith("Task enters queue")), log2.text());

        // A newer input: the split job now receives (and deletes) the ten existing pieces.
        const later = Date.now() / 1000 + 5;
        utimesSync(tempdir + "original.fa", later, later);
        const third = await b.run({ multithread: 50, verbose: 0 });
        assert.equal(third.jobsRun, 22);
        assert.deepEqual(splitCalls[1], [tempdir + "original.fa", [tempdir + "files.split.success", ...PIECES.map((p) => `${p}.fa`)]]);
        assert.deepEqual(messages, POSTTASKS);
        assert.equal(read(tempdir + "all.combine_results"), PIECES.map((p) => `${p}.pcid\n`).join(""));
      });
    });
  }
});
