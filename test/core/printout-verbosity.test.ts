/**
 * Printout and run-log texts at each verbosity (reference §4.8, §5.1, §5.2), beyond the basic
 * 3-task pipeline at verbose 1–5 covered by printout-log.test.ts: path abbreviation
 * (ruffus/test/test_verbosity.py), verbose 6 and 7 (up-to-date jobs and their file dates),
 * inactive tasks, follows-only and parallel tasks, forced tasks, one-to-many job descriptions,
 * mkdir tasks, and the "Tasks which are up-to-date" block of run logs.
 *
 * Every expected text below was produced by running the same pipeline (same task names, same
 * steps) with Python Ruffus 2.8.4 — "compared with Ruffus 2.8.4" — with these normalisations:
 * dates are matched by pattern (written <DATE>), the temporary directory is written <CWD>, the
 * word `map` that Ruffus prints for extras (a Python 3 bug) is replaced by the extras, and
 * functions in mkdir task names show as `<function f>` instead of `<function f at 0x7f…>`
 * (README "Differences from Ruffus"; the line is wrapped as Python's textwrap wraps our name).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { Pipeline, formatter, follows, mkdir, originate, outputFrom, suffix, transform } from "ruffus";
import { age, inTempDir, memoryLogger, read } from "../helpers.ts";

const DATE = /\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d\d/g;

/** Replaces dates by <DATE> and the current directory by <CWD>. */
function norm(text: string): string {
  return text.replaceAll(process.cwd(), "<CWD>").replace(DATE, "<DATE>");
}

/** Printout text, normalised. */
async function printout(p: Pipeline, options: Parameters<Pipeline["printout"]>[0]): Promise<string> {
  return norm(await p.printout(options));
}

/** Run-log lines (warnings prefixed "WARNING: "), normalised. */
async function runLog(p: Pipeline, options: Parameters<Pipeline["run"]>[0]): Promise<string[]> {
  const log = memoryLogger();
  await p.run({ ...options, logger: log });
  return log.lines.map(norm);
}

// =============================================================================================
// Expected texts, from Ruffus 2.8.4
// =============================================================================================

