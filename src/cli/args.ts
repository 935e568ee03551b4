/**
 * The `ruff` command line: cac for the option table and help, plus two things cac cannot do on
 * its own — Ruffus's underscore spellings (`--target_tasks`) and Ruffus's verbosity forms
 * (`-v`, `-vv`, `-v 5`, `--verbose 5:3`, repeated), which are taken out of argv before cac sees it.
 */
import { cac, type CAC } from "cac";
import { UsageError, didYouMean } from "./errors.ts";
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

/** Long options that take a value (`--jobs 4`, `--jobs=4`). */
const VALUE_OPTIONS = [
  "report",
  "executor",
  "config",
  "target-tasks",
  "forced-tasks",
  "jobs",
  "checksum-file-name",
  "checksum-level",
  "flowchart",
  "flowchart-format",
  "log-file",
];

const BOOLEAN_OPTIONS = ["use-threads", "just-print", "touch-files-only", "recreate-database", "draw-graph-horizontally", "key-legend-in-graph", "json"];

/** Short options as Ruffus's argparse has them: these take a value, attached (`-j4`) or next (`-j 4`). */
const SHORT_VALUE: Readonly<Record<string, string>> = { T: "target-tasks", j: "jobs", L: "log-file" };
/** ...and these are flags, which may be combined (`-nv`, `-nj4`). `-v` takes an optional level. */
const SHORT_FLAG: Readonly<Record<string, string>> = { n: "--just-print=true", h: "--help" };

const VERBOSITY_ERROR = "error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value";
const isLevel = (s: string | undefined): s is string => s !== undefined && /^(\+|\d+(:-?\d+)?)$/.test(s);

/**
 * A long option in today's spelling: Ruffus's `--target_tasks` → `--target-tasks` (values
 * untouched). Boolean flags get an explicit `=true` (cac hands mri their camelCased names, so mri
 * would otherwise take the next argument, the pipeline file, as their value); `--use-threads=false`
 * is honoured, any other value refused.
 */
function longOption(arg: string): string {
  const m = /^--([a-z_-]+)(=.*)?$/.exec(arg);
  if (!m) return arg;
  const name = m[1].replaceAll("_", "-");
  if (BOOLEAN_OPTIONS.includes(name)) {
    const value = m[2]?.slice(1).toLowerCase() ?? "true";
    if (value !== "true" && value !== "false") throw new UsageError(`--${name} takes no value (or =true / =false), not '${m[2]?.slice(1)}'.`);
    return `--${name}=${value}`;
  }
  if (!VALUE_OPTIONS.includes(name) && name !== "verbose") return arg;
  return `--${name}${m[2] ?? ""}`;
}

/**
 * A cluster of short options read the way argparse reads it: `-nv` is -n -v, `-j4` is -j 4,
 * `-Ll.log` is -L l.log, `-nTx` is -n -T x. `-v` takes the rest of the cluster as its level
 * (`-v3`, `-nv3`), so `-vn` is refused as in Ruffus, with the spelling that works.
 */
function shortCluster(arg: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    const c = arg[i];
    const rest = arg.slice(i + 1);
    if (SHORT_VALUE[c]) {
      out.push(`--${SHORT_VALUE[c]}`, ...(rest ? [rest] : []));
      return out;
    }
    if (c === "v") {
      if (rest === "" || /^v+$/.test(rest)) out.push("-" + "v".repeat(rest.length + 1));
      else if (isLevel(rest)) out.push(`-v${rest}`);
      else {
        throw new UsageError(
          `${VERBOSITY_ERROR} '${rest}' (in '${arg}': -v takes the rest as its level; write ${/^[nh]+$/.test(rest) ? `-${rest}v or ` : ""}-v -${rest} for separate flags).`,
        );
      }
      return out;
    }
    out.push(SHORT_FLAG[c] ?? `-${c}`);
  }
  return out;
}

/**
 * Puts every option into one spelling before cac and the verbosity rules see it (arguments after
 * `--` belong to the pipeline and are left alone). A value that starts with "-" is glued to its
 * option when it is one: `--flowchart -` (standard output) and negative numbers, which the parser
 * would otherwise read as options.
 */
function normalise(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const expanded = a.startsWith("--") ? [longOption(a)] : /^-[^-\d]/.test(a) ? shortCluster(a) : [a];
    const last = expanded[expanded.length - 1];
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(last) && VALUE_OPTIONS.includes(last.slice(2)) && next !== undefined && /^-(\d.*)?$/.test(next)) {
      expanded[expanded.length - 1] = `${last}=${next}`;
      i++;
    }
    out.push(...expanded);
  }
  return out;
}

/**
 * Takes every verbosity flag out of `argv` and applies Ruffus's `handle_verbose` rules: each bare
 * `-v` (or `-v +`) adds one, `-v N` sets N, `-v N:M` sets N and the path abbreviation M.
 */
