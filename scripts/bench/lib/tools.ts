/**
 * The programs compared: our binary (always), and — when installed — Ruffus 2.8.4 under
 * /usr/bin/python3, Snakemake and GNU make. Detection is optional: a missing program is a column
 * that says "not installed".
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type ToolId = "ours" | "ruffus" | "snakemake" | "make";
export const COMPETITORS: ToolId[] = ["ruffus", "snakemake", "make"];

export interface Tool {
  id: ToolId;
  /** Column heading, e.g. "Ruffus 2.8.4". */
  label: string;
  version?: string;
  available: boolean;
  why?: string;
}

export const PYTHON = "/usr/bin/python3";

function firstLine(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30000 });
  if (r.status !== 0) return undefined;
  return (r.stdout || r.stderr).trim().split("\n")[0];
}

export function detectTools(wanted: ToolId[]): Record<ToolId, Tool> {
  const tools = {} as Record<ToolId, Tool>;
  tools.ours = { id: "ours", label: "ruffus (ours)", available: true };
  const off = (id: ToolId, label: string, why: string): Tool => ({ id, label, available: false, why });

  if (!wanted.includes("ruffus")) tools.ruffus = off("ruffus", "Ruffus", "not asked for");
  else {
    const v = existsSync(PYTHON) ? firstLine(PYTHON, ["-c", "import ruffus; print(ruffus.__version__)"]) : undefined;
    tools.ruffus = v ? { id: "ruffus", label: `Ruffus ${v}`, version: v, available: true } : off("ruffus", "Ruffus", "not installed (apt-get install python3-ruffus)");
  }
  if (!wanted.includes("snakemake")) tools.snakemake = off("snakemake", "Snakemake", "not asked for");
  else {
    const v = firstLine("snakemake", ["--version"]);
    tools.snakemake = v ? { id: "snakemake", label: `Snakemake ${v}`, version: v, available: true } : off("snakemake", "Snakemake", "not installed (apt-get install snakemake)");
  }
  if (!wanted.includes("make")) tools.make = off("make", "make", "not asked for");
  else {
    const v = firstLine("make", ["--version"])?.replace(/^GNU Make\s*/, "");
    tools.make = v ? { id: "make", label: `make ${v}`, version: v, available: true } : off("make", "make", "not installed");
  }
  return tools;
}

/** Newest modification time of the files the binary is built from. */
function newestSource(repo: string): number {
  let newest = 0;
  const visit = (path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) for (const f of readdirSync(path)) visit(join(path, f));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src", "build.ts", "package.json"]) if (existsSync(join(repo, p))) visit(join(repo, p));
  return newest;
}

/** dist/ruff, built with `bun build.ts` when missing or older than the sources. */
export function ensureBinary(repo: string, log: (s: string) => void): string {
  const bin = join(repo, "dist", "ruff");
  if (existsSync(bin) && statSync(bin).mtimeMs >= newestSource(repo)) return bin;
  log(`building ${bin} (missing or older than src/) ...`);
  const r = spawnSync(join(repo, "node_modules", ".bin", "bun"), ["build.ts"], { cwd: repo, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0 || !existsSync(bin)) throw new Error(`bun build.ts failed (exit ${r.status})`);
  return bin;
}

export function versions(repo: string): Record<string, string> {
  const bun = firstLine(join(repo, "node_modules", ".bin", "bun"), ["--version"]) ?? "?";
  return { bun, node: process.version, python: firstLine(PYTHON, ["--version"]) ?? "?" };
}