const S0_N1 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven')   before create_initial_file_pairs \"",
  "    \"Make missing directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]\"",
  "       Make directories [.../seven]",
  "         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing",
  "",
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> .../job1.a.start",
  "             -> test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../job1.a.start, test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> .../job2.a.start",
  "             -> test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../job2.a.start, test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> .../job3.a.start",
  "             -> test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../job3.a.start, test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [[.../job1.a.start, test_verbosity/job1.b.start]",
  "             -> .../job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../job1.a.start, test_verbosity/job1.b.start, .../job1.a.output.1]",
  "       Job  = [[.../job2.a.start, test_verbosity/job2.b.start]",
  "             -> .../job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../job2.a.start, test_verbosity/job2.b.start, .../job2.a.output.1]",
  "       Job  = [[.../job3.a.start, test_verbosity/job3.b.start]",
  "             -> .../job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../job3.a.start, test_verbosity/job3.b.start, .../job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [.../job1.a.output.1",
  "             -> .../job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../job1.a.output.1, .../job1.a.output.2]",
  "       Job  = [.../job2.a.output.1",
  "             -> .../job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../job2.a.output.1, .../job2.a.output.2]",
  "       Job  = [.../job3.a.output.1",
  "             -> .../job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../job3.a.output.1, .../job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S0_N2 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven')   before create_initial_file_pairs \"",
  "    \"Make missing directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]\"",
  "       Make directories [.../six/seven]",
  "         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing",
  "",
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> .../seven/job1.a.start",
  "             -> test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job1.a.start, test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> .../seven/job2.a.start",
  "             -> test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job2.a.start, test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> .../seven/job3.a.start",
  "             -> test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job3.a.start, test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [[.../seven/job1.a.start, test_verbosity/job1.b.start]",
  "             -> .../seven/job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job1.a.start, test_verbosity/job1.b.start, .../seven/job1.a.output.1]",
  "       Job  = [[.../seven/job2.a.start, test_verbosity/job2.b.start]",
  "             -> .../seven/job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job2.a.start, test_verbosity/job2.b.start, .../seven/job2.a.output.1]",
  "       Job  = [[.../seven/job3.a.start, test_verbosity/job3.b.start]",
  "             -> .../seven/job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job3.a.start, test_verbosity/job3.b.start, .../seven/job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [.../seven/job1.a.output.1",
  "             -> .../seven/job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job1.a.output.1, .../seven/job1.a.output.2]",
  "       Job  = [.../seven/job2.a.output.1",
  "             -> .../seven/job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job2.a.output.1, .../seven/job2.a.output.2]",
  "       Job  = [.../seven/job3.a.output.1",
  "             -> .../seven/job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job3.a.output.1, .../seven/job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S0_N3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven')   before create_initial_file_pairs \"",
  "    \"Make missing directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]\"",
  "       Make directories [.../five/six/seven]",
  "         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing",
  "",
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> .../six/seven/job1.a.start",
  "             -> test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job1.a.start, test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> .../six/seven/job2.a.start",
  "             -> test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job2.a.start, test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> .../six/seven/job3.a.start",
  "             -> test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job3.a.start, test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [[.../six/seven/job1.a.start, test_verbosity/job1.b.start]",
  "             -> .../six/seven/job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job1.a.start, test_verbosity/job1.b.start, .../six/seven/job1.a.output.1]",
  "       Job  = [[.../six/seven/job2.a.start, test_verbosity/job2.b.start]",
  "             -> .../six/seven/job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job2.a.start, test_verbosity/job2.b.start, .../six/seven/job2.a.output.1]",
  "       Job  = [[.../six/seven/job3.a.start, test_verbosity/job3.b.start]",
  "             -> .../six/seven/job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job3.a.start, test_verbosity/job3.b.start, .../six/seven/job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [.../six/seven/job1.a.output.1",
  "             -> .../six/seven/job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job1.a.output.1, .../six/seven/job1.a.output.2]",
  "       Job  = [.../six/seven/job2.a.output.1",
  "             -> .../six/seven/job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job2.a.output.1, .../six/seven/job2.a.output.2]",
  "       Job  = [.../six/seven/job3.a.output.1",
  "             -> .../six/seven/job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../six/seven/job3.a.output.1, .../six/seven/job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S0_N9 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven')   before create_initial_file_pairs \"",
  "    \"Make missing directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]\"",
  "       Make directories [.../lg/what/one/two/three/four/five/six/seven]",
  "         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing",
  "",
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> .../what/one/two/three/four/five/six/seven/job1.a.start",
  "             -> test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job1.a.start, test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> .../what/one/two/three/four/five/six/seven/job2.a.start",
  "             -> test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job2.a.start, test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> .../what/one/two/three/four/five/six/seven/job3.a.start",
  "             -> test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job3.a.start, test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [[.../what/one/two/three/four/five/six/seven/job1.a.start, test_verbosity/job1.b.start]",
  "             -> .../what/one/two/three/four/five/six/seven/job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job1.a.start, test_verbosity/job1.b.start, .../what/one/two/three/four/five/six/seven/job1.a.output.1]",
  "       Job  = [[.../what/one/two/three/four/five/six/seven/job2.a.start, test_verbosity/job2.b.start]",
  "             -> .../what/one/two/three/four/five/six/seven/job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job2.a.start, test_verbosity/job2.b.start, .../what/one/two/three/four/five/six/seven/job2.a.output.1]",
  "       Job  = [[.../what/one/two/three/four/five/six/seven/job3.a.start, test_verbosity/job3.b.start]",
  "             -> .../what/one/two/three/four/five/six/seven/job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job3.a.start, test_verbosity/job3.b.start, .../what/one/two/three/four/five/six/seven/job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [.../what/one/two/three/four/five/six/seven/job1.a.output.1",
  "             -> .../what/one/two/three/four/five/six/seven/job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job1.a.output.1, .../what/one/two/three/four/five/six/seven/job1.a.output.2]",
  "       Job  = [.../what/one/two/three/four/five/six/seven/job2.a.output.1",
  "             -> .../what/one/two/three/four/five/six/seven/job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job2.a.output.1, .../what/one/two/three/four/five/six/seven/job2.a.output.2]",
  "       Job  = [.../what/one/two/three/four/five/six/seven/job3.a.output.1",
  "             -> .../what/one/two/three/four/five/six/seven/job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../what/one/two/three/four/five/six/seven/job3.a.output.1, .../what/one/two/three/four/five/six/seven/job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S0_N0 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven')   before create_initial_file_pairs \"",
  "    \"Make missing directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]\"",
  "       Make directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]",
  "         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing",
  "",
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start",
  "             -> <CWD>/test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start, <CWD>/test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.start",
  "             -> <CWD>/test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.start, <CWD>/test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.start",
  "             -> <CWD>/test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.start, <CWD>/test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [[<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start, <CWD>/test_verbosity/job1.b.start]",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.start, <CWD>/test_verbosity/job1.b.start, <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.output.1]",
  "       Job  = [[<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.start, <CWD>/test_verbosity/job2.b.start]",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.start, <CWD>/test_verbosity/job2.b.start, <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.output.1]",
  "       Job  = [[<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.start, <CWD>/test_verbosity/job3.b.start]",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.start, <CWD>/test_verbosity/job3.b.start, <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.output.1",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.output.1, <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job1.a.output.2]",
  "       Job  = [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.output.1",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.output.1, <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job2.a.output.2]",
  "       Job  = [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.output.1",
  "             -> <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.output.1, <CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven/job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S0_NM60 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven')   before create_initial_file_pairs \"",
  "    \"Make missing directories [<CWD>/test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven]\"",
  "       Make directories <???> data/scratch/lg/what/one/two/three/four/five/six/seven]",
  "         Job needs update: : Directories 'test_verbosity/data/scratch/lg/what/one/two/three/four/five/six/seven' is missing",
  "",
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> <???> /lg/what/one/two/three/four/five/six/seven/job1.a.start",
  "             -> test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files <???> ve/six/seven/job1.a.start, test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> <???> /lg/what/one/two/three/four/five/six/seven/job2.a.start",
  "             -> test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files <???> ve/six/seven/job2.a.start, test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> <???> /lg/what/one/two/three/four/five/six/seven/job3.a.start",
  "             -> test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files <???> ve/six/seven/job3.a.start, test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [<???> ve/six/seven/job1.a.start, test_verbosity/job1.b.start]",
  "             -> <???> /what/one/two/three/four/five/six/seven/job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files <???> tart, test_verbosity/job1.b.start, .../job1.a.output.1]",
  "       Job  = [<???> ve/six/seven/job2.a.start, test_verbosity/job2.b.start]",
  "             -> <???> /what/one/two/three/four/five/six/seven/job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files <???> tart, test_verbosity/job2.b.start, .../job2.a.output.1]",
  "       Job  = [<???> ve/six/seven/job3.a.start, test_verbosity/job3.b.start]",
  "             -> <???> /what/one/two/three/four/five/six/seven/job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files <???> tart, test_verbosity/job3.b.start, .../job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [<???> /what/one/two/three/four/five/six/seven/job1.a.output.1",
  "             -> <???> /what/one/two/three/four/five/six/seven/job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files <???> x/seven/job1.a.output.1, .../six/seven/job1.a.output.2]",
  "       Job  = [<???> /what/one/two/three/four/five/six/seven/job2.a.output.1",
  "             -> <???> /what/one/two/three/four/five/six/seven/job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files <???> x/seven/job2.a.output.1, .../six/seven/job2.a.output.2]",
  "       Job  = [<???> /what/one/two/three/four/five/six/seven/job3.a.output.1",
  "             -> <???> /what/one/two/three/four/five/six/seven/job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files <???> x/seven/job3.a.output.1, .../six/seven/job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S0_REST_DEFAULT = [
  "Task = 'create_initial_file_pairs'",
  "       Job  = [None",
  "             -> .../seven/job1.a.start",
  "             -> test_verbosity/job1.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job1.a.start, test_verbosity/job1.b.start]",
  "       Job  = [None",
  "             -> .../seven/job2.a.start",
  "             -> test_verbosity/job2.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job2.a.start, test_verbosity/job2.b.start]",
  "       Job  = [None",
  "             -> .../seven/job3.a.start",
  "             -> test_verbosity/job3.b.start]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job3.a.start, test_verbosity/job3.b.start]",
  "",
  "Task = 'first_task'",
  "       Job  = [[.../seven/job1.a.start, test_verbosity/job1.b.start]",
  "             -> .../seven/job1.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job1.a.start, test_verbosity/job1.b.start,",
  "               .../seven/job1.a.output.1]",
  "       Job  = [[.../seven/job2.a.start, test_verbosity/job2.b.start]",
  "             -> .../seven/job2.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job2.a.start, test_verbosity/job2.b.start,",
  "               .../seven/job2.a.output.1]",
  "       Job  = [[.../seven/job3.a.start, test_verbosity/job3.b.start]",
  "             -> .../seven/job3.a.output.1]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job3.a.start, test_verbosity/job3.b.start,",
  "               .../seven/job3.a.output.1]",
  "",
  "Task = 'second_task'",
  "       Job  = [.../seven/job1.a.output.1",
  "             -> .../seven/job1.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job1.a.output.1, .../seven/job1.a.output.2]",
  "       Job  = [.../seven/job2.a.output.1",
  "             -> .../seven/job2.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job2.a.output.1, .../seven/job2.a.output.2]",
  "       Job  = [.../seven/job3.a.output.1",
  "             -> .../seven/job3.a.output.2]",
  "         Job needs update: ...",
  "               Missing files [.../seven/job3.a.output.1, .../seven/job3.a.output.2]",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_PO_UPTODATE_5 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "    \"Create the starting files\"",
  "",
  "Task = 'to_middle'",
  "",
  "Task = 'summarise'",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_PO_UPTODATE_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "    \"Create the starting files\"",
  "       Job  = [None",
  "             -> a.start]",
  "       Job  = [None",
  "             -> b.start]",
  "",
  "Task = 'to_middle'",
  "       Job  = [a.start",
  "             -> a.middle, extra_value]",
  "       Job  = [b.start",
  "             -> b.middle, extra_value]",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.middle, b.middle]",
  "             -> all.summary]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_PO_UPTODATE_7 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "    \"Create the starting files\"",
  "       Job  = [None",
  "             -> a.start]",
  "       Missing input files",
  "       Job  = [None",
  "             -> b.start]",
  "       Missing input files",
  "",
  "Task = 'to_middle'",
  "       Job  = [a.start",
  "             -> a.middle, extra_value]",
  "       Up to date",
  "",
  "         Input files:",
  "            <DATE>: a.start",
  "         Output files:",
  "            <DATE>: a.middle",
  "",
  "       Job  = [b.start",
  "             -> b.middle, extra_value]",
  "       Up to date",
  "",
  "         Input files:",
  "            <DATE>: b.start",
  "         Output files:",
  "            <DATE>: b.middle",
  "",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.middle, b.middle]",
  "             -> all.summary]",
  "       Up to date",
  "",
  "         Input files:",
  "            <DATE>: a.middle",
  "            <DATE>: b.middle",
  "         Output files:",
  "            <DATE>: all.summary",
  "",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_RUN_UPTODATE_1 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "Task = 'to_middle'  ",
  "Task = 'summarise'  ",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
];

