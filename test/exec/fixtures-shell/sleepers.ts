/**
 * Fixture for shell.test.ts, run by `ruff`: two jobs that create their output, say so in
 * "<output>.started", then `sleep 30` — to be interrupted with SIGINT. The file "mode" picks how
 * the command runs: `sh` (default), `runJob` with retries, `runJob` with runLocally, or `sh` with a
 * command that ignores SIGTERM ("stubborn": only SIGKILL stops it).
 */
import { existsSync, readFileSync } from "node:fs";
import { Pipeline, runJob, sh } from "ruffus";

const mode = existsSync("mode") ? readFileSync("mode", "utf8").trim() : "sh";

const p = new Pipeline("sleepers");
p.originate({
  task: async function sleeper(output: string) {
    const cmd = `echo partial > ${output}; touch ${output}.started; sleep 30; echo done > ${output}`;
    if (mode === "retries") await runJob({ cmd, retries: 3 });
    else if (mode === "local") await runJob({ cmd, runLocally: true });
    else if (mode === "stubborn") await sh`trap '' TERM; echo partial > ${output}; touch ${output}.started; sleep 30; echo done > ${output}`;
    else await sh`echo partial > ${output}; touch ${output}.started; sleep 30; echo done > ${output}`;
  },
  output: ["a.out", "b.out"],
});
export default p;
