/**
 * The `ruff` command line: cac for the option table and help, plus two things cac cannot do on
 * its own — Ruffus's underscore spellings (`--target_tasks`) and Ruffus's verbosity forms
 * (`-v`, `-vv`, `-v 5`, `--verbose 5:3`, repeated), which are taken out of argv before cac sees it.
 */
import { cac, type CAC } from "cac";
import { UsageError } from "./errors.ts";
import { rt } from "../core/runtime.ts";

/** Everything the command line can ask for. */
export interface CliOptions {
  command: "run" | "init" | "list" | "why" | "help" | "version";
  /** The pipeline file (run, list, why). */
  file?: string;
  /** init: the directory; why: the task or file asked about. */
  subject?: string;
  targetTasks: string[];
  forcedTasks: string[];
  jobs: number;
  useThreads: boolean;
  justPrint: boolean;
  touchFilesOnly: boolean;
  recreateDatabase: boolean;
  checksumFileName?: string;
  checksumLevel?: number;
  flowchart?: string;
  flowchartFormat?: string;
  /** Where shell commands run: local or slurm (default: the config file's, else local). */
  executor?: string;
  /** A config file (default: ruffus.config.json beside the pipeline file, if there is one). */
  config?: string;
  /** Write the HTML report here instead of running. */
  report?: string;
  drawGraphHorizontally: boolean;
  keyLegendInGraph: boolean;
  /** undefined when no -v was given. */
  verbose?: number;
  verboseAbbreviatedPath?: number;
  logFile?: string;
  json: boolean;
  /** Arguments after `--`, for the pipeline itself. */
  pipelineArgs: string[];
  helpText?: string;
}

const LONG_OPTIONS = [
  "report",
  "executor",
  "config",
  "target-tasks",
  "forced-tasks",
  "jobs",
  "use-threads",
  "just-print",
  "touch-files-only",
  "recreate-database",
  "checksum-file-name",
  "checksum-level",
  "flowchart",
  "flowchart-format",
  "draw-graph-horizontally",
  "key-legend-in-graph",
  "verbose",
  "log-file",
];

const BOOLEAN_OPTIONS = ["use-threads", "just-print", "touch-files-only", "recreate-database", "draw-graph-horizontally", "key-legend-in-graph", "json"];

/**
 * Ruffus's `--target_tasks` → `--target-tasks`, for every long option (values untouched). Boolean
 * flags get an explicit `=true`: cac hands mri their camelCased names, so mri would otherwise take
 * the next argument (the pipeline file) as their value.
 */
function dashed(arg: string): string {
  const m = /^--([a-z_-]+)(=.*)?$/.exec(arg);
  if (!m) return arg;
  const name = m[1].replaceAll("_", "-");
  if (!LONG_OPTIONS.includes(name) && !BOOLEAN_OPTIONS.includes(name)) return arg;
  if (BOOLEAN_OPTIONS.includes(name) && m[2] === undefined) return `--${name}=true`;
  return `--${name}${m[2] ?? ""}`;
}

/** `-T x` and `-Tx` become `--target-tasks x`, so that they add to one list with `--target-tasks` (cac keeps only one spelling). */
function longTargets(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (a === "-T") out.push("--target-tasks");
    else if (/^-T./.test(a)) out.push("--target-tasks", a.slice(2));
    // `--flowchart -` (standard output): the parser would read a lone "-" as no value.
    else if (/^--[a-z-]+$/.test(a) && argv[i + 1] === "-" && !BOOLEAN_OPTIONS.includes(a.slice(2))) out.push(`${a}=${argv[++i]}`);
    else if (a === "-n") out.push("--just-print=true");
    else out.push(a);
  }
  return out;
}

/**
 * Takes every verbosity flag out of `argv` and applies Ruffus's `handle_verbose` rules: each bare
 * `-v` adds one, `-v N` sets N, `-v N:M` sets N and the path abbreviation M.
 */