const S1_RUN_UPTODATE_2 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "    \"Create the starting files\"",
  "Task = 'to_middle'  ",
  "Task = 'summarise'  ",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
];

const S1_RUN_UPTODATE_5 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "    \"Create the starting files\"",
  "",
  "Task = 'to_middle'  ",
  "",
  "Task = 'summarise'  ",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
];

const S1_RUN_UPTODATE_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "    \"Create the starting files\"",
  "       Job  = [None",
  "             -> a.start]",
  "       Job  = [None",
  "             -> b.start]",
  "",
  "Task = 'to_middle'  ",
  "       Job  = [a.start",
  "             -> a.middle, extra_value]",
  "       Job  = [b.start",
  "             -> b.middle, extra_value]",
  "",
  "Task = 'summarise'  ",
  "       Job  = [[a.middle, b.middle]",
  "             -> all.summary]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
];

const S1_PO_TOUCHED_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'to_middle'",
  "       Job  = [a.start",
  "             -> a.middle, extra_value]",
  "         Job needs update:",
  "         Input files:",
  "          * <DATE>: a.start",
  "         Output files:",
  "          * <DATE>: a.middle",
  "",
  "",
  "Task = 'summarise'",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_PO_TOUCHED_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "    \"Create the starting files\"",
  "       Job  = [None",
  "             -> a.start]",
  "       Job  = [None",
  "             -> b.start]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'to_middle'",
  "       Job  = [a.start",
  "             -> a.middle, extra_value]",
  "         Job needs update:",
  "         Input files:",
  "          * <DATE>: a.start",
  "         Output files:",
  "          * <DATE>: a.middle",
  "",
  "       Job  = [b.start",
  "             -> b.middle, extra_value]",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.middle, b.middle]",
  "             -> all.summary]",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_PO_TOUCHED_7 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "    \"Create the starting files\"",
  "       Job  = [None",
  "             -> a.start]",
  "       Missing input files",
  "       Job  = [None",
  "             -> b.start]",
  "       Missing input files",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'to_middle'",
  "       Job  = [a.start",
  "             -> a.middle, extra_value]",
  "         Job needs update:",
  "         Input files:",
  "          * <DATE>: a.start",
  "         Output files:",
  "          * <DATE>: a.middle",
  "",
  "       Job  = [b.start",
  "             -> b.middle, extra_value]",
  "       Up to date",
  "",
  "         Input files:",
  "            <DATE>: b.start",
  "         Output files:",
  "            <DATE>: b.middle",
  "",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.middle, b.middle]",
  "             -> all.summary]",
  "       Up to date",
  "",
  "         Input files:",
  "            <DATE>: a.middle",
  "            <DATE>: b.middle",
  "         Output files:",
  "            <DATE>: all.summary",
  "",
  "",
  "________________________________________",
  "",
].join("\n");

const S1_RUN_TOUCHED_1 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'to_middle' ",
  "Completed Task = 'to_middle' ",
  "Task enters queue = 'summarise' ",
  "Completed Task = 'summarise' ",
];

const S1_RUN_TOUCHED_2 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "    \"Create the starting files\"",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'to_middle' ",
  "Completed Task = 'to_middle' ",
  "Task enters queue = 'summarise' ",
  "Completed Task = 'summarise' ",
];

const S1_RUN_TOUCHED_5 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "    \"Create the starting files\"",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'to_middle' ",
  "    Job  = [a.start -> a.middle, extra_value] \n  Input files:\n   * <DATE>: a.start\n  Output files:\n   * <DATE>: a.middle\n ",
  "    Job  = [b.start -> b.middle, extra_value] unnecessary: already Up to date",
  "    Job  = [a.start -> a.middle, extra_value] completed",
  "Completed Task = 'to_middle' ",
  "Task enters queue = 'summarise' ",
  "    Job  = [[a.middle, b.middle] -> all.summary] \n  Input files:\n     <DATE>: b.middle\n   * <DATE>: a.middle\n  Output files:\n   * <DATE>: all.summary\n ",
  "    Job  = [[a.middle, b.middle] -> all.summary] completed",
  "Completed Task = 'summarise' ",
];

const S1_RUN_TOUCHED_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "    \"Create the starting files\"",
  "       Job  = [None",
  "             -> a.start]",
  "       Job  = [None",
  "             -> b.start]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'to_middle' ",
  "    Job  = [a.start -> a.middle, extra_value] \n  Input files:\n   * <DATE>: a.start\n  Output files:\n   * <DATE>: a.middle\n ",
  "    Job  = [b.start -> b.middle, extra_value] unnecessary: already Up to date",
  "    Job  = [a.start -> a.middle, extra_value] completed",
  "Completed Task = 'to_middle' ",
  "Task enters queue = 'summarise' ",
  "    Job  = [[a.middle, b.middle] -> all.summary] \n  Input files:\n     <DATE>: b.middle\n   * <DATE>: a.middle\n  Output files:\n   * <DATE>: all.summary\n ",
  "    Job  = [[a.middle, b.middle] -> all.summary] completed",
  "Completed Task = 'summarise' ",
];

/** Verbose 7 adds, to 6, "Missing input files" under the originate jobs and the dates of the up-to-date job. */
const S1_RUN_TOUCHED_7 = S1_RUN_TOUCHED_6.flatMap((l) => {
  if (l === "             -> a.start]" || l === "             -> b.start]") return [l, "       Missing input files"];
  if (l.endsWith("unnecessary: already Up to date")) return [l + "\n\n  Input files:\n     <DATE>: b.start\n  Output files:\n     <DATE>: b.middle\n"];
  return [l];
});

