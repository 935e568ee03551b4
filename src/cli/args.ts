/**
 * The `ruff` command line, read as Ruffus's argparse reads `ruffus.cmdline`'s options: underscore
 * spellings (`--target_tasks`), unambiguous prefixes (`--just`), short clusters (`-nj4`), Ruffus's
 * verbosity forms (`-v`, `-vv`, `-v 5`, `--verbose 5:3`, repeated), and a value-taking option
 * with no value is an error. Our own reader, not cac's: cac (mri) takes a missing value as `true`
 * and turns values that look like numbers into numbers (`-T 007` → 7, `--config=1e3` → 1000).
 * cac still lays out the option table for --help.
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

/** Every long option, as `--name` spells it (Ruffus's `--name_with_underscores` is read as this). */
const LONG_NAMES = [...VALUE_OPTIONS, ...BOOLEAN_OPTIONS, "verbose", "version", "help"];

/** Short options as Ruffus's argparse has them: these take a value, attached (`-j4`) or next (`-j 4`). */
const SHORT_VALUE: Readonly<Record<string, string>> = { T: "target-tasks", j: "jobs", L: "log-file" };
/** The options that are not lists: the last one given counts, as in argparse. */
const REPEATABLE = new Set(["target-tasks", "forced-tasks"]);

const VERBOSITY_ERROR = "error: verbosity argument is specified as --verbose INT or --verbose INT:INT. invalid value";
const isLevel = (s: string | undefined): s is string => s !== undefined && /^(\+|\d+(:-?\d+)?)$/.test(s);

/** How argparse names an option in its messages: `-j/--jobs`, `--flowchart`. */
function optionLabel(name: string): string {
  const short = Object.keys(SHORT_VALUE).find((k) => SHORT_VALUE[k] === name);
  return short ? `-${short}/--${name}` : `--${name}`;
}

/**
 * What argparse takes for an option rather than a value: `--`, and any word starting with "-"
 * except "-" itself (standard output, for --flowchart) and a negative number.
 */
const looksLikeOption = (s: string): boolean => s === "--" || (s.startsWith("-") && s !== "-" && !/^-(\d+|\d*\.\d+)$/.test(s));

/**
 * A long option's full name: Ruffus's underscores read as dashes, and, as argparse does, an
 * unambiguous prefix (`--just`, `--target_task`) read as the option it begins.
 */
function resolveLong(typed: string): string {
  const name = typed.replaceAll("_", "-");
  if (LONG_NAMES.includes(name)) return name;
  const matches = name ? LONG_NAMES.filter((n) => n.startsWith(name)) : [];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new UsageError(`error: ambiguous option: --${typed} could match ${matches.map((m) => `--${m}`).join(", ")}`);
  throw new UsageError(unknownOption(`--${typed}`));
}

/** The command line taken apart: option values by long name, flags, verbosity items, words. */
interface RawArgs {
  readonly values: Map<string, string[]>;
  readonly flags: Map<string, boolean>;
  /** Ruffus's `handle_verbose` items: "+" for each bare -v, else the level given. */
  readonly verbose: string[];
  readonly words: string[];
  /** After `--`: the pipeline's own. */
  readonly pipelineArgs: string[];
  /** -h or --version was met: argparse acts on it at once, so what follows it is not checked. */
  stop?: "help" | "version";
  /** The words after the -h. */
  after: string[];
}

/**
 * Reads the command line the way Ruffus's argparse does: options anywhere before `--`, each
 * value-taking option followed by a value (attached, `=value` or the next word; a missing one or
 * an option in its place is an error, never a silent `true`), short options clustered (`-nv`,
 * `-nj4`, `-Ll.log`), `-v` taking an optional level, long options by unambiguous prefix.
 */
function scan(argv: string[]): RawArgs {
  const raw: RawArgs = { values: new Map(), flags: new Map(), verbose: [], words: [], pipelineArgs: [], after: [] };
  let i = 0;
  const value = (name: string, attached: string | undefined): void => {
    let v = attached;
    if (v === undefined) {
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) throw new UsageError(`error: argument ${optionLabel(name)}: expected one argument`);
      v = next;
      i++;
    }
    if (v === "") throw new UsageError(`error: argument ${optionLabel(name)}: expected one argument, not an empty string`);
    const list = REPEATABLE.has(name) ? (raw.values.get(name) ?? []) : [];
    raw.values.set(name, [...list, v]);
  };
  const bareVerbose = (): void => {
    const next = argv[i + 1];
    if (isLevel(next)) {
      raw.verbose.push(next);
      i++;
    } else if (next !== undefined && looksLikeLevel(next)) throw new UsageError(`${VERBOSITY_ERROR} '${next}'`);
    else raw.verbose.push("+");
  };
  for (; i < argv.length; i++) {
    if (raw.stop) {
      raw.after = argv.slice(i);
      break;
    }
    const a = argv[i];
    if (a === "--") {
      raw.pipelineArgs.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const typed = eq === -1 ? a.slice(2) : a.slice(2, eq);
      const attached = eq === -1 ? undefined : a.slice(eq + 1);
      const name = resolveLong(typed);
      if (VALUE_OPTIONS.includes(name)) value(name, attached);
      else if (BOOLEAN_OPTIONS.includes(name)) {
        const v = attached?.toLowerCase() ?? "true";
        if (v !== "true" && v !== "false") throw new UsageError(`--${name} takes no value (or =true / =false), not '${attached}'.`);
        raw.flags.set(name, v === "true");
      } else if (name === "verbose") {
        if (attached === undefined) bareVerbose();
        else if (isLevel(attached)) raw.verbose.push(attached);
        else throw new UsageError(`${VERBOSITY_ERROR} '${attached}'`);
      } else {
        if (attached !== undefined) throw new UsageError(`--${name} takes no value, not '${attached}'.`);
        raw.stop = name as "help" | "version";
      }
      continue;
    }
    if (!a.startsWith("-") || a === "-" || !looksLikeOption(a)) {
      raw.words.push(a);
      continue;
    }
    // A cluster of short options: -nv is -n -v, -j4 is -j 4, -Ll.log is -L l.log, -nTx is -n -T x;
    // -v takes the rest as its level (-v3, -nv3), so -vn is refused as in Ruffus, with the spelling that works.
    for (let k = 1; k < a.length; k++) {
      const c = a[k];
      const rest = a.slice(k + 1);
      if (SHORT_VALUE[c]) {
        value(SHORT_VALUE[c], rest === "" ? undefined : rest.replace(/^=/, ""));
        break;
      }
      if (c === "v") {
        if (rest === "") bareVerbose();
        else if (/^v+$/.test(rest)) raw.verbose.push(...Array.from({ length: rest.length + 1 }, () => "+"));
        else if (isLevel(rest)) raw.verbose.push(rest);
        else {
          throw new UsageError(
            `${VERBOSITY_ERROR} '${rest}' (in '${a}': -v takes the rest as its level; write ${/^[nh]+$/.test(rest) ? `-${rest}v or ` : ""}-v -${rest} for separate flags).`,
          );
        }
        break;
      }
      if (c === "n") raw.flags.set("just-print", true);
      else if (c === "h") {
        raw.stop = "help";
        break;
      } else throw new UsageError(unknownOption(`-${c}`));
    }
  }
  return raw;
}

