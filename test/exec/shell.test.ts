/**
 * Shell commands from task functions on the local executor (src/exec/sh.ts, local-executor.ts):
 * the `sh` template's quoting, results and failure messages; `runJob` as Ruffus's run_job
 * (ruffus/test/test_drmaa_wrapper_run_job_locally.py); touchOnly and runLocally; task retries;
 * the parallel limit holding for commands; Ctrl-C of a real `ruff` process leaving no command
 * behind. Pipelines whose jobs run in worker threads or under `ruff` are declared in
 * test/exec/fixtures-shell/.
 */
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import initSqlJs from "sql.js";
import {
  CommandError, Pipeline, RethrownJobError, SlurmExecutor, runJob, sh,
  type CommandResult, type CommandSpec, type Executor, type PipelineEvent,
} from "ruffus";
import { age, exists, inTempDir, mtime, read, write, NODE } from "../helpers.ts";
import * as fx from "./fixtures-shell/shell-pipelines.ts";


const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures-shell/", import.meta.url));

/** The error a promise rejects with (fails if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("expected the promise to reject");
}

/** The single job failure of a run that must fail, as the original error. */
async function runFailure(p: Promise<unknown>): Promise<unknown> {
  const e = await rejection(p);
  assert.ok(e instanceof RethrownJobError, `expected RethrownJobError, got ${String(e)}`);
  assert.equal(e.failures.length, 1);
  return e.failures[0].error;
}

/** An executor that records what it is asked and answers from a script (for runLocally, resources, retryable failures). */
class FakeExecutor implements Executor {
  readonly name = "fake";
  readonly specs: CommandSpec[] = [];
  constructor(private readonly answer: (spec: CommandSpec, call: number) => CommandResult | Promise<CommandResult> = () => ({ code: 0, signal: null, stdout: "fake out\n", stderr: "" })) {}
  async run(spec: CommandSpec): Promise<CommandResult> {
    this.specs.push(spec);
    return this.answer(spec, this.specs.length);
  }
  async cancelAll(): Promise<void> {}
}

/** The command, retried: fails (exit 1, "attempt N failed" on stderr) until the counter file reaches `succeedAt`. */
const flakyCommand = (succeedAt: number, output: string): string =>
  `n=$(( $(cat count 2>/dev/null || echo 0) + 1 )); echo $n > count; ` +
  `if [ $n -lt ${succeedAt} ]; then echo "attempt $n failed" >&2; exit 1; fi; echo ok > ${output}`;

