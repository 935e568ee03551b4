/**
 * Which module declared a task: the first stack frame outside ruffus's own sources. Worker
 * processes import that module again to find the task function by name — our answer to Ruffus's
 * pickling limits.
 */
const OWN = new URL("..", import.meta.url).pathname;

/** The file path of the user's module calling into ruffus right now, if it can be told. */
export function callerModule(): string | undefined {
  return callerPlace()?.file;
}

/** The user's module calling into ruffus right now, and the line of that call (1-based). */
export function callerPlace(): { file: string; line: number } | undefined {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    const m = /(?:file:\/\/)?(\/[^\s():]+?\.(?:[cm]?[jt]sx?)):(\d+):\d+/.exec(line);
    if (!m) continue;
    const file = decodeURIComponent(m[1]);
    if (file.startsWith(OWN) || file.includes("/$bunfs/") || file.includes("/node_modules/")) continue;
    return { file, line: Number(m[2]) };
  }
  return undefined;
}
