/**
 * Ports ruffus/test/test_ruffus_utility_parse_task_arguments.py. The Python file calls Ruffus's
 * internal `parse_task_arguments` with tables of positional and named arguments for @transform,
 * @product, @combinations, @originate and @mkdir. Here the same tables go through the public API:
 * positional arguments through the decorator calls (`transform(...)(myfunc)`), named ones through
 * the Pipeline methods' options objects. A table row the parser accepts becomes a run whose task
 * function receives exactly the arguments Ruffus 2.8.4 gives it (the same declarations were run
 * through Ruffus's own decorators and Pipeline methods, /usr/bin/python3; tuples became arrays);
 * a row it rejects becomes a declaration that throws TaskDeclarationError naming the task and the
 * argument. Our messages are our own, so only their kind is checked (missing argument, wrong type,
 * unrecognised argument, inputs() arity).
 *
 * Rows that cannot be expressed in TypeScript are left out: those mixing positional and named
 * arguments in one declaration (Ruffus's "rescued with named parameter", "duplicate named
 * arguments", and add_inputs given one way with inputs() the other), since a decorator call takes
 * positional arguments only and a Pipeline method one options object. The combinatorics table uses
 * suffix() as its filter, which the parser alone accepts but the real @combinations cannot use
 * (Ruffus makes the output name verbatim); here it is formatter(), with 2-tuples of two inputs.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  Pipeline,
  RethrownJobError,
  TaskDeclarationError,
  addInputs,
  combinations,
  formatter,
  inputs,
  originate,
  pipelineRun,
  product,
  suffix,
  transform,
  type TaskFunction,
} from "ruffus";
import { inTempDir } from "../helpers.ts";

const X = [1, 2, 3, 4];
const INPUT_FILES = ["a.txt", "b.txt", "c.contig", "d.genome", "a.test", "b.test"];

/** Every string in a nested value. */
function stringsIn(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(stringsIn);
  return [];
}

/** A task function named "myfunc" recording its arguments and creating the files of `outputsAt`. */
function recorder(outputsAt: 0 | 1 = 1): { calls: unknown[][]; myfunc: TaskFunction } {
  const calls: unknown[][] = [];
  const myfunc = function myfunc(...args: unknown[]): void {
    calls.push(structuredClone(args));
    for (const f of stringsIn(args[outputsAt])) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, "");
    }
  };
  return { calls, myfunc };
}

/**
 * Declares tasks with `declare` (which returns the pipeline, or nothing for decorator style) in a
 * fresh directory holding the input files, runs it, and returns the task function's calls, sorted.
 */
async function callsOf(declare: (myfunc: TaskFunction) => Pipeline | void, outputsAt: 0 | 1 = 1): Promise<unknown[][]> {
  return inTempDir(async () => {
    for (const f of INPUT_FILES) writeFileSync(f, "");
    const { calls, myfunc } = recorder(outputsAt);
    const p = declare(myfunc);
    await (p ? p.run({ verbose: 0 }) : pipelineRun({ verbose: 0 }));
    return calls.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  });
}

type Kind = "missing" | "wrongType" | "unrecognised" | "conflicting" | "inputsArity";
const KIND_TEXT: Record<Kind, RegExp> = {
  missing: /Missing '\w+' argument/,
  wrongType: /should be/,
  unrecognised: /Duplicate, conflicting or unrecognised arguments/,
  conflicting: /either addInputs or replaceInputs, not both/,
  inputsArity: /inputs\(\) expects a single argument/,
};