/** Ruffus's `handle_verbose`: each "+" adds one, `N` sets N, `N:M` sets N and the path abbreviation M. */
function verbosity(items: readonly string[]): { verbose?: number; abbreviated?: number } {
  if (!items.length) return {};
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
  return { verbose, abbreviated };
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
    `\n\nOptions:\n${optionLines(cli)}\n\nExit status: 0 done, 1 a job failed, 2 bad usage or a broken pipeline file, 70 an internal error (a bug),\n` +
    `129 hung up (SIGHUP), 130 interrupted (SIGINT), 143 terminated (SIGTERM).\n`;
}

/** What to say about an option we do not have: the closest one we do, when there is one. */
function unknownOption(flag: string): string {
  const hint = flag === "-V" ? " The version is --version." : flag.startsWith("--") ? didYouMean(flag.replaceAll("_", "-"), LONG_NAMES.map((n) => `--${n}`)) : "";
  return `Unknown option '${flag}'.${hint} See ruff --help.`;
}

function asInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  // Python's int(): digits with an optional sign (not "0x10" or "1e3", which Number() would take).
  if (!/^\s*[+-]?\d+\s*$/.test(v)) throw new UsageError(`--${name} expects a whole number, not '${v}'.`);
  return Number(v);
}

/** Parses the arguments after the program name. */
export function parseArgs(argv: string[], version: string): CliOptions {
  const raw = scan(argv);
  const { verbose, abbreviated } = verbosity(raw.verbose);
  const last = (name: string): string | undefined => raw.values.get(name)?.at(-1);
  const flag = (name: string): boolean => raw.flags.get(name) ?? false;
  const base: Omit<CliOptions, "command"> = {
    targetTasks: raw.values.get("target-tasks") ?? [],
    forcedTasks: raw.values.get("forced-tasks") ?? [],
    jobs: 1,
    useThreads: flag("use-threads"),
    justPrint: flag("just-print"),
    touchFilesOnly: flag("touch-files-only"),
    recreateDatabase: flag("recreate-database"),
    checksumFileName: last("checksum-file-name"),
    checksumLevel: undefined,
    flowchart: last("flowchart"),
    flowchartFormat: last("flowchart-format"),
    report: last("report"),
    executor: last("executor"),
    config: last("config"),
    drawGraphHorizontally: flag("draw-graph-horizontally"),
    keyLegendInGraph: flag("key-legend-in-graph"),
    verbose,
    verboseAbbreviatedPath: abbreviated,
    logFile: last("log-file"),
    json: flag("json"),
    pipelineArgs: raw.pipelineArgs,
  };
  const subcommand = (word: string | undefined): keyof typeof SUBCOMMANDS | undefined =>
    word !== undefined && Object.hasOwn(SUBCOMMANDS, word) ? (word as keyof typeof SUBCOMMANDS) : undefined;
  if (raw.stop === "help") {
    // `ruff why --help`, and `ruff --help why` as well.
    const named = subcommand(raw.words[0]) ?? subcommand(raw.after.find((a) => !a.startsWith("-")));
    return { ...base, command: "help", helpText: helpText(build(), version, named) };
  }
  if (raw.stop === "version") return { ...base, command: "version" };
  base.jobs = asInt("jobs", last("jobs")) ?? 1;
  base.checksumLevel = asInt("checksum-level", last("checksum-level"));
  if (base.jobs < 1) throw new UsageError("--jobs must be at least 1.");
  if (base.checksumLevel !== undefined && (base.checksumLevel < 0 || base.checksumLevel > 3)) {
    throw new UsageError(`--checksum-level must be 0, 1, 2 or 3 (0 file times only, 1 also the history, 2 also the task function, 3 also the extras), not ${base.checksumLevel}.`);
  }
  const name = subcommand(raw.words[0]);
  const args = name ? raw.words.slice(1) : raw.words;
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
