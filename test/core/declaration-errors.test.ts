/**
 * Declaration errors (reference §1.3, §1.4, §1.6, §4.4): every argument rule is checked when the
 * task is declared — not when the pipeline runs — and the error is one of the exported classes,
 * names the task (and the argument) and says how to fix it. Messages are ours (Ruffus's echo the
 * decorator call with a `===>` marker, which has no equivalent in TypeScript), so they are
 * checked exactly as written in src/core/arguments.ts, task.ts, pipeline.ts and indicators.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import {
  Pipeline,
  RuffusError,
  TaskDeclarationError,
  addInputs,
  checkIfUptodate,
  collate,
  combinations,
  follows,
  formatter,
  inputs,
  jobsLimit,
  merge,
  originate,
  permutations,
  posttask,
  product,
  regex,
  suffix,
  touchFile,
  transform,
} from "ruffus";
import { inTempDir } from "../helpers.ts";

type ErrorClass = new (...args: never[]) => Error;

/** Asserts `fn` throws synchronously an instance of `cls` with exactly `message` (and the given fields). */
function throwsExactly(
  fn: () => unknown,
  cls: ErrorClass,
  message: string,
  fields: { taskName?: string; argument?: string | undefined } = {},
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.ok(e instanceof RuffusError, "every deliberate error is a RuffusError");
    assert.equal((e as Error).message, message);
    if ("taskName" in fields) assert.equal((e as TaskDeclarationError).taskName, fields.taskName);
    if ("argument" in fields) assert.equal((e as TaskDeclarationError).argument, fields.argument);
    return true;
  });
}

/** A task function with the given name (so that the task gets that name). */
function fn(name: string): (...args: never[]) => void {
  return { [name]: function (..._args: unknown[]) {} }[name] as (...args: never[]) => void;
}

// ---------------------------------------------------------------------------------------------
// Missing output
// ---------------------------------------------------------------------------------------------

test("missing output: thrown at declaration, names the task and the argument, says how to fix", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const msg = `Task 'p::to_middle', argument 'output': Missing 'output' argument: say which file(s) each job writes, e.g. output: ".out".`;
    throwsExactly(
      // deliberately wrong: the type requires `output`
      () => p.transform({ task: fn("to_middle"), input: "a.start", filter: suffix(".start") } as never),
      TaskDeclarationError,
      msg,
      { taskName: "p::to_middle", argument: "output" },
    );
    throwsExactly(
      () => p.originate({ task: fn("make_start") } as never),
      TaskDeclarationError,
      msg.replaceAll("to_middle", "make_start"),
      { taskName: "p::make_start", argument: "output" },
    );
    throwsExactly(
      () => p.merge({ task: fn("summarise"), input: "*.middle" } as never),
      TaskDeclarationError,
      msg.replaceAll("to_middle", "summarise"),
    );
    throwsExactly(() => p.split({ task: fn("chunk"), input: "big.fa" } as never), TaskDeclarationError, msg.replaceAll("to_middle", "chunk"));
  });
});