export function extractVerbosity(argv: string[]): { rest: string[]; verbose?: number; abbreviated?: number } {
  const items: string[] = [];
  const rest: string[] = [];
  const isLevel = (s: string | undefined): s is string => s !== undefined && /^\d+(:-?\d+)?$/.test(s);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "-v" || a === "--verbose") {
      const next = argv[i + 1];
      if (isLevel(next)) items.push(argv[++i]);
      else if (next !== undefined && looksLikeLevel(next)) {
        throw new UsageError(`error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value '${next}'`);
      } else items.push("+");
    } else if (/^-v+$/.test(a)) {
      for (let k = 1; k < a.length; k++) items.push("+");
    } else if (a.startsWith("--verbose=") || /^-v\d/.test(a)) {
      const value = a.startsWith("--verbose=") ? a.slice(10) : a.slice(2);
      if (!isLevel(value)) {
        throw new UsageError(`error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value '${value}'`);
      }
      items.push(value);
    } else rest.push(a);
  }
  if (!items.length) return { rest };
  let verbose = 0;
  let abbreviated: number | undefined;
  for (const item of items) {
    if (item === "+") verbose++;
    else {
      const [v, m] = item.split(":");
      verbose = Number(v);
      if (m !== undefined) abbreviated = Number(m);
    }
  }
  return { rest, verbose, abbreviated };
}

/**
 * After a bare `-v`, a word that is meant as a level but is not one (`-v abc`, `-v 5:x`): not an
 * option, a subcommand, an existing file or a file name with an extension or a directory.
 */
function looksLikeLevel(s: string): boolean {
  if (s.startsWith("-") || ["init", "list", "why"].includes(s) || rt().stat(s)) return false;
  return /^\d/.test(s) || s.includes(":") || !/[./]/.test(s);
}

function build(version: string): CAC {
  const cli = cac("ruff");
  cli.usage("[options] <pipeline.ts> [-- pipeline arguments]");
  cli.command("[pipeline]", "Run the out-of-date jobs of a pipeline file");
  cli.command("init [dir]", "Write a starter pipeline.ts, its types and a tsconfig.json");
  cli.command("list <pipeline>", "Print the pipeline's task names, one per line");
  cli.command("why <pipeline> <taskOrFile>", "Say why each out-of-date job of a task (or the job making a file) would run");
  cli.option("-T, --target-tasks <task>", "Bring this task up to date (repeat for several; default: all)");
  cli.option("--forced-tasks <task>", "Run this task and everything after it even if up to date (repeatable)");
  cli.option("-j, --jobs <n>", "Run up to n jobs at once", { default: 1 });
  cli.option("--use-threads", "Run jobs concurrently in the main thread instead of worker processes");
  cli.option("-n, --just-print", "Print what would run and why, without running anything");
  cli.option("--touch-files-only", "Touch the outputs instead of making them, and record them");
  cli.option("--recreate-database", "Rebuild the history from the files on disk; nothing runs");
  cli.option("--checksum-file-name <file>", "History file (default .ruffus_history.sqlite)");
  cli.option("--checksum-level <n>", "0 file times, 1 + history (default), 2 + function, 3 + extras");
  cli.option("--flowchart <file>", "Draw the pipeline to this file (.svg, .png, .dot, .json...) instead of running");
  cli.option("--flowchart-format <format>", "Flowchart format, when not the file's extension");
  cli.option("--report <file>", "Write a self-contained HTML report (flowchart, task states, reasons) instead of running");
  cli.option("--draw-graph-horizontally", "Lay the flowchart out left to right");
  cli.option("--key-legend-in-graph", "Add the colour key to the flowchart");
  cli.option("--executor <name>", "Where shell commands (sh, runJob) run: local (default) or slurm");
  cli.option("--config <file>", "Config file (default: ruffus.config.json beside the pipeline)");
  cli.option("-v, --verbose [level]", "More output; -v N or -v N:M sets level N and path abbreviation M");
  cli.option("-L, --log-file <file>", "Also write the log to this file");
  cli.option("--json", "With -n or why: print JSON");
  cli.option("--version", "Print the version");
  cli.help();
  void version;
  return cli;
}

const KNOWN = new Set([
  "--", "T", "targetTasks", "forcedTasks", "j", "jobs", "useThreads", "n", "justPrint", "touchFilesOnly", "recreateDatabase",
  "checksumFileName", "checksumLevel", "flowchart", "flowchartFormat", "report", "executor", "config", "drawGraphHorizontally", "keyLegendInGraph",
  "v", "verbose", "L", "logFile", "json", "h", "help", "version",
]);

function asList(v: unknown): string[] {
  if (v === undefined || v === false) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.flatMap((x) => String(x).split(",")).map((s) => s.trim()).filter(Boolean);
}

