/**
 * A ruffus pipeline as a Deno script:
 *
 *   deno run -A examples/deno/pipeline.ts [work-dir]
 *
 * "ruffus" comes from this directory's deno.json import map (../../src/mod.ts; from JSR it would be
 * "jsr:@ruffus/ruffus"). The pipeline runs in work-dir (default: a new temporary directory) twice,
 * the first time with two worker processes (multiprocess: 2); the second run finds everything up
 * to date and runs nothing.
 *
 * The layout matters with multiprocess: each worker process imports this file again to find the
 * task functions by name. So the pipeline is declared at the top level, and everything that must
 * happen once (making the directory, running, printing) is behind `if (!isWorker())`; without the
 * guard every worker would make a temporary directory of its own.
 */
import { Pipeline, formatter, isWorker, suffix } from "ruffus";

// The few Deno APIs used here, typed so that the repository's tsc (which knows Node's types, not Deno's) checks this file too.
const { Deno } = globalThis as unknown as {
  Deno: {
    args: string[];
    makeTempDir(options?: { prefix?: string }): Promise<string>;
    mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
    chdir(path: string): void;
    readTextFile(path: string): Promise<string>;
    writeTextFile(path: string, text: string): Promise<void>;
  };
};

const p = new Pipeline("deno_example");
const samples = p.originate({
  task: async function makeSample(output: string, n: number) {
    await Deno.writeTextFile(output, `${output.replace(".txt", "")}: ${"x".repeat(n)}\n`);
  },
  output: ["one.txt", "two.txt", "three.txt"],
  extras: [3],
});
const counted = p.transform({
  task: async function countLetters(input: string, output: string) {
    const text = await Deno.readTextFile(input);
    await Deno.writeTextFile(output, `${input} ${text.trim().length}\n`);
  },
  input: samples,
  filter: suffix(".txt"),
  output: ".count",
});
p.merge({
  task: async function summarise(inputs: string[], output: string) {
    const lines = await Promise.all(inputs.map((f) => Deno.readTextFile(f)));
    await Deno.writeTextFile(output, lines.join(""));
  },
  input: counted,
  output: "summary.txt",
});
p.transform({
  task: async function shout(input: string, output: string) {
    await Deno.writeTextFile(output, (await Deno.readTextFile(input)).toUpperCase());
  },
  input: "summary.txt",
  filter: formatter(String.raw`(?P<stem>[^/]+)\.txt$`),
  output: "{stem[0]}.loud",
}).follows("summarise");

if (!isWorker()) {
  const dir = Deno.args[0] ?? (await Deno.makeTempDir({ prefix: "ruffus-deno-" }));
  await Deno.mkdir(dir, { recursive: true });
  Deno.chdir(dir);
  const first = await p.run({ verbose: 0, multiprocess: 2 });
  const second = await p.run({ verbose: 0 });
  console.log(`first run: ${first.jobsRun} jobs (${first.tasksRun.join(", ")})`);
  console.log(`second run: ${second.jobsRun} jobs`);
  console.log((await Deno.readTextFile("summary.loud")).trimEnd());
}