/** The declaration throws TaskDeclarationError for `task`, naming `argument`, of the given kind. */
function rejects(declare: () => unknown, task: string, argument: string, kind: Kind): void {
  Pipeline.clearAll();
  try {
    assert.throws(declare, (e: unknown) => {
      assert.ok(e instanceof TaskDeclarationError, `expected TaskDeclarationError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      assert.equal(e.taskName, task);
      assert.equal(e.argument, argument, e.message);
      assert.match(e.message, KIND_TEXT[kind]);
      return true;
    });
  } finally {
    Pipeline.clearAll();
  }
}

/** A fresh pipeline "p" (the registry is cleared by callsOf/rejects). */
function P(): Pipeline {
  return new Pipeline("p");
}

/** A fresh pipeline "p" after `declare` has declared its task. */
function withP(declare: (p: Pipeline) => unknown): Pipeline {
  const p = P();
  declare(p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// transform: input, filter, [inputs()/addInputs()], output, extras
// ---------------------------------------------------------------------------------------------

describe("transform arguments (Test_parse_transform_args)", () => {
  const plain = [
    ["a.txt", "a.result", 1, 2, 3, 4],
    ["b.txt", "b.result", 1, 2, 3, 4],
  ];
  const added = [
    [["a.txt", "a.test", "b.test"], "a.result", 1, 2, 3, 4],
    [["b.txt", "a.test", "b.test"], "b.result", 1, 2, 3, 4],
  ];
  const replaced = [
    [["a.test", "b.test"], "a.result", 1, 2, 3, 4],
    [["a.test", "b.test"], "b.result", 1, 2, 3, 4],
  ];

  test("complete positional and all-named declarations give the same jobs (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => void transform("*.txt", suffix(".txt"), ".result", 1, 2, 3, 4)(f)), plain);
    assert.deepEqual(await callsOf((f) => withP((p) => p.transform({ task: f, input: "*.txt", filter: suffix(".txt"), output: ".result", extras: X }))), plain);
  });

  test("nothing, or only the input: missing filter", () => {
    rejects(() => transform()(recorder().myfunc), "myfunc", "filter", "missing");
    rejects(() => transform("*.txt")(recorder().myfunc), "myfunc", "filter", "missing");
    rejects(() => P().transform({ task: recorder().myfunc, input: "*.txt" } as never), "p::myfunc", "filter", "missing");
  });

  test("a filter that is not formatter(), regex() or suffix(): wrong type", () => {
    rejects(() => P().transform({ task: recorder().myfunc, input: "*.txt", filter: "a", output: ".result", extras: X } as never), "p::myfunc", "filter", "wrongType");
    rejects(() => transform("*.txt", "a", ".result")(recorder().myfunc), "myfunc", "filter", "wrongType");
  });

  test("an unknown named argument is refused, by name", () => {
    rejects(() => P().transform({ task: recorder().myfunc, input: "*.txt", filter: suffix(".txt"), output: ".result", what: X } as never), "p::myfunc", "what", "unrecognised");
  });

  test("addInputs: named as an array or as addInputs(...), or positional addInputs(...) (compared with Ruffus 2.8.4)", async () => {
    const named = (v: unknown) => (f: TaskFunction) => withP((p) => p.transform({ task: f, input: "*.txt", filter: suffix(".txt"), output: ".result", extras: X, addInputs: v }));
    assert.deepEqual(await callsOf(named(["a.test", "b.test"])), added);
    assert.deepEqual(await callsOf(named(addInputs("a.test", "b.test"))), added);
    assert.deepEqual(await callsOf((f) => void transform("*.txt", suffix(".txt"), addInputs("a.test", "b.test"), ".result", 1, 2, 3, 4)(f)), added);
  });

  test("replaceInputs: named as a value or as inputs(value), or positional inputs(value) (compared with Ruffus 2.8.4)", async () => {
    const named = (v: unknown) => (f: TaskFunction) => withP((p) => p.transform({ task: f, input: "*.txt", filter: suffix(".txt"), output: ".result", extras: X, replaceInputs: v }));
    assert.deepEqual(await callsOf(named(["a.test", "b.test"])), replaced);
    assert.deepEqual(await callsOf(named(inputs(["a.test", "b.test"]))), replaced);
    assert.deepEqual(await callsOf((f) => void transform("*.txt", suffix(".txt"), inputs(["a.test", "b.test"]), ".result", 1, 2, 3, 4)(f)), replaced);
  });

  test("addInputs and replaceInputs together are refused", () => {
    rejects(
      () => P().transform({ task: recorder().myfunc, input: "*.txt", filter: suffix(".txt"), output: ".result", extras: X, replaceInputs: ["a.test", "b.test"], addInputs: ["a.test", "b.test"] }),
      "p::myfunc",
      "addInputs",
      "conflicting",
    );
  });

  test("inputs() with two arguments or none is refused, named or positional", () => {
    for (const bad of [inputs("a.test", "b.test"), inputs()]) {
      rejects(() => P().transform({ task: recorder().myfunc, input: "*.txt", filter: suffix(".txt"), output: ".result", extras: X, replaceInputs: bad }), "p::myfunc", "replaceInputs", "inputsArity");
      rejects(() => transform("*.txt", suffix(".txt"), bad, ".result", 1, 2, 3, 4)(recorder().myfunc), "myfunc", "replaceInputs", "inputsArity");
    }
  });
});

// ---------------------------------------------------------------------------------------------
// product: input, filter, [input2, filter2, ...], [inputs()/addInputs()], output, extras
// ---------------------------------------------------------------------------------------------

describe("product arguments (Test_parse_product_args)", () => {
  const OUT = "{basename[0][0]}_{basename[1][0]}.result";
  const head = (): unknown[] => ["*.txt", formatter(".txt"), "*.contig", formatter(), "*.genome", formatter()];
  const named = (f: TaskFunction, more: Record<string, unknown> = {}): Pipeline =>
    withP((p) =>
      p.product({ task: f, input: "*.txt", filter: formatter(".txt"), input2: "*.contig", filter2: formatter(), input3: "*.genome", filter3: formatter(), output: OUT, extras: X, ...more }),
    );
  const triple = (x: string) => [`${x}.txt`, "c.contig", "d.genome"];
  const plain = [
    [triple("a"), "a_c.result", 1, 2, 3, 4],
    [triple("b"), "b_c.result", 1, 2, 3, 4],
  ];
  const added = [
    [[triple("a"), "a.test", "b.test"], "a_c.result", 1, 2, 3, 4],
    [[triple("b"), "a.test", "b.test"], "b_c.result", 1, 2, 3, 4],
  ];
  const replaced = [
    [["a.test", "b.test"], "a_c.result", 1, 2, 3, 4],
    [["a.test", "b.test"], "b_c.result", 1, 2, 3, 4],
  ];

  test("three input sets positionally, or input2/filter2/input3/filter3 named, give the same jobs (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => void product(...head(), OUT, 1, 2, 3, 4)(f)), plain);
    assert.deepEqual(await callsOf((f) => named(f)), plain);
  });

  test("nothing: missing filter; the input sets without output: missing output", () => {
    rejects(() => product()(recorder().myfunc), "myfunc", "filter", "missing");
    rejects(() => product(...head())(recorder().myfunc), "myfunc", "output", "missing");
  });

  test("an unknown named argument is refused, by name", () => {
    rejects(() => named(recorder().myfunc, { extras: undefined, what: X }), "p::myfunc", "what", "unrecognised");
  });

  test("addInputs named or positional (after the last formatter) adds to each job's tuple (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => named(f, { addInputs: ["a.test", "b.test"] })), added);
    assert.deepEqual(await callsOf((f) => named(f, { addInputs: addInputs("a.test", "b.test") })), added);
    assert.deepEqual(await callsOf((f) => void product(...head(), addInputs("a.test", "b.test"), OUT, 1, 2, 3, 4)(f)), added);
  });

  test("replaceInputs named or positional inputs() replaces each job's tuple (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => named(f, { replaceInputs: ["a.test", "b.test"] })), replaced);
    assert.deepEqual(await callsOf((f) => named(f, { replaceInputs: inputs(["a.test", "b.test"]) })), replaced);
    assert.deepEqual(await callsOf((f) => void product(...head(), inputs(["a.test", "b.test"]), OUT, 1, 2, 3, 4)(f)), replaced);
  });

  test("addInputs with replaceInputs, and inputs() with two arguments or none, are refused", () => {
    rejects(() => named(recorder().myfunc, { replaceInputs: ["a.test", "b.test"], addInputs: ["a.test", "b.test"] }), "p::myfunc", "addInputs", "conflicting");
    rejects(() => named(recorder().myfunc, { replaceInputs: inputs("a.test", "b.test") }), "p::myfunc", "replaceInputs", "inputsArity");
    rejects(() => named(recorder().myfunc, { replaceInputs: inputs() }), "p::myfunc", "replaceInputs", "inputsArity");
  });
});

// ---------------------------------------------------------------------------------------------
// combinations: input, filter, tupleSize, [inputs()/addInputs()], output, extras
// ---------------------------------------------------------------------------------------------

describe("combinations arguments (Test_parse_combinatorics_args)", () => {
  const OUT = "{basename[0][0]}_{basename[1][0]}.result";
  const named = (f: TaskFunction, more: Record<string, unknown> = {}): Pipeline =>
    withP((p) => p.combinations({ task: f, input: "*.txt", filter: formatter(), tupleSize: 2, output: OUT, extras: X, ...more }));
  const plain = [[["a.txt", "b.txt"], "a_b.result", 1, 2, 3, 4]];
  const added = [[[["a.txt", "b.txt"], "a.test", "b.test"], "a_b.result", 1, 2, 3, 4]];
  const replaced = [[["a.test", "b.test"], "a_b.result", 1, 2, 3, 4]];

  test("positional and all-named declarations give the same job (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => void combinations("*.txt", formatter(), 2, OUT, 1, 2, 3, 4)(f)), plain);
    assert.deepEqual(await callsOf((f) => named(f)), plain);
  });

  test("nothing: missing filter; input and filter only: missing tupleSize", () => {
    rejects(() => combinations()(recorder().myfunc), "myfunc", "filter", "missing");
    rejects(() => combinations("*.txt", formatter())(recorder().myfunc), "myfunc", "tupleSize", "missing");
  });

  test("a tupleSize that is not a number is refused, positional or named", () => {
    rejects(() => combinations("*.txt", formatter(), "a", OUT, 1, 2, 3, 4)(recorder().myfunc), "myfunc", "tupleSize", "wrongType");
    rejects(() => named(recorder().myfunc, { tupleSize: "a" }), "p::myfunc", "tupleSize", "wrongType");
  });

  test("an unknown named argument is refused, by name", () => {
    rejects(() => named(recorder().myfunc, { extras: undefined, what: X }), "p::myfunc", "what", "unrecognised");
  });

  test("addInputs named or positional (after tupleSize) (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => named(f, { addInputs: ["a.test", "b.test"] })), added);
    assert.deepEqual(await callsOf((f) => named(f, { addInputs: addInputs("a.test", "b.test") })), added);
    assert.deepEqual(await callsOf((f) => void combinations("*.txt", formatter(), 2, addInputs("a.test", "b.test"), OUT, 1, 2, 3, 4)(f)), added);
  });

  test("replaceInputs named or positional inputs() (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => named(f, { replaceInputs: ["a.test", "b.test"] })), replaced);
    assert.deepEqual(await callsOf((f) => named(f, { replaceInputs: inputs(["a.test", "b.test"]) })), replaced);
    assert.deepEqual(await callsOf((f) => void combinations("*.txt", formatter(), 2, inputs(["a.test", "b.test"]), OUT, 1, 2, 3, 4)(f)), replaced);
  });

  test("addInputs with replaceInputs, and inputs() with two arguments or none, are refused", () => {
    rejects(() => named(recorder().myfunc, { replaceInputs: ["a.test", "b.test"], addInputs: ["a.test", "b.test"] }), "p::myfunc", "addInputs", "conflicting");
    rejects(() => named(recorder().myfunc, { replaceInputs: inputs("a.test", "b.test") }), "p::myfunc", "replaceInputs", "inputsArity");
    rejects(() => named(recorder().myfunc, { replaceInputs: inputs() }), "p::myfunc", "replaceInputs", "inputsArity");
  });
});

// ---------------------------------------------------------------------------------------------
// originate: output, extras
// ---------------------------------------------------------------------------------------------

describe("originate arguments (Test_parse_originate_args)", () => {
  const plain = [
    ["a.1", 1, 2, 3, 4],
    ["b.1", 1, 2, 3, 4],
  ];

  test("positional and named declarations give the same jobs (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await callsOf((f) => void originate(["a.1", "b.1"], 1, 2, 3, 4)(f), 0), plain);
    assert.deepEqual(await callsOf((f) => withP((p) => p.originate({ task: f, output: ["a.1", "b.1"], extras: X })), 0), plain);
  });

  test("nothing: missing output; an unknown named argument is refused, by name", () => {
    rejects(() => originate()(recorder(0).myfunc), "myfunc", "output", "missing");
    rejects(() => P().originate({ task: recorder(0).myfunc } as never), "p::myfunc", "output", "missing");
    rejects(() => P().originate({ task: recorder(0).myfunc, output: ["a.1", "b.1"], what: X } as never), "p::myfunc", "what", "unrecognised");
  });
});

// ---------------------------------------------------------------------------------------------
// mkdir (filter form): input, filter, output
// ---------------------------------------------------------------------------------------------

describe("mkdir arguments (Test_parse_mkdir_args)", () => {
  const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

  /** Runs a pipeline whose only task is the mkdir declared by `declare`; returns what it made. */
  async function made(declare: (p: Pipeline) => void): Promise<string[]> {
    return inTempDir(async () => {
      for (const f of INPUT_FILES) writeFileSync(f, "");
      const p = P();
      declare(p);
      await p.run({ verbose: 0 });
      return ["a.result", "b.result", "*.txt"].filter(isDir);
    });
  }

  test("input, filter, output positionally or named: one directory per input (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await made((p) => void p.mkdir("*.txt", suffix(".txt"), ".result")), ["a.result", "b.result"]);
    assert.deepEqual(await made((p) => void p.mkdir({ input: "*.txt", filter: suffix(".txt"), output: ".result" })), ["a.result", "b.result"]);
  });

  test("without a filter the arguments are directory names: mkdir(\"*.txt\") makes that directory, mkdir() nothing (compared with Ruffus 2.8.4)", async () => {
    assert.deepEqual(await made((p) => void p.mkdir("*.txt")), ["*.txt"]);
    assert.deepEqual(await made((p) => void p.mkdir()), []);
  });

  test("named input and filter without output: missing output (compared with Ruffus 2.8.4)", () => {
    rejects(() => P().mkdir({ input: "*.txt", filter: suffix(".txt") }), "p::mkdir", "output", "missing");
  });

  test("an unknown named argument is refused, by name", () => {
    rejects(() => P().mkdir({ input: "*.txt", filter: suffix(".txt"), output: ".result", what: [1] }), "p::mkdir", "what", "unrecognised");
  });

  test("extras after the output are refused, at declaration or when the job runs (Ruffus 2.8.4: RethrownJobError at run)", async () => {
    await inTempDir(async () => {
      for (const f of INPUT_FILES) writeFileSync(f, "");
      Pipeline.clearAll();
      let error: unknown;
      try {
        const p = P();
        p.mkdir("*.txt", suffix(".txt"), ".result", 1, formatter(), "a", 4);
        await p.run({ verbose: 0 });
      } catch (e) {
        error = e;
      }
      assert.ok(error !== undefined, "extras on a filter-form mkdir were accepted and ignored");
      if (error instanceof TaskDeclarationError) assert.equal(error.taskName, "p::mkdir");
      else {
        assert.ok(error instanceof RethrownJobError, String(error));
        assert.match(String(error.failures[0].task), /mkdir/);
      }
    });
  });
});
