/**
 * Ports ruffus/test/test_newstyle_combinatorics.py: product(), combinations(), permutations() and
 * combinationsWithReplacement() declared with `new Pipeline(...)` methods over formatter() filters,
 * spread over two pipelines ("test1" and "test2") that refer to each other's tasks by function, by
 * task object and by name (a task renamed "WOWWWEEE", found again as "generate_initial_files1").
 * Each combinatoric task writes its prefixes ("aeg,") and a merge task concatenates them; printouts
 * list the jobs that need updating, and formatter() references that cannot be substituted are shown
 * as "Input substitution failed" warnings with the missing field.
 *
 * Compared with Ruffus 2.8.4: every merged result, the arguments one product() job receives, the
 * job lines of the printouts at verbose 5, the warnings at verbose 3 (the original checks them
 * with substring and regular-expression searches) and the run's warning at verbose 4. Ruffus lists a task's match failures in set
 * order; the order is not compared. The original runs with multiprocess=100; these tasks are
 * declared inside the tests, so the jobs run with multithread (worker processes need tasks declared
 * when their module loads: test/exec/workers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Pipeline, formatter, outputFrom, type Task, type TaskFunction } from "ruffus";
import { inTempDir, memoryLogger, read } from "../helpers.ts";

const tempdir = "test_newstyle_combinatorics";

function touch(outfile: string): void {
  writeFileSync(outfile, "");
}

/** A combinatoric task function: writes its prefixes followed by a comma. */
function prefixTask(name: string, calls?: unknown[][]): TaskFunction {
  const f = function (...args: unknown[]): void {
    calls?.push(args);
    writeFileSync(args[1] as string, `${args[2] as string},`);
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

/** A merge task function: concatenates its inputs in sorted order. */
function mergedTask(name: string): TaskFunction {
  const f = function (infiles: string[], outfile: string): void {
    writeFileSync(outfile, [...infiles].sort().map((i) => readFileSync(i, "utf8")).join(""));
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

/**
 * The original's docstrings, shown at verbose >= 2. Given as `description` rather than as a leading
 * string in the function body, which Bun's transpiler drops.
 */
const DOCS = {
  check_product_misspelt_capture_error_task: "FILE_PART mispelt as FILE_PART",
  check_product_out_of_range_formatter_ref_error_task: "{path[2][0]} when len(path) == 1",
  check_product_formatter_ref_index_error_task: "{path[0][0][1000} when len of the path string len(path[0][0]) < 1000",
};

/** The two pipelines of the original, declared as it declares them (at its module level). */
function build(productCalls?: unknown[][]) {
  mkdirSync(tempdir, { recursive: true }); // the original's setUp
  const test_pipeline1 = new Pipeline("test1");
  const test_pipeline2 = new Pipeline("test2");

  function generate_initial_files1(outfile: string): void {
    touch(outfile);
  }
  function generate_initial_files2(outfile: string): void {
    touch(outfile);
  }
  function generate_initial_files3(outfile: string): void {
    touch(outfile);
  }
  const check_product_task = prefixTask("check_product_task", productCalls);
  const check_product_merged_task = mergedTask("check_product_merged_task");
  function check_product_misspelt_capture_error_task(_infiles: string[], outfile: string): void {
    touch(outfile);
  }
  function check_product_out_of_range_formatter_ref_error_task(_infiles: string[], outfile: string): void {
    touch(outfile);
  }
  function check_product_formatter_ref_index_error_task(_infiles: string[], outfile: string): void {
    touch(outfile);
  }
  const check_combinations2_task = prefixTask("check_combinations2_task");
  const check_combinations2_merged_task = mergedTask("check_combinations2_merged_task");
  const check_combinations3_task = prefixTask("check_combinations3_task");
  const check_combinations3_merged_task = mergedTask("check_combinations3_merged_task");
  const check_permutations2_task = prefixTask("check_permutations2_task");
  const check_permutations2_merged_task = mergedTask("check_permutations2_merged_task");
  const check_permutations3_task = prefixTask("check_permutations3_task");
  const check_permutations3_merged_task = mergedTask("check_permutations3_merged_task");
  const check_combinations_with_replacement2_task = prefixTask("check_combinations_with_replacement2_task");
  const check_combinations_with_replacement2_merged_task = mergedTask("check_combinations_with_replacement2_merged_task");
  const check_combinations_with_replacement3_task = prefixTask("check_combinations_with_replacement3_task");
  const check_combinations_with_replacement3_merged_task = mergedTask("check_combinations_with_replacement3_merged_task");

  const filter = formatter(".*/(?P<FILE_PART>.+).tmp1$");
  const pairs = {
    output: "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.tmp2",
    extras: ["{basename[0][0][0]}{basename[1][0][0]}", "{subpath[0][0][0]}", "{subdir[0][0][0]}"],
  };
  const triples = {
    output: "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.{basename[2][0]}.tmp2",
    extras: ["{basename[0][0][0]}{basename[1][0][0]}{basename[2][0][0]}", "{subpath[0][0][0]}", "{subdir[0][0][0]}"],
  };

  const gen_task1: Task = test_pipeline1.originate({
    task: generate_initial_files1,
    name: "WOWWWEEE",
    output: [..."abcd"].map((prefix) => `${tempdir}/${prefix}_name.tmp1`),
  });
  test_pipeline1.originate({ task: generate_initial_files2, output: [`${tempdir}/e_name.tmp1`, `${tempdir}/f_name.tmp1`] });
  test_pipeline1.originate({ task: generate_initial_files3, output: [`${tempdir}/g_name.tmp1`, `${tempdir}/h_name.tmp1`] });
  test_pipeline1
    .product({
      task: check_product_task,
      input: [..."abcd"].map((prefix) => `${tempdir}/${prefix}_name.tmp1`),
      filter,
      input2: generate_initial_files2,
      filter2: formatter(),
      input3: generate_initial_files3,
      filter3: formatter(String.raw`tmp1$`),
      output: "{path[0][0]}/{FILE_PART[0][0]}.{basename[1][0]}.{basename[2][0]}.tmp2",
      extras: ["{basename[0][0][0]}{basename[1][0][0]}{basename[2][0][0]}", "{subpath[0][0][0]}", "{subdir[0][0][0]}"],
    })
    .follows("WOWWWEEE")
    .follows(gen_task1)
    .follows(generate_initial_files1)
    .follows("generate_initial_files1");
  test_pipeline1.merge({ task: check_product_merged_task, input: check_product_task, output: `${tempdir}/merged.results` });
  test_pipeline1.product({
    task: check_product_misspelt_capture_error_task,
    description: DOCS.check_product_misspelt_capture_error_task,
    input: gen_task1,
    filter,
    output: "{path[0][0]}/{FILEPART[0][0]}.tmp2",
  });
  test_pipeline1.product({
    task: check_product_out_of_range_formatter_ref_error_task,
    description: DOCS.check_product_out_of_range_formatter_ref_error_task,
    input: generate_initial_files1,
    filter,
    output: "{path[2][0]}/{basename[0][0]}.tmp2",
    extras: ["{FILE_PART[0][0]}"],
  });
  test_pipeline1.product({
    task: check_product_formatter_ref_index_error_task,
    description: DOCS.check_product_formatter_ref_index_error_task,
    input: outputFrom("generate_initial_files1"),
    filter,
    output: "{path[0][0][1000]}/{basename[0][0]}.tmp2",
    extras: ["{FILE_PART[0][0]}"],
  });
  test_pipeline1.combinations({ task: check_combinations2_task, input: generate_initial_files1, filter, tupleSize: 2, ...pairs });
  test_pipeline1.merge({ task: check_combinations2_merged_task, input: check_combinations2_task, output: `${tempdir}/merged.results` });
  test_pipeline1.combinations({ task: check_combinations3_task, input: outputFrom("WOWWWEEE"), filter, tupleSize: 3, ...triples });
  test_pipeline1.merge({ task: check_combinations3_merged_task, input: check_combinations3_task, output: `${tempdir}/merged.results` });
  test_pipeline1.permutations({ task: check_permutations2_task, input: outputFrom("WOWWWEEE"), filter, tupleSize: 2, ...pairs });
  test_pipeline2.merge({ task: check_permutations2_merged_task, input: check_permutations2_task, output: `${tempdir}/merged.results` });
  test_pipeline2.permutations({ task: check_permutations3_task, input: outputFrom("WOWWWEEE"), filter, tupleSize: 3, ...triples });
  test_pipeline2.merge({ task: check_permutations3_merged_task, input: check_permutations3_task, output: `${tempdir}/merged.results` });
  test_pipeline2.combinationsWithReplacement({ task: check_combinations_with_replacement2_task, input: outputFrom("WOWWWEEE"), filter, tupleSize: 2, ...pairs });
  test_pipeline2.merge({ task: check_combinations_with_replacement2_merged_task, input: check_combinations_with_replacement2_task, output: `${tempdir}/merged.results` });
  test_pipeline2.combinationsWithReplacement({ task: check_combinations_with_replacement3_task, input: outputFrom("WOWWWEEE"), filter, tupleSize: 3, ...triples });
  test_pipeline2.merge({ task: check_combinations_with_replacement3_merged_task, input: check_combinations_with_replacement3_task, output: `${tempdir}/merged.results` });

  return {
    test_pipeline1,
    test_pipeline2,
    check_product_merged_task,
    check_product_misspelt_capture_error_task,
    check_product_out_of_range_formatter_ref_error_task,
    check_product_formatter_ref_index_error_task,
    check_combinations2_merged_task,
    check_combinations3_merged_task,
    check_permutations2_merged_task,
    check_permutations3_merged_task,
    check_combinations_with_replacement2_merged_task,
    check_combinations_with_replacement3_merged_task,
  };
}

type Built = ReturnType<typeof build>;

/** The original's printout checks: printed through test_pipeline2, targets given by function. */
function printout(b: Built, target: TaskFunction, verbose: number): Promise<string> {
  return b.test_pipeline2.printout({ targetTasks: [target], verbose, wrapWidth: 10000 });
}

const D = tempdir;
const RUNS: [keyof Built, string, number][] = [
  ["check_product_merged_task", "aeg,aeh,afg,afh,beg,beh,bfg,bfh,ceg,ceh,cfg,cfh,deg,deh,dfg,dfh,", 8 + 16 + 1],
  ["check_combinations2_merged_task", "ab,ac,ad,bc,bd,cd,", 4 + 6 + 1],
  ["check_combinations3_merged_task", "abc,abd,acd,bcd,", 4 + 4 + 1],
  ["check_permutations2_merged_task", "ab,ac,ad,ba,bc,bd,ca,cb,cd,da,db,dc,", 4 + 12 + 1],
  ["check_permutations3_merged_task", "abc,abd,acb,acd,adb,adc,bac,bad,bca,bcd,bda,bdc,cab,cad,cba,cbd,cda,cdb,dab,dac,dba,dbc,dca,dcb,", 4 + 24 + 1],
  ["check_combinations_with_replacement2_merged_task", "aa,ab,ac,ad,bb,bc,bd,cc,cd,dd,", 4 + 10 + 1],
  ["check_combinations_with_replacement3_merged_task", "aaa,aab,aac,aad,abb,abc,abd,acc,acd,add,bbb,bbc,bbd,bcc,bcd,bdd,ccc,ccd,cdd,ddd,", 4 + 20 + 1],
];

describe("test_newstyle_combinatorics", () => {
  for (const [target, merged, jobs] of RUNS) {
    test(`${target.replace(/_merged_task$/, "")}: the merged result lists every tuple in order (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build();
        const summary = await b.test_pipeline2.run({ targetTasks: [b[target] as TaskFunction], verbose: 0, multithread: 100 });
        assert.equal(read(`${tempdir}/merged.results`), merged);
        assert.equal(summary.jobsRun, jobs);
        const again = await b.test_pipeline2.run({ targetTasks: [b[target] as TaskFunction], verbose: 0, multithread: 100 });
        assert.equal(again.jobsRun, 0);
      });
    });
  }

  test("product(): a job receives its three inputs, the output and the formatter-substituted extras (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async (dir) => {
      const calls: unknown[][] = [];
      const b = build(calls);
      await b.test_pipeline2.run({ targetTasks: [b.check_product_merged_task], verbose: 0 });
      assert.equal(calls.length, 16);
      const first = calls.map((c) => JSON.stringify(c)).sort()[0];
      // Ruffus 2.8.4: (('<d>/a_name.tmp1', '<d>/e_name.tmp1', '<d>/g_name.tmp1'), '<cwd>/<d>/a_name.e_name.g_name.tmp2', 'aeg', '<cwd>/<d>', '<d>')
      assert.deepEqual(JSON.parse(first.split(dir).join("<cwd>")), [
        [`${D}/a_name.tmp1`, `${D}/e_name.tmp1`, `${D}/g_name.tmp1`],
        `<cwd>/${D}/a_name.e_name.g_name.tmp2`,
        "aeg",
        `<cwd>/${D}`,
        D,
      ]);
    });
  });

  test("product() printout at verbose 5: each job needs update, its missing files listed (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const s = await printout(b, b.check_product_merged_task, 5);
      // The original: /Job needs update:.*Missing files.*\[.*a_name.tmp1, .*e_name.tmp1, .*h_name.tmp1, .*a_name.e_name.h_name.tmp2\]/s
      assert.match(s, new RegExp(String.raw`Job needs update:.*Missing files.*\[.*${D}/a_name.tmp1, .*${D}/e_name.tmp1, .*${D}/h_name.tmp1, .*${D}/a_name.e_name.h_name.tmp2\]`, "s"));
      // Ruffus 2.8.4's lines for that job (its "-> output, extras]" line shows "map" for the extras).
      assert.ok(
        s.includes(
          `       Job  = [[${D}/a_name.tmp1, ${D}/e_name.tmp1, ${D}/h_name.tmp1]\n             -> ${D}/a_name.e_name.h_name.tmp2, aeh, ${D}, ${D}]\n         Job needs update: ...\n               Missing files [${D}/a_name.tmp1, ${D}/e_name.tmp1, ${D}/h_name.tmp1, ${D}/a_name.e_name.h_name.tmp2]\n`,
        ),
        s,
      );
      assert.deepEqual([...s.matchAll(/^Task = '(.+)'$/gm)].map((m) => m[1]), [
        "test1::WOWWWEEE",
        "test1::generate_initial_files2",
        "test1::generate_initial_files3",
        "test1::check_product_task",
        "test1::check_product_merged_task",
      ]);
      assert.equal(s.split("\n").filter((l) => l.startsWith("       Job  = [[")).length, 16 + 1);
    });
  });

  const PRINTOUTS: [keyof Built, string[], string][] = [
    ["check_combinations2_merged_task", ["a", "b"], "a_name.b_name"],
    ["check_combinations3_merged_task", ["a", "b", "c"], "a_name.b_name.c_name"],
    ["check_permutations2_merged_task", ["a", "b"], "a_name.b_name"],
    ["check_permutations3_merged_task", ["a", "b", "c"], "a_name.b_name.c_name"],
    ["check_combinations_with_replacement2_merged_task", ["a", "b"], "a_name.b_name"],
    ["check_combinations_with_replacement3_merged_task", ["a", "b", "c"], "a_name.b_name.c_name"],
  ];
  for (const [target, letters, stem] of PRINTOUTS) {
    test(`${target.replace(/_merged_task$/, "")} printout at verbose 5 lists the first tuple's job (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build();
        const s = await printout(b, b[target] as TaskFunction, 5);
        const inputs = letters.map((l) => `${D}/${l}_name.tmp1`);
        // The original: /\[.*a_name.tmp1, .*b_name.tmp1, (.*c_name.tmp1, )?.*<stem>.tmp2\]/
        assert.match(s, new RegExp(String.raw`\[.*${inputs.join(", .*")}, .*${D}/${stem}.tmp2\]`));
        assert.ok(s.includes(`       Job  = [[${inputs.join(", ")}]\n             -> ${D}/${stem}.tmp2, ${letters.join("")}, ${D}, ${D}]\n         Job needs update: ...\n               Missing files [${[...inputs, `${D}/${stem}.tmp2`].join(", ")}]\n`), s);
      });
    });
  }

  const ERRORS: [keyof typeof DOCS, string, string][] = [
    ["check_product_misspelt_capture_error_task", "FILEPART", "{path[0][0]}/{FILEPART[0][0]}.tmp2"],
    ["check_product_out_of_range_formatter_ref_error_task", "2", "{path[2][0]}/{basename[0][0]}.tmp2"],
    ["check_product_formatter_ref_index_error_task", "string index out of range", "{path[0][0][1000]}/{basename[0][0]}.tmp2"],
  ];
  for (const [target, field, pattern] of ERRORS) {
    const doc = DOCS[target];
    test(`${target}: printout at verbose 3 shows "Unmatched field {${field}}" for every input (compared with Ruffus 2.8.4)`, async () => {
      await inTempDir(async () => {
        const b = build();
        const s = await printout(b, b[target] as TaskFunction, 3);
        assert.ok(s.includes("Warning: Input substitution failed:"), s);
        assert.ok(s.includes(`Unmatched field {${field}}`), s);
        // Ruffus 2.8.4: the docstring, the task has no jobs, and each of the four inputs has its warning.
        assert.ok(s.includes(`Task = 'test1::${target}'\n    "${doc}"\n       !!! No jobs for this task.\n       Are you sure there is not a error in your code / regular expression?\n`), s);
        const warnings = s.split("\n").filter((l) => l.startsWith("         Unmatched field "));
        assert.deepEqual(warnings, [..."abcd"].map(() => `         Unmatched field {${field}} in '${pattern}' where`));
        assert.equal(s.split("\n").filter((l) => l === "       Job Warning: Input substitution failed:").length, 4);
      });
    });
  }

  test("an unmatched formatter field: the warning's continuation lines are indented as Ruffus's (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const lines = (await printout(b, b.check_product_misspelt_capture_error_task, 3)).split("\n");
      const at = lines.indexOf(`         Unmatched field {FILEPART} in '{path[0][0]}/{FILEPART[0][0]}.tmp2' where`);
      assert.ok(at > 0, lines.join("\n"));
      // Ruffus stores str(exception), whose continuation lines its error class indents by 4 more
      // spaces, then prefixes every line with 2 + 7 spaces: 15 spaces before "input =" and "filter =".
      assert.match(lines[at + 1], new RegExp(String.raw`^ {15}input =  \[\['${D}/[abcd]_name\.tmp1'\]\],$`));
      assert.match(lines[at + 2], /^ {15}filter = formatter\(formatter\('\.\*\/\(\?P<FILE_PART>\.\+\)\.tmp1\$'\)\)\. Possible substitutions= /);
    });
  });

  test("an unmatched formatter field: the run's warning at verbose 4 indents the continuation lines as Ruffus's (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      const b = build();
      const log = memoryLogger();
      await b.test_pipeline2.run({ targetTasks: [b.check_product_misspelt_capture_error_task], verbose: 4, logger: log });
      const warning = log.lines.find((l) => l.startsWith("WARNING:     In Task 'test1::check_product_misspelt_capture_error_task':"));
      assert.ok(warning, log.text());
      const lines = warning.split("\n");
      // Ruffus 2.8.4: "        No jobs were run because no file names matched." ... then per input
      // "        Job Warning: Input substitution failed:", "          Unmatched field {FILEPART} in '...' where",
      // and 16 spaces before "input =" and "filter =".
      assert.equal(lines[1], "        No jobs were run because no file names matched.");
      const at = lines.indexOf("          Unmatched field {FILEPART} in '{path[0][0]}/{FILEPART[0][0]}.tmp2' where");
      assert.ok(at > 0 && lines[at - 1] === "        Job Warning: Input substitution failed:", warning);
      assert.match(lines[at + 1], new RegExp(String.raw`^ {16}input =  \[\['${D}/[abcd]_name\.tmp1'\]\],$`));
      assert.match(lines[at + 2], /^ {16}filter = formatter\(/);
    });
  });
});
