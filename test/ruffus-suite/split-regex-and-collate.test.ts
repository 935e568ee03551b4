/**
 * Ports ruffus/test/test_split_regex_and_collate.py: three originals (made after a mkdir) are each
 * subdivide()d by regex() into a flag file plus a glob of five pieces, every piece is transformed
 * twice, and collate() regroups the results by original ("\1.all.combine_results"); every task has
 * a posttask(). Decorator style (the "main" pipeline, with mkdir(...) as a decorator) and
 * `new Pipeline(...)` style (with task.mkdir(...)). The original's file names have a doubled slash
 * ("<dir>//original_0.fa"); they are kept.
 *
 * Compared with Ruffus 2.8.4: the printout before the first run at verbose 5 (jobs needing update,
 * the transform's warnings for the flag files), the arguments of the subdivide and collate jobs
 * (doubled slashes as given), the three results' contents, the files left, the posttask order, the
 * run log's task lines, and that a second run is all up to date. The posttask actions write to an
 * array instead of stderr.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import {
  Pipeline,
  collate,
  mkdir,
  originate,
  pipelinePrintout,
  pipelineRun,
  posttask,
  regex,
  subdivide,
  suffix,
  transform,
  type PrintoutOptions,
  type RunOptions,
  type RunSummary,
} from "ruffus";
import { inTempDir, memoryLogger, read } from "../helpers.ts";

const JOBS_PER_TASK = 5;
const tempdir = "test_split_regex_and_collate/";
const D = "test_split_regex_and_collate";
const original_files = [0, 1, 2].map((d) => `${tempdir}/original_${d}.fa`);

type Style = "decorator" | "pipeline";

interface Calls {
  messages: string[];
  split: unknown[][];
  collate: unknown[][];
}

function build(style: Style, calls: Calls) {
  function generate_initial_files(out_name: string): void {
    writeFileSync(out_name, "");
  }
  function split_fasta_file(input_file: string, outputs: string[], original_index: string): void {
    calls.split.push([input_file, [...outputs], original_index]);
    // remove previous fasta files
    const [success_flag, ...output_file_names] = outputs;
    for (const f of output_file_names) unlinkSync(f);
    for (let i = 0; i < JOBS_PER_TASK; i++) writeFileSync(`${tempdir}/files.split.${original_index}.${String(i).padStart(3, "0")}.fa`, "");
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
    calls.collate.push([structuredClone(input_files), [...output_files]]);
    const [output_filename, success_flag_filename] = output_files;
    writeFileSync(output_filename, input_files.map(([inp]) => readFileSync(inp, "utf8")).join(""));
    writeFileSync(success_flag_filename, "");
  }
  const note = (m: string) => (): void => {
    calls.messages.push(m);
  };
  const splitFilter = regex(String.raw`.*\/original_(\d+).fa`);
  const splitOutput = [tempdir + String.raw`/files.split.\1.success`, tempdir + String.raw`/files.split.\1.*.fa`];
  const collateFilter = regex(String.raw`.*files.split\.(\d+)\.\d+.pcid`);
  const collateOutput = [tempdir + String.raw`/\1.all.combine_results`, tempdir + String.raw`/\1.all.combine_results_success`];

  if (style === "decorator") {
    mkdir(tempdir)(originate(original_files)(generate_initial_files));
    posttask(note(`\tSplit into ${JOBS_PER_TASK} files each\n`))(subdivide(generate_initial_files, splitFilter, splitOutput, String.raw`\1`)(split_fasta_file));
    posttask(note("\tSequences aligned\n"))(transform(split_fasta_file, suffix(".fa"), ".aln")(align_sequences));
    posttask(note("\t%Identity calculated\n"))(transform(align_sequences, suffix(".aln"), [".pcid", ".pcid_success"])(percentage_identity));
    posttask(note("\tResults recombined\n"))(collate(percentage_identity, collateFilter, collateOutput)(combine_results));
    return {
      prefix: "",
      run: (o: RunOptions): Promise<RunSummary> => pipelineRun(o),
      printout: (o: PrintoutOptions): Promise<string> => pipelinePrintout({ targetTasks: [combine_results], ...o }),
    };
  }
  const test_pipeline = new Pipeline("test");
  test_pipeline.originate({ task: generate_initial_files, output: original_files }).mkdir(tempdir, tempdir + "/test");
  test_pipeline
    .subdivide({ task: split_fasta_file, input: generate_initial_files, filter: splitFilter, output: splitOutput, extras: [String.raw`\1`] })
    .posttask(note(`\tSplit into ${JOBS_PER_TASK} files each\n`));
  test_pipeline.transform({ task: align_sequences, input: split_fasta_file, filter: suffix(".fa"), output: ".aln" }).posttask(note("\tSequences aligned\n"));
  test_pipeline
    .transform({ task: percentage_identity, input: align_sequences, filter: suffix(".aln"), output: [".pcid", ".pcid_success"] })
    .posttask(note("\t%Identity calculated\n"));
  test_pipeline.collate({ task: combine_results, input: percentage_identity, filter: collateFilter, output: collateOutput }).posttask(note("\tResults recombined\n"));
  return {
    prefix: "test::",
    run: (o: RunOptions) => test_pipeline.run(o),
    printout: (o: PrintoutOptions) => test_pipeline.printout({ targetTasks: [combine_results], ...o }),
  };
}

const piece = (orig: number, i: number): string => `files.split.${orig}.${String(i).padStart(3, "0")}`;
const POSTTASKS = [`\tSplit into ${JOBS_PER_TASK} files each\n`, "\tSequences aligned\n", "\t%Identity calculated\n", "\tResults recombined\n"];

describe("test_split_regex_and_collate", () => {
  for (const style of ["decorator", "pipeline"] as const) {
    test(`${style} style: subdivide by regex, transform the pieces, collate them per original (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const calls: Calls = { messages: [], split: [], collate: [] };
        const b = build(style, calls);
        const t = (name: string): string => `'${b.prefix}${name}'`;

        // The original: printout at verbose 5 before anything exists.
        const s = await b.printout({ verbose: 5, wrapWidth: 10000 });
        assert.match(s, /Job needs update:.*Missing files.*/s);
        for (const i of [0, 1, 2]) {
          assert.ok(
            s.includes(
              `       Job  = [${D}/original_${i}.fa\n             -> ${D}/files.split.${i}.success\n             -> ${D}/files.split.${i}.*.fa\n              , ${i}]\n         Job needs update: ...\n               Missing files [${D}/original_${i}.fa, ${D}/files.split.${i}.success]\n`,
            ),
            s,
          );
          // Only the flag files exist as the transform's inputs at planning time: they do not end in ".fa".
          assert.ok(s.includes(`         File '${D}//files.split.${i}.success' does not match suffix('.fa') and pattern '.aln'\n`), s);
        }
        assert.ok(s.includes(`Task = ${t("align_sequences")}\n       !!! No jobs for this task.\n`), s);

        const log = memoryLogger();
        const summary = await b.run({ verbose: 1, logger: log });
        assert.equal(summary.jobsRun, 1 + 3 + 3 + 15 + 15 + 3); // mkdir, originals, splits, two transforms, collate
        assert.deepEqual(
          log.lines.filter((l) => l.startsWith("Task enters queue") && !l.includes("mkdir")),
          ["generate_initial_files", "split_fasta_file", "align_sequences", "percentage_identity", "combine_results"].map((n) => `Task enters queue = ${t(n)} `),
        );
        // Each subdivide job gets the file names as declared (doubled slash) and its index as the extra.
        assert.deepEqual(
          calls.split.map((c) => JSON.stringify(c)).sort(),
          [0, 1, 2].map((i) => JSON.stringify([`${tempdir}/original_${i}.fa`, [`${tempdir}/files.split.${i}.success`], `${i}`])),
        );
        assert.deepEqual(
          calls.collate.map((c) => JSON.stringify(c)).sort(),
          [0, 1, 2].map((o) =>
            JSON.stringify([
              [0, 1, 2, 3, 4].map((i) => [`${D}/${piece(o, i)}.pcid`, `${D}/${piece(o, i)}.pcid_success`]),
              [`${tempdir}/${o}.all.combine_results`, `${tempdir}/${o}.all.combine_results_success`],
            ]),
          ),
        );
        for (const o of [0, 1, 2]) {
          assert.equal(read(`${tempdir}${o}.all.combine_results`), [0, 1, 2, 3, 4].map((i) => `${D}/${piece(o, i)}.pcid\n`).join(""));
        }
        assert.deepEqual(calls.messages, POSTTASKS);
        const expected = [
          ...[0, 1, 2].flatMap((o) => [`${o}.all.combine_results`, `${o}.all.combine_results_success`, `files.split.${o}.success`, `original_${o}.fa`]),
          ...[0, 1, 2].flatMap((o) => [0, 1, 2, 3, 4].flatMap((i) => ["aln", "fa", "pcid", "pcid_success"].map((e) => `${piece(o, i)}.${e}`))),
          ...(style === "pipeline" ? ["test"] : []),
        ].sort();
        assert.deepEqual(readdirSync(tempdir).sort(), expected);
        if (style === "pipeline") assert.ok(statSync(`${tempdir}test`).isDirectory());

        // Second run: all up to date.
        calls.messages.length = 0;
        const again = await b.run({ verbose: 0 });
        assert.equal(again.jobsRun, 0);
        assert.deepEqual(calls.messages, []);
        assert.ok(existsSync(`${tempdir}2.all.combine_results_success`));
      });
    });
  }
});
