/**
 * Fixture for shell.test.ts, run by `ruff -j 2` from a directory with no package.json: two jobs
 * whose shell commands write their outputs.
 */
import { Pipeline, sh } from "ruffus";

const p = new Pipeline("echoes");
p.originate({
  task: async function echo(output: string) {
    await sh`echo ${output} > ${output}`;
  },
  output: ["a.echo", "b.echo"],
});
export default p;
