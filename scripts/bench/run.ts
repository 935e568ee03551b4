/**
 * `npm run bench`: end-to-end benchmarks of the compiled `ruff` binary against Ruffus 2.8.4,
 * Snakemake and GNU make (each only when installed), on the same workloads in the same
 * invocation. Every measurement is one whole process in a temporary directory.
 *
 *   npm run bench                      # full suite (~20 min on 2 cores)
 *   npm run bench -- --quick           # small sizes: a smoke test of the harness (~2 min); never judge timings from it
 *   npm run bench -- --only W1,W3      # some workloads
 *   npm run bench -- --tools make      # competitors to run (ruffus,snakemake,make | none)
 *   npm run bench -- --repeats 5 --json out.json --keep
 *
 * Prints a Markdown table (median of the repeats, min–max, peak RSS, and each competitor's time as
 * "ours ÷ theirs"), derived figures, and in the full suite the performance targets, met or missed.
 * Competitors that would take far too long are capped by a timeout and shown as "> T s"; their
 * repeats stop once a cell has used its time budget (the cell then shows [n=k]).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir, release } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measure, median, type Sample } from "./lib/measure.ts";
import { COMPETITORS, detectTools, ensureBinary, PYTHON, versions, type Tool, type ToolId } from "./lib/tools.ts";
import * as W from "./lib/workloads.ts";

const REPO = resolve(fileURLToPath(new URL("../../", import.meta.url)));
const LIB = fileURLToPath(new URL("./lib/", import.meta.url));

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

interface Options {
  quick: boolean;
  only?: Set<string>;
  tools: ToolId[];
  repeats: number;
  json?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, tools: [...COMPETITORS], repeats: 3, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") o.quick = true;
    else if (a === "--keep") o.keep = true;
    else if (a.startsWith("--only")) o.only = new Set(value().toUpperCase().split(","));
    else if (a.startsWith("--tools")) {
      const v = value();
      o.tools = v === "none" ? [] : (v.split(",") as ToolId[]);
      for (const t of o.tools) if (!COMPETITORS.includes(t)) throw new Error(`--tools: unknown program ${t} (ruffus, snakemake, make, none)`);
    } else if (a.startsWith("--repeats")) o.repeats = Math.max(1, Number(value()));
    else if (a.startsWith("--json")) o.json = value();
    else if (a === "-h" || a === "--help") {
      console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0]);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Sizes, repeats and competitors' limits (seconds) of the two modes. */
function config(quick: boolean) {
  return quick
    ? {
        w1: [20, 200],
        w1Growth: [20, 200],
        /** Sizes where the plain-loop baseline runs (interleaved with ours' cold runs). */
        loop: [200],
        w1Competitors: [200],
        w2: [20, 200],
        w2Competitors: [200],
        w3Repeats: 3,
        w4: { sleeps: 20, trues: 100 },
        w5: 200,
        budget: 4,
        timeout: (_w: string, _tool: ToolId, _n: number) => 60,
      }
    : {
        w1: [3334, 10000, 33334],
        w1Growth: [3334, 33334],
        loop: [10000],
        w1Competitors: [10000, 33334],
        w2: [3334, 33334],
        w2Competitors: [33334],
        w3Repeats: 5,
        w4: { sleeps: 200, trues: 2000 },
        w5: 10000,
        budget: 15,
        timeout: (w: string, tool: ToolId, n: number): number => {
          if (tool === "make") return 300;
          const big = n > 10000;
          if (tool === "ruffus") {
            // 2-9 ms a job (a SQLite commit each): 30,000 jobs take 1-4 min; at 100,000 jobs the cap
            // must exceed our own cold run (20-45 s on this disk) to say anything.
            if (w === "W1.cold") return big ? 60 : 420;
            if (w === "W1.noop" || w === "W1.incr") return 60;
            if (w === "W2" || w === "W2.v3") return 60;
            if (w === "W5.cold") return 150;
            return 120;
          }
          // snakemake
          // Snakemake plans ~30,000 jobs in ~30 s: at 100,000 jobs it is only shown to exceed 20 s.
          if (w === "W1.cold") return big ? 60 : 45;
          if (w === "W1.noop" || w === "W1.incr") return big ? 20 : 60;
          if (w === "W2" || w === "W2.v3") return 20;
          if (w === "W5.cold") return 45;
          return 90;
        },
      };
}

// ---------------------------------------------------------------------------------------------
// Cells and rows
// ---------------------------------------------------------------------------------------------