describe("sh", () => {
  test("each interpolated value is one word: spaces, quotes, $, ;, backquotes, globs, newlines, empty strings; arrays are several words", () =>
    inTempDir(async () => {
      const values = ["a b", "it's", '"dq"', "$HOME", "x;y", "`id`", "*", "", "line1\nline2", "--flag=a b", "tab\there", "back\\slash"];
      const r = await sh`printf '%s\\0' ${values[0]} ${values[1]} ${values[2]} ${values[3]} ${values[4]} ${values[5]} ${values[6]} ${values[7]} ${values[8]} ${values[9]} ${values[10]} ${values[11]} > args.bin`;
      assert.deepEqual(r, { stdout: "", stderr: "", exitCode: 0 });
      assert.deepEqual(read("args.bin").split("\0").slice(0, -1), values);

      // Arrays (nested too) give one word per element; numbers are words; null and undefined give nothing.
      await sh`printf '%s\\0' ${["p q", ["r's", ""]]} ${42} ${null} ${undefined} ${[]} ${"last"} > array.bin`;
      assert.deepEqual(read("array.bin").split("\0").slice(0, -1), ["p q", "r's", "", "42", "last"]);

      // The template's own text is still shell: a literal $VAR expands (and splits), an interpolated one does not.
      process.env.RUFFUS_SH_TEST_VAR = "two words";
      try {
        await sh`printf '%s\\0' $RUFFUS_SH_TEST_VAR ${"$RUFFUS_SH_TEST_VAR"} > literal.bin`;
      } finally {
        delete process.env.RUFFUS_SH_TEST_VAR;
      }
      assert.deepEqual(read("literal.bin").split("\0").slice(0, -1), ["two", "words", "$RUFFUS_SH_TEST_VAR"]);
    }));

  test("a file name with spaces and quotes reaches the command intact", () =>
    inTempDir(async () => {
      const name = `my "odd" file's name; rm -rf x.txt`;
      write("x.txt", "keep");
      await sh`echo hello > ${name}`;
      assert.equal(read(name), "hello\n");
      assert.equal(read("x.txt"), "keep");
    }));

  test("resolves to stdout, stderr and exit code 0", async () => {
    const r = await sh`echo out1; echo err1 >&2; printf 'out2'; echo err2 >&2`;
    assert.deepEqual(r, { stdout: "out1\nout2", stderr: "err1\nerr2\n", exitCode: 0 });
  });

  test("a non-zero exit rejects with a CommandError: exit code, command and stderr in the message", async () => {
    const e = await rejection(sh`echo partial; echo e1 >&2; echo ${"e 2"} >&2; exit 3`);
    assert.ok(e instanceof CommandError);
    assert.equal(e.name, "CommandError");
    assert.equal(e.message, "Command failed with exit code 3: echo partial; echo e1 >&2; echo 'e 2' >&2; exit 3\ne1\ne 2");
    assert.equal(e.exitCode, 3);
    assert.equal(e.stdout, "partial\n");
    assert.equal(e.stderr, "e1\ne 2\n");
    assert.equal(e.command, "echo partial; echo e1 >&2; echo 'e 2' >&2; exit 3");
    assert.equal(e.retryable, false);
  });

  test("the message keeps only the last 20 lines of stderr; no stderr, no tail", async () => {
    const e = await rejection(sh`i=1; while [ $i -le 25 ]; do echo line$i >&2; i=$((i + 1)); done; exit 1`);
    assert.ok(e instanceof CommandError);
    const tail = Array.from({ length: 20 }, (_, i) => `line${i + 6}`).join("\n");
    assert.equal(e.message, "Command failed with exit code 1: i=1; while [ $i -le 25 ]; do echo line$i >&2; i=$((i + 1)); done; exit 1\n" + tail);
    assert.equal(e.stderr.split("\n").length, 26);
    const quiet = await rejection(sh`exit 7`);
    assert.ok(quiet instanceof CommandError);
    assert.equal(quiet.message, "Command failed with exit code 7: exit 7");
  });

  test("a command killed by a signal rejects naming the signal", async () => {
    const e = await rejection(sh`echo bye >&2; kill -9 $$`);
    assert.ok(e instanceof CommandError);
    assert.equal(e.message, "Command was killed with SIGKILL: echo bye >&2; kill -9 $$\nbye");
    assert.equal(e.exitCode, null);
    assert.equal(e.result.signal, "SIGKILL");
  });

  test("an exit status above 128 (a shell's report of a signal, or a program's choice) says which signal it would be, hedged", async () => {
    // The shell ran `sleep` in the background and reported its death by SIGTERM as status 143.
    const e = await rejection(sh`sleep 10 & kill -TERM $!; wait $!`);
    assert.ok(e instanceof CommandError);
    assert.equal(e.message.split("\n")[0], "Command failed with exit code 143 (killed by SIGTERM?): sleep 10 & kill -TERM $!; wait $!");
    assert.equal(e.exitCode, 143);
    const chosen = await rejection(sh`exit 200`);
    assert.ok(chosen instanceof CommandError);
    assert.equal(chosen.message, "Command failed with exit code 200: exit 200");
  });

  test("the stack does not repeat the stderr tail (the failure report prints message and stack)", async () => {
    const e = await rejection(sh`echo "tail-$((1 + 1))" >&2; exit 3`);
    assert.ok(e instanceof CommandError);
    assert.equal(e.message, 'Command failed with exit code 3: echo "tail-$((1 + 1))" >&2; exit 3\ntail-2');
    assert.ok(e.stack?.includes('Command failed with exit code 3: echo "tail-$((1 + 1))" >&2; exit 3'), e.stack);
    assert.equal(e.stack?.includes("tail-2"), false, e.stack);
    const report = new RethrownJobError([{ task: "t", job: "Job  = [None -> x]", error: e }]).message;
    assert.equal(report.split("tail-2").length - 1, 1, report);
  });

  test("a missing program is exit code 127 with the shell's complaint", async () => {
    const e = await rejection(sh`ruffus-no-such-program-xyz ${"arg"}`);
    assert.ok(e instanceof CommandError);
    assert.equal(e.exitCode, 127);
    assert.match(e.message, /^Command failed with exit code 127: ruffus-no-such-program-xyz arg\n.*ruffus-no-such-program-xyz.*not found/);
  });
});

