/**
 * The workloads, written out for each program. Every program gets the same file names, the same
 * job graph and the same work per job (write a tiny file from inside the program; in make with
 * `$(file ...)`, which writes without starting a process), so that what differs is the engine.
 *
 *   W1 chain     in/*.txt → .s1 → .s2 → .s3 (3 transforms), then a merge of every .s3 into all.txt
 *   W2 dry run   W1's plan when nothing is up to date (`-n`)
 *   W3 start-up  `--version`, and a pipeline of one job
 *   W4 shell     jobs that each run a command (`sleep 0.05`, `true`) with -j 2 / -j 4
 *   W5 fan-out   split seed.txt into N parts, transform each, collate into 100 groups, merge
 */
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ToolId } from "./tools.ts";

const pad6 = (i: number): string => String(i).padStart(6, "0");

// ---------------------------------------------------------------------------------------------
// W1 / W2: the chain
// ---------------------------------------------------------------------------------------------

export const chainJobs = (n: number): number => 3 * n + 1;

export function chainInputs(dir: string, n: number): void {
  mkdirSync(join(dir, "in"), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(join(dir, "in", `f${pad6(i)}.txt`), String(i));
}

export const chainInput = (i: number): string => `in/f${pad6(i)}.txt`;

const CHAIN_TS = `import { writeFile } from "node:fs/promises";
import { Pipeline, suffix } from "ruffus";

const step = (i: string, o: string) => writeFile(o, i);
const p = new Pipeline("chain");
const s1 = p.transform({ name: "s1", task: step, input: "in/*.txt", filter: suffix(".txt"), output: ".s1" });
const s2 = p.transform({ name: "s2", task: step, input: s1, filter: suffix(".s1"), output: ".s2" });
const s3 = p.transform({ name: "s3", task: step, input: s2, filter: suffix(".s2"), output: ".s3" });
p.merge({ name: "all", task: (inputs: string[], o: string) => writeFile(o, String(inputs.length)), input: s3, output: "all.txt" });
export default p;
`;

const CHAIN_PY = `from ruffus import *

def step(i, o):
    with open(o, "w") as f:
        f.write(i)

@transform("in/*.txt", suffix(".txt"), ".s1")
def s1(i, o):
    step(i, o)

@transform(s1, suffix(".s1"), ".s2")
def s2(i, o):
    step(i, o)

@transform(s2, suffix(".s2"), ".s3")
def s3(i, o):
    step(i, o)

@merge(s3, "all.txt")
def all_(inputs, o):
    with open(o, "w") as f:
        f.write(str(len(inputs)))

if __name__ == "__main__":
    options = cmdline.get_argparse(description="W1 chain").parse_args()
    cmdline.run(options, checksum_level=1)
`;

const CHAIN_SNAKE = `import os
SAMPLES = sorted(f[:-4] for f in os.listdir("in") if f.endswith(".txt"))

rule all:
    input: "all.txt"

rule merge:
    input: expand("in/{s}.s3", s=SAMPLES)
    output: "all.txt"
    run:
        with open(output[0], "w") as f:
            f.write(str(len(input)))

rule s1:
    input: "in/{s}.txt"
    output: "in/{s}.s1"
    run:
        with open(output[0], "w") as f:
            f.write(input[0])

rule s2:
    input: "in/{s}.s1"
    output: "in/{s}.s2"
    run:
        with open(output[0], "w") as f:
            f.write(input[0])

rule s3:
    input: "in/{s}.s2"
    output: "in/{s}.s3"
    run:
        with open(output[0], "w") as f:
            f.write(input[0])
`;

// $(file ...) writes from inside make; under -n (DRY=1) the recipes expand to nothing.
/** Every Makefile starts so: no built-in implicit rules to try (favours make). */
const MAKE_HEAD = `MAKEFLAGS += --no-builtin-rules
.SUFFIXES:
`;

const CHAIN_MAKE = `${MAKE_HEAD}SRC := $(wildcard in/*.txt)
W = $(if $(DRY),,$(file >$@,$1))

all.txt: $(SRC:.txt=.s3)
\t$(call W,$(words $^))
%.s1: %.txt
\t$(call W,$<)
%.s2: %.s1
\t$(call W,$<)
%.s3: %.s2
\t$(call W,$<)
# keep the intermediate .s1/.s2 files, as the other programs do
.SECONDARY:
`;

export function chainPipelines(dir: string): void {
  writeFileSync(join(dir, "chain.ts"), CHAIN_TS);
  writeFileSync(join(dir, "chain.py"), CHAIN_PY);
  writeFileSync(join(dir, "Snakefile"), CHAIN_SNAKE);
  writeFileSync(join(dir, "Makefile"), CHAIN_MAKE);
}

/** The per-job-overhead baseline: the same file writes, in the same order, by a plain loop (run with bun). */
export const CHAIN_LOOP_TS = `import { readdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
const inputs = readdirSync("in").filter((f) => f.endsWith(".txt")).sort().map((f) => "in/" + f);
let prev = inputs;
for (const ext of [".s1", ".s2", ".s3"]) {
  const next: string[] = [];
  for (const i of prev) {
    const o = i.replace(/\\.[^.]+$/, ext);
    await writeFile(o, i);
    next.push(o);
  }
  prev = next;
}
await writeFile("all.txt", String(prev.length));
`;

/** The whole up-to-date state of W1 made without any engine: each step's files one second newer. */
export function chainMaterialize(dir: string, n: number): string[] {
  chainInputs(dir, n);
  const t0 = Date.now() / 1000 - 100;
  const made: string[] = [];
  for (let i = 0; i < n; i++) utimesSync(join(dir, chainInput(i)), t0, t0);
  [".s1", ".s2", ".s3"].forEach((ext, k) => {
    const prev = k === 0 ? ".txt" : `.s${k}`;
    for (let i = 0; i < n; i++) {
      const o = `in/f${pad6(i)}${ext}`;
      writeFileSync(join(dir, o), `in/f${pad6(i)}${prev}`);
      utimesSync(join(dir, o), t0 + k + 1, t0 + k + 1);
      made.push(o);
    }
  });
  writeFileSync(join(dir, "all.txt"), String(n));
  utimesSync(join(dir, "all.txt"), t0 + 4, t0 + 4);
  made.push("all.txt");
  return made;
}

// ---------------------------------------------------------------------------------------------
// W3: start-up
// ---------------------------------------------------------------------------------------------

const ONE_TS = `import { writeFile } from "node:fs/promises";
import { Pipeline } from "ruffus";

const p = new Pipeline("one");
p.originate({ name: "one", task: (o: string) => writeFile(o, "x"), output: ["out.txt"] });
export default p;
`;
const ONE_PY = `from ruffus import *

@originate(["out.txt"])
def one(o):
    with open(o, "w") as f:
        f.write("x")

if __name__ == "__main__":
    options = cmdline.get_argparse(description="W3 one job").parse_args()
    cmdline.run(options, checksum_level=1)
`;
const ONE_SNAKE = `rule one:
    output: "out.txt"
    run:
        with open(output[0], "w") as f:
            f.write("x")
`;
const ONE_MAKE = `${MAKE_HEAD}out.txt:
\t$(file >$@,x)
`;

export function onePipelines(dir: string): void {
  writeFileSync(join(dir, "one.ts"), ONE_TS);
  writeFileSync(join(dir, "one.py"), ONE_PY);
  writeFileSync(join(dir, "Snakefile"), ONE_SNAKE);
  writeFileSync(join(dir, "Makefile"), ONE_MAKE);
}

// ---------------------------------------------------------------------------------------------
// W4: shell jobs
// ---------------------------------------------------------------------------------------------

/** `count` independent jobs, each running `command` in a shell and then writing its (empty) output. */
export function shellPipelines(dir: string, count: number, command: string): void {
  const outs = Array.from({ length: count }, (_, i) => `j${pad6(i)}.out`);
  writeFileSync(
    join(dir, "shell.ts"),
    `import { writeFile } from "node:fs/promises";
import { Pipeline, sh } from "ruffus";

const outs = Array.from({ length: ${count} }, (_, i) => "j" + String(i).padStart(6, "0") + ".out");
const p = new Pipeline("shell");
p.originate({
  name: "job",
  task: async (o: string) => {
    await sh\`${command}\`;
    await writeFile(o, "");
  },
  output: outs,
});
export default p;
`,
  );
  writeFileSync(
    join(dir, "shell.py"),
    `import subprocess
from ruffus import *

@originate(["j%06d.out" % i for i in range(${count})])
def job(o):
    subprocess.run(${JSON.stringify(command)}, shell=True, check=True)
    open(o, "w").close()

if __name__ == "__main__":
    options = cmdline.get_argparse(description="W4 shell jobs").parse_args()
    cmdline.run(options, checksum_level=1)
`,
  );
  writeFileSync(
    join(dir, "Snakefile"),
    `rule all:
    input: ["j%06d.out" % i for i in range(${count})]

rule job:
    output: "j{i}.out"
    shell: "${command}; : > {output}"
`,
  );
  writeFileSync(
    join(dir, "Makefile"),
    `${MAKE_HEAD}OUTS := ${outs.join(" ")}
.PHONY: all
all: $(OUTS)
j%.out:
\t${command}
\t$(file >$@,)
`,
  );
}

export const shellOutputs = (dir: string): number => readdirSync(dir).filter((f) => f.endsWith(".out")).length;

// ---------------------------------------------------------------------------------------------
// W5: fan-out / fan-in
// ---------------------------------------------------------------------------------------------

export const fanJobs = (n: number): number => 1 + n + 100 + 1;

export function fanPipelines(dir: string, n: number): void {
  mkdirSync(join(dir, "parts"), { recursive: true });
  mkdirSync(join(dir, "groups"), { recursive: true });
  writeFileSync(join(dir, "seed.txt"), String(n));
  writeFileSync(
    join(dir, "fan.ts"),
    `import { writeFile } from "node:fs/promises";
import { Pipeline, regex, suffix } from "ruffus";

const N = ${n};
const write = (i: string, o: string) => writeFile(o, i);
const count = (inputs: string[], o: string) => writeFile(o, String(inputs.length));
const p = new Pipeline("fan");
const parts = p.split({
  name: "split",
  task: async (_i: string, _o: string[]) => {
    for (let k = 0; k < N; k++) await writeFile("parts/p" + String(k).padStart(6, "0") + ".part", String(k));
  },
  input: "seed.txt",
  output: "parts/*.part",
});
const work = p.transform({ name: "work", task: write, input: parts, filter: suffix(".part"), output: ".t" });
const group = p.collate({ name: "group", task: count, input: work, filter: regex(String.raw\`^parts/p(\\d+)(\\d\\d)\\.t$\`), output: String.raw\`groups/g\\2.col\` });
p.merge({ name: "final", task: count, input: group, output: "final.txt" });
export default p;
`,
  );
  writeFileSync(
    join(dir, "fan.py"),
    `from ruffus import *

N = ${n}

@split("seed.txt", "parts/*.part")
def split_(i, o):
    for k in range(N):
        with open("parts/p%06d.part" % k, "w") as f:
            f.write(str(k))

@transform(split_, suffix(".part"), ".t")
def work(i, o):
    with open(o, "w") as f:
        f.write(i)

@collate(work, regex(r"^parts/p(\\d+)(\\d\\d)\\.t$"), r"groups/g\\2.col")
def group(inputs, o):
    with open(o, "w") as f:
        f.write(str(len(inputs)))

@merge(group, "final.txt")
def final(inputs, o):
    with open(o, "w") as f:
        f.write(str(len(inputs)))

if __name__ == "__main__":
    options = cmdline.get_argparse(description="W5 fan-out/fan-in").parse_args()
    cmdline.run(options, checksum_level=1)
`,
  );
  writeFileSync(
    join(dir, "Snakefile"),
    `N = ${n}
IDS = ["%06d" % k for k in range(N)]
GROUPS = ["%02d" % g for g in range(100)]
BY_GROUP = {g: [] for g in GROUPS}
for i in IDS:
    BY_GROUP[i[-2:]].append("parts/p%s.t" % i)

wildcard_constraints:
    i=r"\\d{6}",
    g=r"\\d\\d"

rule all:
    input: "final.txt"

rule final:
    input: expand("groups/g{g}.col", g=GROUPS)
    output: "final.txt"
    run:
        with open(output[0], "w") as f:
            f.write(str(len(input)))

rule group:
    input: lambda wc: BY_GROUP[wc.g]
    output: "groups/g{g}.col"
    run:
        with open(output[0], "w") as f:
            f.write(str(len(input)))

rule work:
    input: "parts/p{i}.part"
    output: "parts/p{i}.t"
    run:
        with open(output[0], "w") as f:
            f.write(input[0])

rule split:
    input: "seed.txt"
    output: expand("parts/p{i}.part", i=IDS)
    run:
        for k in range(N):
            with open("parts/p%06d.part" % k, "w") as f:
                f.write(str(k))
`,
  );
  writeFileSync(
    join(dir, "Makefile"),
    `${MAKE_HEAD}IDS := $(shell seq -f %06g 0 ${n - 1})
PARTS := $(IDS:%=parts/p%.part)
GROUPS := $(shell seq -f %02g 0 99)

final.txt: $(GROUPS:%=groups/g%.col)
\t$(file >$@,$(words $^))
define GROUP
groups/g$(1).col: $$(patsubst %,parts/p%.t,$$(filter %$(1),$$(IDS)))
\t$$(file >$$@,$$(words $$^))
endef
$(foreach g,$(GROUPS),$(eval $(call GROUP,$(g))))
parts/%.t: parts/%.part
\t$(file >$@,$<)
# One recipe makes every part (a grouped target "$(PARTS) &:" is quadratic in make 4.3: 4.6 GB at
# 10,000 parts). The stamp is written first, so the parts are newer than it.
parts.stamp: seed.txt
\t$(file >$@,)$(foreach k,$(IDS),$(file >parts/p$(k).part,$(k)))
$(PARTS): parts.stamp ;
.SECONDARY:
`,
  );
}

/** W5's up-to-date state without any engine (after fanPipelines wrote seed.txt): each stage one second newer. */
export function fanMaterialize(dir: string, n: number): string[] {
  const t0 = Date.now() / 1000 - 100;
  utimesSync(join(dir, "seed.txt"), t0, t0);
  writeFileSync(join(dir, "parts.stamp"), ""); // make's marker that the split ran
  utimesSync(join(dir, "parts.stamp"), t0 + 0.5, t0 + 0.5);
  const made: string[] = [];
  const put = (f: string, text: string, t: number): void => {
    writeFileSync(join(dir, f), text);
    utimesSync(join(dir, f), t, t);
    made.push(f);
  };
  for (let k = 0; k < n; k++) put(`parts/p${pad6(k)}.part`, String(k), t0 + 1);
  for (let k = 0; k < n; k++) put(`parts/p${pad6(k)}.t`, `parts/p${pad6(k)}.part`, t0 + 2);
  for (let g = 0; g < 100; g++) put(`groups/g${String(g).padStart(2, "0")}.col`, String(Math.floor(n / 100)), t0 + 3);
  put("final.txt", "100", t0 + 4);
  return made;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export type Kind = "run" | "dry" | "dry3" | "version" | "par2" | "par4";

/** The command line of each program for a pipeline file (ours; Ruffus takes file.py, the others the directory's Snakefile/Makefile). */
export function command(tool: ToolId, ruff: string, file: string, kind: Kind): string[] {
  const base = file.replace(/\.ts$/, "");
  switch (tool) {
    case "ours":
      if (kind === "version") return [ruff, "--version"];
      if (kind === "dry") return [ruff, "-n", file];
      if (kind === "dry3") return [ruff, "-n", "-v", "3", file];
      if (kind === "par2") return [ruff, "-j", "2", "--use-threads", file];
      if (kind === "par4") return [ruff, "-j", "4", "--use-threads", file];
      return [ruff, file];
    case "ruffus": {
      const py = ["/usr/bin/python3", `${base}.py`];
      if (kind === "version") return ["/usr/bin/python3", "-c", "import ruffus"];
      // Ruffus's -n prints nothing (and plans nothing) below -v 1; ruff -n prints at verbosity 1.
      if (kind === "dry") return [...py, "-n", "-v", "1"];
      if (kind === "dry3") return [...py, "-n", "-v", "3"];
      if (kind === "par2") return [...py, "-j", "2", "--use_threads"];
      if (kind === "par4") return [...py, "-j", "4", "--use_threads"];
      return py;
    }
    case "snakemake": {
      // --force-use-threads: run: blocks in-process (else each job is a new Python process);
      // --scheduler greedy: the default ILP scheduler is ~7x slower here. Both favour Snakemake.
      const sm = ["snakemake", "-q", "--force-use-threads", "--scheduler", "greedy"];
      if (kind === "version") return ["snakemake", "--version"];
      if (kind === "dry") return [...sm, "-n", "-j1"];
      if (kind === "par2") return [...sm, "-j2"];
      if (kind === "par4") return [...sm, "-j4"];
      return [...sm, "-j1"];
    }
    case "make":
      if (kind === "version") return ["make", "--version"];
      if (kind === "dry") return ["make", "-n", "-j2", "DRY=1"];
      if (kind === "par4") return ["make", "-j4"];
      return ["make", "-j2"];
  }
}

export const mtimeMs = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};
