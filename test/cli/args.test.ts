/**
 * The command-line parser on its own: the short-option habits of Ruffus's argparse (`-j4`,
 * `-Ll.log`, `-nv`, `-v +`), flags with explicit values, and the values refused before any
 * pipeline file is read. What argparse does was checked with ruffus.cmdline.get_argparse (2.8.4).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import "../../src/runtime/select.ts";
import { parseArgs, type CliOptions } from "../../src/cli/args.ts";

const parse = (...argv: string[]): CliOptions => parseArgs(argv, "0.0.0");
const refused = (argv: string[]): string => {
  try {
    parseArgs(argv, "0.0.0");
  } catch (e) {
    return (e as Error).message;
  }
  return "(accepted)";
};

test("short options take attached values and combine, as in argparse", () => {
  const pick = (o: CliOptions) => ({ jobs: o.jobs, logFile: o.logFile, justPrint: o.justPrint, verbose: o.verbose, targets: o.targetTasks, file: o.file });
  const cases: [string[], ReturnType<typeof pick>][] = [
    [["-j4", "p.ts"], { jobs: 4, logFile: undefined, justPrint: false, verbose: undefined, targets: [], file: "p.ts" }],
    [["-Ll.log", "p.ts"], { jobs: 1, logFile: "l.log", justPrint: false, verbose: undefined, targets: [], file: "p.ts" }],
    [["p.ts", "-nv"], { jobs: 1, logFile: undefined, justPrint: true, verbose: 1, targets: [], file: "p.ts" }],
    [["p.ts", "-nv3"], { jobs: 1, logFile: undefined, justPrint: true, verbose: 3, targets: [], file: "p.ts" }],
    [["-nj2", "p.ts"], { jobs: 2, logFile: undefined, justPrint: true, verbose: undefined, targets: [], file: "p.ts" }],
    [["-nTa", "-T", "b", "p.ts"], { jobs: 1, logFile: undefined, justPrint: true, verbose: undefined, targets: ["a", "b"], file: "p.ts" }],
    [["-v", "+", "p.ts"], { jobs: 1, logFile: undefined, justPrint: false, verbose: 1, targets: [], file: "p.ts" }],
    [["-v", "+", "-v", "p.ts"], { jobs: 1, logFile: undefined, justPrint: false, verbose: 2, targets: [], file: "p.ts" }],
  ];
  for (const [argv, expected] of cases) assert.deepEqual(pick(parse(...argv)), expected, argv.join(" "));
});

test("flags take =true / =false; arguments after -- are left alone", () => {
  assert.equal(parse("p.ts", "--use-threads=false").useThreads, false);
  assert.equal(parse("p.ts", "--use_threads=true").useThreads, true);
  assert.equal(parse("p.ts", "--use-threads").useThreads, true);
  assert.deepEqual(parse("p.ts", "--", "--use_threads", "-nv", "-j4").pipelineArgs, ["--use_threads", "-nv", "-j4"]);
  assert.equal(parse("p.ts", "--", "--use_threads").useThreads, false);
});

test("values refused before the pipeline file is looked at, each naming the option and what it takes", () => {
  const cases: [string[], string][] = [
    [["nosuch.ts", "--checksum-level", "7"], "--checksum-level must be 0, 1, 2 or 3 (0 file times only, 1 also the history, 2 also the task function, 3 also the extras), not 7."],
    [["nosuch.ts", "--checksum-level", "-1"], "--checksum-level must be 0, 1, 2 or 3 (0 file times only, 1 also the history, 2 also the task function, 3 also the extras), not -1."],
    [["nosuch.ts", "--checksum_level=4"], "--checksum-level must be 0, 1, 2 or 3 (0 file times only, 1 also the history, 2 also the task function, 3 also the extras), not 4."],
    [["nosuch.ts", "-j", "-1"], "--jobs must be at least 1."],
    [["nosuch.ts", "--use-threads=maybe"], "--use-threads takes no value (or =true / =false), not 'maybe'."],
    [["-V"], "Unknown option '-V'. The version is --version. See ruff --help."],
    [["nosuch.ts", "--verbos", "3"], "Unknown option '--verbos'. Did you mean '--verbose'? See ruff --help."],
    [["nosuch.ts", "--target-task", "x"], "Unknown option '--target-task'. Did you mean '--target-tasks'? See ruff --help."],
    [
      ["nosuch.ts", "-vn"],
      "error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value 'n' (in '-vn': -v takes the rest as its level; write -nv or -v -n for separate flags).",
    ],
  ];
  for (const [argv, message] of cases) assert.equal(refused(argv), message, argv.join(" "));
});