describe("bad input to sh and the executors", () => {
  test("an interpolated object, boolean, function or non-finite number is refused, naming it, before anything runs", () =>
    inTempDir(async () => {
      const cases: [unknown, string][] = [
        [{ a: 1 }, 'an object ({"a":1})'],
        [new Map(), "an object (Map)"],
        [true, "the boolean true"],
        [() => 1, "a function (anonymous)"],
        [NaN, "the number NaN"],
        [[["x", false]], "the boolean false inside an array"],
      ];
      for (const [value, what] of cases) {
        const e = await rejection(sh`touch ran; echo ${"a"} ${value}`);
        assert.ok(e instanceof Error && !(e instanceof CommandError), String(e));
        assert.ok(e.message.startsWith(`sh: value 2 in sh\`touch ran; echo \${…} \${…}\` is ${what}, which is no shell word. Interpolate strings, numbers, or arrays of them`), e.message);
      }
      const e = await rejection(sh`echo ${{ path: "x" }}`);
      assert.equal(
        (e as Error).message,
        'sh: value 1 in sh`echo ${…}` is an object ({"path":"x"}), which is no shell word. Interpolate strings, numbers, or arrays of them; pick the part you mean (${x.path}) or convert it yourself (${JSON.stringify(x)}).',
      );
      const b = await rejection(sh`ls ${false}`);
      assert.equal((b as Error).message, 'sh: value 1 in sh`ls ${…}` is the boolean false, which is no shell word. Interpolate strings, numbers, or arrays of them; for an optional word write ${flag ? "-v" : []}.');
      assert.equal(exists("ran"), false);
      // What stays allowed: strings, numbers, bigints, nested arrays of them; null and undefined give no word.
      assert.equal((await sh`printf '%s,' ${"s"} ${1.5} ${10n} ${[["a"], []]} ${null} ${undefined}`).stdout, "s,1.5,10,a,");
    }));

  test("a local command longer than the system takes fails saying so (E2BIG), with the way out and the command shortened", async () => {
    const big = "x".repeat(140000);
    const e = await rejection(sh`echo ${big} | wc -c`);
    assert.ok(e instanceof CommandError, String(e));
    assert.equal(e.exitCode, 126);
    assert.equal(
      e.message,
      "Command could not be started: the command line is 140013 bytes, more than the system allows (E2BIG). " +
        "Pass long lists of file names through a file instead: write them to one (list.txt, a name a line) and run, e.g., `xargs cat < list.txt`, " +
        `or use the program's own option for a file of names: echo ${"x".repeat(995)}… (140013 bytes in all)`,
    );
    assert.equal(e.command, `echo ${big} | wc -c`);
  });

  test("SLURM options that would load the controller or make no sense are refused, naming the option and the limit", () => {
    assert.throws(() => new SlurmExecutor({ pollMs: 0 }), {
      message: 'SLURM option "pollMs" (the config file\'s "slurm" section, or executorOptions) is 0: it must be a number of at least 100 (milliseconds), since polling more often would load the controller everyone shares.',
    });
    assert.throws(() => new SlurmExecutor({ maxQueued: 2.5 }), { message: /^SLURM option "maxQueued" .* is 2\.5: it must be a whole number of at least 1, since at least one job must fit in the queue\.$/ });
    assert.throws(() => new SlurmExecutor({ retryMs: -1 }), /"retryMs" .* is -1: it must be a number of at least 10 \(milliseconds\)/);
    assert.throws(() => new SlurmExecutor({ pollMs: 1000, maxPollMs: 500 }), { message: 'SLURM option "maxPollMs" (500) is less than "pollMs" (1000): the longest poll interval must be at least the first.' });
    new SlurmExecutor({ pollMs: 100, maxPollMs: 100, maxQueued: 1, arrayWindowMs: 0, submitRetryMs: 0 });
  });
});