test("missing output in decorator style names the task without a pipeline prefix (main)", async () => {
  await inTempDir(() => {
    throwsExactly(
      () => transform("a.txt", suffix(".txt"))(function to_out(_i: string, _o: string) {}),
      TaskDeclarationError,
      `Task 'to_out', argument 'output': Missing 'output' argument: say which file(s) each job writes, e.g. output: ".out".`,
      { taskName: "to_out", argument: "output" },
    );
    throwsExactly(
      () => originate()(function make_nothing(_o: string) {}),
      TaskDeclarationError,
      `Task 'make_nothing', argument 'output': Missing 'output' argument: say which file(s) each job writes, e.g. output: ".out".`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// filter
// ---------------------------------------------------------------------------------------------

test("filter of the wrong type, and a missing filter", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.transform({ task: fn("fw"), input: "a.txt", filter: ".txt", output: ".out" } as never),
      TaskDeclarationError,
      `Task 'p::fw', argument 'filter': The 'filter' argument should be formatter() or regex() or suffix(), not ".txt".`,
      { taskName: "p::fw", argument: "filter" },
    );
    throwsExactly(
      () => p.transform({ task: fn("fw2"), input: "a.txt", filter: /\.txt$/, output: ".out" } as never),
      TaskDeclarationError,
      `Task 'p::fw2', argument 'filter': The 'filter' argument should be formatter() or regex() or suffix(), not <RegExp>.`,
    );
    throwsExactly(
      () => p.subdivide({ task: fn("fm"), input: "a.txt", output: ".out" } as never),
      TaskDeclarationError,
      `Task 'p::fm', argument 'filter': Missing 'filter' argument. Give a file-name pattern: filter: suffix(".ext"), regex(...) or formatter(...).`,
      { argument: "filter" },
    );
    // Decorator style: the second positional argument is the filter.
    throwsExactly(
      () => transform("a.txt", ".txt", ".out")(function dfw(_i: string, _o: string) {}),
      TaskDeclarationError,
      `Task 'dfw', argument 'filter': The 'filter' argument should be formatter() or regex() or suffix(), not ".txt".`,
    );
  });
});

test("collate takes regex() or formatter(), not suffix()", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const msg = `Task 'p::group', argument 'filter': collate() takes formatter() or regex() as its filter, not suffix().`;
    throwsExactly(() => p.collate({ task: fn("group"), input: "*.a", filter: suffix(".a") as never, output: ".b" }), TaskDeclarationError, msg, {
      taskName: "p::group",
      argument: "filter",
    });
    throwsExactly(
      () => collate("*.a", suffix(".a"), ".b")(function group(_i: string, _o: string) {}),
      TaskDeclarationError,
      `Task 'group', argument 'filter': collate() takes formatter() or regex() as its filter, not suffix().`,
    );
  });
});

test("product and the combinatorics need formatter()", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.product({ task: fn("pair"), input: "*.a", filter: suffix(".a"), output: "x" } as never),
      TaskDeclarationError,
      `Task 'p::pair', argument 'filter': product() takes formatter() as its filter, not suffix().`,
      { argument: "filter" },
    );
    throwsExactly(
      () => p.permutations({ task: fn("perm"), input: "*.a", filter: regex("a"), tupleSize: 2, output: "x" } as never),
      TaskDeclarationError,
      `Task 'p::perm', argument 'filter': permutations() takes formatter() as its filter, not regex().`,
    );
    throwsExactly(
      () => p.combinations({ task: fn("comb"), input: "*.a", filter: suffix(".a"), tupleSize: 2, output: "x" } as never),
      TaskDeclarationError,
      `Task 'p::comb', argument 'filter': combinations() takes formatter() as its filter, not suffix().`,
    );
    throwsExactly(
      () => p.combinationsWithReplacement({ task: fn("cwr"), input: "*.a", filter: regex("a"), tupleSize: 2, output: "x" } as never),
      TaskDeclarationError,
      `Task 'p::cwr', argument 'filter': combinationsWithReplacement() takes formatter() as its filter, not regex().`,
    );
    throwsExactly(
      () => permutations("*.a", suffix(".a"), 2, "x")(function dperm(_i: string, _o: string) {}),
      TaskDeclarationError,
      `Task 'dperm', argument 'filter': permutations() takes formatter() as its filter, not suffix().`,
    );
  });
});

test("product: a second input set with a non-formatter filter names filter2", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    assert.throws(
      () => p.product({ task: fn("pair2"), input: "*.a", filter: formatter(), input2: "*.b", filter2: suffix(".b"), output: "x" }),
      (e: unknown) => {
        assert.ok(e instanceof TaskDeclarationError);
        assert.equal(e.taskName, "p::pair2");
        assert.equal(e.argument, "filter2");
        assert.ok(
          e.message.startsWith(`Task 'p::pair2', argument 'filter2': product() needs a formatter() for every input set: filter2 should be formatter(...), not `),
          e.message,
        );
        // The bad value should read as the user wrote it (`suffix(...)`), as the filter message above
        // does, not as the internal object `{'kind': 'suffix', 'pattern': '.b'}`.
        assert.match(e.message, /not suffix\(/);
        assert.doesNotMatch(e.message, /'kind'/);
        return true;
      },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// outputDir
// ---------------------------------------------------------------------------------------------

test("outputDir is only allowed with suffix()", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    for (const [name, filter] of [
      ["od_regex", regex(String.raw`(.+)\.a$`)],
      ["od_formatter", formatter()],
    ] as const) {
      throwsExactly(
        () => p.transform({ task: fn(name), input: "x.a", filter, output: "y", outputDir: "out" }),
        TaskDeclarationError,
        `Task 'p::${name}', argument 'outputDir': Duplicate, conflicting or unrecognised arguments: outputDir (outputDir can only be used with suffix()).`,
        { taskName: `p::${name}`, argument: "outputDir" },
      );
    }
    throwsExactly(
      () => p.transform({ task: fn("od_number"), input: "x.a", filter: suffix(".a"), output: ".b", outputDir: 3 } as never),
      TaskDeclarationError,
      `Task 'p::od_number', argument 'outputDir': outputDir must be a directory name (a string), not 3.`,
    );
    // With suffix() it is accepted.
    p.transform({ task: fn("od_ok"), input: "x.a", filter: suffix(".a"), output: ".b", outputDir: "out" });
  });
});

