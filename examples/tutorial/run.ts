/**
 * Runs the tutorial pipeline in this directory and shows its report.
 * (With the `ruff` binary this is simply `ruff pipeline.ts -v 3`.)
 */
import { readFile } from "node:fs/promises";
import pipeline from "./pipeline.ts";

await pipeline.run({ verbose: 3, multithread: 2 });
process.stdout.write("\n" + (await readFile("results/report.tsv", "utf8")));
