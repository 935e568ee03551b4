/**
 * The tutorial pipeline, in the shape of Ruffus's bioinformatics tutorial:
 *
 *   originate  → three "sequencing runs" (data/*.fasta)
 *   transform  → clean each run (formatter: work/{basename}.clean.fasta)
 *   split      → cut all clean sequences into chunks of 4 (work/chunks/*.chunk)
 *   transform  → GC content of every chunk (suffix: .chunk → .gc)
 *   collate    → one summary per sample (regex: sampleA.0.gc, sampleA.1.gc → results/sampleA.summary)
 *   merge      → one report (results/report.tsv)
 *
 * Run it with `npm run example`; run it again and nothing happens (everything is up to date).
 * `touch data/sampleB.fasta` and 15 jobs run again: sampleB's clean job, then the split (it reads
 * every clean file, so it remakes all 9 chunks), every chunk's GC job, the 3 summaries and the report.
 * Ruffus does the same: a split's outputs are all newer than whatever comes after them.
 */
import { readFile, writeFile, readdir, unlink } from "node:fs/promises";
import { Pipeline, formatter, suffix, regex, mkdir } from "ruffus";

const SAMPLES = ["sampleA", "sampleB", "sampleC"];

/** A small deterministic random generator, so every run makes the same data. */
function randomBases(seed: number, length: number): string {
  let x = seed;
  let s = "";
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += "ACGTN"[x % 5];
  }
  return s;
}

async function makeRun(output: string, sequencesPerRun: number): Promise<void> {
  "Simulate a sequencing run";
  const seed = output.split("").reduce((a, c) => a + c.charCodeAt(0), 0);
  let fasta = "";
  for (let i = 0; i < sequencesPerRun; i++) fasta += `>read${i}\n${randomBases(seed * 31 + i, 60)}\n`;
  await writeFile(output, fasta);
}

async function clean(input: string, output: string): Promise<void> {
  "Drop unknown bases (N)";
  const text = await readFile(input, "utf8");
  await writeFile(output, text.replace(/^([ACGTN]+)$/gm, (seq) => seq.replaceAll("N", "")));
}

async function chunk(inputs: string[], _outputs: string[]): Promise<void> {
  "Cut every sample into chunks of 4 sequences";
  // A split's outputs are a glob: remove stale chunks so they are not taken for new ones.
  for (const f of await readdir("work/chunks")) if (f.endsWith(".chunk")) await unlink(`work/chunks/${f}`);
  for (const input of inputs) {
    const sample = input.replace(/^.*\//, "").replace(".clean.fasta", "");
    const records = (await readFile(input, "utf8")).split(/(?=^>)/m).filter(Boolean);
    for (let i = 0; i * 4 < records.length; i++) {
      await writeFile(`work/chunks/${sample}.${i}.chunk`, records.slice(i * 4, i * 4 + 4).join(""));
    }
  }
}

async function gcContent(input: string, output: string): Promise<void> {
  "GC content of each sequence";
  const lines = (await readFile(input, "utf8")).split("\n");
  let out = "";
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const seq = lines[i + 1];
    const gc = [...seq].filter((c) => c === "G" || c === "C").length / Math.max(seq.length, 1);
    out += `${lines[i].slice(1)}\t${gc.toFixed(3)}\n`;
  }
  await writeFile(output, out);
}

async function summarise(inputs: string[], output: string, sample: string): Promise<void> {
  "Mean GC content per sample";
  const values: number[] = [];
  for (const f of inputs) for (const line of (await readFile(f, "utf8")).trim().split("\n")) values.push(Number(line.split("\t")[1]));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  await writeFile(output, `${sample}\t${values.length}\t${mean.toFixed(4)}\n`);
}

async function report(inputs: string[], output: string): Promise<void> {
  "One table for all samples";
  let text = "sample\tsequences\tmean_gc\n";
  for (const f of inputs) text += await readFile(f, "utf8");
  await writeFile(output, text);
}

const p = new Pipeline("tutorial");
const runs = p
  .originate({ task: makeRun, output: SAMPLES.map((s) => `data/${s}.fasta`), extras: [10] })
  .follows(mkdir("data"));
const cleaned = p
  .transform({ task: clean, input: runs, filter: formatter(String.raw`(?P<sample>[^/]+)\.fasta$`), output: "work/{sample[0]}.clean.fasta" })
  .follows(mkdir("work"));
const chunks = p.split({ task: chunk, input: cleaned, output: "work/chunks/*.chunk" }).follows(mkdir("work/chunks"));
const gc = p.transform({ task: gcContent, input: chunks, filter: suffix(".chunk"), output: ".gc" });
const summaries = p
  .collate({ task: summarise, input: gc, filter: regex(String.raw`^.*/(\w+)\.\d+\.gc$`), output: String.raw`results/\1.summary`, extras: [String.raw`\1`] })
  .follows(mkdir("results"));
p.merge({ task: report, input: summaries, output: "results/report.tsv" });

export default p;