// ---------------------------------------------------------------------------------------------
// inputs() / addInputs()
// ---------------------------------------------------------------------------------------------

test("inputs() with several arguments is rejected while declaring, with the fix", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const check = (e: unknown): true => {
      assert.ok(e instanceof RuffusError, String(e));
      assert.match((e as Error).message, /inputs\(\) expects a single argument: inputs\("x", "y"\)\./);
      assert.match((e as Error).message, /Wrap several values in an array: inputs\(\[a, b\]\)/);
      return true;
    };
    assert.throws(
      () => p.transform({ task: fn("ti"), input: "a.c", filter: suffix(".c"), replaceInputs: inputs("x", "y"), output: ".o" }),
      check,
    );
    assert.throws(() => transform("a.c", suffix(".c"), inputs("x", "y"), ".o")(function dti(_i: string, _o: string) {}), check);
    assert.throws(
      () => p.transform({ task: fn("ti0"), input: "a.c", filter: suffix(".c"), replaceInputs: inputs(), output: ".o" }),
      (e: unknown) => e instanceof RuffusError && /inputs\(\) expects a single argument: inputs\(\)\./.test((e as Error).message),
    );
  });
});

test("inputs() with several arguments: the error names the task it was written in (as Ruffus's does)", async () => {
  // Ruffus checks inputs() inside parse_task_arguments, so its error shows the task. Ours is thrown
  // by inputs() itself, before the task exists, and names no task.
  await inTempDir(() => {
    const p = new Pipeline("p");
    assert.throws(
      () => p.transform({ task: fn("ti"), input: "a.c", filter: suffix(".c"), replaceInputs: inputs("x", "y"), output: ".o" }),
      (e: unknown) => {
        assert.ok(e instanceof TaskDeclarationError, `${(e as Error).name}: ${(e as Error).message}`);
        assert.equal(e.taskName, "p::ti");
        assert.match(e.message, /^Task 'p::ti', argument '(replaceInputs|inputs)': /);
        assert.match(e.message, /inputs\(\) expects a single argument/);
        return true;
      },
    );
  });
});

test("replaceInputs/addInputs: conflicting or mismatched indicators", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.transform({ task: fn("both"), input: "a.c", filter: suffix(".c"), replaceInputs: "x", addInputs: ["y"], output: ".o" }),
      TaskDeclarationError,
      `Task 'p::both', argument 'addInputs': Use either addInputs or replaceInputs, not both.`,
    );
    throwsExactly(
      () => p.transform({ task: fn("swapped"), input: "a.c", filter: suffix(".c"), replaceInputs: addInputs("x"), output: ".o" }),
      TaskDeclarationError,
      `Task 'p::swapped', argument 'replaceInputs': replaceInputs takes inputs(...) or a value, not addInputs(...).`,
    );
    throwsExactly(
      () => p.transform({ task: fn("swapped2"), input: "a.c", filter: suffix(".c"), addInputs: inputs("x"), output: ".o" }),
      TaskDeclarationError,
      `Task 'p::swapped2', argument 'addInputs': addInputs takes addInputs(...) or an array of values, not inputs(...); use replaceInputs for inputs(...).`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Unknown keys, extras, tupleSize
// ---------------------------------------------------------------------------------------------

test("unknown option keys are rejected, naming the key", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.transform({ task: fn("colourful"), input: "a", filter: suffix(".a"), output: ".b", colour: "red" } as never),
      TaskDeclarationError,
      `Task 'p::colourful', argument 'colour': Duplicate, conflicting or unrecognised arguments: colour.`,
      { taskName: "p::colourful", argument: "colour" },
    );
    // originate has no input.
    throwsExactly(
      () => p.originate({ task: fn("orig"), input: "x", output: "y" } as never),
      TaskDeclarationError,
      `Task 'p::orig', argument 'input': Duplicate, conflicting or unrecognised arguments: input.`,
    );
    // merge has no filter.
    throwsExactly(
      () => p.merge({ task: fn("mrg"), input: "x", filter: suffix(".x"), output: "y" } as never),
      TaskDeclarationError,
      `Task 'p::mrg', argument 'filter': Duplicate, conflicting or unrecognised arguments: filter.`,
    );
  });
});