function asInt(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || String(v).trim() === "") throw new UsageError(`--${name} expects a whole number, not '${String(v)}'.`);
  return n;
}

/** Parses the arguments after the program name. */
export function parseArgs(argv: string[], version: string): CliOptions {
  const { rest, verbose, abbreviated } = extractVerbosity(longTargets(argv.map(dashed)));
  const cli = build(version);
  let helpText: string | undefined;
  cli.globalCommand.helpCallback = (sections) => {
    helpText = sections
      .filter((s) => !s.body.includes("--help` flag") && s.body.trim() !== "ruff")
      .map((s) => (s.title ? `${s.title}:\n${s.body}` : s.body))
      .join("\n\n")
      .split("\n")
      .map((l) => l.trimEnd())
      .join("\n")
      .trim();
    return [];
  };
  let parsed;
  try {
    parsed = cli.parse(["node", "ruff", ...rest], { run: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const o = parsed.options;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new UsageError(`Unknown option '${key.length === 1 ? "-" : "--"}${key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}'. See ruff --help.`);
  }
  const base: Omit<CliOptions, "command"> = {
    targetTasks: asList(o.targetTasks ?? o.T),
    forcedTasks: asList(o.forcedTasks),
    jobs: asInt("jobs", o.jobs) ?? 1,
    useThreads: Boolean(o.useThreads),
    justPrint: Boolean(o.justPrint),
    touchFilesOnly: Boolean(o.touchFilesOnly),
    recreateDatabase: Boolean(o.recreateDatabase),
    checksumFileName: o.checksumFileName === undefined ? undefined : String(o.checksumFileName),
    checksumLevel: asInt("checksum-level", o.checksumLevel),
    flowchart: o.flowchart === undefined ? undefined : String(o.flowchart),
    flowchartFormat: o.flowchartFormat === undefined ? undefined : String(o.flowchartFormat),
    report: o.report === undefined ? undefined : String(o.report),
    executor: o.executor === undefined ? undefined : String(o.executor),
    config: o.config === undefined ? undefined : String(o.config),
    drawGraphHorizontally: Boolean(o.drawGraphHorizontally),
    keyLegendInGraph: Boolean(o.keyLegendInGraph),
    verbose,
    verboseAbbreviatedPath: abbreviated,
    logFile: o.logFile === undefined ? undefined : String(o.logFile),
    json: Boolean(o.json),
    pipelineArgs: (o["--"] as string[] | undefined) ?? [],
  };
  if (o.help || o.h) {
    // cac prints the help itself; we take its sections and print them to stdout ourselves.
    const { log, info } = console;
    console.log = console.info = () => {};
    try {
      cli.outputHelp();
    } finally {
      console.log = log;
      console.info = info;
    }
    return { ...base, command: "help", helpText: `ruff ${version}: runs Ruffus-style pipelines written in TypeScript.\n\n${helpText ?? ""}` };
  }
  if (o.version) return { ...base, command: "version" };
  if (base.jobs < 1) throw new UsageError("--jobs must be at least 1.");
  const name = cli.matchedCommandName;
  const args = parsed.args;
  const arity = (usage: string, min: number, max: number): void => {
    if (args.length < min) throw new UsageError(`Missing argument. Usage: ${usage}`);
    if (args.length > max) throw new UsageError(`Unexpected argument '${args[max]}'. Usage: ${usage}`);
  };
  if (name === "init") {
    arity("ruff init [dir]", 0, 1);
    return { ...base, command: "init", subject: args[0] };
  }
  if (name === "list") {
    arity("ruff list <pipeline.ts>", 1, 1);
    return { ...base, command: "list", file: args[0] };
  }
  if (name === "why") {
    arity("ruff why <pipeline.ts> <task or file>", 2, 2);
    return { ...base, command: "why", file: args[0], subject: args[1] };
  }
  if (!args[0]) throw new UsageError("Which pipeline? Usage: ruff [options] <pipeline.ts>  (ruff --help for more)");
  if (base.json && !base.justPrint && !base.flowchart) {
    throw new UsageError("--json goes with -n (the plan as JSON) or ruff why; for a flowchart as JSON use --flowchart FILE.json.");
  }
  if (args.length > 1) throw new UsageError(`Unexpected argument '${args[1]}'. Arguments for the pipeline itself go after --: ruff ${args[0]} -- ${args.slice(1).join(" ")}`);
  return { ...base, command: "run", file: args[0] };
}
