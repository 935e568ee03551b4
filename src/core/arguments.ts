/**
 * Reads a task's arguments into a {@link TaskSpec}, following Ruffus's `parse_task_arguments`:
 * arguments are taken in a fixed order (input, filter, [inputN/filterN], tupleSize,
 * [inputs()/addInputs()], output, extras), each from the remaining positional arguments first
 * (decorator style) and otherwise from the named ones (options-object style). Both front ends go
 * through here so they accept and reject exactly the same things.
 */
import { isFileFilter } from "../patterns/indicators.ts";
import type { FileFilter } from "../patterns/types.ts";
import { TaskDeclarationError } from "./errors.ts";
import { AddInputsIndicator, InputsIndicator } from "./indicators.ts";
import { describeValue } from "./describe.ts";
import { editDistance } from "./edit-distance.ts";

/** Every kind of task. `follows` is a task with no parameters (declared only with `follows`). */
export type TaskKind =
  | "originate"
  | "split"
  | "transform"
  | "subdivide"
  | "merge"
  | "collate"
  | "product"
  | "permutations"
  | "combinations"
  | "combinationsWithReplacement"
  | "files"
  | "parallel"
  | "mkdir"
  | "follows";

/** How `inputs()`/`addInputs()` change each job's input. */
export interface ModifyInputs {
  readonly mode: "add" | "replace";
  /** For "add": the values appended; for "replace": the one value. */
  readonly value: unknown;
}

/** A task's arguments after parsing, still unresolved (tasks may be named before they exist). */
export interface TaskSpec {
  /** The input argument; for product: one entry per input set. */
  input: unknown;
  inputSets?: unknown[];
  filter?: FileFilter;
  filterSets?: FileFilter[];
  modifyInputs?: ModifyInputs;
  output?: unknown;
  extras: unknown[];
  outputDir?: string;
  tupleSize?: number;
  /** files()/parallel(): the explicit job parameter lists, or a function returning them. */
  jobList?: unknown[][] | (() => Iterable<unknown[]>);
  /** files(): jobs come from a single [input, output, ...extras] argument list. */
  singleJob?: boolean;
}

const NAMED_KEYS = new Set(["input", "filter", "output", "extras", "outputDir", "addInputs", "replaceInputs", "tupleSize"]);

class ArgumentReader {
  readonly positional: unknown[];
  readonly named: Map<string, unknown>;
  constructor(
    readonly taskName: string,
    positional: readonly unknown[],
    named: Readonly<Record<string, unknown>>,
  ) {
    this.positional = [...positional];
    this.named = new Map(Object.entries(named).filter(([, v]) => v !== undefined));
  }
  fail(argument: string | undefined, message: string): never {
    throw new TaskDeclarationError(this.taskName, argument, message);
  }
  /** Next positional argument, else the named one, else undefined. */
  take(name: string): { found: boolean; value: unknown } {
    if (this.positional.length) return { found: true, value: this.positional.shift() };
    if (this.named.has(name)) {
      const value = this.named.get(name);
      this.named.delete(name);
      return { found: true, value };
    }
    return { found: false, value: undefined };
  }
  takeNamed(name: string): unknown {
    const value = this.named.get(name);
    this.named.delete(name);
    return value;
  }
}

function filterName(f: FileFilter): string {
  return `${f.kind}()`;
}