const S2_PO_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update",
  "",
  "Task = 'inactive_task'",
  "    \"Never runs\"",
  "Task = 'summarise'",
  "       Job  = [[a.start]",
  "             -> all.summary]",
  "         Job needs update",
  "",
  "________________________________________",
  "",
].join("\n");

const S2_PO_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update: ...",
  "               Missing file [a.start]",
  "",
  "Task = 'inactive_task'",
  "    \"Never runs\"",
  "       Task is inactive",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.start]",
  "             -> all.summary]",
  "         Job needs update: ...",
  "               Missing files [a.start, all.summary]",
  "",
  "________________________________________",
  "",
].join("\n");

const S2_PO_5 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update: ...",
  "               Missing file [a.start]",
  "",
  "Task = 'inactive_task'",
  "    \"Never runs\"",
  "       Task is inactive",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.start]",
  "             -> all.summary]",
  "         Job needs update: ...",
  "               Missing files [a.start, all.summary]",
  "",
  "________________________________________",
  "",
].join("\n");

const S2_RUN_2 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make_start' ",
  "Completed Task = 'make_start' ",
  "Inactive Task = 'inactive_task'",
  "Task enters queue = 'summarise' ",
  "Completed Task = 'summarise' ",
];


const S2_PO_AFTER_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "",
  "Task = 'inactive_task'",
  "    \"Never runs\"",
  "       Task is inactive",
  "",
  "Task = 'summarise'",
  "       Job  = [[a.start]",
  "             -> all.summary]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "________________________________________",
  "",
].join("\n");

const S2_RUN_AFTER_2 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'  ",
  "Task = 'inactive_task'  ",
  "    \"Never runs\"",
  "Task = 'summarise'  ",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
];

const S3_PO_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update",
  "",
  "Task = 'report'",
  "    \"Say it is done\"",
  "Task = 'par'",
  "",
  "________________________________________",
  "",
].join("\n");

const S3_PO_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update: ...",
  "               Missing file [a.start]",
  "",
  "Task = 'report'",
  "    \"Say it is done\"",
  "       Task needs update: No func to check if up-to-date.",
  "Task = 'par'",
  "",
  "________________________________________",
  "",
].join("\n");

const S3_PO_5 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update: ...",
  "               Missing file [a.start]",
  "",
  "Task = 'report'",
  "    \"Say it is done\"",
  "       Task needs update: No func to check if up-to-date.",
  "Task = 'par'",
  "       Job  = [A",
  "             -> 1]",
  "         Jobs needs update: No function to check if up-to-date or not",
  "       Job  = [B",
  "             -> 2]",
  "         Jobs needs update: No function to check if up-to-date or not",
  "",
  "________________________________________",
  "",
].join("\n");

const S3_PO_6 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.start]",
  "         Job needs update: ...",
  "               Missing file [a.start]",
  "",
  "Task = 'report'",
  "    \"Say it is done\"",
  "       Task needs update: No func to check if up-to-date.",
  "Task = 'par'",
  "       Job  = [A",
  "             -> 1]",
  "         Jobs needs update: No function to check if up-to-date or not",
  "       Job  = [B",
  "             -> 2]",
  "         Jobs needs update: No function to check if up-to-date or not",
  "",
  "________________________________________",
  "",
].join("\n");

const S3_RUN_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make_start' ",
  "    Job  = [None -> a.start]",
  "    Job  = [None -> a.start] completed",
  "Completed Task = 'make_start' ",
  "Task enters queue = 'report' ",
  "    Say it is done",
  "    Job no function to check if up-to-date ",
  "    Job completed",
  "Completed Task = 'report' ",
  "Task enters queue = 'par' ",
  "    Job  = [A -> 1] no function to check if up-to-date ",
  "    Job  = [B -> 2] no function to check if up-to-date ",
  "    Job  = [A -> 1] completed",
  "    Job  = [B -> 2] completed",
  "Completed Task = 'par' ",
];

const S3_RUN_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'report' ",
  "    Say it is done",
  "    Job no function to check if up-to-date ",
  "    Job completed",
  "Completed Task = 'report' ",
  "Task enters queue = 'par' ",
  "    Job  = [A -> 1] no function to check if up-to-date ",
  "    Job  = [B -> 2] no function to check if up-to-date ",
  "    Job  = [A -> 1] completed",
  "    Job  = [B -> 2] completed",
  "Completed Task = 'par' ",
];

const S3_PO_AFTER_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'report'",
  "    \"Say it is done\"",
  "       Task needs update: No func to check if up-to-date.",
  "Task = 'par'",
  "",
  "________________________________________",
  "",
].join("\n");

const S3_PO_AFTER_5 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'report'",
  "    \"Say it is done\"",
  "       Task needs update: No func to check if up-to-date.",
  "Task = 'par'",
  "       Job  = [A",
  "             -> 1]",
  "         Jobs needs update: No function to check if up-to-date or not",
  "       Job  = [B",
  "             -> 2]",
  "         Jobs needs update: No function to check if up-to-date or not",
  "",
  "________________________________________",
  "",
].join("\n");

const S4_PO_FORCED_1 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'     >>Forced to rerun<<",
  "Task = 'to_middle'",
  "________________________________________",
  "",
].join("\n");

const S4_PO_FORCED_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'     >>Forced to rerun<<",
  "",
  "Task = 'to_middle'",
  "",
  "________________________________________",
  "",
].join("\n");

const S4_PO_FORCED_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'     >>Forced to rerun<<",
  "",
  "Task = 'to_middle'",
  "",
  "________________________________________",
  "",
].join("\n");

const S4_PO_FORCED_5 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'     >>Forced to rerun<<",
  "       Job  = [None",
  "             -> a.start]",
  "       Job  = [None",
  "             -> b.start]",
  "",
  "Task = 'to_middle'",
  "       Job  = [a.start",
  "             -> a.middle]",
  "       Job  = [b.start",
  "             -> b.middle]",
  "",
  "________________________________________",
  "",
].join("\n");

const S4_RUN_FORCED_1 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make_start' : Forced to rerun",
  "Completed Task = 'make_start' ",
  "Task enters queue = 'to_middle' ",
  "Completed Task = 'to_middle' ",
];

const S4_RUN_FORCED_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make_start' : Forced to rerun",
  "    force task Job  = [None -> a.start] to rerun ",
  "    force task Job  = [None -> b.start] to rerun ",
  "    Job  = [None -> a.start] completed",
  "    Job  = [None -> b.start] completed",
  "Completed Task = 'make_start' ",
  "Task enters queue = 'to_middle' ",
  "    Job  = [a.start -> a.middle]",
  "    Job  = [b.start -> b.middle]",
  "    Job  = [a.start -> a.middle] completed",
  "    Job  = [b.start -> b.middle] completed",
  "Completed Task = 'to_middle' ",
];