test("a misspelt option key suggests the right one", async () => {
  // `extra` for `extras` is the likeliest typo; "unrecognised arguments: extra." gives no fix.
  await inTempDir(() => {
    const p = new Pipeline("p");
    assert.throws(
      () => p.transform({ task: fn("typo"), input: "a", filter: suffix(".a"), output: ".b", extra: [1] } as never),
      (e: unknown) => {
        assert.ok(e instanceof TaskDeclarationError);
        assert.equal(e.argument, "extra");
        assert.match(e.message, /^Task 'p::typo', argument 'extra': /);
        assert.match(e.message, /'extras'|extras:/, `no suggestion in: ${e.message}`);
        return true;
      },
    );
  });
});

test("extras must be an array", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.transform({ task: fn("ex"), input: "a", filter: suffix(".a"), output: ".b", extras: "x" } as never),
      TaskDeclarationError,
      `Task 'p::ex', argument 'extras': 'extras' should be an array of values passed to the task function after input and output, not "x".`,
      { taskName: "p::ex", argument: "extras" },
    );
    throwsExactly(
      () => p.originate({ task: fn("ex2"), output: "a", extras: { k: 1 } } as never),
      TaskDeclarationError,
      `Task 'p::ex2', argument 'extras': 'extras' should be an array of values passed to the task function after input and output, not {'k': 1}.`,
    );
  });
});

test("tupleSize missing or not a whole number", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.combinations({ task: fn("c1"), input: "*.a", filter: formatter(), output: "x" } as never),
      TaskDeclarationError,
      `Task 'p::c1', argument 'tupleSize': Missing 'tupleSize' argument: how many inputs make one combinations tuple, e.g. tupleSize: 2.`,
      { taskName: "p::c1", argument: "tupleSize" },
    );
    throwsExactly(
      () => p.permutations({ task: fn("c2"), input: "*.a", filter: formatter(), tupleSize: 1.5, output: "x" }),
      TaskDeclarationError,
      `Task 'p::c2', argument 'tupleSize': The 'tupleSize' argument should be a whole number, not 1.5.`,
    );
    throwsExactly(
      () => p.combinationsWithReplacement({ task: fn("c3"), input: "*.a", filter: formatter(), tupleSize: "2", output: "x" } as never),
      TaskDeclarationError,
      `Task 'p::c3', argument 'tupleSize': The 'tupleSize' argument should be a whole number, not "2".`,
    );
    throwsExactly(
      () => p.combinations({ task: fn("c4"), input: "*.a", filter: formatter(), tupleSize: -1, output: "x" }),
      TaskDeclarationError,
      `Task 'p::c4', argument 'tupleSize': The 'tupleSize' argument should be a whole number, not -1.`,
    );
    // Decorator style: the third positional argument is the tuple size.
    throwsExactly(
      () => combinations("*.a", formatter(), "{basename[0][0]}.x")(function dcomb(_i: string, _o: string) {}),
      TaskDeclarationError,
      `Task 'dcomb', argument 'tupleSize': The 'tupleSize' argument should be a whole number, not "{basename[0][0]}.x".`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Task modifiers
// ---------------------------------------------------------------------------------------------

test("jobsLimit: 0, negative and fractional limits", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const t = p.originate({ task: fn("limited"), output: ["a"] });
    for (const [n, shown] of [
      [0, "0"],
      [-1, "-1"],
      [1.5, "1.5"],
      [Number.NaN, "NaN"],
    ] as const) {
      throwsExactly(
        () => t.jobsLimit(n),
        TaskDeclarationError,
        `Task 'p::limited', argument 'jobsLimit': Expecting a positive whole number (at least 1), not ${shown}.`,
        { taskName: "p::limited", argument: "jobsLimit" },
      );
    }
    assert.equal(t.jobsLimit(1), t, "1 is accepted (Ruffus's message says > 1 but accepts 1)");
    throwsExactly(
      () => jobsLimit(0)(function dlimited() {}),
      TaskDeclarationError,
      `Task 'dlimited', argument 'jobsLimit': Expecting a positive whole number (at least 1), not 0.`,
    );
  });
});