export function extractVerbosity(argv: string[]): { rest: string[]; verbose?: number; abbreviated?: number } {
  const items: string[] = [];
  const rest: string[] = [];
  const bad = (value: string): UsageError => new UsageError(`${VERBOSITY_ERROR} '${value}'`);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === "-v" || a === "--verbose") {
      const next = argv[i + 1];
      if (isLevel(next)) items.push(argv[++i]);
      else if (next !== undefined && looksLikeLevel(next)) throw bad(next);
      else items.push("+");
    } else if (/^-v+$/.test(a)) {
      for (let k = 1; k < a.length; k++) items.push("+");
    } else if (a.startsWith("--verbose=") || /^-v[\d+]/.test(a)) {
      const value = a.startsWith("--verbose=") ? a.slice(10) : a.slice(2);
      if (!isLevel(value)) throw bad(value);
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

/** The subcommands: usage, what they do, and the options that mean something to them. */
const SUBCOMMANDS = {
  init: { usage: "ruff init [dir]", cac: "init [dir]", summary: "Write a starter project (pipeline.ts, types, configs)", about: "Write a starter pipeline.ts, its types, tsconfig.json and deno.json into dir (default: here); existing files are kept", options: [] },
  list: { usage: "ruff list <pipeline.ts>", cac: "list <pipeline>", summary: "Print the task names", about: "Print the pipeline's task names, one per line", options: [] },
  why: {
    usage: "ruff why <pipeline.ts> <task or file>",
    cac: "why <pipeline> <subject>",
    summary: "Say why out-of-date jobs would run",
    about: "Say why each out-of-date job of a task (or the job making a file) would run, and which inputs match no pattern",
    options: ["--forced-tasks", "--checksum-file-name", "--checksum-level", "--verbose", "--json"],
  },
} as const;

function build(): CAC {
  const cli = cac("ruff");
  for (const c of Object.values(SUBCOMMANDS)) cli.command(c.cac, c.about);
  cli.option("-T, --target-tasks <task>", "Bring this task up to date (repeat for several; default: all)");
  cli.option("--forced-tasks <task>", "Run this task and everything after it even if up to date (repeatable)");
  cli.option("-j, --jobs <n>", "Run up to n jobs at once (default: 1)");
  cli.option("--use-threads", "Run jobs concurrently in the main thread instead of worker processes");
  cli.option("-n, --just-print", "Print what would run and why, without running anything");
  cli.option("--touch-files-only", "Touch the outputs instead of making them, and record them");
  cli.option("--recreate-database", "Rebuild the history from the files on disk; nothing runs");
  cli.option("--checksum-file-name <file>", "History file (default .ruffus_history.sqlite)");
  cli.option("--checksum-level <n>", "0 file times, 1 + history (default), 2 + function, 3 + extras");
  cli.option("--flowchart <file>", "Draw the pipeline to this file (.svg, .png, .dot, .json...; - for stdout) instead of running");
  cli.option("--flowchart-format <format>", "Flowchart format, when not the file's extension");
  cli.option("--report <file>", "Write a self-contained HTML report (flowchart, task states, reasons) instead of running");
  cli.option("--draw-graph-horizontally", "Lay the flowchart out left to right");
  cli.option("--key-legend-in-graph", "Add the colour key to the flowchart");
  cli.option("--executor <name>", "Where shell commands (sh, runJob) run: local (default) or slurm");
  cli.option("--config <file>", "Config file (default: ruffus.config.json beside the pipeline)");
  cli.option("-v, --verbose [level]", "More output; -v N or -v N:M sets level N and path abbreviation M");
  cli.option("-L, --log-file <file>", "Also write the log, with times, to this file");
  cli.option("--json", "With -n or why: print JSON");
  cli.option("--version", "Print the version");
  cli.option("-h, --help", "Print this help (ruff <command> --help: that command's)");
  return cli;
}

/** The option table, `only` limiting it to some options (by long name). */
function optionLines(cli: CAC, only?: readonly string[]): string {
  const options = cli.globalCommand.options.filter((o) => !only || only.some((n) => o.rawName.includes(n)));
  const width = Math.max(...options.map((o) => o.rawName.length));
  return options.map((o) => `  ${o.rawName.padEnd(width)}  ${o.description}`).join("\n");
}

/** `ruff --help`, or `ruff <command> --help`. */
function helpText(cli: CAC, version: string, command: string | undefined): string {
  const sub = command ? SUBCOMMANDS[command as keyof typeof SUBCOMMANDS] : undefined;
  if (sub) {
    return `Usage: ${sub.usage}${sub.options.length ? " [options]" : ""}${command === "init" ? "" : " [-- pipeline arguments]"}\n\n${sub.about}.\n` +
      (sub.options.length ? `\nOptions:\n${optionLines(cli, sub.options)}\n` : "");
  }
  const usage = [
    ["ruff [options] <pipeline.ts> [-- pipeline arguments]", "Run the out-of-date jobs"],
    ...Object.values(SUBCOMMANDS).map((c) => [c.usage, c.summary]),
  ];
  const width = Math.max(...usage.map(([u]) => u.length));
  return `ruff ${version}: runs Ruffus-style pipelines written in TypeScript.\n\nUsage:\n` +
    usage.map(([u, about]) => `  ${u.padEnd(width)}  ${about}`).join("\n") +
    `\n\nOptions:\n${optionLines(cli)}\n\nExit status: 0 done, 1 a job failed, 2 bad usage or a broken pipeline file, 130 interrupted.\n`;
}

const KNOWN = new Set([
  "--", "targetTasks", "forcedTasks", "j", "jobs", "useThreads", "justPrint", "touchFilesOnly", "recreateDatabase",
  "checksumFileName", "checksumLevel", "flowchart", "flowchartFormat", "report", "executor", "config", "drawGraphHorizontally", "keyLegendInGraph",
  "v", "verbose", "L", "logFile", "json", "h", "help", "version",
]);

/** What to say about an option we do not have: the closest one we do, when there is one. */
function unknownOption(key: string): string {
  const flag = key.length === 1 ? `-${key}` : `--${key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`;
  const names = [...VALUE_OPTIONS, ...BOOLEAN_OPTIONS, "verbose", "version", "help"];
  const hint = key === "V" ? " The version is --version." : flag.startsWith("--") ? didYouMean(flag, names.map((n) => `--${n}`)) : "";
  return `Unknown option '${flag}'.${hint} See ruff --help.`;
}

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

/** A flag's value: `normalise` spelt it `=true` or `=false`. */
const flag = (v: unknown): boolean => v === true || v === "true";

const optionalString = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

/** Parses the arguments after the program name. */
export function parseArgs(argv: string[], version: string): CliOptions {
  const { rest, verbose, abbreviated } = extractVerbosity(normalise(argv));
  const cli = build();
  let parsed;
  try {
    parsed = cli.parse(["node", "ruff", ...rest], { run: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const o = parsed.options;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new UsageError(unknownOption(key));
  }
  const base: Omit<CliOptions, "command"> = {
    targetTasks: asList(o.targetTasks),
    forcedTasks: asList(o.forcedTasks),
    jobs: asInt("jobs", o.jobs) ?? 1,
    useThreads: flag(o.useThreads),
    justPrint: flag(o.justPrint),
    touchFilesOnly: flag(o.touchFilesOnly),
    recreateDatabase: flag(o.recreateDatabase),
    checksumFileName: optionalString(o.checksumFileName),
    checksumLevel: asInt("checksum-level", o.checksumLevel),
    flowchart: optionalString(o.flowchart),
    flowchartFormat: optionalString(o.flowchartFormat),
    report: optionalString(o.report),
    executor: optionalString(o.executor),
    config: optionalString(o.config),
    drawGraphHorizontally: flag(o.drawGraphHorizontally),
    keyLegendInGraph: flag(o.keyLegendInGraph),
    verbose,
    verboseAbbreviatedPath: abbreviated,
    logFile: optionalString(o.logFile),
    json: flag(o.json),
    pipelineArgs: (o["--"] as string[] | undefined) ?? [],
  };
  if (o.help || o.h) return { ...base, command: "help", helpText: helpText(cli, version, cli.matchedCommandName) };
  if (o.version) return { ...base, command: "version" };
  if (base.jobs < 1) throw new UsageError("--jobs must be at least 1.");
  if (base.checksumLevel !== undefined && (base.checksumLevel < 0 || base.checksumLevel > 3)) {
    throw new UsageError(`--checksum-level must be 0, 1, 2 or 3 (0 file times only, 1 also the history, 2 also the task function, 3 also the extras), not ${base.checksumLevel}.`);
  }
  const name = cli.matchedCommandName;
  const args = parsed.args;
  const arity = (usage: string, min: number, max: number): void => {
    if (args.length < min) throw new UsageError(`Missing argument. Usage: ${usage}`);
    if (args.length > max) throw new UsageError(`Unexpected argument '${args[max]}'. Usage: ${usage}`);
  };
  if (name === "init") {
    arity(SUBCOMMANDS.init.usage, 0, 1);
    return { ...base, command: "init", subject: args[0] };
  }
  if (name === "list") {
    arity(SUBCOMMANDS.list.usage, 1, 1);
    return { ...base, command: "list", file: args[0] };
  }
  if (name === "why") {
    arity(SUBCOMMANDS.why.usage, 2, 2);
    return { ...base, command: "why", file: args[0], subject: args[1] };
  }
  if (!args[0]) throw new UsageError("Which pipeline? Usage: ruff [options] <pipeline.ts>  (ruff --help for more)");
  if (base.json && !base.justPrint && !base.flowchart) {
    throw new UsageError("--json goes with -n (the plan as JSON) or ruff why; for a flowchart as JSON use --flowchart FILE.json.");
  }
  if (args.length > 1) throw new UsageError(`Unexpected argument '${args[1]}'. Arguments for the pipeline itself go after --: ruff ${args[0]} -- ${args.slice(1).join(" ")}`);
  return { ...base, command: "run", file: args[0] };
}