describe("runJob (Ruffus's test_drmaa_wrapper_run_job_locally.py)", () => {
  test("test_ls: `ls <dir>` gives the lines of stdout, each with its newline", () =>
    inTempDir(async () => {
      mkdirSync("test_drmaa_wrapper_run_job_locally");
      write("test_drmaa_wrapper_run_job_locally/temp.txt", "done");
      const r = await runJob({ cmd: "ls test_drmaa_wrapper_run_job_locally", runLocally: true });
      assert.deepEqual(r, { stdout: ["temp.txt\n"], stderr: [] });
    }));

  test("test_run_job: job_environment replaces the environment, working_directory is PWD; local_echo shows the output and still returns it", () =>
    inTempDir(async (dir) => {
      const home = realpathSync(dir);
      mkdirSync("home");
      const workdir = join(home, "home");
      const cmd = `/bin/sh '${join(FIXTURES, "slow_process_for_testing.sh")}'`;
      const expectOutput = (r: { stdout: string[]; stderr: string[] }): void => {
        assert.deepEqual(r.stdout, ["    Stdout 0\n", "    Stdout 1\n", "    Stdout 2\n", "    Stdout 3\n"]);
        assert.equal(r.stderr.length, 6, r.stderr.join(""));
        assert.deepEqual([0, 2, 3, 4, 5].map((i) => r.stderr[i]), [`     ${workdir}\n`, "    Stderr 0\n", "    Stderr 1\n", "    Stderr 2\n", "    Stderr 3\n"]);
        const env = r.stderr[1];
        assert.ok(env.includes(`PWD=${workdir} `), env);
        assert.ok(env.includes("RUFFUS_HEEHEE=what? "), env);
        // Replaced, not extended: nothing of the test's own environment is there.
        assert.ok(!env.includes("PATH="), env);
        assert.ok(!env.includes("NODE_TEST_CONTEXT"), env);
      };
      const options = { cmd, jobEnvironment: { RUFFUS_HEEHEE: "what?" }, workingDirectory: workdir, runLocally: true };

      // Run echoing to screen: what the command printed also goes to our stdout and stderr as it comes.
      const echoed: string[] = [];
      const origOut = process.stdout.write.bind(process.stdout);
      const origErr = process.stderr.write.bind(process.stderr);
      const capture = (orig: typeof origOut) =>
        ((chunk: unknown, ...rest: unknown[]) => {
          const s = String(chunk);
          if (/ {4}Std(out|err) \d/.test(s) || s.includes(workdir) || s.includes("RUFFUS_HEEHEE")) {
            echoed.push(s);
            return true;
          }
          return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
        }) as typeof process.stdout.write;
      process.stdout.write = capture(origOut);
      process.stderr.write = capture(origErr);
      let loud;
      try {
        loud = await runJob({ ...options, localEcho: true });
      } finally {
        process.stdout.write = origOut;
        process.stderr.write = origErr;
      }
      expectOutput(loud);
      const echoedText = echoed.join("");
      assert.ok(echoedText.includes(`     ${workdir}\n`), echoedText);
      for (let i = 0; i < 4; i++) {
        assert.ok(echoedText.includes(`    Stdout ${i}\n`), echoedText);
        assert.ok(echoedText.includes(`    Stderr ${i}\n`), echoedText);
      }

      // Run silently.
      expectOutput(await runJob(options));
    }));

  test("a failing command rejects with a CommandError; retries: N submits again while it fails", () =>
    inTempDir(async () => {
      const e = await rejection(runJob({ cmd: "echo no >&2; exit 2", runLocally: true }));
      assert.ok(e instanceof CommandError);
      assert.equal(e.message, "Command failed with exit code 2: echo no >&2; exit 2\nno");

      const r = await runJob({ cmd: flakyCommand(3, "flaky.out") + "; echo finished", retries: 2, retryDelayMs: 10 });
      assert.deepEqual(r, { stdout: ["finished\n"], stderr: [] });
      assert.equal(read("count"), "3\n");

      rmSync("count");
      const e2 = await rejection(runJob({ cmd: flakyCommand(3, "flaky.out"), retries: 1, retryDelayMs: 10 }));
      assert.ok(e2 instanceof CommandError);
      assert.match(e2.message, /\nattempt 2 failed$/);
      assert.equal(read("count"), "2\n");
    }));

  test("logger and verbose (Ruffus's run_job): debug lines for start, failure and resubmission, info for the resources used", () =>
    inTempDir(async () => {
      const lines: string[] = [];
      const logger = { debug: (m: string) => lines.push(`debug ${m}`), info: (m: string) => lines.push(`info ${m}`) };
      const cmd = flakyCommand(2, "logged.out");
      await runJob({ cmd, retries: 1, retryDelayMs: 10, logger, verbose: true, runLocally: true });
      const shown = lines.map((l) => l.replace(/process \d+/, "process N").replace(/[\d.]+s of wall-clock/, "Xs of wall-clock"));
      assert.deepEqual(shown, [
        `debug started as process N: ${cmd}`,
        `debug Command failed with exit code 1: ${cmd}`,
        `debug Resubmitting (attempt 2 of 2) in 10 ms: ${cmd}`,
        `debug started as process N: ${cmd}`,
        `info The command used Xs of wall-clock time in running: ${cmd}`,
      ]);
    }));

  test("touchOnly creates or touches outputFiles (nested lists too) and runs nothing", () =>
    inTempDir(async () => {
      write("old.out", "kept");
      age("old.out", 3600);
      const before = mtime("old.out");
      const r = await runJob({ cmd: "touch ran.marker; exit 1", touchOnly: true, outputFiles: ["old.out", ["new1.out", ["new2.out"]]] });
      assert.deepEqual(r, { stdout: [], stderr: [] });
      assert.equal(exists("ran.marker"), false);
      assert.equal(read("old.out"), "kept");
      assert.ok(mtime("old.out") > before + 3000 * 1000, "old.out was not touched");
      assert.equal(read("new1.out"), "");
      assert.equal(read("new2.out"), "");
    }));

  test("inside a run: runJob and sh go to the run's executor with the task's name and resources; runLocally runs here", () =>
    inTempDir(async () => {
      const fake = new FakeExecutor();
      const p = new Pipeline("shell_fake");
      p.originate({
        task: async function submitter(output: string) {
          await runJob({ cmd: "echo local > local.txt", runLocally: true });
          const remote = await runJob({ cmd: "echo remote > remote.txt", jobName: "named", jobOtherOptions: "-q short", workingDirectory: "/somewhere" });
          const viaSh = await sh`echo via sh ${"a b"} > sh.txt`;
          writeFileSync(output, JSON.stringify({ remote, viaSh }));
        },
        output: "submitter.out",
      }).resources({ cpus: 4, memMb: 100, time: "5", partition: "p1", options: ["--qos=x"] });
      await p.run({ verbose: 0, executor: fake });
      assert.equal(read("local.txt"), "local\n");
      assert.equal(exists("remote.txt"), false);
      assert.equal(exists("sh.txt"), false);
      assert.deepEqual(JSON.parse(read("submitter.out")), {
        remote: { stdout: ["fake out\n"], stderr: [] },
        viaSh: { stdout: "fake out\n", stderr: "", exitCode: 0 },
      });
      const resources = { cpus: 4, memMb: 100, time: "5", partition: "p1", options: ["--qos=x"] };
      assert.equal(fake.specs.length, 2);
      assert.equal(fake.specs[0].cmd, "echo remote > remote.txt");
      assert.equal(fake.specs[0].jobName, "named");
      assert.equal(fake.specs[0].jobOtherOptions, "-q short");
      assert.equal(fake.specs[0].cwd, "/somewhere");
      assert.deepEqual(fake.specs[0].resources, resources);
      assert.equal(fake.specs[1].cmd, "echo via sh 'a b' > sh.txt");
      assert.equal(fake.specs[1].jobName, "shell_fake::submitter");
      assert.deepEqual(fake.specs[1].resources, resources);
    }));
});

