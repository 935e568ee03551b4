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
    [["nosuch.ts", "--verbsoe", "3"], "Unknown option '--verbsoe'. Did you mean '--verbose'? See ruff --help."],
    [["nosuch.ts", "--target_tasx", "x"], "Unknown option '--target_tasx'. Did you mean '--target-tasks'? See ruff --help."],
    [["nosuch.ts", "-j", "0x10"], "--jobs expects a whole number, not '0x10'."],
    [["nosuch.ts", "--jobs=1e1"], "--jobs expects a whole number, not '1e1'."],
    [
      ["nosuch.ts", "-vn"],
      "error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value 'n' (in '-vn': -v takes the rest as its level; write -nv or -v -n for separate flags).",
    ],
  ];
  for (const [argv, message] of cases) assert.equal(refused(argv), message, argv.join(" "));
});

// Compared with Ruffus 2.8.4's argparse (ruffus.cmdline.get_argparse): `p.py --flowchart` says
// "p.py: error: argument --flowchart: expected one argument", `-j` "argument -j/--jobs: ...", and
// `--log_file -n` the same for -L/--log_file. cac would have taken each as the value true.
test("a value-taking option with no value, or an option where its value should be: a usage error naming it", () => {
  const options: [string[], string][] = [
    [["-T"], "-T/--target-tasks"], [["--target-tasks"], "-T/--target-tasks"], [["--forced-tasks"], "--forced-tasks"],
    [["-j"], "-j/--jobs"], [["--jobs"], "-j/--jobs"], [["--checksum-file-name"], "--checksum-file-name"],
    [["--checksum-level"], "--checksum-level"], [["--flowchart"], "--flowchart"], [["--flowchart-format"], "--flowchart-format"],
    [["--report"], "--report"], [["--executor"], "--executor"], [["--config"], "--config"], [["-L"], "-L/--log-file"],
    [["--log-file"], "-L/--log-file"], [["--log_file"], "-L/--log-file"], [["-nj"], "-j/--jobs"], [["-nL"], "-L/--log-file"],
  ];
  for (const [option, label] of options) {
    const expected = `error: argument ${label}: expected one argument`;
    assert.equal(refused(["p.ts", ...option]), expected, `${option.join(" ")} last`);
    for (const next of ["-n", "--json", "-v", "--", "-x"]) assert.equal(refused([...option, next, "p.ts"]), expected, `${option.join(" ")} ${next}`);
    assert.equal(refused([...option, "", "p.ts"]), `${expected}, not an empty string`, `${option.join(" ")} ''`);
    const long = label.split("/").at(-1) as string;
    assert.equal(refused([`${long}=`, "p.ts"]), `${expected}, not an empty string`, `${long}=`);
  }
  // "-" (standard output) and negative numbers are values, as in argparse.
  assert.equal(parse("p.ts", "--flowchart", "-", "--flowchart-format", "dot").flowchart, "-");
  assert.equal(refused(["p.ts", "-j", "-2"]), "--jobs must be at least 1.");
});

test("values are kept as written: no number conversion, no splitting at commas (Ruffus appends -T a,b whole)", () => {
  const o = parse("p.ts", "-T", "007", "-T", "a,b", "--forced-tasks", "1e3", "--config=0x10", "-L", "=x", "-j=3");
  assert.deepEqual(o.targetTasks, ["007", "a,b"]);
  assert.deepEqual(o.forcedTasks, ["1e3"]);
  assert.equal(o.config, "0x10");
  assert.equal(o.logFile, "=x");
  assert.equal(o.jobs, 3);
  // A single-valued option given twice: the last counts, as in argparse.
  assert.equal(parse("p.ts", "-j", "2", "--jobs=5").jobs, 5);
});

// Compared with Ruffus 2.8.4: `--just` is --just_print, `--target_task x` is --target_tasks x, and
// `--ver` is "error: ambiguous option: --ver could match --verbose, --version".
test("long options by unambiguous prefix, as argparse reads them; an ambiguous prefix is refused naming the candidates", () => {
  assert.equal(parse("p.ts", "--just").justPrint, true);
  assert.deepEqual(parse("p.ts", "--target_task", "x").targetTasks, ["x"]);
  assert.deepEqual(parse("p.ts", "--target-t=x").targetTasks, ["x"]);
  assert.equal(parse("p.ts", "--verb", "3").verbose, 3);
  assert.equal(parse("p.ts", "--flowchart", "f.svg").flowchart, "f.svg", "an exact name wins over a longer one");
  assert.equal(parse("--vers").command, "version");
  assert.equal(parse("--he").command, "help");
  assert.equal(refused(["p.ts", "--ver"]), "error: ambiguous option: --ver could match --verbose, --version");
  assert.equal(refused(["p.ts", "--fl", "x"]), "error: ambiguous option: --fl could match --flowchart, --flowchart-format");
  assert.equal(refused(["p.ts", "--checksum"]), "error: ambiguous option: --checksum could match --checksum-file-name, --checksum-level");
});

test("--help and --version act at once, as argparse's do; `ruff why --help` and `ruff --help why` describe why", () => {
  assert.equal(parse("--help", "--jobs").command, "help");
  assert.equal(parse("p.ts", "--version", "-j").command, "version");
  assert.match(parse("why", "--help").helpText ?? "", /^Usage: ruff why <pipeline.ts> <task or file>/);
  assert.match(parse("--help", "why").helpText ?? "", /^Usage: ruff why <pipeline.ts> <task or file>/);
  assert.match(parse("-nh").helpText ?? "", /^ruff /);
});