test("jobsLimit: one name cannot get two different limits", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const a = p.originate({ task: fn("download_a"), output: ["a"] }).jobsLimit(2, "network");
    const b = p.originate({ task: fn("download_b"), output: ["b"] });
    assert.equal(b.jobsLimit(2, "network"), b, "the same limit again is fine");
    const c = p.originate({ task: fn("download_c"), output: ["c"] });
    throwsExactly(
      () => c.jobsLimit(3, "network"),
      TaskDeclarationError,
      `Task 'p::download_c', argument 'jobsLimit': The job limit 'network' cannot be re-defined from the former limit of 2 to 3.`,
      { taskName: "p::download_c", argument: "jobsLimit" },
    );
    // Names are global, across pipelines.
    const q = new Pipeline("q");
    throwsExactly(
      () => q.originate({ task: fn("download_q"), output: ["q"] }).jobsLimit(5, "network"),
      TaskDeclarationError,
      `Task 'q::download_q', argument 'jobsLimit': The job limit 'network' cannot be re-defined from the former limit of 2 to 5.`,
    );
    assert.ok(a);
  });
});

test("posttask with something that is not a function or touchFile()", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const t = p.originate({ task: fn("post"), output: ["a"] });
    throwsExactly(
      () => t.posttask("echo done" as never),
      TaskDeclarationError,
      `Task 'p::post', argument 'posttask': Expecting simple functions or touchFile() in posttask().`,
      { taskName: "p::post", argument: "posttask" },
    );
    assert.equal(t.posttask(() => {}, touchFile("done.flag")), t);
    throwsExactly(
      () => posttask(3 as never)(function dpost() {}),
      TaskDeclarationError,
      `Task 'dpost', argument 'posttask': Expecting simple functions or touchFile() in posttask().`,
    );
  });
});

test("checkIfUptodate with something that is not a function", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const t = p.parallel({ task: fn("load"), params: ["db"] });
    throwsExactly(
      () => t.checkIfUptodate("yes" as never),
      TaskDeclarationError,
      `Task 'p::load', argument 'checkIfUptodate': Expected a single function in checkIfUptodate().`,
      { taskName: "p::load", argument: "checkIfUptodate" },
    );
    throwsExactly(
      () => p.checkIfUptodate("load", undefined as never),
      TaskDeclarationError,
      `Task 'p::load', argument 'checkIfUptodate': Expected a single function in checkIfUptodate().`,
    );
    throwsExactly(
      () => checkIfUptodate(true as never)(function dload() {}),
      TaskDeclarationError,
      `Task 'dload', argument 'checkIfUptodate': Expected a single function in checkIfUptodate().`,
    );
  });
});

test("activeIf with something that is neither a boolean nor a function", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    throwsExactly(
      () => p.originate({ task: fn("maybe"), output: ["a"] }).activeIf("yes" as never),
      TaskDeclarationError,
      `Task 'p::maybe', argument 'activeIf': Expecting booleans or functions returning one in activeIf().`,
    );
  });
});