const S4_RUN_FORCED_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make_start' : Forced to rerun",
  "    force task Job  = [None -> a.start] to rerun ",
  "    force task Job  = [None -> b.start] to rerun ",
  "    Job  = [None -> a.start] completed",
  "    Job  = [None -> b.start] completed",
  "Completed Task = 'make_start' ",
  "Task enters queue = 'to_middle' ",
  "    Job  = [a.start -> a.middle] \n  Input files:\n   * <DATE>: a.start\n  Output files:\n   * <DATE>: a.middle\n ",
  "    Job  = [b.start -> b.middle] \n  Input files:\n   * <DATE>: b.start\n  Output files:\n   * <DATE>: b.middle\n ",
  "    Job  = [a.start -> a.middle] completed",
  "    Job  = [b.start -> b.middle] completed",
  "Completed Task = 'to_middle' ",
];

const S4_PO_FORCED_TARGET_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'to_middle'     >>Forced to rerun<<",
  "",
  "________________________________________",
  "",
].join("\n");

const S5_PO_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.1",
  "             -> a.2",
  "              , x, 3]",
  "         Job needs update",
  "       Job  = [None",
  "             -> b.1",
  "              , x, 3]",
  "         Job needs update",
  "",
  "Task = 'split_fixed'",
  "       Job  = [[[a.1, a.2], b.1]",
  "             -> b.x",
  "             -> b.y",
  "              , extra]",
  "         Job needs update",
  "",
  "Task = 'split_it'",
  "       Job  = [[[a.1, a.2], b.1]",
  "             -> *.chunk]",
  "         Job needs update",
  "",
  "Task = 'subd'",
  "       !!! No jobs for this task.",
  "       Are you sure there is not a error in your code / regular expression?",
  "",
  "________________________________________",
  "",
].join("\n");

const S5_PO_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.1",
  "             -> a.2",
  "              , x, 3]",
  "         Job needs update: ...",
  "               Missing files [a.1, a.2]",
  "       Job  = [None",
  "             -> b.1",
  "              , x, 3]",
  "         Job needs update: ...",
  "               Missing file [b.1]",
  "",
  "Task = 'split_fixed'",
  "       Job  = [[[a.1, a.2], b.1]",
  "             -> b.x",
  "             -> b.y",
  "              , extra]",
  "         Job needs update: ...",
  "               Missing files [a.1, a.2, b.1, b.x, b.y]",
  "",
  "Task = 'split_it'",
  "       Job  = [[[a.1, a.2], b.1]",
  "             -> *.chunk]",
  "         Job needs update: Missing output file",
  "",
  "Task = 'subd'",
  "       !!! No jobs for this task.",
  "       Are you sure there is not a error in your code / regular expression?",
  "",
  "________________________________________",
  "",
].join("\n");

const S5_RUN_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = 'make_start' ",
  "    Job  = [None -> [a.1, a.2], x, 3]",
  "    Job  = [None -> b.1, x, 3]",
  "    Job  = [None -> [a.1, a.2], x, 3] completed",
  "    Job  = [None -> b.1, x, 3] completed",
  "Completed Task = 'make_start' ",
  "Task enters queue = 'split_fixed' ",
  "    Job  = [[[a.1, a.2], b.1] -> [b.x, b.y], extra]",
  "Task enters queue = 'split_it' ",
  "    Job  = [[[a.1, a.2], b.1] -> *.chunk]",
  "    Job  = [[[a.1, a.2], b.1] -> [b.x, b.y], extra] completed",
  "Completed Task = 'split_fixed' ",
  "    Job  = [[[a.1, a.2], b.1] -> *.chunk] completed",
  "Completed Task = 'split_it' ",
  "Task enters queue = 'subd' ",
  "    Job  = [p.chunk -> [p.*.sub, p.flag], p]",
  "    Job  = [q.chunk -> [q.*.sub, q.flag], q]",
  "    Job  = [p.chunk -> [p.*.sub, p.flag], p] completed",
  "    Job  = [q.chunk -> [q.*.sub, q.flag], q] completed",
  "Completed Task = 'subd' ",
];

const S5_PO_AFTER_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> a.1",
  "             -> a.2",
  "              , x, 3]",
  "       Job  = [None",
  "             -> b.1",
  "              , x, 3]",
  "",
  "Task = 'split_fixed'",
  "       Job  = [[[a.1, a.2], b.1]",
  "             -> b.x",
  "             -> b.y",
  "              , extra]",
  "",
  "Task = 'split_it'",
  "       Job  = [[[a.1, a.2], b.1]",
  "             -> *.chunk]",
  "",
  "Task = 'subd'",
  "       Job  = [p.chunk",
  "             -> p.*.sub",
  "             -> p.flag",
  "              , p]",
  "       Job  = [q.chunk",
  "             -> q.*.sub",
  "             -> q.flag",
  "              , q]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "________________________________________",
  "",
].join("\n");

const S6_PO_2 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('out',   'out/sub')   before make_start \"",
  "    \"Make missing directories [<CWD>/out, <CWD>/out/sub]\"",
  "Task = 'make_start'",
  "Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before",
  "               into_dirs \"",
  "    \"Make missing directories including any intermediate directories on the specified path(s)\"",
  "Task = 'into_dirs'",
  "________________________________________",
  "",
].join("\n");

const S6_PO_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('out',   'out/sub')   before make_start \"",
  "    \"Make missing directories [<CWD>/out, <CWD>/out/sub]\"",
  "       Make directories [out, out/sub]",
  "         Job needs update",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> out/a.start]",
  "         Job needs update",
  "",
  "Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before",
  "               into_dirs \"",
  "    \"Make missing directories including any intermediate directories on the specified path(s)\"",
  "       Make directories out/a.dir",
  "         Job needs update",
  "",
  "Task = 'into_dirs'",
  "       Job  = [out/a.start",
  "             -> out/a.dir/x.txt]",
  "         Job needs update",
  "",
  "________________________________________",
  "",
].join("\n");

const S6_PO_4 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "Task = \"mkdir('out',   'out/sub')   before make_start \"",
  "    \"Make missing directories [<CWD>/out, <CWD>/out/sub]\"",
  "       Make directories [out, out/sub]",
  "         Job needs update: : Directories 'out, out/sub' are missing",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> out/a.start]",
  "         Job needs update: ...",
  "               Missing file [out/a.start]",
  "",
  "Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before",
  "               into_dirs \"",
  "    \"Make missing directories including any intermediate directories on the specified path(s)\"",
  "       Make directories out/a.dir",
  "         Job needs update: : Directories '<CWD>/out/a.dir' is missing",
  "",
  "Task = 'into_dirs'",
  "       Job  = [out/a.start",
  "             -> out/a.dir/x.txt]",
  "         Job needs update: ...",
  "               Missing files [out/a.start, out/a.dir/x.txt]",
  "",
  "________________________________________",
  "",
].join("\n");

