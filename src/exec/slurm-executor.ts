/**
 * Commands as SLURM batch jobs, through the command-line tools (there is no SLURM DRMAA for
 * Debian, nor on npm):
 *
 * - each command becomes a job script in `scriptDirectory` that records its exit status in a file
 *   beside it — the most robust way to learn how a job ended on any cluster (Ruffus 2.8.4 never
 *   checked cluster exit codes at all);
 * - commands with the same resources submitted within a short window go out as one job array;
 * - one `squeue` call per poll covers every job in flight, polling backs off when nothing changes,
 *   and at most `maxQueued` jobs are in the queue at once;
 * - node failures, preemption and boot failures are marked retryable; Ctrl-C `scancel`s everything.
 */
import { rt } from "../core/runtime.ts";
import { abspath } from "../core/paths.ts";
import { CommandError, type CommandResult, type CommandSpec, type Executor, type Resources } from "./executor.ts";
import { shellQuote } from "./shell-quote.ts";

/** Options of the SLURM executor (config file `slurm` section, or `executorOptions`). */
export interface SlurmOptions {
  /** Most jobs in the queue at once (default 1000). */
  readonly maxQueued?: number;
  /** First and longest poll interval, ms (default 500 and 5000). */
  readonly pollMs?: number;
  readonly maxPollMs?: number;
  /** Commands submitted within this many ms with the same resources form one job array (default 150; 0: never). */
  readonly arrayWindowMs?: number;
  /** Default partition and options for every job. */
  readonly partition?: string;
  readonly options?: readonly string[];
  /** The commands, if not on PATH under these names. */
  readonly sbatch?: string;
  readonly squeue?: string;
  readonly scontrol?: string;
  readonly scancel?: string;
  /** Where warnings go (a job that waits for what the cluster cannot give); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Reasons squeue gives for a pending job that cannot start until someone changes it (the request
 * exceeds what the partition, account or QOS allows). "Resources" or "Priority" only mean waiting.
 */
const NEVER_STARTS = /^(PartitionConfig|PartitionNodeLimit|PartitionTimeLimit|PartitionDown|PartitionInactive|InvalidAccount|InvalidQOS|BadConstraints|QOSMax\w*PerJob\w*|AssocMax\w*PerJob\w*|ReqNodeNotAvail.*)$/;

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"]);
const RETRYABLE = new Set(["NODE_FAIL", "PREEMPTED", "BOOT_FAIL"]);

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
  scriptFiles: string[];
  lastState: string;
  /** Warned that it waits for what it cannot get. */
  warned?: boolean;
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
  private closed = false;
  private cancelled = false;
  /**
   * Submissions and polls made (for tests and the benchmark: one poll call covers many jobs).
   *
   * @example
   * console.log(`${slurm.stats.sbatch} sbatch calls, ${slurm.stats.squeue} squeue polls`);
   */
  readonly stats = { sbatch: 0, squeue: 0, scontrol: 0, scancel: 0, arrays: 0 };

