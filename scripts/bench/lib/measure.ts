/**
 * Runs one command as a whole process and measures it: wall time (taken here, around the spawn),
 * peak RSS (GNU time's `%M`, which covers the command and every descendant it waited for), exit
 * status, and whether it hit its time limit. The command runs in a process group of its own so a
 * timeout kills everything it started (Snakemake and Ruffus start helpers of their own).
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

export interface Sample {
  /** Wall time in seconds. */
  wall: number;
  /** Peak resident set size in MiB (undefined when GNU time is not installed). */
  rssMb?: number;
  /** User + system CPU seconds of the command and its children (GNU time). */
  cpu?: number;
  code: number | null;
  timedOut: boolean;
}

export interface RunSpec {
  cmd: string[];
  cwd: string;
  /** Kill the process group after this many seconds. */
  timeout: number;
  /** stdout and stderr are appended here. */
  log: string;
  env?: Record<string, string | undefined>;
}

const GNU_TIME = "/usr/bin/time";
export const haveGnuTime = existsSync(GNU_TIME);

export function measure(spec: RunSpec): Promise<Sample> {
  const rssFile = join(spec.cwd, `.bench-rss-${process.pid}`);
  rmSync(rssFile, { force: true });
  const argv = haveGnuTime ? [GNU_TIME, "-o", rssFile, "-f", "%M %U %S", ...spec.cmd] : spec.cmd;
  const fd = openSync(spec.log, "a");
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, NO_COLOR: "1", ...spec.env },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        /* already gone */
      }
    }, spec.timeout * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      closeSync(fd);
      reject(e);
    });
    child.on("exit", (code) => {
      const wall = (performance.now() - t0) / 1000;
      clearTimeout(timer);
      closeSync(fd);
      let rssMb: number | undefined;
      let cpu: number | undefined;
      if (haveGnuTime && !timedOut) {
        try {
          // The last line; a killed command's report starts with "Command terminated by signal".
          const [kb, user, sys] = (readFileSync(rssFile, "utf8").trim().split("\n").pop() ?? "").split(" ").map(Number);
          if (Number.isFinite(kb) && kb > 0) rssMb = kb / 1024;
          if (Number.isFinite(user) && Number.isFinite(sys)) cpu = user + sys;
        } catch {
          /* no report: killed */
        }
      }
      rmSync(rssFile, { force: true });
      resolve({ wall, rssMb, cpu, code, timedOut });
    });
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