test("a task cannot follow itself (Task, function, decorator style)", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const t = p.originate({ task: fn("selfish"), output: ["a"] });
    const msg = `Task 'p::selfish', argument 'follows': Cannot have a task as its own (circular) dependency.`;
    throwsExactly(() => t.follows(t), TaskDeclarationError, msg, { taskName: "p::selfish", argument: "follows" });
    throwsExactly(() => t.follows(t.func), TaskDeclarationError, msg);
    const self = function dselfish() {};
    throwsExactly(
      () => follows(self)(self),
      TaskDeclarationError,
      `Task 'dselfish', argument 'follows': Cannot have a task as its own (circular) dependency.`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

test("duplicate task names in one pipeline", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    p.originate({ task: fn("make"), output: ["a"] });
    throwsExactly(
      () => p.originate({ task: fn("make"), output: ["b"] }),
      RuffusError,
      `Same task name 'make' specified multiple times in the same pipeline (p). Use the name option to tell them apart.`,
    );
    throwsExactly(
      () => p.originate({ name: "make", task: fn("other"), output: ["b"] }),
      RuffusError,
      `Same task name 'make' specified multiple times in the same pipeline (p). Use the name option to tell them apart.`,
    );
    // The same name in another pipeline, or the same function under another name, is fine.
    new Pipeline("q").originate({ task: fn("make"), output: ["c"] });
    const shared = fn("shared");
    p.originate({ name: "one", task: shared, output: ["d"] });
    p.originate({ name: "two", task: shared, output: ["e"] });
    assert.deepEqual(p.getTaskNames(), ["make", "one", "two"]);
  });
});

test("a duplicate pipeline name", async () => {
  await inTempDir(() => {
    new Pipeline("analysis");
    throwsExactly(
      () => new Pipeline("analysis"),
      RuffusError,
      `Duplicate pipeline. A pipeline named 'analysis' already exists. Pick another name, or call Pipeline.clearAll() first.`,
    );
    Pipeline.clearAll();
    new Pipeline("analysis");
  });
});

test("two action decorators on one function: Duplicate task", async () => {
  await inTempDir(() => {
    throwsExactly(
      () => transform("a.txt", suffix(".txt"), ".b")(merge("x", "y")(function twice(_i: string, _o: string) {})),
      TaskDeclarationError,
      `Task 'twice': Duplicate task for: this function is already a merge() task and cannot also be a transform() task. ` +
        `Give the second task its own function, or use the name option to declare two tasks with one function.`,
      { taskName: "twice", argument: undefined },
    );
    // Modifiers stack freely with one action, in any order.
    const f = posttask(() => {})(jobsLimit(2)(originate(["a"])(follows("x")(function stacked(_o: string) {}))));
    assert.equal(typeof f, "function");
  });
});

test("a task function without a name is named after its kind, numbered like Ruffus's mkdir tasks", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    // Bun names such a function "anonymous", Node and Deno "": both count as no name.
    const anonymous = [(_i: string, _o: string) => {}][0];
    assert.ok(anonymous.name === "" || anonymous.name === "anonymous", anonymous.name);
    assert.equal(p.transform({ task: anonymous, input: "a", filter: suffix(".a"), output: ".b" }).name, "transform");
    assert.equal(p.transform({ task: anonymous, input: "a", filter: suffix(".a"), output: ".c" }).name, "transform # 2");
    assert.equal(p.transform({ name: "named", task: anonymous, input: "a", filter: suffix(".a"), output: ".b" }).name, "named");
    throwsExactly(
      () => p.transform({ task: "echo hi", input: "a", filter: suffix(".a"), output: ".b" } as never),
      RuffusError,
      `Pipeline 'p': transform() needs the task function as the 'task' option, got string.`,
    );
  });
});

test("README's first example (inline arrow functions as `task:`) declares and runs", async () => {
  // JavaScript names an arrow function written as `task: (...) => ...` after the property: "task".
  // The README's example declares two such tasks in one pipeline; they must not collide.
  await inTempDir(async () => {
    const p = new Pipeline("demo");
    const start = p.originate({ task: async (out: string) => writeFile(out, "hello\n"), output: ["a.start", "b.start"] });
    const upper = p.transform({
      task: async (input: string, output: string) => writeFile(output, (await readFile(input, "utf8")).toUpperCase()),
      input: start,
      filter: suffix(".start"),
      output: ".upper",
    });
    p.merge({
      task: async function summarise(inputs: string[], output: string) {
        await writeFile(output, (await Promise.all(inputs.map((i) => readFile(i, "utf8")))).join(""));
      },
      input: upper,
      output: "all.summary",
    });
    await p.run({ verbose: 0 });
    assert.equal(await readFile("all.summary", "utf8"), "HELLO\nHELLO\n");
  });
});