const S6_RUN_3 = [
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "",
  "Task enters queue = \"mkdir('out',   'out/sub')   before make_start \" ",
  "    Make missing directories [<CWD>/out, <CWD>/out/sub]",
  "    Make directories [out, out/sub]",
  "    Make directories [out, out/sub] completed",
  "Completed Task = \"mkdir('out',   'out/sub')   before make_start \" ",
  "Task enters queue = 'make_start' ",
  "    Job  = [None -> out/a.start]",
  "    Job  = [None -> out/a.start] completed",
  "Completed Task = 'make_start' ",
  "Task enters queue = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before into_dirs \" ",
  "    Make missing directories including any intermediate directories on the specified path(s)",
  "    Make directories out/a.dir",
  "    Make directories out/a.dir completed",
  "Completed Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before into_dirs \" ",
  "Task enters queue = 'into_dirs' ",
  "    Job  = [out/a.start -> out/a.dir/x.txt]",
  "    Job  = [out/a.start -> out/a.dir/x.txt] completed",
  "Completed Task = 'into_dirs' ",
];

const S6_PO_AFTER_6 = [
  "",
  "________________________________________",
  "Tasks which are up-to-date:",
  "",
  "",
  "Task = \"mkdir('out',   'out/sub')   before make_start \"",
  "    \"Make missing directories [<CWD>/out, <CWD>/out/sub]\"",
  "       Make directories [out, out/sub]",
  "",
  "Task = 'make_start'",
  "       Job  = [None",
  "             -> out/a.start]",
  "",
  "Task = \"mkdir(<function make_start>,   formatter(),   '{path[0]}/{basename[0]}.dir')   before",
  "               into_dirs \"",
  "    \"Make missing directories including any intermediate directories on the specified path(s)\"",
  "       Make directories out/a.dir",
  "",
  "Task = 'into_dirs'",
  "       Job  = [out/a.start",
  "             -> out/a.dir/x.txt]",
  "",
  "________________________________________",
  "",
  "",
  "",
  "________________________________________",
  "Tasks which will be run:",
  "",
  "________________________________________",
  "",
].join("\n");

// =============================================================================================
// Path abbreviation: ruffus/test/test_verbosity.py
// =============================================================================================

const TEMPDIR = "test_verbosity/";
const DEEP = TEMPDIR + "data/scratch/lg/what/one/two/three/four/five/six/seven";

/** test_verbosity.py's pipeline, decorator style (main pipeline). Returns second_task. */
function verbosityPipeline(): (...args: never[]) => unknown {
  const create_initial_file_pairs = mkdir(DEEP)(
    originate([
      [DEEP + "/job1.a.start", TEMPDIR + "job1.b.start"],
      [DEEP + "/job2.a.start", TEMPDIR + "job2.b.start"],
      [DEEP + "/job3.a.start", TEMPDIR + "job3.b.start"],
    ])(function create_initial_file_pairs(outputs: string[]) {
      for (const o of outputs) writeFileSync(o, "");
    }),
  );
  const first_task = transform(create_initial_file_pairs, suffix(".start"), ".output.1")(function first_task(_i: string[], o: string) {
    writeFileSync(o, "");
  });
  return transform(first_task, suffix(".output.1"), ".output.2")(function second_task(_i: string, o: string) {
    writeFileSync(o, "");
  });
}

test("verboseAbbreviatedPath: test_verbosity.py's expectations for N = 1, 2, 3, 9, 0, -60", async () => {
  await inTempDir(async () => {
    const second_task = verbosityPipeline();
    const at = (n: number) => Pipeline.main.printout({ targetTasks: [second_task], verbose: 5, verboseAbbreviatedPath: n, wrapWidth: 500 });
    assert.ok((await at(1)).includes("[[.../job1.a.start, test_verbosity/job1.b.start]"));
    assert.ok((await Pipeline.main.printout({ targetTasks: [second_task], verbose: 5, verboseAbbreviatedPath: 1 })).includes("[[.../job1.a.start, test_verbosity/job1.b.start]"));
    assert.ok((await at(2)).includes("[[.../seven/job1.a.start, test_verbosity/job1.b.start]"));
    assert.ok((await at(3)).includes("[[.../six/seven/job1.a.start, test_verbosity/job1.b.start]"));
    assert.ok((await at(9)).includes("[[.../what/one/two/three/four/five/six/seven/job1.a.start, test_verbosity/job1.b.start]"));
    // test_verbosity.py builds this string for N = 0 but never asserts it.
    assert.ok((await at(0)).includes(`[[${process.cwd()}/${DEEP}/job2.a.start`));
    assert.ok((await at(-60)).includes("[<???> ve/six/seven/job1.a.start, test_verbosity/job1.b.start]"));
  });
});

test("verboseAbbreviatedPath: whole printouts for N = 1, 2, 3, 9, 0, -60 and the default (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const second_task = verbosityPipeline();
    const cases: [number, string][] = [
      [1, S0_N1],
      [2, S0_N2],
      [3, S0_N3],
      [9, S0_N9],
      [0, S0_N0],
      [-60, S0_NM60],
    ];
    for (const [n, expected] of cases) {
      assert.equal(await printout(Pipeline.main, { targetTasks: [second_task], verbose: 5, verboseAbbreviatedPath: n, wrapWidth: 500 }), expected, `N = ${n}`);
    }
    // Default: N = 2, lines wrapped at 100 (the mkdir block, which holds the current directory, wraps
    // at a place that depends on its length, so only the rest is compared).
    const text = await printout(Pipeline.main, { targetTasks: [second_task], verbose: 5 });
    assert.equal(text.slice(text.indexOf("Task = 'create_initial_file_pairs'")), S0_REST_DEFAULT);
    assert.ok(text.includes(`Task = "mkdir('${DEEP}')   before\n               create_initial_file_pairs "\n`), text);
  });
});

// =============================================================================================
// Verbose 5, 6, 7: the reference pipeline of printout-log.test.ts
// =============================================================================================

function referencePipeline(): Pipeline {
  const p = new Pipeline("main");
  const start = p.originate({
    description: "Create the starting files",
    task: function make_start(output: string) {
      "Create the starting files";
      writeFileSync(output, "start");
    },
    output: ["a.start", "b.start"],
  });
  const middle = p.transform({
    task: function to_middle(input: string, output: string, extra: string) {
      writeFileSync(output, readFileSync(input, "utf8") + extra);
    },
    input: start,
    filter: suffix(".start"),
    output: ".middle",
    extras: ["extra_value"],
  });
  p.merge({
    task: function summarise(inputs: string[], output: string) {
      writeFileSync(output, inputs.map((i) => readFileSync(i, "utf8")).join(""));
    },
    input: middle,
    output: "all.summary",
  });
  return p;
}

test("everything up to date: printout at verbose 5, 6 (jobs) and 7 (file dates) (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    await p.run({ verbose: 0 });
    assert.equal(await printout(p, { verbose: 5 }), S1_PO_UPTODATE_5);
    assert.equal(await printout(p, { verbose: 6 }), S1_PO_UPTODATE_6);
    assert.equal(await printout(p, { verbose: 7 }), S1_PO_UPTODATE_7);
  });
});

