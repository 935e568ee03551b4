/**
 * Ports ruffus/test/test_N_x_M_and_collate.py: N gene/gwas file pairs run against M simulation
 * files (a `files()` task whose jobs come from a generator that reads the directories written by an
 * earlier task of the same run), then `collate()` with a regex gathers the results per pair.
 * Decorator style (the "main" pipeline) and `new Pipeline(...)` style, as in the original.
 *
 * The original checks only that 000.mean and 001.mean exist; the file contents, the file sets, the
 * job counts and the posttask call below were compared with Ruffus 2.8.4 running the same pipeline.
 * The original runs with `multiprocess=50`; the task functions here are declared inside the tests,
 * so the jobs run with `multithread` (worker processes are covered by test/exec/workers.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { Pipeline, collate, files, follows, mkdir, pipelineRun, posttask, regex, type RunSummary } from "ruffus";
import { inTempDir, read } from "../helpers.ts";

const CNT_GENE_GWAS_FILES = 2;
const CNT_SIMULATION_FILES = 3;

const tempdir = "test_N_x_M_and_collate";
const geneDataDir = `${tempdir}/temp_gene_data_for_intermediate_example`;
const simulationDataDir = `${tempdir}/temp_simulation_data_for_intermediate_example`;
const workingDir = `${tempdir}/working_dir_for_intermediate_example`;
const resultsDir = join(workingDir, "simulation_results");

const pad3 = (i: number): string => String(i).padStart(3, "0");
const root = (f: string): string => basename(f, extname(f));
const listDir = (dir: string, ext: string): string[] => readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f));

function setupSimulationData(): void {
  for (let i = 0; i < CNT_GENE_GWAS_FILES; i++) {
    writeFileSync(join(geneDataDir, `${pad3(i)}.gene`), "");
    writeFileSync(join(geneDataDir, `${pad3(i)}.gwas`), "");
  }
  // gene files without a matching gwas file and vice versa
  writeFileSync(join(geneDataDir, "orphan1.gene"), "");
  writeFileSync(join(geneDataDir, "orphan2.gwas"), "");
  writeFileSync(join(geneDataDir, "orphan3.gwas"), "");
  for (let i = 0; i < CNT_SIMULATION_FILES; i++) writeFileSync(join(simulationDataDir, `${pad3(i)}.simulation`), "");
}

/** Pairs of .gene/.gwas files sharing a root, and those roots. */
function geneGwasFilePairs(): [string[][], string[]] {
  const gwasRoots = new Set(listDir(geneDataDir, ".gwas").map(root));
  const common = listDir(geneDataDir, ".gene").map(root).filter((r) => gwasRoots.has(r));
  return [common.map((r) => [join(geneDataDir, `${r}.gene`), join(geneDataDir, `${r}.gwas`)]), common];
}

/** The jobs of the simulation step: [[gene, gwas, simulation], result path, gene root, simulation root, result file name]. */
function* generateSimulationParams(): Generator<unknown[]> {
  const simulationFiles = listDir(simulationDataDir, ".simulation");
  const [pairs, pairRoots] = geneGwasFilePairs();
  for (const simFile of simulationFiles) {
    const simRoot = root(simFile);
    for (let k = 0; k < pairs.length; k++) {
      const resultFile = `${pairRoots[k]}.${simRoot}.simulation_res`;
      yield [[pairs[k][0], pairs[k][1], simFile], join(resultsDir, resultFile), pairRoots[k], simRoot, resultFile];
    }
  }
}

function gwasSimulation(inputFiles: string[], resultFilePath: string, geneFileRoot: string, simFileRoot: string, resultFile: string): void {
  assert.equal(inputFiles.length, 3);
  writeFileSync(resultFilePath, `${geneFileRoot} + ${simFileRoot} -> ${resultFile}\n`);
}

function statisticalSummary(resultFiles: string[], summaryFile: string): void {
  writeFileSync(summaryFile, resultFiles.map((f) => read(f)).join(""));
}

/** Every file under `dir`, relative to it, sorted. */
function walk(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.startsWith(".ruffus_history")) continue;
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p, `${prefix}${f}/`));
    else out.push(`${prefix}${f}`);
  }
  return out.sort();
}