test("a rejected declaration leaves no half-made task behind", async () => {
  // After a declaration error is caught, the pipeline must not keep a task without arguments: it
  // would block the corrected declaration ("Same task name") and break the next run.
  await inTempDir(async () => {
    const p = new Pipeline("p");
    const start = p.originate({ task: async function make(o: string) { await writeFile(o, "x"); }, output: ["a.start"] });
    async function to_middle(i: string, o: string) {
      await writeFile(o, await readFile(i, "utf8"));
    }
    assert.throws(() => p.transform({ task: to_middle, input: start, filter: suffix(".start") } as never), TaskDeclarationError);
    p.transform({ task: to_middle, input: start, filter: suffix(".start"), output: ".middle" });
    assert.deepEqual(p.getTaskNames(), ["make", "to_middle"]);
    await p.run({ verbose: 0 });
    assert.equal(await readFile("a.middle", "utf8"), "x");
  });
});

// ---------------------------------------------------------------------------------------------
// setInput / setOutput
// ---------------------------------------------------------------------------------------------

test("setOutput on a task that is not an originate", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const start = p.originate({ task: fn("make"), output: ["a.start"] });
    const t = p.transform({ task: fn("conv"), input: start, filter: suffix(".start"), output: ".x" });
    throwsExactly(() => t.setOutput({ output: "b" }), TaskDeclarationError, `Task 'p::conv', argument 'output': Can only set output for originate tasks.`, {
      taskName: "p::conv",
      argument: "output",
    });
    assert.equal(start.setOutput({ output: ["b.start"] }), start);
  });
});

test("setInput with a wrong key, or without input", async () => {
  await inTempDir(() => {
    const p = new Pipeline("p");
    const t = p.transform({ task: fn("conv"), input: "a.start", filter: suffix(".start"), output: ".x" });
    throwsExactly(
      () => t.setInput({ inputs: "b.start" } as never),
      TaskDeclarationError,
      `Task 'p::conv', argument 'inputs': Unexpected argument name in setInput(inputs). Only expecting input: ... (and input2: ... for product).`,
      { taskName: "p::conv", argument: "inputs" },
    );
    throwsExactly(
      () => t.setInput({} as never),
      TaskDeclarationError,
      `Task 'p::conv', argument 'input': Missing the input argument in setInput({ input: ... }).`,
    );
    assert.equal(t.setInput({ input: "b.start" }), t);
  });
});

test("Pipeline.setInput / setOutput without head tasks", async () => {
  await inTempDir(() => {
    const sub = new Pipeline("sub");
    sub.transform({ task: fn("first"), input: [], filter: suffix(".a"), output: ".b" });
    throwsExactly(
      () => sub.setInput({ input: ["x.a"] }),
      RuffusError,
      `Pipeline 'sub' has no head tasks defined.\nWhich task in 'sub' do you want to setInput() for? Call setHeadTasks([...]) first.`,
    );
    throwsExactly(
      () => sub.setOutput({ output: ["x.a"] }),
      RuffusError,
      `Pipeline 'sub' has no head tasks defined.\nWhich task in 'sub' do you want to setOutput() for? Call setHeadTasks([...]) first.`,
    );
    sub.setHeadTasks(["first"]);
    assert.equal(sub.setInput({ input: ["x.a"] }), sub);
  });
});

test("product: input2 in decorator style is only taken when followed by formatter()", async () => {
  // Ruffus's rule (§1.4 item 3): positional (input, formatter()) pairs are consumed while the second
  // item is a formatter; a declaration that fits the rule is valid, this one is not an error.
  await inTempDir(() => {
    const f = product("*.a", formatter(), "*.b", formatter(), "{basename[0][0]}_{basename[1][0]}.pair")(function pairs(_i: string, _o: string) {});
    assert.equal(typeof f, "function");
  });
});