interface Cell {
  samples: Sample[];
  status: "ok" | "timeout" | "error";
  /** The limit, for "> T s". */
  timeout?: number;
  detail?: string;
  /** Repeats asked for. */
  wanted: number;
  /** The up-to-date state was made by the harness, not by this program's own cold run. */
  prepared?: boolean;
}

interface Row {
  key: string;
  workload: string;
  measurement: string;
  jobs?: number;
  cells: Partial<Record<ToolId, Cell>>;
  /** Not a program run: a reference figure (floor, plain loop), ours column only. */
  reference?: boolean;
}

interface Attempt {
  dir: string;
  /** After a successful run: an error message if the run did not do what it should. */
  verify?: () => string | undefined;
}

const rows: Row[] = [];
function row(key: string, workload: string, measurement: string, jobs?: number, reference = false): Row {
  const r: Row = { key, workload, measurement, jobs, cells: {}, reference };
  rows.push(r);
  return r;
}

let opts: Options;
let cfg: ReturnType<typeof config>;
let tools: Record<ToolId, Tool>;
let RUFF = "";
let ROOT = "";

const log = (s: string): void => {
  process.stderr.write(s + "\n");
};

function fresh(name: string): string {
  const d = join(ROOT, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

const dispose = (dir: string | undefined): void => {
  if (dir && !opts.keep) rmSync(dir, { recursive: true, force: true });
};

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Runs one program `repeats` times (competitors: fewer once the budget is spent) and keeps the samples. */
async function runCell(
  r: Row,
  tool: ToolId,
  o: {
    repeats: number;
    timeout: number;
    cmd: (dir: string) => string[];
    prepare: (i: number) => Attempt;
    env?: Record<string, string>;
    /** Add to the cell's samples (one repeat of an interleaved series): the repeat's index. */
    append?: number;
    /** Repeats the whole series asks for (default: repeats). */
    wanted?: number;
  },
): Promise<Cell> {
  const cell: Cell = (o.append !== undefined && r.cells[tool]) || { samples: [], status: "ok", wanted: o.wanted ?? o.repeats };
  r.cells[tool] = cell;
  if (cell.status !== "ok") return cell;
  let spent = 0;
  for (let i = 0; i < o.repeats; i++) {
    const at = o.prepare(o.append ?? i);
    const logFile = join(at.dir, `.bench-${tool}.log`);
    const s = await measure({ cmd: o.cmd(at.dir), cwd: at.dir, timeout: o.timeout, log: logFile, env: o.env });
    if (s.timedOut) {
      cell.status = "timeout";
      cell.timeout = o.timeout;
      break;
    }
    const wrong = s.code !== 0 ? `exit status ${s.code}` : at.verify?.();
    if (wrong) {
      cell.status = "error";
      cell.detail = wrong;
      log(`  !! ${tools[tool].label} ${r.workload} ${r.measurement}: ${wrong}\n${tail(logFile)
        .split("\n")
        .map((l) => "     | " + l)
        .join("\n")}`);
      break;
    }
    cell.samples.push(s);
    spent += s.wall;
    if (tool !== "ours" && spent > cfg.budget) break;
  }
  if (o.append === undefined || o.append === cell.wanted - 1 || cell.status !== "ok") log(`  ${r.workload} · ${r.measurement} · ${tools[tool].label}: ${cellText(cell)}`);
  return cell;
}

const activeTools = (allowed: ToolId[] = ["ours", ...COMPETITORS]): ToolId[] => allowed.filter((t) => tools[t].available);

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

/** A file's text without surrounding white space (make's $(file) adds a newline). */
const readText = (p: string): string | undefined => {
  try {
    return readFileSync(p, "utf8").trim();
  } catch {
    return undefined;
  }
};

/** Records the harness-made state in Ruffus's history (set-up, untimed). */
function ruffusHistory(dir: string, files: string[]): void {
  writeFileSync(join(dir, ".bench-history-list"), files.join("\n"));
  const r = spawnSync(PYTHON, [join(LIB, "ruffus_history.py"), ".bench-history-list"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ruffus_history.py failed: ${r.stderr}`);
}

async function w1(n: number): Promise<void> {
  const jobs = W.chainJobs(n);
  const name = `W1 chain N=${n.toLocaleString("en-US")}`;
  const competitors = cfg.w1Competitors.includes(n) ? COMPETITORS : (["make"] as ToolId[]);
  const cold = row(`W1.cold.${n}`, name, "cold run", jobs);
  const noop = row(`W1.noop.${n}`, name, "no-op re-run", jobs);
  const incr = row(`W1.incr.${n}`, name, "incremental: 1 input changed, 4 jobs run", jobs);
  const withLoop = cfg.loop.includes(n);
  const loop = withLoop ? row(`W1.loop.${n}`, name, "plain loop, same writes (bun)", jobs, true) : undefined;
  log(`${name} (${jobs.toLocaleString("en-US")} jobs)`);

  for (const tool of activeTools(["ours", ...competitors])) {
    let last: string | undefined;
    const coldRun = (repeats: number, append?: number): Promise<Cell> =>
      runCell(cold, tool, {
        repeats,
        append,
        wanted: opts.repeats,
        timeout: tool === "ours" ? 900 : cfg.timeout("W1.cold", tool, n),
        cmd: () => W.command(tool, RUFF, "chain.ts", "run"),
        prepare: (i) => {
          dispose(last);
          last = fresh(`w1-${n}-${tool}-cold${i}`);
          W.chainInputs(last, n);
          W.chainPipelines(last);
          const dir = last;
          return { dir, verify: () => (readText(join(dir, "all.txt")) === String(n) ? undefined : `all.txt is not "${n}"`) };
        },
      });
    let c: Cell;
    if (tool === "ours" && loop) {
      // Cold run and plain loop alternate, so that each pair sees the same machine: the per-job
      // overhead is the median of the pairs' differences.
      for (let i = 0; i < opts.repeats; i++) {
        await coldRun(1, i);
        await loopRun(loop, n, i);
      }
      c = cold.cells.ours as Cell;
    } else c = await coldRun(opts.repeats);
    // No-op and incremental re-runs: in the state the program's own cold run left, or, when it
    // did not finish, in the same state made by the harness (every output one second newer than its inputs).
    let dir = last as string;
    let prepared = false;
    if (c.status !== "ok") {
      dispose(last);
      if (tool === "ours") continue;
      dir = fresh(`w1-${n}-${tool}-state`);
      const made = W.chainMaterialize(dir, n);
      W.chainPipelines(dir);
      if (tool === "ruffus") ruffusHistory(dir, made);
      prepared = true;
    }
    const all = join(dir, "all.txt");
    const nc = await runCell(noop, tool, {
      repeats: opts.repeats,
      timeout: tool === "ours" ? 300 : cfg.timeout("W1.noop", tool, n),
      cmd: () => W.command(tool, RUFF, "chain.ts", "run"),
      prepare: () => {
        const before = W.mtimeMs(all);
        return { dir, verify: () => (W.mtimeMs(all) === before ? undefined : "all.txt was rewritten: the re-run was not a no-op") };
      },
    });
    nc.prepared = prepared;
    const ic = await runCell(incr, tool, {
      repeats: opts.repeats,
      timeout: tool === "ours" ? 300 : cfg.timeout("W1.incr", tool, n),
      cmd: () => W.command(tool, RUFF, "chain.ts", "run"),
      prepare: (i) => {
        // Rewritten, not only touched: Snakemake 7 ignores a newer input whose checksum is unchanged.
        const input = join(dir, W.chainInput((i * 7919) % n));
        writeFileSync(input, `changed ${Date.now()} ${i}`);
        const before = W.mtimeMs(all);
        return { dir, verify: () => (W.mtimeMs(all) !== before && readText(all) === String(n) ? undefined : "all.txt was not remade after an input changed") };
      },
    });
    ic.prepared = prepared;
    dispose(dir);
  }

}

/** One run of the per-job-overhead baseline: the same writes by a plain loop under bun (the binary's runtime). */
async function loopRun(r: Row, n: number, i: number): Promise<void> {
  let dir: string | undefined;
  await runCell(r, "ours", {
    repeats: 1,
    append: i,
    wanted: opts.repeats,
    timeout: 300,
    cmd: () => [join(REPO, "node_modules", ".bin", "bun"), "loop.ts"],
    prepare: () => {
      dir = fresh(`w1-${n}-loop${i}`);
      W.chainInputs(dir, n);
      writeFileSync(join(dir, "loop.ts"), W.CHAIN_LOOP_TS);
      const d = dir;
      return { dir: d, verify: () => (readText(join(d, "all.txt")) === String(n) ? undefined : "loop did not finish") };
    },
  });
  dispose(dir);
}

async function w2(n: number): Promise<void> {
  const jobs = W.chainJobs(n);
  const name = `W2 dry run N=${n.toLocaleString("en-US")}`;
  const competitors = cfg.w2Competitors.includes(n) ? COMPETITORS : (["make"] as ToolId[]);
  const r = row(`W2.${n}`, name, "-n: the tasks that would run", jobs);
  // The same plan with every job listed (ours and Ruffus: -n -v 3), so every job is planned and checked.
  const v3 = row(`W2.v3.${n}`, name, "-n -v 3: every job listed", jobs);
  log(`${name} (${jobs.toLocaleString("en-US")} jobs)`);
  for (const tool of activeTools(["ours", ...competitors])) {
    const dir = fresh(`w2-${n}-${tool}`);
    W.chainInputs(dir, n);
    W.chainPipelines(dir);
    const untouched = (): Attempt => ({ dir, verify: () => (existsSync(join(dir, "in", "f000000.s1")) || existsSync(join(dir, "all.txt")) ? "the dry run made files" : undefined) });
    await runCell(r, tool, {
      repeats: opts.repeats,
      timeout: tool === "ours" ? 300 : cfg.timeout("W2", tool, n),
      cmd: () => W.command(tool, RUFF, "chain.ts", "dry"),
      prepare: untouched,
    });
    if (tool === "ours" || tool === "ruffus") {
      await runCell(v3, tool, {
        repeats: opts.repeats,
        timeout: tool === "ours" ? 300 : cfg.timeout("W2.v3", tool, n),
        cmd: () => W.command(tool, RUFF, "chain.ts", "dry3"),
        prepare: untouched,
      });
    }
    dispose(dir);
  }
}

async function w3(): Promise<void> {
  log("W3 start-up");
  const version = row("W3.version", "W3 start-up", "--version");
  const one = row("W3.one", "W3 start-up", "one-job pipeline", 1);
  const floor = row("W3.floor", "W3 start-up", "floor: /bin/true through the harness", undefined, true);
  const repeats = cfg.w3Repeats;
  const dir0 = fresh("w3-floor");
  await runCell(floor, "ours", { repeats, timeout: 30, cmd: () => ["/bin/true"], prepare: () => ({ dir: dir0 }) });
  for (const tool of activeTools()) {
    const dir = fresh(`w3-${tool}`);
    W.onePipelines(dir);
    const out = join(dir, "out.txt");
    const warm = (kind: W.Kind) => measure({ cmd: W.command(tool, RUFF, "one.ts", kind), cwd: dir, timeout: 60, log: join(dir, ".bench-warmup.log") });
    await warm("version"); // page cache: the first start of a 100 MB binary reads it from disk
    await runCell(version, tool, { repeats, timeout: 60, cmd: () => W.command(tool, RUFF, "one.ts", "version"), prepare: () => ({ dir }) });
    rmSync(out, { force: true });
    await warm("run");
    await runCell(one, tool, {
      repeats,
      timeout: 60,
      cmd: () => W.command(tool, RUFF, "one.ts", "run"),
      prepare: () => {
        rmSync(out, { force: true });
        return { dir, verify: () => (existsSync(out) ? undefined : "out.txt was not made") };
      },
    });
    dispose(dir);
  }
  dispose(dir0);
}

async function w4(): Promise<void> {
  const cases: [string, number, string, W.Kind, string][] = [
    ["W4.sleep", cfg.w4.sleeps, "sleep 0.05", "par2", "-j 2"],
    ["W4.true", cfg.w4.trues, "true", "par4", "-j 4"],
  ];
  for (const [key, count, command, kind, j] of cases) {
    const r = row(key, `W4 shell jobs`, `${count.toLocaleString("en-US")} × \`${command}\`, ${j}`, count);
    log(`W4 ${count} x ${command} ${j}`);
    for (const tool of activeTools()) {
      let last: string | undefined;
      await runCell(r, tool, {
        repeats: opts.repeats,
        timeout: tool === "ours" ? 300 : cfg.timeout(key, tool, count),
        cmd: () => W.command(tool, RUFF, "shell.ts", kind),
        prepare: (i) => {
          dispose(last);
          last = fresh(`w4-${key}-${tool}-${i}`);
          W.shellPipelines(last, count, command);
          const dir = last;
          return { dir, verify: () => (W.shellOutputs(dir) === count ? undefined : `${W.shellOutputs(dir)} of ${count} outputs made`) };
        },
      });
      dispose(last);
    }
  }
}

async function w5(n: number): Promise<void> {
  const jobs = W.fanJobs(n);
  const name = `W5 fan-out/in N=${n.toLocaleString("en-US")}`;
  const cold = row(`W5.cold.${n}`, name, "cold run", jobs);
  const noop = row(`W5.noop.${n}`, name, "no-op re-run", jobs);
  log(`${name} (${jobs.toLocaleString("en-US")} jobs)`);
  for (const tool of activeTools()) {
    let last: string | undefined;
    const c = await runCell(cold, tool, {
      repeats: opts.repeats,
      timeout: tool === "ours" ? 600 : cfg.timeout("W5.cold", tool, n),
      cmd: () => W.command(tool, RUFF, "fan.ts", "run"),
      prepare: (i) => {
        dispose(last);
        last = fresh(`w5-${n}-${tool}-cold${i}`);
        W.fanPipelines(last, n);
        const dir = last;
        return { dir, verify: () => (readText(join(dir, "final.txt")) === "100" ? undefined : `final.txt is not "100"`) };
      },
    });
    let dir = last as string;
    let prepared = false;
    if (c.status !== "ok") {
      dispose(last);
      if (tool === "ours") continue;
      dir = fresh(`w5-${n}-${tool}-state`);
      W.fanPipelines(dir, n);
      const made = W.fanMaterialize(dir, n);
      if (tool === "ruffus") ruffusHistory(dir, made);
      prepared = true;
    }
    const fin = join(dir, "final.txt");
    const nc = await runCell(noop, tool, {
      repeats: opts.repeats,
      timeout: tool === "ours" ? 300 : cfg.timeout("W5.noop", tool, n),
      cmd: () => W.command(tool, RUFF, "fan.ts", "run"),
      prepare: () => {
        const before = W.mtimeMs(fin);
        return { dir, verify: () => (W.mtimeMs(fin) === before ? undefined : "final.txt was rewritten: the re-run was not a no-op") };
      },
    });
    nc.prepared = prepared;
    dispose(dir);
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function fmtTime(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 10) return `${s.toFixed(2)} s`;
  if (s < 100) return `${s.toFixed(1)} s`;
  return `${Math.round(s)} s`;
}
function fmtRange(xs: number[]): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (hi < 1) return `${Math.round(lo * 1000)}–${Math.round(hi * 1000)} ms`;
  return `${lo.toFixed(2)}–${hi.toFixed(2)} s`;
}
function fmtRatio(x: number): string {
  if (x >= 10) return `${x.toFixed(0)}×`;
  if (x >= 1) return `${x.toFixed(1)}×`;
  if (x >= 0.1) return `${x.toFixed(2)}×`;
  return `${x.toPrecision(2)}×`;
}
const fmtMb = (mb: number | undefined): string => (mb === undefined ? "–" : `${Math.round(mb)} MB`);

const wallOf = (c: Cell | undefined): number | undefined => (c && c.status === "ok" && c.samples.length ? median(c.samples.map((s) => s.wall)) : undefined);
const rssOf = (c: Cell | undefined): number | undefined => {
  const xs = (c?.samples ?? []).map((s) => s.rssMb).filter((x): x is number => x !== undefined);
  return xs.length ? median(xs) : undefined;
};

function cellText(c: Cell): string {
  if (c.status === "timeout") return `> ${c.timeout} s (timed out)`;
  if (c.status === "error") return `error: ${c.detail}`;
  const w = wallOf(c) as number;
  return `${fmtTime(w)} (${fmtRange(c.samples.map((s) => s.wall))}), ${fmtMb(rssOf(c))}${c.samples.length < c.wanted ? ` [n=${c.samples.length}]` : ""}`;
}

/** A competitor's cell: its time and RSS, and ours as a ratio of it ("0.05×" = ours takes 5% of its time). */
function competitorText(r: Row, tool: ToolId): string {
  if (!tools[tool].available) return "n/i";
  const c = r.cells[tool];
  if (!c) return "—";
  const ours = wallOf(r.cells.ours);
  const mark = c.prepared ? "†" : "";
  if (c.status === "timeout") return `> ${c.timeout} s${mark}` + (ours !== undefined ? ` (< ${fmtRatio(ours / (c.timeout as number))})` : "");
  if (c.status === "error") return `error${mark}`;
  const w = wallOf(c) as number;
  const n = c.samples.length < c.wanted ? ` [n=${c.samples.length}]` : "";
  return `${fmtTime(w)}, ${fmtMb(rssOf(c))}${mark}${n}` + (ours !== undefined ? ` (**${fmtRatio(ours / w)}**)` : "");
}

function table(): string {
  const comp = COMPETITORS;
  const head = ["workload", "measurement", "jobs", "ours: median", "min–max", "peak RSS", ...comp.map((t) => tools[t].label)];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`];
  for (const r of rows) {
    const c = r.cells.ours;
    const ours = !c
      ? ["—", "—", "—"]
      : c.status !== "ok"
        ? [cellText(c), "", ""]
        : [fmtTime(wallOf(c) as number), fmtRange(c.samples.map((s) => s.wall)), r.reference && r.key === "W3.floor" ? fmtMb(rssOf(c)) : fmtMb(rssOf(c))];
    const others = comp.map((t) => (r.reference ? "" : competitorText(r, t)));
    lines.push(`| ${[r.workload, r.measurement, r.jobs?.toLocaleString("en-US") ?? "", ...ours, ...others].join(" | ")} |`);
  }
  return lines.join("\n");
}

const find = (key: string): Row | undefined => rows.find((r) => r.key === key);
const oursWall = (key: string): number | undefined => wallOf(find(key)?.cells.ours);

/** Per-job engine overhead at W1 size n: the median over interleaved (cold, loop) pairs of their difference per job. */
function overhead(n: number): { wallUs: number; cpuUs?: number; pairs: number } | undefined {
  const c = find(`W1.cold.${n}`)?.cells.ours;
  const l = find(`W1.loop.${n}`)?.cells.ours;
  if (!c || !l || c.status !== "ok" || l.status !== "ok") return undefined;
  const pairs = Math.min(c.samples.length, l.samples.length);
  if (!pairs) return undefined;
  const jobs = W.chainJobs(n);
  const wall = Array.from({ length: pairs }, (_, i) => ((c.samples[i].wall - l.samples[i].wall) / jobs) * 1e6);
  const cpus = Array.from({ length: pairs }, (_, i) => (c.samples[i].cpu !== undefined && l.samples[i].cpu !== undefined ? (((c.samples[i].cpu as number) - (l.samples[i].cpu as number)) / jobs) * 1e6 : NaN));
  return { wallUs: median(wall), cpuUs: cpus.some(Number.isNaN) ? undefined : median(cpus), pairs };
}

function derived(): string[] {
  const out: string[] = [];
  for (const n of cfg.loop) {
    const o = overhead(n);
    if (!o) continue;
    out.push(
      `W1 N=${n.toLocaleString("en-US")}: engine overhead per job ≈ median over ${o.pairs} interleaved pairs of (cold run − plain loop) / ${W.chainJobs(n).toLocaleString("en-US")} jobs = ` +
        `${o.wallUs.toFixed(1)} µs wall` +
        (o.cpuUs !== undefined ? `, ${o.cpuUs.toFixed(1)} µs CPU (user+sys)` : "") +
        ` (cold ${fmtTime(oursWall(`W1.cold.${n}`) as number)}, loop ${fmtTime(oursWall(`W1.loop.${n}`) as number)})`,
    );
  }
  const [small, big] = cfg.w1Growth;
  const growthKeys: [string, string, string][] = [
    ["W1 cold", `W1.cold.${small}`, `W1.cold.${big}`],
    ["W1 no-op", `W1.noop.${small}`, `W1.noop.${big}`],
    ["W1 incremental", `W1.incr.${small}`, `W1.incr.${big}`],
    ["W2 dry run", `W2.${small}`, `W2.${big}`],
  ];
  for (const [label, a, b] of growthKeys) {
    const ra = find(a)?.cells.ours;
    const rb = find(b)?.cells.ours;
    const ta = wallOf(ra);
    const tb = wallOf(rb);
    if (ta === undefined || tb === undefined) continue;
    const ma = rssOf(ra);
    const mb = rssOf(rb);
    out.push(
      `Growth ${W.chainJobs(small).toLocaleString("en-US")} → ${W.chainJobs(big).toLocaleString("en-US")} jobs, ${label}: time ×${(tb / ta).toFixed(2)} (${fmtTime(ta)} → ${fmtTime(tb)})` +
        (ma !== undefined && mb !== undefined ? `, peak RSS ×${(mb / ma).toFixed(2)} (${fmtMb(ma)} → ${fmtMb(mb)})` : ""),
    );
  }
  const sleep = find("W4.sleep");
  if (sleep) {
    const ideal = (cfg.w4.sleeps * 0.05) / 2;
    const parts = activeTools().map((t) => {
      const w = wallOf(sleep.cells[t]);
      return `${tools[t].label} ${w === undefined ? "–" : `${fmtTime(w)} (+${(((w - ideal) / cfg.w4.sleeps) * 1000).toFixed(1)} ms/job over ideal)`}`;
    });
    out.push(`W4 sleeps: ideal ${ideal.toFixed(2)} s; ${parts.join("; ")}`);
  }
  const tr = find("W4.true");
  if (tr) {
    const parts = activeTools().map((t) => {
      const w = wallOf(tr.cells[t]);
      return `${tools[t].label} ${w === undefined ? "–" : `${Math.round(cfg.w4.trues / w).toLocaleString("en-US")} jobs/s`}`;
    });
    out.push(`W4 true: ${parts.join("; ")}`);
  }
  return out;
}

interface Target {
  name: string;
  met?: boolean;
  text: string;
}

function targets(): Target[] {
  const t: Target[] = [];
  const add = (name: string, value: number | undefined, limit: number, unit: (x: number) => string, lowerIsBetter = true): void => {
    if (value === undefined) return void t.push({ name, text: "not measured" });
    const met = lowerIsBetter ? value <= limit : value >= limit;
    const by = lowerIsBetter ? `${unit(value - limit)} over (${((value / limit - 1) * 100).toFixed(0)}%)` : `${unit(limit - value)} short`;
    t.push({ name, met, text: `${unit(value)} vs ${unit(limit)}: ${met ? "met" : `MISSED by ${by}`}` });
  };
  const sec = (x: number): string => fmtTime(x);
  const big = 33334;
  add(`W1 no-op at ${W.chainJobs(big).toLocaleString("en-US")} jobs ≤ 1.0 s`, oursWall(`W1.noop.${big}`), 1.0, sec);
  add(`W1 no-op at ${W.chainJobs(big).toLocaleString("en-US")} jobs peak RSS ≤ 400 MB`, rssOf(find(`W1.noop.${big}`)?.cells.ours), 400, (x) => `${Math.round(x)} MB`);
  {
    const r = find("W1.cold.10000");
    const ours = wallOf(r?.cells.ours);
    const c = r?.cells.ruffus;
    const name = "W1 cold N=10,000 ≥ 20× faster than Ruffus 2.8.4";
    if (ours === undefined || !c) t.push({ name, text: "not measured (Ruffus not installed?)" });
    else if (c.status === "timeout") {
      const x = (c.timeout as number) / ours;
      t.push({ name, met: x >= 20, text: `Ruffus > ${c.timeout} s (timed out), ours ${fmtTime(ours)}: ≥ ${x.toFixed(0)}× — ${x >= 20 ? "met" : "undecided (raise the timeout)"}` });
    } else if (c.status === "ok") {
      const x = (wallOf(c) as number) / ours;
      t.push({ name, met: x >= 20, text: `Ruffus ${fmtTime(wallOf(c) as number)}, ours ${fmtTime(ours)}: ${x.toFixed(1)}× — ${x >= 20 ? "met" : `MISSED (${(20 / x).toFixed(2)}× short)`}` });
    } else t.push({ name, text: "Ruffus failed" });
  }
  add("Engine overhead per job (W1 N=10,000, wall) ≤ 20 µs", overhead(10000)?.wallUs, 20, (x) => `${x.toFixed(1)} µs`);
  add(`W2 dry run (ruff -n) at ${W.chainJobs(big).toLocaleString("en-US")} jobs ≤ 1.5 s`, oursWall(`W2.${big}`), 1.5, sec);
  add(`W2 dry run listing every job (ruff -n -v 3) at ${W.chainJobs(big).toLocaleString("en-US")} jobs ≤ 1.5 s (stricter reading)`, oursWall(`W2.v3.${big}`), 1.5, sec);
  add("W3 ruff --version median ≤ 60 ms", oursWall("W3.version"), 0.06, sec);
  add("W3 one-job pipeline median ≤ 150 ms", oursWall("W3.one"), 0.15, sec);
  for (const key of ["W4.sleep", "W4.true"]) {
    const r = find(key);
    const ours = wallOf(r?.cells.ours);
    const make = wallOf(r?.cells.make);
    const name = `W4 ${r?.measurement ?? key}: no slower than make`;
    if (ours === undefined || make === undefined) t.push({ name, text: "not measured (make not installed?)" });
    else {
      const met = ours <= make;
      t.push({ name, met, text: `ours ${fmtTime(ours)}, make ${fmtTime(make)}: ${met ? "met" : `MISSED by ${fmtTime(ours - make)} (${((ours / make - 1) * 100).toFixed(0)}%)`}` });
    }
  }
  {
    const w = oursWall("W4.true");
    add("W4 `true` jobs ≥ 1,000 jobs/s", w === undefined ? undefined : cfg.w4.trues / w, 1000, (x) => `${Math.round(x).toLocaleString("en-US")} jobs/s`, false);
  }
  const [small, bigG] = cfg.w1Growth;
  for (const [label, a, b] of [
    ["W1 cold", `W1.cold.${small}`, `W1.cold.${bigG}`],
    ["W1 no-op", `W1.noop.${small}`, `W1.noop.${bigG}`],
    ["W1 incremental", `W1.incr.${small}`, `W1.incr.${bigG}`],
    ["W2 dry run", `W2.${small}`, `W2.${bigG}`],
  ]) {
    const ta = oursWall(a);
    const tb = oursWall(b);
    add(`Growth 10,000 → 100,000 jobs, ${label} time ≤ ×11`, ta !== undefined && tb !== undefined ? tb / ta : undefined, 11, (x) => `×${x.toFixed(2)}`);
    const ma = rssOf(find(a)?.cells.ours);
    const mb = rssOf(find(b)?.cells.ours);
    add(`Growth 10,000 → 100,000 jobs, ${label} peak RSS ≤ ×11`, ma !== undefined && mb !== undefined ? mb / ma : undefined, 11, (x) => `×${x.toFixed(2)}`);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/** The commit measured, and whether src/ had uncommitted changes. */
function sourceVersion(): string {
  const git = (args: string[]): string | undefined => {
    const r = spawnSync("git", args, { cwd: REPO, encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const head = git(["rev-parse", "--short", "HEAD"]);
  if (!head) return "source: not a git checkout";
  return `source ${head}${git(["status", "--porcelain", "--", "src"]) ? " + uncommitted src/ changes" : ""}`;
}

/** Load average and CPU pressure (the share of time some task waited for a CPU): other work on the machine skews timings. */
function machineLoad(): string {
  const read = (f: string): string | undefined => {
    try {
      return readFileSync(f, "utf8");
    } catch {
      return undefined;
    }
  };
  const load = read("/proc/loadavg")?.split(" ").slice(0, 3).join(" ") ?? "?";
  const psi = /avg60=([\d.]+) avg300=([\d.]+)/.exec(read("/proc/pressure/cpu") ?? "");
  return `load average ${load}` + (psi ? `, CPU pressure ${psi[1]}% (1 min) ${psi[2]}% (5 min)` : "");
}

async function main(): Promise<void> {
  opts = parseArgs(process.argv.slice(2));
  cfg = config(opts.quick);
  const started = Date.now();
  const loadStart = machineLoad();
  RUFF = ensureBinary(REPO, log);
  const source = sourceVersion();
  tools = detectTools(opts.tools);
  for (const t of COMPETITORS) if (!tools[t].available) log(`${tools[t].label}: ${tools[t].why}`);
  ROOT = mkdtempSync(join(tmpdir(), "ruffus-bench-"));
  const cleanup = (): void => {
    if (!opts.keep) rmSync(ROOT, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  const want = (w: string): boolean => !opts.only || opts.only.has(w);
  try {
    if (want("W1")) for (const n of cfg.w1) await w1(n);
    if (want("W2")) for (const n of cfg.w2) await w2(n);
    if (want("W3")) await w3();
    if (want("W4")) await w4();
    if (want("W5")) await w5(cfg.w5);
  } finally {
    cleanup();
  }
  const v = versions(REPO);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const loadEnd = machineLoad();
  const out: string[] = [];
  out.push(
    `ruffus benchmarks${opts.quick ? " (--quick: small sizes, a smoke test of the harness — not for judging performance)" : ""}: ` +
      `${new Date().toISOString().slice(0, 10)}, ${source}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}; ` +
      `bun ${v.bun}, node ${v.node}, ${v.python}; ${COMPETITORS.map((t) => (tools[t].available ? tools[t].label : `${tools[t].label}: ${tools[t].why}`)).join(", ")}; ` +
      `median of ${opts.repeats} runs (W3: ${cfg.w3Repeats}); took ${minutes} min; machine load at the start: ${loadStart}; at the end: ${loadEnd}`,
  );
  out.push("");
  out.push(table());
  out.push("");
  out.push(
    "Competitor cells: median, peak RSS, and (**ours ÷ theirs**): 0.05× means ours takes 5% of its time. " +
      "`> T s`: stopped at its time limit. [n=k]: k runs (a competitor's repeats stop once it has used its time budget). " +
      "†: the up-to-date state was made by the harness (its cold run did not finish in time): the same files, each step one second newer, and for Ruffus its history records written with its own JobHistoryChecksum. " +
      "`—`: not run at this size. Ours runs through dist/ruff (checksum level 1, history on); Ruffus through cmdline.run(checksum_level=1); " +
      "Snakemake with -q --force-use-threads --scheduler greedy; make -j2 with $(file) recipes.",
  );
  out.push("");
  for (const d of derived()) out.push(`- ${d}`);
  if (!opts.quick && !opts.only) {
    out.push("");
    out.push("Targets:");
    for (const t of targets()) out.push(`- ${t.met === undefined ? "?" : t.met ? "met" : "MISSED"}: ${t.name} — ${t.text}`);
  }
  console.log(out.join("\n"));
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), quick: opts.quick, versions: v, tools, rows, derived: derived(), targets: targets() }, null, 2));
}

await main();