describe("retries", () => {
  const flakyPipeline = (retries: number): Pipeline => {
    const p = new Pipeline(`shell_retry_${retries}`);
    p.originate({
      task: async function flaky(output: string) {
        await runJob({ cmd: flakyCommand(3, output) });
      },
      output: "flaky.out",
    }).retries(retries, 10);
    return p;
  };

  test(".retries(2, 10): a command that fails the first two times succeeds on the third attempt", () =>
    inTempDir(async () => {
      const events: PipelineEvent[] = [];
      const s = await flakyPipeline(2).run({ verbose: 0, onEvent: (e) => events.push(e) });
      assert.equal(s.jobsRun, 1);
      assert.equal(read("count"), "3\n");
      assert.equal(read("flaky.out"), "ok\n");
      const retries = events.filter((e): e is Extract<PipelineEvent, { type: "jobRetry" }> => e.type === "jobRetry");
      assert.deepEqual(retries.map((e) => [e.attempt, e.of, e.delayMs]), [[2, 3, 10], [3, 3, 20]]);
    }));

  test(".retries(2, 10) goes on after another task's job fails: the run fails, the flaky job still completes and is recorded", () =>
    inTempDir(async () => {
      const p = flakyPipeline(2);
      p.originate({
        task: async function broken(output: string) {
          await runJob({ cmd: `exit 7; touch ${output}` });
        },
        output: "broken.out",
      });
      const e = await runFailure(p.run({ verbose: 0, multithread: 2 }));
      assert.ok(e instanceof CommandError);
      assert.match(e.message, /^Command failed with exit code 7: exit 7; touch broken.out/);
      assert.equal(read("count"), "3\n");
      assert.equal(read("flaky.out"), "ok\n");
      // Recorded: the next run only retries the broken job.
      const again = await runFailure(p.run({ verbose: 0, multithread: 2 }));
      assert.ok(again instanceof CommandError);
      assert.equal(read("count"), "3\n");
    }));

  test(".retries(1, 10): still failing on the second attempt fails the run with the command's error", () =>
    inTempDir(async () => {
      const e = await runFailure(flakyPipeline(1).run({ verbose: 0 }));
      assert.ok(e instanceof CommandError);
      assert.equal(e.message, `Command failed with exit code 1: ${flakyCommand(3, "flaky.out")}\nattempt 2 failed`);
      assert.equal(read("count"), "2\n");
      assert.equal(exists("flaky.out"), false);
    }));

  test("without .retries a failing command runs once", () =>
    inTempDir(async () => {
      const p = new Pipeline("shell_retry_none");
      p.originate({ task: async function once(output: string) { await runJob({ cmd: flakyCommand(2, output) }); }, output: "once.out" });
      const e = await runFailure(p.run({ verbose: 0 }));
      assert.ok(e instanceof CommandError);
      assert.equal(read("count"), "1\n");
    }));

  test("retryable failures (node failure, preemption) are tried again up to 3 times without .retries", () =>
    inTempDir(async () => {
      const nodeFail = (failures: number) =>
        new FakeExecutor((spec, call) => {
          if (call <= failures) {
            throw new CommandError(spec.cmd, { code: null, signal: null, stdout: "", stderr: "node died\n", state: "NODE_FAIL", jobId: String(call) }, true);
          }
          return { code: 0, signal: null, stdout: "", stderr: "" };
        });
      const pipeline = (name: string): Pipeline => {
        const p = new Pipeline(name);
        p.originate({ task: async function onCluster(output: string) { await sh`make ${output}`; writeFileSync(output, "x"); }, output: `${name}.out` })
          .retries(0, 5); // no retries of its own; a short back-off
        return p;
      };
      const three = nodeFail(3);
      await pipeline("shell_nodefail_3").run({ verbose: 0, executor: three });
      assert.equal(three.specs.length, 4);
      assert.equal(read("shell_nodefail_3.out"), "x");

      const four = nodeFail(4);
      const e = await runFailure(pipeline("shell_nodefail_4").run({ verbose: 0, executor: four }));
      assert.equal(four.specs.length, 4);
      assert.ok(e instanceof CommandError);
      assert.equal(e.message, "Command ended NODE_FAIL (SLURM job 4): make shell_nodefail_4.out\nnode died");
      assert.equal(exists("shell_nodefail_4.out"), false);
    }));
});