/** Parses the arguments of one task kind. `positional` is empty for the options-object style. */
export function parseTaskArguments(
  kind: TaskKind,
  taskName: string,
  positional: readonly unknown[],
  named: Readonly<Record<string, unknown>>,
): TaskSpec {
  const r: ArgumentReader = new ArgumentReader(taskName, positional, named);
  const spec: TaskSpec = { input: [], extras: [] };
  const wants = expectedArguments(kind);

  if (wants.input) {
    const got = r.take("input");
    spec.input = got.found ? got.value : [];
  }
  if (wants.filter) {
    const got = r.take("filter");
    if (!got.found || got.value === undefined) {
      r.fail("filter", `Missing 'filter' argument. Give a file-name pattern: filter: suffix(".ext"), regex(...) or formatter(...).`);
    }
    if (!isFileFilter(got.value)) {
      r.fail(
        "filter",
        `The 'filter' argument should be formatter() or regex() or suffix(), not ${describeValue(got.value)}.`,
      );
    }
    const allowed = wants.filter;
    if (!allowed.includes(got.value.kind)) {
      r.fail("filter", `${kind}() takes ${allowed.map((a) => `${a}()`).join(" or ")} as its filter, not ${filterName(got.value)}.`);
    }
    spec.filter = got.value;
    if (got.value.kind === "suffix" && r.named.has("outputDir")) {
      const dir = r.takeNamed("outputDir");
      if (typeof dir !== "string") r.fail("outputDir", `outputDir must be a directory name (a string), not ${describeValue(dir)}.`);
      spec.outputDir = dir;
    }
  }
  if (kind === "product") parseProductSets(r, spec);
  if (wants.tupleSize) {
    const got = r.take("tupleSize");
    if (!got.found) r.fail("tupleSize", `Missing 'tupleSize' argument: how many inputs make one ${kind} tuple, e.g. tupleSize: 2.`);
    if (typeof got.value !== "number" || !Number.isInteger(got.value) || got.value < 0) {
      r.fail("tupleSize", `The 'tupleSize' argument should be a whole number, not ${describeValue(got.value)}.`);
    }
    spec.tupleSize = got.value;
  }
  if (wants.modifyInputs) parseModifyInputs(r, spec);
  if (wants.output) {
    const got = r.take("output");
    if (!got.found) {
      r.fail("output", `Missing 'output' argument: say which file(s) each job writes, e.g. output: ".out".`);
    }
    spec.output = got.value;
  }
  if (wants.extras) {
    if (r.positional.length) {
      spec.extras = r.positional.splice(0);
    } else if (r.named.has("extras")) {
      const extras = r.takeNamed("extras");
      if (!Array.isArray(extras)) {
        r.fail("extras", `'extras' should be an array of values passed to the task function after input and output, not ${describeValue(extras)}.`);
      }
      spec.extras = [...extras];
    }
  }
  if (r.positional.length) {
    r.fail(undefined, `Too many unnamed arguments left over: ${r.positional.map(describeValue).join(", ")}.`);
  }
  if (r.named.size) {
    const names = [...r.named.keys()];
    const only = names.includes("outputDir") ? " (outputDir can only be used with suffix())" : "";
    let hint = "";
    const valid = optionNames(kind).filter((n) => !names.includes(n));
    for (const n of names) {
      const near = valid.map((v) => ({ v, d: editDistance(n.toLowerCase(), v.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
      if (near && near.d <= 2 && !valid.includes(n)) hint += ` Did you mean '${near.v}' instead of '${n}'?`;
    }
    r.fail(names[0], `Duplicate, conflicting or unrecognised arguments: ${names.join(", ")}${only}.${hint}`);
  }
  return spec;
}

interface Expected {
  input?: boolean;
  filter?: FileFilter["kind"][];
  tupleSize?: boolean;
  modifyInputs?: boolean;
  output?: boolean;
  extras?: boolean;
}

function expectedArguments(kind: TaskKind): Expected {
  const all: FileFilter["kind"][] = ["formatter", "regex", "suffix"];
  switch (kind) {
    case "originate":
      return { output: true, extras: true };
    case "split":
    case "merge":
      return { input: true, output: true, extras: true };
    case "transform":
    case "subdivide":
      return { input: true, filter: all, modifyInputs: true, output: true, extras: true };
    case "mkdir":
      // No extras: Ruffus accepts them here and then fails every run ("Wrong number of arguments in mkdir check").
      return { input: true, filter: all, modifyInputs: true, output: true };
    case "collate":
      return { input: true, filter: ["formatter", "regex"], modifyInputs: true, output: true, extras: true };
    case "product":
      return { input: true, filter: ["formatter"], modifyInputs: true, output: true, extras: true };
    case "permutations":
    case "combinations":
    case "combinationsWithReplacement":
      return { input: true, filter: ["formatter"], tupleSize: true, modifyInputs: true, output: true, extras: true };
    default:
      return {};
  }
}

/** product(): further (input, formatter()) pairs positionally, or input2/filter2, input3/filter3... named. */
function parseProductSets(r: ArgumentReader, spec: TaskSpec): void {
  const inputs: unknown[] = [spec.input];
  const filters: FileFilter[] = [spec.filter as FileFilter];
  while (r.positional.length >= 2 && isFileFilter(r.positional[1]) && r.positional[1].kind === "formatter") {
    inputs.push(r.positional.shift());
    filters.push(r.positional.shift() as FileFilter);
  }
  // Named sets must be numbered on from the positional ones without a gap (input2, input3, ...);
  // otherwise the leftover input3 would be reported as unrecognised, with a hint to rename it "input".
  const numbered = [...r.named.keys()].map((k) => /^(?:input|filter)(\d+)$/.exec(k)).filter((m) => m !== null);
  const highest = Math.max(0, ...numbered.map((m) => Number(m[1])));
  for (let n = inputs.length + 1; n <= highest; n++) {
    if (!r.named.has(`filter${n}`) && !r.named.has(`input${n}`)) {
      const given = numbered.map((m) => m[0]).join(", ");
      r.fail(
        `input${n}`,
        `product() numbers its further input sets input${inputs.length + 1}/filter${inputs.length + 1}, input${inputs.length + 2}/filter${inputs.length + 2}, ... ` +
          `with none missing: got ${given}, but no input${n}/filter${n}.`,
      );
    }
  }
  for (let n = inputs.length + 1; r.named.has(`filter${n}`) || r.named.has(`input${n}`); n++) {
    const f = r.takeNamed(`filter${n}`);
    if (!isFileFilter(f) || f.kind !== "formatter") {
      r.fail(`filter${n}`, `product() needs a formatter() for every input set: filter${n} should be formatter(...), not ${describeValue(f)}.`);
    }
    filters.push(f);
    inputs.push(r.named.has(`input${n}`) ? r.takeNamed(`input${n}`) : []);
  }
  spec.inputSets = inputs;
  spec.filterSets = filters;
}

function checkInputsArity(r: ArgumentReader, v: InputsIndicator): void {
  if (v.args.length !== 1) {
    r.fail(
      "replaceInputs",
      `inputs() expects a single argument: inputs(${v.args.map(describeValue).join(", ")}). Wrap several values in an array: inputs([a, b]).`,
    );
  }
}

function parseModifyInputs(r: ArgumentReader, spec: TaskSpec): void {
  const first = r.positional[0];
  if (first instanceof InputsIndicator) checkInputsArity(r, first);
  if (first instanceof InputsIndicator) {
    r.positional.shift();
    spec.modifyInputs = { mode: "replace", value: first.value };
    return;
  }
  if (first instanceof AddInputsIndicator) {
    r.positional.shift();
    spec.modifyInputs = { mode: "add", value: first.values };
    return;
  }
  if (r.named.has("replaceInputs")) {
    const v = r.takeNamed("replaceInputs");
    if (r.named.has("addInputs")) r.fail("addInputs", "Use either addInputs or replaceInputs, not both.");
    if (v instanceof AddInputsIndicator) r.fail("replaceInputs", "replaceInputs takes inputs(...) or a value, not addInputs(...).");
    if (v instanceof InputsIndicator) checkInputsArity(r, v);
    spec.modifyInputs = { mode: "replace", value: v instanceof InputsIndicator ? v.value : v };
  } else if (r.named.has("addInputs")) {
    const v = r.takeNamed("addInputs");
    if (v instanceof InputsIndicator) r.fail("addInputs", "addInputs takes addInputs(...) or an array of values, not inputs(...); use replaceInputs for inputs(...).");
    spec.modifyInputs = { mode: "add", value: v instanceof AddInputsIndicator ? v.values : Array.isArray(v) ? v : [v] };
  }
}

/** The option names a task kind takes (for suggestions). */
function optionNames(kind: TaskKind): string[] {
  const w = expectedArguments(kind);
  const names = ["task", "name", "description"];
  if (w.input) names.push("input");
  if (w.filter) names.push("filter");
  if (w.filter?.includes("suffix")) names.push("outputDir");
  if (w.tupleSize) names.push("tupleSize");
  if (w.modifyInputs) names.push("addInputs", "replaceInputs");
  if (w.output) names.push("output");
  if (w.extras) names.push("extras");
  if (kind === "product") names.push("input2", "filter2", "input3", "filter3");
  return names;
}

/** True for names the options-object style accepts besides `task`, `name` and `description`. */
export function isSpecKey(key: string): boolean {
  return NAMED_KEYS.has(key) || /^(input|filter)\d+$/.test(key);
}