/** What Ruffus 2.8.4 leaves in the working directory (the collate inputs are sorted, so each .mean lists its results in order). */
function checkResults(): void {
  assert.deepEqual(walk(tempdir), [
    "temp_gene_data_for_intermediate_example/000.gene",
    "temp_gene_data_for_intermediate_example/000.gwas",
    "temp_gene_data_for_intermediate_example/001.gene",
    "temp_gene_data_for_intermediate_example/001.gwas",
    "temp_gene_data_for_intermediate_example/orphan1.gene",
    "temp_gene_data_for_intermediate_example/orphan2.gwas",
    "temp_gene_data_for_intermediate_example/orphan3.gwas",
    "temp_simulation_data_for_intermediate_example/000.simulation",
    "temp_simulation_data_for_intermediate_example/001.simulation",
    "temp_simulation_data_for_intermediate_example/002.simulation",
    "working_dir_for_intermediate_example/000.mean",
    "working_dir_for_intermediate_example/001.mean",
    "working_dir_for_intermediate_example/simulation_results/000.000.simulation_res",
    "working_dir_for_intermediate_example/simulation_results/000.001.simulation_res",
    "working_dir_for_intermediate_example/simulation_results/000.002.simulation_res",
    "working_dir_for_intermediate_example/simulation_results/001.000.simulation_res",
    "working_dir_for_intermediate_example/simulation_results/001.001.simulation_res",
    "working_dir_for_intermediate_example/simulation_results/001.002.simulation_res",
  ]);
  for (const n of ["000", "001"]) {
    const mean = join(workingDir, `${n}.mean`);
    assert.ok(existsSync(mean), `Missing ${mean}`);
    assert.equal(read(mean), `${n} + 000 -> ${n}.000.simulation_res\n${n} + 001 -> ${n}.001.simulation_res\n${n} + 002 -> ${n}.002.simulation_res\n`);
    for (const s of ["000", "001", "002"]) {
      assert.equal(read(join(resultsDir, `${n}.${s}.simulation_res`)), `${n} + ${s} -> ${n}.${s}.simulation_res\n`);
    }
  }
}

/** Job counts per task (the two mkdir tasks, setup, 6 simulations, 2 summaries), and the posttask ran once. */
function checkSummary(summary: RunSummary, okCalls: number, prefix: string): void {
  const jobs = Object.fromEntries(summary.tasks.map((t) => [t.task, t.jobsRun]));
  assert.equal(jobs[`${prefix}setup_simulation_data`], 1);
  assert.equal(jobs[`${prefix}gwas_simulation`], CNT_GENE_GWAS_FILES * CNT_SIMULATION_FILES);
  assert.equal(jobs[`${prefix}statistical_summary`], CNT_GENE_GWAS_FILES);
  assert.equal(summary.jobsRun, 2 + 1 + 6 + 2);
  assert.equal(okCalls, 1);
}

describe("test_N_x_M_and_collate", () => {
  test("decorator style: files() from a generator, then collate() by gene/gwas pair (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      let ok = 0;
      const setup = follows(mkdir(geneDataDir, simulationDataDir))(function setup_simulation_data() {
        "create simulation files";
        setupSimulationData();
      });
      const gwas = follows(setup)(
        follows(mkdir(workingDir, resultsDir))(
          files(generateSimulationParams)(function gwas_simulation(i: string[], o: string, g: string, s: string, r: string) {
            gwasSimulation(i, o, g, s, r);
          }),
        ),
      );
      collate(gwas, regex(String.raw`simulation_results/(\d+).\d+.simulation_res`), String.raw`\1.mean`)(
        posttask(() => ok++)(function statistical_summary(resultFiles: string[], summaryFile: string) {
          statisticalSummary(resultFiles, summaryFile);
        }),
      );
      const summary = await pipelineRun({ multithread: 50, verbose: 0 });
      checkResults();
      checkSummary(summary, ok, "");
    });
  });

  test("Pipeline style: the same pipeline declared with Pipeline methods (compared with Ruffus 2.8.4)", async () => {
    await inTempDir(async () => {
      let ok = 0;
      const p = new Pipeline("test");
      const setup = p.follows({ task: setupSimulationData, name: "setup_simulation_data", parents: [mkdir(geneDataDir, simulationDataDir)] });
      const gwas = p
        .files({ task: gwasSimulation, name: "gwas_simulation", jobs: generateSimulationParams })
        .follows(setup)
        .follows(mkdir(workingDir, resultsDir));
      p.collate({
        task: statisticalSummary,
        name: "statistical_summary",
        input: gwas,
        filter: regex(String.raw`simulation_results/(\d+).\d+.simulation_res`),
        output: String.raw`\1.mean`,
      }).posttask(() => ok++);
      const summary = await p.run({ multithread: 50, verbose: 0 });
      checkResults();
      checkSummary(summary, ok, "test::");
    });
  });
});