describe("the parallel limit holds for commands", () => {
  /** The most commands running at once, from the start/end markers in overlap.log. */
  function mostAtOnce(): { most: number; starts: number; ends: number } {
    let now = 0;
    let most = 0;
    let starts = 0;
    let ends = 0;
    for (const line of read("overlap.log").split("\n").filter(Boolean)) {
      if (line.startsWith("start ")) {
        starts++;
        most = Math.max(most, ++now);
      } else if (line.startsWith("end ")) {
        ends++;
        now--;
      } else assert.fail(`unexpected line ${line}`);
    }
    return { most, starts, ends };
  }

  for (const mode of ["multithread", "multiprocess"] as const) {
    test(`6 shell jobs with ${mode}: 2 never have more than 2 commands running (and do have 2)`, () =>
      inTempDir(async () => {
        const s = await fx.overlapping.run({ verbose: 0, [mode]: 2 });
        assert.equal(s.jobsRun, 6);
        assert.deepEqual(mostAtOnce(), { most: 2, starts: 6, ends: 6 });
        for (const n of fx.SIX) assert.equal(read(`${n}.overlap`), "done\n");
      }));
  }

  test("a command failing in a worker thread fails the run with its CommandError message", () =>
    inTempDir(async () => {
      const e = await runFailure(fx.failingInWorker.run({ verbose: 0, multiprocess: 2 }));
      assert.equal((e as Error).name, "CommandError");
      assert.equal((e as Error).message, "Command failed with exit code 4: echo made > worker.out; echo \"worker went wrong\" >&2; exit 4\nworker went wrong");
    }));
});

/** What Deno's child_process reports as a signal when the exit status was 128 + its number. */
const DENO_STATUS: Partial<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

