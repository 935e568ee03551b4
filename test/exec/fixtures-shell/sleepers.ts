/**
 * Fixture for shell.test.ts, run by `ruff -j 2`: two jobs that create their output, say so in
 * "<output>.started", then `sleep 30` — to be interrupted with SIGINT.
 */
import { Pipeline, sh } from "ruffus";

const p = new Pipeline("sleepers");
p.originate({
  task: async function sleeper(output: string) {
    await sh`echo partial > ${output}; touch ${output}.started; sleep 30; echo done > ${output}`;
  },
  output: ["a.out", "b.out"],
});
export default p;
