/**
 * The job worker inside the compiled binary: `bin.ts` imports this instead of the command line
 * when the binary was started as a worker (the pool re-executes the binary itself).
 */
import "../exec/worker-entry.ts";