describe("shell jobs under a real ruff process", () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A temp dir holding a copy of the fixture (and package.json when asked). */
  function workdir(fixture: string, packageJson: boolean): string {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ruff-shell-")));
    dirs.push(dir);
    copyFileSync(join(FIXTURES, fixture), join(dir, fixture));
    if (packageJson) writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true })); // as `ruff init` writes
    return dir;
  }

  /** Starts `node src/cli/ruff.mjs args...` in `dir`. */
  function startRuff(dir: string, args: string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    for (const k of ["NODE_TEST_CONTEXT", "FORCE_COLOR", "NODE_OPTIONS", "DEFAULT_RUFFUS_CHECKSUM_LEVEL", "DEFAULT_RUFFUS_HISTORY_FILE"]) delete env[k];
    const child = spawn(NODE, [join(REPO, "src/cli/ruff.mjs"), ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const out = { stdout: "", stderr: "" };
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out.stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out.stderr += d));
    // Deno's child_process reports an exit status above 128 as the matching signal instead.
    const exited = new Promise<number | null>((resolve) =>
      child.on("close", (code, signal) => resolve(code ?? ("Deno" in globalThis && signal ? (DENO_STATUS[signal] ?? null) : null))),
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), 60000);
    void exited.then(() => clearTimeout(timer));
    return { child, out, exited };
  }

  /** Processes running `sleep 30` whose working directory is `dir` (the jobs of that run). */
  function sleepsIn(dir: string): number[] {
    const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
    const pids: number[] = [];
    for (const line of out.split("\n").slice(1)) {
      const m = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (!m || !/(^|\/)sleep 30$/.test(m[2])) continue;
      try {
        if (readlinkSync(`/proc/${m[1]}/cwd`) === dir) pids.push(Number(m[1]));
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return pids;
  }

  test("a config file with \"pollMs\": 0 fails before anything runs, naming the option, and leaves no lock behind", async () => {
    const dir = workdir("echoes.ts", true);
    writeFileSync(join(dir, "ruffus.config.json"), JSON.stringify({ executor: "slurm", slurm: { pollMs: 0 } }));
    const { out, exited } = startRuff(dir, ["echoes.ts"]);
    assert.equal(await exited, 2, out.stderr);
    assert.ok(out.stderr.includes('SLURM option "pollMs" (the config file\'s "slurm" section, or executorOptions) is 0: it must be a number of at least 100 (milliseconds)'), out.stderr);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(".ruffus_history")), []);
    assert.equal(existsSync(join(dir, "a.echo")), false);
  });

  test("ruff -j 2 runs the shell jobs of a .ts pipeline in worker threads, with or without a package.json", async () => {
    for (const packageJson of [true, false]) {
      const dir = workdir("echoes.ts", packageJson);
      const { out, exited } = startRuff(dir, ["echoes.ts", "-j", "2"]);
      assert.equal(await exited, 0, `package.json: ${packageJson}\n${out.stderr}`);
      assert.equal(readFileSync(join(dir, "a.echo"), "utf8"), "a.echo\n");
      assert.equal(readFileSync(join(dir, "b.echo"), "utf8"), "b.echo\n");
    }
  });

  const modes = [
    ["-j 2 (worker threads)", ["-j", "2"], 2, "sh", "SIGINT"],
    ["sequential", [], 1, "sh", "SIGINT"],
    // A command that runJob would retry is not started again once the run is stopping.
    ["sequential, runJob with retries: 3", [], 1, "retries", "SIGINT"],
    // runJob({ runLocally }) under another executor still runs in the run's process groups.
    ["runJob({ runLocally }) under --executor slurm, --use-threads -j 2", ["--executor", "slurm", "--use-threads", "-j", "2"], 2, "local", "SIGINT"],
    // A closed terminal: SIGHUP stops the run as SIGTERM does (before, ruff died and left its commands running).
    ["-j 2 (worker threads)", ["-j", "2"], 2, "sh", "SIGHUP"],
  ] as const;
  const statusOf = { SIGINT: 130, SIGHUP: 129 } as const;
  for (const [mode, args, jobs, how, signal] of modes) {
    test(`${signal}, ${mode}: exit ${statusOf[signal]}, no \`sleep 30\` of the run is left, and the jobs' outputs are not recorded`, async () => {
      const dir = workdir("sleepers.ts", true);
      writeFileSync(join(dir, "mode"), how);
      const { child, out, exited } = startRuff(dir, ["sleepers.ts", ...args]);
      try {
        const started = () => ["a", "b"].filter((n) => existsSync(join(dir, `${n}.out.started`))).length;
        for (let i = 0; i < 1000 && started() < jobs; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(started(), jobs, `the jobs did not start:\n${out.stderr}`);
        // The commands are running now (this is what would be left behind).
        let before: number[] = [];
        for (let i = 0; i < 100 && before.length < jobs; i++) {
          before = sleepsIn(dir);
          if (before.length < jobs) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(before.length, jobs, `expected ${jobs} 'sleep 30' processes in ${dir}`);
        child.kill(signal);
        assert.equal(await exited, statusOf[signal], out.stderr);
        assert.ok(out.stderr.includes(`interrupted by ${signal}`), out.stderr);
        // Killed with their process groups: gone (allowing the kernel a moment to reap them).
        let left = sleepsIn(dir);
        for (let i = 0; i < 50 && left.length; i++) {
          await new Promise((r) => setTimeout(r, 20));
          left = sleepsIn(dir);
        }
        assert.deepEqual(left, [], `'sleep 30' processes left behind: ${left.join(", ")}`);
        // The outputs exist (the commands wrote them first) but are not recorded as complete.
        assert.equal(readFileSync(join(dir, "a.out"), "utf8"), "partial\n");
        const SQL = await initSqlJs();
        const db = new SQL.Database(readFileSync(join(dir, ".ruffus_history.sqlite")));
        try {
          assert.deepEqual(db.exec("SELECT path FROM outputs"), []);
          const failures = db.exec("SELECT job, error FROM failures ORDER BY job")[0]?.values ?? [];
          assert.deepEqual(failures.map((r) => r[1]), Array(jobs).fill(`interrupted by ${signal}`));
        } finally {
          db.close();
        }
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        for (const pid of sleepsIn(dir)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // gone
          }
        }
      }
    });
  }

  test("a second SIGINT while the first waits for commands that ignore SIGTERM: exit 130 at once, and their process groups are SIGKILLed", async () => {
    const dir = workdir("sleepers.ts", true);
    writeFileSync(join(dir, "mode"), "stubborn");
    const { child, out, exited } = startRuff(dir, ["sleepers.ts", "-j", "2"]);
    try {
      let running: number[] = [];
      for (let i = 0; i < 1000 && running.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        running = sleepsIn(dir);
      }
      assert.equal(running.length, 2, `the jobs did not start:\n${out.stderr}`);
      // The first SIGINT sends SIGTERM, which these commands ignore; the second must not leave them behind.
      child.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 200));
      child.kill("SIGINT");
      assert.equal(await exited, 130, out.stderr);
      let left = sleepsIn(dir);
      for (let i = 0; i < 50 && left.length; i++) {
        await new Promise((r) => setTimeout(r, 20));
        left = sleepsIn(dir);
      }
      assert.deepEqual(left, [], `'sleep 30' processes left behind: ${left.join(", ")}`);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      for (const pid of sleepsIn(dir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
    }
  });
});

