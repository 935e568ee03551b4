/**
 * Commands as SLURM batch jobs, through the command-line tools (there is no SLURM DRMAA for
 * Debian, nor on npm):
 *
 * - each command becomes a job script in `scriptDirectory` that records its exit status in a file
 *   beside it — the most robust way to learn how a job ended on any cluster (Ruffus 2.8.4 never
 *   checked cluster exit codes at all);
 * - commands with the same resources submitted within a short window go out as one job array
 *   (sliced to the cluster's MaxArraySize);
 * - at most `maxSubmitting` sbatch processes run at once; submit-limit refusals are retried with
 *   back-off; one `squeue` call per poll covers every job in flight, polling backs off when nothing
 *   changes, and at most `maxQueued` jobs are in the queue at once;
 * - a job squeue says can never start is cancelled and failed (unless `failUnsatisfiable: false`);
 *   a job that leaves the queue without writing its exit status is looked up with sacct/scontrol,
 *   and failed as retryable if nothing knows how it ended;
 * - node failures, preemption and boot failures are marked retryable; Ctrl-C `scancel`s everything,
 *   retrying, and names the jobs it could not cancel.
 */
import { RuffusError } from "../core/errors.ts";
import { rt } from "../core/runtime.ts";
import { abspath } from "../core/paths.ts";
import { CommandError, signalName, type CommandResult, type CommandSpec, type Executor, type Resources } from "./executor.ts";
import { shellQuote } from "./shell-quote.ts";
import { noteClusterJob, registerJobCanceller, type ClusterJobNote } from "./cluster-jobs.ts";