test("everything up to date: the run log's up-to-date block at verbose 1, 2, 5 and 6 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    await p.run({ verbose: 0 });
    assert.deepEqual(await runLog(p, { verbose: 1 }), S1_RUN_UPTODATE_1);
    assert.deepEqual(await runLog(p, { verbose: 2 }), S1_RUN_UPTODATE_2);
    assert.deepEqual(await runLog(p, { verbose: 5 }), S1_RUN_UPTODATE_5);
    assert.deepEqual(await runLog(p, { verbose: 6 }), S1_RUN_UPTODATE_6);
    // At verbose 3 (and 4) the up-to-date block is not shown.
    assert.deepEqual(await runLog(p, { verbose: 3 }), ["", "_".repeat(40), "Tasks which will be run:", "", ""]);
  });
});

test("after touching a.start: printout at verbose 4, 6 and 7 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    await p.run({ verbose: 0 });
    age("a.start", -5);
    assert.equal(await printout(p, { verbose: 4 }), S1_PO_TOUCHED_4);
    assert.equal(await printout(p, { verbose: 6 }), S1_PO_TOUCHED_6);
    assert.equal(await printout(p, { verbose: 7 }), S1_PO_TOUCHED_7);
  });
});

test("after touching a.start: run logs at verbose 1, 2, 5 and 6 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    await p.run({ verbose: 0 });
    const expected: [number, string[]][] = [
      [1, S1_RUN_TOUCHED_1],
      [2, S1_RUN_TOUCHED_2],
      [5, S1_RUN_TOUCHED_5],
      [6, S1_RUN_TOUCHED_6],
    ];
    for (const [v, lines] of expected) {
      age("a.start", -(10 + v));
      assert.deepEqual(await runLog(p, { verbose: v }), lines, `verbose ${v}`);
    }
    assert.equal(read("all.summary"), "startextra_valuestartextra_value");
  });
});

test("after touching a.start: the run log at verbose 7 gives the file dates of up-to-date jobs too (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = referencePipeline();
    await p.run({ verbose: 0 });
    age("a.start", -17);
    assert.deepEqual(await runLog(p, { verbose: 7 }), S1_RUN_TOUCHED_7);
  });
});

// =============================================================================================
// Inactive tasks
// =============================================================================================

test("an inactive task: 'Task is inactive' at printout verbose 4, 'Inactive Task' in the run log at 2 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    let merged: string[] = [];
    const start = p.originate({ task: function make_start(o: string) { writeFileSync(o, ""); }, output: ["a.start"] });
    const inactive = p
      .transform({
        description: "Never runs",
        task: function inactive_task(_i: string, o: string) {
          "Never runs";
          writeFileSync(o, "");
        },
        input: start,
        filter: suffix(".start"),
        output: ".skipped",
      })
      .activeIf(false);
    p.merge({
      task: function summarise(inputs: string[], o: string) {
        merged = inputs;
        writeFileSync(o, "");
      },
      input: [start, inactive],
      output: "all.summary",
    });
    assert.equal(await printout(p, { verbose: 3 }), S2_PO_3);
    assert.equal(await printout(p, { verbose: 4 }), S2_PO_4);
    assert.equal(await printout(p, { verbose: 5 }), S2_PO_5);
    assert.deepEqual(await runLog(p, { verbose: 2 }), S2_RUN_2);
    assert.deepEqual(merged, ["a.start"], "an inactive task contributes no output");
    assert.equal(await printout(p, { verbose: 6 }), S2_PO_AFTER_6);
    assert.deepEqual(await runLog(p, { verbose: 2 }), S2_RUN_AFTER_2);
  });
});

// =============================================================================================
// follows-only and parallel tasks (no up-to-date check)
// =============================================================================================

test("follows-only and parallel tasks always need update: printout 3-6 and run logs (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = new Pipeline("main");
    const calls: string[] = [];
    const start = p.originate({ task: function make_start(o: string) { writeFileSync(o, ""); }, output: ["a.start"] });
    const report = p.follows({
      description: "Say it is done",
      task: function report() {
        "Say it is done";
        calls.push("report");
      },
      parents: [start],
    });
    p.parallel({ task: function par(name: string, n: number) { calls.push(`${name}${n}`); }, jobs: [["A", 1], ["B", 2]] }).follows(report);
    assert.equal(await printout(p, { verbose: 3 }), S3_PO_3);
    assert.equal(await printout(p, { verbose: 4 }), S3_PO_4);
    assert.equal(await printout(p, { verbose: 5 }), S3_PO_5);
    assert.equal(await printout(p, { verbose: 6 }), S3_PO_6);
    assert.deepEqual(await runLog(p, { verbose: 3 }), S3_RUN_3);
    assert.deepEqual(await runLog(p, { verbose: 4 }), S3_RUN_4);
    assert.deepEqual(calls, ["report", "A1", "B2", "report", "A1", "B2"]);
    assert.equal(await printout(p, { verbose: 4 }), S3_PO_AFTER_4);
    assert.equal(await printout(p, { verbose: 5 }), S3_PO_AFTER_5);
  });
});

// =============================================================================================
// Forced tasks
// =============================================================================================

function forcedPipeline(): Pipeline {
  const p = new Pipeline("main");
  const start = p.originate({ task: function make_start(o: string) { writeFileSync(o, ""); }, output: ["a.start", "b.start"] });
  p.transform({ task: function to_middle(_i: string, o: string) { writeFileSync(o, ""); }, input: start, filter: suffix(".start"), output: ".middle" });
  return p;
}

test("forced tasks in printouts: '>>Forced to rerun<<', jobs listed from verbose 5 (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = forcedPipeline();
    await p.run({ verbose: 0 });
    assert.equal(await printout(p, { verbose: 1, forcedtorunTasks: ["make_start"] }), S4_PO_FORCED_1);
    assert.equal(await printout(p, { verbose: 3, forcedtorunTasks: ["make_start"] }), S4_PO_FORCED_3);
    assert.equal(await printout(p, { verbose: 4, forcedtorunTasks: ["make_start"] }), S4_PO_FORCED_4);
    assert.equal(await printout(p, { verbose: 5, forcedtorunTasks: ["make_start"] }), S4_PO_FORCED_5);
    assert.equal(await printout(p, { verbose: 4, forcedtorunTasks: "to_middle" }), S4_PO_FORCED_TARGET_4);
  });
});

test("forced tasks in run logs: ': Forced to rerun' and 'force task Job ... to rerun' (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = forcedPipeline();
    await p.run({ verbose: 0 });
    assert.deepEqual(await runLog(p, { verbose: 1, forcedtorunTasks: ["make_start"] }), S4_RUN_FORCED_1);
    assert.deepEqual(await runLog(p, { verbose: 3, forcedtorunTasks: ["make_start"] }), S4_RUN_FORCED_3);
    assert.deepEqual(await runLog(p, { verbose: 4, forcedtorunTasks: ["make_start"] }), S4_RUN_FORCED_4);
  });
});

// =============================================================================================
// One-to-many job descriptions: originate, split, subdivide
// =============================================================================================

