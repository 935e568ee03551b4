/**
 * The job worker as an entry point of the compiled binary. Bun resolves worker URLs inside the
 * binary relative to the entry file, so this file sits beside `bin.ts`.
 */
import "../exec/worker-entry.ts";