/** Options of the SLURM executor (config file `slurm` section, or `executorOptions`). */
export interface SlurmOptions {
  /** Most jobs in the queue at once (default 1000). */
  readonly maxQueued?: number;
  /** Most sbatch processes at once (default 4). */
  readonly maxSubmitting?: number;
  /** First and longest poll interval, ms (default 500 and 5000). */
  readonly pollMs?: number;
  readonly maxPollMs?: number;
  /** Commands submitted within this many ms with the same resources form one job array (default 150; 0: never). */
  readonly arrayWindowMs?: number;
  /** Default partition and options for every job. */
  readonly partition?: string;
  readonly options?: readonly string[];
  /**
   * A job squeue says can never start as it is (reason PartitionConfig, InvalidQOS, QOSMax…PerJob…)
   * is cancelled and fails (default true); false: warn once and leave it waiting.
   */
  readonly failUnsatisfiable?: boolean;
  /**
   * How long a job may be gone from squeue without its exit file appearing (a shared file system's
   * delay) before sacct or scontrol is asked how it ended (default 30000 ms).
   */
  readonly lostJobGraceMs?: number;
  /** First wait of the back-off when sbatch or scancel must be tried again, ms (default 500). */
  readonly retryMs?: number;
  /**
   * How long sbatch is tried again while the controller does not answer ("Unable to contact slurm
   * controller", "Socket timed out"), ms (default 300000: five minutes). After that the job fails as
   * a scheduler failure, which the run retries as it retries node failures.
   */
  readonly submitRetryMs?: number;
  /** The commands, if not on PATH under these names. */
  readonly sbatch?: string;
  readonly squeue?: string;
  readonly scontrol?: string;
  readonly scancel?: string;
  readonly sacct?: string;
  /** Where warnings go (a job that cannot start, jobs that could not be cancelled); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Reasons squeue gives for a pending job that cannot start until someone changes the job or the
 * cluster's configuration: the request exceeds what the partition, account or QOS allows, or names
 * nodes that do not exist. "Resources" or "Priority" only mean waiting; holds and begin times are
 * the user's choice.
 */
const NEVER_STARTS =
  /^(PartitionConfig|PartitionNodeLimit|PartitionTimeLimit|InvalidAccount|InvalidQOS|BadConstraints|DependencyNeverSatisfied|AccountNotAllowed|QOSNotAllowed|QOSMin\w*|QOSMax\w*PerJob\w*|AssocMax\w*PerJob\w*|ReqNodeNotAvail(,\s*UnavailableNodes:)?\s*)$/;
/** Reasons that last until an administrator acts (a partition or the requested nodes are down): warned about, not failed. */
const UNTIL_AN_ADMIN_ACTS = /^(PartitionDown|PartitionInactive|NodeDown|ReqNodeNotAvail.*)$/;

/** sbatch and squeue errors that mean "try again": the controller is busy or unreachable. */
const TRANSIENT =
  /Socket timed out|Unable to contact|Zero Bytes|temporarily unavailable|try again|slurm_load_jobs error|Communication connection failure|Connection refused|Transport endpoint|Connection timed out/i;
/** sbatch refusals that clear as jobs leave the queue: a per-user or per-account submit limit. */
const SUBMIT_LIMIT = /MaxSubmitJob|violates accounting\/QOS policy|submit limit|Job submit\/allocate failed: .*limit/i;

/** End states the scheduler itself brings about (the command did not simply exit). */
const SCHEDULER_ENDED = new Set(["CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "DEADLINE", "PREEMPTED"]);
const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"]);
const RETRYABLE = new Set(["NODE_FAIL", "PREEMPTED", "BOOT_FAIL"]);

/** A valid name for `export NAME=…` in the job script. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Pending {
  spec: CommandSpec;
  script: string;
  resolve: (r: CommandResult) => void;
  reject: (e: unknown) => void;
}

interface InFlight {
  id: string;
  pending: Pending;
  exitFile: string;
  outFile: string;
  errFile: string;
  lastState: string;
  /** Warned that it waits for what it cannot get. */
  warned?: boolean;
  /** When a successful squeue first left it out while its exit file was not there. */
  goneSince?: number;
}

/** What sacct or scontrol knows about a job. */
interface Known {
  state: string;
  code: number | null;
  signal: string | null;
}

/** sbatch refused the job (after the retries worth making). */
class SubmitFailure extends Error {
  constructor(
    readonly code: number | null,
    readonly stderr: string,
    /** How long sbatch could not reach the controller before ruff gave up, ms; undefined for a refusal. */
    readonly unreachable?: number,
  ) {
    super(stderr);
  }
}

let scriptCounter = 0;

/**
 * Commands as SLURM batch jobs (see the module comment): what `executor: "slurm"` and
 * `ruff --executor slurm` use.
 *
 * @example
 * await p.run({ multithread: 200, executor: new SlurmExecutor({ partition: "short", maxQueued: 500 }) });
 */
export class SlurmExecutor implements Executor {
  readonly name = "slurm";
  private readonly inFlight = new Map<string, InFlight>();
  private readonly batch = new Map<string, Pending[]>();
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private pollInterval: number;
  private readonly waitingForRoom: (() => void)[] = [];
  private submitting = 0;
  private sbatchRunning = 0;
  private readonly waitingForSbatch: (() => void)[] = [];
  private readonly pauses = new Set<() => void>();
  private maxArraySize: Promise<number> | undefined;
  private sacctWorks = true;
  /** Jobs whose scancel is under way (a second Ctrl-C sends it again). */
  private readonly cancelling = new Set<string>();
  private cancellation: Promise<void> | undefined;
  private closed = false;
  private cancelled = false;
  /**
   * Slices being written and submitted (sbatch may be running): Ctrl-C waits for them, since a job
   * sbatch submits exists even if ruff is gone by then, and nobody would cancel it.
   */
  private readonly submissions = new Set<Promise<void>>();
  /** While cancelAll waits for those: jobs they submitted after the stop, for it to cancel. */
  private late: InFlight[] | undefined;
  /** The files of the last failed attempt of each command, removed when it is tried again. */
  private readonly failedFiles = new Map<string, string[]>();
  /** Since when squeue has not answered, and whether that was said. */
  private squeueFailingSince: number | undefined;
  private squeueWarned = false;
  /** Said that sbatch cannot reach the controller (once until it can again). */
  private unreachableWarned = false;
  /**
   * Submissions and polls made (for tests and the benchmark: one poll call covers many jobs).
   *
   * @example
   * console.log(`${slurm.stats.sbatch} sbatch calls, ${slurm.stats.squeue} squeue polls`);
   */
  readonly stats = { sbatch: 0, squeue: 0, scontrol: 0, scancel: 0, sacct: 0, arrays: 0 };

  constructor(private readonly o: SlurmOptions = {}) {
    checkOptions(o);
    this.pollInterval = o.pollMs ?? 500;
  }

  /**
   * Submits the command as a batch job (grouped into a job array with others of the same
   * resources) and resolves when it ended, with its exit status and output files' text.
   *
   * @example
   * const r = await new SlurmExecutor().run({ cmd: "bwa mem ref.fa a.fq > a.sam", resources: { cpus: 4, memMb: 8000 } });
   */
  run(spec: CommandSpec): Promise<CommandResult> {
    // As the local executor: a missing working directory fails the command (sbatch would make it).
    if (spec.cwd !== undefined && !rt().stat(abspath(spec.cwd, rt().cwd()))?.isDirectory) {
      return Promise.resolve({ code: 126, signal: null, stdout: "", stderr: `working directory ${spec.cwd} does not exist\n` });
    }
    try {
      checkEnvironment(spec);
    } catch (e) {
      return Promise.reject(e);
    }
    // Used again after the end of a run (close()): polling resumes with the next submission.
    this.closed = false;
    return new Promise((resolve, reject) => {
      const p: Pending = { spec, script: "", resolve, reject };
      const key = batchKey(spec);
      const list = this.batch.get(key) ?? [];
      list.push(p);
      this.batch.set(key, list);
      const window = this.o.arrayWindowMs ?? 150;
      if (window <= 0) this.flushBatches();
      else this.batchTimer ??= setTimeout(() => this.flushBatches(), window);
    });
  }

  private warn(message: string): void {
    (this.o.onWarning ?? ((m: string) => rt().stderr.write(`ruff: ${m}\n`)))(message);
  }

  /** Waits `ms`, or less when the run is stopped. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.pauses.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pauses.add(done);
    });
  }

  private flushBatches(): void {
    this.batchTimer = undefined;
    const batches = [...this.batch.values()];
    this.batch.clear();
    for (const b of batches) void this.submit(b).catch((e) => b.forEach((p) => p.reject(e)));
  }

  /**
   * Waits for room under maxQueued and reserves places for up to `want` jobs: as many as fit, but
   * not fewer than a tenth of maxQueued (or `want`), so that each sbatch submits a worthwhile array
   * while the queue stays at least nine tenths full. No await between the check and the reservation.
   */
  private async reserve(want: number): Promise<number> {
    const max = this.o.maxQueued ?? 1000;
    const least = Math.min(want, Math.max(1, Math.floor(max / 10)));
    for (;;) {
      if (this.cancelled) throw new Error("The run was stopped before this job was submitted.");
      const room = max - this.inFlight.size - this.submitting;
      if (room >= least) {
        const n = Math.min(want, room);
        this.submitting += n;
        return n;
      }
      await new Promise<void>((r) => this.waitingForRoom.push(r));
    }
  }

  /** A job left the queue (or will not enter it): submissions waiting for room look again. */
  private roomMade(): void {
    this.waitingForRoom.splice(0).forEach((w) => w());
  }

  /** The cluster's MaxArraySize (array indices go up to one less), asked once; 1001, SLURM's default, if scontrol does not say. */
  private arrayLimit(): Promise<number> {
    this.maxArraySize ??= (async () => {
      this.stats.scontrol++;
      const child = rt().spawnProcess(this.o.scontrol ?? "scontrol", ["show", "config"]);
      await child.exited;
      const m = /^MaxArraySize\s*=\s*(\d+)/m.exec(child.stdout());
      return m ? Number(m[1]) : 1001;
    })();
    return this.maxArraySize;
  }

  /**
   * Writes the scripts and submits one job, or arrays for several commands: each slice as large as
   * the room in the queue (maxQueued) and the cluster's array size allow, so that the queue refills
   * as jobs leave it rather than once it is empty.
   */
  private async submit(list: Pending[]): Promise<void> {
    const arrayMax = list.length > 1 ? Math.max(1, await this.arrayLimit()) : 1;
    for (let i = 0; i < list.length; ) {
      const n = await this.reserve(Math.min(list.length - i, arrayMax));
      const slice = list.slice(i, (i += n));
      const submission = this.submitSlice(slice);
      this.submissions.add(submission);
      try {
        await submission;
      } finally {
        this.submissions.delete(submission);
        this.submitting -= slice.length;
        this.roomMade();
      }
    }
  }

  private async submitSlice(list: Pending[]): Promise<void> {
    const first = list[0].spec;
    const cwd = abspath(first.cwd ?? rt().cwd(), rt().cwd());
    // A jobScriptDirectory given is relative to where ruff runs (as Ruffus's); the default is beside the job.
    const dir = first.scriptDirectory !== undefined ? abspath(first.scriptDirectory, rt().cwd()) : abspath(".ruffus_jobs", cwd);
    await rt().mkdirp(dir);
    const base = `${safeName(first.jobName ?? "ruffus_job")}_${Date.now().toString(36)}_${rt().pid}_${++scriptCounter}`;
    const array = list.length > 1;
    const files = list.map((p, i) => {
      const stem = array ? `${dir}/${base}.${i}` : `${dir}/${base}`;
      return { script: `${stem}.sh`, exit: `${stem}.exit`, out: `${stem}.out`, err: `${stem}.err` };
    });
    for (const [i, p] of list.entries()) {
      p.script = files[i].script;
      await rt().writeTextFile(files[i].script, jobScript(p.spec, files[i].exit, cwd, files[i].script));
    }
    const args = ["--parsable", "-J", first.jobName ?? "ruffus_job", "-D", cwd, ...resourceArgs(first.resources, this.o), ...splitOptions(first.jobOtherOptions)];
    let entry: string;
    if (array) {
      entry = `${dir}/${base}.array.sh`;
      // The directory is quoted as one word (it may hold spaces, quotes, $ or backquotes); the index is the shell's.
      await rt().writeTextFile(entry, `#!/bin/sh\nexec /bin/sh ${shellQuote(`${dir}/${base}.`)}"$SLURM_ARRAY_TASK_ID".sh\n`);
      args.push(`--array=0-${list.length - 1}`, "-o", `${dir}/${base}.%a.out`, "-e", `${dir}/${base}.%a.err`);
      this.stats.arrays++;
    } else {
      entry = files[0].script;
      args.push("-o", files[0].out, "-e", files[0].err);
    }
    const what = array ? `an array of ${list.length} jobs of ${first.jobName ?? "ruffus_job"}` : `the job of ${first.jobName ?? "ruffus_job"}`;
    let jobId: string;
    try {
      jobId = await this.sbatch([...args, entry], what);
    } catch (e) {
      // Nothing was queued: the scripts would only pile up.
      if (!first.retainJobScript) for (const f of [...files.map((f) => f.script), ...(array ? [entry] : [])]) await rt().removeFile(f);
      if (!(e instanceof SubmitFailure)) throw e;
      const how = e.unreachable
        ? `could not be submitted to SLURM: sbatch could not reach the controller for ${duration(e.unreachable)} (exit code ${e.code ?? "none"})`
        : `could not be submitted to SLURM (sbatch failed with exit code ${e.code ?? "none"})`;
      for (const p of list) {
        // An unreachable controller is the cluster's failure, not the command's: retried as a node failure is.
        const result: CommandResult = { code: e.code, signal: null, stdout: "", stderr: e.stderr, state: "SUBMIT_FAILED", description: how };
        p.reject(new CommandError(p.spec.cmd, result, e.unreachable !== undefined));
      }
      return;
    }
    // Noted at once (synchronously): a run taking over after a kill -9 of this one cancels it.
    noteClusterJob({ scheduler: "slurm", id: jobId, scancel: this.o.scancel ?? "scancel", squeue: this.o.squeue ?? "squeue" });
    // sbatch read the array's entry script already; each task runs its own script.
    if (array && !first.retainJobScript) await rt().removeFile(entry);
    const jobs: InFlight[] = list.map((p, i) => {
      const id = array ? `${jobId}_${i}` : jobId;
      return { id, pending: p, exitFile: files[i].exit, outFile: files[i].out, errFile: files[i].err, lastState: "PENDING" };
    });
    if (this.cancelled) {
      // Stopped while sbatch ran: the job exists now, so it is cancelled too, with the others if
      // cancelAll is still waiting for submissions, else here.
      if (this.late) this.late.push(...jobs);
      else await this.cancelJobs(jobs);
      return;
    }
    for (const job of jobs) {
      this.inFlight.set(job.id, job);
      job.pending.spec.onStatus?.(`submitted as SLURM job ${job.id}`);
    }
    this.schedulePoll(this.o.pollMs ?? 500);
  }

  /** Runs one sbatch when fewer than maxSubmitting are running. */
  private async sbatchOnce(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    while (this.sbatchRunning >= (this.o.maxSubmitting ?? 4)) await new Promise<void>((r) => this.waitingForSbatch.push(r));
    // Woken by cancelAll (or by a finished sbatch after it): submit nothing more.
    if (this.cancelled) throw new Error("The run was stopped before this job was submitted.");
    this.sbatchRunning++;
    try {
      this.stats.sbatch++;
      const child = rt().spawnProcess(this.o.sbatch ?? "sbatch", args);
      const { code } = await child.exited;
      return { code, stdout: child.stdout(), stderr: child.stderr() };
    } finally {
      this.sbatchRunning--;
      this.waitingForSbatch.shift()?.();
    }
  }

  /**
   * sbatch, tried again with back-off (doubling, at most 30 s apart) while the controller does not
   * answer, for up to `submitRetryMs` (5 minutes); and while a submit limit refuses the job: as long
   * as jobs of this run are queued (they will make room), and 5 times more after that.
   */
  private async sbatch(args: string[], what: string): Promise<string> {
    const first = this.o.retryMs ?? 500;
    const patience = this.o.submitRetryMs ?? 300000;
    let unreachableSince: number | undefined;
    let transient = 0;
    let limited = 0;
    for (;;) {
      if (this.cancelled) throw new Error("The run was stopped before this job was submitted.");
      const r = await this.sbatchOnce(args);
      const id = r.stdout.trim().split(";")[0];
      if (r.code === 0 && /^\d+$/.test(id)) {
        this.unreachableWarned = false;
        return id;
      }
      const err = r.stderr.trim() || r.stdout.trim();
      if (TRANSIENT.test(err)) {
        unreachableSince ??= rt().now();
        const wait = Math.min(30000, first * 2 ** transient++);
        const waited = rt().now() - unreachableSince;
        if (waited + wait > patience) throw new SubmitFailure(r.code, `${err}\n`, Math.max(waited, 1));
        if (transient === 3 && !this.unreachableWarned) {
          this.unreachableWarned = true;
          this.warn(`sbatch cannot reach the SLURM controller (${err.split("\n")[0]}); submitting again with back-off for up to ${duration(patience)}.`);
        }
        await this.pause(wait);
      } else if (SUBMIT_LIMIT.test(err) && (this.inFlight.size > 0 || limited < 5)) {
        if (limited === 0) this.warn(`sbatch refused ${what} (${err.split("\n")[0]}); submitting it again with back-off as the queue drains.`);
        await this.pause(Math.min(60000, first * 4 * 2 ** Math.min(limited++, 8)));
      } else {
        throw new SubmitFailure(r.code, err ? `${err}\n` : "");
      }
    }
  }

  private schedulePoll(ms: number): void {
    if (this.closed || this.pollTimer || !this.inFlight.size) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, ms);
  }

  /** One squeue call for every job in flight. */
  private async poll(): Promise<void> {
    const ids = [...this.inFlight.keys()];
    if (!ids.length) return;
    const jobs = [...new Set(ids.map(arrayOf))];
    this.stats.squeue++;
    const child = rt().spawnProcess(this.o.squeue ?? "squeue", ["-h", "-t", "all", "-r", "-j", jobs.join(","), "-o", "%i|%T|%r"]);
    const { code } = await child.exited;
    // "Invalid job id" when every job asked about is gone: an answer, not a failure to answer.
    const answered = code === 0 || /Invalid job id/i.test(child.stderr());
    this.squeueAnswered(answered, child.stderr());
    const states = new Map<string, string>();
    const reasons = new Map<string, string>();
    for (const line of child.stdout().split("\n")) {
      const [id, state, reason] = line.trim().split("|");
      if (id && state) states.set(id, state.replace(/\+$/, ""));
      if (id && reason) reasons.set(id, reason);
    }
    let changed = false;
    const cannotStart: { job: InFlight; reason: string }[] = [];
    const lost: InFlight[] = [];
    const now = rt().now();
    for (const job of [...this.inFlight.values()]) {
      if (!this.inFlight.has(job.id)) continue;
      let state = states.get(job.id);
      // Gone from squeue (purged after MinJobAge): its exit file tells how it ended.
      if (!state && rt().stat(job.exitFile)) state = "COMPLETED?";
      if (!state) {
        if (answered) {
          job.goneSince ??= now;
          if (now - job.goneSince >= (this.o.lostJobGraceMs ?? 30000)) lost.push(job);
        }
        continue;
      }
      job.goneSince = undefined;
      const reason = reasons.get(job.id);
      if (state !== job.lastState) {
        changed = true;
        job.pending.spec.onStatus?.(`SLURM job ${job.id} is ${state.replace("?", "")}${reason && reason !== "None" ? ` (${reason})` : ""}`);
      }
      job.lastState = state;
      if (state === "PENDING" && reason && !job.warned && (NEVER_STARTS.test(reason) || UNTIL_AN_ADMIN_ACTS.test(reason))) {
        job.warned = true;
        const never = NEVER_STARTS.test(reason);
        const fail = never && this.o.failUnsatisfiable !== false;
        this.warn(
          `SLURM job ${job.id} (${job.pending.spec.jobName ?? "ruffus_job"}) is pending with reason ${reason}: ` +
            (never ? "it asks for more than the cluster will give and will not start as it is. " : "it will not start until the cluster's administrators act. ") +
            (fail
              ? "ruff cancels it and fails its job; change the task's resources (cpus, memMb, time, partition, options) and run again."
              : `Change the task's resources (cpus, memMb, time, partition, options) and run again; Ctrl-C cancels the run and its jobs.`),
        );
        if (fail) cannotStart.push({ job, reason });
      }
      if (TERMINAL.has(state) || state === "COMPLETED?") await this.finish(job, state.replace("?", ""), state === "COMPLETED?");
    }
    if (cannotStart.length) await this.failUnstartable(cannotStart);
    if (lost.length) await this.resolveLost(lost);
    this.pollInterval = changed ? (this.o.pollMs ?? 500) : Math.min(this.pollInterval * 1.5, this.o.maxPollMs ?? 5000);
    this.schedulePoll(this.pollInterval);
  }

  /**
   * squeue failing (the controller busy or down) is waited out: the jobs run on, and the next poll
   * asks again, less often. Said once when it has lasted a minute, and again when squeue answers.
   */
  private squeueAnswered(answered: boolean, stderr: string): void {
    if (answered) {
      if (this.squeueWarned) this.warn("squeue answers again; the run goes on.");
      this.squeueFailingSince = undefined;
      this.squeueWarned = false;
      return;
    }
    this.squeueFailingSince ??= rt().now();
    if (!this.squeueWarned && rt().now() - this.squeueFailingSince >= 60000) {
      this.squeueWarned = true;
      const why = stderr.trim().split("\n")[0] || "no answer";
      this.warn(`squeue has not answered for a minute (${why}); ruff keeps asking, and the jobs in the queue keep running.`);
    }
  }

  /** Cancels jobs that can never start and fails their commands, naming the job and squeue's reason. */
  private async failUnstartable(list: { job: InFlight; reason: string }[]): Promise<void> {
    for (const { job } of list) this.inFlight.delete(job.id);
    this.roomMade();
    await this.scancel(list.map(({ job }) => job.id));
    for (const { job, reason } of list) {
      await this.attemptEnded(job, false);
      const description =
        `could not start: SLURM job ${job.id} (${job.pending.spec.jobName ?? "ruffus_job"}) was pending with reason ${reason}, ` +
        `which means it asks for more than the cluster will give, so ruff cancelled it. Change the task's resources ` +
        `(cpus, memMb, time, partition, options), or set "failUnsatisfiable": false in the config's "slurm" section to let such jobs wait`;
      job.pending.reject(new CommandError(job.pending.spec.cmd, { code: null, signal: null, stdout: "", stderr: "", state: "PENDING", jobId: job.id, description }, false));
    }
  }

  /** Jobs gone from squeue that never wrote their exit status: sacct or scontrol may know how they ended. */
  private async resolveLost(jobs: InFlight[]): Promise<void> {
    const known = await this.lookUp(jobs.map((j) => j.id));
    for (const job of jobs) {
      if (!this.inFlight.has(job.id)) continue;
      // The exit file may have appeared meanwhile.
      if (rt().stat(job.exitFile)) {
        await this.finish(job, "COMPLETED", true);
        continue;
      }
      const k = known.get(job.id);
      if (k && TERMINAL.has(k.state)) {
        await this.finish(job, k.state, false, k);
      } else if (k) {
        job.goneSince = undefined; // still known to be queued or running: keep polling
      } else {
        this.inFlight.delete(job.id);
        this.roomMade();
        await this.attemptEnded(job, false);
        const description =
          `failed: SLURM job ${job.id} left the queue without writing its exit status, and neither sacct nor scontrol knows how it ended; ` +
          `it may have been cancelled, timed out or its node failed`;
        const stderr = await readIfThere(job.errFile);
        job.pending.reject(new CommandError(job.pending.spec.cmd, { code: null, signal: null, stdout: await readIfThere(job.outFile), stderr, state: "UNKNOWN", jobId: job.id, description }, true));
      }
    }
  }

  /** State and exit status of jobs, from sacct (when accounting works) or else scontrol. */
  private async lookUp(ids: string[]): Promise<Map<string, Known>> {
    const known = new Map<string, Known>();
    if (this.sacctWorks) {
      this.stats.sacct++;
      const child = rt().spawnProcess(this.o.sacct ?? "sacct", ["-n", "-P", "-X", "-j", ids.join(","), "-o", "JobID,State,ExitCode"]);
      const { code } = await child.exited;
      if (code !== 0 && /disabled|not running a supported accounting_storage/i.test(child.stderr())) this.sacctWorks = false;
      for (const line of child.stdout().split("\n")) {
        const [id, state, exit] = line.trim().split("|");
        if (id && state && ids.includes(id)) known.set(id, { state: state.split(" ")[0].replace(/\+$/, ""), ...parseExitCode(exit) });
      }
    }
    for (const id of ids.filter((i) => !known.has(i))) {
      this.stats.scontrol++;
      const child = rt().spawnProcess(this.o.scontrol ?? "scontrol", ["-o", "show", "job", id]);
      await child.exited;
      const state = /JobState=(\S+)/.exec(child.stdout());
      if (state) known.set(id, { state: state[1], ...parseExitCode(/ExitCode=(\S+)/.exec(child.stdout())?.[1]) });
    }
    return known;
  }

  private async finish(job: InFlight, state: string, inferred: boolean, known?: Known): Promise<void> {
    this.inFlight.delete(job.id);
    this.roomMade();
    let { code, signal } = known ?? (await this.exitStatus(job, state));
    // Only the exit file said how it ended: a non-zero exit may have been the scheduler's doing (OUT_OF_MEMORY).
    if (inferred && code !== 0) {
      const k = (await this.lookUp([job.id])).get(job.id);
      if (k && TERMINAL.has(k.state)) state = k.state;
    }
    // The scheduler ended it and the status is 128+N: the command died of the scheduler's signal N
    // (the job script's shell had time to report it as a status before dying itself), so it reads
    // as scontrol's 0:15 would, not as a status the program chose.
    if (SCHEDULER_ENDED.has(state) && code !== null && code > 128 && code <= 128 + 64) {
      signal = signalName(code - 128);
      code = null;
    }
    const stdout = await readIfThere(job.outFile);
    const stderr = await readIfThere(job.errFile);
    const ok = state === "COMPLETED" && code === 0;
    const usage = ok && job.pending.spec.usage ? await this.usage(job.id) : undefined;
    const result: CommandResult = { code, signal, stdout, stderr, state, jobId: job.id, ...(usage ? { usage } : {}) };
    job.pending.spec.onStatus?.(`SLURM job ${job.id} ended ${state}${code !== null ? ` with exit code ${code}` : signal ? `, killed with ${signal}` : ""}`);
    if (job.pending.spec.retainJobScript) {
      // As Ruffus: the kept script is renamed <script>.<jobid>.
      await rt().rename(job.pending.script, `${job.pending.script}.${job.id}`).catch(() => undefined);
    } else {
      await this.attemptEnded(job, ok);
    }
    if (ok) job.pending.resolve(result);
    else job.pending.reject(new CommandError(job.pending.spec.cmd, result, RETRYABLE.has(state)));
  }

  /**
   * The files of a finished job: removed when it succeeded; kept when it failed (for diagnosis)
   * until the same command is tried again (runJob's retries, the task's), so that only the last
   * failed attempt's files stay.
   */
  private async attemptEnded(job: InFlight, ok: boolean): Promise<void> {
    const spec = job.pending.spec;
    if (spec.retainJobScript) return;
    const key = JSON.stringify([spec.jobName ?? "", spec.cwd ?? "", spec.scriptDirectory ?? "", spec.cmd]);
    const earlier = this.failedFiles.get(key);
    this.failedFiles.delete(key);
    const mine = [job.pending.script, job.exitFile, job.outFile, job.errFile];
    if (!ok) this.failedFiles.set(key, mine);
    for (const f of [...(earlier ?? []), ...(ok ? mine : [])]) await rt().removeFile(f);
  }

  /** The exit status: from the file the script wrote (waiting a little for a shared file system), else scontrol. */
  private async exitStatus(job: InFlight, state: string): Promise<{ code: number | null; signal: string | null }> {
    // The scheduler ended it (scancel, time limit…): its own account says how (killed with SIGTERM),
    // where the exit file, if the shell had time to write one, only has an ambiguous 143.
    if (SCHEDULER_ENDED.has(state)) {
      const fromScheduler = await this.scontrolExit(job);
      if (fromScheduler && (fromScheduler.signal || fromScheduler.code)) return fromScheduler;
    }
    for (let i = 0; i < 10; i++) {
      try {
        const text = (await rt().readTextFile(job.exitFile)).trim();
        if (text !== "") return { code: Number(text), signal: null };
      } catch {
        // not there (yet)
      }
      if (state !== "COMPLETED" && state !== "FAILED") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return (await this.scontrolExit(job)) ?? { code: state === "COMPLETED" ? 0 : null, signal: null };
  }

  /** The exit code and signal scontrol reports for the job, if it still knows it. */
  private async scontrolExit(job: InFlight): Promise<{ code: number | null; signal: string | null } | undefined> {
    this.stats.scontrol++;
    const child = rt().spawnProcess(this.o.scontrol ?? "scontrol", ["-o", "show", "job", job.id]);
    await child.exited;
    const m = /ExitCode=(\S+)/.exec(child.stdout());
    return m ? parseExitCode(m[1]) : undefined;
  }

  /** What the job used, for runJob's verbose: from sacct, else scontrol's run time. */
  private async usage(id: string): Promise<string | undefined> {
    if (this.sacctWorks) {
      this.stats.sacct++;
      const child = rt().spawnProcess(this.o.sacct ?? "sacct", ["-n", "-P", "-j", id, "-o", "JobID,Elapsed,TotalCPU,MaxRSS"]);
      const { code } = await child.exited;
      if (code === 0) {
        const rows = child.stdout().split("\n").filter(Boolean).map((l) => l.split("|"));
        const top = rows.find((r) => r[0] === id);
        const rss = rows.map((r) => r[3]).filter(Boolean).pop();
        if (top) return `Elapsed=${top[1]}, TotalCPU=${top[2]}${rss ? `, MaxRSS=${rss}` : ""}`;
      } else if (/disabled/i.test(child.stderr())) this.sacctWorks = false;
    }
    this.stats.scontrol++;
    const child = rt().spawnProcess(this.o.scontrol ?? "scontrol", ["-o", "show", "job", id]);
    await child.exited;
    const run = /RunTime=(\S+)/.exec(child.stdout());
    return run ? `RunTime=${run[1]}` : undefined;
  }

  /**
   * True once {@link cancelAll} was called.
   *
   * @example
   * if (slurm.stopping) console.error("cancelled");
   */
  get stopping(): boolean {
    return this.cancelled;
  }

  /**
   * scancel, tried 4 times with back-off while it fails. Jobs still queued after that are named on
   * stderr with the command that cancels them (no job is left behind without the user knowing), and
   * returned.
   */
  private async scancel(ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    let err = "";
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, (this.o.retryMs ?? 500) * 2 ** (attempt - 1)));
      this.stats.scancel++;
      const child = rt().spawnProcess(this.o.scancel ?? "scancel", ids);
      const { code } = await child.exited;
      if (code === 0) return [];
      err = (child.stderr().trim() || `exit code ${code}`).split("\n")[0];
    }
    const left = await this.stillQueued(ids);
    if (left.length) {
      this.warn(`could not cancel SLURM job${left.length > 1 ? "s" : ""} ${left.join(" ")} (${err}). They may still run: cancel them by hand with\n    scancel ${left.join(" ")}`);
    }
    return left;
  }

  /** Which of these jobs squeue shows as not finished (all of them if squeue does not answer). */
  private async stillQueued(ids: string[]): Promise<string[]> {
    const jobs = [...new Set(ids.map(arrayOf))];
    this.stats.squeue++;
    const child = rt().spawnProcess(this.o.squeue ?? "squeue", ["-h", "-t", "all", "-j", jobs.join(","), "-o", "%i|%T"]);
    const { code } = await child.exited;
    if (code !== 0 && !/Invalid job id/i.test(child.stderr())) return ids;
    const running = child
      .stdout()
      .split("\n")
      .map((l) => l.trim().split("|"))
      .filter(([id, state]) => id && state && !TERMINAL.has(state.replace(/\+$/, "")));
    // An array's pending tasks show as one line ("12_[3-9]"): the whole array is then still queued.
    return ids.filter((id) => running.some(([line]) => line === id || arrayOf(line) === arrayOf(id)));
  }

  /**
   * scancel every job in flight (one call, retried).
   *
   * @example
   * process.on("SIGTERM", () => void slurm.cancelAll());
   */
  cancelAll(): Promise<void> {
    // Asked again (the run's end after its signal handler) while the first scancel still runs: the
    // same cancellation, awaited, or the run would exit with jobs left in the queue.
    this.cancellation ??= this.cancelEverything();
    return this.cancellation;
  }

  private async cancelEverything(): Promise<void> {
    this.cancelled = true;
    this.roomMade();
    [...this.pauses].forEach((wake) => wake());
    this.waitingForSbatch.splice(0).forEach((w) => w());
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const pending = [...this.batch.values()].flat();
    this.batch.clear();
    for (const p of pending) p.reject(new Error("The run was stopped before this job was submitted."));
    const jobs = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const j of jobs) this.cancelling.add(arrayOf(j.id));
    if (this.submissions.size) {
      // sbatch under way: the jobs it submits exist once it answers, whether ruff waits or not, so
      // it waits for their ids (at most 30 s) and cancels them with the rest. Killing sbatch would
      // not help: the controller may have the job already.
      this.late = [];
      const n = this.submissions.size;
      const timers: ReturnType<typeof setTimeout>[] = [];
      const notice = `waiting for ${n} sbatch under way to answer, to cancel the jobs ${n > 1 ? "they submit" : "it submits"} (at most ${SBATCH_WAIT_MS / 1000} s; Ctrl-C again to leave at once).`;
      timers.push(setTimeout(() => this.warn(notice), 1000));
      await Promise.race([Promise.allSettled([...this.submissions]), new Promise((r) => timers.push(setTimeout(r, SBATCH_WAIT_MS)))]);
      timers.forEach(clearTimeout);
      jobs.push(...this.late);
      this.late = undefined;
      if (this.submissions.size) {
        this.warn(
          `${this.submissions.size} sbatch did not answer within ${SBATCH_WAIT_MS / 1000} s; the jobs they submit are cancelled if they answer before ruff exits. ` +
            `Look for jobs left behind with: squeue --me`,
        );
      }
    }
    await this.cancelJobs(jobs);
  }

  /**
   * scancels jobs of this run and fails their commands. Their scripts and output files would only
   * pile up: they are removed once the jobs have left the queue (a job being killed may still
   * write them; at most 5 s later), unless the user asked to keep them.
   */
  private async cancelJobs(jobs: InFlight[]): Promise<void> {
    const ids = [...new Set(jobs.map((j) => arrayOf(j.id)))];
    ids.forEach((id) => this.cancelling.add(id));
    let left: string[] = [];
    try {
      left = await this.scancel(ids);
      const leaving = ids.filter((id) => !left.includes(id));
      for (const deadline = rt().now() + 5000; leaving.length && rt().now() < deadline; ) {
        if (!(await this.stillQueued(leaving)).length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      ids.forEach((id) => this.cancelling.delete(id));
    }
    for (const j of jobs) {
      if (!j.pending.spec.retainJobScript) for (const f of [j.pending.script, j.exitFile, j.outFile, j.errFile]) await rt().removeFile(f);
      j.pending.reject(new Error(`SLURM job ${j.id} was cancelled: the run was stopped.`));
    }
  }

  /**
   * A second Ctrl-C: scancel every job known (in flight, being cancelled, submitted since the stop)
   * without waiting for the answer; the process exits right after.
   */
  killAll(): void {
    this.cancelled = true;
    const jobs = [...new Set([...[...this.inFlight.keys()].map(arrayOf), ...this.cancelling, ...(this.late ?? []).map((j) => arrayOf(j.id))])];
    if (this.submissions.size) {
      this.warn(`leaving while ${this.submissions.size} sbatch ${this.submissions.size > 1 ? "are" : "is"} still under way: the jobs ${this.submissions.size > 1 ? "they submit" : "it submits"} are not cancelled. Look for them with: squeue --me`);
    }
    if (!jobs.length) return;
    this.stats.scancel++;
    rt().spawnProcess(this.o.scancel ?? "scancel", jobs);
  }

  /**
   * @internal Cancels the jobs a run killed with SIGKILL left queued (see cluster-jobs.ts), with the
   * squeue and scancel that run used; `say` is told which are still queued first.
   */
  static async cancelLeftBehind(jobs: readonly ClusterJobNote[], say: (queued: readonly string[]) => void): Promise<void> {
    const byCommands = new Map<string, string[]>();
    for (const j of jobs) {
      const key = JSON.stringify([j.scancel ?? "scancel", j.squeue ?? "squeue"]);
      byCommands.set(key, [...(byCommands.get(key) ?? []), j.id]);
    }
    for (const [key, ids] of byCommands) {
      const [scancel, squeue] = JSON.parse(key) as [string, string];
      const ex = new SlurmExecutor({ scancel, squeue });
      const queued = await ex.stillQueued([...new Set(ids)]);
      say(queued);
      await ex.scancel(queued);
    }
  }

  /**
   * Stops polling (the end of a run).
   *
   * @example
   * try { await slurm.run({ cmd: "hostname" }); } finally { await slurm.close(); }
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.batchTimer) clearTimeout(this.batchTimer);
  }
}

/**
 * The smallest value each numeric option may take, and why: a mistyped 0 would poll squeue or retry
 * sbatch in a tight loop against a controller shared by everyone on the cluster.
 */
const LEAST: Record<string, [number, string]> = {
  maxQueued: [1, "at least one job must fit in the queue"],
  maxSubmitting: [1, "at least one sbatch must be able to run"],
  pollMs: [100, "polling more often would load the controller everyone shares"],
  maxPollMs: [100, "polling more often would load the controller everyone shares"],
  arrayWindowMs: [0, "0 submits every command at once"],
  lostJobGraceMs: [0, "0 asks sacct at once"],
  retryMs: [10, "retrying more often would load the controller everyone shares"],
  submitRetryMs: [0, "0 gives up at the first failure"],
};

/** Refuses option values that would misbehave, naming the option, the value and what is allowed. */
function checkOptions(o: SlurmOptions): void {
  for (const [key, [least, why]] of Object.entries(LEAST)) {
    const v = (o as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < least || (key.startsWith("max") && key !== "maxPollMs" && !Number.isInteger(v))) {
      throw new RuffusError(
        `SLURM option "${key}" (the config file's "slurm" section, or executorOptions) is ${JSON.stringify(v)}: ` +
          `it must be ${key.startsWith("max") && key !== "maxPollMs" ? "a whole number" : "a number"} of at least ${least}${key.endsWith("Ms") ? " (milliseconds)" : ""}, since ${why}.`,
      );
    }
  }
  if (o.pollMs !== undefined && o.maxPollMs !== undefined && o.maxPollMs < o.pollMs) {
    throw new RuffusError(`SLURM option "maxPollMs" (${o.maxPollMs}) is less than "pollMs" (${o.pollMs}): the longest poll interval must be at least the first.`);
  }
}

registerJobCanceller("slurm", "SLURM job", (jobs, say) => SlurmExecutor.cancelLeftBehind(jobs, say));

/** How long Ctrl-C waits for sbatch under way, to cancel what it submits. */
const SBATCH_WAIT_MS = 30000;

/** "1.5 s", "5 min". */
function duration(ms: number): string {
  return ms < 60000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60000)} min`;
}

/** "12" for array task "12_3", and for job "12". */
function arrayOf(id: string): string {
  return id.split("_")[0];
}

/** sacct's and scontrol's ExitCode=CODE:SIGNAL. */
function parseExitCode(field: string | undefined): { code: number | null; signal: string | null } {
  const m = /^(\d+):(\d+)$/.exec(field ?? "");
  if (!m) return { code: null, signal: null };
  return Number(m[2]) ? { code: null, signal: signalName(Number(m[2])) } : { code: Number(m[1]), signal: null };
}

function batchKey(spec: CommandSpec): string {
  return JSON.stringify([spec.jobName ?? "", spec.cwd ?? "", spec.scriptDirectory ?? "", spec.resources ?? {}, spec.jobOtherOptions ?? "", spec.env ?? null]);
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 60) || "job";
}

/** Every jobEnvironment name must be one `export` can take: anything else could not be passed (and would be shell code). */
function checkEnvironment(spec: CommandSpec): void {
  for (const k of Object.keys(spec.env ?? {})) {
    if (!ENV_NAME.test(k)) {
      throw new RuffusError(
        `jobEnvironment: ${JSON.stringify(k)} is not a valid environment variable name (letters, digits and _, not starting with a digit), ` +
          `so a SLURM job script cannot export it; rename it. The command was: ${spec.cmd}`,
      );
    }
  }
}

/** A value on a comment line of the job script: as it is, or JSON-quoted when it holds a newline or another control character. */
function commentValue(s: string): string {
  return /[\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : s;
}

/**
 * The job script: runs the command in its directory and writes its exit status beside itself —
 * unless the script was removed meanwhile (ruff cancelled the job and cleared its files: a status
 * written now would only be left lying there).
 */
export function jobScript(spec: CommandSpec, exitFile: string, cwd: string, scriptFile?: string): string {
  checkEnvironment(spec);
  const lines = [
    "#!/bin/sh",
    // As Ruffus's script: what the job was, for whoever reads it (values with a newline are quoted, never shell code).
    `# job_name=${commentValue(spec.jobName ?? "")}`,
    `# job_other_options=${commentValue(spec.jobOtherOptions ?? "")}`,
    `# working_directory=${commentValue(cwd)}`,
    // job_environment: the variables the job is given (sbatch exports the submitter's environment too).
    ...Object.entries(spec.env ?? {}).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `cd ${shellQuote(cwd)} || { echo 126 > ${shellQuote(exitFile)}; exit 126; }`,
    `/bin/sh -c ${shellQuote(spec.cmd)}`,
    "rc=$?",
    scriptFile === undefined ? `echo $rc > ${shellQuote(exitFile)}` : `[ ! -e ${shellQuote(scriptFile)} ] || echo $rc > ${shellQuote(exitFile)}`,
    "exit $rc",
    "",
  ];
  return lines.join("\n");
}

/** sbatch options for the resources. */
export function resourceArgs(r: Resources | undefined, o: SlurmOptions): string[] {
  const args: string[] = [];
  if (r?.cpus) args.push(`--cpus-per-task=${r.cpus}`);
  if (r?.memMb) args.push(`--mem=${r.memMb}M`);
  if (r?.time) args.push(`--time=${r.time}`);
  const partition = r?.partition ?? o.partition;
  if (partition) args.push(`--partition=${partition}`);
  args.push(...(o.options ?? []), ...(r?.options ?? []));
  return args;
}

/**
 * Splits "-P project -q 'short queue'" like a shell would (quotes respected, no expansion). Newlines
 * and tabs separate words as spaces do (Ruffus's job_other_options went to DRMAA's
 * nativeSpecification, split on white space); inside quotes they are kept.
 */
export function splitOptions(s: string | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  let cur = "";
  let quote: string | undefined;
  let has = false;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (cur || has) out.push(cur);
      cur = "";
      has = false;
    } else cur += ch;
  }
  if (cur || has) out.push(cur);
  return out;
}

async function readIfThere(path: string): Promise<string> {
  try {
    return await rt().readTextFile(path);
  } catch {
    return "";
  }
}