describe("sh outside a run (a plain script)", { skip: (NODE !== process.execPath) && "starts the script under every runtime itself: run once, by the Node test run" }, () => {
  const script = join(FIXTURES, "library-sh.ts");
  const runtimes = {
    node: [process.execPath, "--import", import.meta.resolve("tsx"), script],
    bun: [join(REPO, "node_modules/.bin/bun"), script],
    deno: [join(REPO, "node_modules/.bin/deno"), "run", "-A", "--no-check", "--config", join(REPO, "deno.json"), script],
  };
  /** Alive and not a zombie (this machine's init may reap late). */
  const alive = (pid: number): boolean => {
    try {
      return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
      return false;
    }
  };
  for (const [runtime, argv] of Object.entries(runtimes)) {
    for (const ownHandler of [false, true]) {
      test(`${runtime}${ownHandler ? ", the script handling SIGINT itself" : ""}: Ctrl-C ends the script as before, and the command's process group with it`, () =>
        inTempDir(async () => {
          const env: NodeJS.ProcessEnv = { ...process.env };
          for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS"]) delete env[k];
          // tsx finds "ruffus" (the sources) through the repository's tsconfig, not the temporary directory's.
          env.TSX_TSCONFIG_PATH = join(REPO, "tsconfig.json");
          const child = spawn(argv[0], [...argv.slice(1), ...(ownHandler ? ["own-handler"] : [])], { env, stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
          const ended = new Promise<[number | null, string | null]>((resolve) => child.on("close", (code, signal) => resolve([code, signal])));
          let pid = 0;
          try {
            for (let i = 0; i < 1500 && !pid; i++) {
              await new Promise((r) => setTimeout(r, 20));
              pid = exists("child.pid") && exists("started") ? Number(read("child.pid").trim()) || 0 : 0;
            }
            assert.ok(pid > 0, `the command did not start:\n${stderr}`);
            assert.ok(alive(pid));
            child.kill("SIGINT");
            // Without a handler of its own the script dies of SIGINT, as any script would; with one, the handler decides.
            assert.deepEqual(await ended, ownHandler ? [7, null] : [null, "SIGINT"], stderr);
            assert.equal(exists("handled"), ownHandler);
            for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
            assert.equal(alive(pid), false, "the command outlived the script");
          } finally {
            if (child.exitCode === null) child.kill("SIGKILL");
            if (pid && alive(pid)) process.kill(pid, "SIGKILL");
          }
        }));
    }
  }
});