  constructor(private readonly o: SlurmOptions = {}) {
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

  private flushBatches(): void {
    this.batchTimer = undefined;
    const batches = [...this.batch.values()];
    this.batch.clear();
    for (const b of batches) void this.submit(b).catch((e) => b.forEach((p) => p.reject(e)));
  }

  /** Waits until `n` more jobs fit under maxQueued, and reserves them (no await between check and reservation). */
  private async reserve(n: number): Promise<void> {
    const max = this.o.maxQueued ?? 1000;
    while (this.inFlight.size + this.submitting > 0 && this.inFlight.size + this.submitting + n > max) {
      if (this.cancelled) throw new Error("The run was stopped before this job was submitted.");
      await new Promise<void>((r) => this.waitingForRoom.push(r));
    }
    if (this.cancelled) throw new Error("The run was stopped before this job was submitted.");
    this.submitting += n;
  }

  /** Writes the scripts and submits one job, or one array for several commands. */
  private async submit(list: Pending[]): Promise<void> {
    // Larger batches than the queue allows go out in slices.
    const max = Math.max(1, this.o.maxQueued ?? 1000);
    for (let i = 0; i < list.length; i += max) {
      const slice = list.slice(i, i + max);
      await this.reserve(slice.length);
      try {
        await this.submitSlice(slice);
      } finally {
        this.submitting -= slice.length;
        this.waitingForRoom.splice(0).forEach((w) => w());
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
      await rt().writeTextFile(files[i].script, jobScript(p.spec, files[i].exit, cwd));
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
    const jobId = await this.sbatch([...args, entry]);
    if (this.cancelled) {
      // Stopped while sbatch ran: the job exists now, so cancel it too.
      this.stats.scancel++;
      await rt().spawnProcess(this.o.scancel ?? "scancel", [jobId]).exited;
      throw new Error(`SLURM job ${jobId} was cancelled: the run was stopped.`);
    }
    list.forEach((p, i) => {
      const id = array ? `${jobId}_${i}` : jobId;
      this.inFlight.set(id, {
        id,
        pending: p,
        exitFile: files[i].exit,
        outFile: files[i].out,
        errFile: files[i].err,
        scriptFiles: array ? [files[i].script, ...(i === 0 ? [entry] : [])] : [files[i].script],
        lastState: "PENDING",
      });
    });
    this.schedulePoll(this.o.pollMs ?? 500);
  }

  /** sbatch, retried with back-off when the controller does not answer. */
  private async sbatch(args: string[]): Promise<string> {
    let last = "";
    for (let attempt = 0; attempt < 5 && !this.cancelled; attempt++) {
      this.stats.sbatch++;
      const child = rt().spawnProcess(this.o.sbatch ?? "sbatch", args);
      const r = await child.exited;
      if (r.code === 0) return child.stdout().trim().split(";")[0];
      last = child.stderr().trim();
      if (!/Socket timed out|Unable to contact|Zero Bytes|temporarily unavailable|try again/i.test(last)) break;
      await new Promise((res) => setTimeout(res, 500 * 2 ** attempt));
    }
    throw new CommandError(`sbatch ${args.join(" ")}`, { code: 1, signal: null, stdout: "", stderr: last, state: "SUBMIT_FAILED" }, false);
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
    const jobs = [...new Set(ids.map((id) => id.split("_")[0]))];
    this.stats.squeue++;
    const child = rt().spawnProcess(this.o.squeue ?? "squeue", ["-h", "-t", "all", "-r", "-j", jobs.join(","), "-o", "%i|%T|%r"]);
    await child.exited;
    const states = new Map<string, string>();
    const reasons = new Map<string, string>();
    for (const line of child.stdout().split("\n")) {
      const [id, state, reason] = line.trim().split("|");
      if (id && state) states.set(id, state.replace(/\+$/, ""));
      if (id && reason) reasons.set(id, reason);
    }
    let changed = false;
    for (const job of [...this.inFlight.values()]) {
      let state = states.get(job.id);
      // Gone from squeue (purged after MinJobAge): its exit file tells how it ended.
      if (!state && rt().stat(job.exitFile)) state = "COMPLETED?";
      if (!state) continue;
      if (state !== job.lastState) changed = true;
      job.lastState = state;
      const reason = reasons.get(job.id);
      if (state === "PENDING" && reason && NEVER_STARTS.test(reason) && !job.warned) {
        job.warned = true;
        const warn = this.o.onWarning ?? ((m: string) => rt().stderr.write(`ruff: ${m}\n`));
        warn(
          `SLURM job ${job.id} (${job.pending.spec.jobName ?? "ruffus_job"}) is pending with reason ${reason}: ` +
            `it asks for more than the cluster will give and will not start as it is. Change the task's resources ` +
            `(cpus, memMb, time, partition, options) and run again; Ctrl-C cancels the run and its jobs.`,
        );
      }
      if (TERMINAL.has(state) || state === "COMPLETED?") await this.finish(job, state.replace("?", ""));
    }
    this.pollInterval = changed ? (this.o.pollMs ?? 500) : Math.min(this.pollInterval * 1.5, this.o.maxPollMs ?? 5000);
    this.schedulePoll(this.pollInterval);
  }

  private async finish(job: InFlight, state: string): Promise<void> {
    this.inFlight.delete(job.id);
    this.waitingForRoom.splice(0).forEach((w) => w());
    const code = await this.exitCode(job, state);
    const stdout = await readIfThere(job.outFile);
    const stderr = await readIfThere(job.errFile);
    const result: CommandResult = { code, signal: null, stdout, stderr, state, jobId: job.id };
    const ok = state === "COMPLETED" && code === 0;
    if (ok && !job.pending.spec.retainJobScript) {
      for (const f of [...job.scriptFiles, job.exitFile, job.outFile, job.errFile]) await rt().removeFile(f);
    }
    if (ok) job.pending.resolve(result);
    else job.pending.reject(new CommandError(job.pending.spec.cmd, result, RETRYABLE.has(state)));
  }

  /** The exit status: from the file the script wrote (waiting a little for a shared file system), else scontrol. */
  private async exitCode(job: InFlight, state: string): Promise<number | null> {
    for (let i = 0; i < 10; i++) {
      try {
        const text = (await rt().readTextFile(job.exitFile)).trim();
        if (text !== "") return Number(text);
      } catch {
        // not there (yet)
      }
      if (state !== "COMPLETED" && state !== "FAILED") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    this.stats.scontrol++;
    const child = rt().spawnProcess(this.o.scontrol ?? "scontrol", ["-o", "show", "job", job.id]);
    await child.exited;
    const m = /ExitCode=(\d+):(\d+)/.exec(child.stdout());
    if (!m) return state === "COMPLETED" ? 0 : null;
    return Number(m[2]) ? 128 + Number(m[2]) : Number(m[1]);
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
   * scancel every job in flight (one call).
   *
   * @example
   * process.on("SIGTERM", () => void slurm.cancelAll());
   */
  async cancelAll(): Promise<void> {
    this.cancelled = true;
    this.waitingForRoom.splice(0).forEach((w) => w());
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const pending = [...this.batch.values()].flat();
    this.batch.clear();
    for (const p of pending) p.reject(new Error("The run was stopped before this job was submitted."));
    const jobs = [...new Set([...this.inFlight.keys()].map((id) => id.split("_")[0]))];
    if (jobs.length) {
      this.stats.scancel++;
      await rt().spawnProcess(this.o.scancel ?? "scancel", jobs).exited;
    }
    for (const j of this.inFlight.values()) j.pending.reject(new Error(`SLURM job ${j.id} was cancelled: the run was stopped.`));
    this.inFlight.clear();
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

function batchKey(spec: CommandSpec): string {
  return JSON.stringify([spec.jobName ?? "", spec.cwd ?? "", spec.scriptDirectory ?? "", spec.resources ?? {}, spec.jobOtherOptions ?? "", spec.env ?? null]);
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 60) || "job";
}

/** The job script: runs the command in its directory and writes its exit status beside itself. */
export function jobScript(spec: CommandSpec, exitFile: string, cwd: string): string {
  const lines = [
    "#!/bin/sh",
    `# job_name=${spec.jobName ?? ""}`,
    `# job_other_options=${spec.jobOtherOptions ?? ""}`,
    `# working_directory=${cwd}`,
    // job_environment: the variables the job is given (sbatch exports the submitter's environment too).
    ...Object.entries(spec.env ?? {}).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `cd ${shellQuote(cwd)} || { echo 126 > ${shellQuote(exitFile)}; exit 126; }`,
    `/bin/sh -c ${shellQuote(spec.cmd)}`,
    "rc=$?",
    `echo $rc > ${shellQuote(exitFile)}`,
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

/** Splits "-P project -q 'short queue'" like a shell would (quotes respected, no expansion). */
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