function oneToManyPipeline(): Pipeline {
  const p = new Pipeline("main");
  const start = p.originate({
    task: function make_start(out: string | string[]) {
      for (const o of Array.isArray(out) ? out : [out]) writeFileSync(o, "");
    },
    output: [["a.1", "a.2"], "b.1"],
    extras: ["x", 3],
  });
  const splitIt = p.split({
    task: function split_it() {
      for (const n of ["p", "q"]) writeFileSync(n + ".chunk", "");
    },
    input: start,
    output: "*.chunk",
  });
  p.subdivide({
    task: function subd(_i: string, _o: string[], prefix: string) {
      for (const n of ["0", "1"]) writeFileSync(`${prefix}.${n}.sub`, "");
      writeFileSync(prefix + ".flag", "");
    },
    input: splitIt,
    filter: formatter(),
    output: ["{basename[0]}.*.sub", "{basename[0]}.flag"],
    extras: ["{basename[0]}"],
  });
  p.split({
    task: function split_fixed(_i: unknown, outputs: string[]) {
      for (const o of outputs) writeFileSync(o, "");
    },
    input: outputFrom("make_start"),
    output: ["b.x", "b.y"],
    extras: ["extra"],
  });
  return p;
}

/**
 * A printout as its skeleton (headers and rules) followed by its task blocks, sorted: Ruffus lists
 * independent tasks in Python's set order, which varies between runs.
 */
function blocks(text: string): string[] {
  const RULE = "_".repeat(40);
  const skeleton: string[] = [];
  const found: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("Task = ")) {
      current = [line];
      found.push(current);
      continue;
    }
    if (line === RULE) current = undefined;
    if (current) current.push(line);
    else skeleton.push(line);
  }
  return [skeleton.join("\n"), ...found.map((b) => b.join("\n").replace(/\n+$/, "")).sort()];
}

test("originate/split/subdivide jobs list each output on its own '->' line, extras on ' , ' (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    const p = oneToManyPipeline();
    const v3 = await printout(p, { verbose: 3 });
    assert.deepEqual(blocks(v3), blocks(S5_PO_3));
    // We list independent tasks in declaration order.
    assert.deepEqual([...v3.matchAll(/^Task = '(\w+)'/gm)].map((m) => m[1]), ["make_start", "split_it", "subd", "split_fixed"]);
    assert.deepEqual(blocks(await printout(p, { verbose: 4 })), blocks(S5_PO_4));
    // The run log keeps one line per job; independent tasks interleave differently (Ruffus's order
    // depends on its process pool), so the lines are compared as a multiset.
    const log = await runLog(p, { verbose: 3 });
    assert.deepEqual([...log].sort(), [...S5_RUN_3].sort());
    assert.deepEqual(blocks(await printout(p, { verbose: 6 })), blocks(S5_PO_AFTER_6));
  });
});

// =============================================================================================
// mkdir tasks
// =============================================================================================

function mkdirPipeline(): void {
  const make_start = follows(mkdir("out", "out/sub"))(
    originate(["out/a.start"])(function make_start(o: string) {
      writeFileSync(o, "");
    }),
  );
  mkdir(make_start, formatter(), "{path[0]}/{basename[0]}.dir")(
    transform(make_start, formatter(), "{path[0]}/{basename[0]}.dir/x.txt")(function into_dirs(_i: string, o: string) {
      writeFileSync(o, "");
    }),
  );
}

test("mkdir job descriptions: 'Make directories [...]' and the directories-missing reason (compared with Ruffus 2.8.4)", async () => {
  await inTempDir(async () => {
    mkdirPipeline();
    const p = Pipeline.main;
    const v3 = (await printout(p, { verbose: 3 })).split("\n");
    assert.ok(v3.includes(`Task = "mkdir('out',   'out/sub')   before make_start "`), v3.join("\n"));
    assert.deepEqual(v3.filter((l) => l.includes("Make directories")), ["       Make directories [out, out/sub]", "       Make directories out/a.dir"]);
    const v4 = (await printout(p, { verbose: 4 })).split("\n");
    assert.deepEqual(v4.filter((l) => l.includes("Directories")), [
      "         Job needs update: : Directories 'out, out/sub' are missing",
      "         Job needs update: : Directories '<CWD>/out/a.dir' is missing",
    ]);
    const log = await runLog(p, { verbose: 3 });
    assert.deepEqual(log.filter((l) => l.includes("Make directories")), [
      "    Make directories [out, out/sub]",
      "    Make directories [out, out/sub] completed",
      "    Make directories out/a.dir",
      "    Make directories out/a.dir completed",
    ]);
    assert.ok(read("out/a.dir/x.txt") === "");
    const v6 = (await printout(p, { verbose: 6 })).split("\n");
    assert.deepEqual(v6.filter((l) => l.includes("Make directories")), ["       Make directories [out, out/sub]", "       Make directories out/a.dir"]);
  });
});

test("mkdir tasks: whole printouts at verbose 2, 3, 4, 6 and run log at 3, with their descriptions (compared with Ruffus 2.8.4)", async () => {
  // Ruffus describes a plain mkdir task as "Make missing directories [<absolute paths>]" (verbose >= 2).
  await inTempDir(async () => {
    mkdirPipeline();
    const p = Pipeline.main;
    assert.equal(await printout(p, { verbose: 2 }), S6_PO_2);
    assert.equal(await printout(p, { verbose: 3 }), S6_PO_3);
    assert.equal(await printout(p, { verbose: 4 }), S6_PO_4);
    assert.deepEqual(await runLog(p, { verbose: 3 }), S6_RUN_3);
    assert.equal(await printout(p, { verbose: 6 }), S6_PO_AFTER_6);
  });
});

test("follows(mkdir) tasks of several tasks are listed in declaration order, Ruffus 2.8.4's most common order (compared with Ruffus 2.8.4)", async () => {
  // Ruffus orders independent tasks by Python set order, which varies between runs: over 16 runs of this
  // pipeline it printed 4 orders, this one 12 times (README "Differences from Ruffus"). Ours never varies.
  await inTempDir(async () => {
    const make = follows(mkdir("d1"))(
      originate(["a.txt", "b.txt"])(function make(o: string) {
        writeFileSync(o, "");
      }),
    );
    const s1 = mkdir(make, suffix(".txt"), ".dir")(
      transform(make, suffix(".txt"), ".s1")(function s1(_i: string, o: string) {
        writeFileSync(o, "");
      }),
    );
    follows(mkdir("d2"), mkdir("d3"))(
      transform(s1, suffix(".s1"), ".s2")(function s2(_i: string, o: string) {
        writeFileSync(o, "");
      }),
    );
    const expected = [
      "",
      "________________________________________",
      "Tasks which will be run:",
      "",
      `Task = "mkdir('d1')   before make "`,
      "Task = 'make'",
      `Task = "mkdir(<function make>,   suffix('.txt'),   '.dir')   before s1 "`,
      "Task = 's1'",
      `Task = "mkdir('d2')   before s2 "`,
      `Task = "mkdir('d3') #2   before s2 "`,
      "Task = 's2'",
      "________________________________________",
      "",
    ].join("\n");
    for (let i = 0; i < 3; i++) assert.equal(await printout(Pipeline.main, { verbose: 1 }), expected);
  });
});
