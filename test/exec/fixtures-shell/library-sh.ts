/**
 * Fixture for shell.test.ts: `sh` in a plain script, outside any run, as a library user writes it.
 * The command writes its pid to child.pid and becomes `sleep 30`, to be interrupted once the
 * script has written "started" too. With the argument "own-handler" the script handles SIGINT
 * itself (writes "handled", exits 7), which must stay its own business.
 */
import { writeFileSync } from "node:fs";
import { sh } from "ruffus";

if (process.argv.includes("own-handler")) {
  process.on("SIGINT", () => {
    writeFileSync("handled", "");
    process.exit(7);
  });
}
const running = sh`echo $$ > child.pid; exec sleep 30`;
// The command is started by now (sh starts it before its first await): the test may interrupt us.
writeFileSync("started", "");
await running;
